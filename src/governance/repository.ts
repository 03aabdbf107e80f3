import { sql, type ExpressionBuilder } from 'kysely'
import type { Queryable } from '../db/database.ts'
import type { DB } from '../db/schema.ts'
import type { ReviewOutcome } from './rules.ts'

/** Which audit rows an access log shows. Targets use the index audit_event (record_type, record_id, at). */
export interface LogFilter {
  /** Rows about any of these records; absent means every record. */
  targets?: { recordType: string; recordIds: string[] }[]
  username?: string
  agencyId?: string
  action?: string
  /** Inclusive start and exclusive end. */
  start?: Date
  end?: Date
}

function logWhere(f: LogFilter) {
  return (eb: ExpressionBuilder<DB, 'audit_event'>) => {
    const and = []
    if (f.targets) {
      and.push(
        eb.or(
          f.targets
            .filter((t) => t.recordIds.length > 0)
            .map((t) =>
              eb.and([
                eb('audit_event.record_type', '=', t.recordType),
                eb('audit_event.record_id', 'in', t.recordIds),
              ]),
            ),
        ),
      )
    }
    if (f.username) and.push(eb('audit_event.username', '=', f.username))
    if (f.agencyId) and.push(eb('audit_event.agency_id', '=', f.agencyId))
    if (f.action) and.push(eb('audit_event.action', '=', f.action))
    if (f.start) and.push(eb('audit_event.at', '>=', f.start))
    if (f.end) and.push(eb('audit_event.at', '<', f.end))
    return eb.and(and)
  }
}

function logRows(db: Queryable, f: LogFilter) {
  return db
    .selectFrom('audit_event')
    .leftJoin('app_user as u', 'u.id', 'audit_event.user_id')
    .leftJoin('agency as g', 'g.id', 'audit_event.agency_id')
    .where(logWhere(f))
    .select([
      'audit_event.id',
      'audit_event.seq',
      'audit_event.at',
      'audit_event.request_id',
      'audit_event.user_id',
      'audit_event.username',
      'u.display_name',
      'audit_event.agency_id',
      'g.name as agency_name',
      'audit_event.roles',
      'audit_event.action',
      'audit_event.record_type',
      'audit_event.record_id',
      'audit_event.fields',
      'audit_event.details',
      'audit_event.justification',
      'audit_event.recipients',
    ])
}
export type LogRow = Awaited<ReturnType<typeof logPage>>[number]

