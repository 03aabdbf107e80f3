import { fixedClock } from '../common/clock.ts'

/** The suite's "now": a Monday morning in UK winter time, when the sergeants review the queue. */
export const FIXED_NOW = new Date('2026-11-23T07:30:00Z')

export const hoursBefore = (hours: number, from: Date = FIXED_NOW) => new Date(from.getTime() - hours * 3_600_000)
export const hoursAfter = (hours: number, from: Date = FIXED_NOW) => new Date(from.getTime() + hours * 3_600_000)

export function testClock() {
  return fixedClock(FIXED_NOW)
}
