import type { Role } from '../auth/roles.ts'
import { POLICY, SCOPES, type Action, type Scope } from './policy.ts'

/** The parts of a user that access decisions depend on. */
export interface Principal {
  userId: string
  agencyId: string
  roles: readonly Role[]
  teamAreas: readonly string[]
}

/** What access decisions need to know of a record. */
export interface RecordFacts {
  ownerAgencyId: string | null
  createdBy: string | null
  area: string | null
}

/**
 * Which records a scope reaches for one user, as data: the single definition that both
 * `reaches` (one record) and the repositories' SQL filters (lists) follow.
 */
export type ScopeFilter =
  | { kind: 'all' }
  | { kind: 'agency'; agencyIds: string[] }
  | { kind: 'team'; agencyIds: string[]; areas: string[]; userId: string }
  | { kind: 'own'; userId: string }

/** The widest scope any of the roles has for the action, or null when none may take it. */
export function widestScope(roles: readonly Role[], action: Action): Scope | null {
  const granted: Partial<Record<Role, Scope>> = POLICY[action].roles
  let best = -1
  for (const role of roles) {
    const scope = granted[role]
    if (scope) best = Math.max(best, SCOPES.indexOf(scope))
  }
  return best < 0 ? null : SCOPES[best]!
}

export function allows(principal: Pick<Principal, 'roles'>, action: Action): boolean {
  return widestScope(principal.roles, action) !== null
}

/**
 * The records a user may reach with a scope. `agencyIds` are the user's agency and the agencies
 * that share this kind of record with it.
 */
export function scopeFilter(principal: Principal, scope: Scope, agencyIds: string[]): ScopeFilter {
  switch (scope) {
    case 'all':
      return { kind: 'all' }
    case 'agency':
      return { kind: 'agency', agencyIds }
    case 'team':
      return { kind: 'team', agencyIds, areas: [...principal.teamAreas], userId: principal.userId }
    case 'own':
      return { kind: 'own', userId: principal.userId }
  }
}

export function reaches(filter: ScopeFilter, record: RecordFacts): boolean {
  const mine = record.createdBy !== null && 'userId' in filter && record.createdBy === filter.userId
  const inAgencies =
    'agencyIds' in filter && record.ownerAgencyId !== null && filter.agencyIds.includes(record.ownerAgencyId)
  switch (filter.kind) {
    case 'all':
      return true
    case 'agency':
      return inAgencies
    case 'team':
      return inAgencies && (mine || (record.area !== null && filter.areas.includes(record.area)))
    case 'own':
      return mine
  }
}

export type AccessDecision =
  /** The user's roles allow the action on this record. */
  | { allowed: true; via: 'policy' | 'break_glass' }
  /** Not allowed; `breakGlass` says whether an emergency reason would open it. */
  | { allowed: false; breakGlass: boolean }

/**
 * One record-level decision. `filter` is the user's widest scope for the action (null when no
 * role allows it); `grant` whether the user holds an unexpired break-glass grant for the record.
 */
export function decideRecordAccess(
  action: Action,
  filter: ScopeFilter | null,
  record: RecordFacts,
  grant: boolean,
): AccessDecision {
  if (filter === null) return { allowed: false, breakGlass: false }
  if (reaches(filter, record)) return { allowed: true, via: 'policy' }
  const glass = 'breakGlass' in POLICY[action] && POLICY[action].breakGlass === true
  if (glass && grant) return { allowed: true, via: 'break_glass' }
  return { allowed: false, breakGlass: glass }
}
