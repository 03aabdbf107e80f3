import type { ColumnType, Generated, Selectable, Insertable } from 'kysely'
import type { RiskLevel, PersonRole } from '../intake/incident-schema.ts'
import type { Role } from '../auth/roles.ts'
import type { Decision } from '../triage/decisions.ts'

/** Table types for Kysely, kept by hand beside the migrations that create them. */

type Timestamp = ColumnType<Date, Date | string, Date | string>
type CreatedAt = ColumnType<Date, Date | string | undefined, never>
type Json<T> = ColumnType<T, string, string>

export interface AgencyTable {
  id: Generated<string>
  code: string
  name: string
  kind: 'police' | 'nhs' | 'third_sector' | 'local_authority'
  created_at: CreatedAt
}

export interface AppUserTable {
  id: Generated<string>
  username: string
  display_name: string
  agency_id: string
  password_hash: string | null
  is_service_account: Generated<boolean>
  disabled_at: Timestamp | null
  created_at: CreatedAt
}

export interface UserRoleTable {
  user_id: string
  role: Role
}

export interface UserSessionTable {
  id_hash: string
  user_id: string
  csrf_token: string
  created_at: Timestamp
  last_seen_at: Timestamp
  expires_at: Timestamp
  revoked_at: Timestamp | null
  /** Only 'complete' sessions are signed in; the others wait for a second factor or its set-up (0005). */
  stage: ColumnType<SessionStage, SessionStage | undefined, SessionStage>
  factor_failures: Generated<number>
}

export type SessionStage = 'complete' | 'second_factor' | 'enrol'

export interface UserTotpTable {
  user_id: string
  /** AES-256-GCM ciphertext of the shared secret. */
  secret_enc: string
  created_at: Timestamp
  confirmed_at: Timestamp | null
  last_used_step: number | null
}

export interface UserRecoveryCodeTable {
  user_id: string
  code_hash: string
  created_at: Timestamp
  used_at: Timestamp | null
}

export interface SignInThrottleTable {
  key_hash: string
  failures: number
  last_failure_at: Timestamp
  locked_until: Timestamp | null
}

export interface ApiTokenTable {
  id: Generated<string>
  user_id: string
  name: string
  token_hash: string
  prefix: string
  created_at: Timestamp
  expires_at: Timestamp
  revoked_at: Timestamp | null
  last_used_at: Timestamp | null
}

export type AreaKind = 'urban' | 'suburban' | 'rural'

export interface AreaTable {
  name: string
  active: Generated<boolean>
  /** For default travel times (0006). */
  kind: ColumnType<AreaKind, AreaKind | undefined, AreaKind>
}

export interface SettingTable {
  key: string
  value: Json<unknown>
  updated_at: Generated<Date>
}

export interface ImportIssue {
  row: number
  column: string
  message: string
}

export interface ImportJobTable {
  id: Generated<string>
  kind: string
  filename: string
  mode: 'all_or_nothing' | 'valid_only'
  status: 'importing' | 'completed' | 'rejected' | 'failed'
  total_rows: Generated<number>
  processed_rows: Generated<number>
  imported_rows: Generated<number>
  duplicate_rows: Generated<number>
  error_rows: Generated<number>
  errors: ColumnType<ImportIssue[], string | undefined, string>
  failure: string | null
  created_by: string | null
  /** Null only for jobs from before agencies owned imports. */
  owner_agency_id: string | null
  started_at: Timestamp
  finished_at: Timestamp | null
}

export type TriageStatus = 'undecided' | Decision

export interface IncidentTable {
  id: Generated<string>
  force_reference: string
  reported_at: Timestamp
  occurred_at: Timestamp
  address: string
  postcode: string
  area: string
  latitude: number | null
  longitude: number | null
  address_key: string
  risk_tool: string
  risk_answers: ColumnType<Record<string, string> | null, string | null, string | null>
  risk_level_assessed: RiskLevel
  judgement_level: RiskLevel | null
  judgement_reason: string | null
  risk_level: RiskLevel
  additional_vulnerabilities: boolean
  vulnerability_notes: string | null
  health_needs: boolean
  health_needs_notes: string | null
  children_present: boolean
  summary: string | null
  prior_same_people_12m: Generated<number>
  prior_same_address_12m: Generated<number>
  triage_status: ColumnType<TriageStatus, TriageStatus | undefined, TriageStatus>
  source: 'api' | 'csv' | 'form' | 'demo'
  import_id: string | null
  created_by: string | null
  /** The agency whose record this is; who else may see it follows from `agency_share`. */
  owner_agency_id: string
  created_at: CreatedAt
}

export interface IncidentPersonTable {
  id: Generated<string>
  incident_id: string
  position: number
  role: PersonRole
  first_name: string
  last_name: string
  date_of_birth: string | null
  address: string | null
  postcode: string | null
  phone: string | null
  nhs_number: string | null
  person_key: string | null
}

export interface CustodyEpisodeTable {
  id: Generated<string>
  incident_id: string
  person_id: string
  arrested_at: Timestamp
  expected_release_at: Timestamp | null
  released_at: Timestamp | null
}

