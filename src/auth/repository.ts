import { sql, type ExpressionBuilder } from 'kysely'
import type { DB } from '../db/schema.ts'
import type { Queryable } from '../db/database.ts'
import type { SessionStage } from '../db/schema.ts'
import type { Role } from './roles.ts'
import type { ThrottleState } from './lockout.ts'

export interface UserWithRoles {
  id: string
  username: string
  display_name: string
  agency_id: string
  agency_name: string
  password_hash: string | null
  disabled_at: Date | null
  roles: Role[]
  team_ids: string[]
  team_areas: string[]
}

export async function findUserByUsername(db: Queryable, username: string): Promise<UserWithRoles | undefined> {
  return userQuery(db).where('u.username', '=', username).executeTakeFirst()
}

export async function findUserById(db: Queryable, id: string): Promise<UserWithRoles | undefined> {
  return userQuery(db).where('u.id', '=', id).executeTakeFirst()
}

/** A user's roles as an array (empty when none), in a select from `app_user as u`. */
export function rolesOfUser(eb: ExpressionBuilder<DB & { u: DB['app_user'] }, 'u'>) {
  return eb.fn
    .coalesce(
      eb
        .selectFrom('user_role as r')
        .whereRef('r.user_id', '=', 'u.id')
        .select(sql<Role[]>`array_agg(r.role)`.as('roles')),
      eb.val<Role[]>([]),
    )
    .as('roles')
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
      rolesOfUser(eb),
      eb.fn
        .coalesce(
          eb
            .selectFrom('team_member as tm')
            .whereRef('tm.user_id', '=', 'u.id')
            .select(sql<string[]>`array_agg(tm.team_id)`.as('team_ids')),
          eb.val<string[]>([]),
        )
        .as('team_ids'),
      eb.fn
        .coalesce(
          eb
            .selectFrom('team_member as tm')
            .innerJoin('team_area as ta', 'ta.team_id', 'tm.team_id')
            .whereRef('tm.user_id', '=', 'u.id')
            .select(sql<string[]>`array_agg(distinct ta.area)`.as('team_areas')),
          eb.val<string[]>([]),
        )
        .as('team_areas'),
    ])
    .$castTo<UserWithRoles>()
}

export async function insertSession(
  db: Queryable,
  s: { idHash: string; userId: string; csrfToken: string; now: Date; expiresAt: Date; stage: SessionStage },
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
      stage: s.stage,
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
  await db
    .updateTable('user_session')
    .set({ revoked_at: now })
    .where('id_hash', '=', idHash)
    .where('revoked_at', 'is', null)
    .execute()
}

/** One more wrong code on a half-signed-in session; returns the new count. */
export async function addFactorFailure(db: Queryable, idHash: string): Promise<number> {
  const row = await db
    .updateTable('user_session')
    .set((eb) => ({ factor_failures: eb('factor_failures', '+', 1) }))
    .where('id_hash', '=', idHash)
    .returning('factor_failures')
    .executeTakeFirst()
  return row?.factor_failures ?? 0
}

/** Ends a user's other live sessions, keeping the one making the change. */
export async function revokeOtherSessions(db: Queryable, userId: string, keepIdHash: string | null, now: Date) {
  let q = db
    .updateTable('user_session')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
  if (keepIdHash) q = q.where('id_hash', '<>', keepIdHash)
  await q.execute()
}

export async function findThrottle(db: Queryable, keyHash: string): Promise<ThrottleState | undefined> {
  const row = await db.selectFrom('sign_in_throttle').selectAll().where('key_hash', '=', keyHash).executeTakeFirst()
  return row && { failures: row.failures, lastFailureAt: row.last_failure_at, lockedUntil: row.locked_until }
}

/**
 * The counter for a key, locked for the rest of the transaction so concurrent failures count one
 * by one; a new key starts at zero.
 */
