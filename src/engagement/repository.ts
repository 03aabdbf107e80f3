import { sql } from 'kysely'
import type { Queryable } from '../db/database.ts'
import { scopeWhere } from '../access/repository.ts'
import type { ScopeFilter } from '../access/rules.ts'
import type { TrackerRecord } from './tracker.ts'

/** The name of the victim `p` (an `incident_person`), as the pages show it. */
const victimName = sql<string>`concat_ws(' ', p.first_name, p.last_name)`.as('victim_name')

/**
 * The incident's victims, in the order recorded, and what the tracker needs to know of each: whether
 * they are a repeat victim (a victim, by the same identity key, on another incident reported in the 12
 * months before this one) for the rules, and, for the form's defaults, the children on the incident.
 */
export function victimsOf(db: Queryable, incidentId: string) {
  return db
    .selectFrom('incident as i')
    .innerJoin('incident_person as p', 'p.incident_id', 'i.id')
    .select((eb) => [
      'p.id as person_id',
      'i.force_reference',
      'i.children_present',
      victimName,
      sql<number>`(select count(*)::int from incident_person c where c.incident_id = i.id and c.role = 'child')`.as(
        'children',
      ),
      eb
        .exists(
          eb
            .selectFrom('incident_person as q')
            .innerJoin('incident as o', 'o.id', 'q.incident_id')
            .select('q.id')
            .whereRef('q.person_key', '=', 'p.person_key')
            .where('q.role', '=', 'victim')
            .whereRef('q.incident_id', '<>', 'i.id')
            .whereRef('o.reported_at', '<', 'i.reported_at')
            .where(sql<boolean>`o.reported_at >= i.reported_at - interval '365 days'`),
        )
        .$castTo<boolean>()
        .as('repeat_victim'),
    ])
    .where('i.id', '=', incidentId)
    .where('p.role', '=', 'victim')
    .orderBy('p.position')
    .execute()
}

export type VictimRow = Awaited<ReturnType<typeof victimsOf>>[number]

export function findContact(db: Queryable, id: string) {
  return db.selectFrom('tracker_contact').selectAll().where('id', '=', id).executeTakeFirst()
}

/** What a visit tells the form: its kind, when its outcome was recorded, and whether an officer was on the shift. */
export function visitFacts(db: Queryable, visitId: string) {
  return db
    .selectFrom('visit as v')
    .select((eb) => [
      'v.id',
      'v.incident_id',
      'v.kind',
      'v.outcome',
      'v.outcome_at',
      'v.planned_start',
      eb
        .exists(
          eb
            .selectFrom('shift_member as m')
            .select('m.user_id')
            .whereRef('m.shift_id', '=', 'v.shift_id')
            .where('m.duty', '=', 'officer'),
        )
        .as('joint'),
    ])
    .where('v.id', '=', visitId)
    .executeTakeFirst()
}

/** What a consultation tells the form: its incident, and when the advice was given. */
export function consultationFacts(db: Queryable, consultationId: string) {
  return db
    .selectFrom('consultation')
    .select(['id', 'incident_id', 'answered_at'])
    .where('id', '=', consultationId)
    .executeTakeFirst()
}

