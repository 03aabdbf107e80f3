import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { clock, createRng, plan } from './solver.ts'
import { checkPlan } from './check.ts'
import { exactOptimum } from './exact.ts'
import type { PlannerInput, PlannerResult, PlannerRoute, PlannerVisit, TimeWindow } from './types.ts'

const H = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number)
  return h! * 60 + m!
}

/** A symmetric travel matrix from a list of [a, b, minutes]; unlisted pairs are far apart. */
function matrix(size: number, pairs: [number, number, number][], oneWay: [number, number, number][] = []) {
  const t: number[][] = Array.from({ length: size }, (_, a) =>
    Array.from({ length: size }, (_, b) => (a === b ? 0 : 999)),
  )
  for (const [a, b, m] of pairs) t[a]![b] = t[b]![a] = m
  for (const [a, b, m] of oneWay) t[a]![b] = m
  return t
}

const shift = (id: string, start = '07:00', end = '15:00', extra: Partial<PlannerRoute> = {}): PlannerRoute => ({
  id,
  startLocation: 0,
  endLocation: 0,
  startTime: H(start),
  endTime: H(end),
  ...extra,
})

const visit = (
  id: string,
  prize: number,
  location: number,
  windows: [string, string][] = [['07:00', '15:00']],
  serviceMinutes = 60,
  extra: Partial<PlannerVisit> = {},
): PlannerVisit => ({
  id,
  prize,
  options: [
    { location, windows: windows.map(([o, c]) => ({ open: H(o), close: H(c) })), serviceMinutes, label: 'home' },
  ],
  ...extra,
})

/** Plans with a fixed seed and budget and insists the plan passes the independent check. */
function solve(input: PlannerInput, maxIterations = 500): PlannerResult {
  const result = plan({ ...input, options: { seed: 1, maxIterations, ...input.options } })
  assert.deepEqual(checkPlan(input, result), [])
  return result
}

const order = (result: PlannerResult, routeId: string) =>
  result.routes.find((r) => r.routeId === routeId)!.stops.map((s) => s.visitId)
const exclusion = (result: PlannerResult, visitId: string) => result.excluded.find((e) => e.visitId === visitId)

