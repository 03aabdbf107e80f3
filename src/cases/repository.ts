import { sql, type ExpressionBuilder, type SqlBool } from 'kysely'
import type { Queryable } from '../db/database.ts'
import type { DB, IncidentPersonTable, WeeklyWindow } from '../db/schema.ts'
import { scopeWhere } from '../access/repository.ts'
import type { ScopeFilter } from '../access/rules.ts'

/**
 * A victim's case: every incident on which a victim has the same identity key, or the one victim
 * row when there is none. Rows about the victim carry the victim row they were recorded for
 * (`person_id`) and the incident, through which access goes.
 */

/**
 * Rows of a victim's case: those with the victim's identity key, or the victim's own row when it
 * has none (never merged on a guess). `key` and `person` name the row's key and victim-row columns.
 */
export function ofCase(victim: { id: string; person_key: string | null }, key: string, person: string) {
  return victim.person_key
    ? sql<SqlBool>`${sql.ref(key)} = ${victim.person_key}`
    : sql<SqlBool>`${sql.ref(person)} = ${victim.id}`
}

/** `ofCase` between two rows' columns: the row (`key`, `person`) is of the case of the victim row (`victimKey`, `victimId`). */
export function inCaseOf(row: { key: string; person: string }, victim: { key: string; id: string }) {
  const [key, person, victimKey, victimId] = [row.key, row.person, victim.key, victim.id].map((c) => sql.ref(c))
  return sql<SqlBool>`((${victimKey} is not null and ${key} = ${victimKey}) or (${victimKey} is null and ${person} = ${victimId}))`
}

/** The victim row a case is addressed by (victims only). */
export function findVictim(db: Queryable, id: string) {
  return db
    .selectFrom('incident_person as p')
    .select(['p.id', 'p.incident_id', 'p.first_name', 'p.last_name', 'p.date_of_birth', 'p.person_key'])
    .where('p.id', '=', id)
    .where('p.role', '=', 'victim')
    .executeTakeFirst()
}

export type VictimRow = NonNullable<Awaited<ReturnType<typeof findVictim>>>

/**
 * The case's victim rows on incidents in `scope` or on the victim's own incident (whose access the
 * caller checked), newest incident first, with what the case page shows of each incident.
 */
export function caseIncidents(db: Queryable, victim: VictimRow, scope: ScopeFilter) {
  return db
    .selectFrom('incident_person as p')
    .innerJoin('incident as i', 'i.id', 'p.incident_id')
    .select([
      'p.id as person_id',
      'i.id',
      'i.force_reference',
      'i.reported_at',
      'i.area',
      'i.risk_level',
      'i.risk_tool',
      'i.triage_status',
      'i.owner_agency_id',
      'i.created_by',
    ])
    .where('p.role', '=', 'victim')
    .where(ofCase(victim, 'p.person_key', 'p.id'))
    .where((eb) => eb.or([eb('i.id', '=', victim.incident_id), scopeWhere(scope, 'i')]))
    .orderBy('i.reported_at', 'desc')
    .orderBy('i.force_reference', 'desc')
    .execute()
}

export type CaseIncidentRow = Awaited<ReturnType<typeof caseIncidents>>[number]

/** What a row of safe-contact details (`victim_safe_contact as s`, its recorder `app_user as u`) shows. */
const SAFE_CONTACT_COLUMNS = [
  's.methods',
  's.only_while_suspect_in_custody',
  's.windows',
  's.notes',
  's.recorded_at',
  'u.display_name as recorded_by_name',
] as const

/**
 * For each victim on the incidents (or each of the victim rows) named, their latest safe-contact
 * details recorded for the same person (same identity key, or the same row when there is none) on
 * an incident in `scope` or on the victim's own incident (`scope` null: on any incident, as the
 * planner reads them: a rule recorded elsewhere still keeps the victim safe). Beside them, the
 * newest details on any incident and the agency holding it, so a reader learns that newer details
 * exist where they cannot see them. Victims without any have nulls.
 */
