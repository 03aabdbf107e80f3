import type { Role } from '../../auth/roles.ts'
import type { FieldIssue } from '../../common/errors.ts'
import type { Duty } from '../../db/schema.ts'
import type { AgencyKind } from '../../admin/rules.ts'
import { formatLocal, formatLocalTime, localParts, zonedWallTimeToInstant } from '../../common/uk-time.ts'
import type { ShiftRecord } from './repository.ts'

/**
 * Rules for the rota: shifts, who is on them, vehicles, bases and officers' rotations. Pure, so
 * they are tested with tables of cases; `now` is passed in where the answer depends on it.
 */

/** The programme's two standard shifts, offered as presets; other times are allowed. */
export const SHIFT_PATTERNS = [
  { id: 'early', label: 'Early', start: '07:00', end: '15:00' },
  { id: 'late', label: 'Late', start: '14:00', end: '22:00' },
] as const
export type ShiftPatternId = (typeof SHIFT_PATTERNS)[number]['id']

export const MIN_SHIFT_HOURS = 1
export const MAX_SHIFT_HOURS = 12
/** A shift further ahead than this is more likely a mistyped year than a plan. */
export const MAX_DAYS_AHEAD = 366
/** The longest date range one rota list covers. */
export const MAX_LIST_DAYS = 31

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS

export const DUTIES = ['officer', 'idva'] as const satisfies readonly Duty[]
/** "as a police officer": for messages. */
const DUTY_PHRASES: Record<Duty, string> = { officer: 'a police officer', idva: 'a health IDVA' }

/**
 * The roles that fit each duty. Officers rotating in from response teams keep their response role,
 * so either police role will do; the IDVA is an NHS health IDVA, which is what makes them independent.
 */
export const DUTY_ROLES: Record<Duty, readonly Role[]> = {
  officer: ['op_provide_officer', 'response_officer'],
  idva: ['health_idva'],
}
const DUTY_ROLE_RULES: Record<Duty, string> = {
  officer: 'that needs the Op Provide officer or Response officer role in a police force',
  idva: 'that needs the Health IDVA role',
}

export function holdsDutyRole(duty: Duty, roles: readonly Role[]): boolean {
  return DUTY_ROLES[duty].some((r) => roles.includes(r))
}

/** Officers are police staff; where the IDVA works is checked through the sharing agreement instead. */
export function fitsDuty(duty: Duty, roles: readonly Role[], agencyKind: AgencyKind): boolean {
  return holdsDutyRole(duty, roles) && (duty !== 'officer' || agencyKind === 'police')
}

// Dates and times

/** A UK calendar date as YYYY-MM-DD. */
export type IsoDate = string

const pad = (n: number) => String(n).padStart(2, '0')

/** The UK calendar date of an instant. */
export function ukDate(at: Date): IsoDate {
  const { year, month, day } = localParts(at)
  return `${year}-${pad(month)}-${pad(day)}`
}

export function addDays(date: IsoDate, days: number): IsoDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10)
}

/** Whole days from `a` to `b` (calendar dates, so clock changes do not matter). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS)
}

/** '23 Nov 2026'. */
export function dayText(date: IsoDate): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number]
  const noon = zonedWallTimeToInstant({ year, month, day, hour: 12, minute: 0 })
  const text = formatLocal(noon)
  return text.slice(0, text.indexOf(','))
}

const WEEKDAY = new Intl.DateTimeFormat('en-GB', { weekday: 'long', timeZone: 'UTC' })

/** 'Monday 23 Nov 2026'. */
export function weekdayText(date: IsoDate): string {
  return `${WEEKDAY.format(new Date(`${date}T12:00:00Z`))} ${dayText(date)}`
}

/** The instant a UK wall-clock date and time ('07:00') name. */
export function ukInstant(date: IsoDate, time: string): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number]
  const [hour, minute] = time.split(':').map(Number) as [number, number]
  return zonedWallTimeToInstant({ year, month, day, hour, minute })
}

/** '23 Nov 2026 07:00–15:00', with the end's date when it ends on another day. */
export function shiftTimesText(s: { startsAt: Date; endsAt: Date }): string {
  const startDay = ukDate(s.startsAt)
  const endDay = ukDate(s.endsAt)
  const end = endDay === startDay ? formatLocalTime(s.endsAt) : `${dayText(endDay)} ${formatLocalTime(s.endsAt)}`
  return `${dayText(startDay)} ${formatLocalTime(s.startsAt)}–${end}`
}

/** How a shift is named in messages: its team and times. */
export function describeShift(s: { teamName: string; startsAt: Date; endsAt: Date }): string {
  return `${s.teamName}, ${shiftTimesText(s)}`
}

