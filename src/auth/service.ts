import type { Database } from '../db/database.ts'
import type { Clock } from '../common/clock.ts'
import { recordAudit } from '../audit/audit.ts'
import { ValidationError, NotFoundError } from '../common/errors.ts'
import type { Actor } from './actor.ts'
import { hashPassword, verifyPassword } from './passwords.ts'
import { newSecret, sha256, API_TOKEN_PREFIX } from './tokens.ts'
import * as repo from './repository.ts'
import type { Role } from './roles.ts'

export const SESSION_IDLE_MS = 15 * 60 * 1000
export const SESSION_ABSOLUTE_MS = 10 * 60 * 60 * 1000

export interface SessionContext {
  actor: Actor
  csrfToken: string
}

function toActor(u: repo.UserWithRoles, via: Actor['via'], requestId: string | null): Actor {
  return {
    userId: u.id,
    username: u.username,
    displayName: u.display_name,
    agencyId: u.agency_id,
    agencyName: u.agency_name,
    roles: u.roles,
    via,
    requestId,
  }
}

export class AuthService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /** Returns the new session's cookie value, or null; the caller shows one message for every failure. */
  async signIn(username: string, password: string, requestId: string | null): Promise<string | null> {
    const now = this.clock.now()
    const name = username.trim().toLowerCase()
    const user = await repo.findUserByUsername(this.db, name)
    const ok = await verifyPassword(user?.password_hash ?? null, password)
    if (!user || !ok || user.disabled_at || user.roles.length === 0) {
      await recordAudit(this.db, null, now, {
        action: 'sign_in_failed',
        recordType: 'user',
        recordId: user?.id ?? null,
        details: { username: name, requestId },
      })
      return null
    }
    const token = newSecret()
    await this.db.transaction().execute(async (trx) => {
      await repo.insertSession(trx, {
        idHash: sha256(token),
        userId: user.id,
        csrfToken: newSecret(),
        now,
        expiresAt: new Date(now.getTime() + SESSION_ABSOLUTE_MS),
      })
      await recordAudit(trx, toActor(user, 'session', requestId), now, {
        action: 'sign_in',
        recordType: 'user',
        recordId: user.id,
      })
    })
    return token
  }

  /** Resolves a session cookie; disabled users, revoked, idle or expired sessions get null. */
  async resolveSession(token: string, requestId: string | null): Promise<SessionContext | null> {
    const now = this.clock.now()
    const idHash = sha256(token)
    const session = await repo.findSession(this.db, idHash)
    if (!session || session.revoked_at || session.expires_at <= now) return null
    if (now.getTime() - session.last_seen_at.getTime() > SESSION_IDLE_MS) return null
    const user = await repo.findUserById(this.db, session.user_id)
    if (!user || user.disabled_at || user.roles.length === 0) return null
    await repo.touchSession(this.db, idHash, now)
    return { actor: toActor(user, 'session', requestId), csrfToken: session.csrf_token }
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
    if (!user || user.disabled_at || user.roles.length === 0) return null
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
