import type { Selectable } from 'kysely'
import { z } from 'zod'
import type { TrackerContactTable } from '../db/schema.ts'
import type { FieldIssue } from '../common/errors.ts'
import { formatLocal, formatLocalTime, localParts } from '../common/uk-time.ts'
import { field, fields, form, formDateTime, formField, formText, type FormBody } from '../server/forms.ts'
import {
  CONSENT_ANSWERS,
  CONTACT_MODES,
  CONTACT_PLACES,
  ENGAGEMENT_ANSWERS,
  PREVIOUS_ANSWERS,
  SHARE_WITH,
  SUPPORT_OFFERED,
  TRACKER_FIELDS,
  type ContactMode,
  type TrackerFieldName,
} from './tracker.ts'

/**
 * The tracker page's form. A draft holds the answers as entered, under the tracker's field names:
 * the date and time as its four inputs (so a half-typed date survives), yes and no as 'yes' and
 * 'no', numbers as typed. The page's script autosaves the same shape through the API; a draft an
 * API client saved in the record's own shape (booleans, numbers, an ISO date) shows on the form too.
 */

type Entry = string | number | boolean | null | string[]
export type Entries = Partial<Record<TrackerFieldName, Entry>>

const DATE_PARTS = ['day', 'month', 'year'] as const

const optionalId = z
  .union([z.literal(''), z.uuid()])
  .optional()
  .transform((v) => v || null)
// Longer than any field allows, so an over-long answer comes back with the field's own message.
const answer = z.string().max(20_000).optional()
/**
 * The page's form post: the tracker's fields as inputs; which victim, draft, visit and consultation it
 * belongs to; and the id the page was given for it, so a second post of the same form is recognised.
 */
const trackerForm = form({
  personId: optionalId,
  draftId: optionalId,
  visitId: optionalId,
  consultationId: optionalId,
  submissionId: optionalId,
  ...Object.fromEntries(
    TRACKER_FIELDS.map((f) => [f.name, f.type === 'codes' ? fields : f.type === 'text' ? answer : field]),
  ),
  'contactAt-day': field,
  'contactAt-month': field,
  'contactAt-year': field,
  contactAtTime: field,
})

/** A form post: whom and what it belongs to, the form's id, and what it entered as a draft's entries. */
export interface PostedEntries {
  personId: string | null
  draftId: string | null
  visitId: string | null
  consultationId: string | null
  submissionId: string | null
  entries: Entries
}

export function postedEntries(body: unknown): PostedEntries {
  const { personId, draftId, visitId, consultationId, submissionId, ...posted } = trackerForm.parse(body ?? {})
  return { personId, draftId, visitId, consultationId, submissionId, entries: entriesFromForm(posted as FormBody) }
}

function entriesFromForm(body: FormBody): Entries {
  const entries: Entries = {}
  for (const f of TRACKER_FIELDS) {
    if (f.name === 'contactAt')
      entries.contactAt = [...DATE_PARTS.map((p) => formText(body, `contactAt-${p}`)), formText(body, 'contactAtTime')]
    else if (f.type === 'codes') entries[f.name] = [body[f.name] ?? []].flat()
    else if (f.type === 'code' || f.type === 'boolean') entries[f.name] = formText(body, f.name) || null
    else entries[f.name] = formText(body, f.name)
  }
  return entries
}

/** One entry as the form's text: an API draft's boolean as 'yes' or 'no', a number as typed. */
function textOf(v: unknown): string {
  if (typeof v === 'boolean') return v ? 'yes' : 'no'
  if (typeof v === 'number') return String(v)
  return typeof v === 'string' ? v : ''
}

/** The contact's date and time inputs; an API draft's ISO date as the UK local date and time. */
function contactParts(entry: unknown) {
  if (typeof entry === 'string' && !Number.isNaN(Date.parse(entry))) return wallParts(new Date(entry))
  const [day = '', month = '', year = '', time = ''] = Array.isArray(entry) ? entry.map(textOf) : []
  return { day, month, year, time }
}

function wallParts(at: Date) {
  const { day, month, year } = localParts(at)
  return { day: String(day), month: String(month), year: String(year), time: formatLocalTime(at) }
}

