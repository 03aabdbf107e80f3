import { sql, type ExpressionBuilder } from 'kysely'
import type { DB } from '../db/schema.ts'
import type { Queryable } from '../db/database.ts'
import type { ScopeFilter } from '../access/rules.ts'
import type { VisitKind, VisitOutcome } from '../db/schema.ts'
import { queueCandidatesQuery } from '../triage/repository.ts'
import { scopeWhere } from '../access/repository.ts'

/**
 * Candidates for a shift's plan: incidents triaged to attend (post-incident or live) in the team's
 * areas and the shift's scope, reported since `since` or with a follow-up due since then, not yet
 * seen, not planned by another shift and not dropped from this one. With the triage facts the
 * priority rules need. Run after `lapseEndedVisits`, so bookings of ended shifts do not count.
 */
export function candidateFacts(
  db: Queryable,
  f: { shiftId: string; areas: string[]; since: Date; scope: ScopeFilter },
) {
  if (f.areas.length === 0) return Promise.resolve([])
  return queueCandidatesQuery(db, { areas: f.areas, statuses: ['attend', 'attend_live'], scope: f.scope })
    .where((eb) =>
      eb.or([
        eb('i.reported_at', '>=', f.since),
        eb.exists(
          eb
            .selectFrom('visit as f')
            .select('f.id')
            .whereRef('f.incident_id', '=', 'i.id')
            .where('f.follow_up_after', '>=', f.since),
        ),
      ]),
    )
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('visit as v')
            .select('v.id')
            .whereRef('v.incident_id', '=', 'i.id')
            .where((eb) =>
              eb.or([
                eb('v.outcome', '=', 'seen'),
                eb.and([eb('v.status', '=', 'planned'), eb('v.shift_id', '<>', f.shiftId)]),
              ]),
            ),
        ),
      ),
    )
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('shift_drop as d')
            .select('d.incident_id')
            .whereRef('d.incident_id', '=', 'i.id')
            .where('d.shift_id', '=', f.shiftId),
        ),
      ),
    )
    .execute()
}

/**
 * Visits still planned on shifts that have ended or were cancelled become 'lapsed', so their
 * victims are candidates again. Returns them, for the audit trail.
 */
export async function lapseEndedVisits(db: Queryable, now: Date) {
  return db
    .updateTable('visit')
    .set({ status: 'lapsed' })
    .where('status', '=', 'planned')
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('shift as s')
          .select('s.id')
          .whereRef('s.id', '=', 'visit.shift_id')
          .where((eb) => eb.or([eb('s.ends_at', '<=', now), eb('s.cancelled_at', 'is not', null)])),
      ),
    )
    .returning(['id', 'incident_id', 'shift_id'])
    .execute()
}

/** The triage facts of named incidents (visits already on a plan, a live incident). */
export function incidentFacts(db: Queryable, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([])
  return queueCandidatesQuery(db, { ids }).execute()
}