describe('plan: worked cases', () => {
  it('visits the victim whose suspect leaves custody at 09:00 first, though the other is nearer', () => {
    // base 0, custody victim 1, other victim 2; 2 -> 1 is slow one way.
    const input: PlannerInput = {
      travel: matrix(
        3,
        [
          [0, 1, 30],
          [0, 2, 10],
          [1, 2, 20],
        ],
        [[2, 1, 60]],
      ),
      routes: [shift('A')],
      visits: [visit('custody', 5, 1, [['07:00', '09:00']]), visit('other', 5, 2)],
    }
    const result = solve(input)
    assert.deepEqual(order(result, 'A'), ['custody', 'other'])
    assert.ok(result.routes[0]!.stops[0]!.start <= H('09:00'))
    assert.equal(result.score, 10)
  })

  it('keeps a pinned visit that displaces a higher-prize one, and says why the other is out', () => {
    const input: PlannerInput = {
      travel: matrix(2, [[0, 1, 10]]),
      routes: [shift('A', '07:00', '08:30')],
      visits: [visit('valuable', 10, 1), visit('pinned', 1, 1, undefined, 60, { pinnedTo: 'A' })],
    }
    const result = solve(input)
    assert.deepEqual(order(result, 'A'), ['pinned'])
    assert.equal(exclusion(result, 'valuable')?.reason, 'outscored')
    assert.match(exclusion(result, 'valuable')!.detail, /pinned/)
  })

  it('is back at base exactly at the end of the shift, and a minute more of visit is too much', () => {
    const input: PlannerInput = {
      travel: matrix(3, [
        [0, 1, 60],
        [0, 2, 60],
        [1, 2, 999],
      ]),
      routes: [shift('A', '07:00', '10:00')],
      visits: [visit('fits', 1, 1, undefined, 60), visit('too long', 1, 2, undefined, 61)],
    }
    const result = solve(input)
    assert.equal(result.routes[0]!.returnAt, H('10:00'))
    assert.deepEqual(exclusion(result, 'too long'), {
      visitId: 'too long',
      reason: 'cannot_fit_any_shift',
      detail: 'starting at 08:00 with 61 min on site, route A cannot be back by 10:00',
    })
  })

  it('explains a window that closes before the team can get there, in clock times', () => {
    const input: PlannerInput = {
      travel: matrix(2, [[0, 1, 45]]),
      routes: [shift('A', '09:30', '15:00')],
      visits: [visit('missed', 3, 1, [['09:00', '10:00']])],
    }
    assert.deepEqual(solve(input).excluded, [
      {
        visitId: 'missed',
        reason: 'cannot_fit_any_shift',
        detail: 'its window 09:00–10:00 closes before route A can reach it (earliest arrival 10:15)',
      },
    ])
  })

  it('uses a later safe-contact window when the first has passed', () => {
    const input: PlannerInput = {
      travel: matrix(2, [[0, 1, 15]]),
      routes: [shift('A', '09:00', '15:00')],
      visits: [
        visit('victim', 3, 1, [
          ['08:00', '08:30'],
          ['13:00', '14:00'],
        ]),
      ],
    }
    assert.equal(solve(input).routes[0]!.stops[0]!.start, H('13:00'))
  })

  it('meets a victim at a GP appointment when home is out of reach, using at most one option', () => {
    const input: PlannerInput = {
      travel: matrix(3, [
        [0, 1, 20],
        [0, 2, 20],
        [1, 2, 20],
      ]),
      routes: [shift('A', '08:00', '15:00')],
      visits: [
        {
          id: 'victim',
          prize: 4,
          options: [
            { location: 1, windows: [{ open: H('07:00'), close: H('07:30') }], serviceMinutes: 45, label: 'home' },
            { location: 2, windows: [{ open: H('11:00'), close: H('11:10') }], serviceMinutes: 30, label: 'GP' },
          ],
        },
      ],
    }
    const [stop] = solve(input).routes[0]!.stops
    assert.equal(stop!.option, 1)
    assert.equal(stop!.start, H('11:00'))
  })

  it('sends a visit only to a team whose area covers it, from different bases and shifts', () => {
    // Team North is based at 0 on the early shift; team South at 3 on the late shift.
    const input: PlannerInput = {
      travel: matrix(4, [
        [0, 1, 5],
        [0, 2, 30],
        [0, 3, 30],
        [1, 2, 30],
        [1, 3, 30],
        [2, 3, 5],
      ]),
      routes: [
        shift('North'),
        { id: 'South', startLocation: 3, endLocation: 3, startTime: H('14:00'), endTime: H('22:00') },
      ],
      visits: [
        visit('near North, South only', 5, 1, [['07:00', '22:00']], 60, { routeIds: ['South'] }),
        visit('near South', 5, 2, [['07:00', '22:00']], 60),
      ],
    }
    const result = solve(input)
    assert.deepEqual(order(result, 'South').sort(), ['near North, South only', 'near South'])
    assert.equal(result.routes[1]!.departure, H('14:00'))
  })

  it('says when a visit names no route of the plan', () => {
    const input: PlannerInput = {
      travel: matrix(2, [[0, 1, 5]]),
      routes: [shift('A')],
      visits: [
        visit('other area', 1, 1, undefined, 60, { routeIds: ['Z'] }),
        visit('pinned elsewhere', 1, 1, undefined, 60, { pinnedTo: 'Z' }),
      ],
    }
    const result = solve(input)
    assert.deepEqual(
      result.excluded.map((e) => [e.visitId, e.reason]),
      [
        ['other area', 'no_allowed_route'],
        ['pinned elsewhere', 'no_allowed_route'],
      ],
    )
  })

  it("keeps the team's own order, with other visits placed around it", () => {
    // On a line 0-1-2-3 the natural order is a, b, c; the team wants c before a.
    const line = Array.from({ length: 4 }, (_, a) => Array.from({ length: 4 }, (_, b) => 10 * Math.abs(a - b)))
    const input: PlannerInput = {
      travel: line,
      routes: [shift('A', '07:00', '15:00', { fixedOrder: ['c', 'a'] })],
      visits: [visit('a', 1, 1, undefined, 30), visit('b', 1, 2, undefined, 30), visit('c', 1, 3, undefined, 30)],
    }
    const stops = order(solve(input), 'A')
    assert.equal(stops.length, 3)
    assert.ok(stops.indexOf('c') < stops.indexOf('a'))
  })

  it('when pinned visits clash, keeps the one worth most and names the clash', () => {
    const input: PlannerInput = {
      travel: matrix(3, [
        [0, 1, 10],
        [0, 2, 10],
        [1, 2, 10],
      ]),
      routes: [shift('A')],
      visits: [
        visit('first', 2, 1, [['10:00', '10:05']], 60, { pinnedTo: 'A' }),
        visit('second', 5, 2, [['10:00', '10:05']], 60, { pinnedTo: 'A' }),
      ],
    }
    const result = solve(input)
    assert.deepEqual(order(result, 'A'), ['second'])
    assert.equal(exclusion(result, 'first')?.reason, 'pinned_conflict')
    assert.match(exclusion(result, 'first')!.detail, /second/)
  })

  it('re-plans mid-shift from where the team is', () => {
    const input: PlannerInput = {
      travel: matrix(3, [
        [0, 1, 10],
        [0, 2, 10],
        [1, 2, 10],
      ]),
      routes: [shift('A', '12:00', '15:00', { startLocation: 2 })],
      visits: [visit('morning', 3, 1, [['08:00', '11:00']]), visit('afternoon', 3, 1, [['12:00', '14:00']])],
    }
    const result = solve(input)
    assert.deepEqual(order(result, 'A'), ['afternoon'])
    assert.equal(result.routes[0]!.stops[0]!.arrival, H('12:10'))
    assert.equal(exclusion(result, 'morning')?.reason, 'cannot_fit_any_shift')
  })

  it('plans nothing and excludes everything when there are no routes', () => {
    const result = solve({ travel: matrix(2, [[0, 1, 5]]), routes: [], visits: [visit('v', 1, 1)] })
    assert.deepEqual(result.routes, [])
    assert.equal(exclusion(result, 'v')?.reason, 'no_allowed_route')
  })

  it('refuses malformed input', () => {
    const base = { travel: matrix(2, [[0, 1, 5]]), routes: [shift('A')] }
    assert.throws(() => plan({ ...base, visits: [visit('v', 1, 1), visit('v', 1, 1)] }), /used twice/)
    assert.throws(() => plan({ ...base, visits: [visit('v', 1, 7)] }), /not in travel/)
    assert.throws(() => plan({ ...base, visits: [visit('v', -1, 1)] }), /prize/)
    assert.throws(() => plan({ ...base, travel: [[0, 1]], visits: [] }), /square/)
  })

  it('formats minutes from midnight as HH:MM', () => {
    assert.equal(clock(H('07:05')), '07:05')
    assert.equal(clock(599.6), '10:00')
    assert.equal(clock(25 * 60 + 30), '25:30')
  })
})

