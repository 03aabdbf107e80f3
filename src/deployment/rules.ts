import { localMidnight, localParts, zonedWallTimeToInstant } from '../common/uk-time.ts'
import type { FieldIssue } from '../common/errors.ts'
import type { VisitKind, VisitOutcome } from '../db/schema.ts'
import { custodyPosition, localWhen, type CustodyFacts, type PriorityScore } from '../triage/rules.ts'
import { describeWeeklyWindows, type SafeContactFacts, type WeeklyWindow } from '../cases/rules.ts'

/**
 * The deployment rules: when a victim may be visited in a shift, what a visit's outcome means for
 * the next plan, and what a change to a plan cost. Pure functions of the facts and `now`.
 */

const MINUTE_MS = 60_000

/** A span of time in which a visit may take place, start to finish. */
export interface Interval {
  start: Date
  end: Date
}

export interface WindowFacts {
  shiftStart: Date
  shiftEnd: Date
  now: Date
  custody: CustodyFacts | null
  safeContact: SafeContactFacts | null
  /** From the last visit's outcome: not to be tried again before this. */
  notBefore: Date | null
  /** A live incident sent to the team: attend within `liveResponseMinutes` of this. */
  dispatchedAt: Date | null
}

export interface DeploymentSettings {
  /** Leave the victim this long before the suspect's expected release. */
  custodyMarginMinutes: number
  /**
   * With no expected release recorded, assume release this long after arrest (PACE's basic
   * 24-hour limit), rather than treating custody as lasting all shift.
   */
  assumedCustodyHours: number
  liveResponseMinutes: number
  visitMinutes: Record<VisitKind, number>
}

export const DEFAULT_DEPLOYMENT_SETTINGS: DeploymentSettings = {
  custodyMarginMinutes: 30,
  assumedCustodyHours: 24,
  liveResponseMinutes: 60,
  visitMinutes: { post_incident: 60, follow_up: 45, live: 90 },
}

/**
 * A visit at a discreet contact an IDVA planned at one of the victim's NHS appointments starts in
 * this many minutes before the appointment starts, so the victim is there and keeps the appointment.
 */
export const APPOINTMENT_LEAD_MINUTES = 15

/**
 * The option label of a visit at a discreet contact: all any role is told of the place, never the
 * appointment, its setting or the clinic (ADR 0006). The IDVA finds those on the victim's record.
 */
export const DISCREET_PLACE = 'a discreet place arranged by the IDVA'

/** Where a visit takes place, when it is not the victim's home or the incident's location. */
export function visitPlace(optionLabel: string): string | null {
  return optionLabel === DISCREET_PLACE ? `At ${DISCREET_PLACE}` : null
}

/** What decides who may meet a victim at a discreet contact an IDVA planned at their appointment. */
export interface DiscreetContactFacts {
  /** The health agency holding the appointment. */
  agencyId: string
  /** Victims on the incident the visit is for. */
  victims: number
}

/**
 * Whether a crew may meet a victim at a discreet contact planned at their appointment: only when
 * they are the incident's one victim (any other victim is not there), and only a crew with an IDVA
 * of the health agency holding the appointment (a trust's health data is not for another's crew).
 */
export function mayMeetAtAppointment(contact: DiscreetContactFacts, crewIdvaAgencies: readonly string[]): boolean {
  return contact.victims === 1 && crewIdvaAgencies.includes(contact.agencyId)
}

/**
 * The crews a visit may go to and the discreet contacts it may be made at. The planner limits the
 * crews of a visit, not of each place, so a contact is offered only where every crew may meet the
 * victim there; a victim with no other place to be met goes only to crews that may meet them at one.
 */
export function meetingPlaces<T extends DiscreetContactFacts>(
  crews: readonly string[],
  atHome: boolean,
  contacts: readonly T[],
  idvaAgenciesOf: (crew: string) => readonly string[],
): { crews: string[]; contacts: T[] } {
  const mayMeet = (contact: T) => crews.filter((c) => mayMeetAtAppointment(contact, idvaAgenciesOf(c)))
  const everyCrew = contacts.filter((contact) => mayMeet(contact).length === crews.length)
  if (atHome || everyCrew.length > 0) return { crews: [...crews], contacts: everyCrew }
  const some = contacts.map(mayMeet).find((c) => c.length > 0)
  if (!some) return { crews: [...crews], contacts: [] }
  return { crews: some, contacts: contacts.filter((contact) => some.every((c) => mayMeet(contact).includes(c))) }
}

