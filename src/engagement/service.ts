import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import type { Database, Queryable } from '../db/database.ts'
import type { Clock } from '../common/clock.ts'
import type { Actor } from '../auth/actor.ts'
import type { AccessService } from '../access/service.ts'
import { recordAudit, recordAudits } from '../audit/audit.ts'
import {
  ConflictError,
  isUniqueViolation,
  NotFoundError,
  ValidationError,
  type FieldIssue,
  fieldIssues,
} from '../common/errors.ts'
import { VISIT_KIND_LABELS } from '../deployment/rules.ts'
import { checkTracker, TRACKER_FIELDS, trackerIssues, type TrackerFacts, type TrackerRecord } from './tracker.ts'
import {
  defaultEntries,
  describeContact,
  formIssues,
  formValues,
  recordFromEntries,
  type Entries,
  type FormValues,
  type PostedEntries,
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

/** What a contact came from, named when it is first saved: each must be one of the incident's. */
export interface ContactLinks {
  visitId?: string | null
  consultationId?: string | null
}

/**
 * A contact to save or submit: whom it is with (an `incident_person` id: needed when the incident has
 * several victims), its draft (once there is one), what it came from, and the answers.
 */
type ContactInput = ContactLinks & { personId?: string | null; draftId?: string | null }

/** The outcome of checking a submission: the record to store, or every problem with it. */
type Checked = { ok: true; record: TrackerRecord } | { ok: false; issues: FieldIssue[] }

/** A victim on the incident, as the tracker page offers them. */
export interface TrackerVictim {
  /** Their `incident_person` id. */
  id: string
  name: string
  /** A victim on another incident in the 12 months before this one: asked about their engagement before. */
  repeat: boolean
}

/** The tracker page: whose contact it is, what it comes from, and the answers to show. */
export interface TrackerForm {
  incidentId: string
  reference: string
  /** Whom the contact is with; null while the IDVA is to choose among the incident's victims. */
  victim: TrackerVictim | null
  /** The incident's victims in the order recorded: the choice, when there are several. */
  victims: TrackerVictim[]
  /** The repeat victims the previous-engagement questions are for: the chosen one, or before the choice any. */
  repeatVictims: string[]
  visit: { id: string; kindLabel: string; outcomeAt: Date | null } | null
  consultation: { id: string; answeredAt: Date | null } | null
  draftId: string | null
  savedAt: Date | null
  /** This form's id: its post stores it with the contact, so posting the form again finds that contact. */
  submissionId: string
  values: FormValues
}

const SUBMITTED = 'That contact has already been submitted'

const asVictim = (v: repo.VictimRow): TrackerVictim => ({
  id: v.person_id,
  name: v.victim_name,
  repeat: v.repeat_victim,
})

/** Whom a contact is with: the victim named, else the incident's only victim; otherwise what is wrong. */
function chooseVictim(
  victims: repo.VictimRow[],
  personId: string | null | undefined,
): { victim: repo.VictimRow } | { issue: FieldIssue } {
  if (personId) {
    const victim = victims.find((v) => v.person_id === personId)
    return victim
      ? { victim }
      : { issue: { path: 'personId', message: 'That person is not a victim on this incident' } }
  }
  if (victims.length === 1) return { victim: victims[0]! }
  return { issue: { path: 'personId', message: 'Choose who the contact was with' } }
}

/** A refused record's problems where the API's body has them: under `values`. */
const inValues = (checked: Checked): Checked =>
  checked.ok
    ? checked
    : { ok: false, issues: checked.issues.map((i) => ({ ...i, path: i.path ? `values.${i.path}` : 'values' })) }

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
  async saveDraft(actor: Actor, incidentId: string, input: ContactInput & { values: unknown }): Promise<string> {
    await this.access.check(actor, 'tracker:record', 'incident', incidentId)
    const values = draftSchema.safeParse(input.values)
    if (!values.success) throw new ValidationError(fieldIssues(values.error))
    const now = this.clock.now()
    return this.db.transaction().execute(async (trx) => {
      if (input.draftId) {
        const draft = await this.ownDraft(trx, actor, incidentId, input.draftId)
        // Whom a draft is with changes only when the IDVA chooses someone else.
        const personId =
          input.personId && input.personId !== draft.person_id
            ? (await this.victim(trx, incidentId, input.personId)).person_id
            : draft.person_id
        if (!(await repo.updateDraft(trx, draft.id, { draft: values.data, personId, at: now })))
          throw new ConflictError(SUBMITTED)
        if (personId !== draft.person_id) await this.collected(trx, actor, now, { incidentId, personId, id: draft.id })
        return draft.id
      }
      const victim = await this.victim(trx, incidentId, input.personId)
      const id = await repo.insertDraft(trx, {
        incidentId,
        personId: victim.person_id,
        ...(await this.links(trx, incidentId, input)),
        draft: values.data,
        by: actor.userId,
        at: now,
      })
      await this.collected(trx, actor, now, { incidentId, personId: victim.person_id, id })
      return id
    })
  }

  /**
   * Validates and submits a contact (from a draft, or directly through the API). Every problem
   * comes back at once, at `values.<field>` as the API's body names it, and nothing is saved; a
   * submitted contact is final.
   */
  async submit(actor: Actor, incidentId: string, input: ContactInput & { values: unknown }): Promise<string> {
    await this.access.check(actor, 'tracker:record', 'incident', incidentId)
    return this.write(actor, incidentId, input, (facts) => inValues(checkTracker(input.values, facts)))
  }

  /** `submit` for a record its caller has already parsed with `trackerSchema` (the API's route). */
  async submitRecord(
    actor: Actor,
    incidentId: string,
    input: ContactInput & { record: TrackerRecord },
  ): Promise<string> {
    await this.access.check(actor, 'tracker:record', 'incident', incidentId)
    return this.write(actor, incidentId, input, (facts) => {
      const issues = trackerIssues(input.record, facts)
      return inValues(issues.length ? { ok: false, issues } : { ok: true, record: input.record })
    })
  }

  /**
   * Checks the answers against what is known of the victim now, then stores them as the contact, once:
   * a draft submitted at the same moment by another request is a conflict, as is a form's id that
   * another contact has.
   */
  private async write(
    actor: Actor,
    incidentId: string,
    input: ContactInput & { submissionId?: string | null },
    check: (facts: TrackerFacts) => Checked,
  ): Promise<string> {
    const now = this.clock.now()
    return this.db.transaction().execute(async (trx) => {
      const draft = input.draftId ? await this.ownDraft(trx, actor, incidentId, input.draftId) : null
      const chosen = chooseVictim(await this.victims(trx, incidentId), input.personId ?? draft?.person_id)
      const victim = 'victim' in chosen ? chosen.victim : null
      // Whom it was with is the first question; the answers are checked even before it is answered.
      const checked = check({ repeatVictim: victim ? victim.repeat_victim : null, now })
      if (!victim || !checked.ok)
        throw new ValidationError([...('issue' in chosen ? [chosen.issue] : []), ...(checked.ok ? [] : checked.issues)])
      const id =
        draft?.id ??
        (await repo.insertDraft(trx, {
          incidentId,
          personId: victim.person_id,
          ...(await this.links(trx, incidentId, input)),
          draft: {},
          by: actor.userId,
          at: now,
        }))
      const submitted = await repo.submit(trx, id, {
        record: checked.record,
        personId: victim.person_id,
        submissionId: input.submissionId ?? null,
        at: now,
      })
      if (!submitted) throw new ConflictError(SUBMITTED)
      await this.collected(trx, actor, now, { incidentId, personId: victim.person_id, id, submitted: true })
      return id
    })
  }

  /** The audit row of a contact's answers collected about the victim: a draft, or the submitted record. */
  private collected(
    trx: Queryable,
    actor: Actor,
    now: Date,
    c: { incidentId: string; personId: string; id: string; submitted?: boolean },
  ) {
    return recordAudit(trx, actor, now, {
      action: 'collect',
      recordType: 'incident_person',
      recordId: c.personId,
      fields: c.submitted ? TRACKER_FIELDS.map((f) => f.name) : ['tracker_contact'],
      details: { incidentId: c.incidentId, contactId: c.id, status: c.submitted ? 'submitted' : 'draft' },
    })
  }

  /** The incident's submitted contacts and the reader's own drafts, for its page. */
  async forIncident(actor: Actor, incidentId: string) {
    await this.access.check(actor, 'tracker:view', 'incident', incidentId)
    return this.contactsShown(actor, incidentId)
  }

  /**
   * The tracker form for a contact with one of the incident's victims (the one named, the draft's,
   * or the only one; with several and none named, the form asks): a new one, with defaults from the
   * visit or consultation it follows and from the incident; the author's draft; or, after a refused
   * submission, the answers as entered, with the form's id as posted. Creates nothing.
   */
  async form(
    actor: Actor,
    incidentId: string,
    from: ContactInput & { entries?: Entries; submissionId?: string | null },
  ): Promise<TrackerForm> {
    await this.access.check(actor, 'tracker:record', 'incident', incidentId)
    const draft = from.draftId ? await this.ownDraft(this.db, actor, incidentId, from.draftId) : null
    const victims = await this.victims(this.db, incidentId)
    const chosen = chooseVictim(victims, from.personId ?? draft?.person_id)
    // A link naming someone who is not a victim here leads nowhere.
    if (from.personId && 'issue' in chosen) throw new NotFoundError(chosen.issue.message)
    const victim = 'victim' in chosen ? asVictim(chosen.victim) : null
    const incident = victims[0]!
    // A draft keeps what it came from; a new contact takes it from the link that opened the form.
    const visit = await this.visitOf(this.db, incidentId, draft ? draft.visit_id : (from.visitId ?? null))
    const consultation = await this.consultationOf(
      this.db,
      incidentId,
      draft ? draft.consultation_id : (from.consultationId ?? null),
    )
    const entries =
      from.entries ??
      draft?.draft ??
      defaultEntries({
        now: this.clock.now(),
        mode: consultation ? 'consultation' : visit ? (visit.kind === 'live' ? 'live' : 'post_incident') : null,
        at: consultation ? consultation.answered_at : (visit?.outcome_at ?? null),
        atHome: visit !== null && !consultation,
        jointVisit: Boolean(visit?.joint),
        children: incident.children,
        childrenPresent: incident.children_present,
      })
    await recordAudit(this.db, actor, this.clock.now(), {
      action: 'consult',
      recordType: 'incident',
      recordId: incidentId,
      fields: ['force_reference', 'victim_name', 'children', ...(draft ? ['tracker_draft'] : [])],
      details: {
        via: 'tracker_form',
        ...(victim ? { personId: victim.id } : {}),
        ...(draft ? { draftId: draft.id } : {}),
      },
    })
    const offered = victims.map(asVictim)
    return {
      incidentId,
      reference: incident.force_reference,
      victim,
      victims: offered,
      repeatVictims: (victim ? [victim] : offered).filter((v) => v.repeat).map((v) => v.name),
      visit: visit && { id: visit.id, kindLabel: VISIT_KIND_LABELS[visit.kind], outcomeAt: visit.outcome_at },
      consultation: consultation && { id: consultation.id, answeredAt: consultation.answered_at },
      draftId: draft?.id ?? null,
      savedAt: draft?.updated_at ?? null,
      submissionId: from.submissionId ?? randomUUID(),
      values: formValues(entries),
    }
  }

  /**
   * The form again after answers were refused (`issues`), showing them as entered; a victim the
   * incident does not have is asked for again.
   */
  refusedForm(actor: Actor, incidentId: string, input: PostedEntries, issues: FieldIssue[]): Promise<TrackerForm> {
    const personId = issues.some((i) => i.path === 'personId') ? null : input.personId
    return this.form(actor, incidentId, { ...input, personId })
  }

  /**
   * Submits the answers as entered on the page. When they are refused, they are kept as the draft
   * (created or saved again) so nothing is lost, and the form comes back with every problem. A form
   * posted again (a double click, a retry) finds the contact its first post recorded (`already`).
   */
  async submitEntries(
    actor: Actor,
    incidentId: string,
    input: PostedEntries,
  ): Promise<
    { ok: true; id: string; already: boolean } | { ok: false; issues: FieldIssue[]; form: TrackerForm; kept: boolean }
  > {
    await this.access.check(actor, 'tracker:record', 'incident', incidentId)
    const before = await this.submittedFrom(actor, incidentId, input.submissionId)
    if (before) return { ok: true, id: before, already: true }
    // The form's own problems (a date that is not a date) come first at their field.
    const { values, issues } = recordFromEntries(input.entries)
    const check = (facts: TrackerFacts): Checked => {
      const checked = checkTracker(values, facts)
      if (checked.ok && !issues.length) return checked
      return { ok: false, issues: formIssues(issues, checked.ok ? [] : checked.issues) }
    }
    try {
      return { ok: true, id: await this.write(actor, incidentId, input, check), already: false }
    } catch (error) {
      // Posted twice at once: the other post has just recorded it.
      const first =
        error instanceof ConflictError || isUniqueViolation(error)
          ? await this.submittedFrom(actor, incidentId, input.submissionId)
          : null
      if (first) return { ok: true, id: first, already: true }
      if (!(error instanceof ValidationError)) throw error
      const kept = await this.keep(actor, incidentId, input)
      return {
        ok: false,
        issues: formIssues(error.issues, []),
        form: await this.refusedForm(actor, incidentId, { ...input, draftId: kept ?? input.draftId }, error.issues),
        kept: kept !== null,
      }
    }
  }

  /** The contact this author submitted from the form on this incident; null when it has not been. */
  private async submittedFrom(actor: Actor, incidentId: string, submissionId: string | null) {
    if (!submissionId) return null
    const row = await repo.submittedFrom(this.db, submissionId)
    if (!row) return null
    if (row.incident_id !== incidentId || row.created_by !== actor.userId)
      throw new ConflictError('That form has already been submitted')
    return row.id
  }

  /** The answers of a refused submission as the draft; null when they cannot be one (an answer far too long). */
  private async keep(actor: Actor, incidentId: string, input: PostedEntries) {
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
    return {
      ...describeContact(row),
      incidentId,
      reference: row.force_reference,
      personId: row.person_id,
      victimName: row.victim_name,
    }
  }

  /**
   * The incident page's tracker panel: its contacts, labelled, and the reader's own drafts; null
   * for a reader who may not see the tracker, so the page shows nothing of it.
   */
  async incidentPanel(actor: Actor, incidentId: string) {
    if (!(await this.access.permits(actor, 'tracker:view', 'incident', incidentId))) return null
    const [{ submitted, drafts }, victims] = await Promise.all([
      this.contactsShown(actor, incidentId),
      repo.victimsOf(this.db, incidentId),
    ])
    // With several victims, each contact says whom it was with, and each victim has their own link.
    const several = victims.length > 1
    return {
      incidentId,
      victims: victims.map((v) => ({ id: v.person_id, name: v.victim_name })),
      contacts: submitted.map((r) => describeContact(r, several ? r.victim_name : undefined)),
      drafts: drafts.map((d) => ({ id: d.id, updatedAt: d.updated_at, victimName: several ? d.victim_name : null })),
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

  /** The visit and consultation a new contact names, each checked to be one of the incident's. */
  private async links(db: Queryable, incidentId: string, input: ContactLinks) {
    const visit = await this.visitOf(db, incidentId, input.visitId ?? null)
    const consultation = await this.consultationOf(db, incidentId, input.consultationId ?? null)
    return { visitId: visit?.id ?? null, consultationId: consultation?.id ?? null }
  }

  /** A consultation named with the contact must be one of this incident's. */
  private async consultationOf(db: Queryable, incidentId: string, consultationId: string | null) {
    if (!consultationId) return null
    const consultation = await repo.consultationFacts(db, consultationId)
    if (consultation?.incident_id !== incidentId)
      throw new ValidationError([
        { path: 'consultationId', message: 'That consultation is not one of this incident’s' },
      ])
    return consultation
  }

  private async victims(db: Queryable, incidentId: string) {
    const victims = await repo.victimsOf(db, incidentId)
    if (!victims.length) throw new ValidationError([{ path: 'incident', message: 'This incident records no victim' }])
    return victims
  }

  /** The victim a contact is with, checked to be one of the incident's. */
  private async victim(db: Queryable, incidentId: string, personId: string | null | undefined) {
    const chosen = chooseVictim(await this.victims(db, incidentId), personId)
    if ('issue' in chosen) throw new ValidationError([chosen.issue])
    return chosen.victim
  }

  /** A visit named with the contact must be one of this incident's. */
  private async visitOf(db: Queryable, incidentId: string, visitId: string | null) {
    if (!visitId) return null
    const visit = await repo.visitFacts(db, visitId)
    if (visit?.incident_id !== incidentId)
      throw new ValidationError([{ path: 'visitId', message: 'That visit is not one of this incident’s' }])
    return visit
  }

  private async ownDraft(db: Queryable, actor: Actor, incidentId: string, id: string) {
    const draft = await repo.findContact(db, id)
    if (!draft || draft.incident_id !== incidentId || draft.created_by !== actor.userId)
      throw new NotFoundError('No draft of yours with that id on this incident')
    if (draft.status !== 'draft') throw new ConflictError(SUBMITTED)
    return draft
  }
}