function durationText(ms: number): string {
  const minutes = Math.round(ms / 60_000)
  const h = Math.floor(minutes / 60)
  const m = minutes % 60
  const hours = h === 0 ? '' : `${h} ${h === 1 ? 'hour' : 'hours'}`
  const mins = m === 0 ? '' : `${m} ${m === 1 ? 'minute' : 'minutes'}`
  return [hours, mins].filter(Boolean).join(' ') || '0 minutes'
}

// Shifts

export interface ShiftTimes {
  startsAt: Date
  endsAt: Date
}

export function overlaps(a: ShiftTimes, b: ShiftTimes): boolean {
  return a.startsAt < b.endsAt && b.startsAt < a.endsAt
}

/**
 * A shift's times, new or changed: it ends after it starts, lasts between MIN_SHIFT_HOURS and
 * MAX_SHIFT_HOURS, has not already ended, and is not implausibly far ahead.
 */
export function shiftTimeIssues(t: ShiftTimes, now: Date): FieldIssue[] {
  const length = t.endsAt.getTime() - t.startsAt.getTime()
  const issues: FieldIssue[] = []
  if (length <= 0) issues.push({ path: 'endsAt', message: 'The shift must end after it starts' })
  else if (length < MIN_SHIFT_HOURS * HOUR_MS) {
    issues.push({
      path: 'endsAt',
      message: `A shift must be at least ${MIN_SHIFT_HOURS} hour long: this one is ${durationText(length)}`,
    })
  } else if (length > MAX_SHIFT_HOURS * HOUR_MS) {
    issues.push({
      path: 'endsAt',
      message: `A shift can be at most ${MAX_SHIFT_HOURS} hours long: this one is ${durationText(length)}`,
    })
  }
  if (length > 0 && t.endsAt <= now) {
    issues.push({ path: 'startsAt', message: `This shift would already be over: it ends ${formatLocal(t.endsAt)}` })
  }
  if (t.startsAt.getTime() > now.getTime() + MAX_DAYS_AHEAD * DAY_MS) {
    issues.push({ path: 'startsAt', message: 'A shift must start within the next 12 months: check the year' })
  }
  return issues
}

/** The UK days from `from` to `to`, each with the shifts that start on it, for the week view. */
export function shiftsByDay<T extends ShiftTimes>(from: IsoDate, to: IsoDate, shifts: readonly T[]) {
  const days: { date: IsoDate; label: string; shifts: T[] }[] = []
  for (let date = from; date <= to; date = addDays(date, 1)) {
    days.push({ date, label: weekdayText(date), shifts: shifts.filter((s) => ukDate(s.startsAt) === date) })
  }
  return days
}

/** A shift that has ended or was cancelled is a record of what happened: it is not changed. */
export function shiftClosedIssue(s: ShiftTimes & { cancelledAt: Date | null }, now: Date): FieldIssue | null {
  if (s.cancelledAt) return { path: 'shift', message: `This shift was cancelled ${formatLocal(s.cancelledAt)}` }
  if (s.endsAt <= now) {
    return { path: 'shift', message: `This shift ended ${formatLocal(s.endsAt)}: its rota is kept as a record` }
  }
  return null
}

/** Visits planned on a shift hold their incidents: they are moved or dropped before it is cancelled. */
export function cancelIssues(plannedVisits: number): FieldIssue[] {
  if (plannedVisits === 0) return []
  const visits = plannedVisits === 1 ? '1 planned visit' : `${plannedVisits} planned visits`
  return [{ path: 'shift', message: `This shift has ${visits}: drop them from its plan before cancelling it` }]
}

/** A shift as another one's rota checks see it. */
export interface OtherShift extends ShiftTimes {
  id: string
  teamName: string
}

export interface BaseFacts {
  name: string
  agencyId: string
  active: boolean
}

/** The base a shift works from: one of the team's agency, still in use. */
export function baseIssues(base: BaseFacts | undefined, teamAgencyId: string, path = 'baseId'): FieldIssue[] {
  if (!base) return [{ path, message: 'Choose the base the shift starts and ends at' }]
  if (base.agencyId !== teamAgencyId) return [{ path, message: `${base.name} is a base of another agency` }]
  if (!base.active) return [{ path, message: `${base.name} is no longer in use: choose another base` }]
  return []
}

export interface VehicleFacts {
  callSign: string
  agencyId: string
  active: boolean
  /** The vehicle's other shifts that are not cancelled, near this one's times. */
  shifts: OtherShift[]
}

/**
 * The shift's vehicle: of the team's agency, in service, and not out with another shift at the same
 * time. A shift has at most one vehicle by construction: it is a single column.
 */
