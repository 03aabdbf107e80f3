import { sql } from 'kysely'
import type { Queryable } from '../db/database.ts'
import type { Role } from './roles.ts'

export interface UserWithRoles {
  id: string
  username: string
  display_name: string
  agency_id: string
  agency_name: string
  password_hash: string | null
  disabled_at: Date | null
  roles: Role[]
}

export async function findUserByUsername(db: Queryable, username: string): Promise<UserWithRoles | undefined> {
  return userQuery(db).where('u.username', '=', username).executeTakeFirst()
}

export async function findUserById(db: Queryable, id: string): Promise<UserWithRoles | undefined> {
  return userQuery(db).where('u.id', '=', id).executeTakeFirst()
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
      'u.password_hash',
      'u.disabled_at',
      eb.fn
        .coalesce(
          eb
            .selectFrom('user_role as r')
            .whereRef('r.user_id', '=', 'u.id')
            .select(sql<Role[]>`array_agg(r.role)`.as('roles')),
          eb.val<Role[]>([]),
        )
        .as('roles'),
    ])
    .$castTo<UserWithRoles>()
}

export async function insertSession(
  db: Queryable,
  s: { idHash: string; userId: string; csrfToken: string; now: Date; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('user_session')
    .values({
      id_hash: s.idHash,
      user_id: s.userId,
      csrf_token: s.csrfToken,
      created_at: s.now,
      last_seen_at: s.now,
      expires_at: s.expiresAt,
    })
    .execute()
}

export async function findSession(db: Queryable, idHash: string) {
  return db.selectFrom('user_session').selectAll().where('id_hash', '=', idHash).executeTakeFirst()
}

export async function touchSession(db: Queryable, idHash: string, now: Date): Promise<void> {
  await db.updateTable('user_session').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute()
}

export async function revokeSession(db: Queryable, idHash: string, now: Date): Promise<void> {
  await db.updateTable('user_session').set({ revoked_at: now }).where('id_hash', '=', idHash).execute()
}

export async function insertApiToken(
  db: Queryable,
  t: { userId: string; name: string; tokenHash: string; prefix: string; now: Date; expiresAt: Date },
): Promise<string> {
  const row = await db
    .insertInto('api_token')
    .values({
      user_id: t.userId,
      name: t.name,
      token_hash: t.tokenHash,
      prefix: t.prefix,
      created_at: t.now,
      expires_at: t.expiresAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function findApiTokenByHash(db: Queryable, tokenHash: string) {
  return db.selectFrom('api_token').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()
}

export async function markApiTokenUsed(db: Queryable, id: string, now: Date): Promise<void> {
  await db.updateTable('api_token').set({ last_used_at: now }).where('id', '=', id).execute()
}

export async function revokeApiToken(db: Queryable, id: string, now: Date): Promise<number> {
  const r = await db
    .updateTable('api_token')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return Number(r.numUpdatedRows)
}

export async function listApiTokens(db: Queryable) {
  return db
    .selectFrom('api_token as t')
    .innerJoin('app_user as u', 'u.id', 't.user_id')
    .select([
      't.id',
      't.name',
      't.prefix',
      'u.username',
      't.created_at',
      't.expires_at',
      't.revoked_at',
      't.last_used_at',
    ])
    .orderBy('t.created_at', 'desc')
    .execute()
}

export async function insertAgency(
  db: Queryable,
  a: { code: string; name: string; kind: 'police' | 'nhs' | 'third_sector' | 'local_authority' },
): Promise<string> {
  const row = await db
    .insertInto('agency')
    .values(a)
    .onConflict((oc) => oc.column('code').doUpdateSet({ name: a.name }))
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function insertUser(
  db: Queryable,
  u: { username: string; displayName: string; agencyId: string; passwordHash: string | null; serviceAccount: boolean },
): Promise<string> {
  const row = await db
    .insertInto('app_user')
    .values({
      username: u.username,
      display_name: u.displayName,
      agency_id: u.agencyId,
      password_hash: u.passwordHash,
      is_service_account: u.serviceAccount,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function insertUserRoles(db: Queryable, userId: string, roles: Role[]): Promise<void> {
  if (roles.length === 0) return
  await db
    .insertInto('user_role')
    .values(roles.map((role) => ({ user_id: userId, role })))
    .onConflict((oc) => oc.doNothing())
    .execute()
}

export async function countUsers(db: Queryable): Promise<number> {
  const r = await db
    .selectFrom('app_user')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

export async function findAgencyByCode(db: Queryable, code: string) {
  return db.selectFrom('agency').select(['id', 'name']).where('code', '=', code).executeTakeFirst()
}