export function latestSafeContacts(
  db: Queryable,
  f: { incidentIds?: string[]; victimIds?: string[]; scope: ScopeFilter | null },
) {
  const ids = f.incidentIds ?? f.victimIds ?? []
  if (ids.length === 0) return Promise.resolve([])
  const scope = f.scope
  const ofPerson = (eb: ExpressionBuilder<DB & { p: IncidentPersonTable }, 'p'>) =>
    eb
      .selectFrom('victim_safe_contact as s')
      .innerJoin('incident as si', 'si.id', 's.incident_id')
      .where(inCaseOf({ key: 's.person_key', person: 's.person_id' }, { key: 'p.person_key', id: 'p.id' }))
      .orderBy('s.recorded_at', 'desc')
      .orderBy('s.seq', 'desc')
      .limit(1)
  return db
    .selectFrom('incident_person as p')
    .leftJoinLateral(
      (eb) =>
        ofPerson(eb)
          .leftJoin('app_user as u', 'u.id', 's.recorded_by')
          .select(['s.id as safe_contact_id', ...SAFE_CONTACT_COLUMNS])
          .where((w) =>
            scope ? w.or([w('s.incident_id', '=', w.ref('p.incident_id')), scopeWhere(scope, 'si')]) : w.lit(true),
          )
          .as('s'),
      (join) => join.onTrue(),
    )
    .leftJoinLateral(
      (eb) =>
        ofPerson(eb)
          // The recorder's agency; the incident's owner for details from before users were recorded.
          .leftJoin('app_user as nu', 'nu.id', 's.recorded_by')
          .innerJoin('agency as g', (join) =>
            join.on((eb) => eb('g.id', '=', eb.fn.coalesce('nu.agency_id', 'si.owner_agency_id'))),
          )
          .select(['s.id as newest_id', 's.recorded_at as newest_at', 'g.name as newest_agency'])
          .as('n'),
      (join) => join.onTrue(),
    )
    .select([
      's.safe_contact_id',
      'n.newest_id',
      'n.newest_at',
      'n.newest_agency',
      'p.id as victim_id',
      'p.incident_id',
      sql<string>`concat_ws(' ', p.first_name, p.last_name)`.as('victim_name'),
      's.methods',
      's.only_while_suspect_in_custody',
      's.windows',
      's.notes',
      's.recorded_at',
      's.recorded_by_name',
    ])
    .where('p.role', '=', 'victim')
    .where(f.incidentIds ? 'p.incident_id' : 'p.id', 'in', ids)
    .orderBy('p.incident_id')
    .orderBy('p.position')
    .execute()
}

export type LatestSafeContactRow = Awaited<ReturnType<typeof latestSafeContacts>>[number]

