import QRCode from 'qrcode'
import type { Database, Queryable } from '../db/database.ts'
import type { Clock } from '../common/clock.ts'
import type { AppConfig } from '../config.ts'
import { recordAudit } from '../audit/audit.ts'
import { ConflictError, ForbiddenError } from '../common/errors.ts'
import { readSetting } from '../settings/settings.ts'
import { allows } from '../access/rules.ts'
import { authorId, type Actor } from './actor.ts'
import * as repo from './repository.ts'
import { completeSignIn, recordSignInFailure, signInLocked, toActor, type PendingSession } from './service.ts'
import { sha256 } from './tokens.ts'
import { decryptSecret, deriveKeys, encryptSecret, keyedHash, loadSecretKey, type SecretKeys } from './secrets.ts'
import { groupedSecret, matchTotp, newTotpSecret, otpauthUri } from './totp.ts'
import { newRecoveryCodes, normaliseRecoveryCode } from './recovery-codes.ts'

/** Wrong codes a half-signed-in session may send before the user must start again with their password. */
export const MAX_FACTOR_FAILURES = 5

export interface Enrolment {
  /** The secret in base32, in groups of four, for typing into an app. */
  secret: string
  uri: string
  /** A QR code of the URI: an SVG image as a data: URI (the CSP allows data: images, not inline scripts). */
  qrCode: string
}

export interface SecurityStatus {
  enabled: boolean
  required: boolean
  recoveryCodesLeft: number
}

export type VerifyOutcome =
  | { outcome: 'signed_in'; token: string; recoveryCodesLeft: number | null }
  /** Refused: a wrong or used code, or the username is locked; the user may try again. */
  | { outcome: 'refused' }
  /** Too many wrong codes: the half-signed-in session is over, and sign-in starts again. */
  | { outcome: 'restart' }

/**
 * Two-step sign-in: setting up an authenticator app (TOTP) with recovery codes, checking codes
 * at sign-in, and changing or removing them. Secrets are encrypted with the installation's key.
 */