export interface TriageDecisionTable {
  id: Generated<string>
  incident_id: string
  decision: Decision
  reason_code: string
  reason_text: string | null
  decided_by: string
  decided_at: Timestamp
  seq: Generated<number>
}

export interface AuditEventTable {
  id: Generated<number>
  at: Timestamp
  request_id: string | null
  user_id: string | null
  username: string | null
  agency_id: string | null
  roles: ColumnType<string[], string[] | undefined, never>
  action: string
  record_type: string
  record_id: string | null
  fields: ColumnType<string[], string[] | undefined, never>
  details: ColumnType<Record<string, unknown>, string | undefined, never>
  /** Why: required for consultations and disclosures of sensitive fields, break-glass and exports. */
  justification: ColumnType<string | null, string | null | undefined, never>
  /** To whom, for disclosures. */
  recipients: ColumnType<string[], string[] | undefined, never>
  /** Position in the hash chain (migration 0004). */
  seq: ColumnType<number, number, never>
  prev_hash: ColumnType<string, string, never>
  hash: ColumnType<string, string, never>
}

export interface TeamTable {
  id: Generated<string>
  agency_id: string
  name: string
  created_at: CreatedAt
}

export interface TeamAreaTable {
  team_id: string
  area: string
}

export interface TeamMemberTable {
  team_id: string
  user_id: string
}

export interface AgencyShareTable {
  owner_agency_id: string
  partner_agency_id: string
  resource: string
  created_at: CreatedAt
}

export interface BreakGlassGrantTable {
  id: Generated<string>
  user_id: string
  action: string
  resource: string
  record_id: string
  reason: string
  granted_at: Timestamp
  expires_at: Timestamp
  reviewed_at: Timestamp | null
  reviewed_by: string | null
  review_outcome: 'justified' | 'not_justified' | null
  review_notes: string | null
}

export interface DeploymentBaseTable {
  id: Generated<string>
  agency_id: string
  name: string
  area: string
  latitude: number
  longitude: number
  active: Generated<boolean>
  created_at: CreatedAt
}

export interface VehicleTable {
  id: Generated<string>
  agency_id: string
  call_sign: string
  registration: string | null
  active: Generated<boolean>
  created_at: CreatedAt
}

export interface ShiftTable {
  id: Generated<string>
  team_id: string
  starts_at: Timestamp
  ends_at: Timestamp
  base_id: string
  vehicle_id: string | null
  created_by: string | null
  created_at: CreatedAt
  cancelled_at: Timestamp | null
}

export type Duty = 'officer' | 'idva'

export interface ShiftMemberTable {
  shift_id: string
  user_id: string
  duty: Duty
}

export interface RotationTable {
  id: Generated<string>
  user_id: string
  home_team: string
  /** Dates as YYYY-MM-DD. */
  starts_on: ColumnType<string, string, string>
  ends_on: ColumnType<string | null, string | null | undefined, string | null>
  created_by: string | null
  created_at: CreatedAt
}

/** A weekly window in UK local wall-clock time; ISO weekday, 1 = Monday. */
export interface WeeklyWindow {
  weekday: number
  startMinute: number
  endMinute: number
}

/** Safe-contact details for a victim, append-only: the latest for the victim's case applies. */
export interface VictimSafeContactTable {
  id: Generated<string>
  incident_id: string
  person_id: string
  person_key: string | null
  methods: string[]
  only_while_suspect_in_custody: boolean
  windows: ColumnType<WeeklyWindow[], string, string>
  notes: string | null
  recorded_by: string | null
  recorded_at: Timestamp
  seq: Generated<number>
}

export type VisitKind = 'post_incident' | 'follow_up' | 'live'
export type VisitStatus = 'planned' | 'completed' | 'lapsed'
export type VisitOutcome = 'seen' | 'not_at_home' | 'unsafe_to_engage' | 'declined' | 'rescheduled'

export interface VisitTable {
  id: Generated<string>
  shift_id: string
  incident_id: string
  kind: VisitKind
  status: ColumnType<VisitStatus, VisitStatus | undefined, VisitStatus>
  position: number
  option_label: string
  planned_arrival: Timestamp
  planned_start: Timestamp
  planned_end: Timestamp
  travel_minutes: number
  pinned: Generated<boolean>
  fixed_rank: number | null
  chosen_because: string
  /** A visit away from the incident's location (a discreet place): where it takes place. */
  place_latitude: number | null
  place_longitude: number | null
  dispatched_by: string | null
  dispatched_at: Timestamp | null
  outcome: VisitOutcome | null
  outcome_notes: string | null
  follow_up_after: Timestamp | null
  outcome_at: Timestamp | null
  outcome_by: string | null
  created_at: CreatedAt
}

export interface ShiftDropTable {
  shift_id: string
  incident_id: string
  reason: string
  dropped_by: string | null
  dropped_at: Timestamp
}

export interface PlanExclusionTable {
  shift_id: string
  incident_id: string
  reason: string
  detail: string
}

export interface PlanRevisionTable {
  id: Generated<string>
  /** Order of revisions, which may share a time. */
  seq: Generated<number>
  shift_id: string
  made_at: Timestamp
  made_by: string | null
  cause: string
  score: number
  changes: Json<unknown>
  travel_source: string
  warnings: Json<string[]>
}

