import { ROLES, type Role } from '../auth/roles.ts'

/**
 * The access policy, as data: for each action, which roles may take it and over which records.
 * Every route names one action; services check record-level actions against the record; pages
 * hide what cannot be done. The information-governance page `/governance/policy` renders this
 * table, and the authorisation matrix test (`src/access/matrix.test.ts`) is generated from it.
 *
 * Scopes, narrowest first:
 * - `own`: records the user created.
 * - `team`: records of the user's agency (or shared with it) in the areas the user's teams cover,
 *   and the user's own.
 * - `agency`: records the user's agency owns, or that another agency shares with it under an
 *   information-sharing agreement (`agency_share`).
 * - `all`: every record.
 */
export const SCOPES = ['own', 'team', 'agency', 'all'] as const
export type Scope = (typeof SCOPES)[number]

export const SCOPE_LABELS: Record<Scope, string> = {
  own: 'Records they created',
  team: "Their team's areas",
  agency: 'Their agency and agencies sharing with it',
  all: 'All records',
}

/** Kinds of record the policy speaks of. */
export const RESOURCES = {
  reference: 'Start page, API description and the user’s own account',
  incident: 'Incidents, with their people and custody',
  person: 'People on incidents',
  health: 'Health data: NHS numbers, health needs, NHS appointments',
  triage: 'Triage queue and decisions',
  custody: 'Custody board',
  import: 'Records-system imports',
  agency: 'Agencies and information-sharing agreements',
  team: 'Teams',
  user: 'Users and their roles',
  policy: 'This access policy',
  audit: 'The audit trail and access logs',
  breakglass: 'Break-glass access',
  rota: 'Shifts, who is on them, vehicles, bases and officer rotations',
  plan: 'Shift visit plans, visits and their outcomes, live incidents sent to a team',
  consultation: 'Consultations: officers asking an IDVA for advice on an incident',
  safecontact: 'When and how it is safe to contact a victim',
  tracker: 'The IDVA’s engagement tracker: support offered and engagement, per contact',
  case: 'A victim’s record across their incidents: timeline, current risk, open actions',
  safeguarding: 'Safeguarding actions, onward referrals and hand-overs to the safeguarding team',
} as const
export type Resource = keyof typeof RESOURCES

interface ActionDefinition {
  label: string
  /** Checked against each record (its owner, creator and area), not just the user's roles. */
  recordLevel: boolean
  /** Someone whose role allows this on some records may open others in an emergency, with a reason. */
  breakGlass?: boolean
  roles: Partial<Record<Role, Scope>>
}

const EVERY_ROLE = Object.fromEntries(ROLES.map((r) => [r, 'all'])) as Record<Role, Scope>
const CASE_WORKERS = {
  response_officer: 'own',
  detective_sergeant: 'agency',
  op_provide_officer: 'team',
  health_idva: 'agency',
  safeguarding_officer: 'team',
} as const satisfies Partial<Record<Role, Scope>>
/** The joint team on a shift, and the sergeants who supervise them. */
const JOINT_TEAM = {
  detective_sergeant: 'agency',
  op_provide_officer: 'team',
  health_idva: 'team',
} as const satisfies Partial<Record<Role, Scope>>
/**
 * The programme's partners on a case after the incident: sergeants and IDVAs across what their
 * agency sees, Op Provide and safeguarding officers in their teams' areas. They read the triage
 * queue, the custody board and the tracker, and raise and work safeguarding actions.
 */
const PARTNERS = {
  detective_sergeant: 'agency',
  op_provide_officer: 'team',
  health_idva: 'agency',
  safeguarding_officer: 'team',
} as const satisfies Partial<Record<Role, Scope>>

