import { sql } from 'kysely'
import type { Queryable } from '../../db/database.ts'
import type { AreaKind, Duty } from '../../db/schema.ts'
import type { Role } from '../../auth/roles.ts'
import { rolesOfUser } from '../../auth/repository.ts'
import { holdsAnyRole } from '../../admin/repository.ts'
import { scopeWhere } from '../../access/repository.ts'
import type { ScopeFilter } from '../../access/rules.ts'
import type { RotaEntry } from './rules.ts'

/** SQL for the rota: shifts and who is on them, bases, vehicles and officers' rotations. */

export interface ShiftRecord {
  id: string
  teamId: string
  teamName: string
  agencyId: string
  startsAt: Date
  endsAt: Date
  cancelledAt: Date | null
  createdBy: string | null
  base: { id: string; name: string; area: string; areaKind: AreaKind; latitude: number; longitude: number }
  vehicle: { id: string; callSign: string; registration: string | null } | null
  members: { userId: string; displayName: string; duty: Duty; roles: Role[] }[]
  /** The areas the shift's team covers: where its visits come from. */
  areas: string[]
}

/** One shift with its base, vehicle, rota and the areas its team covers. */
export async function getShift(db: Queryable, id: string): Promise<ShiftRecord | undefined> {
  return (await loadShifts(db, { ids: [id] }))[0]
}

export interface ShiftQuery {
  ids?: string[]
  /** Shifts that start in [start, end). */
  start?: Date
  end?: Date
  /** Only the shifts this scope reaches (a shift belongs to its team's agency and its base's area). */
  scope?: ScopeFilter
}

/** Shifts with their base, vehicle, rota and team areas, in start order: three queries for any number. */
export async function loadShifts(db: Queryable, q: ShiftQuery): Promise<ShiftRecord[]> {
  if (q.ids?.length === 0) return []
  let query = db
    .selectFrom('shift as s')
    .innerJoin('team as t', 't.id', 's.team_id')
    .innerJoin('deployment_base as b', 'b.id', 's.base_id')
    .innerJoin('area as a', 'a.name', 'b.area')
    .leftJoin('vehicle as v', 'v.id', 's.vehicle_id')
    .select([
      's.id',
      's.team_id',
      't.name as team_name',
      't.agency_id',
      's.starts_at',
      's.ends_at',
      's.cancelled_at',
      's.created_by',
      'b.id as base_id',
      'b.name as base_name',
      'b.area as base_area',
      'a.kind as area_kind',
      'b.latitude',
      'b.longitude',
      'v.id as vehicle_id',
      'v.call_sign',
      'v.registration',
    ])
  if (q.ids) query = query.where('s.id', 'in', q.ids)
  if (q.start) query = query.where('s.starts_at', '>=', q.start)
  if (q.end) query = query.where('s.starts_at', '<', q.end)
  if (q.scope) query = query.where('s.id', 'in', shiftIdsInScope(db, q.scope))
  const rows = await query.orderBy('s.starts_at').orderBy('t.name').orderBy('s.id').execute()
  if (rows.length === 0) return []
  const shiftIds = rows.map((r) => r.id)
  const teamIds = [...new Set(rows.map((r) => r.team_id))]
  const [members, areas] = await Promise.all([
    db
      .selectFrom('shift_member as m')
      .innerJoin('app_user as u', 'u.id', 'm.user_id')
      .select((eb) => ['m.shift_id', 'm.user_id', 'u.display_name', 'm.duty', rolesOfUser(eb)])
      .where('m.shift_id', 'in', shiftIds)
      .orderBy('m.duty', 'desc')
      .orderBy('u.display_name')
      .execute(),
    db.selectFrom('team_area').select(['team_id', 'area']).where('team_id', 'in', teamIds).orderBy('area').execute(),
  ])
  return rows.map((row) => ({
    id: row.id,
    teamId: row.team_id,
    teamName: row.team_name,
    agencyId: row.agency_id,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    cancelledAt: row.cancelled_at,
    createdBy: row.created_by,
    base: {
      id: row.base_id,
      name: row.base_name,
      area: row.base_area,
      areaKind: row.area_kind,
      latitude: row.latitude,
      longitude: row.longitude,
    },
    vehicle: row.vehicle_id ? { id: row.vehicle_id, callSign: row.call_sign!, registration: row.registration } : null,
    members: members
      .filter((m) => m.shift_id === row.id)
      .map((m) => ({
        userId: m.user_id,
        displayName: m.display_name,
        duty: m.duty,
        roles: (m.roles ?? []) as Role[],
      })),
    areas: areas.filter((a) => a.team_id === row.team_id).map((a) => a.area),
  }))
}

