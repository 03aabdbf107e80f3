import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { formatLocal, formatLocalTime, localParts, localWindowStart, zonedWallTimeToInstant } from './uk-time.ts'

// 2026 UK clock changes: forward at 01:00Z on 29 March, back at 01:00Z on 25 October.
const iso = (s: string) => new Date(s).toISOString()

describe('localWindowStart', () => {
  const cases = [
    { name: '24h, ordinary winter day', now: '2026-11-23T07:30Z', hours: 24, start: '2026-11-22T07:30Z' },
    { name: '24h, ordinary summer day', now: '2026-07-15T07:00Z', hours: 24, start: '2026-07-14T07:00Z' },
    { name: '12h, back across midnight', now: '2026-11-23T07:30Z', hours: 12, start: '2026-11-22T19:30Z' },
    { name: '72h', now: '2026-11-23T07:30Z', hours: 72, start: '2026-11-20T07:30Z' },
    { name: 'across the year end', now: '2027-01-01T06:00Z', hours: 24, start: '2026-12-31T06:00Z' },
    { name: 'from summer midnight', now: '2026-07-01T23:00Z', hours: 24, start: '2026-06-30T23:00Z' },
    { name: 'zero hours is now', now: '2026-11-23T07:30:00.25Z', hours: 0, start: '2026-11-23T07:30:00.25Z' },
    { name: 'keeps the ms', now: '2026-11-23T07:30:00.25Z', hours: 24, start: '2026-11-22T07:30:00.25Z' },
    // Clocks forward: 08:00 BST back to 08:00 GMT is only 23 real hours.
    { name: '24h, spring change day', now: '2026-03-29T07:00Z', hours: 24, start: '2026-03-28T08:00Z' },
    { name: '12h, back over the gap', now: '2026-03-29T07:00Z', hours: 12, start: '2026-03-28T20:00Z' },
    { name: '72h, over the change', now: '2026-03-30T07:00Z', hours: 72, start: '2026-03-27T08:00Z' },
    { name: '24h, day after', now: '2026-03-30T07:00Z', hours: 24, start: '2026-03-29T07:00Z' },
    // 14:30 BST less 13h is 01:30, which never happened: start at the end of the gap.
    { name: 'start in the gap', now: '2026-03-29T13:30Z', hours: 13, start: '2026-03-29T01:00Z' },
    // Clocks back: 08:00 GMT back to 08:00 BST is 25 real hours.
    { name: '24h, autumn change day', now: '2026-10-25T08:00Z', hours: 24, start: '2026-10-24T07:00Z' },
    { name: '72h, over the change', now: '2026-10-26T08:00Z', hours: 72, start: '2026-10-23T07:00Z' },
    // 12:30 GMT less 11h is 01:30, which happened twice: take the earlier (BST) one.
    { name: 'start in the overlap', now: '2026-10-25T12:30Z', hours: 11, start: '2026-10-25T00:30Z' },
    { name: 'now the first 01:30', now: '2026-10-25T00:30Z', hours: 24, start: '2026-10-24T00:30Z' },
    { name: 'now the second 01:30', now: '2026-10-25T01:30Z', hours: 24, start: '2026-10-24T00:30Z' },
  ]
  for (const { name, now, hours, start } of cases) {
    it(name, () => {
      assert.equal(localWindowStart(new Date(now), hours).toISOString(), iso(start))
    })
  }

  it('works in another zone', () => {
    // New York springs forward on 8 March 2026: 08:00 EDT back to 08:00 EST.
    const start = localWindowStart(new Date('2026-03-08T12:00Z'), 24, 'America/New_York')
    assert.equal(start.toISOString(), iso('2026-03-07T13:00Z'))
  })
})

