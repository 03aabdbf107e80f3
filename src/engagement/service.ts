import { z } from 'zod'
import type { Database } from '../db/database.ts'
import type { Clock } from '../common/clock.ts'
import type { Actor } from '../auth/actor.ts'
import type { AccessService } from '../access/service.ts'
import { recordAudit, recordAudits } from '../audit/audit.ts'
import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../common/errors.ts'
import { VISIT_KIND_LABELS } from '../deployment/rules.ts'
import { TRACKER_FIELDS, trackerIssues, trackerSchema, type TrackerRecord } from './tracker.ts'
import {
  defaultEntries,
  describeContact,
  formIssues,
  formValues,
  recordFromEntries,
  type Entries,
  type FormValues,
} from './form.ts'
import * as repo from './repository.ts'

/**
 * A draft holds what has been entered so far, unvalidated but bounded: only the tracker's own
 * fields, each a short value, so a half-filled form survives a lost connection and nothing else
 * rides along.
 */
const draftValue = z.union([
  z.string().max(4000, 'Too long to keep as a draft: 4,000 characters at most'),
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

/** The tracker page: whose contact it is, what it comes from, and the answers to show. */
export interface TrackerForm {
  incidentId: string
  reference: string
  victimName: string
  /** Asked about their engagement before the programme (an earlier incident with the same people). */
  repeatVictim: boolean
  visit: { id: string; kindLabel: string; outcomeAt: Date | null } | null
  draftId: string | null
  savedAt: Date | null
  values: FormValues
}

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
      const visit = await this.visitOf(trx, incidentId, input.visitId ?? null)
      const id = await repo.insertDraft(trx, {
        incidentId,
        personId: victim.person_id,
        visitId: visit?.id ?? null,
        draft: values.data,
        by: actor.userId,
        at: now,
      })
      await recordAudit(trx, actor, now, {
        action: 'collect',
        recordType: 'incident_person',
        recordId: victim.person_id,
        fields: ['tracker_contact'],
        details: { incidentId, contactId: id, status: 'draft' },
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
          visitId: (await this.visitOf(trx, incidentId, input.visitId ?? null))?.id ?? null,
          draft: {},
          by: actor.userId,
          at: now,
        })
      await repo.submit(trx, id, input.record, now)
      await recordAudit(trx, actor, now, {
        action: 'collect',
        recordType: 'incident_person',
        recordId: victim.person_id,
        fields: TRACKER_FIELDS.map((f) => f.name),
        details: { incidentId, contactId: id, status: 'submitted' },
      })
      return id
    })
  }

  /** The incident's submitted contacts and the reader's own drafts, for its page. */
  async forIncident(actor: Actor, incidentId: string) {
    await this.access.check(actor, 'tracker:view', 'incident', incidentId)
    return this.contactsShown(actor, incidentId)
  }

  /**
   * The tracker form for a contact with the incident's victim: a new one, with defaults from the
   * visit or consultation it follows and from the incident; the author's draft; or, after a refused
   * submission, the answers as entered. Creates nothing.
   */
  async form(
    actor: Actor,
    incidentId: string,
    from: { draftId?: string | null; visitId?: string | null; consultationId?: string | null; entries?: Entries },
  ): Promise<TrackerForm> {
    await this.access.check(actor, 'tracker:record', 'incident', incidentId)
    const victim = await this.victim(this.db, incidentId)
    const draft = from.draftId ? await this.ownDraft(this.db, actor, incidentId, from.draftId) : null
    const visitId = draft ? draft.visit_id : (from.visitId ?? null)
    const visit = await this.visitOf(this.db, incidentId, visitId)
    const consultation = from.consultationId ? await this.consultationFacts(incidentId, from.consultationId) : null
    const entries =
      from.entries ??
      draft?.draft ??
      defaultEntries({
        now: this.clock.now(),
        mode: consultation ? 'consultation' : visit ? (visit.kind === 'live' ? 'live' : 'post_incident') : null,
        at: consultation ? consultation.answered_at : (visit?.outcome_at ?? null),
        atHome: visit !== null && !consultation,
        jointVisit: Boolean(visit?.joint),
        children: victim.children,
        childrenPresent: victim.children_present,
      })
    await recordAudit(this.db, actor, this.clock.now(), {
      action: 'consult',
      recordType: 'incident',
      recordId: incidentId,
      fields: ['force_reference', 'victim_name', 'children', ...(draft ? ['tracker_draft'] : [])],
      details: { via: 'tracker_form', ...(draft ? { draftId: draft.id } : {}) },
    })
    return {
      incidentId,
      reference: victim.force_reference,
      victimName: victim.victim_name,
      repeatVictim: victim.prior_same_people_12m > 0,
      visit: visit && { id: visit.id, kindLabel: VISIT_KIND_LABELS[visit.kind], outcomeAt: visit.outcome_at },
      draftId: draft?.id ?? null,
      savedAt: draft?.updated_at ?? null,
      values: formValues(entries),
    }
  }

  /**
   * Submits the answers as entered on the page. When they are refused, they are kept as the draft
   * (created or saved again) so nothing is lost, and the form comes back with every problem.
   */
  async submitEntries(
    actor: Actor,
    incidentId: string,
    input: { draftId: string | null; visitId: string | null; entries: Entries },
  ): Promise<{ ok: true; id: string } | { ok: false; issues: FieldIssue[]; form: TrackerForm; kept: boolean }> {
    await this.access.check(actor, 'tracker:record', 'incident', incidentId)
    const { values, issues } = recordFromEntries(input.entries)
    const parsed = trackerSchema.safeParse(values)
    try {
      if (issues.length || !parsed.success)
        throw new ValidationError(formIssues(issues, parsed.success ? [] : issuesOf(parsed.error)))
      return { ok: true, id: await this.write(actor, incidentId, { ...input, record: parsed.data }) }
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      const kept = await this.keep(actor, incidentId, input)
      return {
        ok: false,
        issues: formIssues(error.issues, []),
        form: await this.form(actor, incidentId, { ...input, draftId: kept ?? input.draftId }),
        kept: kept !== null,
      }
    }
  }

  /** The answers of a refused submission as the draft; null when they cannot be one (an answer far too long). */
  private async keep(
    actor: Actor,
    incidentId: string,
    input: { draftId: string | null; visitId: string | null; entries: Entries },
  ) {
    try {
      return await this.saveDraft(actor, incidentId, { ...input, values: input.entries })
    } catch (error) {
      if (error instanceof ValidationError) return null
      throw error
    }
  }

  /** The actor's open drafts, on incidents they may still record on, so an interrupted contact is found again. */
  async myDrafts(actor: Actor) {
    const scope = await this.access.filter(actor, 'tracker:record')
    const rows = await repo.draftsOf(this.db, actor.userId, scope)
    await recordAudits(
      this.db,
      actor,
      this.clock.now(),
      rows.map((r) => ({
        action: 'consult' as const,
        recordType: 'incident',
        recordId: r.incident_id,
        fields: ['force_reference', 'victim_name'],
        details: { via: 'tracker_drafts', draftId: r.id },
      })),
    )
    return rows.map((r) => ({ ...r, visitKindLabel: r.visit_kind ? VISIT_KIND_LABELS[r.visit_kind] : null }))
  }

  /** One submitted contact, labelled for its page. */
  async contact(actor: Actor, incidentId: string, contactId: string) {
    await this.access.check(actor, 'tracker:view', 'incident', incidentId)
    const row = await repo.submittedContact(this.db, incidentId, contactId)
    if (!row) throw new NotFoundError('No submitted contact with that id on this incident')
    await this.consulted(actor, incidentId, [row.id])
    return { ...describeContact(row), incidentId, reference: row.force_reference, victimName: row.victim_name }
  }

  /**
   * The incident page's tracker panel: its contacts, labelled, and the reader's own drafts; null
   * for a reader who may not see the tracker, so the page shows nothing of it.
   */
  async incidentPanel(actor: Actor, incidentId: string) {
    if (!(await this.access.permits(actor, 'tracker:view', 'incident', incidentId))) return null
    const { submitted, drafts } = await this.contactsShown(actor, incidentId)
    return {
      incidentId,
      contacts: submitted.map(describeContact),
      drafts: drafts.map((d) => ({ id: d.id, updatedAt: d.updated_at })),
    }
  }

  private async contactsShown(actor: Actor, incidentId: string) {
    const rows = await repo.contactsOf(this.db, incidentId, actor.userId)
    const submitted = rows.filter((r) => r.status === 'submitted')
    await this.consulted(
      actor,
      incidentId,
      submitted.map((r) => r.id),
    )
    return { submitted, drafts: rows.filter((r) => r.status === 'draft') }
  }

  private async consulted(actor: Actor, incidentId: string, contacts: string[]) {
    if (contacts.length)
      await recordAudit(this.db, actor, this.clock.now(), {
        action: 'consult',
        recordType: 'incident',
        recordId: incidentId,
        fields: ['tracker_contacts'],
        details: { contacts },
      })
  }

  private async consultationFacts(incidentId: string, consultationId: string) {
    const consultation = await repo.consultationFacts(this.db, consultationId)
    if (consultation?.incident_id !== incidentId)
      throw new ValidationError([
        { path: 'consultationId', message: 'That consultation is not one of this incident’s' },
      ])
    return consultation
  }

  private async victim(db: Parameters<typeof repo.victimOf>[0], incidentId: string) {
    const victim = await repo.victimOf(db, incidentId)
    if (!victim) throw new ValidationError([{ path: 'incident', message: 'This incident records no victim' }])
    return victim
  }

  /** A visit named with the contact must be one of this incident's. */
  private async visitOf(db: Parameters<typeof repo.visitFacts>[0], incidentId: string, visitId: string | null) {
    if (!visitId) return null
    const visit = await repo.visitFacts(db, visitId)
    if (visit?.incident_id !== incidentId)
      throw new ValidationError([{ path: 'visitId', message: 'That visit is not one of this incident’s' }])
    return visit
  }

  private async ownDraft(db: Parameters<typeof repo.findContact>[0], actor: Actor, incidentId: string, id: string) {
    const draft = await repo.findContact(db, id)
    if (!draft || draft.incident_id !== incidentId || draft.created_by !== actor.userId)
      throw new NotFoundError('No draft of yours with that id on this incident')
    if (draft.status !== 'draft') throw new ConflictError('That contact has already been submitted')
    return draft
  }
}