/** The contact's date and time inputs as an instant (UK local time), or the problem with them. */
function contactInstant(entry: unknown) {
  const { day, month, year, time } = contactParts(entry)
  const body = { 'contactAt-day': day, 'contactAt-month': month, 'contactAt-year': year, contactAtTime: time }
  return formDateTime(body, 'contactAt', 'contactAtTime', 'the contact')
}

/**
 * A draft's entries as the input `trackerSchema` checks, with the problems only the form can have
 * (a date that is not a date). Blank answers are left out, so each gets its field's own message.
 */
export function recordFromEntries(entries: Entries): { values: Record<string, unknown>; issues: FieldIssue[] } {
  const values: Record<string, unknown> = {}
  const issues: FieldIssue[] = []
  for (const f of TRACKER_FIELDS) {
    const entry = entries[f.name]
    const text = textOf(entry).trim()
    if (f.name === 'contactAt') {
      const at = contactInstant(entry)
      if (at.issue) issues.push(at.issue)
      values.contactAt = at.value?.toISOString()
    } else if (f.type === 'codes') values[f.name] = Array.isArray(entry) ? entry : []
    else if (f.type === 'boolean') values[f.name] = text === 'yes' ? true : text === 'no' ? false : undefined
    else if (f.type === 'integer') values[f.name] = text === '' ? undefined : Number(text)
    else values[f.name] = text || undefined
  }
  return { values, issues }
}

/**
 * Problems at the form's fields (`supportOffered.0` is at `supportOffered`), one per field, in form
 * order: whom the contact was with is the first question.
 */
export function formIssues(first: FieldIssue[], then: FieldIssue[]): FieldIssue[] {
  const order = (path: string) => {
    const i = TRACKER_FIELDS.findIndex((f) => f.name === path)
    return path === 'personId' ? -1 : i < 0 ? TRACKER_FIELDS.length : i
  }
  const seen = new Set<string>()
  const out: FieldIssue[] = []
  for (const issue of [...first, ...then]) {
    const path = formField(issue.path)
    if (seen.has(path)) continue
    seen.add(path)
    out.push({ path, message: issue.message })
  }
  return out.sort((a, b) => order(a.path) - order(b.path))
}

/** The form's inputs, each as text (or the ticked codes), from a draft's entries. */
export interface FormValues extends Record<
  Exclude<TrackerFieldName, 'contactAt' | 'supportOffered' | 'shareWith'>,
  string
> {
  contactAt: { day: string; month: string; year: string; time: string }
  supportOffered: string[]
  shareWith: string[]
}

export function formValues(entries: Record<string, unknown>): FormValues {
  const codes = (entry: unknown) => (Array.isArray(entry) ? entry.map(textOf) : [])
  const texts = Object.fromEntries(TRACKER_FIELDS.map((f) => [f.name, textOf(entries[f.name])])) as Record<
    TrackerFieldName,
    string
  >
  return {
    ...texts,
    contactAt: contactParts(entries.contactAt),
    supportOffered: codes(entries.supportOffered),
    shareWith: codes(entries.shareWith),
  }
}

/** What the form starts from for a new contact: what the visit, consultation and incident already say. */
export function defaultEntries(facts: {
  now: Date
  mode: ContactMode | null
  at: Date | null
  atHome: boolean
  jointVisit: boolean
  children: number
  childrenPresent: boolean
}): Entries {
  const { day, month, year, time } = wallParts(facts.at ?? facts.now)
  return {
    mode: facts.mode,
    contactAt: [day, month, year, time],
    place: facts.atHome ? 'home' : null,
    idvaPresent: facts.mode === 'consultation' ? null : 'yes',
    officerPresent: facts.jointVisit ? 'yes' : null,
    supportOffered: [],
    // Children seen at the incident but not recorded by name: the IDVA asks how many.
    childrenCount: facts.children > 0 ? String(facts.children) : facts.childrenPresent ? '' : '0',
    shareWith: [],
  }
}

const YES_NO = { yes: 'Yes', no: 'No' }
const LABELS = Object.fromEntries(TRACKER_FIELDS.map((f) => [f.name, f.label])) as Record<TrackerFieldName, string>