export async function lockThrottle(db: Queryable, keyHash: string, now: Date): Promise<ThrottleState> {
  await db
    .insertInto('sign_in_throttle')
    .values({ key_hash: keyHash, failures: 0, last_failure_at: now, locked_until: null })
    .onConflict((oc) => oc.column('key_hash').doNothing())
    .execute()
  const row = await db
    .selectFrom('sign_in_throttle')
    .selectAll()
    .where('key_hash', '=', keyHash)
    .forUpdate()
    .executeTakeFirstOrThrow()
  return { failures: row.failures, lastFailureAt: row.last_failure_at, lockedUntil: row.locked_until }
}

export async function saveThrottle(db: Queryable, keyHash: string, state: ThrottleState): Promise<void> {
  await db
    .updateTable('sign_in_throttle')
    .set({ failures: state.failures, last_failure_at: state.lastFailureAt, locked_until: state.lockedUntil })
    .where('key_hash', '=', keyHash)
    .execute()
}

export async function clearThrottle(db: Queryable, keyHash: string): Promise<void> {
  await db.deleteFrom('sign_in_throttle').where('key_hash', '=', keyHash).execute()
}

/** Counters nobody has failed on for a while: forgotten anyway (see `lockout.ts`), so removed. */
export async function purgeThrottles(db: Queryable, before: Date): Promise<number> {
  const r = await db.deleteFrom('sign_in_throttle').where('last_failure_at', '<', before).executeTakeFirst()
  return Number(r.numDeletedRows)
}

export async function findTotp(db: Queryable, userId: string) {
  return db.selectFrom('user_totp').selectAll().where('user_id', '=', userId).executeTakeFirst()
}

/** Starts (or restarts) setting up an authenticator; refuses to replace a confirmed one. */
export async function savePendingTotp(db: Queryable, userId: string, secretEnc: string, now: Date): Promise<void> {
  await db
    .insertInto('user_totp')
    .values({ user_id: userId, secret_enc: secretEnc, created_at: now })
    .onConflict((oc) =>
      oc
        .column('user_id')
        .doUpdateSet({ secret_enc: secretEnc, created_at: now, last_used_step: null })
        .where('user_totp.confirmed_at', 'is', null),
    )
    .execute()
}

/**
 * Records that a code of this step was used, if no code of this or a later step was: false means
 * a replay (or a second request racing this one) and the code must be refused.
 */
export async function useTotpStep(
  db: Queryable,
  userId: string,
  step: number,
  confirmAt: Date | null = null,
): Promise<boolean> {
  const r = await db
    .updateTable('user_totp')
    .set(confirmAt ? { last_used_step: step, confirmed_at: confirmAt } : { last_used_step: step })
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', step)]))
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

export async function deleteTotp(db: Queryable, userId: string): Promise<number> {
  await db.deleteFrom('user_recovery_code').where('user_id', '=', userId).execute()
  const r = await db.deleteFrom('user_totp').where('user_id', '=', userId).executeTakeFirst()
  return Number(r.numDeletedRows)
}

export async function replaceRecoveryCodes(db: Queryable, userId: string, hashes: string[], now: Date) {
  await db.deleteFrom('user_recovery_code').where('user_id', '=', userId).execute()
  await db
    .insertInto('user_recovery_code')
    .values(hashes.map((code_hash) => ({ user_id: userId, code_hash, created_at: now })))
    .execute()
}

/** Marks an unused code used; false if there is no such unused code. */
export async function useRecoveryCode(db: Queryable, userId: string, hash: string, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('user_recovery_code')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('code_hash', '=', hash)
    .where('used_at', 'is', null)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

export async function countUnusedRecoveryCodes(db: Queryable, userId: string): Promise<number> {
  const r = await db
    .selectFrom('user_recovery_code')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow()
  return Number(r.n)
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

/** Ends every live session of a user, so a change to their account applies from their next request. */
export async function revokeAllSessions(db: Queryable, userId: string, now: Date): Promise<number> {
  const result = await db
    .updateTable('user_session')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}

/** Revokes every unrevoked API token of a user; returns how many. */
export async function revokeUserTokens(db: Queryable, userId: string, now: Date): Promise<number> {
  const r = await db
    .updateTable('api_token')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return Number(r.numUpdatedRows)
}
