import { z } from 'zod'
import type { FieldIssue } from '../common/errors.ts'
import type { WeeklyWindow } from '../db/schema.ts'
import { orList } from '../common/text.ts'

/**
 * Safe-contact details for a victim: how it is safe to contact them (text only, through a named
 * professional) and when (weekly windows in UK local time, only while the suspect is in custody),
 * described in one line for every page that offers a contact action, and combined for a visit
 * to several victims. Pure functions of the details.
 */

export type { WeeklyWindow }

/** How it is safe to make contact. Codes are stored: add codes, never rename one. */
export const CONTACT_METHODS = {
  text: 'Text message',
  phone: 'Phone call',
  in_person: 'In person',
  email: 'E-mail',
  professional: 'Through a named professional',
  trusted_person: 'Through a trusted friend or relative',
} as const
export type ContactMethod = keyof typeof CONTACT_METHODS
const METHOD_CODES = Object.keys(CONTACT_METHODS) as [ContactMethod, ...ContactMethod[]]
/** Methods that go through someone, who must be named in the notes. */
const THROUGH_SOMEONE: readonly ContactMethod[] = ['professional', 'trusted_person']

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const
const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']

export const weeklyWindowSchema = z
  .strictObject({
    weekday: z.number().int().min(1).max(7),
    startMinute: z.number().int().min(0).max(1439),
    endMinute: z.number().int().min(1).max(1440),
  })
  .refine((w) => w.endMinute > w.startMinute, { error: 'A safe-contact window must end after it starts' })

/** Weekly windows a victim's details may hold: three a day, more than anyone needs, and what the form shows. */
export const MAX_WINDOWS = 21

export const safeContactSchema = z.strictObject({
  methods: z
    .array(z.enum(METHOD_CODES, { error: 'Choose how to make contact from the list' }))
    .max(METHOD_CODES.length)
    .default([])
    .transform((v) => [...new Set(v)]),
  onlyWhileSuspectInCustody: z.boolean(),
  // Nullable as well as optional, so parsed details parse again unchanged (the API's route parses first).
  notes: z
    .string()
    .trim()
    .max(1000, 'The notes must be 1,000 characters or fewer')
    .nullish()
    .transform((v) => v || null),
  windows: z.array(weeklyWindowSchema).max(MAX_WINDOWS, `Record at most ${MAX_WINDOWS} weekly windows`),
  /** The recorder has checked with the agency holding newer details they cannot see, and these replace them. */
  replacesNewer: z.boolean().optional(),
})
export type SafeContactInput = z.input<typeof safeContactSchema>

/** Details as recorded for a victim. */
export interface SafeContactDetails {
  methods: readonly string[]
  onlyWhileSuspectInCustody: boolean
  windows: readonly WeeklyWindow[]
  notes: string | null
}

/** The rules between fields: contact through someone names them. */
export function safeContactIssues(d: SafeContactDetails): FieldIssue[] {
  const through = d.methods.filter((m) => (THROUGH_SOMEONE as readonly string[]).includes(m))
  if (through.length && !d.notes)
    return [
      {
        path: 'notes',
        message: `Name who to contact ${through.map((m) => methodLabel(m).toLowerCase()).join(' or ')}`,
      },
    ]
  return []
}

const pad = (n: number) => String(n).padStart(2, '0')

/** Minutes from midnight as '10:00' ('24:00' for the end of a day). */
export const clockText = (minute: number) => `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`

/** '10:00' as minutes from midnight, '24:00' allowed as an end; null when it is not a time. */
export function minuteOfClock(value: string | undefined): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec((value ?? '').trim())
  if (!m) return null
  const minutes = Number(m[1]) * 60 + Number(m[2])
  return Number(m[2]) < 60 && minutes <= 1440 ? minutes : null
}