/** Radio and checkbox items from a code table, ticked as the form's values say. */
const items = (table: Record<string, string>, chosen: string | string[]) =>
  Object.entries(table).map(([value, text]) => ({
    value,
    text,
    checked: Array.isArray(chosen) ? chosen.includes(value) : chosen === value,
  }))

/** Everything the form's template shows but the form itself: labels, choices and the script's field list. */
export function formChoices(v: FormValues) {
  return {
    labels: LABELS,
    fieldNames: TRACKER_FIELDS.map((f) => f.name).join(','),
    items: {
      mode: items(CONTACT_MODES, v.mode),
      place: items(CONTACT_PLACES, v.place),
      idvaPresent: items(YES_NO, v.idvaPresent),
      officerPresent: items(YES_NO, v.officerPresent),
      supportOffered: items(SUPPORT_OFFERED, v.supportOffered),
      engagedInvestigation: items(ENGAGEMENT_ANSWERS, v.engagedInvestigation),
      engagedSafeguarding: items(ENGAGEMENT_ANSWERS, v.engagedSafeguarding),
      previousInvestigation: items(PREVIOUS_ANSWERS, v.previousInvestigation),
      previousSafeguarding: items(PREVIOUS_ANSWERS, v.previousSafeguarding),
      consentToShare: items(CONSENT_ANSWERS, v.consentToShare),
      shareWith: items(SHARE_WITH, v.shareWith),
    },
  }
}

/** A submitted contact's columns, and who recorded it. */
export type ContactRow = Selectable<TrackerContactTable> & { recorded_by: string }

const labelOf = (table: Record<string, string>, code: string | null) => (code ? (table[code] ?? code) : '')
const withDetail = (text: string, detail: string | null) => (detail ? `${text}: ${detail}` : text)

/**
 * A submitted contact as the pages show it: a title (naming the victim when given, for an incident with
 * several), and rows of labelled answers for a summary list.
 */
export function describeContact(c: ContactRow, victimName?: string) {
  const attended = [c.idva_present && 'Health IDVA', c.officer_present && 'Police officer', c.others_present]
  const row = (key: string, text: string) => ({ key: { text: key }, value: { text } })
  const rows = [
    row(LABELS.mode, labelOf(CONTACT_MODES, c.mode)),
    row(LABELS.contactAt, c.contact_at ? formatLocal(c.contact_at) : ''),
    row(LABELS.place, withDetail(labelOf(CONTACT_PLACES, c.place), c.place_other)),
    row('Who attended', attended.filter(Boolean).join(', ') || 'Not recorded'),
    row(LABELS.supportOffered, (c.support_offered ?? []).map((s) => labelOf(SUPPORT_OFFERED, s)).join(', ')),
    ...(c.support_notes ? [row(LABELS.supportNotes, c.support_notes)] : []),
    row(
      LABELS.engagedInvestigation,
      withDetail(labelOf(ENGAGEMENT_ANSWERS, c.engaged_investigation), c.engaged_investigation_reason),
    ),
    row(
      LABELS.engagedSafeguarding,
      withDetail(labelOf(ENGAGEMENT_ANSWERS, c.engaged_safeguarding), c.engaged_safeguarding_reason),
    ),
    ...(c.previous_investigation
      ? [row(LABELS.previousInvestigation, labelOf(PREVIOUS_ANSWERS, c.previous_investigation))]
      : []),
    ...(c.previous_safeguarding
      ? [row(LABELS.previousSafeguarding, labelOf(PREVIOUS_ANSWERS, c.previous_safeguarding))]
      : []),
    row(LABELS.childrenCount, withDetail(String(c.children_count ?? ''), c.children_needs)),
    row(
      LABELS.consentToShare,
      withDetail(
        labelOf(CONSENT_ANSWERS, c.consent_to_share),
        (c.share_with ?? []).map((s) => labelOf(SHARE_WITH, s)).join(', ') || null,
      ),
    ),
  ]
  return {
    id: c.id,
    contactAt: c.contact_at,
    title: `${labelOf(CONTACT_MODES, c.mode)}${victimName ? ` with ${victimName}` : ''}, recorded by ${c.recorded_by}`,
    rows,
  }
}
