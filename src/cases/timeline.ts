import { formatLocal, formatLocalTime } from '../common/uk-time.ts'
import type { RiskLevel } from '../intake/incident-schema.ts'
import type { VisitKind, VisitOutcome, VisitStatus } from '../db/schema.ts'
import { DECISION_LABELS, DECISION_REASONS, type Decision } from '../triage/decisions.ts'
import { OUTCOME_LABELS, VISIT_KIND_LABELS } from '../deployment/rules.ts'
import { dayText } from '../deployment/rota/rules.ts'
import {
  CONSENT_ANSWERS,
  CONTACT_MODES,
  CONTACT_PLACES,
  ENGAGEMENT_ANSWERS,
  SHARE_WITH,
  SUPPORT_OFFERED,
} from '../engagement/tracker.ts'
import { ACTION_KINDS, ACTION_STATUSES } from '../safeguarding/rules.ts'
import { describeSafeContact, type WeeklyWindow } from './rules.ts'

/**
 * A victim's timeline: what happened on their case, newest first, in words. Pure: it merges the
 * rows the case page read and labels them; what the reader may see was decided before.
 */

/** Kinds of event, in the order they happen on a case when they share a time. */
export const TIMELINE_KINDS = {
  incident: 'Incidents',
  decision: 'Triage decisions',
  visit: 'Visits',
  consultation: 'Consultations',
  contact: 'Contacts (tracker)',
  action: 'Actions and referrals',
  handover: 'Hand-overs',
  safe_contact: 'Safe-contact details',
} as const
export type TimelineKind = keyof typeof TIMELINE_KINDS
export const TIMELINE_KIND_CODES = Object.keys(TIMELINE_KINDS) as TimelineKind[]

export interface TimelineItem {
  kind: TimelineKind
  at: Date
  title: string
  /** Who did it, where known. */
  by: string | null
  /** The description, one line each, as text. */
  lines: string[]
  /** The record's own page, where it has one. */
  link: { href: string; text: string } | null
  incidentId: string
  reference: string
}

// What the timeline needs of each kind of row: the repository's rows have these columns.
export interface TimelineFacts {
  incidents: {
    id: string
    force_reference: string
    reported_at: Date
    area: string
    risk_level: RiskLevel
    risk_tool: string
  }[]
  decisions: {
    incident_id: string
    decision: Decision
    reason_code: string
    reason_text: string | null
    decided_at: Date
    decided_by_name: string
  }[]
  visits: {
    incident_id: string
    kind: VisitKind
    status: VisitStatus
    planned_start: Date
    planned_end: Date
    outcome: VisitOutcome | null
    outcome_notes: string | null
    outcome_at: Date | null
    follow_up_after: Date | null
    team_name: string
    outcome_by_name: string | null
  }[]
  consultations: {
    incident_id: string
    requested_at: Date
    question: string
    requested_by_name: string
    answered_at: Date | null
    advice: string | null
    minutes_taken: number | null
    answered_by_name: string | null
  }[]
  contacts: {
    incident_id: string
    mode: string | null
    contact_at: Date | null
    place: string | null
    place_other: string | null
    support_offered: string[] | null
    engaged_investigation: string | null
    engaged_investigation_reason: string | null
    engaged_safeguarding: string | null
    engaged_safeguarding_reason: string | null
    consent_to_share: string | null
    share_with: string[] | null
    recorded_by: string
  }[]
  actionEvents: {
    action_id: string
    incident_id: string
    status: string
    note: string | null
    at: Date
    kind: string
    details: string | null
    referred_to: string | null
    due_on: string
    owner_agency_name: string
    owner_team_name: string | null
    by_name: string
  }[]
  handovers: {
    incident_id: string
    summary: string
    handed_at: Date
    accepted_at: Date | null
    accept_note: string | null
    team_name: string
    handed_by_name: string
    accepted_by_name: string | null
  }[]
  safeContacts: {
    incident_id: string
    methods: string[]
    only_while_suspect_in_custody: boolean
    windows: WeeklyWindow[]
    notes: string | null
    recorded_at: Date
    recorded_by_name: string | null
  }[]
}

const label = (labels: Record<string, string>, code: string | null) => (code ? (labels[code] ?? code) : '')
const labels = (table: Record<string, string>, codes: string[] | null) =>
  (codes ?? []).map((c) => label(table, c)).join(', ')
const answer = (code: string | null, reason: string | null) =>
  `${label(ENGAGEMENT_ANSWERS, code)}${reason ? ` (${reason})` : ''}`
/** Who owns an action: its team and agency, or the agency. */
export const ownerOf = (a: { owner_team_name: string | null; owner_agency_name: string }) =>
  a.owner_team_name ? `${a.owner_team_name} (${a.owner_agency_name})` : a.owner_agency_name

/**
 * The case's events of the `kinds` asked for, newest first, and how many of each kind there are.
 * Events at the same time keep the order a case moves in (an incident, then its decision...).
 */