export function vehicleIssues(
  shift: ShiftTimes & { id: string | null },
  teamAgencyId: string,
  vehicle: VehicleFacts | undefined,
  path = 'vehicleId',
): FieldIssue[] {
  if (!vehicle) return [{ path, message: 'Choose a vehicle from the list' }]
  if (vehicle.agencyId !== teamAgencyId)
    return [{ path, message: `${vehicle.callSign} is a vehicle of another agency` }]
  if (!vehicle.active) return [{ path, message: `${vehicle.callSign} is no longer in service` }]
  return vehicle.shifts
    .filter((other) => other.id !== shift.id && overlaps(shift, other))
    .map((other) => ({
      path,
      message: `${vehicle.callSign} is already out with ${describeShift(other)}, which overlaps this shift`,
    }))
}

// The rota: who is on a shift

export interface RotaEntry {
  userId: string
  duty: Duty
}

export interface PersonFacts {
  displayName: string
  agencyKind: AgencyKind
  roles: readonly Role[]
  disabled: boolean
  /** Whether they work for the team's agency, or for one the team's agency shares incidents with. */
  agency: 'team' | 'partner' | 'other'
  /** Their other shifts that are not cancelled, near this one's times. */
  shifts: OtherShift[]
}

/**
 * Who is on a shift, and as what. Each person once; their roles fit their duty; officers work for
 * the team's agency and IDVAs for it or a partner that receives its incidents (or they could not
 * open the records of the shift's visits); nobody is on two shifts at once. Missing people (no
 * IDVA yet) are not an error here: `shiftReadiness` says what the shift still needs.
 */
export function rotaIssues(
  shift: ShiftTimes & { id: string; teamAgencyName: string },
  entries: readonly RotaEntry[],
  people: ReadonlyMap<string, PersonFacts>,
  path = 'members',
): FieldIssue[] {
  const issues: FieldIssue[] = []
  const seen = new Set<string>()
  for (const entry of entries) {
    const person = people.get(entry.userId)
    if (!person) {
      issues.push({ path, message: 'Choose people from the list' })
      continue
    }
    const name = person.displayName
    if (seen.has(entry.userId)) {
      issues.push({ path, message: `${name} is listed more than once: choose one duty for them` })
      continue
    }
    seen.add(entry.userId)
    if (person.disabled) issues.push({ path, message: `${name}’s account is disabled` })
    if (!fitsDuty(entry.duty, person.roles, person.agencyKind)) {
      issues.push({
        path,
        message: `${name} cannot be on as ${DUTY_PHRASES[entry.duty]}: ${DUTY_ROLE_RULES[entry.duty]}`,
      })
    } else if (entry.duty === 'officer' && person.agency !== 'team') {
      issues.push({ path, message: `${name} works for another police force, so cannot be on this team’s shift` })
    } else if (person.agency === 'other') {
      issues.push({
        path,
        message: `${name} works for an agency that ${shift.teamAgencyName} does not share incidents with, so could not open the records of the shift’s visits`,
      })
    }
    for (const other of person.shifts) {
      if (other.id !== shift.id && overlaps(shift, other)) {
        issues.push({ path, message: `${name} is already on ${describeShift(other)}, which overlaps this shift` })
      }
    }
  }
  return issues
}

/**
 * What a shift still needs before visits can be planned for it, in plain words; empty when it is
 * ready. A joint visit needs a police officer, a health IDVA and a vehicle. Used by the rota and
 * the planner alike.
 */
export function shiftReadiness(shift: ShiftRecord): string[] {
  if (shift.cancelledAt) return ['This shift is cancelled']
  const missing: string[] = []
  const fit = (duty: Duty) => shift.members.filter((m) => m.duty === duty && holdsDutyRole(duty, m.roles))
  for (const m of shift.members) {
    if (!holdsDutyRole(m.duty, m.roles)) {
      missing.push(`${m.displayName} is on as ${DUTY_PHRASES[m.duty]} but no longer holds a role for it`)
    }
  }
  if (fit('officer').length === 0) missing.push('No police officer is on this shift’s rota: a joint visit needs one')
  if (fit('idva').length === 0) missing.push('No health IDVA is on this shift’s rota: a joint visit needs one')
  if (!shift.vehicle) missing.push('No vehicle is assigned to this shift: the team needs one to make visits')
  return missing
}

// Bases

/** A box around the United Kingdom: catches a latitude and longitude typed the wrong way round. */
export const UK_BOUNDS = { south: 49.8, north: 60.9, west: -8.7, east: 1.8 }

export function coordinateIssues(latitude: number, longitude: number): FieldIssue[] {
  const inside = (lat: number, lon: number) =>
    lat >= UK_BOUNDS.south && lat <= UK_BOUNDS.north && lon >= UK_BOUNDS.west && lon <= UK_BOUNDS.east
  if (inside(latitude, longitude)) return []
  if (inside(longitude, latitude)) {
    return [{ path: 'latitude', message: 'Latitude and longitude look swapped: latitude is about 50 to 60 in the UK' }]
  }
  return [{ path: 'latitude', message: 'That point is outside the UK: check the latitude and longitude' }]
}

