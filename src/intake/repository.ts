import { sql, type ExpressionBuilder } from 'kysely'
import type { Queryable } from '../db/database.ts'
import { scopeWhere } from '../access/repository.ts'
import type { ScopeFilter } from '../access/rules.ts'
import type { DB, NewIncident } from '../db/schema.ts'
import type { Insertable } from 'kysely'
import type { IncidentPersonTable, CustodyEpisodeTable } from '../db/schema.ts'

export type NewPerson = Omit<Insertable<IncidentPersonTable>, 'incident_id'>
export type NewCustody = Omit<Insertable<CustodyEpisodeTable>, 'incident_id' | 'person_id'> & { position: number }

export interface IncidentWrite {
  incident: NewIncident
  people: NewPerson[]
  custody: NewCustody[]
}

/** Inserts a batch; rows whose force reference already exists are skipped and reported back. */
export async function insertIncidentBatch(
  db: Queryable,
  writes: IncidentWrite[],
): Promise<{ inserted: { id: string; force_reference: string }[]; duplicates: string[] }> {
  if (writes.length === 0) return { inserted: [], duplicates: [] }
  const inserted = await db
    .insertInto('incident')
    .values(writes.map((w) => w.incident))
    .onConflict((oc) => oc.column('force_reference').doNothing())
    .returning(['id', 'force_reference'])
    .execute()
  const idByRef = new Map(inserted.map((r) => [r.force_reference, r.id]))
  const kept = writes.filter((w) => idByRef.has(w.incident.force_reference))
  const people = kept.flatMap((w) =>
    w.people.map((p) => ({ ...p, incident_id: idByRef.get(w.incident.force_reference)! })),
  )
  const personIds = new Map<string, string>()
  if (people.length > 0) {
    const rows = await db
      .insertInto('incident_person')
      .values(people)
      .returning(['id', 'incident_id', 'position'])
      .execute()
    for (const r of rows) personIds.set(`${r.incident_id}:${r.position}`, r.id)
  }
  const custody = kept.flatMap((w) => {
    const incidentId = idByRef.get(w.incident.force_reference)!
    return w.custody.map(({ position, ...c }) => ({
      ...c,
      incident_id: incidentId,
      person_id: personIds.get(`${incidentId}:${position}`)!,
    }))
  })
  if (custody.length > 0) await db.insertInto('custody_episode').values(custody).execute()
  const duplicates = writes
    .filter((w) => !idByRef.has(w.incident.force_reference))
    .map((w) => w.incident.force_reference)
  return { inserted, duplicates }
}

/**
 * Counts, for each given incident, earlier incidents in the 12 months before it at the same
 * address and involving the same victim or suspect (by exact identity key). Set-based, so a whole
 * import is counted in one pass with hash joins rather than a lookup per row.
 */
export async function refreshPriorCounts(db: Queryable, incidentIds: string[]): Promise<void> {
  if (incidentIds.length === 0) return
  await sql`
    with target as (
      select i.id, i.address_key, i.reported_at from incident i where i.id = any(${incidentIds}::uuid[])
    ),
    by_address as (
      select t.id, count(o.id)::int as n from target t
      join incident o on o.address_key = t.address_key and o.id <> t.id
        and o.reported_at < t.reported_at and o.reported_at >= t.reported_at - interval '365 days'
      group by t.id
    ),
    by_people as (
      select t.id, count(distinct o.id)::int as n from target t
      join incident_person p1 on p1.incident_id = t.id and p1.role in ('victim', 'suspect') and p1.person_key is not null
      join incident_person p2 on p2.person_key = p1.person_key and p2.incident_id <> t.id and p2.role in ('victim', 'suspect')
      join incident o on o.id = p2.incident_id
        and o.reported_at < t.reported_at and o.reported_at >= t.reported_at - interval '365 days'
      group by t.id
    )
    update incident i set
      prior_same_address_12m = coalesce(a.n, 0),
      prior_same_people_12m = coalesce(p.n, 0)
    from target t
    left join by_address a on a.id = t.id
    left join by_people p on p.id = t.id
    where i.id = t.id
  `.execute(db)
}