/** Days as ranges of consecutive weekdays: [1, 2, 3, 5] as 'Mon–Wed, Fri'. */
function dayRanges(days: number[]): string {
  const ranges: [number, number][] = []
  for (const d of [...new Set(days)].sort((a, b) => a - b)) {
    const last = ranges[ranges.length - 1]
    if (last && d === last[1] + 1) last[1] = d
    else ranges.push([d, d])
  }
  return ranges.map(([a, b]) => (a === b ? DAY_NAMES[a - 1] : `${DAY_NAMES[a - 1]}–${DAY_NAMES[b - 1]}`)).join(', ')
}

/** 'Mon–Fri 10:00–12:00, Sat 14:00–16:00': days with the same times together, in week order. */
export function describeWeeklyWindows(windows: readonly WeeklyWindow[]): string {
  const byTimes = new Map<string, { first: number; start: number; days: number[] }>()
  for (const w of [...windows].sort((a, b) => a.weekday - b.weekday || a.startMinute - b.startMinute)) {
    const key = `${w.startMinute}-${w.endMinute}`
    const group = byTimes.get(key) ?? { first: w.weekday, start: w.startMinute, days: [] }
    group.days.push(w.weekday)
    byTimes.set(key, group)
  }
  return [...byTimes.entries()]
    .sort(([, a], [, b]) => a.first - b.first || a.start - b.start)
    .map(([key, g]) => {
      const [start, end] = key.split('-').map(Number)
      return `${dayRanges(g.days)} ${clockText(start!)}–${clockText(end!)}`
    })
    .join(', ')
}

const methodLabel = (code: string) => CONTACT_METHODS[code as ContactMethod] ?? code

/**
 * The details in one line, how then when, then the notes: 'Text message only; Mon–Fri
 * 10:00–12:00. Never when he is home'. What a crew or an officer must read before making contact.
 */
export function describeSafeContact(d: SafeContactDetails | null): string {
  if (!d) return 'Not recorded'
  const how = d.methods.length
    ? `${orList(d.methods.map((m, i) => (i === 0 ? methodLabel(m) : methodLabel(m).toLowerCase())))} only`
    : 'Any way'
  const when = [
    ...(d.onlyWhileSuspectInCustody ? ['only while the suspect is in custody'] : []),
    ...(d.windows.length ? [describeWeeklyWindows(d.windows)] : []),
  ]
  const line = `${how}; ${when.length ? when.join(', ') : 'any time'}`
  return d.notes ? `${line}. ${d.notes}` : line
}

/** What pages show of a victim's current details: the partial `cases/views/_safe-contact.njk` reads it. */
export interface SafeContactView {
  recorded: boolean
  /** The one-line description every page shows. */
  line: string
  /** Codes of CONTACT_METHODS. */
  methods: string[]
  onlyWhileSuspectInCustody: boolean
  windows: WeeklyWindow[]
  notes: string | null
  recordedAt: Date | null
  recordedBy: string | null
  /** Newer details exist on an incident the reader cannot open: whose they are, and when. */
  newerElsewhere: { agency: string; recordedAt: Date } | null
}

export function safeContactView(
  d: (SafeContactDetails & { recordedAt: Date; recordedBy: string | null }) | null,
  newerElsewhere: SafeContactView['newerElsewhere'] = null,
): SafeContactView {
  return {
    newerElsewhere,
    recorded: d !== null,
    line: describeSafeContact(d),
    methods: [...(d?.methods ?? [])],
    onlyWhileSuspectInCustody: d?.onlyWhileSuspectInCustody ?? false,
    windows: [...(d?.windows ?? [])],
    notes: d?.notes ?? null,
    recordedAt: d?.recordedAt ?? null,
    recordedBy: d?.recordedBy ?? null,
  }
}

/** What the planner needs of the details of everyone a visit is to. */
export interface SafeContactFacts {
  onlyWhileSuspectInCustody: boolean
  /** Weekly windows safe for everyone; empty: any time (unless `noCommonTime`). */
  windows: WeeklyWindow[]
  /** Several victims whose windows share no time: no time is safe for all of them. */
  noCommonTime?: boolean
}

