import type { Database, Queryable } from '../db/database.ts'
import type { SessionStage } from '../db/schema.ts'
import type { Clock } from '../common/clock.ts'
import { recordAudit } from '../audit/audit.ts'
import { ValidationError, NotFoundError } from '../common/errors.ts'
import { readSetting } from '../settings/settings.ts'
import type { Actor } from './actor.ts'
import { hashPassword, verifyPassword } from './passwords.ts'
import { newSecret, sha256, API_TOKEN_PREFIX } from './tokens.ts'
import { afterFailure, FAILURE_MEMORY_MS, isLocked } from './lockout.ts'
import * as repo from './repository.ts'
import type { Role } from './roles.ts'

export const SESSION_IDLE_MS = 15 * 60 * 1000
export const SESSION_ABSOLUTE_MS = 10 * 60 * 60 * 1000
/** How long a half-signed-in session waits: for a code, or for the user to set up an authenticator. */
export const PENDING_SESSION_MS: Record<Exclude<SessionStage, 'complete'>, number> = {
  second_factor: 10 * 60 * 1000,
  enrol: 30 * 60 * 1000,
}

export interface SessionContext {
  actor: Actor
  csrfToken: string
}

/** A session opened by a right password: signed in, or waiting for a second factor or its set-up. */
export interface SignInStart {
  token: string
  stage: SessionStage
}

/** A half-signed-in session, for the second-factor pages only. */
export interface PendingSession {
  idHash: string
  stage: Exclude<SessionStage, 'complete'>
  csrfToken: string
  factorFailures: number
  user: repo.UserWithRoles
}

/** Why a sign-in failed, for the audit trail only: the person signing in is never told. */
export type SignInFailure = 'wrong_password' | 'unknown_user' | 'disabled' | 'no_roles' | 'locked' | 'wrong_code'

/** Failed attempts are counted per username typed, hashed: unknown names are throttled like real ones. */
export function throttleKey(username: string): string {
  return sha256(`sign-in:${username.trim().toLowerCase()}`)
}

/** Counts a failure for the username and audits it (no password or code, ever). */
export async function recordSignInFailure(
  db: Database,
  at: Date,
  f: { username: string; userId: string | null; reason: SignInFailure; requestId: string | null },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // Locked attempts do not count, so guessing during the wait cannot stretch it past the cap.
    if (f.reason !== 'locked') {
      const key = throttleKey(f.username)
      const state = await repo.lockThrottle(trx, key, at)
      await repo.saveThrottle(trx, key, afterFailure(state, at))
      await repo.purgeThrottles(trx, new Date(at.getTime() - FAILURE_MEMORY_MS))
    }
    await recordAudit(trx, null, at, {
      action: 'sign_in_failed',
      recordType: 'user',
      recordId: f.userId,
      details: { username: f.username, reason: f.reason, requestId: f.requestId },
    })
  })
}

export async function signInLocked(db: Queryable, username: string, at: Date): Promise<boolean> {
  return isLocked(await repo.findThrottle(db, throttleKey(username)), at)
}

/**
 * Ends a half-signed-in session and opens a signed-in one under a new id (so a cookie planted or
 * seen before the second factor is worthless), clears the failure count and audits the sign-in.
 */
export async function completeSignIn(
  trx: Queryable,
  pending: PendingSession,
  at: Date,
  requestId: string | null,
  factor: 'totp' | 'recovery_code' | 'enrolled',
): Promise<string> {
  await repo.revokeSession(trx, pending.idHash, at)
  const token = await openSession(trx, pending.user.id, 'complete', at)
  await repo.clearThrottle(trx, throttleKey(pending.user.username))
  await recordAudit(trx, toActor(pending.user, 'session', requestId), at, {
    action: 'sign_in',
    recordType: 'user',
    recordId: pending.user.id,
    details: { factor },
  })
  return token
}

async function openSession(db: Queryable, userId: string, stage: SessionStage, now: Date): Promise<string> {
  const token = newSecret()
  const lifetime = stage === 'complete' ? SESSION_ABSOLUTE_MS : PENDING_SESSION_MS[stage]
  await repo.insertSession(db, {
    idHash: sha256(token),
    userId,
    csrfToken: newSecret(),
    now,
    expiresAt: new Date(now.getTime() + lifetime),
    stage,
  })
  return token
}

