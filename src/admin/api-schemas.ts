import { z } from 'zod'
import { ROLES } from '../auth/roles.ts'
import {
  AGENCY_CODE_PATTERN,
  AGENCY_CODE_RULE,
  AGENCY_KINDS,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  SHAREABLE_RESOURCES,
  USERNAME_PATTERN,
  USERNAME_RULE,
} from './rules.ts'

/**
 * What administrators send and receive, for the API and the pages alike. Every input is a strict
 * object: a field not listed (an `id`, an `agencyId` where it cannot change) is refused, not ignored.
 */

const id = (what: string) => z.string().uuid({ error: `Choose ${what}` })
/** A query parameter a form leaves empty ("All agencies") means no filter. */
const blankAsMissing = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional())

const role = z.enum(ROLES, { error: 'Choose a role from the list' })
const displayName = z
  .string({ error: 'Enter a display name' })
  .trim()
  .min(1, 'Enter a display name')
  .max(100, 'Display name must be 100 characters or fewer')
  .describe('The name others see, such as "DS Sam Example"')
const teamName = z
  .string({ error: 'Enter a team name' })
  .trim()
  .min(1, 'Enter a team name')
  .max(80, 'Team name must be 80 characters or fewer')
const agencyName = z
  .string({ error: 'Enter the agency name' })
  .trim()
  .min(1, 'Enter the agency name')
  .max(120, 'Agency name must be 120 characters or fewer')
const areas = z
  .array(z.string().trim().min(1).max(60), { error: 'Choose areas from the list' })
  .max(50)
  .describe('Names of areas from the installation’s area list; the team’s staff see records in these areas')

// Agencies

export const createAgencySchema = z.strictObject({
  code: z
    .string({ error: 'Enter a code' })
    .trim()
    .regex(AGENCY_CODE_PATTERN, AGENCY_CODE_RULE)
    .describe('A short, permanent, lower-case identifier, such as "police"'),
  name: agencyName,
  kind: z
    .enum(AGENCY_KINDS, { error: 'Choose the kind of agency' })
    .describe('Decides which roles its staff may hold; cannot be changed later'),
})
export type CreateAgencyInput = z.infer<typeof createAgencySchema>

export const updateAgencySchema = z.strictObject({ name: agencyName })
export type UpdateAgencyInput = z.infer<typeof updateAgencySchema>

export const shareInputSchema = z.strictObject({
  partnerAgencyId: id('the partner agency').describe('The agency whose staff will see this agency’s records'),
  resource: z.enum(SHAREABLE_RESOURCES, { error: 'Choose what to share' }).describe('The kind of record shared'),
})
export type ShareInput = z.infer<typeof shareInputSchema>

export const shareParams = z.strictObject({
  id: z.string().uuid(),
  partnerAgencyId: z.string().uuid(),
  resource: z.enum(SHAREABLE_RESOURCES),
})

// Teams

export const createTeamSchema = z.strictObject({
  agencyId: id('the agency').describe('The agency the team belongs to; cannot be changed later'),
  name: teamName,
  areas,
})
export type CreateTeamInput = z.infer<typeof createTeamSchema>

export const updateTeamSchema = z
  .strictObject({ name: teamName.optional(), areas: areas.optional() })
  .refine((v) => v.name !== undefined || v.areas !== undefined, { error: 'Send a name or areas to change' })
export type UpdateTeamInput = z.infer<typeof updateTeamSchema>

export const teamListQuerySchema = z.strictObject({
  agencyId: blankAsMissing(z.string().uuid()).describe('Only teams of this agency'),
})
export type TeamListQuery = z.infer<typeof teamListQuerySchema>

export const memberParams = z.strictObject({ id: z.string().uuid(), userId: z.string().uuid() })

// Users

export const USER_STATUSES = ['all', 'enabled', 'disabled'] as const

