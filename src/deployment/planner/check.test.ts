import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { checkPlan } from './check.ts'
import type { PlannerInput, PlannerResult } from './types.ts'

// Locations on a line, one minute apart per unit.
const travel = Array.from({ length: 6 }, (_, a) => Array.from({ length: 6 }, (_, b) => Math.abs(a - b)))
const home = (location: number, windows = [{ open: 0, close: 100 }]) => [
  { location, windows, serviceMinutes: 10, label: 'home' },
]

const INPUT: PlannerInput = {
  travel,
  routes: [
    { id: 'A', startLocation: 0, endLocation: 0, startTime: 0, endTime: 100, fixedOrder: ['f1', 'f2'] },
    { id: 'B', startLocation: 5, endLocation: 5, startTime: 10, endTime: 100 },
  ],
  visits: [
    { id: 'f1', prize: 2, options: home(1) },
    { id: 'f2', prize: 2, options: home(2) },
    {
      id: 'b',
      prize: 3,
      options: home(4, [
        { open: 0, close: 5 },
        { open: 30, close: 60 },
      ]),
      routeIds: ['B'],
    },
    { id: 'p', prize: 1, options: home(3), pinnedTo: 'A' },
    { id: 'x', prize: 1, options: home(5, [{ open: 0, close: 1 }]) },
    { id: 'y', prize: 1, options: home(1), routeIds: ['Z'] },
  ],
}

const stop = (visitId: string, location: number, travelFromPrevious: number, arrival: number, start: number) => ({
  visitId,
  option: 0,
  location,
  travelFromPrevious,
  arrival,
  wait: start - arrival,
  start,
  end: start + 10,
})

const VALID: PlannerResult = {
  routes: [
    {
      routeId: 'A',
      stops: [stop('f1', 1, 1, 1, 1), stop('f2', 2, 1, 12, 12), stop('p', 3, 1, 23, 23)],
      departure: 0,
      returnTravel: 3,
      returnAt: 36,
      score: 5,
    },
    { routeId: 'B', stops: [stop('b', 4, 1, 11, 30)], departure: 10, returnTravel: 1, returnAt: 41, score: 3 },
  ],
  excluded: [
    { visitId: 'x', reason: 'cannot_fit_any_shift', detail: 'its window 00:00–00:01 closes first' },
    { visitId: 'y', reason: 'no_allowed_route', detail: 'its route Z is not in this plan' },
  ],
  score: 8,
  iterations: 0,
  ms: 0,
}

const broken = (change: (r: PlannerResult) => void, input: PlannerInput = INPUT) => {
  const result = structuredClone(VALID)
  change(result)
  return checkPlan(input, result)
}
const routeA = (r: PlannerResult) => r.routes[0]!
const routeB = (r: PlannerResult) => r.routes[1]!

describe('checkPlan', () => {
  it('accepts a plan that keeps every rule', () => {
    assert.deepEqual(checkPlan(INPUT, VALID), [])
  })

  const cases: [string, (r: PlannerResult) => void, RegExp][] = [
    [
      'a start outside every window',
      (r) => Object.assign(routeB(r).stops[0]!, { wait: 0, start: 11, end: 21 }),
      /outside every window/,
    ],
    [
      'a route back after its end',
      (r) => Object.assign(routeB(r), { returnAt: 101, returnTravel: 60 }),
      /after its end/,
    ],
    ['a visit in two routes', (r) => routeB(r).stops.push({ ...stop('p', 3, 1, 41, 41) }), /also on route A/],
    [
      'a visit neither planned nor excluded',
      (r) => {
        routeB(r).stops = []
        routeB(r).score = 0
        r.score = 5
      },
      /visit b is neither planned nor excluded/,
    ],
    [
      'a pinned visit dropped without a pinned_conflict',
      (r) => {
        routeA(r).stops.pop()
        r.excluded.push({ visitId: 'p', reason: 'outscored', detail: 'worth less' })
      },
      /pinned, so it must be planned or a pinned_conflict/,
    ],
    [
      'a broken fixed order',
      (r) => {
        routeA(r).stops = [stop('f2', 2, 2, 2, 2), stop('f1', 1, 1, 13, 13), stop('p', 3, 2, 25, 25)]
        Object.assign(routeA(r), { returnAt: 38 })
      },
      /breaks the fixed order/,
    ],
    [
      'a visit on a route not in its routeIds',
      (r) => {
        routeA(r).stops.push(stop('b', 4, 1, 34, 34))
        routeA(r).returnAt = 48
        routeA(r).returnTravel = 4
      },
      /route not in its routeIds/,
    ],
    ['an option that does not exist', (r) => (routeB(r).stops[0]!.option = 5), /option 5 does not exist/],
    ['an arrival that does not follow from travel', (r) => (routeA(r).stops[1]!.arrival = 13), /arrival 13/],
    ['a wait that is not start - arrival', (r) => (routeB(r).stops[0]!.wait = 3), /wait is not/],
    ['a wrong travel time', (r) => (routeA(r).stops[0]!.travelFromPrevious = 2), /travel 2 should be 1/],
    ['an end that is not start + service', (r) => (routeA(r).stops[0]!.end = 12), /end is not start \+ service/],
    ['a wrong score', (r) => (r.score = 9), /score 9 should be 8/],
    [
      'an exclusion whose reason is false',
      (r) => (r.excluded[0] = { visitId: 'x', reason: 'outscored', detail: 'worth less' }),
      /does not fit any allowed route even alone/,
    ],
    ['an exclusion without a detail', (r) => (r.excluded[1]!.detail = ' '), /no detail/],
    [
      'a planned visit also excluded',
      (r) => r.excluded.push({ visitId: 'f1', reason: 'outscored', detail: 'd' }),
      /also planned/,
    ],
    ['a missing route', (r) => r.routes.pop(), /route B is missing/],
  ]
  for (const [name, change, message] of cases) {
    it(`finds ${name}`, () => {
      const problems = broken(change)
      assert.ok(
        problems.some((p) => message.test(p)),
        `expected ${message} in ${JSON.stringify(problems)}`,
      )
    })
  }

  it('does not hold an empty route to its end time', () => {
    const input = structuredClone(INPUT)
    input.routes[1]!.endTime = 10
    input.visits = input.visits.filter((v) => v.id !== 'b')
    const problems = broken((r) => {
      Object.assign(routeB(r), { stops: [], score: 0, returnAt: 10, returnTravel: 0 })
      r.score = 5
    }, input)
    assert.deepEqual(problems, [])
  })
})