/** How many candidates in this shift's areas and scope other shifts under way have planned: shown, not listed. */
export async function countPlannedElsewhere(
  db: Queryable,
  f: { shiftId: string; areas: string[]; since: Date; now: Date; scope: ScopeFilter },
) {
  if (f.areas.length === 0) return 0
  const row = await db
    .selectFrom('visit as v')
    .innerJoin('incident as i', 'i.id', 'v.incident_id')
    .innerJoin('shift as s', 's.id', 'v.shift_id')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('v.status', '=', 'planned')
    .where('v.shift_id', '<>', f.shiftId)
    .where('s.ends_at', '>', f.now)
    .where('s.cancelled_at', 'is', null)
    .where('i.area', 'in', f.areas)
    .where('i.reported_at', '>=', f.since)
    .where(scopeWhere(f.scope, 'i'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** The latest completed visit of each incident: its outcome decides when to try again. */
export function lastOutcomes(db: Queryable, incidentIds: string[]) {
  if (incidentIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('visit')
    .distinctOn('incident_id')
    .select(['incident_id', 'outcome', 'outcome_at', 'outcome_notes', 'follow_up_after'])
    .where('incident_id', 'in', incidentIds)
    .where('status', '=', 'completed')
    .orderBy('incident_id')
    .orderBy('outcome_at', 'desc')
    .execute()
}

export function shiftVisits(db: Queryable, shiftId: string) {
  return db
    .selectFrom('visit')
    .selectAll()
    .where('shift_id', '=', shiftId)
    .orderBy(sql`status = 'planned'`)
    .orderBy('position')
    .execute()
}

export type VisitRow = Awaited<ReturnType<typeof shiftVisits>>[number]

export function findVisit(db: Queryable, visitId: string) {
  return db.selectFrom('visit').selectAll().where('id', '=', visitId).executeTakeFirst()
}

/**
 * Serialises re-plans: a second change to any of these shifts waits for the first to commit. Rows
 * are locked in id order, so two changes locking overlapping sets cannot deadlock.
 */
export async function lockShifts(db: Queryable, shiftIds: string[]) {
  if (shiftIds.length === 0) return
  await db.selectFrom('shift').select('id').where('id', 'in', shiftIds).orderBy('id').forUpdate().execute()
}

export async function hasRevision(db: Queryable, shiftId: string): Promise<boolean> {
  const row = await db
    .selectFrom('plan_revision')
    .select('id')
    .where('shift_id', '=', shiftId)
    .limit(1)
    .executeTakeFirst()
  return row !== undefined
}

/** The shift's latest revision's score, or undefined before its first plan. */
export async function latestScore(db: Queryable, shiftId: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('plan_revision')
    .select('score')
    .where('shift_id', '=', shiftId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row?.score
}

/** Shifts with a visit planned to any of these incidents, in id order. */
export async function plannedShifts(db: Queryable, incidentIds: string[]): Promise<string[]> {
  if (incidentIds.length === 0) return []
  const rows = await db
    .selectFrom('visit')
    .select('shift_id')
    .distinct()
    .where('incident_id', 'in', incidentIds)
    .where('status', '=', 'planned')
    .orderBy('shift_id')
    .execute()
  return rows.map((r) => r.shift_id)
}

/** The agencies of the IDVAs on each of these shifts' rotas: whose health data each crew may act on. */
export function idvaAgencies(db: Queryable, shiftIds: string[]) {
  if (shiftIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('shift_member as m')
    .innerJoin('app_user as u', 'u.id', 'm.user_id')
    .select(['m.shift_id', 'u.agency_id'])
    .distinct()
    .where('m.shift_id', 'in', shiftIds)
    .where('m.duty', '=', 'idva')
    .execute()
}

/** The planned visits of an incident on shifts not yet ended (at most one, by the unique index). */
export function plannedVisitOf(db: Queryable, incidentId: string) {
  return db
    .selectFrom('visit')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .where('status', '=', 'planned')
    .executeTakeFirst()
}

/** Makes a visit already planned for an incident its team's live response. */
export async function makeLive(db: Queryable, v: { visitId: string; by: string; at: Date }) {
  await db
    .updateTable('visit')
    .set({ kind: 'live', pinned: true, dispatched_by: v.by, dispatched_at: v.at, chosen_because: 'Live incident' })
    .where('id', '=', v.visitId)
    .execute()
}

export interface PlannedVisitWrite {
  incidentId: string
  kind: VisitKind
  position: number
  optionLabel: string
  /** Where a visit away from the incident's location takes place; null: the incident's location. */
  place: { latitude: number; longitude: number } | null
  arrival: Date
  start: Date
  end: Date
  travelMinutes: number
  pinned: boolean
  fixedRank: number | null
  chosenBecause: string
}

/**
 * Makes the shift's planned visits exactly `visits`: rows of incidents still planned keep their
 * id (so a team's open page still points at them), others are added, the rest removed.
 */
export async function replacePlannedVisits(db: Queryable, shiftId: string, visits: PlannedVisitWrite[]) {
  const keep = visits.map((v) => v.incidentId)
  let remove = db.deleteFrom('visit').where('shift_id', '=', shiftId).where('status', '=', 'planned')
  if (keep.length) remove = remove.where('incident_id', 'not in', keep)
  await remove.execute()
  for (const v of visits) {
    const values = {
      kind: v.kind,
      position: v.position,
      option_label: v.optionLabel,
      place_latitude: v.place?.latitude ?? null,
      place_longitude: v.place?.longitude ?? null,
      planned_arrival: v.arrival,
      planned_start: v.start,
      planned_end: v.end,
      travel_minutes: v.travelMinutes,
      pinned: v.pinned,
      fixed_rank: v.fixedRank,
      chosen_because: v.chosenBecause,
    }
    const updated = await db
      .updateTable('visit')
      .set(values)
      .where('shift_id', '=', shiftId)
      .where('incident_id', '=', v.incidentId)
      .where('status', '=', 'planned')
      .executeTakeFirst()
    if (Number(updated.numUpdatedRows) === 0)
      await db
        .insertInto('visit')
        .values({ shift_id: shiftId, incident_id: v.incidentId, ...values })
        .execute()
  }
}

/** A visit the team pinned from the left-out list; the re-plan that follows places it. */
export async function insertPlannedVisit(
  db: Queryable,
  v: { shiftId: string; incidentId: string; at: Date; pinned: boolean; chosenBecause: string },
) {
  await db
    .insertInto('visit')
    .values({
      shift_id: v.shiftId,
      incident_id: v.incidentId,
      kind: 'post_incident',
      position: -1,
      option_label: 'home',
      // Placeholder times a moment in the future, so the re-plan treats it as not yet started.
      planned_arrival: new Date(v.at.getTime() + 60_000),
      planned_start: new Date(v.at.getTime() + 60_000),
      planned_end: new Date(v.at.getTime() + 60_000),
      travel_minutes: 0,
      pinned: v.pinned,
      chosen_because: v.chosenBecause,
    })
    .execute()
}

/** A live incident joins the shift as a pinned visit; the re-plan that follows places it. */
export async function insertLiveVisit(
  db: Queryable,
  v: { shiftId: string; incidentId: string; by: string; at: Date; serviceMinutes: number },
) {
  // Placeholder times a moment in the future, so the re-plan treats it as not yet started.
  const start = new Date(v.at.getTime() + 60_000)
  const end = new Date(start.getTime() + v.serviceMinutes * 60_000)
  await db
    .insertInto('visit')
    .values({
      shift_id: v.shiftId,
      incident_id: v.incidentId,
      kind: 'live',
      position: -1,
      option_label: 'incident location',
      planned_arrival: start,
      planned_start: start,
      planned_end: end,
      travel_minutes: 0,
      pinned: true,
      chosen_because: 'Live incident',
      dispatched_by: v.by,
      dispatched_at: v.at,
    })
    .execute()
}

export async function setPinned(db: Queryable, visitId: string, pinned: boolean) {
  await db
    .updateTable('visit')
    .set({ pinned, ...(pinned ? {} : { fixed_rank: null }) })
    .where('id', '=', visitId)
    .execute()
}

export async function setFixedRanks(db: Queryable, ranks: { visitId: string; rank: number }[]) {
  for (const r of ranks)
    await db.updateTable('visit').set({ fixed_rank: r.rank, pinned: true }).where('id', '=', r.visitId).execute()
}

export async function completeVisit(
  db: Queryable,
  v: { visitId: string; outcome: VisitOutcome; notes: string | null; followUpAfter: Date | null; by: string; at: Date },
) {
  await db
    .updateTable('visit')
    .set({
      status: 'completed',
      outcome: v.outcome,
      outcome_notes: v.notes,
      follow_up_after: v.followUpAfter,
      outcome_by: v.by,
      outcome_at: v.at,
    })
    .where('id', '=', v.visitId)
    .execute()
}

export async function replaceExclusions(
  db: Queryable,
  shiftId: string,
  rows: { incidentId: string; reason: string; detail: string }[],
) {
  await db.deleteFrom('plan_exclusion').where('shift_id', '=', shiftId).execute()
  if (rows.length)
    await db
      .insertInto('plan_exclusion')
      .values(rows.map((r) => ({ shift_id: shiftId, incident_id: r.incidentId, reason: r.reason, detail: r.detail })))
      .execute()
}

export function exclusions(db: Queryable, shiftId: string) {
  return db.selectFrom('plan_exclusion').selectAll().where('shift_id', '=', shiftId).execute()
}

export function drops(db: Queryable, shiftId: string) {
  return db
    .selectFrom('shift_drop as d')
    .leftJoin('app_user as u', 'u.id', 'd.dropped_by')
    .select(['d.incident_id', 'd.reason', 'd.dropped_at', 'u.display_name as dropped_by_name'])
    .where('d.shift_id', '=', shiftId)
    .orderBy('d.dropped_at')
    .execute()
}

export async function insertDrop(
  db: Queryable,
  d: { shiftId: string; incidentId: string; reason: string; by: string; at: Date },
) {
  await db
    .insertInto('shift_drop')
    .values({ shift_id: d.shiftId, incident_id: d.incidentId, reason: d.reason, dropped_by: d.by, dropped_at: d.at })
    .onConflict((oc) => oc.columns(['shift_id', 'incident_id']).doNothing())
    .execute()
}

/** Takes a visit off the shift's plan before it is made (a drop). */
export async function deletePlannedVisit(db: Queryable, shiftId: string, incidentId: string) {
  await db
    .deleteFrom('visit')
    .where('shift_id', '=', shiftId)
    .where('incident_id', '=', incidentId)
    .where('status', '=', 'planned')
    .execute()
}

export async function deleteDrop(db: Queryable, shiftId: string, incidentId: string) {
  const r = await db
    .deleteFrom('shift_drop')
    .where('shift_id', '=', shiftId)
    .where('incident_id', '=', incidentId)
    .executeTakeFirst()
  return Number(r.numDeletedRows) > 0
}

export async function insertRevision(
  db: Queryable,
  r: {
    shiftId: string
    at: Date
    by: string | null
    cause: string
    score: number
    changes: unknown
    source: string
    warnings: string[]
  },
) {
  await db
    .insertInto('plan_revision')
    .values({
      shift_id: r.shiftId,
      made_at: r.at,
      made_by: r.by,
      cause: r.cause,
      score: r.score,
      changes: JSON.stringify(r.changes),
      travel_source: r.source,
      warnings: JSON.stringify(r.warnings),
    })
    .execute()
}

export function revisions(db: Queryable, shiftId: string, limit = 20) {
  return db
    .selectFrom('plan_revision as r')
    .leftJoin('app_user as u', 'u.id', 'r.made_by')
    .select(['r.id', 'r.made_at', 'r.cause', 'r.score', 'r.changes', 'r.travel_source', 'r.warnings', 'u.display_name'])
    .where('r.shift_id', '=', shiftId)
    .orderBy('r.seq', 'desc')
    .limit(limit)
    .execute()
}

/** For a query over `shift as s`: the shift's team covers one of `areas`. */
function teamCovers(areas: string[]) {
  return ({ exists, selectFrom }: ExpressionBuilder<DB & { s: DB['shift'] }, 's'>) =>
    exists(
      selectFrom('team_area as a')
        .select('a.area')
        .whereRef('a.team_id', '=', 's.team_id')
        .where('a.area', 'in', areas),
    )
}

/**
 * Shifts planned together with `shiftId` the first time it is planned: same start and end, not
 * cancelled, not yet planned, whose teams cover one of the same areas. They share candidates.
 */
export async function unplannedSiblingShifts(
  db: Queryable,
  s: { id: string; startsAt: Date; endsAt: Date; areas: string[] },
) {
  if (s.areas.length === 0) return []
  const rows = await db
    .selectFrom('shift as s')
    .select('s.id')
    .where('s.id', '<>', s.id)
    .where('s.starts_at', '=', s.startsAt)
    .where('s.ends_at', '=', s.endsAt)
    .where('s.cancelled_at', 'is', null)
    .where(teamCovers(s.areas))
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('plan_revision as r').select('r.id').whereRef('r.shift_id', '=', 's.id'))),
    )
    .orderBy('s.created_at')
    .execute()
  return rows.map((r) => r.id)
}

/**
 * Shifts under way at `now` whose teams cover `area` and belong to an agency that may see the
 * incident (its owner, or a partner it shares incidents with): where a live incident can be sent.
 */
export async function shiftsOnAt(db: Queryable, f: { now: Date; area: string; incidentId: string }) {
  const rows = await db
    .selectFrom('shift as s')
    .innerJoin('team as t', 't.id', 's.team_id')
    .innerJoin('incident as i', (join) => join.on('i.id', '=', f.incidentId))
    .select('s.id')
    .where((eb) =>
      eb.or([
        eb('t.agency_id', '=', eb.ref('i.owner_agency_id')),
        eb.exists(
          eb
            .selectFrom('agency_share as a')
            .select('a.partner_agency_id')
            .whereRef('a.owner_agency_id', '=', 'i.owner_agency_id')
            .whereRef('a.partner_agency_id', '=', 't.agency_id')
            .where('a.resource', '=', 'incident'),
        ),
      ]),
    )
    .where('s.starts_at', '<=', f.now)
    .where('s.ends_at', '>', f.now)
    .where('s.cancelled_at', 'is', null)
    .where(teamCovers([f.area]))
    .orderBy('s.starts_at')
    .execute()
  return rows.map((r) => r.id)
}

/** Shifts on a day (UK local bounds given) that a user is on, or whose team they belong to. */
export async function shiftsForUser(db: Queryable, f: { userId: string; from: Date; to: Date }) {
  const rows = await db
    .selectFrom('shift as s')
    .select('s.id')
    .where('s.starts_at', '<', f.to)
    .where('s.ends_at', '>', f.from)
    .where('s.cancelled_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb.exists(
          eb
            .selectFrom('shift_member as m')
            .select('m.user_id')
            .whereRef('m.shift_id', '=', 's.id')
            .where('m.user_id', '=', f.userId),
        ),
        eb.exists(
          eb
            .selectFrom('team_member as t')
            .select('t.user_id')
            .whereRef('t.team_id', '=', 's.team_id')
            .where('t.user_id', '=', f.userId),
        ),
      ]),
    )
    .orderBy('s.starts_at')
    .execute()
  return rows.map((r) => r.id)
}

