import { sql, type ExpressionBuilder } from 'kysely'
import type { Queryable } from '../db/database.ts'
import { rolesOfUser } from '../auth/repository.ts'
import type { DB } from '../db/schema.ts'
import type { Role } from '../auth/roles.ts'
import type { AgencyKind } from './rules.ts'

/** SQL for administration: agencies and their sharing agreements, teams, users and roles. */

// Agencies

export function listAgencies(db: Queryable) {
  return db.selectFrom('agency').select(['id', 'code', 'name', 'kind', 'created_at']).orderBy('name').execute()
}

export function findAgency(db: Queryable, id: string) {
  return db
    .selectFrom('agency')
    .select(['id', 'code', 'name', 'kind', 'created_at'])
    .where('id', '=', id)
    .executeTakeFirst()
}

export async function agencyCodeExists(db: Queryable, code: string): Promise<boolean> {
  const row = await db.selectFrom('agency').select('id').where('code', '=', code).executeTakeFirst()
  return row !== undefined
}

export async function insertAgency(db: Queryable, a: { code: string; name: string; kind: AgencyKind }) {
  const row = await db.insertInto('agency').values(a).returning('id').executeTakeFirstOrThrow()
  return row.id
}

export async function updateAgencyName(db: Queryable, id: string, name: string): Promise<void> {
  await db.updateTable('agency').set({ name }).where('id', '=', id).execute()
}

/** Sharing agreements this agency is a party to, with both agencies' names. */
export function listShares(db: Queryable, agencyId: string) {
  return db
    .selectFrom('agency_share as s')
    .innerJoin('agency as o', 'o.id', 's.owner_agency_id')
    .innerJoin('agency as p', 'p.id', 's.partner_agency_id')
    .select([
      's.owner_agency_id',
      'o.name as owner_name',
      's.partner_agency_id',
      'p.name as partner_name',
      's.resource',
      's.created_at',
    ])
    .where((eb) => eb.or([eb('s.owner_agency_id', '=', agencyId), eb('s.partner_agency_id', '=', agencyId)]))
    .orderBy('o.name')
    .orderBy('p.name')
    .orderBy('s.resource')
    .execute()
}