/** Random instances: windows (often several), options, pins, fixed orders, areas, asymmetric travel. */
function randomInstance(seed: number, maxVisits: number, maxRoutes: number, metric: boolean): PlannerInput {
  const rng = createRng(seed)
  const int = (a: number, b: number) => a + Math.floor(rng() * (b - a + 1))
  const pick = <T>(xs: T[]): T => xs[Math.floor(rng() * xs.length)]!
  const visitCount = int(1, maxVisits)
  const routeCount = int(1, maxRoutes)
  const size = visitCount + routeCount + 2
  const points = Array.from({ length: size }, () => [rng() * 60, rng() * 60] as const)
  // Roads make travel asymmetric; a road network's times keep the triangle inequality (metric),
  // rounding and odd matrices may not (the check must hold either way).
  const random = !metric && rng() < 0.2
  const travel = points.map(([ax, ay], a) =>
    points.map(([bx, by], b) => {
      if (a === b) return 0
      if (random) return int(1, 60)
      return Math.round(Math.hypot(ax - bx, ay - by) * (0.8 + rng() * 0.5) * 10) / 10
    }),
  )
  if (metric) {
    for (let k = 0; k < size; k++)
      for (let a = 0; a < size; a++)
        for (let b = 0; b < size; b++) travel[a]![b] = Math.min(travel[a]![b]!, travel[a]![k]! + travel[k]![b]!)
  }
  const routes: PlannerRoute[] = Array.from({ length: routeCount }, (_, r) => {
    const startTime = int(0, 60)
    return {
      id: `R${r}`,
      startLocation: int(0, size - 1),
      endLocation: int(0, size - 1),
      startTime,
      endTime: startTime + int(60, 300),
    }
  })
  const windows = (): TimeWindow[] => {
    const count = pick([1, 1, 1, 2, 3])
    const cuts = Array.from({ length: count * 2 }, () => int(0, 360)).sort((a, b) => a - b)
    const out: TimeWindow[] = []
    for (let i = 0; i < count; i++) {
      if (out.length === 0 || cuts[2 * i]! > out[out.length - 1]!.close)
        out.push({ open: cuts[2 * i]!, close: cuts[2 * i + 1]! })
    }
    return out
  }
  const ids = Array.from({ length: visitCount }, (_, i) => `v${i}`)
  const visits = ids.map((id): PlannerVisit => {
    const v: PlannerVisit = {
      id,
      prize: rng() < 0.8 ? int(1, 10) : int(5, 40) / 4,
      options: Array.from({ length: pick([1, 1, 1, 2]) }, (_, o) => ({
        location: int(0, size - 1),
        windows: windows(),
        serviceMinutes: int(0, 40),
        label: `option ${o}`,
      })),
    }
    if (rng() < 0.15)
      v.routeIds = routes
        .filter(() => rng() < 0.5)
        .map((r) => r.id)
        .concat(rng() < 0.2 ? ['Z'] : [])
    if (rng() < 0.12) v.pinnedTo = rng() < 0.1 ? 'Z' : pick(routes).id
    return v
  })
  for (const route of routes) if (rng() < 0.25) route.fixedOrder = ids.filter(() => rng() < 0.3).sort(() => rng() - 0.5)
  return { travel, routes, visits }
}