/** Where an earlier visit took the team: the place it was made at, or else its incident's coordinates. */
export async function visitPoint(db: Queryable, visitId: string) {
  return db
    .selectFrom('visit as v')
    .innerJoin('incident as i', 'i.id', 'v.incident_id')
    .innerJoin('area as a', 'a.name', 'i.area')
    .select((eb) => [
      eb.fn.coalesce('v.place_latitude', 'i.latitude').as('latitude'),
      eb.fn.coalesce('v.place_longitude', 'i.longitude').as('longitude'),
      'a.kind',
    ])
    .where('v.id', '=', visitId)
    .executeTakeFirst()
}

export function areaKinds(db: Queryable) {
  return db.selectFrom('area').select(['name', 'kind']).execute()
}

/** An incident's visits on any shift, newest first, for its page. */
export function visitsForIncident(db: Queryable, incidentId: string) {
  return db
    .selectFrom('visit as v')
    .innerJoin('shift as s', 's.id', 'v.shift_id')
    .innerJoin('team as t', 't.id', 's.team_id')
    .select([
      'v.id',
      'v.shift_id',
      'v.kind',
      'v.status',
      'v.planned_start',
      'v.outcome',
      'v.outcome_notes',
      'v.outcome_at',
      'v.follow_up_after',
      't.name as team_name',
    ])
    .where('v.incident_id', '=', incidentId)
    .orderBy('v.planned_start', 'desc')
    .execute()
}
