import type { FieldIssue } from '../../common/errors.ts'
import { formatLocalTime } from '../../common/uk-time.ts'
import { dateFields, formDate, formText as text, type FormBody } from '../../server/forms.ts'
import { addDays, SHIFT_PATTERNS, ukDate, ukInstant } from './rules.ts'
import type { ShiftRecord } from './repository.ts'

/**
 * The rota's forms, converted to the API's inputs so pages and API share one validation. Dates
 * come as GOV.UK date inputs (day, month, year) and times as 24-hour text, in UK local time.
 * Issues found here are keyed by form field; `formIssues` maps the service's issues back to them.
 */

/** '7:00', '07:00' or '0700' as '07:00'; null when it is not a 24-hour time. */
export function parseTime(input: string): string | null {
  const match = /^([01]?\d|2[0-3]):?([0-5]\d)$/.exec(input.trim())
  return match ? `${match[1]!.padStart(2, '0')}:${match[2]}` : null
}

// Shifts

/**
 * A form as an API input. When the form itself has issues, the candidate is left invalid in the
 * fields they cover, so the service refuses it and nothing is saved; `covered` are those fields,
 * whose service issues would only repeat the form's.
 */
export interface FormInput {
  candidate: Record<string, unknown>
  issues: FieldIssue[]
  covered: string[]
}

/** The form's own issues, then the service's on the form's fields. */
export function formIssues(form: FormInput, service: FieldIssue[], toForm: (path: string) => string = (p) => p) {
  return [
    ...form.issues,
    ...service.filter((i) => !form.covered.includes(i.path)).map((i) => ({ ...i, path: toForm(i.path) })),
  ]
}

/**
 * A shift form: a day, a pattern (early, late, or other times) and, for other times, a start and
 * end. An end earlier than the start is on the next day (a night shift); the same time is refused
 * by the rules as a shift that does not end after it starts.
 */
export function shiftFormToInput(body: FormBody, withTeam: boolean): FormInput {
  const issues: FieldIssue[] = []
  const day = formDate(body, 'date', 'the date of the shift', true)
  if (day.issue) issues.push(day.issue)
  const pattern = text(body, 'pattern')
  const preset = SHIFT_PATTERNS.find((p) => p.id === pattern)
  let start: string | null = preset?.start ?? null
  let end: string | null = preset?.end ?? null
  if (!preset) {
    if (pattern !== 'other') issues.push({ path: 'pattern', message: 'Choose the shift: early, late or other times' })
    else {
      start = parseTime(text(body, 'startTime'))
      end = parseTime(text(body, 'endTime'))
      if (!start) issues.push({ path: 'startTime', message: 'Enter the start time in 24-hour format, like 07:00' })
      if (!end) issues.push({ path: 'endTime', message: 'Enter the end time in 24-hour format, like 15:00' })
    }
  }
  const vehicleId = text(body, 'vehicleId')
  const candidate: Record<string, unknown> = {
    ...(withTeam ? { teamId: text(body, 'teamId') } : {}),
    baseId: text(body, 'baseId'),
    vehicleId: vehicleId || null,
  }
  if (day.value && start && end) {
    candidate.startsAt = ukInstant(day.value, start).toISOString()
    candidate.endsAt = ukInstant(end < start ? addDays(day.value, 1) : day.value, end).toISOString()
  }
  return { candidate, issues, covered: issues.length ? ['startsAt', 'endsAt'] : [] }
}

/** Where a service issue about a shift belongs on the form. */
export function shiftFormPath(path: string, body: FormBody): string {
  if (path === 'startsAt') return 'date'
  if (path === 'endsAt') return text(body, 'pattern') === 'other' ? 'endTime' : 'pattern'
  return path
}

/** A shift's values for its edit form. */
export function shiftFormValues(shift: ShiftRecord): Record<string, string> {
  const start = formatLocalTime(shift.startsAt)
  const end = formatLocalTime(shift.endsAt)
  const sameDay = ukDate(shift.startsAt) === ukDate(shift.endsAt)
  const preset = SHIFT_PATTERNS.find((p) => sameDay && p.start === start && p.end === end)
  return {
    ...dateFields('date', ukDate(shift.startsAt)),
    pattern: preset?.id ?? 'other',
    startTime: start,
    endTime: end,
    baseId: shift.base.id,
    vehicleId: shift.vehicle?.id ?? '',
  }
}

// The rota

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v])

/** Ticked officers and IDVAs, as the rota's entries. */
export function membersFormToInput(body: FormBody) {
  return {
    members: [
      ...list(body.officers).map((userId) => ({ userId, duty: 'officer' as const })),
      ...list(body.idvas).map((userId) => ({ userId, duty: 'idva' as const })),
    ],
  }
}

// Bases and vehicles

/** A number typed in a form; blank is missing, anything else not a number is NaN (the schema says so). */
const formNumber = (s: string): number | undefined => (s === '' ? undefined : Number(s))

export function baseFormToInput(body: FormBody, editing: boolean) {
  return {
    name: text(body, 'name'),
    area: text(body, 'area'),
    latitude: formNumber(text(body, 'latitude')),
    longitude: formNumber(text(body, 'longitude')),
    ...(editing ? { active: text(body, 'active') !== 'no' } : {}),
  }
}

export function vehicleFormToInput(body: FormBody, editing: boolean) {
  return {
    callSign: text(body, 'callSign'),
    registration: text(body, 'registration') || null,
    ...(editing ? { active: text(body, 'active') !== 'no' } : {}),
  }
}

// Rotations

export function rotationFormToInput(body: FormBody): FormInput {
  const starts = formDate(body, 'startsOn', 'the start date', true)
  const ends = formDate(body, 'endsOn', 'the end date', false)
  return {
    candidate: {
      userId: text(body, 'userId'),
      homeTeam: text(body, 'homeTeam'),
      startsOn: starts.value ?? '',
      endsOn: ends.issue ? '' : ends.value,
    },
    issues: [starts.issue, ends.issue].filter((i) => i !== null),
    covered: [...(starts.issue ? ['startsOn'] : []), ...(ends.issue ? ['endsOn'] : [])],
  }
}

export function endRotationFormToInput(body: FormBody): FormInput {
  const ends = formDate(body, 'endsOn', 'the end date', true)
  return {
    candidate: { endsOn: ends.value ?? '' },
    issues: ends.issue ? [ends.issue] : [],
    covered: ends.issue ? ['endsOn'] : [],
  }
}
