import { sql } from 'kysely'
import type { Queryable } from '../db/database.ts'
import { scopeWhere } from '../access/repository.ts'
import type { ScopeFilter } from '../access/rules.ts'
import type { RiskLevel } from '../intake/incident-schema.ts'
import type { TriageStatus } from '../db/schema.ts'
import type { Decision } from './decisions.ts'

export interface QueueFilter {
  start?: Date
  end?: Date
  areas?: string[]
  risks?: RiskLevel[]
  statuses?: TriageStatus[]
  ids?: string[]
  /** The records the reader may see; absent for lookups of one incident already checked. */
  scope?: ScopeFilter
}

/**
 * The facts the triage rules need for every incident in the window, with the suspect's latest
 * custody episode. Only small columns: the page's details are fetched for the visible rows.
 */
export function queueCandidatesQuery(db: Queryable, f: QueueFilter) {
  let q = db
    .selectFrom('incident as i')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('custody_episode as c')
          .select(['c.arrested_at', 'c.expected_release_at', 'c.released_at'])
          .whereRef('c.incident_id', '=', 'i.id')
          .orderBy('c.arrested_at', 'desc')
          .limit(1)
          .as('c'),
      (join) => join.onTrue(),
    )
    .select([
      'i.id',
      'i.reported_at',
      'i.risk_level',
      'i.additional_vulnerabilities',
      'i.health_needs',
      'i.children_present',
      'i.prior_same_people_12m',
      'i.prior_same_address_12m',
      'i.triage_status',
      'c.arrested_at',
      'c.expected_release_at',
      'c.released_at',
    ])
  // Open bounds for lookups by id: a far-future Date such as 8.64e15 does not serialise on PGlite.
  if (f.start) q = q.where('i.reported_at', '>=', f.start)
  if (f.end) q = q.where('i.reported_at', '<=', f.end)
  if (f.areas?.length) q = q.where('i.area', 'in', f.areas)
  if (f.risks?.length) q = q.where('i.risk_level', 'in', f.risks)
  if (f.statuses?.length) q = q.where('i.triage_status', 'in', f.statuses)
  if (f.ids) q = q.where('i.id', 'in', f.ids)
  if (f.scope) q = q.where(scopeWhere(f.scope, 'i'))
  return q
}

export function queueCandidates(db: Queryable, f: QueueFilter) {
  return queueCandidatesQuery(db, f).execute()
}

/** What the queue shows for the incidents on the current page. */
export async function queueDisplayRows(db: Queryable, ids: string[]) {
  if (ids.length === 0) return []
  return db
    .selectFrom('incident as i')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('incident_person as p')
          .select(['p.first_name', 'p.last_name'])
          .whereRef('p.incident_id', '=', 'i.id')
          .where('p.role', '=', 'victim')
          .orderBy('p.position')
          .limit(1)
          .as('v'),
      (join) => join.onTrue(),
    )
    .select([
      'i.id',
      'i.force_reference',
      'i.reported_at',
      'i.area',
      'i.postcode',
      'i.latitude',
      'i.longitude',
      'i.risk_tool',
      sql<string | null>`nullif(concat_ws(' ', v.first_name, v.last_name), '')`.as('victim_name'),
    ])
    .where('i.id', 'in', ids)
    .execute()
}

export async function insertDecision(
  db: Queryable,
  d: {
    incidentId: string
    decision: Decision
    reasonCode: string
    reasonText: string | null
    decidedBy: string
    at: Date
  },
): Promise<string> {
  const row = await db
    .insertInto('triage_decision')
    .values({
      incident_id: d.incidentId,
      decision: d.decision,
      reason_code: d.reasonCode,
      reason_text: d.reasonText,
      decided_by: d.decidedBy,
      decided_at: d.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function setTriageStatus(db: Queryable, incidentId: string, status: TriageStatus): Promise<number> {
  const r = await db
    .updateTable('incident')
    .set({ triage_status: status })
    .where('id', '=', incidentId)
    .executeTakeFirst()
  return Number(r.numUpdatedRows)
}

export async function decisionHistory(db: Queryable, incidentId: string) {
  return db
    .selectFrom('triage_decision as d')
    .innerJoin('app_user as u', 'u.id', 'd.decided_by')
    .select([
      'd.id',
      'd.decision',
      'd.reason_code',
      'd.reason_text',
      'd.decided_at',
      'u.display_name as decided_by_name',
    ])
    .where('d.incident_id', '=', incidentId)
    .orderBy('d.decided_at', 'desc')
    .orderBy('d.seq', 'desc')
    .execute()
}

/** Suspects not yet released, on incidents reported in the window. */
export async function openCustody(db: Queryable, start: Date, end: Date, scope: ScopeFilter) {
  return db
    .selectFrom('custody_episode as c')
    .innerJoin('incident as i', 'i.id', 'c.incident_id')
    .innerJoin('incident_person as p', 'p.id', 'c.person_id')
    .select([
      'c.id',
      'c.arrested_at',
      'c.expected_release_at',
      'c.released_at',
      'i.id as incident_id',
      'i.force_reference',
      'i.area',
      'i.risk_level',
      'i.triage_status',
      'p.first_name',
      'p.last_name',
    ])
    .where('c.released_at', 'is', null)
    .where('i.reported_at', '>=', start)
    .where('i.reported_at', '<=', end)
    .where(scopeWhere(scope, 'i'))
    .orderBy(sql`c.expected_release_at asc nulls last`)
    .execute()
}
