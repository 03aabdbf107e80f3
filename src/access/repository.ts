import { sql, type RawBuilder, type SqlBool } from 'kysely'
import type { Queryable } from '../db/database.ts'
import type { RecordFacts, ScopeFilter } from './rules.ts'

/** Agencies that share records of `resource` with `agencyId` under an information-sharing agreement. */
export async function sharingAgencies(db: Queryable, agencyId: string, resource: string): Promise<string[]> {
  const rows = await db
    .selectFrom('agency_share')
    .select('owner_agency_id')
    .where('partner_agency_id', '=', agencyId)
    .where('resource', '=', resource)
    .execute()
  return rows.map((r) => r.owner_agency_id)
}

export async function incidentFacts(db: Queryable, id: string): Promise<RecordFacts | undefined> {
  const row = await db
    .selectFrom('incident')
    .select(['owner_agency_id', 'created_by', 'area'])
    .where('id', '=', id)
    .executeTakeFirst()
  return row && { ownerAgencyId: row.owner_agency_id, createdBy: row.created_by, area: row.area }
}

/** The access facts of several incidents at once, for pages that list incidents from elsewhere. */
export async function incidentFactsMany(db: Queryable, ids: string[]): Promise<Map<string, RecordFacts>> {
  if (ids.length === 0) return new Map()
  const rows = await db
    .selectFrom('incident')
    .select(['id', 'owner_agency_id', 'created_by', 'area'])
    .where('id', 'in', ids)
    .execute()
  return new Map(rows.map((r) => [r.id, { ownerAgencyId: r.owner_agency_id, createdBy: r.created_by, area: r.area }]))
}

export async function importJobFacts(db: Queryable, id: string): Promise<RecordFacts | undefined> {
  const row = await db
    .selectFrom('import_job')
    .select(['owner_agency_id', 'created_by'])
    .where('id', '=', id)
    .executeTakeFirst()
  return row && { ownerAgencyId: row.owner_agency_id, createdBy: row.created_by, area: null }
}

/** A shift belongs to its team's agency, and to the area of the base it works from. */
export async function shiftFacts(db: Queryable, id: string): Promise<RecordFacts | undefined> {
  const row = await db
    .selectFrom('shift as s')
    .innerJoin('team as t', 't.id', 's.team_id')
    .innerJoin('deployment_base as b', 'b.id', 's.base_id')
    .select(['t.agency_id', 's.created_by', 'b.area'])
    .where('s.id', '=', id)
    .executeTakeFirst()
  return row && { ownerAgencyId: row.agency_id, createdBy: row.created_by, area: row.area }
}

/** A consultation is reached as its incident is. */
export async function consultationFacts(db: Queryable, id: string): Promise<RecordFacts | undefined> {
  const row = await db
    .selectFrom('consultation as c')
    .innerJoin('incident as i', 'i.id', 'c.incident_id')
    .select(['i.owner_agency_id', 'i.created_by', 'i.area'])
    .where('c.id', '=', id)
    .executeTakeFirst()
  return row && { ownerAgencyId: row.owner_agency_id, createdBy: row.created_by, area: row.area }
}

/** A victim (an incident_person who is a victim) is reached through the incident they are on. */
export const victimFacts = (db: Queryable, id: string) => viaIncident(db, 'incident_person', id)

/** Safeguarding actions and referrals are reached through the incident they were raised on. */
export const safeguardingActionFacts = (db: Queryable, id: string) => viaIncident(db, 'safeguarding_action', id)

/** Hand-overs are reached through the incident the joint team handed over. */
export const handoverFacts = (db: Queryable, id: string) => viaIncident(db, 'handover', id)

async function viaIncident(
  db: Queryable,
  table: 'incident_person' | 'safeguarding_action' | 'handover',
  id: string,
): Promise<RecordFacts | undefined> {
  const victimsOnly = table === 'incident_person' ? sql`and r.role = 'victim'` : sql``
  const { rows } = await sql<{ owner_agency_id: string; created_by: string | null; area: string }>`
    select i.owner_agency_id, i.created_by, i.area from ${sql.table(table)} r
    join incident i on i.id = r.incident_id
    where r.id = ${id} ${victimsOnly}`.execute(db)
  const row = rows[0]
  return row && { ownerAgencyId: row.owner_agency_id, createdBy: row.created_by, area: row.area }
}

/**
 * The SQL twin of `reaches` in rules.ts, for lists: the rows of `alias` (a table with
 * `owner_agency_id`, `created_by` and, for team scope, `area`) that a scope filter reaches.
 */
export function scopeWhere(filter: ScopeFilter, alias: string): RawBuilder<SqlBool> {
  const col = (name: string) => sql.ref(`${alias}.${name}`)
  const inList = (column: string, values: string[]) =>
    values.length ? sql<SqlBool>`${col(column)} in (${sql.join(values)})` : sql<SqlBool>`false`
  switch (filter.kind) {
    case 'all':
      return sql<SqlBool>`true`
    case 'agency':
      return inList('owner_agency_id', filter.agencyIds)
    case 'team':
      return sql<SqlBool>`(${inList('owner_agency_id', filter.agencyIds)} and (${col('created_by')} = ${filter.userId} or ${inList('area', filter.areas)}))`
    case 'own':
      return sql<SqlBool>`${col('created_by')} = ${filter.userId}`
  }
}

export async function hasActiveGrant(
  db: Queryable,
  g: { userId: string; resource: string; recordId: string; now: Date },
): Promise<boolean> {
  const row = await db
    .selectFrom('break_glass_grant')
    .select('id')
    .where('user_id', '=', g.userId)
    .where('resource', '=', g.resource)
    .where('record_id', '=', g.recordId)
    .where('expires_at', '>', g.now)
    .limit(1)
    .executeTakeFirst()
  return row !== undefined
}

export async function insertGrant(
  db: Queryable,
  g: {
    userId: string
    action: string
    resource: string
    recordId: string
    reason: string
    grantedAt: Date
    expiresAt: Date
  },
): Promise<string> {
  const row = await db
    .insertInto('break_glass_grant')
    .values({
      user_id: g.userId,
      action: g.action,
      resource: g.resource,
      record_id: g.recordId,
      reason: g.reason,
      granted_at: g.grantedAt,
      expires_at: g.expiresAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}