describe('zonedWallTimeToInstant', () => {
  const cases = [
    { name: 'winter is GMT', wall: [2026, 11, 23, 7, 5], at: '2026-11-23T07:05Z' },
    { name: 'summer is BST', wall: [2026, 7, 15, 8, 0], at: '2026-07-15T07:00Z' },
    { name: 'with seconds', wall: [2026, 7, 15, 8, 0, 30], at: '2026-07-15T07:00:30Z' },
    { name: 'summer midnight is the day before in UTC', wall: [2026, 7, 2, 0, 0], at: '2026-07-01T23:00Z' },
    { name: 'new year midnight', wall: [2027, 1, 1, 0, 0], at: '2027-01-01T00:00Z' },
    { name: 'leap day', wall: [2028, 2, 29, 12, 0], at: '2028-02-29T12:00Z' },
    { name: 'last second before the gap', wall: [2026, 3, 29, 0, 59, 59], at: '2026-03-29T00:59:59Z' },
    { name: 'start of the gap', wall: [2026, 3, 29, 1, 0], at: '2026-03-29T01:00Z' },
    { name: 'inside the gap', wall: [2026, 3, 29, 1, 30], at: '2026-03-29T01:00Z' },
    { name: 'last second of the gap', wall: [2026, 3, 29, 1, 59, 59], at: '2026-03-29T01:00Z' },
    { name: 'end of the gap', wall: [2026, 3, 29, 2, 0], at: '2026-03-29T01:00Z' },
    { name: 'after the gap', wall: [2026, 3, 29, 2, 30], at: '2026-03-29T01:30Z' },
    { name: 'before the overlap', wall: [2026, 10, 25, 0, 59], at: '2026-10-24T23:59Z' },
    { name: 'start of the overlap is BST', wall: [2026, 10, 25, 1, 0], at: '2026-10-25T00:00Z' },
    { name: 'inside the overlap is BST', wall: [2026, 10, 25, 1, 30], at: '2026-10-25T00:30Z' },
    { name: 'end of the overlap is BST', wall: [2026, 10, 25, 1, 59, 59], at: '2026-10-25T00:59:59Z' },
    { name: 'after the overlap', wall: [2026, 10, 25, 2, 0], at: '2026-10-25T02:00Z' },
  ]
  for (const { name, wall, at } of cases) {
    it(name, () => {
      const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second] = wall
      assert.equal(zonedWallTimeToInstant({ year, month, day, hour, minute, second }).toISOString(), iso(at))
    })
  }

  const otherZones = [
    { name: 'NY gap', zone: 'America/New_York', wall: [2026, 3, 8, 2, 30], at: '2026-03-08T07:00Z' },
    { name: 'NY overlap', zone: 'America/New_York', wall: [2026, 11, 1, 1, 30], at: '2026-11-01T05:30Z' },
    { name: 'UTC', zone: 'UTC', wall: [2026, 7, 15, 8, 0], at: '2026-07-15T08:00Z' },
  ]
  for (const { name, zone, wall, at } of otherZones) {
    it(name, () => {
      const [year = 0, month = 0, day = 0, hour = 0, minute = 0] = wall
      assert.equal(zonedWallTimeToInstant({ year, month, day, hour, minute }, zone).toISOString(), iso(at))
    })
  }

  const invalid = [
    { name: '29 February in a common year', wall: { year: 2026, month: 2, day: 29, hour: 9, minute: 0 } },
    { name: 'month 13', wall: { year: 2026, month: 13, day: 1, hour: 9, minute: 0 } },
    { name: 'hour 24', wall: { year: 2026, month: 1, day: 1, hour: 24, minute: 0 } },
    { name: 'minute 60', wall: { year: 2026, month: 1, day: 1, hour: 9, minute: 60 } },
    { name: 'a fractional minute', wall: { year: 2026, month: 1, day: 1, hour: 9, minute: 1.5 } },
    { name: 'not a number', wall: { year: Number.NaN, month: 1, day: 1, hour: 9, minute: 0 } },
  ]
  for (const { name, wall } of invalid) {
    it(`rejects ${name}`, () => {
      assert.throws(() => zonedWallTimeToInstant(wall), RangeError)
    })
  }

  it('round-trips every quarter hour over both change days, except the repeated hour', () => {
    const repeatedHour = [Date.parse('2026-10-25T01:00Z'), Date.parse('2026-10-25T02:00Z')] as const
    for (const day of ['2026-03-28T12:00Z', '2026-10-24T12:00Z']) {
      for (let ms = Date.parse(day); ms < Date.parse(day) + 2 * 86_400_000; ms += 15 * 60_000) {
        const instant = new Date(ms)
        // The second 01:xx reads the same as the first, so resolves to the first.
        const expected = ms >= repeatedHour[0] && ms < repeatedHour[1] ? ms - 3_600_000 : ms
        assert.equal(zonedWallTimeToInstant(localParts(instant)).getTime(), expected, instant.toISOString())
      }
    }
  })
})

describe('formatting', () => {
  const cases = [
    { name: 'winter', date: '2026-11-23T07:05Z', local: '23 Nov 2026, 07:05', time: '07:05' },
    { name: 'summer is BST', date: '2026-07-15T13:00Z', local: '15 Jul 2026, 14:00', time: '14:00' },
    { name: 'Sep, whatever ICU says', date: '2026-09-01T23:30Z', local: '2 Sep 2026, 00:30', time: '00:30' },
    { name: 'midnight is 00:00', date: '2026-07-01T23:00Z', local: '2 Jul 2026, 00:00', time: '00:00' },
    { name: 'seconds dropped', date: '2026-11-23T07:05:59.9Z', local: '23 Nov 2026, 07:05', time: '07:05' },
    { name: 'spring change', date: '2026-03-29T01:00Z', local: '29 Mar 2026, 02:00', time: '02:00' },
    { name: 'first 01:30 in autumn', date: '2026-10-25T00:30Z', local: '25 Oct 2026, 01:30', time: '01:30' },
    { name: 'second 01:30 in autumn', date: '2026-10-25T01:30Z', local: '25 Oct 2026, 01:30', time: '01:30' },
  ]
  for (const { name, date, local, time } of cases) {
    it(name, () => {
      assert.equal(formatLocal(new Date(date)), local)
      assert.equal(formatLocalTime(new Date(date)), time)
    })
  }

  it('formats in another zone', () => {
    assert.equal(formatLocal(new Date('2026-07-15T13:00Z'), 'UTC'), '15 Jul 2026, 13:00')
    assert.equal(formatLocalTime(new Date('2026-07-15T13:00Z'), 'Asia/Kolkata'), '18:30')
  })

  it('gives local parts with a 1-based month', () => {
    assert.deepEqual(localParts(new Date('2026-07-01T23:00:45Z')), {
      year: 2026,
      month: 7,
      day: 2,
      hour: 0,
      minute: 0,
      second: 45,
    })
  })
})
