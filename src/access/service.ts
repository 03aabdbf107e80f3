import { z } from 'zod'
import type { Database, Queryable } from '../db/database.ts'
import type { Clock } from '../common/clock.ts'
import type { Actor } from '../auth/actor.ts'
import { recordAudit } from '../audit/audit.ts'
import { ForbiddenError, NotFoundError, OutOfScopeError, ValidationError } from '../common/errors.ts'
import { resourceOf, type Action } from './policy.ts'
import { decideRecordAccess, scopeFilter, widestScope, type RecordFacts, type ScopeFilter } from './rules.ts'
import * as repo from './repository.ts'

/** How long a break-glass grant opens a record for. */
export const BREAK_GLASS_MINUTES = 60

/** Kinds of record whose owner, creator and area the access checks can look up. */
const FACTS: Record<string, (db: Queryable, id: string) => Promise<RecordFacts | undefined>> = {
  incident: repo.incidentFacts,
  import_job: repo.importJobFacts,
  shift: repo.shiftFacts,
  consultation: repo.consultationFacts,
  victim: repo.victimFacts,
  safeguarding_action: repo.safeguardingActionFacts,
  handover: repo.handoverFacts,
}
export type CheckedRecord = keyof typeof FACTS

export const breakGlassSchema = z.strictObject({
  reason: z
    .string({ error: 'Give the reason you need to open this record' })
    .trim()
    .min(10, 'Give the reason you need to open this record, in at least 10 characters')
    .max(1000, 'The reason must be 1,000 characters or fewer'),
})

/**
 * Record-level access, decided from the policy table: every service that reads or changes a
 * record calls `check` (one record) or `filter` (lists) with the actor and the action.
 */
export class AccessService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /**
   * The records of a list the actor may see for `action`, as a filter for `scopeWhere`.
   * Throws ForbiddenError when no role allows the action at all.
   */
  async filter(actor: Actor, action: Action, db: Queryable = this.db): Promise<ScopeFilter> {
    const scope = widestScope(actor.roles, action)
    if (scope === null) throw new ForbiddenError(`Your roles do not allow ${action}`)
    const agencies = scope === 'all' || scope === 'own' ? [] : await this.agencies(db, actor, action)
    return scopeFilter(actor, scope, agencies)
  }

  /**
   * One record: resolves if the actor may take `action` on it (by policy, or through an unexpired
   * break-glass grant), throws NotFoundError if it does not exist and OutOfScopeError if not allowed.
   */
  async check(
    actor: Actor,
    action: Action,
    record: CheckedRecord,
    id: string,
    db: Queryable = this.db,
  ): Promise<{ via: 'policy' | 'break_glass' }> {
    const facts = await FACTS[record]!(db, id)
    if (!facts) throw new NotFoundError(`No ${record.replace('_', ' ')} with that id`)
    const scope = widestScope(actor.roles, action)
    const filter = scope === null ? null : scopeFilter(actor, scope, await this.agencies(db, actor, action))
    let decision = decideRecordAccess(action, filter, facts, false)
    // Grants are looked up only when the policy alone does not open the record.
    if (!decision.allowed && decision.breakGlass) {
      const now = this.clock.now()
      const grant = await repo.hasActiveGrant(db, { userId: actor.userId, resource: record, recordId: id, now })
      decision = decideRecordAccess(action, filter, facts, grant)
    }
    if (!decision.allowed) throw new OutOfScopeError(action, record, id, decision.breakGlass)
    return { via: decision.via }
  }

  /** `check` as a yes or no, for optional parts of a page such as health details. */
  async permits(actor: Actor, action: Action, record: CheckedRecord, id: string, db: Queryable = this.db) {
    if (widestScope(actor.roles, action) === null) return false
    try {
      await this.check(actor, action, record, id, db)
      return true
    } catch (error) {
      if (error instanceof OutOfScopeError) return false
      throw error
    }
  }

  /**
   * Opens a record the actor has no working relationship with, for an emergency: the reason is
   * required, the grant lasts BREAK_GLASS_MINUTES, and the information-governance lead reviews it.
   */
  async breakGlass(
    actor: Actor,
    action: Action,
    record: CheckedRecord,
    id: string,
    candidate: unknown,
  ): Promise<{ grantId: string; expiresAt: Date }> {
    const parsed = breakGlassSchema.safeParse(candidate)
    if (!parsed.success) {
      throw new ValidationError(parsed.error.issues.map((i) => ({ path: 'reason', message: i.message })))
    }
    const now = this.clock.now()
    return this.db.transaction().execute(async (trx) => {
      try {
        await this.check(actor, action, record, id, trx)
        throw new ValidationError([{ path: 'reason', message: 'You already have access to this record' }])
      } catch (error) {
        if (!(error instanceof OutOfScopeError)) throw error
        if (!error.breakGlass) throw error
      }
      const expiresAt = new Date(now.getTime() + BREAK_GLASS_MINUTES * 60_000)
      const grantId = await repo.insertGrant(trx, {
        userId: actor.userId,
        action,
        resource: record,
        recordId: id,
        reason: parsed.data.reason,
        grantedAt: now,
        expiresAt,
      })
      await recordAudit(trx, actor, now, {
        action: 'consult',
        recordType: record,
        recordId: id,
        fields: [],
        justification: parsed.data.reason,
        details: { breakGlassGrantId: grantId, action, expiresAt: expiresAt.toISOString() },
      })
      return { grantId, expiresAt }
    })
  }

  /**
   * The actor's agency and the agencies that share this kind of record with it. Shifts, plans and
   * consultations are made of incidents, so they follow the incident-sharing agreements.
   */
  private async agencies(db: Queryable, actor: Actor, action: Action): Promise<string[]> {
    const resource = resourceOf(action) === 'import' ? 'import_job' : 'incident'
    return [actor.agencyId, ...(await repo.sharingAgencies(db, actor.agencyId, resource))]
  }
}