export interface ConsultationTable {
  id: Generated<string>
  incident_id: string
  requested_by: string
  requested_at: Timestamp
  question: string
  answered_by: string | null
  answered_at: Timestamp | null
  advice: string | null
  minutes_taken: number | null
}

export interface TrackerContactTable {
  id: Generated<string>
  incident_id: string
  person_id: string
  visit_id: string | null
  /** The consultation (advice to an officer) the contact came from. */
  consultation_id: string | null
  /** The form it was submitted from (unique): a second post of that form finds this contact. */
  submission_id: string | null
  status: 'draft' | 'submitted'
  draft: ColumnType<Record<string, unknown> | null, string | null, string | null>
  mode: string | null
  contact_at: Timestamp | null
  place: string | null
  place_other: string | null
  idva_present: boolean | null
  officer_present: boolean | null
  others_present: string | null
  support_offered: string[] | null
  support_notes: string | null
  engaged_investigation: string | null
  engaged_investigation_reason: string | null
  engaged_safeguarding: string | null
  engaged_safeguarding_reason: string | null
  previous_investigation: string | null
  previous_safeguarding: string | null
  children_count: number | null
  children_needs: string | null
  consent_to_share: string | null
  share_with: string[] | null
  created_by: string
  created_at: Timestamp
  updated_at: Timestamp
  submitted_at: Timestamp | null
}

export type ActionStatusCode = 'requested' | 'accepted' | 'in_progress' | 'done' | 'declined'

export interface SafeguardingActionTable {
  id: Generated<string>
  incident_id: string
  person_id: string
  person_key: string | null
  /** A code of ACTION_KINDS (`src/safeguarding/rules.ts`). */
  kind: string
  details: string | null
  referred_to: string | null
  owner_agency_id: string
  owner_team_id: string | null
  assignee_id: string | null
  /** YYYY-MM-DD, a UK local date. */
  due_on: ColumnType<string, string, string>
  status: ActionStatusCode
  status_reason: string | null
  raised_by: string
  raised_at: Timestamp
  updated_at: Timestamp
  closed_at: Timestamp | null
}

export interface SafeguardingActionEventTable {
  id: Generated<string>
  action_id: string
  status: ActionStatusCode
  note: string | null
  by_user_id: string
  at: Timestamp
  seq: Generated<number>
}

export interface HandoverTable {
  id: Generated<string>
  incident_id: string
  person_id: string
  person_key: string | null
  to_team_id: string
  summary: string
  handed_by: string
  handed_at: Timestamp
  accepted_by: string | null
  accepted_at: Timestamp | null
  accept_note: string | null
}

export interface NhsAppointmentImportTable {
  id: Generated<string>
  agency_id: string
  file_name: string | null
  entries: number
  appointments: number
  ignored: number
  imported_by: string
  imported_at: Timestamp
}

export interface NhsAppointmentTable {
  id: Generated<string>
  agency_id: string
  import_id: string
  source_id: string | null
  nhs_number: string
  status: string
  start_at: Timestamp
  end_at: Timestamp | null
  setting: string
  description: string | null
  location_name: string | null
  location_address: string | null
  latitude: number | null
  longitude: number | null
  contact_planned_by: string | null
  contact_planned_at: Timestamp | null
  contact_note: string | null
  updated_at: Timestamp
}

export interface DB {
  agency: AgencyTable
  app_user: AppUserTable
  user_role: UserRoleTable
  user_session: UserSessionTable
  user_totp: UserTotpTable
  user_recovery_code: UserRecoveryCodeTable
  sign_in_throttle: SignInThrottleTable
  api_token: ApiTokenTable
  area: AreaTable
  setting: SettingTable
  import_job: ImportJobTable
  incident: IncidentTable
  incident_person: IncidentPersonTable
  custody_episode: CustodyEpisodeTable
  triage_decision: TriageDecisionTable
  audit_event: AuditEventTable
  team: TeamTable
  team_area: TeamAreaTable
  team_member: TeamMemberTable
  agency_share: AgencyShareTable
  break_glass_grant: BreakGlassGrantTable
  deployment_base: DeploymentBaseTable
  vehicle: VehicleTable
  shift: ShiftTable
  shift_member: ShiftMemberTable
  rotation: RotationTable
  victim_safe_contact: VictimSafeContactTable
  visit: VisitTable
  shift_drop: ShiftDropTable
  plan_exclusion: PlanExclusionTable
  plan_revision: PlanRevisionTable
  consultation: ConsultationTable
  tracker_contact: TrackerContactTable
  safeguarding_action: SafeguardingActionTable
  safeguarding_action_event: SafeguardingActionEventTable
  handover: HandoverTable
  nhs_appointment_import: NhsAppointmentImportTable
  nhs_appointment: NhsAppointmentTable
}

export type Incident = Selectable<IncidentTable>
export type NewIncident = Insertable<IncidentTable>
export type IncidentPerson = Selectable<IncidentPersonTable>
export type ImportJob = Selectable<ImportJobTable>