export function timelineOf(
  facts: TimelineFacts,
  kinds: readonly TimelineKind[] = TIMELINE_KIND_CODES,
): { items: TimelineItem[]; counts: Record<TimelineKind, number> } {
  const refOf = new Map(facts.incidents.map((i) => [i.id, i.force_reference]))
  const items: TimelineItem[] = []
  const add = (item: Omit<TimelineItem, 'reference' | 'link'> & Partial<TimelineItem>) =>
    items.push({ reference: refOf.get(item.incidentId) ?? '', link: null, ...item })

  for (const i of facts.incidents)
    add({
      kind: 'incident',
      at: i.reported_at,
      title: `Incident ${i.force_reference} reported`,
      by: null,
      lines: [`${capitalise(i.risk_level)} risk (${i.risk_tool}), ${i.area}`],
      link: { href: `/triage/incidents/${i.id}`, text: `Open incident ${i.force_reference}` },
      incidentId: i.id,
    })
  for (const d of facts.decisions)
    add({
      kind: 'decision',
      at: d.decided_at,
      title: `Triage decision: ${DECISION_LABELS[d.decision]}`,
      by: d.decided_by_name,
      lines: [`${label(DECISION_REASONS, d.reason_code)}${d.reason_text ? `: ${d.reason_text}` : ''}`],
      incidentId: d.incident_id,
    })
  for (const v of facts.visits) {
    const planned = `${VISIT_KIND_LABELS[v.kind]} by ${v.team_name}, planned ${formatLocal(v.planned_start)}–${formatLocalTime(v.planned_end)}`
    if (v.status === 'completed' && v.outcome)
      add({
        kind: 'visit',
        at: v.outcome_at!,
        title: `Visit: ${OUTCOME_LABELS[v.outcome]}`,
        by: v.outcome_by_name,
        lines: [
          planned,
          ...(v.outcome_notes ? [v.outcome_notes] : []),
          ...(v.follow_up_after && v.outcome !== 'seen' ? [`To try again from ${formatLocal(v.follow_up_after)}`] : []),
        ],
        incidentId: v.incident_id,
      })
    else
      add({
        kind: 'visit',
        // A visit still to come sits at its planned time: the top of the timeline, what happens next.
        at: v.status === 'lapsed' ? v.planned_end : v.planned_start,
        title: v.status === 'lapsed' ? 'Visit not made: the shift ended' : 'Visit planned',
        by: null,
        lines: [planned],
        incidentId: v.incident_id,
      })
  }
  for (const c of facts.consultations)
    add({
      kind: 'consultation',
      at: c.requested_at,
      title: c.answered_at ? 'Consultation: advice given' : 'Consultation: waiting for an IDVA',
      by: c.requested_by_name,
      lines: [
        `Asked: ${c.question}`,
        ...(c.answered_at ? [`${c.answered_by_name ?? 'An IDVA'} advised (${c.minutes_taken} min): ${c.advice}`] : []),
      ],
      incidentId: c.incident_id,
    })
  for (const c of facts.contacts)
    add({
      kind: 'contact',
      at: c.contact_at!,
      title: `Contact: ${label(CONTACT_MODES, c.mode)}`,
      by: c.recorded_by,
      lines: [
        `Where: ${label(CONTACT_PLACES, c.place)}${c.place_other ? ` (${c.place_other})` : ''}`,
        `Support offered: ${labels(SUPPORT_OFFERED, c.support_offered)}`,
        `Engaged with the investigation: ${answer(c.engaged_investigation, c.engaged_investigation_reason)}`,
        `Engaged with safeguarding advice: ${answer(c.engaged_safeguarding, c.engaged_safeguarding_reason)}`,
        `Consent to share: ${label(CONSENT_ANSWERS, c.consent_to_share)}${c.share_with?.length ? ` (${labels(SHARE_WITH, c.share_with)})` : ''}`,
      ],
      incidentId: c.incident_id,
    })
  const seen = new Set<string>()
  for (const e of facts.actionEvents) {
    const first = !seen.has(e.action_id)
    seen.add(e.action_id)
    add({
      kind: 'action',
      at: e.at,
      title: `${label(ACTION_KINDS, e.kind)}: ${label(ACTION_STATUSES, e.status).toLowerCase()}`,
      by: e.by_name,
      lines: first
        ? [
            ...(e.referred_to ? [`Referred to ${e.referred_to}`] : []),
            ...(e.details ? [e.details] : []),
            `Owner: ${ownerOf(e)}; due ${dayText(e.due_on)}`,
            ...(e.note ? [e.note] : []),
          ]
        : e.note
          ? [e.note]
          : [],
      link: { href: `/actions/${e.action_id}`, text: 'Open the action' },
      incidentId: e.incident_id,
    })
  }
  for (const h of facts.handovers) {
    add({
      kind: 'handover',
      at: h.handed_at,
      title: `Handed over to ${h.team_name}`,
      by: h.handed_by_name,
      lines: [h.summary],
      incidentId: h.incident_id,
    })
    if (h.accepted_at)
      add({
        kind: 'handover',
        at: h.accepted_at,
        title: `Hand-over accepted by ${h.team_name}`,
        by: h.accepted_by_name,
        lines: h.accept_note ? [h.accept_note] : [],
        incidentId: h.incident_id,
      })
  }
  for (const s of facts.safeContacts)
    add({
      kind: 'safe_contact',
      at: s.recorded_at,
      title: 'Safe-contact details recorded',
      by: s.recorded_by_name,
      lines: [
        describeSafeContact({
          methods: s.methods,
          onlyWhileSuspectInCustody: s.only_while_suspect_in_custody,
          windows: s.windows,
          notes: s.notes,
        }),
      ],
      incidentId: s.incident_id,
    })

  const counts = Object.fromEntries(TIMELINE_KIND_CODES.map((k) => [k, 0])) as Record<TimelineKind, number>
  for (const i of items) counts[i.kind]++
  // The index breaks ties within a kind: each source list is in the order it happened.
  const rank = (k: TimelineKind) => TIMELINE_KIND_CODES.indexOf(k)
  const wanted = new Set(kinds)
  const shown = items
    .map((item, index) => ({ item, index }))
    .filter(({ item }) => wanted.has(item.kind))
    .sort(
      (a, b) => b.item.at.getTime() - a.item.at.getTime() || rank(b.item.kind) - rank(a.item.kind) || b.index - a.index,
    )
    .map(({ item }) => item)
  return { items: shown, counts }
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)