/** One page of the log, newest first. */
export function logPage(db: Queryable, f: LogFilter, limit: number, offset: number) {
  return logRows(db, f)
    .orderBy('audit_event.at', 'desc')
    .orderBy('audit_event.id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute()
}

/** The next `limit` rows after `after` (newest first), for exports that read in bounded batches. */
export function logBatch(db: Queryable, f: LogFilter, after: { at: Date; id: number } | null, limit: number) {
  let q = logRows(db, f)
  if (after) q = q.where((eb) => eb(eb.refTuple('audit_event.at', 'audit_event.id'), '<', eb.tuple(after.at, after.id)))
  return q.orderBy('audit_event.at', 'desc').orderBy('audit_event.id', 'desc').limit(limit).execute()
}

/** How many rows match, counting no further than `cap` + 1 so a wide filter stays cheap. */
export async function logCount(db: Queryable, f: LogFilter, cap: number): Promise<number> {
  const row = await db
    .selectFrom(
      db
        .selectFrom('audit_event')
        .where(logWhere(f))
        .select(sql<number>`1`.as('one'))
        .limit(cap + 1)
        .as('matching'),
    )
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export function findIncidentById(db: Queryable, id: string) {
  return db
    .selectFrom('incident')
    .select(['id', 'force_reference', 'reported_at', 'area'])
    .where('id', '=', id)
    .executeTakeFirst()
}

export function findIncidentByReference(db: Queryable, reference: string) {
  return db
    .selectFrom('incident')
    .select(['id', 'force_reference', 'reported_at', 'area'])
    .where('force_reference', 'in', [reference, reference.toUpperCase()])
    .orderBy('force_reference')
    .executeTakeFirst()
}

const personColumns = [
  'p.id',
  'p.incident_id',
  'p.role',
  'p.first_name',
  'p.last_name',
  'p.date_of_birth',
  'p.person_key',
  'i.force_reference',
  'i.reported_at',
] as const

export function peopleOnIncident(db: Queryable, incidentId: string) {
  return db
    .selectFrom('incident_person as p')
    .innerJoin('incident as i', 'i.id', 'p.incident_id')
    .select(personColumns)
    .where('p.incident_id', '=', incidentId)
    .orderBy('p.position')
    .execute()
}

export function findPerson(db: Queryable, id: string) {
  return db
    .selectFrom('incident_person as p')
    .innerJoin('incident as i', 'i.id', 'p.incident_id')
    .select(personColumns)
    .where('p.id', '=', id)
    .executeTakeFirst()
}

/** Every record of one person: the incident_person rows with the same exact identity key. */
export function peopleWithKey(db: Queryable, personKey: string) {
  return db
    .selectFrom('incident_person as p')
    .innerJoin('incident as i', 'i.id', 'p.incident_id')
    .select(personColumns)
    .where('p.person_key', '=', personKey)
    .orderBy('i.reported_at', 'desc')
    .execute()
}

/** People on incidents by name (last name exact, first name by its start) and date of birth. */
export function searchPeople(
  db: Queryable,
  q: { lastName: string; firstName?: string; dateOfBirth?: string },
  limit: number,
) {
  let query = db
    .selectFrom('incident_person as p')
    .innerJoin('incident as i', 'i.id', 'p.incident_id')
    .select(personColumns)
    .where(sql<boolean>`lower(p.last_name) = lower(${q.lastName})`)
  if (q.firstName) {
    const prefix = q.firstName.replace(/[\\%_]/g, (c) => `\\${c}`)
    query = query.where(sql<boolean>`lower(p.first_name) like lower(${prefix}) || '%'`)
  }
  if (q.dateOfBirth) query = query.where('p.date_of_birth', '=', q.dateOfBirth)
  return query
    .orderBy(sql`lower(p.last_name)`)
    .orderBy(sql`lower(p.first_name)`)
    .orderBy('p.date_of_birth')
    .orderBy('i.reported_at', 'desc')
    .orderBy('p.id')
    .limit(limit)
    .execute()
}

export function incidentsByIds(db: Queryable, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([])
  return db.selectFrom('incident').select(['id', 'force_reference']).where('id', 'in', ids).execute()
}

export function peopleByIds(db: Queryable, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([])
  return db
    .selectFrom('incident_person as p')
    .innerJoin('incident as i', 'i.id', 'p.incident_id')
    .select(personColumns)
    .where('p.id', 'in', ids)
    .execute()
}

export function listAgencies(db: Queryable) {
  return db.selectFrom('agency').select(['id', 'name']).orderBy('name').execute()
}

// Break-glass grants

export type GrantStatus = 'unreviewed' | 'reviewed' | 'all'

export async function countGrants(db: Queryable): Promise<{ unreviewed: number; reviewed: number }> {
  const row = await db
    .selectFrom('break_glass_grant')
    .select([
      sql<number>`count(*) filter (where reviewed_at is null)`.as('unreviewed'),
      sql<number>`count(*) filter (where reviewed_at is not null)`.as('reviewed'),
    ])
    .executeTakeFirstOrThrow()
  return { unreviewed: Number(row.unreviewed), reviewed: Number(row.reviewed) }
}

export async function countUnreviewedGrants(db: Queryable): Promise<number> {
  const row = await db
    .selectFrom('break_glass_grant')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('reviewed_at', 'is', null)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

function grantRows(db: Queryable) {
  return db
    .selectFrom('break_glass_grant as b')
    .innerJoin('app_user as u', 'u.id', 'b.user_id')
    .innerJoin('agency as g', 'g.id', 'u.agency_id')
    .leftJoin('app_user as r', 'r.id', 'b.reviewed_by')
    .select([
      'b.id',
      'b.user_id',
      'u.username',
      'u.display_name',
      'g.name as agency_name',
      'b.action',
      'b.resource',
      'b.record_id',
      'b.reason',
      'b.granted_at',
      'b.expires_at',
      'b.reviewed_at',
      'b.reviewed_by',
      'r.username as reviewer_username',
      'r.display_name as reviewer_display_name',
      'b.review_outcome',
      'b.review_notes',
    ])
}
export type GrantRow = Awaited<ReturnType<typeof findGrant>> & {}

/** Unreviewed grants first; within each, the newest first. */
export function listGrants(db: Queryable, status: GrantStatus, limit: number, offset: number) {
  let q = grantRows(db)
  if (status === 'unreviewed') q = q.where('b.reviewed_at', 'is', null)
  if (status === 'reviewed') q = q.where('b.reviewed_at', 'is not', null)
  return q
    .orderBy(sql`b.reviewed_at is null`, 'desc')
    .orderBy('b.granted_at', 'desc')
    .orderBy('b.id')
    .limit(limit)
    .offset(offset)
    .execute()
}

export function findGrant(db: Queryable, id: string) {
  return grantRows(db).where('b.id', '=', id).executeTakeFirst()
}

/** Users' current roles, for grants whose audit rows do not say what they held at the time. */
export async function rolesOf(db: Queryable, userIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>()
  if (userIds.length === 0) return out
  const rows = await db
    .selectFrom('user_role')
    .select(['user_id', 'role'])
    .where('user_id', 'in', userIds)
    .orderBy('role')
    .execute()
  for (const r of rows) out.set(r.user_id, [...(out.get(r.user_id) ?? []), r.role])
  return out
}

/**
 * Audit rows about grants: the consultations made under each (rows about the granted record whose
 * details name the grant, found through the record index) and rows about the grant itself.
 */
export function grantAuditRows(db: Queryable, grants: { id: string; resource: string; record_id: string }[]) {
  if (grants.length === 0) return Promise.resolve([])
  const ids = grants.map((g) => g.id)
  return logRows(db, {})
    .where((eb) =>
      eb.or([
        eb.and([eb('audit_event.record_type', '=', 'break_glass_grant'), eb('audit_event.record_id', 'in', ids)]),
        ...grants.map((g) =>
          eb.and([
            eb('audit_event.record_type', '=', g.resource),
            eb('audit_event.record_id', '=', g.record_id),
            eb(sql<string>`audit_event.details->>'breakGlassGrantId'`, '=', g.id),
          ]),
        ),
      ]),
    )
    .orderBy('audit_event.at')
    .orderBy('audit_event.id')
    .execute()
}

export async function markGrantReviewed(
  db: Queryable,
  id: string,
  review: { at: Date; by: string; outcome: ReviewOutcome; notes: string | null },
): Promise<boolean> {
  const r = await db
    .updateTable('break_glass_grant')
    .set({ reviewed_at: review.at, reviewed_by: review.by, review_outcome: review.outcome, review_notes: review.notes })
    .where('id', '=', id)
    .where('reviewed_at', 'is', null)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}