/** Each weekday's windows merged where they overlap or touch, in week order. */
function normalise(windows: readonly WeeklyWindow[]): WeeklyWindow[] {
  const out: WeeklyWindow[] = []
  for (const w of [...windows].sort((a, b) => a.weekday - b.weekday || a.startMinute - b.startMinute)) {
    const last = out[out.length - 1]
    if (last && last.weekday === w.weekday && w.startMinute <= last.endMinute)
      last.endMinute = Math.max(last.endMinute, w.endMinute)
    else out.push({ ...w })
  }
  return out
}

/** The times in both sets of weekly windows. */
export function intersectWeeklyWindows(a: readonly WeeklyWindow[], b: readonly WeeklyWindow[]): WeeklyWindow[] {
  const out: WeeklyWindow[] = []
  const right = normalise(b)
  for (const x of normalise(a))
    for (const y of right) {
      if (x.weekday !== y.weekday) continue
      const startMinute = Math.max(x.startMinute, y.startMinute)
      const endMinute = Math.min(x.endMinute, y.endMinute)
      if (endMinute > startMinute) out.push({ weekday: x.weekday, startMinute, endMinute })
    }
  return out
}

/**
 * One visit to several victims: safe only when it is safe for each of them. Windows intersect
 * (a victim without windows may be contacted any time), and one victim safe only while the
 * suspect is in custody makes it so for the visit. Null when none has details.
 */
export function combineSafeContacts(details: readonly (SafeContactDetails | null)[]): SafeContactFacts | null {
  const recorded = details.filter((d): d is SafeContactDetails => d !== null)
  if (recorded.length === 0) return null
  const bounded = recorded.filter((d) => d.windows.length > 0)
  const windows = bounded.length
    ? bounded.slice(1).reduce((acc, d) => intersectWeeklyWindows(acc, d.windows), normalise(bounded[0]!.windows))
    : []
  return {
    onlyWhileSuspectInCustody: recorded.some((d) => d.onlyWhileSuspectInCustody),
    windows,
    ...(bounded.length > 0 && windows.length === 0 ? { noCommonTime: true } : {}),
  }
}

/** The details of a row read with its recorder's name; null for a victim with none recorded. */
export function recordedDetails(r: {
  methods: string[] | null
  only_while_suspect_in_custody: boolean | null
  windows: WeeklyWindow[] | null
  notes: string | null
  recorded_at: Date | null
  recorded_by_name: string | null
}): (SafeContactDetails & { recordedAt: Date; recordedBy: string | null }) | null {
  if (!r.recorded_at) return null
  return {
    methods: r.methods ?? [],
    onlyWhileSuspectInCustody: r.only_while_suspect_in_custody ?? false,
    windows: r.windows ?? [],
    notes: r.notes,
    recordedAt: r.recorded_at,
    recordedBy: r.recorded_by_name,
  }
}

/** A victim on an incident with their current details, as pages list them. */
export interface VictimSafeContact {
  victimId: string
  victimName: string
  safeContact: SafeContactView
}

export function victimSafeContact(
  r: Parameters<typeof recordedDetails>[0] & {
    victim_id: string
    victim_name: string
    safe_contact_id: string | null
    newest_id: string | null
    newest_at: Date | null
    newest_agency: string | null
  },
): VictimSafeContact {
  const newer =
    r.newest_id && r.newest_id !== r.safe_contact_id
      ? { agency: r.newest_agency ?? '', recordedAt: r.newest_at! }
      : null
  return { victimId: r.victim_id, victimName: r.victim_name, safeContact: safeContactView(recordedDetails(r), newer) }
}

const YEAR_MS = 365 * 24 * 3_600_000

/** Incidents reported in the 365 days up to `now`: a repeat victim has more than one. */
export function incidentsInLastYear(reportedAt: readonly Date[], now: Date): number {
  return reportedAt.filter((d) => d <= now && now.getTime() - d.getTime() <= YEAR_MS).length
}