export const createUserSchema = z.strictObject({
  username: z
    .string({ error: 'Enter a username' })
    .trim()
    .toLowerCase()
    .regex(USERNAME_PATTERN, USERNAME_RULE)
    .describe('Unique; stored in lower case'),
  displayName,
  agencyId: id('the agency').describe('The agency the user works for; their roles are held there'),
  roles: z.array(role, { error: 'Choose at least one role' }).max(ROLES.length).describe('At least one'),
  password: z
    .string()
    .min(PASSWORD_MIN_LENGTH, `The temporary password must be at least ${PASSWORD_MIN_LENGTH} characters`)
    .max(PASSWORD_MAX_LENGTH, `The temporary password must be ${PASSWORD_MAX_LENGTH} characters or fewer`)
    .optional()
    .describe(
      `A temporary password of at least ${PASSWORD_MIN_LENGTH} characters; leave out to have one generated and returned once`,
    ),
})
export type CreateUserInput = z.infer<typeof createUserSchema>

export const updateUserSchema = z.strictObject({ displayName })
export type UpdateUserInput = z.infer<typeof updateUserSchema>

export const userRolesSchema = z.strictObject({
  roles: z.array(role, { error: 'Choose at least one role' }).max(ROLES.length).describe('The complete set of roles'),
})
export type UserRolesInput = z.infer<typeof userRolesSchema>

export const userTeamsSchema = z.strictObject({
  teamIds: z
    .array(z.string().uuid(), { error: 'Choose teams from the list' })
    .max(100)
    .describe('The complete set of teams, all of the user’s agency'),
})
export type UserTeamsInput = z.infer<typeof userTeamsSchema>

export const userListQuerySchema = z.strictObject({
  agencyId: blankAsMissing(z.string().uuid()).describe('Only users of this agency'),
  role: blankAsMissing(z.enum(ROLES)).describe('Only users holding this role'),
  status: z.enum(USER_STATUSES).default('all').describe('Enabled, disabled or all accounts'),
  q: blankAsMissing(z.string().trim().max(100)).describe('Part of a username or display name'),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
})
export type UserListQuery = z.infer<typeof userListQuerySchema>

// Responses

const instant = z.string().describe('ISO 8601 date-time')

export const agencySchema = z.object({
  id: z.string().uuid(),
  code: z.string(),
  name: z.string(),
  kind: z.enum(AGENCY_KINDS),
  createdAt: instant,
})

const shareSchema = z.object({
  ownerAgencyId: z.string().uuid(),
  ownerName: z.string(),
  partnerAgencyId: z.string().uuid(),
  partnerName: z.string(),
  resource: z.string(),
  createdAt: instant,
})

export const agencyDetailSchema = agencySchema.extend({
  sharesGiven: z.array(shareSchema).describe('Agreements under which this agency shares its records with a partner'),
  sharesReceived: z.array(shareSchema).describe('Agreements under which other agencies share records with this one'),
})

export const agencyListSchema = z.object({ items: z.array(agencySchema) })

export const teamSchema = z.object({
  id: z.string().uuid(),
  agencyId: z.string().uuid(),
  agencyName: z.string(),
  name: z.string(),
  areas: z.array(z.string()),
  memberCount: z.number().int(),
  createdAt: instant,
})

export const teamDetailSchema = teamSchema.extend({
  members: z.array(
    z.object({ id: z.string().uuid(), username: z.string(), displayName: z.string(), enabled: z.boolean() }),
  ),
})

export const teamListSchema = z.object({ items: z.array(teamSchema) })

export const userSchema = z.object({
  id: z.string().uuid(),
  username: z.string(),
  displayName: z.string(),
  agencyId: z.string().uuid(),
  agencyName: z.string(),
  roles: z.array(z.enum(ROLES)),
  teams: z.array(z.object({ id: z.string().uuid(), name: z.string() })),
  enabled: z.boolean(),
  disabledAt: instant.nullable(),
  serviceAccount: z.boolean(),
  createdAt: instant,
})

export const userListSchema = z.object({
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  pageCount: z.number().int(),
  items: z.array(userSchema),
})

export const createdUserSchema = z.object({
  user: userSchema,
  temporaryPassword: z
    .string()
    .optional()
    .describe('Only when Provide generated the password: shown this once, never stored in clear'),
})
