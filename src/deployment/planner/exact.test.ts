import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { exactOptimum } from './exact.ts'
import type { PlannerInput, PlannerRoute, PlannerVisit } from './types.ts'

// Locations on a line, one minute apart per unit: 0 is the base.
const line = (n: number) => Array.from({ length: n }, (_, a) => Array.from({ length: n }, (_, b) => Math.abs(a - b)))

const route = (id: string, endTime: number, extra: Partial<PlannerRoute> = {}): PlannerRoute => ({
  id,
  startLocation: 0,
  endLocation: 0,
  startTime: 0,
  endTime,
  ...extra,
})

const visit = (
  id: string,
  prize: number,
  location: number,
  open = 0,
  close = 1000,
  extra: Partial<PlannerVisit> = {},
) => ({
  id,
  prize,
  options: [{ location, windows: [{ open, close }], serviceMinutes: 10, label: 'home' }],
  ...extra,
})

describe('exactOptimum', () => {
  it('picks the best set one route can make', () => {
    // 30 minutes: two visits at location 5 and 5 (10 + 10 service + 10 travel), not the far one.
    const input: PlannerInput = {
      travel: line(8),
      routes: [route('A', 30)],
      visits: [visit('a', 3, 5), visit('b', 3, 5), visit('far', 5, 7)],
    }
    assert.deepEqual(exactOptimum(input), { score: 6, pinnedScore: 0, visitIds: ['a', 'b'] })
  })

  it('shares visits between routes without counting one twice', () => {
    const input: PlannerInput = {
      travel: line(8),
      routes: [route('A', 30), route('B', 30)],
      visits: [visit('a', 3, 5), visit('b', 3, 5), visit('far', 5, 7)],
    }
    assert.equal(exactOptimum(input).score, 11)
  })

  it('keeps a pinned visit before a better free one', () => {
    const input: PlannerInput = {
      travel: line(8),
      routes: [route('A', 20)],
      visits: [visit('pinned', 1, 5, 0, 1000, { pinnedTo: 'A' }), visit('better', 9, 5)],
    }
    assert.deepEqual(exactOptimum(input), { score: 1, pinnedScore: 1, visitIds: ['pinned'] })
  })

  it('follows a fixed order even when it costs a visit', () => {
    // 'late' must come first in the fixed order but its window is after 'early''s.
    const input: PlannerInput = {
      travel: line(4),
      routes: [route('A', 200, { fixedOrder: ['late', 'early'] })],
      visits: [visit('early', 2, 1, 0, 20), visit('late', 3, 2, 100, 120)],
    }
    assert.deepEqual(exactOptimum(input), { score: 3, pinnedScore: 3, visitIds: ['late'] })
  })

  it('uses a later window and a second option when the first cannot be reached', () => {
    const input: PlannerInput = {
      travel: line(6),
      routes: [route('A', 100, { startTime: 30 })],
      visits: [
        {
          id: 'two windows',
          prize: 1,
          options: [
            {
              location: 5,
              windows: [
                { open: 0, close: 20 },
                { open: 60, close: 70 },
              ],
              serviceMinutes: 10,
              label: 'home',
            },
          ],
        },
        {
          id: 'two options',
          prize: 1,
          options: [
            { location: 5, windows: [{ open: 0, close: 10 }], serviceMinutes: 10, label: 'home' },
            { location: 3, windows: [{ open: 40, close: 45 }], serviceMinutes: 10, label: 'GP appointment' },
          ],
        },
      ],
    }
    assert.equal(exactOptimum(input).score, 2)
  })

  it('honours routeIds and ignores a visit pinned to no route of the input', () => {
    const input: PlannerInput = {
      travel: line(4),
      routes: [route('A', 100)],
      visits: [
        visit('elsewhere', 5, 1, 0, 1000, { routeIds: ['B'] }),
        visit('ghost', 5, 1, 0, 1000, { pinnedTo: 'Z' }),
      ],
    }
    assert.equal(exactOptimum(input).score, 0)
  })

  it('refuses instances too large to enumerate', () => {
    const visits = Array.from({ length: 13 }, (_, i) => visit(`v${i}`, 1, 1))
    assert.throws(() => exactOptimum({ travel: line(2), routes: [route('A', 10)], visits }), /at most/)
  })
})
