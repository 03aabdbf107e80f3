import { z } from 'zod'
import type { Database } from '../db/database.ts'
import type { Clock } from '../common/clock.ts'
import type { Actor } from '../auth/actor.ts'
import type { AccessService } from '../access/service.ts'
import { recordAudit } from '../audit/audit.ts'
import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../common/errors.ts'
import { TRACKER_FIELDS, trackerIssues, trackerSchema, type TrackerRecord } from './tracker.ts'
import * as repo from './repository.ts'

/**
 * A draft holds what has been entered so far, unvalidated but bounded: only the tracker's own
 * fields, each a short value, so a half-filled form survives a lost connection and nothing else
 * rides along.
 */
const draftValue = z.union([
  z.string().max(4000),
  z.number(),
  z.boolean(),
  z.null(),
  z.array(z.string().max(100)).max(20),
])
export const draftSchema = z.strictObject(
  Object.fromEntries(TRACKER_FIELDS.map((f) => [f.name, draftValue.optional()])) as Record<
    (typeof TRACKER_FIELDS)[number]['name'],
    z.ZodOptional<typeof draftValue>
  >,
)

const issuesOf = (error: z.ZodError): FieldIssue[] =>
  error.issues.map((i) => ({ path: i.path.join('.') || 'form', message: i.message }))

/**
 * The IDVA's engagement tracker: drafts saved as the form is filled, then one validated
 * submission per contact, each in a transaction with its audit row.
 */
export class EngagementService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly access: AccessService,
  ) {}

  /** Saves what has been entered so far; creates the draft the first time. Returns its id. */
  async saveDraft(
    actor: Actor,
    incidentId: string,
    input: { draftId?: string | null; visitId?: string | null; values: unknown },
  ): Promise<string> {
    await this.access.check(actor, 'tracker:record', 'incident', incidentId)
    const values = draftSchema.safeParse(input.values)
    if (!values.success) throw new ValidationError(issuesOf(values.error))
    const now = this.clock.now()
    return this.db.transaction().execute(async (trx) => {
      if (input.draftId) {
        await this.ownDraft(trx, actor, incidentId, input.draftId)
        await repo.updateDraft(trx, input.draftId, values.data, now)
        return input.draftId
      }
      const victim = await this.victim(trx, incidentId)
      const visitId = await this.visitOf(trx, incidentId, input.visitId ?? null)
      const id = await repo.insertDraft(trx, {
        incidentId,
        personId: victim.person_id,
        visitId,
        draft: values.data,
        by: actor.userId,
        at: now,
      })
      await recordAudit(trx, actor, now, {
        action: 'collect',
        recordType: 'tracker_contact',
        recordId: id,
        fields: ['draft'],
        details: { incidentId, status: 'draft' },
      })
      return id
    })
  }

  /**
   * Validates and submits a contact (from a draft, or directly through the API). Problems come
   * back field by field and nothing is saved; a submitted contact is final.
   */
  async submit(
    actor: Actor,
    incidentId: string,
    input: { draftId?: string | null; visitId?: string | null; values: unknown },
  ): Promise<string> {
    await this.access.check(actor, 'tracker:record', 'incident', incidentId)
    const parsed = trackerSchema.safeParse(input.values)
    if (!parsed.success) throw new ValidationError(issuesOf(parsed.error))
    return this.write(actor, incidentId, { ...input, record: parsed.data })
  }

  /** `submit` for a record its caller has already parsed with `trackerSchema` (the API's route). */
  async submitRecord(
    actor: Actor,
    incidentId: string,
    input: { draftId?: string | null; visitId?: string | null; record: TrackerRecord },
  ): Promise<string> {
    await this.access.check(actor, 'tracker:record', 'incident', incidentId)
    return this.write(actor, incidentId, input)
  }

  private async write(
    actor: Actor,
    incidentId: string,
    input: { draftId?: string | null; visitId?: string | null; record: TrackerRecord },
  ): Promise<string> {
    const now = this.clock.now()
    return this.db.transaction().execute(async (trx) => {
      const victim = await this.victim(trx, incidentId)
      const issues = trackerIssues(input.record, { repeatVictim: victim.prior_same_people_12m > 0, now })
      if (issues.length) throw new ValidationError(issues)
      let id = input.draftId ?? null
      if (id) await this.ownDraft(trx, actor, incidentId, id)
      else
        id = await repo.insertDraft(trx, {
          incidentId,
          personId: victim.person_id,
          visitId: await this.visitOf(trx, incidentId, input.visitId ?? null),
          draft: {},
          by: actor.userId,
          at: now,
        })
      await repo.submit(trx, id, input.record, now)
      await recordAudit(trx, actor, now, {
        action: 'collect',
        recordType: 'tracker_contact',
        recordId: id,
        fields: TRACKER_FIELDS.map((f) => f.name),
        details: { incidentId, status: 'submitted' },
      })
      return id
    })
  }

  /** The incident's submitted contacts and the reader's own drafts, for its page. */
  async forIncident(actor: Actor, incidentId: string) {
    await this.access.check(actor, 'tracker:view', 'incident', incidentId)
    const rows = await repo.contactsOf(this.db, incidentId, actor.userId)
    const submitted = rows.filter((r) => r.status === 'submitted')
    if (submitted.length)
      await recordAudit(this.db, actor, this.clock.now(), {
        action: 'consult',
        recordType: 'incident',
        recordId: incidentId,
        fields: ['tracker_contacts'],
        details: { contacts: submitted.map((r) => r.id) },
      })
    return { submitted, drafts: rows.filter((r) => r.status === 'draft') }
  }

  private async victim(db: Parameters<typeof repo.victimOf>[0], incidentId: string) {
    const victim = await repo.victimOf(db, incidentId)
    if (!victim) throw new ValidationError([{ path: 'incident', message: 'This incident records no victim' }])
    return victim
  }

  /** A visit named with the contact must be one of this incident's. */
  private async visitOf(db: Parameters<typeof repo.visitIncident>[0], incidentId: string, visitId: string | null) {
    if (!visitId) return null
    const visit = await repo.visitIncident(db, visitId)
    if (visit?.incident_id !== incidentId)
      throw new ValidationError([{ path: 'visitId', message: 'That visit is not one of this incident’s' }])
    return visitId
  }

  private async ownDraft(db: Parameters<typeof repo.findContact>[0], actor: Actor, incidentId: string, id: string) {
    const draft = await repo.findContact(db, id)
    if (!draft || draft.incident_id !== incidentId || draft.created_by !== actor.userId)
      throw new NotFoundError('No draft of yours with that id on this incident')
    if (draft.status !== 'draft') throw new ConflictError('That contact has already been submitted')
  }
}
