import type { FieldIssue } from '../common/errors.ts'
import type { Role } from '../auth/roles.ts'
import { addDays } from '../deployment/rota/rules.ts'
import { orList } from '../common/text.ts'

/**
 * Safeguarding actions and onward referrals after the joint team's visit: what kinds there are,
 * the states each moves through, and when one is overdue. Pure functions of the facts and `now`.
 */

export const ACTION_KINDS = {
  police_alarm: 'Police alarm',
  target_hardening: 'Target hardening (house security)',
  refuge: 'Refuge or hostel accommodation',
  third_sector: 'Third-sector support (for example Women’s Aid)',
  childrens_services: "Children's services",
  cid: 'CID: further investigation',
  marac: 'MARAC referral',
  other: 'Other',
} as const
export type ActionKind = keyof typeof ACTION_KINDS

/**
 * Per kind: whether it is a referral to another service (which must then be named, e.g. "Women's
 * Aid Preston"), and how many days it is usually due in. Protection against an immediate danger
 * (an alarm, a refuge place, children's safety) is due within two days, a MARAC referral before
 * the next weekly meeting, the rest within a fortnight.
 */
export const KIND_RULES: Record<ActionKind, { referral: boolean; dueInDays: number }> = {
  police_alarm: { referral: false, dueInDays: 2 },
  target_hardening: { referral: false, dueInDays: 14 },
  refuge: { referral: true, dueInDays: 2 },
  third_sector: { referral: true, dueInDays: 14 },
  childrens_services: { referral: true, dueInDays: 2 },
  cid: { referral: true, dueInDays: 14 },
  marac: { referral: true, dueInDays: 7 },
  other: { referral: false, dueInDays: 14 },
}

export const isActionKind = (kind: string): kind is ActionKind => Object.hasOwn(ACTION_KINDS, kind)

/** The usual due date of a new action of `kind` raised `today` (UK dates). */
export const defaultDueOn = (kind: ActionKind, today: string): string => addDays(today, KIND_RULES[kind].dueInDays)

export const ACTION_STATUSES = {
  requested: 'Requested',
  accepted: 'Accepted',
  in_progress: 'In progress',
  done: 'Done',
  declined: 'Declined',
} as const
export type ActionStatus = keyof typeof ACTION_STATUSES

/** Where each status may go next; done and declined are final. */
export const NEXT_STATUSES: Record<ActionStatus, readonly ActionStatus[]> = {
  requested: ['accepted', 'in_progress', 'declined'],
  accepted: ['in_progress', 'done', 'declined'],
  in_progress: ['done', 'declined'],
  done: [],
  declined: [],
}

export const OPEN_STATUSES = ['requested', 'accepted', 'in_progress'] as const satisfies readonly ActionStatus[]

export interface StatusChange {
  from: ActionStatus
  to: ActionStatus
  reason: string | null
}

/** Problems with a status change: it must be allowed from the current status; declining needs a reason. */
export function statusChangeIssues(change: StatusChange): FieldIssue[] {
  if (change.from === change.to)
    return [{ path: 'status', message: `It is already ${ACTION_STATUSES[change.to].toLowerCase()}` }]
  if (!NEXT_STATUSES[change.from].includes(change.to)) {
    const allowed = NEXT_STATUSES[change.from].map((s) => ACTION_STATUSES[s].toLowerCase())
    return [
      {
        path: 'status',
        message: allowed.length
          ? `A ${ACTION_STATUSES[change.from].toLowerCase()} action can become ${orList(allowed)}`
          : `A ${ACTION_STATUSES[change.from].toLowerCase()} action is closed: raise a new one`,
      },
    ]
  }
  if (change.to === 'declined' && !change.reason?.trim())
    return [{ path: 'reason', message: 'Say why it was declined, for the victim’s record' }]
  return []
}

export interface DueFacts {
  status: ActionStatus
  /** The last day it is due, as a UK local date (YYYY-MM-DD). */
  dueOn: string
}

/** Open and past its due date (a UK local date, compared with today's UK date). */
export function isOverdue(action: DueFacts, today: string): boolean {
  return (OPEN_STATUSES as readonly string[]).includes(action.status) && action.dueOn < today
}