export async function insertSafeContact(
  db: Queryable,
  r: {
    incidentId: string
    personId: string
    personKey: string | null
    methods: string[]
    onlyWhileSuspectInCustody: boolean
    windows: WeeklyWindow[]
    notes: string | null
    by: string | null
    at: Date
  },
): Promise<string> {
  const row = await db
    .insertInto('victim_safe_contact')
    .values({
      incident_id: r.incidentId,
      person_id: r.personId,
      person_key: r.personKey,
      methods: r.methods,
      only_while_suspect_in_custody: r.onlyWhileSuspectInCustody,
      windows: JSON.stringify(r.windows),
      notes: r.notes,
      recorded_by: r.by,
      recorded_at: r.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

// The timeline's events: each query takes the case's visible incidents, and the case's victim
// rows on them where the rows are about the victim rather than the incident.

export function safeContactHistory(db: Queryable, incidentIds: string[], personIds: string[]) {
  if (incidentIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('victim_safe_contact as s')
    .leftJoin('app_user as u', 'u.id', 's.recorded_by')
    .select(['s.id', 's.incident_id', ...SAFE_CONTACT_COLUMNS])
    .where('s.incident_id', 'in', incidentIds)
    .where('s.person_id', 'in', personIds)
    .orderBy('s.recorded_at')
    .orderBy('s.seq')
    .execute()
}

export function decisions(db: Queryable, incidentIds: string[]) {
  if (incidentIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('triage_decision as d')
    .innerJoin('app_user as u', 'u.id', 'd.decided_by')
    .select([
      'd.id',
      'd.incident_id',
      'd.decision',
      'd.reason_code',
      'd.reason_text',
      'd.decided_at',
      'u.display_name as decided_by_name',
    ])
    .where('d.incident_id', 'in', incidentIds)
    .orderBy('d.decided_at')
    .orderBy('d.seq')
    .execute()
}

export function visits(db: Queryable, incidentIds: string[]) {
  if (incidentIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('visit as v')
    .innerJoin('shift as sh', 'sh.id', 'v.shift_id')
    .innerJoin('team as t', 't.id', 'sh.team_id')
    .leftJoin('app_user as u', 'u.id', 'v.outcome_by')
    .select([
      'v.id',
      'v.incident_id',
      'v.kind',
      'v.status',
      'v.planned_start',
      'v.planned_end',
      'v.outcome',
      'v.outcome_notes',
      'v.outcome_at',
      'v.follow_up_after',
      't.name as team_name',
      'u.display_name as outcome_by_name',
    ])
    .where('v.incident_id', 'in', incidentIds)
    .orderBy('v.planned_start')
    .execute()
}

export function consultations(db: Queryable, incidentIds: string[]) {
  if (incidentIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('consultation as c')
    .innerJoin('app_user as r', 'r.id', 'c.requested_by')
    .leftJoin('app_user as a', 'a.id', 'c.answered_by')
    .select([
      'c.id',
      'c.incident_id',
      'c.requested_at',
      'c.question',
      'r.display_name as requested_by_name',
      'c.answered_at',
      'c.advice',
      'c.minutes_taken',
      'a.display_name as answered_by_name',
    ])
    .where('c.incident_id', 'in', incidentIds)
    .orderBy('c.requested_at')
    .execute()
}

/** Submitted tracker contacts only: drafts are their authors' own. */
export function trackerContacts(db: Queryable, incidentIds: string[], personIds: string[]) {
  if (incidentIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('tracker_contact as c')
    .innerJoin('app_user as u', 'u.id', 'c.created_by')
    .select([
      'c.id',
      'c.incident_id',
      'c.mode',
      'c.contact_at',
      'c.place',
      'c.place_other',
      'c.support_offered',
      'c.engaged_investigation',
      'c.engaged_investigation_reason',
      'c.engaged_safeguarding',
      'c.engaged_safeguarding_reason',
      'c.consent_to_share',
      'c.share_with',
      'u.display_name as recorded_by',
    ])
    .where('c.incident_id', 'in', incidentIds)
    .where('c.person_id', 'in', personIds)
    .where('c.status', '=', 'submitted')
    .orderBy('c.contact_at')
    .execute()
}

/** The victim's actions and referrals on these incidents, with their owners' names. */
function victimActions(db: Queryable, incidentIds: string[], personIds: string[]) {
  return db
    .selectFrom('safeguarding_action as a')
    .innerJoin('agency as g', 'g.id', 'a.owner_agency_id')
    .leftJoin('team as t', 't.id', 'a.owner_team_id')
    .select([
      'a.incident_id',
      'a.kind',
      'a.referred_to',
      'a.due_on',
      'g.name as owner_agency_name',
      't.name as owner_team_name',
    ])
    .where('a.incident_id', 'in', incidentIds)
    .where('a.person_id', 'in', personIds)
}

/** Every status change of the victim's actions and referrals (the first is the request). */
export function actionEvents(db: Queryable, incidentIds: string[], personIds: string[]) {
  if (incidentIds.length === 0) return Promise.resolve([])
  return victimActions(db, incidentIds, personIds)
    .innerJoin('safeguarding_action_event as e', 'e.action_id', 'a.id')
    .innerJoin('app_user as u', 'u.id', 'e.by_user_id')
    .select(['e.id', 'e.action_id', 'e.status', 'e.note', 'e.at', 'e.seq', 'a.details', 'u.display_name as by_name'])
    .orderBy('e.at')
    .orderBy('e.seq')
    .execute()
}

export function openActions(db: Queryable, incidentIds: string[], personIds: string[]) {
  if (incidentIds.length === 0) return Promise.resolve([])
  return victimActions(db, incidentIds, personIds)
    .select(['a.id', 'a.status', 'a.raised_at'])
    .where('a.closed_at', 'is', null)
    .execute()
}

export function handovers(db: Queryable, incidentIds: string[], personIds: string[]) {
  if (incidentIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('handover as h')
    .innerJoin('team as t', 't.id', 'h.to_team_id')
    .innerJoin('app_user as hb', 'hb.id', 'h.handed_by')
    .leftJoin('app_user as ab', 'ab.id', 'h.accepted_by')
    .select([
      'h.id',
      'h.incident_id',
      'h.summary',
      'h.handed_at',
      'h.accepted_at',
      'h.accept_note',
      't.name as team_name',
      'hb.display_name as handed_by_name',
      'ab.display_name as accepted_by_name',
    ])
    .where('h.incident_id', 'in', incidentIds)
    .where('h.person_id', 'in', personIds)
    .orderBy('h.handed_at')
    .execute()
}