// Rotations

export interface RotationDates {
  startsOn: IsoDate
  endsOn: IsoDate | null
}

export function rotationsOverlap(a: RotationDates, b: RotationDates): boolean {
  return (b.endsOn === null || a.startsOn <= b.endsOn) && (a.endsOn === null || b.startsOn <= a.endsOn)
}

function rotationText(r: RotationDates & { homeTeam: string }): string {
  const to = r.endsOn === null ? 'with no end date' : `to ${dayText(r.endsOn)}`
  return `from ${dayText(r.startsOn)} ${to} (${r.homeTeam})`
}

/**
 * A rotation: a police officer's period with the programme. It ends on or after it starts and does
 * not overlap the officer's other rotations (`others` excludes the one being changed).
 */
export function rotationIssues(
  r: RotationDates,
  person: { displayName: string; roles: readonly Role[]; agencyKind: AgencyKind } | undefined,
  others: readonly (RotationDates & { homeTeam: string })[],
): FieldIssue[] {
  if (!person) return [{ path: 'userId', message: 'Choose the officer from the list' }]
  const issues: FieldIssue[] = []
  if (!fitsDuty('officer', person.roles, person.agencyKind)) {
    issues.push({
      path: 'userId',
      message: `${person.displayName} is not a police officer: a rotation is for officers joining from response teams`,
    })
  }
  if (r.endsOn !== null && r.endsOn < r.startsOn) {
    issues.push({ path: 'endsOn', message: 'The end date must be the same as or after the start date' })
    return issues
  }
  for (const other of others) {
    if (rotationsOverlap(r, other)) {
      issues.push({
        path: 'startsOn',
        message: `${person.displayName} already has a rotation ${rotationText(other)}, which overlaps these dates`,
      })
    }
  }
  return issues
}

/** Ending a rotation: one that has not already ended, on or after its start. */
export function endRotationIssues(r: RotationDates, endsOn: IsoDate): FieldIssue[] {
  if (r.endsOn !== null) return [{ path: 'endsOn', message: `This rotation already ended on ${dayText(r.endsOn)}` }]
  if (endsOn < r.startsOn) {
    return [{ path: 'endsOn', message: `The end date must be on or after the start date, ${dayText(r.startsOn)}` }]
  }
  return []
}

// Officers who have served

/** A time an officer served: a rotation, or one shift on the rota as an officer (one day). */
export interface ServicePeriod {
  userId: string
  from: IsoDate
  to: IsoDate | null
}

export interface ServedPeriod {
  /** YYYY-MM */
  month: string
  label: string
  /** Officers who served at some time in the month (up to the report's date). */
  serving: number
  /** Officers whose first service was in the month. */
  joined: number
  /** Officers who had served by the end of the month (or the report's date). */
  cumulative: number
}

export interface ServedReport {
  asOf: IsoDate
  /** Distinct officers who had served on or before `asOf`. */
  total: number
  /** The `months` calendar months up to and including `asOf`'s, oldest first. */
  periods: ServedPeriod[]
}

const MONTH_LABEL = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' })

/**
 * How many officers have served with the programme: distinct officers with a rotation or a shift
 * as officer that started on or before `asOf`, with counts by calendar month.
 */
export function servedOfficers(periods: readonly ServicePeriod[], asOf: IsoDate, months: number): ServedReport {
  const started = periods.filter((p) => p.from <= asOf)
  const first = new Map<string, IsoDate>()
  for (const p of started) {
    const seen = first.get(p.userId)
    if (seen === undefined || p.from < seen) first.set(p.userId, p.from)
  }
  const [year, month] = asOf.split('-').map(Number) as [number, number]
  const out: ServedPeriod[] = []
  for (let i = months - 1; i >= 0; i--) {
    const startDate = new Date(Date.UTC(year, month - 1 - i, 1))
    const start = startDate.toISOString().slice(0, 10)
    const lastDay = new Date(Date.UTC(year, month - i, 0)).toISOString().slice(0, 10)
    const end = lastDay < asOf ? lastDay : asOf
    const serving = new Set(
      started.filter((p) => p.from <= end && (p.to === null || p.to >= start)).map((p) => p.userId),
    )
    const firsts = [...first.values()]
    out.push({
      month: start.slice(0, 7),
      label: MONTH_LABEL.format(startDate),
      serving: serving.size,
      joined: firsts.filter((d) => d >= start && d <= end).length,
      cumulative: firsts.filter((d) => d <= end).length,
    })
  }
  return { asOf, total: first.size, periods: out }
}