export async function findExistingReferences(db: Queryable, refs: string[]): Promise<Set<string>> {
  if (refs.length === 0) return new Set()
  const rows = await db.selectFrom('incident').select('force_reference').where('force_reference', 'in', refs).execute()
  return new Set(rows.map((r) => r.force_reference))
}

export async function listActiveAreas(db: Queryable): Promise<string[]> {
  const rows = await db.selectFrom('area').select('name').where('active', '=', true).orderBy('name').execute()
  return rows.map((r) => r.name)
}

export async function insertAreas(db: Queryable, names: string[]): Promise<void> {
  if (names.length === 0) return
  await db
    .insertInto('area')
    .values(names.map((name) => ({ name })))
    .onConflict((oc) => oc.column('name').doNothing())
    .execute()
}

export async function findIncident(db: Queryable, id: string) {
  return db.selectFrom('incident').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function findPeople(db: Queryable, incidentId: string) {
  return db
    .selectFrom('incident_person')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .orderBy('position')
    .execute()
}

export async function findCustody(db: Queryable, incidentIds: string[]) {
  if (incidentIds.length === 0) return []
  return db
    .selectFrom('custody_episode as c')
    .innerJoin('incident_person as p', 'p.id', 'c.person_id')
    .select([
      'c.id',
      'c.incident_id',
      'c.arrested_at',
      'c.expected_release_at',
      'c.released_at',
      'p.first_name',
      'p.last_name',
    ])
    .where('c.incident_id', 'in', incidentIds)
    .orderBy('c.arrested_at', 'desc')
    .execute()
}

export async function listAgencies(db: Queryable) {
  return db.selectFrom('agency').select(['id', 'code', 'kind']).orderBy('code').execute()
}

/** `%` and `_` in what the user typed are matched literally. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`)
}

/** Incidents within `filter` matching a reference prefix, a postcode, a person's name or an NHS number. */
export async function searchIncidents(
  db: Queryable,
  s: { terms: string; nhsNumber: string | null; filter: ScopeFilter; limit: number; offset: number },
) {
  const text = escapeLike(s.terms)
  const compact = escapeLike(s.terms.replace(/\s+/g, '').toUpperCase())
  const base = db
    .selectFrom('incident')
    .where(scopeWhere(s.filter, 'incident'))
    .where((eb) =>
      eb.or([
        eb('incident.force_reference', 'ilike', `${text}%`),
        eb(sql`replace(incident.postcode, ' ', '')`, 'like', `${compact}%`),
        eb.exists(
          eb
            .selectFrom('incident_person as p')
            .select(sql`1`.as('one'))
            .whereRef('p.incident_id', '=', 'incident.id')
            .where((pb) =>
              pb.or([
                pb(sql`p.first_name || ' ' || p.last_name`, 'ilike', `%${text}%`),
                ...(s.nhsNumber ? [pb('p.nhs_number', '=', s.nhsNumber)] : []),
              ]),
            ),
        ),
      ]),
    )
  const firstVictim = (eb: ExpressionBuilder<DB, 'incident'>) =>
    eb
      .selectFrom('incident_person as v')
      .whereRef('v.incident_id', '=', 'incident.id')
      .where('v.role', '=', 'victim')
      .orderBy('v.position')
      .limit(1)
  const [{ total }, rows] = await Promise.all([
    base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
    base
      .select((eb) => [
        'incident.id',
        'incident.force_reference',
        'incident.reported_at',
        'incident.area',
        'incident.risk_level',
        'incident.triage_status',
        firstVictim(eb)
          .select(sql<string>`v.first_name || ' ' || v.last_name`.as('n'))
          .as('victim_name'),
        firstVictim(eb).select('v.id').as('victim_id'),
      ])
      .orderBy('incident.reported_at', 'desc')
      .limit(s.limit)
      .offset(s.offset)
      .execute(),
  ])
  return { total: Number(total), rows }
}