/** The ids of the shifts a scope reaches: the access filter's columns, as the policy sees a shift. */
function shiftIdsInScope(db: Queryable, scope: ScopeFilter) {
  return db
    .selectFrom((inner) =>
      inner
        .selectFrom('shift as fs')
        .innerJoin('team as ft', 'ft.id', 'fs.team_id')
        .innerJoin('deployment_base as fb', 'fb.id', 'fs.base_id')
        .select(['fs.id', 'ft.agency_id as owner_agency_id', 'fs.created_by', 'fb.area'])
        .as('f'),
    )
    .select('f.id')
    .where(scopeWhere(scope, 'f'))
}

/**
 * Serialises rota changes, which are rare: two supervisors cannot put the same person or vehicle
 * on overlapping shifts at the same moment. Held until the transaction ends.
 */
export async function lockRota(db: Queryable): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('provide.rota'))`.execute(db)
}

// Teams

export function findTeam(db: Queryable, id: string) {
  return db
    .selectFrom('team as t')
    .innerJoin('agency as a', 'a.id', 't.agency_id')
    .select(['t.id', 't.name', 't.agency_id', 'a.name as agency_name'])
    .where('t.id', '=', id)
    .executeTakeFirst()
}

export function teamsOfAgency(db: Queryable, agencyId: string) {
  return db.selectFrom('team').select(['id', 'name']).where('agency_id', '=', agencyId).orderBy('name').execute()
}

// Shifts

export interface ShiftWrite {
  teamId: string
  startsAt: Date
  endsAt: Date
  baseId: string
  vehicleId: string | null
}

export async function insertShift(db: Queryable, s: ShiftWrite & { createdBy: string | null; now: Date }) {
  const row = await db
    .insertInto('shift')
    .values({
      team_id: s.teamId,
      starts_at: s.startsAt,
      ends_at: s.endsAt,
      base_id: s.baseId,
      vehicle_id: s.vehicleId,
      created_by: s.createdBy,
      created_at: s.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function updateShift(db: Queryable, id: string, s: Omit<ShiftWrite, 'teamId'>): Promise<void> {
  await db
    .updateTable('shift')
    .set({ starts_at: s.startsAt, ends_at: s.endsAt, base_id: s.baseId, vehicle_id: s.vehicleId })
    .where('id', '=', id)
    .execute()
}

export async function cancelShift(db: Queryable, id: string, at: Date): Promise<void> {
  await db.updateTable('shift').set({ cancelled_at: at }).where('id', '=', id).execute()
}

export async function replaceMembers(db: Queryable, shiftId: string, entries: readonly RotaEntry[]): Promise<void> {
  await db.deleteFrom('shift_member').where('shift_id', '=', shiftId).execute()
  if (entries.length === 0) return
  await db
    .insertInto('shift_member')
    .values(entries.map((e) => ({ shift_id: shiftId, user_id: e.userId, duty: e.duty })))
    .execute()
}

export async function plannedVisitCount(db: Queryable, shiftId: string): Promise<number> {
  const row = await db
    .selectFrom('visit')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('shift_id', '=', shiftId)
    .where('status', '=', 'planned')
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Shifts that are not cancelled and overlap [startsAt, endsAt), with the people on them. */
export function overlappingMemberShifts(db: Queryable, userIds: string[], startsAt: Date, endsAt: Date) {
  if (userIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('shift_member as m')
    .innerJoin('shift as s', 's.id', 'm.shift_id')
    .innerJoin('team as t', 't.id', 's.team_id')
    .select(['m.user_id', 's.id', 't.name as team_name', 's.starts_at', 's.ends_at'])
    .where('m.user_id', 'in', userIds)
    .where('s.cancelled_at', 'is', null)
    .where('s.starts_at', '<', endsAt)
    .where('s.ends_at', '>', startsAt)
    .orderBy('s.starts_at')
    .execute()
}

/** The vehicle's shifts that are not cancelled and overlap [startsAt, endsAt). */
export function overlappingVehicleShifts(db: Queryable, vehicleId: string, startsAt: Date, endsAt: Date) {
  return db
    .selectFrom('shift as s')
    .innerJoin('team as t', 't.id', 's.team_id')
    .select(['s.id', 't.name as team_name', 's.starts_at', 's.ends_at'])
    .where('s.vehicle_id', '=', vehicleId)
    .where('s.cancelled_at', 'is', null)
    .where('s.starts_at', '<', endsAt)
    .where('s.ends_at', '>', startsAt)
    .orderBy('s.starts_at')
    .execute()
}

// People

/**
 * Users as the rota sees them, relative to a team's agency: their agency's kind, roles, whether
 * their account is disabled, and whether they work for the team's agency ('team'), for one the
 * team's agency shares incidents with ('partner'), or neither ('other').
 */
function peopleQuery(db: Queryable, teamAgencyId: string) {
  return db
    .selectFrom('app_user as u')
    .innerJoin('agency as a', 'a.id', 'u.agency_id')
    .select((eb) => [
      'u.id',
      'u.display_name',
      'u.username',
      'u.disabled_at',
      'a.kind as agency_kind',
      rolesOfUser(eb),
      eb
        .case()
        .when('u.agency_id', '=', teamAgencyId)
        .then(sql.lit('team'))
        .when(
          eb.exists(
            eb
              .selectFrom('agency_share as sh')
              .select('sh.resource')
              .whereRef('sh.partner_agency_id', '=', 'u.agency_id')
              .where('sh.owner_agency_id', '=', teamAgencyId)
              .where('sh.resource', '=', 'incident'),
          ),
        )
        .then(sql.lit('partner'))
        .else(sql.lit('other'))
        .end()
        .$castTo<'team' | 'partner' | 'other'>()
        .as('relation'),
    ])
}

export function peopleByIds(db: Queryable, ids: string[], teamAgencyId: string) {
  if (ids.length === 0) return Promise.resolve([])
  return peopleQuery(db, teamAgencyId).where('u.id', 'in', ids).execute()
}

/** Enabled users holding one of the roles, by name, as the rota sees them relative to a team's agency. */
function enabledHolders(db: Queryable, teamAgencyId: string, roles: readonly Role[]) {
  return peopleQuery(db, teamAgencyId)
    .where('u.disabled_at', 'is', null)
    .where((eb) => holdsAnyRole(eb, roles))
    .orderBy('u.display_name')
}

/** Enabled users who could be on a team's shifts: holders of a duty's role at the team's agency or a partner. */
export async function rotaCandidates(db: Queryable, teamAgencyId: string, roles: readonly Role[]) {
  const rows = await enabledHolders(db, teamAgencyId, roles).execute()
  return rows.filter((r) => r.relation !== 'other')
}

// Bases

export function findBase(db: Queryable, id: string) {
  return db
    .selectFrom('deployment_base')
    .select(['id', 'agency_id', 'name', 'area', 'latitude', 'longitude', 'active'])
    .where('id', '=', id)
    .executeTakeFirst()
}

/** Bases of these agencies (all agencies when null), in use first. */
export async function listBases(db: Queryable, agencyIds: string[] | null) {
  if (agencyIds?.length === 0) return []
  let q = db
    .selectFrom('deployment_base as b')
    .innerJoin('agency as a', 'a.id', 'b.agency_id')
    .select([
      'b.id',
      'b.agency_id',
      'a.name as agency_name',
      'b.name',
      'b.area',
      'b.latitude',
      'b.longitude',
      'b.active',
    ])
  if (agencyIds) q = q.where('b.agency_id', 'in', agencyIds)
  return q.orderBy('b.active', 'desc').orderBy('b.name').execute()
}

export interface BaseWrite {
  name: string
  area: string
  latitude: number
  longitude: number
  active: boolean
}

export async function insertBase(db: Queryable, b: Omit<BaseWrite, 'active'> & { agencyId: string; now: Date }) {
  const row = await db
    .insertInto('deployment_base')
    .values({
      agency_id: b.agencyId,
      name: b.name,
      area: b.area,
      latitude: b.latitude,
      longitude: b.longitude,
      created_at: b.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function updateBase(db: Queryable, id: string, b: BaseWrite): Promise<void> {
  await db.updateTable('deployment_base').set(b).where('id', '=', id).execute()
}

export async function baseNameTaken(db: Queryable, agencyId: string, name: string, exceptId?: string) {
  let q = db
    .selectFrom('deployment_base')
    .select('id')
    .where('agency_id', '=', agencyId)
    .where(sql`lower(name)`, '=', name.toLowerCase())
  if (exceptId) q = q.where('id', '<>', exceptId)
  return (await q.executeTakeFirst()) !== undefined
}

export async function areaExists(db: Queryable, name: string): Promise<boolean> {
  const row = await db
    .selectFrom('area')
    .select('name')
    .where('name', '=', name)
    .where('active', '=', true)
    .executeTakeFirst()
  return row !== undefined
}

// Vehicles

export function findVehicle(db: Queryable, id: string) {
  return db
    .selectFrom('vehicle')
    .select(['id', 'agency_id', 'call_sign', 'registration', 'active'])
    .where('id', '=', id)
    .executeTakeFirst()
}

export async function listVehicles(db: Queryable, agencyIds: string[] | null) {
  if (agencyIds?.length === 0) return []
  let q = db
    .selectFrom('vehicle as v')
    .innerJoin('agency as a', 'a.id', 'v.agency_id')
    .select(['v.id', 'v.agency_id', 'a.name as agency_name', 'v.call_sign', 'v.registration', 'v.active'])
  if (agencyIds) q = q.where('v.agency_id', 'in', agencyIds)
  return q.orderBy('v.active', 'desc').orderBy('v.call_sign').execute()
}

export interface VehicleWrite {
  callSign: string
  registration: string | null
  active: boolean
}

export async function insertVehicle(db: Queryable, v: Omit<VehicleWrite, 'active'> & { agencyId: string; now: Date }) {
  const row = await db
    .insertInto('vehicle')
    .values({ agency_id: v.agencyId, call_sign: v.callSign, registration: v.registration, created_at: v.now })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function updateVehicle(db: Queryable, id: string, v: VehicleWrite): Promise<void> {
  await db
    .updateTable('vehicle')
    .set({ call_sign: v.callSign, registration: v.registration, active: v.active })
    .where('id', '=', id)
    .execute()
}

export async function callSignTaken(db: Queryable, agencyId: string, callSign: string, exceptId?: string) {
  let q = db
    .selectFrom('vehicle')
    .select('id')
    .where('agency_id', '=', agencyId)
    .where(sql`lower(call_sign)`, '=', callSign.toLowerCase())
  if (exceptId) q = q.where('id', '<>', exceptId)
  return (await q.executeTakeFirst()) !== undefined
}

// Rotations

function rotationQuery(db: Queryable) {
  return db
    .selectFrom('rotation as r')
    .innerJoin('app_user as u', 'u.id', 'r.user_id')
    .select([
      'r.id',
      'r.user_id',
      'u.display_name',
      'u.agency_id',
      'r.home_team',
      'r.starts_on',
      'r.ends_on',
      'r.created_by',
      'r.created_at',
    ])
}

/** Rotations of officers of these agencies (all when null), newest first. */
export async function listRotations(db: Queryable, agencyIds: string[] | null) {
  if (agencyIds?.length === 0) return []
  let q = rotationQuery(db)
  if (agencyIds) q = q.where('u.agency_id', 'in', agencyIds)
  return q.orderBy('r.starts_on', 'desc').orderBy('u.display_name').execute()
}

export function findRotation(db: Queryable, id: string) {
  return rotationQuery(db).where('r.id', '=', id).executeTakeFirst()
}

export function rotationsOfUser(db: Queryable, userId: string) {
  return rotationQuery(db).where('r.user_id', '=', userId).orderBy('r.starts_on').execute()
}

export async function insertRotation(
  db: Queryable,
  r: { userId: string; homeTeam: string; startsOn: string; endsOn: string | null; createdBy: string | null; now: Date },
) {
  const row = await db
    .insertInto('rotation')
    .values({
      user_id: r.userId,
      home_team: r.homeTeam,
      starts_on: r.startsOn,
      ends_on: r.endsOn,
      created_by: r.createdBy,
      created_at: r.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function endRotation(db: Queryable, id: string, endsOn: string): Promise<void> {
  await db.updateTable('rotation').set({ ends_on: endsOn }).where('id', '=', id).execute()
}

/** Police officers of an agency, for the rotation form. */
export function officersOfAgency(db: Queryable, agencyId: string, roles: readonly Role[]) {
  return enabledHolders(db, agencyId, roles).where('u.agency_id', '=', agencyId).execute()
}

/**
 * Every time an officer served with the programme, for the "officers who have served" report:
 * their rotations, and the days they were on a shift's rota as an officer (shifts not cancelled).
 * Limited to officers of these agencies (all when null) and to shifts the scope reaches.
 */
export async function servicePeriods(db: Queryable, agencyIds: string[] | null, scope: ScopeFilter) {
  let rotations = db
    .selectFrom('rotation as r')
    .innerJoin('app_user as u', 'u.id', 'r.user_id')
    .select(['r.user_id', 'r.starts_on', 'r.ends_on'])
  if (agencyIds) rotations = rotations.where('u.agency_id', 'in', agencyIds)
  const [rotationRows, shiftRows] = await Promise.all([
    agencyIds?.length === 0 ? [] : rotations.execute(),
    db
      .selectFrom('shift_member as m')
      .innerJoin('shift as s', 's.id', 'm.shift_id')
      .select(['m.user_id', 's.starts_at'])
      .where('m.duty', '=', 'officer')
      .where('s.cancelled_at', 'is', null)
      .where('s.id', 'in', shiftIdsInScope(db, scope))
      .execute(),
  ])
  return { rotations: rotationRows, shifts: shiftRows }
}