export interface VisitWindows {
  /** When the visit may take place; empty when `blocked`. */
  periods: Interval[]
  /** Each rule that narrowed the periods, in words for the team. */
  constraints: string[]
  /** Why the visit cannot happen in this shift at all. */
  blocked: string | null
}

/** The weekly windows as instants over [from, to], in UK local time (right across clock changes). */
export function weeklyPeriods(windows: readonly WeeklyWindow[], from: Date, to: Date): Interval[] {
  const periods: Interval[] = []
  const first = localParts(from)
  // Walk local calendar days; a day before `from` is included so a window spanning midnight is not lost.
  for (let offset = -1; ; offset++) {
    const day = new Date(Date.UTC(first.year, first.month - 1, first.day + offset))
    const date = { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate() }
    const dayStart = localMidnight(from, offset)
    if (dayStart >= to) break
    const weekday = ((day.getUTCDay() + 6) % 7) + 1
    for (const w of windows) {
      if (w.weekday !== weekday) continue
      const at = (minute: number) => {
        const d = new Date(Date.UTC(date.year, date.month - 1, date.day, 0, minute))
        return zonedWallTimeToInstant({
          year: d.getUTCFullYear(),
          month: d.getUTCMonth() + 1,
          day: d.getUTCDate(),
          hour: d.getUTCHours(),
          minute: d.getUTCMinutes(),
        })
      }
      const start = at(w.startMinute)
      const end = at(w.endMinute)
      if (end > from && start < to) periods.push({ start: start < from ? from : start, end: end > to ? to : end })
    }
  }
  return mergePeriods(periods)
}

function mergePeriods(periods: Interval[]): Interval[] {
  const sorted = [...periods].sort((a, b) => a.start.getTime() - b.start.getTime())
  const merged: Interval[] = []
  for (const p of sorted) {
    const last = merged[merged.length - 1]
    if (last && p.start <= last.end) last.end = p.end > last.end ? p.end : last.end
    else merged.push({ ...p })
  }
  return merged
}

function intersect(periods: Interval[], from: Date, to: Date): Interval[] {
  return periods
    .map((p) => ({ start: p.start > from ? p.start : from, end: p.end < to ? p.end : to }))
    .filter((p) => p.end > p.start)
}

/**
 * When a victim may be visited in a shift. Safety first: while the suspect is in custody, the visit
 * must be over `custodyMarginMinutes` before the expected release (assumed `assumedCustodyHours`
 * after arrest when none is recorded); where the victim is safe
 * to contact only while the suspect is in custody, no custody means no visit; weekly safe-contact
 * windows bound it; a failed visit's retry time and a live incident's response time narrow it.
 */
