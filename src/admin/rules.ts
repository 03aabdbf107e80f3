import { ROLES, ROLE_LABELS, type Role } from '../auth/roles.ts'
import type { FieldIssue } from '../common/errors.ts'
import type { AgencyTable } from '../db/schema.ts'

/** Rules for administering agencies, teams, users and roles: pure, so they are tested with tables of cases. */

export type AgencyKind = AgencyTable['kind']
export const AGENCY_KINDS = ['police', 'nhs', 'third_sector', 'local_authority'] as const satisfies AgencyKind[]
export const AGENCY_KIND_LABELS: Record<AgencyKind, string> = {
  police: 'Police force',
  nhs: 'NHS organisation',
  third_sector: 'Third-sector organisation',
  local_authority: 'Local authority',
}
/** "in a police force", "in an NHS organisation": for messages. */
export const AGENCY_KIND_PHRASES: Record<AgencyKind, string> = {
  police: 'a police force',
  nhs: 'an NHS organisation',
  third_sector: 'a third-sector organisation',
  local_authority: 'a local authority',
}

/**
 * The kinds of agency each role may be held in. Police powers and police systems belong to police
 * staff; a health IDVA is employed by the NHS, which is what makes them independent of the police.
 * Every other role may be held in any agency.
 */
export const ROLE_AGENCY_KINDS: Record<Role, readonly AgencyKind[]> = {
  response_officer: ['police'],
  detective_sergeant: ['police'],
  op_provide_officer: ['police'],
  safeguarding_officer: ['police'],
  health_idva: ['nhs'],
  marac_coordinator: AGENCY_KINDS,
  analyst: AGENCY_KINDS,
  administrator: AGENCY_KINDS,
  information_governance: AGENCY_KINDS,
}

export function roleFitsAgency(role: Role, kind: AgencyKind): boolean {
  return ROLE_AGENCY_KINDS[role].includes(kind)
}

/** The roles a user of this kind of agency may hold, in the order of `ROLES`. */
export function rolesForAgency(kind: AgencyKind): Role[] {
  return ROLES.filter((r) => roleFitsAgency(r, kind))
}

/** A user's roles: at least one, each allowed in their agency's kind. */
export function roleIssues(roles: readonly Role[], kind: AgencyKind, path = 'roles'): FieldIssue[] {
  if (roles.length === 0) return [{ path, message: 'Choose at least one role' }]
  return roles
    .filter((r) => !roleFitsAgency(r, kind))
    .map((r) => ({
      path,
      message: `${ROLE_LABELS[r]} is not a role in ${AGENCY_KIND_PHRASES[kind]}`,
    }))
}

export const USERNAME_PATTERN = /^[a-z0-9._-]{3,40}$/
export const USERNAME_RULE =
  'Username must be 3 to 40 characters: lower-case letters, numbers, dots, hyphens and underscores'
export const AGENCY_CODE_PATTERN = /^[a-z0-9-]{2,30}$/
export const AGENCY_CODE_RULE = 'Code must be 2 to 30 characters: lower-case letters, numbers and hyphens'
export const PASSWORD_MIN_LENGTH = 12
export const PASSWORD_MAX_LENGTH = 200

export function usernameIssue(username: string, taken: boolean, path = 'username'): FieldIssue | null {
  if (!USERNAME_PATTERN.test(username)) return { path, message: USERNAME_RULE }
  if (taken) return { path, message: `The username ${username} is already in use` }
  return null
}

/** Resources an agency may share with a partner under an information-sharing agreement. */
export const SHAREABLE_RESOURCES = ['incident'] as const
export type ShareableResource = (typeof SHAREABLE_RESOURCES)[number]
export const SHAREABLE_RESOURCE_LABELS: Record<ShareableResource, string> = {
  incident: 'Incidents, with their people and custody',
}

export function shareIssues(ownerAgencyId: string, partnerAgencyId: string): FieldIssue[] {
  if (ownerAgencyId === partnerAgencyId) {
    return [{ path: 'partnerAgencyId', message: 'An agency cannot share its records with itself' }]
  }
  return []
}

/** Members of a team are staff of the team's agency. */
export function teamMemberIssues(
  teamAgencyId: string,
  users: readonly { id: string; username: string; agencyId: string }[],
  path = 'userId',
): FieldIssue[] {
  return users
    .filter((u) => u.agencyId !== teamAgencyId)
    .map((u) => ({ path, message: `${u.username} works for another agency, so cannot join this team` }))
}

/** A user's teams are teams of the user's agency. */
export function userTeamIssues(
  userAgencyId: string,
  teams: readonly { id: string; name: string; agencyId: string }[],
  path = 'teamIds',
): FieldIssue[] {
  return teams
    .filter((t) => t.agencyId !== userAgencyId)
    .map((t) => ({ path, message: `${t.name} is a team of another agency` }))
}

/** What the administrator rules need to know about the account being changed. */
export interface AccountFacts {
  actorId: string
  targetId: string
  targetRoles: readonly Role[]
  targetDisabled: boolean
  /** Enabled users holding the administrator role, the target included if they are one. */
  enabledAdministrators: number
}

/**
 * Disabling an account. An administrator cannot lock themselves out, and the programme always
 * keeps one enabled administrator, so nobody is left able to manage users.
 */
export function disableIssues(f: AccountFacts, path = 'user'): FieldIssue[] {
  if (f.targetDisabled) return [{ path, message: 'This account is already disabled' }]
  if (f.actorId === f.targetId) return [{ path, message: 'You cannot disable your own account' }]
  if (f.targetRoles.includes('administrator') && f.enabledAdministrators <= 1) {
    return [{ path, message: 'This is the last enabled administrator: give someone else the role first' }]
  }
  return []
}

/** Changing roles: removing the administrator role follows the same rules as disabling. */
export function roleChangeIssues(f: AccountFacts, roles: readonly Role[], path = 'roles'): FieldIssue[] {
  const losesAdministrator = f.targetRoles.includes('administrator') && !roles.includes('administrator')
  if (!losesAdministrator) return []
  if (f.actorId === f.targetId) return [{ path, message: 'You cannot remove your own administrator role' }]
  if (!f.targetDisabled && f.enabledAdministrators <= 1) {
    return [{ path, message: 'This is the last enabled administrator: give someone else the role first' }]
  }
  return []
}

export function added<T>(before: readonly T[], after: readonly T[]): T[] {
  return after.filter((x) => !before.includes(x))
}

export function removed<T>(before: readonly T[], after: readonly T[]): T[] {
  return before.filter((x) => !after.includes(x))
}

/** Unique values, first occurrence kept, so a form that sends a value twice changes nothing twice. */
export function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)]
}