/** Problems with a new action's due date: not before today, within a year. */
export function dueDateIssues(dueOn: string, today: string): FieldIssue[] {
  if (dueOn < today) return [{ path: 'dueOn', message: 'The due date cannot be in the past' }]
  const limit = `${Number(today.slice(0, 4)) + 1}${today.slice(4)}`
  if (dueOn > limit) return [{ path: 'dueOn', message: 'Set a due date within a year' }]
  return []
}

/** Problems with a new action: its due date, and the service a referral goes to. */
export function raiseIssues(action: { kind: ActionKind; referredTo: string | null; dueOn: string }, today: string) {
  const issues = dueDateIssues(action.dueOn, today)
  if (KIND_RULES[action.kind].referral && !action.referredTo?.trim())
    issues.push({ path: 'referredTo', message: 'Enter the service it is referred to, like Women’s Aid Preston' })
  return issues
}

/**
 * Children were at the incident and no children's services referral for it is open or done: the
 * raise page suggests one (a declined referral does not count, a suggestion never blocks).
 */
export function suggestChildrensServices(
  childrenPresent: boolean,
  actions: readonly { kind: string; status: ActionStatus }[],
): boolean {
  return childrenPresent && !actions.some((a) => a.kind === 'childrens_services' && a.status !== 'declined')
}

/** What the decisions below need to know of a user. */
export interface Worker {
  userId: string
  agencyId: string
  teamIds: readonly string[]
  roles: readonly Role[]
}

export interface Ownership {
  ownerAgencyId: string
  ownerTeamId: string | null
  assigneeId: string | null
}

/**
 * Who may work an action (change its status, take it): its assignee, a member of its owning team
 * or, when an agency owns it with no team, anyone of that agency, and a detective sergeant of the
 * owning agency, who supervises its work.
 */
export function mayWork(worker: Worker, action: Ownership): boolean {
  if (action.assigneeId === worker.userId) return true
  if (worker.agencyId === action.ownerAgencyId && worker.roles.includes('detective_sergeant')) return true
  return action.ownerTeamId ? worker.teamIds.includes(action.ownerTeamId) : worker.agencyId === action.ownerAgencyId
}

/** Who may accept a hand-over: a member of the receiving team, or a detective sergeant of its agency. */
export function mayAccept(worker: Worker, handover: { toTeamId: string; teamAgencyId: string }): boolean {
  return (
    worker.teamIds.includes(handover.toTeamId) ||
    (worker.agencyId === handover.teamAgencyId && worker.roles.includes('detective_sergeant'))
  )
}

/** What the decision below needs to know of a team that might own an action or receive a hand-over. */
export interface TeamReach {
  name: string
  agencyName: string
  /** The team covers the area of the victim's incident. */
  coversArea: boolean
  /** The team's agency owns the incident, or is shared incidents by the agency that does. */
  agencyReceives: boolean
}

/**
 * Why a team's officers could not see a victim on an incident in `area`, or null when they could:
 * team scope reaches the incidents of the team's areas in agencies that own or are shared them, so
 * work given to a team beyond that would be hidden from the people meant to do it.
 */
export function teamReachIssue(team: TeamReach, area: string): string | null {
  if (!team.agencyReceives)
    return `${team.agencyName} is not shared this incident, so ${team.name} could not see this victim`
  if (!team.coversArea) return `${team.name} does not cover ${area}, so its officers could not see this victim`
  return null
}

/** A hand-over summary is what the receiving team starts from: long enough to say what was done and what is left. */
export const HANDOVER_SUMMARY_MIN = 40

/** For "my actions": overdue first, then by due date, then the newest request. */
export function compareForWorklist(
  a: DueFacts & { requestedAt: Date },
  b: DueFacts & { requestedAt: Date },
  today: string,
): number {
  return (
    Number(isOverdue(b, today)) - Number(isOverdue(a, today)) ||
    a.dueOn.localeCompare(b.dueOn) ||
    b.requestedAt.getTime() - a.requestedAt.getTime()
  )
}