export function visitWindows(f: WindowFacts, settings: DeploymentSettings): VisitWindows {
  const constraints: string[] = []
  // Times on the shift's own day read as '10:30'; others carry their date.
  const when = (d: Date) => localWhen(d, f.shiftStart)
  const from = f.now > f.shiftStart ? f.now : f.shiftStart
  let periods: Interval[] = from < f.shiftEnd ? [{ start: from, end: f.shiftEnd }] : []
  if (periods.length === 0) return { periods, constraints, blocked: 'The shift has ended' }

  const narrow = (next: Interval[], constraint: string, blockedBy: string): string | null => {
    constraints.push(constraint)
    periods = next
    return periods.length === 0 ? blockedBy : null
  }

  if (f.dispatchedAt) {
    // The response time bounds when the team arrives; the visit itself may run on past it. Once it
    // has passed, the team still goes, at once: a fresh response time from now.
    const due = new Date(f.dispatchedAt.getTime() + settings.liveResponseMinutes * MINUTE_MS)
    const late = due <= f.now
    const by = late ? new Date(f.now.getTime() + settings.liveResponseMinutes * MINUTE_MS) : due
    const over = new Date(by.getTime() + settings.visitMinutes.live * MINUTE_MS)
    const blocked = narrow(
      intersect(periods, late ? f.now : f.dispatchedAt, over),
      late
        ? `Live incident: response time passed at ${when(due)}; attend now, by ${when(by)}`
        : `Live incident: attend by ${when(by)}`,
      `Live incident: no time left in this shift to attend`,
    )
    if (blocked) return { periods, constraints, blocked }
  }
  if (f.notBefore && f.notBefore > from) {
    const blocked = narrow(
      intersect(periods, f.notBefore, f.shiftEnd),
      `Not before ${when(f.notBefore)} (after the last attempt)`,
      `Not to be tried again before ${when(f.notBefore)}, after this shift`,
    )
    if (blocked) return { periods, constraints, blocked }
  }

  const assumed = f.custody !== null && f.custody.expectedReleaseAt === null && f.custody.releasedAt === null
  const custody = custodyPosition(
    assumed
      ? {
          ...f.custody!,
          expectedReleaseAt: new Date(f.custody!.arrestedAt.getTime() + settings.assumedCustodyHours * 60 * MINUTE_MS),
        }
      : f.custody,
    f.now,
  )
  if (f.safeContact?.noCommonTime) {
    constraints.push('The victims’ safe-contact times have no time in common')
    return {
      periods: [],
      constraints,
      blocked: 'The victims’ safe-contact times have no time in common: arrange their visits separately',
    }
  }
  if (f.safeContact?.onlyWhileSuspectInCustody && custody.state !== 'in_custody') {
    constraints.push('Safe to contact only while the suspect is in custody')
    return {
      periods: [],
      constraints,
      blocked: 'Safe to contact only while the suspect is in custody, and they are not',
    }
  }
  if (custody.state === 'in_custody' && custody.until) {
    const leaveBy = new Date(custody.until.getTime() - settings.custodyMarginMinutes * MINUTE_MS)
    const due = assumed
      ? `release time not recorded, so assumed ${settings.assumedCustodyHours} hours after arrest, at ${when(custody.until)}`
      : `suspect due for release at ${when(custody.until)}`
    const blocked = narrow(
      intersect(periods, from, leaveBy),
      `Finish by ${when(leaveBy)}: ${due}`,
      `Suspect due for release at ${when(custody.until)}, too soon for a visit in this shift`,
    )
    if (blocked) return { periods, constraints, blocked }
  }

  if (f.safeContact && f.safeContact.windows.length > 0) {
    const safe = weeklyPeriods(f.safeContact.windows, from, f.shiftEnd)
    const next = periods.flatMap((p) => intersect(safe, p.start, p.end))
    const described = describeWeeklyWindows(f.safeContact.windows)
    const blocked = narrow(
      next,
      `Safe-contact times: ${described}`,
      `None of the victim's safe-contact times (${described}) falls in this shift`,
    )
    if (blocked) return { periods, constraints, blocked }
  }
  return { periods, constraints, blocked: null }
}

/**
 * When a visit may start so that all of it lies in one of the periods, and, for a visit at an
 * appointment, also within `within`. Sorted and disjoint, as the planner needs; never wider than
 * the periods allow.
 */
export function startWindows(periods: readonly Interval[], serviceMinutes: number, within?: Interval): Interval[] {
  return periods
    .map((p) => {
      const latest = new Date(p.end.getTime() - serviceMinutes * MINUTE_MS)
      return {
        start: within && within.start > p.start ? within.start : p.start,
        end: within && within.end < latest ? within.end : latest,
      }
    })
    .filter((w) => w.end >= w.start)
}

/** When a visit at a discreet contact at an appointment starting at `start` may start. */
export function appointmentWindow(start: Date): Interval {
  return { start: new Date(start.getTime() - APPOINTMENT_LEAD_MINUTES * MINUTE_MS), end: start }
}

export const OUTCOMES = [
  'seen',
  'not_at_home',
  'unsafe_to_engage',
  'declined',
  'rescheduled',
] as const satisfies readonly VisitOutcome[]

export const OUTCOME_LABELS: Record<VisitOutcome, string> = {
  seen: 'Seen',
  not_at_home: 'Not at home',
  unsafe_to_engage: 'Unsafe to engage',
  declined: 'Declined',
  rescheduled: 'Rescheduled',
}

/** How long before a visit that did not happen is tried again, unless a time was agreed. */
export const RETRY_AFTER_MINUTES: Record<Exclude<VisitOutcome, 'seen' | 'rescheduled'>, number> = {
  not_at_home: 120,
  unsafe_to_engage: 240,
  // Declining today is not declining for good; the team decides with the reason in front of them.
  declined: 24 * 60,
}

export const VISIT_KIND_LABELS: Record<VisitKind, string> = {
  post_incident: 'Post-incident visit',
  follow_up: 'Follow-up',
  live: 'Live incident',
}

export interface OutcomeInput {
  outcome: VisitOutcome
  notes: string | null
  followUpAfter: Date | null
}

