import type { Actor } from './actor.ts'
import { HEALTH_ROLES, ROLES, type Role } from './roles.ts'

/**
 * What each role may do. Every route names one of these actions; the server refuses the
 * request when none of the actor's roles allows it, and pages hide what cannot be done.
 */
export const PERMISSIONS = {
  'incident:create': ['response_officer', 'detective_sergeant', 'op_provide_officer'],
  'incident:import': ['detective_sergeant', 'administrator'],
  'incident:view': ['detective_sergeant', 'op_provide_officer', 'health_idva', 'safeguarding_officer'],
  'triage:view': ['detective_sergeant', 'op_provide_officer', 'health_idva', 'safeguarding_officer'],
  'triage:decide': ['detective_sergeant'],
  'custody:view': ['detective_sergeant', 'op_provide_officer', 'health_idva', 'safeguarding_officer'],
  // Every role: the start page, the API document and signing out.
  'reference:view': ROLES,
} as const satisfies Record<string, readonly Role[]>

export type Action = keyof typeof PERMISSIONS

export function can(actor: Pick<Actor, 'roles'>, action: Action): boolean {
  const allowed: readonly Role[] = PERMISSIONS[action]
  return actor.roles.some((r) => allowed.includes(r))
}

/** Health details (health needs notes, NHS numbers) are for the NHS trust's staff only. */
export function canSeeHealthData(actor: Pick<Actor, 'roles'>): boolean {
  return actor.roles.some((r) => HEALTH_ROLES.includes(r))
}