const pinnedScore = (input: PlannerInput, result: PlannerResult) => {
  const pinned = new Set(input.visits.filter((v) => v.pinnedTo !== undefined).map((v) => v.id))
  for (const route of input.routes) for (const id of route.fixedOrder ?? []) pinned.add(id)
  const prize = new Map(input.visits.map((v) => [v.id, v.prize]))
  return result.routes
    .flatMap((r) => r.stops)
    .reduce((s, stop) => s + (pinned.has(stop.visitId) ? prize.get(stop.visitId)! : 0), 0)
}

describe('plan: properties on random instances', () => {
  it('never returns a plan that breaks a rule (300 instances, up to 40 visits and 4 routes)', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const input = randomInstance(seed, 40, 4, false)
      const result = plan({ ...input, options: { seed, maxIterations: 150 } })
      assert.deepEqual(checkPlan(input, result), [], `instance ${seed}`)
    }
  })

  it('matches the exhaustive optimum on small instances (300 instances, up to 8 visits, 1-2 routes)', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const input = randomInstance(10_000 + seed, 8, 2, true)
      const result = plan({ ...input, options: { seed, maxIterations: 1500 } })
      assert.deepEqual(checkPlan(input, result), [], `instance ${seed}`)
      const optimum = exactOptimum(input)
      assert.ok(Math.abs(result.score - optimum.score) < 1e-9, `instance ${seed}: ${result.score} vs ${optimum.score}`)
      assert.ok(Math.abs(pinnedScore(input, result) - optimum.pinnedScore) < 1e-9, `instance ${seed}: pinned`)
    }
  })

  it('is reproducible with a seed and an iteration budget', () => {
    const input = randomInstance(77, 40, 3, false)
    const run = () => {
      const { ms: _ms, ...rest } = plan({ ...input, options: { seed: 5, maxIterations: 300 } })
      return rest
    }
    const first = run()
    assert.ok(first.iterations > 0 && first.iterations <= 300)
    assert.deepEqual(run(), first)
  })

  it('stops on its own within an interactive time when given no budget', () => {
    const input = randomInstance(78, 40, 3, false)
    const result = plan(input)
    assert.deepEqual(checkPlan(input, result), [])
    assert.ok(result.ms < 1000, `${result.ms} ms`)
  })
})