/** Problems with an outcome as entered; a rescheduled visit needs its new time. */
export function outcomeIssues(input: OutcomeInput, now: Date): FieldIssue[] {
  const issues: FieldIssue[] = []
  if (input.outcome === 'rescheduled') {
    if (!input.followUpAfter) issues.push({ path: 'followUpAfter', message: 'Enter when the visit is rescheduled to' })
    else if (input.followUpAfter <= now)
      issues.push({ path: 'followUpAfter', message: 'The rescheduled time must be in the future' })
    else if (input.followUpAfter.getTime() - now.getTime() > 28 * 24 * 60 * MINUTE_MS)
      issues.push({ path: 'followUpAfter', message: 'Reschedule within 28 days, or hand the case to safeguarding' })
  } else if (input.followUpAfter) {
    issues.push({ path: 'followUpAfter', message: 'Only a rescheduled visit has a new time' })
  }
  if ((input.outcome === 'unsafe_to_engage' || input.outcome === 'declined') && !input.notes) {
    issues.push({
      path: 'notes',
      message: `Say why (${OUTCOME_LABELS[input.outcome].toLowerCase()}), for the next team`,
    })
  }
  return issues
}

/** When a visit with this outcome may be tried again; null once the victim has been seen. */
export function retryAfter(input: OutcomeInput, at: Date): Date | null {
  if (input.outcome === 'seen') return null
  if (input.outcome === 'rescheduled') return input.followUpAfter
  return new Date(at.getTime() + RETRY_AFTER_MINUTES[input.outcome] * MINUTE_MS)
}

/** Why the planner chose a visit: the strongest parts of its priority, then its time limits. */
export function chosenBecause(priority: PriorityScore, constraints: readonly string[]): string {
  const parts = [...priority.parts]
    .sort((a, b) => b.points - a.points)
    .slice(0, 3)
    .map((p) => p.label)
  const why = `${parts.join(', ')} (priority ${priority.total})`
  return constraints.length ? `${why}. ${constraints.join('. ')}.` : `${why}.`
}

/** A plan as the change summary compares it. */
export interface PlanSnapshot {
  score: number
  stops: { incidentId: string; reference: string; start: Date }[]
  /** Why each candidate not in the plan was left out. */
  excluded: Map<string, string>
}

export interface PlanChanges {
  scoreBefore: number | null
  scoreAfter: number
  added: { incidentId: string; reference: string }[]
  removed: { incidentId: string; reference: string; why: string }[]
  /** Stops whose start moved by at least `MOVE_THRESHOLD_MINUTES`: positive is later. */
  moved: { incidentId: string; reference: string; minutes: number }[]
}

export const MOVE_THRESHOLD_MINUTES = 5

/** What a re-plan changed: who joined, who no longer fits and why, whose time moved. */
export function planChanges(before: PlanSnapshot | null, after: PlanSnapshot): PlanChanges {
  const previous = new Map((before?.stops ?? []).map((s) => [s.incidentId, s]))
  const current = new Set(after.stops.map((s) => s.incidentId))
  const moved: PlanChanges['moved'] = []
  const added: PlanChanges['added'] = []
  for (const s of after.stops) {
    const was = previous.get(s.incidentId)
    if (!was) {
      if (before) added.push({ incidentId: s.incidentId, reference: s.reference })
      continue
    }
    const minutes = Math.round((s.start.getTime() - was.start.getTime()) / MINUTE_MS)
    if (Math.abs(minutes) >= MOVE_THRESHOLD_MINUTES)
      moved.push({ incidentId: s.incidentId, reference: s.reference, minutes })
  }
  const removed = [...previous.values()]
    .filter((s) => !current.has(s.incidentId))
    .map((s) => ({
      incidentId: s.incidentId,
      reference: s.reference,
      why: after.excluded.get(s.incidentId) ?? 'No longer a candidate',
    }))
  return { scoreBefore: before ? before.score : null, scoreAfter: after.score, added, removed, moved }
}

/** The change summary in sentences, newest plan first in the page's history. */
export function describeChanges(c: PlanChanges): string[] {
  const lines: string[] = []
  if (c.scoreBefore === null) lines.push(`Plan made: total priority ${c.scoreAfter}`)
  else {
    const delta = c.scoreAfter - c.scoreBefore
    lines.push(
      delta === 0
        ? `Total priority unchanged at ${c.scoreAfter}`
        : `Total priority ${c.scoreBefore} → ${c.scoreAfter} (${delta > 0 ? '+' : '−'}${Math.abs(delta)})`,
    )
  }
  for (const a of c.added) lines.push(`Added ${a.reference}`)
  for (const r of c.removed) lines.push(`No longer fits: ${r.reference} (${r.why})`)
  for (const m of c.moved)
    lines.push(`${m.reference} moved ${Math.abs(m.minutes)} min ${m.minutes > 0 ? 'later' : 'earlier'}`)
  return lines
}