export async function insertDraft(
  db: Queryable,
  d: {
    incidentId: string
    personId: string
    visitId: string | null
    consultationId: string | null
    draft: Record<string, unknown>
    by: string
    at: Date
  },
): Promise<string> {
  const row = await db
    .insertInto('tracker_contact')
    .values({
      incident_id: d.incidentId,
      person_id: d.personId,
      visit_id: d.visitId,
      consultation_id: d.consultationId,
      status: 'draft',
      draft: JSON.stringify(d.draft),
      created_by: d.by,
      created_at: d.at,
      updated_at: d.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/** Saves a draft's answers (and whom it is with, when given); false when it is no longer a draft. */
export async function updateDraft(
  db: Queryable,
  id: string,
  d: { draft: Record<string, unknown>; personId: string; at: Date },
): Promise<boolean> {
  const result = await db
    .updateTable('tracker_contact')
    .set({ draft: JSON.stringify(d.draft), person_id: d.personId, updated_at: d.at })
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/**
 * Fills the columns from a validated record and marks the draft submitted, with whom and from which
 * form; false when it is no longer a draft (submitted at the same moment by another request).
 */
export async function submit(
  db: Queryable,
  id: string,
  s: { record: TrackerRecord; personId: string; submissionId: string | null; at: Date },
): Promise<boolean> {
  const { record: r, at } = s
  const result = await db
    .updateTable('tracker_contact')
    .set({
      status: 'submitted',
      person_id: s.personId,
      submission_id: s.submissionId,
      draft: null,
      mode: r.mode,
      contact_at: r.contactAt,
      place: r.place,
      place_other: r.placeOther,
      idva_present: r.idvaPresent,
      officer_present: r.officerPresent,
      others_present: r.othersPresent,
      support_offered: r.supportOffered,
      support_notes: r.supportNotes,
      engaged_investigation: r.engagedInvestigation,
      engaged_investigation_reason: r.engagedInvestigationReason,
      engaged_safeguarding: r.engagedSafeguarding,
      engaged_safeguarding_reason: r.engagedSafeguardingReason,
      previous_investigation: r.previousInvestigation ?? null,
      previous_safeguarding: r.previousSafeguarding ?? null,
      children_count: r.childrenCount,
      children_needs: r.childrenNeeds,
      consent_to_share: r.consentToShare,
      share_with: r.shareWith,
      updated_at: at,
      submitted_at: at,
    })
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/** The contact submitted from a form, if one was. */
export function submittedFrom(db: Queryable, submissionId: string) {
  return db
    .selectFrom('tracker_contact')
    .select(['id', 'incident_id', 'created_by'])
    .where('submission_id', '=', submissionId)
    .executeTakeFirst()
}

/** An incident's submitted contacts, newest first, and the reader's own drafts, each with whom it is. */
export function contactsOf(db: Queryable, incidentId: string, userId: string) {
  return db
    .selectFrom('tracker_contact as c')
    .innerJoin('app_user as u', 'u.id', 'c.created_by')
    .innerJoin('incident_person as p', 'p.id', 'c.person_id')
    .selectAll('c')
    .select(['u.display_name as recorded_by', victimName])
    .where('c.incident_id', '=', incidentId)
    .where((eb) => eb.or([eb('c.status', '=', 'submitted'), eb('c.created_by', '=', userId)]))
    .orderBy('c.status')
    .orderBy('c.contact_at', 'desc')
    .orderBy('c.updated_at', 'desc')
    .execute()
}

/** A user's open drafts on incidents they may still record on, most recently saved first. */
export function draftsOf(db: Queryable, userId: string, scope: ScopeFilter) {
  return db
    .selectFrom('tracker_contact as c')
    .innerJoin('incident as i', 'i.id', 'c.incident_id')
    .innerJoin('incident_person as p', 'p.id', 'c.person_id')
    .leftJoin('visit as v', 'v.id', 'c.visit_id')
    .select(['c.id', 'c.incident_id', 'c.updated_at', 'i.force_reference', victimName, 'v.kind as visit_kind'])
    .where('c.created_by', '=', userId)
    .where('c.status', '=', 'draft')
    .where(scopeWhere(scope, 'i'))
    .orderBy('c.updated_at', 'desc')
    .execute()
}

/** A submitted contact of the incident, with who recorded it and whom it was with. */
export function submittedContact(db: Queryable, incidentId: string, contactId: string) {
  return db
    .selectFrom('tracker_contact as c')
    .innerJoin('app_user as u', 'u.id', 'c.created_by')
    .innerJoin('incident as i', 'i.id', 'c.incident_id')
    .innerJoin('incident_person as p', 'p.id', 'c.person_id')
    .selectAll('c')
    .select(['u.display_name as recorded_by', 'i.force_reference', victimName])
    .where('c.id', '=', contactId)
    .where('c.incident_id', '=', incidentId)
    .where('c.status', '=', 'submitted')
    .executeTakeFirst()
}
