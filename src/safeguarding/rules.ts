import type { FieldIssue } from '../common/errors.ts'

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

const orList = (items: string[]) =>
  items.length > 1 ? `${items.slice(0, -1).join(', ')} or ${items.at(-1)}` : (items[0] ?? '')

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
