import { formatLocal, formatLocalTime, localParts } from '../common/uk-time.ts'
import { ValidationError } from '../common/errors.ts'
import type { AuditEntry } from '../audit/audit.ts'
import { describeWeeklyWindows, type SafeContactDetails } from '../cases/rules.ts'
import { appointmentWindow, weeklyPeriods } from '../deployment/rules.ts'
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

/**
 * Whether saving a re-imported appointment over the stored one changes a discreet contact planned
 * there as the shift planner uses it: booked again after it was withdrawn, or moved in time or place.
 */
export function movesContact(
  stored: {
    status: string
    start_at: Date
    latitude: number | null
    longitude: number | null
    contact_planned_at: Date | null
  },
  next: { start: Date; location: { latitude: number | null; longitude: number | null } | null },
): boolean {
  if (stored.contact_planned_at === null) return false
  return (
    stored.status === WITHDRAWN ||
    stored.start_at.getTime() !== next.start.getTime() ||
    stored.latitude !== (next.location?.latitude ?? null) ||
    stored.longitude !== (next.location?.longitude ?? null)
  )
}

/**
 * Warnings for an IDVA planning a discreet contact at an appointment, from the victim's safe-contact
 * details: the shift planner places visits only inside them. Warnings, not refusals: the IDVA
 * knows the details and may still arrange the contact. A visit there starts in the minutes before
 * the appointment (appointmentWindow), so that time is checked with the appointment.
 */
export function contactWarnings(
  appointment: { startAt: Date; endAt: Date | null },
  safe: Pick<SafeContactDetails, 'onlyWhileSuspectInCustody' | 'windows'>,
): string[] {
  const warnings: string[] = []
  if (safe.onlyWhileSuspectInCustody)
    warnings.push(
      'The safe-contact details say contact only while the suspect is in custody: the shift planner will not place a visit at this appointment unless the suspect is in custody then.',
    )
  if (safe.windows.length > 0) {
    const from = appointmentWindow(appointment.startAt).start
    const to = appointment.endAt ?? appointment.startAt
    const [safe1, ...more] = weeklyPeriods(safe.windows, from, to)
    const within = safe1 && more.length === 0 && +safe1.start === +from && +safe1.end === +to
    if (!within)
      warnings.push(
        `The appointment, ${appointmentTime(appointment.startAt, appointment.endAt)}, is not within the safe-contact times (${describeWeeklyWindows(safe.windows)}): the shift planner will not place a visit outside them.`,
      )
  }
  return warnings
}

/** An appointment an import saved or withdrew. */
export interface ChangedAppointment {
  id: string
  nhs_number: string
  change: 'created' | 'updated' | 'withdrawn'
}

/**
 * An import's audit rows: one 'collect' row per victim record with the NHS number of a changed
 * appointment, listing those created, updated and withdrawn; one naming the appointment where no
 * victim record has its number, so that every change is on the trail.
 */
export function importAudit(
  importId: string,
  changed: readonly ChangedAppointment[],
  victims: readonly { id: string; incident_id: string; nhs_number: string }[],
): AuditEntry[] {
  const idsOf = (nhsNumber: string, change: ChangedAppointment['change']) =>
    changed.filter((a) => a.nhs_number === nhsNumber && a.change === change).map((a) => a.id)
  const onRecord = new Set(victims.map((v) => v.nhs_number))
  return [
    ...victims
      .filter((v) => changed.some((a) => a.nhs_number === v.nhs_number))
      .map((v): AuditEntry => ({
        action: 'collect',
        recordType: 'incident_person',
        recordId: v.id,
        fields: ['nhs_appointment'],
        details: {
          importId,
          incidentId: v.incident_id,
          created: idsOf(v.nhs_number, 'created'),
          updated: idsOf(v.nhs_number, 'updated'),
          withdrawn: idsOf(v.nhs_number, 'withdrawn'),
        },
      })),
    ...changed
      .filter((a) => !onRecord.has(a.nhs_number))
      .map((a): AuditEntry => ({
        action: 'collect',
        recordType: 'nhs_appointment',
        recordId: a.id,
        fields: ['nhs_appointment'],
        details: { importId, change: a.change },
      })),
  ]
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
