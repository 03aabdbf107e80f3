/**
 * Wall-clock and calendar-date helpers for a force that works in UK local time, using only Intl
 * so that nothing depends on the server's own time zone. Policy for wall-clock times that are not
 * exactly one instant: a time inside the spring-forward gap resolves to the first instant after
 * the gap, and an autumn time that happens twice resolves to the earlier instant, so a window that
 * starts at such a time is never shorter than intended.
 */

export const UK_TIME_ZONE = 'Europe/London'

export interface WallTime {
  year: number
  month: number // 1-12
  day: number
  hour: number
  minute: number
  second: number
}

const MINUTE_MS = 60_000
const HOUR_MS = 60 * MINUTE_MS
const DAY_MS = 24 * HOUR_MS

// Our own names, because ICU versions disagree (newer ones give 'Sept' for en-GB).
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone)
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23', // midnight is 00, never 24
    })
    formatters.set(timeZone, formatter)
  }
  return formatter
}

/** The local wall-clock reading of an instant (seconds truncated, not rounded). */
export function localParts(date: Date, timeZone = UK_TIME_ZONE): WallTime {
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {}
  for (const { type, value } of formatterFor(timeZone).formatToParts(date)) {
    if (type !== 'literal') parts[type] = Number(value)
  }
  const { year, month, day, hour, minute, second } = parts
  if (
    year === undefined ||
    month === undefined ||
    day === undefined ||
    hour === undefined ||
    minute === undefined ||
    second === undefined
  ) {
    throw new RangeError(`Cannot read local time of ${date.toISOString()} in ${timeZone}`)
  }
  return { year, month, day, hour, minute, second }
}

const pad = (n: number) => String(n).padStart(2, '0')

/** '07:05', 24-hour local time. */
export function formatLocalTime(date: Date, timeZone = UK_TIME_ZONE): string {
  const { hour, minute } = localParts(date, timeZone)
  return `${pad(hour)}:${pad(minute)}`
}

/** '23 Nov 2026, 07:05', local date and 24-hour time. */
export function formatLocal(date: Date, timeZone = UK_TIME_ZONE): string {
  const { year, month, day, hour, minute } = localParts(date, timeZone)
  return `${day} ${MONTHS[month - 1]} ${year}, ${pad(hour)}:${pad(minute)}`
}

// The wall-clock reading as if it were UTC: lets us do wall-clock arithmetic with plain numbers.
const wallAsUtc = (w: WallTime) => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second)

// How far the zone's wall clock is ahead of UTC at this instant (whole seconds).
function offsetAt(ms: number, timeZone: string): number {
  const wholeSecond = Math.floor(ms / 1000) * 1000
  return wallAsUtc(localParts(new Date(wholeSecond), timeZone)) - wholeSecond
}

/**
 * The instant at which the zone's wall clock reads `parts`. Throws a RangeError for a date that
 * does not exist (31 Feb, hour 24) rather than silently rolling it over, as this parses form input.
 */
export function zonedWallTimeToInstant(
  parts: Omit<WallTime, 'second'> & { second?: number },
  timeZone = UK_TIME_ZONE,
): Date {
  const wall: WallTime = { ...parts, second: parts.second ?? 0 }
  const target = wallAsUtc(wall)
  const check = new Date(target)
  if (
    !Number.isInteger(target) ||
    check.getUTCFullYear() !== wall.year ||
    check.getUTCMonth() !== wall.month - 1 ||
    check.getUTCDate() !== wall.day ||
    check.getUTCHours() !== wall.hour ||
    check.getUTCMinutes() !== wall.minute ||
    check.getUTCSeconds() !== wall.second
  ) {
    throw new RangeError(`Not a real date and time: ${JSON.stringify(parts)}`)
  }

  // Zone offsets change at most once a day, so the offsets a day either side are the only candidates.
  const before = offsetAt(target - DAY_MS, timeZone)
  const after = offsetAt(target + DAY_MS, timeZone)
  const matches = [...new Set([before, after])]
    .map((offset) => target - offset)
    .filter((ms) => target - offsetAt(ms, timeZone) === ms)
  if (matches.length > 0) return new Date(Math.min(...matches))

  // In the spring gap (clocks go forward, so after > before): binary-search for the transition,
  // the first whole second on the new offset.
  let lo = target - after // still on the old offset
  let hi = target - before // already on the new offset
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000
    if (offsetAt(mid, timeZone) === after) hi = mid
    else lo = mid
  }
  return new Date(hi)
}

/**
 * The start of a look-back window of `hours` of wall-clock time ending at `now`: '24 hours before
 * 08:00' is 08:00 yesterday, even when the clocks changed overnight (a 23- or 25-hour real span).
 */
export function localWindowStart(now: Date, hours: number, timeZone = UK_TIME_ZONE): Date {
  const startWall = new Date(wallAsUtc(localParts(now, timeZone)) - hours * HOUR_MS)
  const start = zonedWallTimeToInstant(
    {
      year: startWall.getUTCFullYear(),
      month: startWall.getUTCMonth() + 1,
      day: startWall.getUTCDate(),
      hour: startWall.getUTCHours(),
      minute: startWall.getUTCMinutes(),
      second: startWall.getUTCSeconds(),
    },
    timeZone,
  )
  // localParts drops milliseconds; put them back so a 0-hour window starts exactly at now.
  return new Date(start.getTime() + (now.getTime() - Math.floor(now.getTime() / 1000) * 1000))
}

/** 'YYYY-MM-DD' for a real date between the years 1900 and 2999, otherwise null. */
export function isoDate(year: number, month: number, day: number): string | null {
  if (![year, month, day].every(Number.isInteger) || year < 1900 || year > 2999) return null
  const d = new Date(Date.UTC(year, month - 1, day))
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

/**
 * The instants a range of UK calendar dates covers: from the start of `from` (UK midnight) to the
 * start of the day after `to`, exclusive, so 'to 23/11/2026' includes the whole of that day.
 */
export function ukDateRange(from: string | undefined, to: string | undefined): { start?: Date; end?: Date } {
  return { start: from ? localMidnight(from) : undefined, end: to ? localMidnight(to, 1) : undefined }
}

/**
 * The midnight that starts the local day of `date` (an instant, or a 'YYYY-MM-DD' calendar date),
 * `plusDays` days later: a local day is 23 or 25 hours long when the clocks change.
 */
export function localMidnight(date: Date | string, plusDays = 0, timeZone = UK_TIME_ZONE): Date {
  const [y, m, d] =
    typeof date === 'string'
      ? (date.split('-').map(Number) as [number, number, number])
      : (({ year, month, day }) => [year, month, day])(localParts(date, timeZone))
  const day = new Date(Date.UTC(y, m - 1, d + plusDays))
  return zonedWallTimeToInstant(
    { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate(), hour: 0, minute: 0 },
    timeZone,
  )
}