export const POLICY = {
  'reference:view': {
    label: 'Use the start page, API description and own account',
    recordLevel: false,
    roles: EVERY_ROLE,
  },
  'incident:create': {
    label: 'Record an incident for their agency',
    recordLevel: false,
    roles: { response_officer: 'agency', detective_sergeant: 'agency', op_provide_officer: 'agency' },
  },
  'incident:import': {
    label: "Import incidents from the records system and read their agency's import reports",
    recordLevel: true,
    roles: { detective_sergeant: 'agency', administrator: 'agency' },
  },
  'incident:view': {
    label: 'Open and search incidents, with their people and custody',
    recordLevel: true,
    breakGlass: true,
    roles: CASE_WORKERS,
  },
  'person:reveal': {
    label: 'Reveal a masked address or phone number, giving a reason',
    recordLevel: true,
    breakGlass: true,
    roles: CASE_WORKERS,
  },
  'health:import': {
    label: 'Import NHS appointments (FHIR bundles) for victims they can open',
    recordLevel: false,
    roles: { health_idva: 'agency' },
  },
  'health:plan-contact': {
    label: 'Plan a discreet contact with a victim at one of their NHS appointments',
    recordLevel: true,
    roles: { health_idva: 'agency' },
  },
  'health:view': {
    label: 'See health data (NHS numbers, health needs, NHS appointments) on records they can open',
    recordLevel: true,
    breakGlass: true,
    roles: { health_idva: 'agency' },
  },
  'triage:view': { label: 'Read the triage queue', recordLevel: true, roles: PARTNERS },
  'triage:export': {
    label: 'Download the triage queue as a spreadsheet',
    recordLevel: true,
    roles: { detective_sergeant: 'agency' },
  },
  'triage:decide': { label: 'Record triage decisions', recordLevel: true, roles: { detective_sergeant: 'agency' } },
  'custody:view': { label: 'Read the custody board', recordLevel: true, roles: PARTNERS },
  'rota:view': {
    label: 'See shifts and who is on them, vehicles, bases and officer rotations',
    recordLevel: true,
    roles: { ...JOINT_TEAM, analyst: 'agency' },
  },
  'rota:manage': {
    label: 'Set up shifts and the rota, vehicles, bases and officer rotations',
    recordLevel: true,
    roles: { detective_sergeant: 'agency' },
  },
  'plan:view': { label: "Open a shift's visit plan", recordLevel: true, roles: JOINT_TEAM },
  'plan:edit': {
    label: "Make and change a shift's visit plan: re-plan, pin, drop and reorder visits",
    recordLevel: true,
    roles: JOINT_TEAM,
  },
  'plan:record-outcome': { label: 'Record the outcome of a visit', recordLevel: true, roles: JOINT_TEAM },
  'plan:dispatch-live': {
    label: 'Send a live incident to a team on shift',
    recordLevel: true,
    roles: { detective_sergeant: 'agency', op_provide_officer: 'team', response_officer: 'own' },
  },
  'consultation:request': {
    label: 'Ask an IDVA for advice on an incident',
    recordLevel: true,
    roles: {
      response_officer: 'own',
      detective_sergeant: 'agency',
      op_provide_officer: 'team',
      safeguarding_officer: 'team',
    },
  },
  'consultation:answer': {
    label: 'Answer consultations: give advice on an incident and record the time it took',
    recordLevel: true,
    roles: { health_idva: 'agency' },
  },
  'safecontact:edit': {
    label: 'Record when it is safe to contact a victim',
    recordLevel: true,
    roles: CASE_WORKERS,
  },
  'tracker:record': {
    label: 'Record the engagement tracker for a contact with a victim (drafts and submissions)',
    recordLevel: true,
    roles: { health_idva: 'agency' },
  },
  'tracker:view': {
    label: 'Read the engagement tracker records of incidents they can open',
    recordLevel: true,
    roles: PARTNERS,
  },
  // No break-glass here: a record shows only the incidents its reader may open, so an emergency
  // opens the incident itself (incident:view), which is reviewed like every grant.
  'case:view': {
    label: 'Open a victim’s record: the timeline of their incidents they can open, risk and open actions',
    recordLevel: true,
    roles: CASE_WORKERS,
  },
  'safeguarding:view': {
    label: 'Read safeguarding actions, referrals and hand-overs, and their action lists',
    recordLevel: true,
    roles: CASE_WORKERS,
  },
  'safeguarding:raise': {
    label: 'Raise a safeguarding action or an onward referral for a victim',
    recordLevel: true,
    roles: PARTNERS,
  },
  'safeguarding:update': {
    label: 'Update the status of an action or referral their team or agency owns',
    recordLevel: true,
    roles: PARTNERS,
  },
  'safeguarding:handover': {
    label: 'Hand a victim over from the joint team to a safeguarding team, with a summary',
    recordLevel: true,
    roles: JOINT_TEAM,
  },
  'safeguarding:accept': {
    label: 'Accept a hand-over made to their safeguarding team',
    recordLevel: true,
    roles: { safeguarding_officer: 'team', detective_sergeant: 'agency' },
  },
  'agency:manage': {
    label: 'Manage agencies and information-sharing agreements',
    recordLevel: false,
    roles: { administrator: 'all' },
  },
  'team:manage': {
    label: 'Manage teams and the areas they cover',
    recordLevel: false,
    roles: { administrator: 'all' },
  },
  'user:manage': {
    label: 'Manage users, their roles and teams; disable accounts; reset sign-in factors',
    recordLevel: false,
    roles: { administrator: 'all' },
  },
  'policy:view': {
    label: 'Read this access policy',
    recordLevel: false,
    roles: { administrator: 'all', information_governance: 'all' },
  },
  'audit:view': {
    label: 'Read and export access logs for records and people',
    recordLevel: false,
    roles: { information_governance: 'all' },
  },
  'breakglass:review': {
    label: 'Review break-glass access',
    recordLevel: false,
    roles: { information_governance: 'all' },
  },
} as const satisfies Record<`${Resource}:${string}`, ActionDefinition>

export type Action = keyof typeof POLICY
export const ACTIONS = Object.keys(POLICY) as Action[]

export function resourceOf(action: Action): Resource {
  return action.slice(0, action.indexOf(':')) as Resource
}

/**
 * Field-level rules. `health` fields leave the server only for users allowed `health:view`;
 * `sensitive` fields are masked for everyone until revealed with a reason (`person:reveal`),
 * which is logged as a consultation and lasts for that page view.
 */
export const FIELD_RULES = [
  { resource: 'incident', field: 'health_needs_notes', label: 'Health needs notes', kind: 'health' },
  { resource: 'incident', field: 'address', label: 'Incident address (often the victim’s home)', kind: 'sensitive' },
  { resource: 'person', field: 'nhs_number', label: 'NHS number', kind: 'health' },
  { resource: 'person', field: 'address', label: 'Current address and postcode', kind: 'sensitive' },
  { resource: 'person', field: 'phone', label: 'Phone number', kind: 'sensitive' },
] as const satisfies readonly { resource: Resource; field: string; label: string; kind: 'health' | 'sensitive' }[]

export type FieldRule = (typeof FIELD_RULES)[number]
export type FieldResource = FieldRule['resource']
export type SensitiveField<R extends FieldResource> = Extract<FieldRule, { kind: 'sensitive'; resource: R }>['field']
export type HealthField<R extends FieldResource> = Extract<FieldRule, { kind: 'health'; resource: R }>['field']

export function fieldsOf(resource: FieldResource, kind: FieldRule['kind']): string[] {
  return FIELD_RULES.filter((r) => r.resource === resource && r.kind === kind).map((r) => r.field)
}