export class MfaService {
  private readonly keys: SecretKeys

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    secretKey: Buffer,
  ) {
    this.keys = deriveKeys(secretKey)
  }

  /** Refuses to start (throws) when no key is configured for a server database. */
  static fromConfig(db: Database, clock: Clock, config: AppConfig): MfaService {
    return new MfaService(db, clock, loadSecretKey(config))
  }

  async status(userId: string): Promise<SecurityStatus> {
    const totp = await repo.findTotp(this.db, userId)
    return {
      enabled: !!totp?.confirmed_at,
      required: await readSetting(this.db, 'auth.mfaRequired'),
      recoveryCodesLeft: totp?.confirmed_at ? await repo.countUnusedRecoveryCodes(this.db, userId) : 0,
    }
  }

  /**
   * The secret being set up for a user, made on first view and kept until confirmed, so the page
   * can be reloaded after scanning it. Conflict once an authenticator is set up.
   */
  async enrolment(user: { id: string; username: string }): Promise<Enrolment> {
    let row = await repo.findTotp(this.db, user.id)
    if (row?.confirmed_at) throw new ConflictError('Two-step sign-in is already set up')
    if (!row) {
      await repo.savePendingTotp(this.db, user.id, encryptSecret(this.keys, newTotpSecret(), user.id), this.clock.now())
      row = await repo.findTotp(this.db, user.id)
    }
    const secret = decryptSecret(this.keys, row!.secret_enc, user.id)
    const uri = otpauthUri(secret, user.username)
    const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 })
    return {
      secret: groupedSecret(secret),
      uri,
      qrCode: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
    }
  }

  /**
   * Confirms the secret being set up with a code from the app; returns the new recovery codes
   * (shown once), or null for a wrong code.
   */
  async confirmEnrolment(actor: Actor, code: string, sessionIdHash: string | null): Promise<string[] | null> {
    return this.db.transaction().execute((trx) => this.confirm(trx, actor, code, sessionIdHash))
  }

  /**
   * The same, for a user who must set up two-step sign-in before signing in: on success the
   * half-signed-in session becomes a signed-in one under a new id.
   */
  async completeEnrolment(
    pending: PendingSession,
    code: string,
    requestId: string | null,
  ): Promise<{ token: string; recoveryCodes: string[] } | null> {
    const actor = toActor(pending.user, 'session', requestId)
    return this.db.transaction().execute(async (trx) => {
      const recoveryCodes = await this.confirm(trx, actor, code, pending.idHash)
      if (!recoveryCodes) return null
      const token = await completeSignIn(trx, pending, this.clock.now(), requestId, 'enrolled')
      return { token, recoveryCodes }
    })
  }

  private async confirm(trx: Queryable, actor: Actor, code: string, keepIdHash: string | null) {
    const now = this.clock.now()
    const row = await repo.findTotp(trx, actor.userId)
    if (!row) return null // nothing being set up: no code can be right
    if (row.confirmed_at) throw new ConflictError('Two-step sign-in is already set up')
    const step = matchTotp(decryptSecret(this.keys, row.secret_enc, actor.userId), code, now, null)
    if (step === null || !(await repo.useTotpStep(trx, actor.userId, step, now))) return null
    const codes = await this.replaceRecoveryCodes(trx, actor.userId, now)
    // Whoever else was signed in as this user (before the account had a second factor) is signed out.
    await repo.revokeOtherSessions(trx, actor.userId, keepIdHash, now)
    await this.audit(trx, actor, now, 'second_factor_added', ['second_factor', 'recovery_codes'])
    return codes
  }

  /**
   * The second step of signing in: a code from the app or an unused recovery code (which is then
   * used up). Wrong codes count against the username like wrong passwords.
   */
  async verifySignIn(pending: PendingSession, entered: string, requestId: string | null): Promise<VerifyOutcome> {
    const now = this.clock.now()
    const user = pending.user
    const locked = await signInLocked(this.db, user.username, now)
    const refuse = async (): Promise<VerifyOutcome> => {
      const failures = await repo.addFactorFailure(this.db, pending.idHash)
      await recordSignInFailure(this.db, now, {
        username: user.username,
        userId: user.id,
        reason: locked ? 'locked' : 'wrong_code',
        requestId,
      })
      if (failures < MAX_FACTOR_FAILURES) return { outcome: 'refused' }
      await repo.revokeSession(this.db, pending.idHash, now)
      return { outcome: 'restart' }
    }
    // Locked: refused without looking at the code, exactly as a wrong code is.
    if (locked) return refuse()
    const signedIn = await this.db.transaction().execute(async (trx) => {
      const factor = await this.useCode(trx, user.id, entered, now, true)
      if (!factor) return null
      const token = await completeSignIn(trx, pending, now, requestId, factor)
      const left = factor === 'recovery_code' ? await repo.countUnusedRecoveryCodes(trx, user.id) : null
      return { outcome: 'signed_in' as const, token, recoveryCodesLeft: left }
    })
    return signedIn ?? refuse()
  }

  /** New recovery codes in place of the old, after a code from the app; null for a wrong code. */
  async regenerateRecoveryCodes(actor: Actor, code: string): Promise<string[] | null> {
    const now = this.clock.now()
    await this.requireEnabled(actor.userId)
    const codes = await this.withAppCode(actor, code, now, async (trx) => {
      const fresh = await this.replaceRecoveryCodes(trx, actor.userId, now)
      await this.audit(trx, actor, now, 'recovery_codes_replaced', ['recovery_codes'])
      return fresh
    })
    return codes
  }

  /**
   * Turns two-step sign-in off after a code from the app (false for a wrong code); refused while
   * the installation requires it.
   */
  async turnOff(actor: Actor, code: string, sessionIdHash: string | null): Promise<boolean> {
    const now = this.clock.now()
    if (await readSetting(this.db, 'auth.mfaRequired')) {
      throw new ForbiddenError('Two-step sign-in is required here, so it cannot be turned off')
    }
    await this.requireEnabled(actor.userId)
    const done = await this.withAppCode(actor, code, now, async (trx) => {
      await repo.deleteTotp(trx, actor.userId)
      await repo.revokeOtherSessions(trx, actor.userId, sessionIdHash, now)
      await this.audit(trx, actor, now, 'second_factor_removed', ['second_factor', 'recovery_codes'])
      return true
    })
    return done ?? false
  }

  /**
   * For an administrator, when a user has lost their authenticator and recovery codes: removes
   * both and signs the user out everywhere; they set up a new one at their next sign-in (if
   * required) or from their account page.
   */
  async resetForUser(actor: Actor, userId: string): Promise<void> {
    // Administrators, or the operator at the command line.
    if (actor.via !== 'system' && !allows(actor, 'user:manage')) {
      throw new ForbiddenError('Only administrators reset two-step sign-in')
    }
    const now = this.clock.now()
    await this.db.transaction().execute(async (trx) => {
      const removed = await repo.deleteTotp(trx, userId)
      if (removed === 0) throw new ConflictError('This user has not set up two-step sign-in')
      await repo.revokeAllSessions(trx, userId, now)
      await recordAudit(trx, actor, now, {
        action: 'alter',
        recordType: 'user',
        recordId: userId,
        fields: ['second_factor', 'recovery_codes'],
        details: { change: 'second_factor_reset' },
      })
    })
  }

  /** The id hash of a session cookie, to keep the current session when others are signed out. */
  static sessionIdHash(token: string | null): string | null {
    return token ? sha256(token) : null
  }

  private async requireEnabled(userId: string): Promise<void> {
    const totp = await repo.findTotp(this.db, userId)
    if (!totp?.confirmed_at) throw new ConflictError('Two-step sign-in is not set up')
  }

  /** Runs `change` if `code` is a current code from the user's app; wrong codes count as failures. */
  private async withAppCode<T>(
    actor: Actor,
    code: string,
    now: Date,
    change: (trx: Queryable) => Promise<T>,
  ): Promise<T | null> {
    const locked = await signInLocked(this.db, actor.username, now)
    const result = locked
      ? null
      : await this.db.transaction().execute(async (trx) => {
          if (!(await this.useCode(trx, actor.userId, code, now, false))) return null
          return { value: await change(trx) }
        })
    if (result) return result.value
    await recordSignInFailure(this.db, now, {
      username: actor.username,
      userId: actor.userId,
      reason: locked ? 'locked' : 'wrong_code',
      requestId: actor.requestId,
    })
    return null
  }

  /** Uses up a code of a confirmed authenticator (or a recovery code, if allowed); which kind, or null. */
  private async useCode(
    trx: Queryable,
    userId: string,
    entered: string,
    now: Date,
    allowRecovery: boolean,
  ): Promise<'totp' | 'recovery_code' | null> {
    const row = await repo.findTotp(trx, userId)
    if (!row?.confirmed_at) return null
    const secret = decryptSecret(this.keys, row.secret_enc, userId)
    const step = matchTotp(secret, entered, now, row.last_used_step)
    if (step !== null) return (await repo.useTotpStep(trx, userId, step)) ? 'totp' : null
    const recovery = allowRecovery ? normaliseRecoveryCode(entered) : null
    if (recovery && (await repo.useRecoveryCode(trx, userId, keyedHash(this.keys, recovery), now))) {
      return 'recovery_code'
    }
    return null
  }

  private async replaceRecoveryCodes(trx: Queryable, userId: string, now: Date): Promise<string[]> {
    const codes = newRecoveryCodes()
    const hashes = codes.map((c) => keyedHash(this.keys, normaliseRecoveryCode(c)!))
    await repo.replaceRecoveryCodes(trx, userId, hashes, now)
    return codes
  }

  private async audit(trx: Queryable, actor: Actor, now: Date, change: string, fields: string[]): Promise<void> {
    await recordAudit(trx, actor, now, {
      action: 'alter',
      recordType: 'user',
      recordId: authorId(actor) ?? actor.userId,
      fields,
      details: { change },
    })
  }
}
