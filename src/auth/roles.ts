/** The programme's roles. What each may do is in `permissions.ts`. */
export const ROLES = [
  'response_officer',
  'detective_sergeant',
  'op_provide_officer',
  'health_idva',
  'safeguarding_officer',
  'marac_coordinator',
  'analyst',
  'administrator',
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
}

/** Roles employed by the NHS trust; only they may see health details. */
export const HEALTH_ROLES: readonly Role[] = ['health_idva']
