import { z } from 'zod'
import { ROLES } from '../auth/roles.ts'
import { ACTIONS, SCOPES } from '../access/policy.ts'
import { REVIEW_OUTCOMES } from './rules.ts'
import type { GrantItem, LogItem, LogSubject, PersonOut } from './service.ts'

const scope = z.enum(SCOPES)
const role = z.enum(ROLES)

export const policyResponseSchema = z
  .object({
    roles: z.array(z.object({ id: role, label: z.string() })),
    scopes: z.array(z.object({ id: scope, label: z.string(), definition: z.string() })).describe('Narrowest first'),
    resources: z.array(z.object({ id: z.string(), label: z.string() })),
    actions: z.array(
      z.object({
        id: z.enum(ACTIONS as [string, ...string[]]),
        label: z.string(),
        resource: z.string(),
        recordLevel: z.boolean().describe('Checked against each record, not only the user’s roles'),
        breakGlass: z
          .boolean()
          .describe('Records outside the user’s scope can be opened in an emergency, with a reason'),
        roles: z.record(z.string(), scope).describe('Role → the records the role may take the action on'),
      }),
    ),
    fieldRules: z.object({
      health: z.array(z.object({ resource: z.string(), field: z.string(), label: z.string() })),
      sensitive: z.array(z.object({ resource: z.string(), field: z.string(), label: z.string() })),
      healthRoles: z.array(z.object({ role, scope })).describe('Roles that may see health fields'),
      revealRoles: z.array(z.object({ role, scope })).describe('Roles that may reveal sensitive fields with a reason'),
    }),
  })
  .describe('The access policy, generated from the policy table the server enforces')

const person = z.object({
  id: z.string().uuid(),
  incidentId: z.string().uuid(),
  forceReference: z.string(),
  reportedAt: z.string(),
  role: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  dateOfBirth: z.string().nullable(),
})

const logItem = z.object({
  id: z.number().int(),
  seq: z.number().int().nullable().describe('Position in the hash chain'),
  at: z.string(),
  requestId: z.string().nullable(),
  user: z.object({
    id: z.string().nullable(),
    username: z.string().nullable(),
    displayName: z.string().nullable(),
    agencyId: z.string().nullable(),
    agencyName: z.string().nullable(),
    roles: z.array(z.string()).describe('The roles the user held at the time'),
  }),
  action: z.string().describe('collect, alter, consult, disclose, combine, erase, or a sign-in event'),
  record: z.object({
    type: z.string(),
    id: z.string().nullable(),
    label: z.string(),
    incidentId: z.string().nullable(),
    personId: z.string().nullable(),
  }),
  fields: z.array(z.string()).describe('Names of the fields shown or changed, never their values'),
  justification: z.string().nullable(),
  recipients: z.array(z.string()),
  details: z.record(z.string(), z.unknown()),
  breakGlassGrantId: z.string().nullable(),
})

export const accessLogResponseSchema = z.object({
  subject: z
    .discriminatedUnion('kind', [
      z.object({
        kind: z.literal('incident'),
        incidentId: z.string(),
        forceReference: z.string().nullable().describe('Null when the incident is no longer stored'),
        people: z.array(person),
      }),
      z.object({
        kind: z.literal('person'),
        personId: z.string(),
        keyed: z.boolean().describe('Whether records on other incidents were matched by exact identity key'),
        records: z.array(person),
      }),
    ])
    .nullable(),
  total: z.number().int(),
  totalIsCapped: z.boolean().describe('More rows match than were counted: narrow the filters or export'),
  page: z.number().int(),
  pageSize: z.number().int(),
  pageCount: z.number().int(),
  items: z.array(logItem),
})

export const personSearchResponseSchema = z.object({
  truncated: z.boolean(),
  people: z.array(
    z.object({
      personId: z.string().uuid().describe('Use as `person` in the access log'),
      firstName: z.string(),
      lastName: z.string(),
      dateOfBirth: z.string().nullable(),
      records: z.array(person),
    }),
  ),
})

const grant = z.object({
  id: z.string().uuid(),
  user: z.object({
    id: z.string().uuid(),
    username: z.string(),
    displayName: z.string(),
    agencyName: z.string(),
    roles: z.array(z.string()),
    rolesAtTheTime: z.boolean().describe('False when the roles shown are the user’s current ones'),
  }),
  action: z.string(),
  resource: z.string(),
  record: z.object({ id: z.string(), label: z.string(), incidentId: z.string().nullable() }),
  reason: z.string(),
  grantedAt: z.string(),
  expiresAt: z.string(),
  active: z.boolean(),
  uses: z.array(logItem),
  review: z
    .object({
      reviewedAt: z.string(),
      reviewer: z.object({ username: z.string().nullable(), displayName: z.string().nullable() }),
      outcome: z.enum(REVIEW_OUTCOMES),
      notes: z.string().nullable(),
    })
    .nullable(),
})

export const grantResponseSchema = grant
export const grantListResponseSchema = z.object({
  counts: z.object({ unreviewed: z.number().int(), reviewed: z.number().int() }),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  pageCount: z.number().int(),
  items: z.array(grant),
})

const personJson = (p: PersonOut) => ({ ...p, reportedAt: p.reportedAt.toISOString() })

export function logItemJson(i: LogItem) {
  return {
    id: i.id,
    seq: i.seq,
    at: i.at.toISOString(),
    requestId: i.requestId,
    user: i.user,
    action: i.action,
    record: {
      type: i.record.type,
      id: i.record.id,
      label: i.record.label,
      incidentId: i.record.incidentId,
      personId: i.record.personId,
    },
    fields: i.fields,
    justification: i.justification,
    recipients: i.recipients,
    details: i.details,
    breakGlassGrantId: i.breakGlassGrantId,
  }
}

export function subjectJson(s: LogSubject | null) {
  if (!s) return null
  if (s.kind === 'incident') return { ...s, people: s.people.map(personJson) }
  return { ...s, records: s.records.map(personJson) }
}

export function grantJson(g: GrantItem) {
  return {
    ...g,
    grantedAt: g.grantedAt.toISOString(),
    expiresAt: g.expiresAt.toISOString(),
    uses: g.uses.map(logItemJson),
    review: g.review ? { ...g.review, reviewedAt: g.review.reviewedAt.toISOString() } : null,
  }
}

export { personJson }
