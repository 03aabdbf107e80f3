/** The programme's roles. What each may do is the access policy, `src/access/policy.ts`. */
export const ROLES = [
  'response_officer',
  'detective_sergeant',
  'op_provide_officer',
  'health_idva',
  'safeguarding_officer',
  'marac_coordinator',
  'analyst',
  'administrator',
  'information_governance',
] as const
export type Role = (typeof ROLES)[number]

export const ROLE_LABELS: Record<Role, string> = {
  response_officer: 'Response officer',
  detective_sergeant: 'Detective sergeant',
  op_provide_officer: 'Op Provide officer',
  health_idva: 'Health IDVA',
  safeguarding_officer: 'Safeguarding officer',
  marac_coordinator: 'MARAC coordinator',
  analyst: 'Analyst',
  administrator: 'Administrator',
  information_governance: 'Information governance lead',
}