function usable(user: repo.UserWithRoles | undefined): user is repo.UserWithRoles {
  return !!user && !user.disabled_at && user.roles.length > 0
}

export function toActor(u: repo.UserWithRoles, via: Actor['via'], requestId: string | null): Actor {
  return {
    userId: u.id,
    username: u.username,
    displayName: u.display_name,
    agencyId: u.agency_id,
    agencyName: u.agency_name,
    roles: u.roles,
    teamIds: u.team_ids,
    teamAreas: u.team_areas,
    via,
    requestId,
  }
}

export class AuthService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /**
   * Checks a password and opens a session at the stage the account needs next: signed in, or
   * waiting for a second factor, or for the user to set one up (when `auth.mfaRequired`). Null for
   * every failure alike, including a right password while the username is locked: the caller
   * shows one message. `replacing` is the cookie the browser already had, which is revoked.
   */
  async beginSignIn(
    username: string,
    password: string,
    opts: { requestId: string | null; replacing?: string | null },
  ): Promise<SignInStart | null> {
    const now = this.clock.now()
    const name = username.trim().toLowerCase()
    const locked = await signInLocked(this.db, name, now)
    const user = await repo.findUserByUsername(this.db, name)
    // Always one argon2 verification (a dummy hash for unknown users), so timing tells nothing.
    const ok = await verifyPassword(user?.password_hash ?? null, password)
    const reason: SignInFailure | null = locked
      ? 'locked'
      : !user
        ? 'unknown_user'
        : !ok
          ? 'wrong_password'
          : user.disabled_at
            ? 'disabled'
            : user.roles.length === 0
              ? 'no_roles'
              : null
    if (reason || !usable(user)) {
      await recordSignInFailure(this.db, now, {
        username: name,
        userId: user?.id ?? null,
        reason: reason ?? 'wrong_password',
        requestId: opts.requestId,
      })
      return null
    }
    const totp = await repo.findTotp(this.db, user.id)
    const stage: SessionStage = totp?.confirmed_at
      ? 'second_factor'
      : (await readSetting(this.db, 'auth.mfaRequired'))
        ? 'enrol'
        : 'complete'
    const token = await this.db.transaction().execute(async (trx) => {
      if (opts.replacing) await repo.revokeSession(trx, sha256(opts.replacing), now)
      const opened = await openSession(trx, user.id, stage, now)
      // The count is cleared only once fully signed in: a known password must not reset the
      // throttle on guessing the second factor.
      if (stage === 'complete') {
        await repo.clearThrottle(trx, throttleKey(name))
        await recordAudit(trx, toActor(user, 'session', opts.requestId), now, {
          action: 'sign_in',
          recordType: 'user',
          recordId: user.id,
          details: { factor: null },
        })
      }
      return opened
    })
    return { token, stage }
  }

  /**
   * A signed-in session's cookie value for a username and password, or null (wrong details, or a
   * second factor is due). For scripts and tests; the sign-in page uses `beginSignIn`.
   */
  async signIn(username: string, password: string, requestId: string | null): Promise<string | null> {
    const started = await this.beginSignIn(username, password, { requestId })
    return started?.stage === 'complete' ? started.token : null
  }

  /** Resolves a session cookie; disabled users, revoked, idle, expired or half-signed-in sessions get null. */
  async resolveSession(token: string, requestId: string | null): Promise<SessionContext | null> {
    const now = this.clock.now()
    const idHash = sha256(token)
    const session = await repo.findSession(this.db, idHash)
    if (!session || session.stage !== 'complete' || !live(session, now)) return null
    const user = await repo.findUserById(this.db, session.user_id)
    if (!usable(user)) return null
    await repo.touchSession(this.db, idHash, now)
    return { actor: toActor(user, 'session', requestId), csrfToken: session.csrf_token }
  }

  /** A half-signed-in session at the given stage, for the second-factor pages; null otherwise. */
  async resolvePending(token: string | undefined, stage: PendingSession['stage']): Promise<PendingSession | null> {
    if (!token) return null
    const now = this.clock.now()
    const idHash = sha256(token)
    const session = await repo.findSession(this.db, idHash)
    if (!session || session.stage !== stage || !live(session, now)) return null
    const user = await repo.findUserById(this.db, session.user_id)
    if (!usable(user)) return null
    await repo.touchSession(this.db, idHash, now)
    return { idHash, stage, csrfToken: session.csrf_token, factorFailures: session.factor_failures, user }
  }

  async signOut(token: string, actor: Actor): Promise<void> {
    const now = this.clock.now()
    await this.db.transaction().execute(async (trx) => {
      await repo.revokeSession(trx, sha256(token), now)
      await recordAudit(trx, actor, now, { action: 'sign_out', recordType: 'user', recordId: actor.userId })
    })
  }

  async resolveBearer(token: string, requestId: string | null): Promise<Actor | null> {
    if (!token.startsWith(API_TOKEN_PREFIX)) return null
    const now = this.clock.now()
    const row = await repo.findApiTokenByHash(this.db, sha256(token))
    if (!row || row.revoked_at || row.expires_at <= now) return null
    const user = await repo.findUserById(this.db, row.user_id)
    if (!usable(user)) return null
    await repo.markApiTokenUsed(this.db, row.id, now)
    return toActor(user, 'token', requestId)
  }

  /** Issues an API token for a user or service account; the secret is shown once and stored hashed. */
  async createApiToken(
    actor: Actor,
    input: { username: string; name: string; expiresInDays: number },
  ): Promise<{ id: string; token: string; expiresAt: Date }> {
    if (!Number.isInteger(input.expiresInDays) || input.expiresInDays < 1 || input.expiresInDays > 366) {
      throw new ValidationError([{ path: 'expires', message: 'Expiry must be between 1 and 366 days' }])
    }
    const now = this.clock.now()
    const user = await repo.findUserByUsername(this.db, input.username.trim().toLowerCase())
    if (!user) throw new NotFoundError(`No user called ${input.username}`)
    if (user.disabled_at) throw new ValidationError([{ path: 'user', message: `${user.username} is disabled` }])
    const token = newSecret(API_TOKEN_PREFIX)
    const expiresAt = new Date(now.getTime() + input.expiresInDays * 86_400_000)
    const id = await this.db.transaction().execute(async (trx) => {
      const tokenId = await repo.insertApiToken(trx, {
        userId: user.id,
        name: input.name,
        tokenHash: sha256(token),
        prefix: token.slice(0, 10),
        now,
        expiresAt,
      })
      await recordAudit(trx, actor, now, {
        action: 'token_created',
        recordType: 'api_token',
        recordId: tokenId,
        details: { forUser: user.username, expiresAt: expiresAt.toISOString() },
      })
      return tokenId
    })
    return { id, token, expiresAt }
  }

  async revokeApiToken(actor: Actor, id: string): Promise<void> {
    const now = this.clock.now()
    await this.db.transaction().execute(async (trx) => {
      const n = await repo.revokeApiToken(trx, id, now)
      if (n === 0) throw new NotFoundError(`No active token with id ${id}`)
      await recordAudit(trx, actor, now, { action: 'token_revoked', recordType: 'api_token', recordId: id })
    })
  }

  listApiTokens() {
    return repo.listApiTokens(this.db)
  }

  /** Creates an agency user with roles (demo data, first administrator, service accounts). */
  async createUser(
    actor: Actor,
    u: { username: string; displayName: string; agencyCode: string; password: string | null; roles: Role[] },
  ): Promise<string> {
    const now = this.clock.now()
    const hash = u.password ? await hashPassword(u.password) : null
    return this.db.transaction().execute(async (trx) => {
      const agency = await repo.findAgencyByCode(trx, u.agencyCode)
      if (!agency) throw new NotFoundError(`No agency with code ${u.agencyCode}`)
      const id = await repo.insertUser(trx, {
        username: u.username.toLowerCase(),
        displayName: u.displayName,
        agencyId: agency.id,
        passwordHash: hash,
        serviceAccount: hash === null,
      })
      await repo.insertUserRoles(trx, id, u.roles)
      await recordAudit(trx, actor, now, {
        action: 'collect',
        recordType: 'user',
        recordId: id,
        fields: ['username', 'display_name', 'agency', 'roles'],
      })
      return id
    })
  }
}

function live(session: { revoked_at: Date | null; expires_at: Date; last_seen_at: Date }, now: Date): boolean {
  if (session.revoked_at || session.expires_at <= now) return false
  return now.getTime() - session.last_seen_at.getTime() <= SESSION_IDLE_MS
}
