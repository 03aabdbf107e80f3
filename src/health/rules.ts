import { formatLocal, formatLocalTime, localParts } from '../common/uk-time.ts'
import { ValidationError } from '../common/errors.ts'
import type { AppointmentSetting, UpcomingStatus } from './fhir-appointments.ts'

/**
 * The status an appointment takes when a later import says it will not take place as booked
 * (cancelled, a no-show, entered in error, declined, back on a waiting list). The row stays, with
 * any contact planned at it, for the record; it is no longer offered, listed or planned around.
 */
export const WITHDRAWN = 'withdrawn'

export const SETTING_LABELS: Record<AppointmentSetting, string> = {
  gp: 'GP',
  dental: 'Dental',
  hospital: 'Hospital',
  other: 'Other',
}

export const STATUS_LABELS: Record<UpcomingStatus | typeof WITHDRAWN, string> = {
  proposed: 'Proposed',
  pending: 'Pending',
  booked: 'Booked',
  arrived: 'Arrived',
  fulfilled: 'Attended',
  'checked-in': 'Checked in',
  waitlist: 'On a waiting list',
  withdrawn: 'Withdrawn',
}

export const labelOf = <K extends string>(labels: Record<K, string>, key: string): string =>
  (labels as Record<string, string>)[key] ?? key

/** '3 Jun 2026, 10:30 to 10:40' in UK local time; the end's date is given when it is another day. */
export function appointmentTime(start: Date, end: Date | null): string {
  if (!end) return formatLocal(start)
  const a = localParts(start)
  const b = localParts(end)
  const sameDay = a.year === b.year && a.month === b.month && a.day === b.day
  return `${formatLocal(start)} to ${sameDay ? formatLocalTime(end) : formatLocal(end)}`
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

/** What an import saved, in a sentence: '12 appointments for 4 victims; 2 entries ignored'. */
export function importSummary(r: {
  appointments: number
  victims: number
  withdrawn: number
  ignored: number
}): string {
  const parts = [
    r.appointments === 0
      ? 'No appointments saved'
      : `${count(r.appointments, 'appointment', 'appointments')} for ${count(r.victims, 'victim', 'victims')}`,
  ]
  if (r.withdrawn > 0) parts.push(`${count(r.withdrawn, 'earlier appointment', 'earlier appointments')} withdrawn`)
  if (r.ignored > 0) parts.push(`${count(r.ignored, 'entry', 'entries')} ignored`)
  return parts.join('; ')
}

/**
 * A bundle's JSON text as a value; `what` names where it came from ('The file'). Text that is not
 * JSON is a problem with the bundle as a whole (path ''). `__proto__` keys are dropped: no FHIR
 * element has that name, and the value is read with schemas that copy objects.
 */
export function parseJsonText(text: string, what: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''), (key, value: unknown) => (key === '__proto__' ? undefined : value))
  } catch (error) {
    const detail = (error as Error).message
    throw new ValidationError([
      { path: '', message: `${what} is not JSON (${detail}): a FHIR bundle is JSON, starting with {` },
    ])
  }
}
