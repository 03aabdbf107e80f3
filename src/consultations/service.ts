import { z } from 'zod'
import type { Database } from '../db/database.ts'
import type { Clock } from '../common/clock.ts'
import type { Actor } from '../auth/actor.ts'
import type { AccessService } from '../access/service.ts'
import { recordAudit, recordAudits } from '../audit/audit.ts'
import { ConflictError, NotFoundError, ValidationError, fieldIssues } from '../common/errors.ts'
import * as repo from './repository.ts'

export const requestSchema = z.strictObject({
  question: z
    .string({ error: 'Enter the question for the IDVA' })
    .trim()
    .min(5, 'Enter the question for the IDVA')
    .max(2000, 'The question must be 2,000 characters or fewer'),
})

export const adviceSchema = z.strictObject({
  advice: z
    .string({ error: 'Enter the advice given' })
    .trim()
    .min(5, 'Enter the advice given')
    .max(4000, 'The advice must be 4,000 characters or fewer'),
  minutesTaken: z.coerce
    .number({ error: 'Enter the minutes it took, as a number' })
    .int('Enter whole minutes')
    .min(1, 'Enter the minutes it took, at least 1')
    .max(600, 'Enter 600 minutes or fewer'),
})

const DAY_MS = 24 * 3_600_000

/** Minutes from the request to the advice: how quickly officers at an incident got an IDVA's view. */
export function responseMinutes(c: { requested_at: Date; answered_at: Date | null }): number | null {
  return c.answered_at ? Math.max(0, Math.round((c.answered_at.getTime() - c.requested_at.getTime()) / 60_000)) : null
}

/**
 * Consultations: an officer at an incident asks a health IDVA for advice; the request, the advice
 * and the time it took are recorded against the incident.
 */
export class ConsultationService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly access: AccessService,
  ) {}

  async request(actor: Actor, incidentId: string, input: unknown): Promise<string> {
    await this.access.check(actor, 'consultation:request', 'incident', incidentId)
    const parsed = requestSchema.safeParse(input)
    if (!parsed.success) throw new ValidationError(fieldIssues(parsed.error))
    const now = this.clock.now()
    return this.db.transaction().execute(async (trx) => {
      const id = await repo.insertConsultation(trx, {
        incidentId,
        requestedBy: actor.userId,
        at: now,
        question: parsed.data.question,
      })
      await recordAudit(trx, actor, now, {
        action: 'collect',
        recordType: 'consultation',
        recordId: id,
        fields: ['question'],
        details: { incidentId },
      })
      return id
    })
  }

  /** Open requests and the last day's answers, for IDVAs. Each one listed is audited. */
  async list(actor: Actor) {
    const now = this.clock.now()
    const scope = await this.access.filter(actor, 'consultation:answer')
    const rows = await repo.listForAnswering(this.db, { scope, answeredSince: new Date(now.getTime() - DAY_MS) })
    await recordAudits(
      this.db,
      actor,
      now,
      rows.map((r) => ({
        action: 'consult' as const,
        recordType: 'consultation',
        recordId: r.id,
        fields: ['question', 'advice'],
      })),
    )
    return {
      open: rows.filter((r) => r.answered_at === null),
      answered: rows.filter((r) => r.answered_at !== null).map((r) => ({ ...r, responseMinutes: responseMinutes(r) })),
    }
  }

  async get(actor: Actor, id: string) {
    await this.access.check(actor, 'consultation:answer', 'consultation', id)
    const row = await repo.findConsultation(this.db, id)
    if (!row) throw new NotFoundError('No consultation with that id')
    await recordAudit(this.db, actor, this.clock.now(), {
      action: 'consult',
      recordType: 'consultation',
      recordId: id,
      fields: ['question', 'advice'],
    })
    return { ...row, responseMinutes: responseMinutes(row) }
  }

  async answer(actor: Actor, id: string, input: unknown) {
    await this.access.check(actor, 'consultation:answer', 'consultation', id)
    const parsed = adviceSchema.safeParse(input)
    if (!parsed.success) throw new ValidationError(fieldIssues(parsed.error))
    const now = this.clock.now()
    return this.db.transaction().execute(async (trx) => {
      if (!(await repo.answer(trx, { id, by: actor.userId, at: now, ...parsed.data })))
        throw new ConflictError('This consultation has already been answered')
      await recordAudit(trx, actor, now, {
        action: 'collect',
        recordType: 'consultation',
        recordId: id,
        fields: ['advice', 'minutes_taken'],
      })
      return (await repo.findConsultation(trx, id))!
    })
  }

  /** The incident's consultations, for its page. */
  async forIncident(actor: Actor, incidentId: string) {
    await this.access.check(actor, 'incident:view', 'incident', incidentId)
    const rows = await repo.forIncident(this.db, incidentId)
    await recordAudits(
      this.db,
      actor,
      this.clock.now(),
      rows.map((r) => ({
        action: 'consult' as const,
        recordType: 'consultation',
        recordId: r.id,
        fields: ['question', 'advice'],
        details: { via: 'incident_page', incidentId },
      })),
    )
    return rows.map((r) => ({ ...r, responseMinutes: responseMinutes(r) }))
  }
}