export async function insertShare(
  db: Queryable,
  s: { ownerAgencyId: string; partnerAgencyId: string; resource: string; now: Date },
): Promise<boolean> {
  const rows = await db
    .insertInto('agency_share')
    .values({
      owner_agency_id: s.ownerAgencyId,
      partner_agency_id: s.partnerAgencyId,
      resource: s.resource,
      created_at: s.now,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('resource')
    .execute()
  return rows.length > 0
}

export async function deleteShare(
  db: Queryable,
  s: { ownerAgencyId: string; partnerAgencyId: string; resource: string },
): Promise<boolean> {
  const r = await db
    .deleteFrom('agency_share')
    .where('owner_agency_id', '=', s.ownerAgencyId)
    .where('partner_agency_id', '=', s.partnerAgencyId)
    .where('resource', '=', s.resource)
    .executeTakeFirst()
  return Number(r.numDeletedRows) > 0
}

// Areas

export async function activeAreas(db: Queryable): Promise<string[]> {
  const rows = await db.selectFrom('area').select('name').where('active', '=', true).orderBy('name').execute()
  return rows.map((r) => r.name)
}

// Teams

function teamQuery(db: Queryable) {
  return db
    .selectFrom('team as t')
    .innerJoin('agency as a', 'a.id', 't.agency_id')
    .select((eb) => [
      't.id',
      't.agency_id',
      'a.name as agency_name',
      't.name',
      't.created_at',
      eb.fn
        .coalesce(
          eb
            .selectFrom('team_area as ta')
            .whereRef('ta.team_id', '=', 't.id')
            .select(sql<string[]>`array_agg(ta.area order by ta.area)`.as('areas')),
          eb.val<string[]>([]),
        )
        .as('areas'),
      eb
        .selectFrom('team_member as tm')
        .whereRef('tm.team_id', '=', 't.id')
        .select((e) => e.fn.countAll<number>().as('n'))
        .$castTo<number>()
        .as('member_count'),
    ])
}

export function listTeams(db: Queryable, f: { agencyId?: string }) {
  let q = teamQuery(db)
  if (f.agencyId) q = q.where('t.agency_id', '=', f.agencyId)
  return q.orderBy('a.name').orderBy('t.name').execute()
}

export function findTeam(db: Queryable, id: string) {
  return teamQuery(db).where('t.id', '=', id).executeTakeFirst()
}

export function teamsByIds(db: Queryable, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([])
  return db.selectFrom('team').select(['id', 'name', 'agency_id']).where('id', 'in', ids).execute()
}

export function teamMembers(db: Queryable, teamId: string) {
  return db
    .selectFrom('team_member as tm')
    .innerJoin('app_user as u', 'u.id', 'tm.user_id')
    .select(['u.id', 'u.username', 'u.display_name', 'u.disabled_at'])
    .where('tm.team_id', '=', teamId)
    .orderBy('u.display_name')
    .execute()
}

export async function teamNameTaken(db: Queryable, agencyId: string, name: string, exceptId?: string) {
  let q = db
    .selectFrom('team')
    .select('id')
    .where('agency_id', '=', agencyId)
    .where(sql<boolean>`lower(name) = lower(${name})`)
  if (exceptId) q = q.where('id', '<>', exceptId)
  return (await q.executeTakeFirst()) !== undefined
}

export async function insertTeam(db: Queryable, t: { agencyId: string; name: string; now: Date }): Promise<string> {
  const row = await db
    .insertInto('team')
    .values({ agency_id: t.agencyId, name: t.name, created_at: t.now })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function updateTeamName(db: Queryable, id: string, name: string): Promise<void> {
  await db.updateTable('team').set({ name }).where('id', '=', id).execute()
}

export async function setTeamAreas(db: Queryable, teamId: string, areas: string[]): Promise<void> {
  await db.deleteFrom('team_area').where('team_id', '=', teamId).execute()
  if (areas.length === 0) return
  await db
    .insertInto('team_area')
    .values(areas.map((area) => ({ team_id: teamId, area })))
    .execute()
}

export async function addTeamMembers(db: Queryable, pairs: { teamId: string; userId: string }[]): Promise<number> {
  if (pairs.length === 0) return 0
  const rows = await db
    .insertInto('team_member')
    .values(pairs.map((p) => ({ team_id: p.teamId, user_id: p.userId })))
    .onConflict((oc) => oc.doNothing())
    .returning('team_id')
    .execute()
  return rows.length
}

export async function removeTeamMember(db: Queryable, teamId: string, userId: string): Promise<boolean> {
  const r = await db
    .deleteFrom('team_member')
    .where('team_id', '=', teamId)
    .where('user_id', '=', userId)
    .executeTakeFirst()
  return Number(r.numDeletedRows) > 0
}

export async function removeUserFromTeams(db: Queryable, userId: string, teamIds: string[]): Promise<void> {
  if (teamIds.length === 0) return
  await db.deleteFrom('team_member').where('user_id', '=', userId).where('team_id', 'in', teamIds).execute()
}

export async function deleteTeam(db: Queryable, id: string): Promise<void> {
  await db.deleteFrom('team').where('id', '=', id).execute()
}

// Users

export interface UserFilter {
  agencyId?: string
  role?: Role
  status: 'all' | 'enabled' | 'disabled'
  q?: string
}

/** A LIKE pattern matching `text` anywhere, with LIKE's wildcards in `text` taken literally. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

function userQuery(db: Queryable) {
  return db
    .selectFrom('app_user as u')
    .innerJoin('agency as a', 'a.id', 'u.agency_id')
    .select((eb) => [
      'u.id',
      'u.username',
      'u.display_name',
      'u.agency_id',
      'a.name as agency_name',
      'a.kind as agency_kind',
      'u.disabled_at',
      'u.is_service_account',
      'u.created_at',
      rolesOfUser(eb),
      eb.fn
        .coalesce(
          eb
            .selectFrom('team_member as tm')
            .innerJoin('team as t', 't.id', 'tm.team_id')
            .whereRef('tm.user_id', '=', 'u.id')
            .select(
              sql<
                { id: string; name: string }[]
              >`json_agg(json_build_object('id', t.id, 'name', t.name) order by t.name)`.as('teams'),
            ),
          sql<{ id: string; name: string }[]>`'[]'::json`,
        )
        .as('teams'),
      eb
        .exists(
          eb
            .selectFrom('user_totp as totp')
            .select('totp.user_id')
            .whereRef('totp.user_id', '=', 'u.id')
            .where('totp.confirmed_at', 'is not', null),
        )
        .as('second_factor'),
    ])
}

/** Whether the user holds one of `roles` (not empty), in a query from `app_user as u`. */
export function holdsAnyRole(eb: ExpressionBuilder<DB & { u: DB['app_user'] }, 'u'>, roles: readonly Role[]) {
  return eb.exists(
    eb
      .selectFrom('user_role as r')
      .select('r.role')
      .whereRef('r.user_id', '=', 'u.id')
      .where('r.role', 'in', [...roles]),
  )
}

function userWhere(f: UserFilter) {
  return (eb: ExpressionBuilder<DB & { u: DB['app_user'] }, 'u'>) => {
    const conditions = []
    if (f.agencyId) conditions.push(eb('u.agency_id', '=', f.agencyId))
    if (f.status === 'enabled') conditions.push(eb('u.disabled_at', 'is', null))
    if (f.status === 'disabled') conditions.push(eb('u.disabled_at', 'is not', null))
    if (f.role) conditions.push(holdsAnyRole(eb, [f.role]))
    if (f.q) {
      const pattern = containsPattern(f.q)
      conditions.push(eb.or([eb('u.username', 'ilike', pattern), eb('u.display_name', 'ilike', pattern)]))
    }
    return eb.and(conditions)
  }
}

export function listUsers(db: Queryable, f: UserFilter, page: { limit: number; offset: number }) {
  return userQuery(db)
    .where(userWhere(f))
    .orderBy('u.display_name')
    .orderBy('u.username')
    .limit(page.limit)
    .offset(page.offset)
    .execute()
}

export async function countUsers(db: Queryable, f: UserFilter): Promise<number> {
  const row = await db
    .selectFrom('app_user as u')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(userWhere(f))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export function findUser(db: Queryable, id: string) {
  return userQuery(db).where('u.id', '=', id).executeTakeFirst()
}

/** Users by id with their agency, for checking team membership. */
export function usersByIds(db: Queryable, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([])
  return db.selectFrom('app_user').select(['id', 'username', 'agency_id']).where('id', 'in', ids).execute()
}

/** Users of an agency, for choosing a team's members. */
export function agencyUsers(db: Queryable, agencyId: string) {
  return db
    .selectFrom('app_user')
    .select(['id', 'username', 'display_name', 'disabled_at'])
    .where('agency_id', '=', agencyId)
    .orderBy('display_name')
    .execute()
}

export async function usernameTaken(db: Queryable, username: string): Promise<boolean> {
  const row = await db.selectFrom('app_user').select('id').where('username', '=', username).executeTakeFirst()
  return row !== undefined
}

export async function insertUser(
  db: Queryable,
  u: { username: string; displayName: string; agencyId: string; passwordHash: string; now: Date },
): Promise<string> {
  const row = await db
    .insertInto('app_user')
    .values({
      username: u.username,
      display_name: u.displayName,
      agency_id: u.agencyId,
      password_hash: u.passwordHash,
      is_service_account: false,
      created_at: u.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function updateDisplayName(db: Queryable, id: string, displayName: string): Promise<void> {
  await db.updateTable('app_user').set({ display_name: displayName }).where('id', '=', id).execute()
}

export async function addRoles(db: Queryable, userId: string, roles: Role[]): Promise<void> {
  if (roles.length === 0) return
  await db
    .insertInto('user_role')
    .values(roles.map((role) => ({ user_id: userId, role })))
    .onConflict((oc) => oc.doNothing())
    .execute()
}

export async function removeRoles(db: Queryable, userId: string, roles: Role[]): Promise<void> {
  if (roles.length === 0) return
  await db.deleteFrom('user_role').where('user_id', '=', userId).where('role', 'in', roles).execute()
}

export async function setDisabledAt(db: Queryable, id: string, at: Date | null): Promise<void> {
  await db.updateTable('app_user').set({ disabled_at: at }).where('id', '=', id).execute()
}

/**
 * Serialises changes that could take away the last administrator: two administrators disabling
 * each other at the same moment must not both succeed. Held until the transaction ends, and
 * taken before counting, so the count is read after any competing change has committed.
 */
export async function lockAdministrators(db: Queryable): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('provide.administrators'))`.execute(db)
}

export async function countEnabledAdministrators(db: Queryable): Promise<number> {
  const row = await db
    .selectFrom('app_user as u')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('u.disabled_at', 'is', null)
    .where((eb) => holdsAnyRole(eb, ['administrator']))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}
