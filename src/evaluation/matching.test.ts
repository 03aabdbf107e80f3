import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { isDeepStrictEqual } from 'node:util'
import {
  balanceTable,
  circularDayDistance,
  dayOfYear,
  matchComparisonGroup,
  seasonDistanceDays,
  SMD_THRESHOLD,
  type MatchOptions,
  type MatchResult,
  type MatchUnit,
  type RiskLevel,
  type UnmatchedReason,
} from './matching.ts'
import { standardisedMeanDifference } from './statistics.ts'

/** A unit on a date at noon UTC (the same UK calendar day in winter and summer time). */
const unit = (id: string, riskLevel: RiskLevel, area: string, priorIncidents: number, date: string): MatchUnit => ({
  id,
  riskLevel,
  area,
  priorIncidents,
  occurredAt: new Date(`${date}T12:00:00Z`),
})

/** A high-risk Blackpool unit: the stratum most cases use. */
const hb = (id: string, priorIncidents: number, date: string) => unit(id, 'high', 'Blackpool', priorIncidents, date)

/** attended id → comparison ids. */
const pairsOf = (r: MatchResult) => Object.fromEntries(r.sets.map((s) => [s.attendedId, s.controls.map((c) => c.id)]))
const reasonsOf = (r: MatchResult) => Object.fromEntries(r.unmatched.map((u) => [u.id, u.reason]))

/** Small deterministic PRNG for synthetic data (mulberry32). */
function prng(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = prng(seed)
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

const AREAS = ['Blackpool', 'Fylde', 'Wyre', 'Preston']
const LEVELS: RiskLevel[] = ['standard', 'medium', 'high']

function synthetic(prefix: string, n: number, seed: number, shift = 0): MatchUnit[] {
  const random = prng(seed)
  const start = Date.UTC(2025, 0, 1)
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}${i}`,
    riskLevel: LEVELS[Math.floor(random() * 3)]!,
    area: AREAS[Math.floor(random() * AREAS.length)]!,
    priorIncidents: Math.floor(random() * 6 + shift * random()),
    occurredAt: new Date(start + Math.floor(random() * 730 * 86_400_000)),
  }))
}

/** Every promise the matching makes, checked on any result. */
function assertValid(r: MatchResult, attended: readonly MatchUnit[], comparison: readonly MatchUnit[]) {
  const { caliperPriorIncidents, seasonWindowDays, ratio } = r.options
  const a = new Map(attended.map((u) => [u.id, u]))
  const c = new Map(comparison.map((u) => [u.id, u]))
  const used = new Set<string>()
  for (const s of r.sets) {
    const t = a.get(s.attendedId)!
    assert.ok(s.controls.length >= 1 && s.controls.length <= ratio, `set size ${s.controls.length}`)
    for (const m of s.controls) {
      assert.ok(!used.has(m.id), `control ${m.id} used twice`)
      used.add(m.id)
      const u = c.get(m.id)!
      assert.equal(u.riskLevel, t.riskLevel)
      assert.equal(u.area, t.area)
      assert.ok(Math.abs(u.priorIncidents - t.priorIncidents) <= caliperPriorIncidents, `${m.id}: outside the caliper`)
      assert.equal(m.priorIncidentsDifference, u.priorIncidents - t.priorIncidents)
      assert.equal(m.seasonDistanceDays, seasonDistanceDays(u.occurredAt, t.occurredAt))
      assert.ok(m.seasonDistanceDays <= seasonWindowDays, `${m.id}: outside the window`)
      assert.equal(m.weight, 1 / s.controls.length)
    }
  }
  assert.equal(r.counts.attended, attended.length)
  assert.equal(r.counts.comparison, comparison.length)
  assert.equal(r.counts.matchedAttended + r.counts.unmatchedAttended, attended.length)
  assert.equal(r.counts.matchedComparison, used.size)
  assert.equal(r.counts.unusedComparison, comparison.length - used.size)
  const seen = new Set([...r.sets.map((s) => s.attendedId), ...r.unmatched.map((u) => u.id)])
  assert.equal(seen.size, attended.length, 'every attended unit is matched or unmatched, once')
}

describe('time of year', () => {
  const cases: { a: string; b: string; days: number }[] = [
    { a: '2026-12-31T12:00:00Z', b: '2027-01-02T12:00:00Z', days: 2 },
    { a: '2027-01-02T12:00:00Z', b: '2026-12-31T12:00:00Z', days: 2 },
    { a: '2020-12-31T12:00:00Z', b: '2026-01-01T12:00:00Z', days: 1 }, // leap year's 31 Dec is still day 364
    { a: '2026-03-10T12:00:00Z', b: '2019-03-10T12:00:00Z', days: 0 }, // years ignored
    { a: '2026-01-01T12:00:00Z', b: '2026-07-02T12:00:00Z', days: 182 }, // the furthest apart
    { a: '2026-01-01T12:00:00Z', b: '2026-07-03T12:00:00Z', days: 182 }, // past half a year, round the end
    { a: '2028-02-29T12:00:00Z', b: '2026-02-28T12:00:00Z', days: 0 }, // 29 Feb counts as 28 Feb
    { a: '2028-02-29T12:00:00Z', b: '2026-03-01T12:00:00Z', days: 1 },
    { a: '2026-06-30T23:30:00Z', b: '2026-07-01T12:00:00Z', days: 0 }, // 00:30 BST on 1 July: a UK date
    { a: '2026-12-31T23:30:00Z', b: '2026-12-31T12:00:00Z', days: 0 }, // GMT: UTC and UK dates agree
  ]
  for (const c of cases) {
    it(`${c.a} to ${c.b}: ${c.days} days`, () => {
      assert.equal(seasonDistanceDays(new Date(c.a), new Date(c.b)), c.days)
    })
  }

  it('numbers the days of a 365-day year from 0', () => {
    assert.equal(dayOfYear(new Date('2026-01-01T00:00:00Z')), 0)
    assert.equal(dayOfYear(new Date('2026-03-01T12:00:00Z')), 59)
    assert.equal(dayOfYear(new Date('2028-03-01T12:00:00Z')), 59)
    assert.equal(dayOfYear(new Date('2026-12-31T12:00:00Z')), 364)
    assert.equal(circularDayDistance(364, 1), 2)
    assert.equal(circularDayDistance(1, 364), 2)
  })
})

describe('matchComparisonGroup: who is matched to whom', () => {
  const cases: {
    name: string
    attended: MatchUnit[]
    comparison: MatchUnit[]
    options?: MatchOptions
    pairs: Record<string, string[]>
    unmatched?: Record<string, UnmatchedReason>
  }[] = [
    {
      name: 'exact strata: only the same risk level and area, however near the others are',
      attended: [hb('A', 2, '2026-05-01')],
      comparison: [
        unit('other-area', 'high', 'Fylde', 2, '2026-05-01'),
        unit('other-risk', 'medium', 'Blackpool', 2, '2026-05-01'),
        hb('same-stratum', 3, '2026-06-10'),
      ],
      pairs: { A: ['same-stratum'] },
    },
    {
      name: 'exact strata: none in the stratum',
      attended: [hb('A', 2, '2026-05-01')],
      comparison: [unit('other-area', 'high', 'Fylde', 2, '2026-05-01')],
      pairs: {},
      unmatched: { A: 'no_control_in_stratum' },
    },
    {
      name: 'caliper 1: 2 prior incidents away is too far',
      attended: [hb('A', 3, '2026-05-01')],
      comparison: [hb('five', 5, '2026-05-01'), hb('one', 1, '2026-05-01')],
      pairs: {},
      unmatched: { A: 'none_within_caliper' },
    },
    {
      name: 'caliper 2 admits them: equally near on prior incidents, so the nearer in time of year',
      attended: [hb('A', 3, '2026-05-01')],
      comparison: [hb('five', 5, '2026-05-02'), hb('one', 1, '2026-05-03')],
      options: { caliperPriorIncidents: 2 },
      pairs: { A: ['five'] },
    },
    {
      name: 'caliper 0: exact prior incidents only',
      attended: [hb('A', 3, '2026-05-01')],
      comparison: [hb('four', 4, '2026-05-01'), hb('three-far', 3, '2026-06-01')],
      options: { caliperPriorIncidents: 0 },
      pairs: { A: ['three-far'] },
    },
    {
      name: 'nearest on prior incidents first, then on time of year',
      attended: [hb('A', 3, '2026-05-01')],
      comparison: [hb('same-prior-40-days', 3, '2026-06-10'), hb('one-more-same-day', 4, '2026-05-01')],
      pairs: { A: ['same-prior-40-days'] },
    },
    {
      name: 'the season window: 46 days is outside, so the next prior-incidents level is used',
      attended: [hb('A', 3, '2026-05-01')],
      comparison: [hb('same-prior-46-days', 3, '2026-06-16'), hb('one-less-10-days', 2, '2026-05-11')],
      pairs: { A: ['one-less-10-days'] },
    },
    {
      name: 'the season window: none inside it',
      attended: [hb('A', 3, '2026-05-01')],
      comparison: [hb('46-days-later', 3, '2026-06-16'), hb('46-days-earlier', 4, '2026-03-16')],
      pairs: {},
      unmatched: { A: 'none_within_season_window' },
    },
    {
      name: 'time of year wraps: 31 December matches 2 January of another year before 1 December',
      attended: [hb('A', 1, '2025-12-31')],
      comparison: [hb('1-dec', 1, '2025-12-01'), hb('2-jan', 1, '2027-01-02')],
      pairs: { A: ['2-jan'] },
    },
    {
      name: 'time of year wraps the other way: 2 January matches 20 December before 1 February',
      attended: [hb('A', 1, '2026-01-02')],
      comparison: [hb('1-feb', 1, '2026-02-01'), hb('20-dec', 1, '2026-12-20')],
      pairs: { A: ['20-dec'] },
    },
    {
      // X (1 May) and Y (30 Jun) are 60 days apart. U1 (1 Apr) can have only X, U2 (30 Jul) only Y,
      // L (31 May) either, 30 days from each: U1 and U2 go first, and L is left with none.
      name: 'no control twice: the unit with two candidates goes last and finds both taken',
      attended: [hb('U1', 2, '2026-04-01'), hb('L', 2, '2026-05-31'), hb('U2', 2, '2026-07-30')],
      comparison: [hb('X', 2, '2026-05-01'), hb('Y', 2, '2026-06-30')],
      pairs: { U1: ['X'], U2: ['Y'] },
      unmatched: { L: 'candidates_used_by_earlier_matches' },
    },
    {
      name: 'fewest candidates first: the unit with one candidate gets it, though it is nearer the other',
      attended: [hb('one-candidate', 2, '2026-03-01'), hb('two-candidates', 2, '2026-04-14')],
      comparison: [hb('X', 2, '2026-04-13'), hb('Y', 2, '2026-05-20')],
      pairs: { 'one-candidate': ['X'], 'two-candidates': ['Y'] },
    },
    {
      name: 'ratio 2: two nearest each, round by round, so the scarce unit still gets one',
      attended: [hb('A', 2, '2026-05-01'), hb('B', 2, '2026-08-01')],
      comparison: [
        hb('A1', 2, '2026-05-02'),
        hb('A2', 2, '2026-05-05'),
        hb('A3', 2, '2026-05-09'),
        hb('B1', 2, '2026-08-30'),
      ],
      options: { ratio: 2 },
      pairs: { A: ['A1', 'A2'], B: ['B1'] },
    },
    {
      name: 'ratio 2 with two units and two shared controls: one each, not two and none',
      attended: [hb('A', 2, '2026-05-01'), hb('B', 2, '2026-05-04')],
      comparison: [hb('X', 2, '2026-05-01'), hb('Y', 2, '2026-05-04')],
      options: { ratio: 2 },
      pairs: { A: ['X'], B: ['Y'] },
    },
    {
      name: 'every unmatched reason at once',
      attended: [
        unit('no-stratum', 'standard', 'Wyre', 0, '2026-05-01'),
        hb('caliper', 9, '2026-05-01'),
        hb('window', 2, '2026-11-01'),
        hb('U1', 2, '2026-04-01'),
        hb('L', 2, '2026-05-31'),
        hb('U2', 2, '2026-07-30'),
      ],
      comparison: [hb('X', 2, '2026-05-01'), hb('Y', 2, '2026-06-30')],
      pairs: { U1: ['X'], U2: ['Y'] },
      unmatched: {
        'no-stratum': 'no_control_in_stratum',
        caliper: 'none_within_caliper',
        window: 'none_within_season_window',
        L: 'candidates_used_by_earlier_matches',
      },
    },
  ]
  for (const c of cases) {
    it(c.name, () => {
      const r = matchComparisonGroup(c.attended, c.comparison, c.options)
      assert.deepEqual(pairsOf(r), c.pairs)
      assert.deepEqual(reasonsOf(r), c.unmatched ?? {})
      assertValid(r, c.attended, c.comparison)
    })
  }

  it('reports distances and weights, and counts per group and per stratum', () => {
    const attended = [hb('A', 2, '2026-05-01'), hb('B', 2, '2026-08-01'), unit('C', 'medium', 'Wyre', 0, '2026-01-01')]
    const comparison = [
      hb('A1', 3, '2026-05-04'),
      hb('A2', 2, '2026-04-21'),
      hb('B1', 1, '2026-08-02'),
      hb('spare', 9, '2026-01-01'),
    ]
    const r = matchComparisonGroup(attended, comparison, { ratio: 2 })
    assert.deepEqual(r.sets, [
      {
        attendedId: 'A',
        riskLevel: 'high',
        area: 'Blackpool',
        controls: [
          { id: 'A2', priorIncidentsDifference: 0, seasonDistanceDays: 10, weight: 0.5 },
          { id: 'A1', priorIncidentsDifference: 1, seasonDistanceDays: 3, weight: 0.5 },
        ],
      },
      {
        attendedId: 'B',
        riskLevel: 'high',
        area: 'Blackpool',
        controls: [{ id: 'B1', priorIncidentsDifference: -1, seasonDistanceDays: 1, weight: 1 }],
      },
    ])
    assert.deepEqual(r.counts, {
      attended: 3,
      comparison: 4,
      matchedAttended: 2,
      matchedComparison: 3,
      unmatchedAttended: 1,
      unusedComparison: 1,
      incompleteSets: 1,
      unmatchedByReason: {
        no_control_in_stratum: 1,
        none_within_caliper: 0,
        none_within_season_window: 0,
        candidates_used_by_earlier_matches: 0,
      },
    })
    assert.deepEqual(r.strata, [
      { riskLevel: 'medium', area: 'Wyre', attended: 1, comparison: 0, matchedAttended: 0, matchedComparison: 0 },
      { riskLevel: 'high', area: 'Blackpool', attended: 2, comparison: 4, matchedAttended: 2, matchedComparison: 3 },
    ])
    assert.deepEqual(r.options, { caliperPriorIncidents: 1, seasonWindowDays: 45, ratio: 2, seed: 0 })
  })

  it('empty inputs', () => {
    const none = matchComparisonGroup([], [])
    assert.deepEqual([none.sets, none.unmatched, none.strata], [[], [], []])
    assert.equal(none.counts.attended + none.counts.comparison, 0)
    assert.ok(
      none.balance.every((b) => b.smdBefore === null && b.smdAfter === null && !b.imbalancedBefore),
      'no SMD without units',
    )

    const noComparison = matchComparisonGroup([hb('A', 1, '2026-05-01')], [])
    assert.deepEqual(reasonsOf(noComparison), { A: 'no_control_in_stratum' })
    assert.equal(noComparison.counts.unmatchedByReason.no_control_in_stratum, 1)

    const noAttended = matchComparisonGroup([], [hb('X', 1, '2026-05-01')])
    assert.deepEqual(noAttended.sets, [])
    assert.equal(noAttended.counts.unusedComparison, 1)
    const area = noAttended.balance.find((b) => b.covariate === 'area=Blackpool')!
    assert.deepEqual([area.comparisonMeanBefore, area.smdBefore, area.smdAfter], [1, null, null])
  })

  it('refuses input it cannot match honestly', () => {
    const a = hb('A', 1, '2026-05-01')
    assert.throws(() => matchComparisonGroup([a, a], []), /appears twice/)
    assert.throws(() => matchComparisonGroup([hb('A', 1.5, '2026-05-01')], []), /whole number/)
    assert.throws(() => matchComparisonGroup([hb('A', -1, '2026-05-01')], []), /whole number/)
    assert.throws(() => matchComparisonGroup([{ ...a, occurredAt: new Date('nonsense') }], []), /invalid date/)
    assert.throws(() => matchComparisonGroup([{ ...a, riskLevel: 'severe' as RiskLevel }], []), /risk level/)
    assert.throws(() => matchComparisonGroup([], [], { ratio: 0 }), /ratio/)
    assert.throws(() => matchComparisonGroup([], [], { ratio: 1.5 }), /ratio/)
    assert.throws(() => matchComparisonGroup([], [], { caliperPriorIncidents: -1 }), /caliper/)
    assert.throws(() => matchComparisonGroup([], [], { seasonWindowDays: Number.NaN }), /seasonWindowDays/)
  })
})

describe('matchComparisonGroup: reproducible and not order-biased', () => {
  const attended = synthetic('a', 300, 1)
  const comparison = synthetic('c', 600, 2)

  it('gives the same result for a seed whatever the order of the input', () => {
    const first = matchComparisonGroup(attended, comparison, { seed: 7, ratio: 2 })
    assertValid(first, attended, comparison)
    for (const order of [1, 2, 3]) {
      const again = matchComparisonGroup(shuffled(attended, order), shuffled(comparison, order + 10), {
        seed: 7,
        ratio: 2,
      })
      // Not deepEqual: its diff of two large results takes minutes to print.
      assert.ok(isDeepStrictEqual(again, first), `input order ${order} changed the result`)
    }
  })

  it('breaks ties by the seed, not by id or input order', () => {
    // Five identical attended units and five identical controls: every pairing is equally good.
    const a = ['a1', 'a2', 'a3', 'a4', 'a5'].map((id) => hb(id, 1, '2026-05-01'))
    const c = ['c1', 'c2', 'c3', 'c4', 'c5'].map((id) => hb(id, 1, '2026-05-01'))
    const pairings = new Set<string>()
    for (const seed of [0, 1, 2, 3, 4, 5]) {
      const r = matchComparisonGroup(a, c, { seed })
      assert.equal(r.counts.matchedAttended, 5)
      pairings.add(JSON.stringify(pairsOf(r)))
      assert.deepEqual(matchComparisonGroup([...a].reverse(), [...c].reverse(), { seed }), r)
    }
    assert.ok(pairings.size > 1, 'different seeds give different pairings among equals')
  })

  it('accepts a string seed', () => {
    assert.deepEqual(
      matchComparisonGroup(attended, comparison, { seed: 'evaluation-2026' }),
      matchComparisonGroup(attended, comparison, { seed: 'evaluation-2026' }),
    )
  })
})

describe('balance', () => {
  // Confounded: attended victims have more prior incidents and are seen in winter; most of the
  // eligible-not-attended pool has few prior incidents and is from summer, but a subset resembles
  // the attended ones.
  const attended: MatchUnit[] = []
  const comparison: MatchUnit[] = []
  for (let i = 0; i < 40; i++) {
    const prior = 3 + (i % 4) // 3..6
    const day = `2026-01-${String(1 + (i % 28)).padStart(2, '0')}`
    attended.push(hb(`a${i}`, prior, day))
    comparison.push(hb(`similar${i}`, prior, day.replace('2026', '2025'))) // same day, a year earlier
  }
  for (let i = 0; i < 160; i++)
    comparison.push(hb(`summer${i}`, i % 2, `2026-07-${String(1 + (i % 28)).padStart(2, '0')}`))

  const row = (r: MatchResult, covariate: string) => r.balance.find((b) => b.covariate === covariate)!

  it('is poor before matching and good after it on a constructed confounded example', () => {
    const r = matchComparisonGroup(attended, comparison)
    assert.equal(r.counts.matchedAttended, 40)
    for (const covariate of ['priorIncidents', 'dayOfYearSin', 'dayOfYearCos']) {
      const b = row(r, covariate)
      assert.ok(b.smdBefore! > SMD_THRESHOLD, `${covariate} before: ${b.smdBefore}`)
      assert.equal(b.imbalancedBefore, true)
      assert.ok(Math.abs(b.smdAfter!) < SMD_THRESHOLD, `${covariate} after: ${b.smdAfter}`)
      assert.equal(b.imbalancedAfter, false)
    }
    // Hand-checkable: attended prior incidents are 3, 4, 5, 6 ten times each (mean 4.5); the
    // matched controls are the same; before, the pool mean is (40 × 4.5 + 160 × 0.5) / 200 = 1.3.
    const prior = row(r, 'priorIncidents')
    assert.deepEqual([prior.attendedMeanBefore, prior.comparisonMeanBefore], [4.5, 1.3])
    assert.deepEqual([prior.attendedMeanAfter, prior.comparisonMeanAfter, prior.smdAfter], [4.5, 4.5, 0])
  })

  it('lists risk level and area as indicators, exactly balanced after matching', () => {
    const mixed = [...attended, unit('fylde', 'medium', 'Fylde', 1, '2026-03-01')]
    const pool = [
      ...comparison,
      unit('fylde-c', 'medium', 'Fylde', 1, '2026-03-03'),
      unit('wyre-c', 'standard', 'Wyre', 0, '2026-03-03'),
    ]
    const r = matchComparisonGroup(mixed, pool)
    assert.deepEqual(
      r.balance.map((b) => b.covariate),
      [
        'riskLevel=standard',
        'riskLevel=medium',
        'riskLevel=high',
        'area=Blackpool',
        'area=Fylde',
        'area=Wyre',
        'priorIncidents',
        'dayOfYearSin',
        'dayOfYearCos',
      ],
    )
    for (const b of r.balance.filter((x) => x.kind === 'indicator')) {
      assert.equal(b.attendedMeanAfter, b.comparisonMeanAfter, b.covariate)
      assert.equal(b.smdAfter, 0, b.covariate)
    }
    // Medium risk: 1 of 41 attended against 1 of 202 in the pool; SMD from p(1 - p) variances.
    const medium = row(r, 'riskLevel=medium')
    const [p1, p2] = [1 / 41, 1 / 202]
    assert.equal(medium.smdBefore, (p1 - p2) / Math.sqrt((p1 * (1 - p1) + p2 * (1 - p2)) / 2))
  })

  it('weights the controls of incomplete sets, so exact matching still shows as balanced', () => {
    // Ratio 2: A (Blackpool) finds two controls, B (Fylde) one. Unweighted, the matched controls
    // would be 2/3 Blackpool against 1/2 of the attended; weighted 1/2, 1/2 and 1 they are 1/2.
    const a = [hb('A', 1, '2026-05-01'), unit('B', 'high', 'Fylde', 4, '2026-05-01')]
    const c = [hb('A1', 1, '2026-05-02'), hb('A2', 0, '2026-05-02'), unit('B1', 'high', 'Fylde', 4, '2026-05-03')]
    const r = matchComparisonGroup(a, c, { ratio: 2 })
    assert.equal(r.counts.incompleteSets, 1)
    const area = row(r, 'area=Blackpool')
    assert.deepEqual([area.attendedMeanAfter, area.comparisonMeanAfter, area.smdAfter], [0.5, 0.5, 0])
    // Prior incidents: attended 1 and 4 (mean 2.5, variance 4.5); controls 1 and 0 (weight 1/2 each)
    // and 4 (weight 1): mean (0.5 + 0 + 4) / 2 = 2.25; Σw(x - mean)² = 0.78125 + 2.53125 + 3.0625 =
    // 6.375 over Σw - Σw²/Σw = 2 - 1.5/2 = 1.25, variance 5.1. SMD 0.25 / √((4.5 + 5.1) / 2) = 0.1141.
    const prior = row(r, 'priorIncidents')
    assert.deepEqual([prior.attendedMeanAfter, prior.comparisonMeanAfter], [2.5, 2.25])
    assert.ok(Math.abs(prior.smdAfter! - 0.25 / Math.sqrt(4.8)) < 1e-12, String(prior.smdAfter))
    assert.equal(prior.imbalancedAfter, true)
  })

  it('with complete sets of 2, equal weights: the plain SMD of the matched units', () => {
    const a = [hb('A', 1, '2026-05-01'), hb('B', 4, '2026-08-01')]
    const c = [
      hb('A1', 1, '2026-05-02'),
      hb('A2', 0, '2026-05-02'),
      hb('B1', 4, '2026-08-03'),
      hb('B2', 5, '2026-08-03'),
    ]
    const r = matchComparisonGroup(a, c, { ratio: 2 })
    assert.deepEqual(pairsOf(r), { A: ['A1', 'A2'], B: ['B1', 'B2'] })
    assert.equal(r.counts.incompleteSets, 0)
    // Attended 1, 4: mean 2.5, variance 4.5. Controls 0, 1, 4, 5: mean 2.5. SMD 0.
    const prior = row(r, 'priorIncidents')
    assert.deepEqual([prior.attendedMeanAfter, prior.comparisonMeanAfter, prior.smdAfter], [2.5, 2.5, 0])
  })

  it('agrees with standardisedMeanDifference on unweighted samples', () => {
    const a = synthetic('a', 200, 5, 4)
    const c = synthetic('c', 500, 6)
    const rows = balanceTable(a, c, [])
    const prior = rows.find((b) => b.covariate === 'priorIncidents')!
    const shared = standardisedMeanDifference(
      a.map((u) => u.priorIncidents),
      c.map((u) => u.priorIncidents),
    )
    // Equal but for the last digits: the table sums in sorted order, so that input order cannot change it.
    assert.ok(Math.abs(prior.smdBefore! - shared.standardisedDifference!) < 1e-12, `${prior.smdBefore}`)
    for (const area of AREAS) {
      const b = rows.find((x) => x.covariate === `area=${area}`)!
      const expected = standardisedMeanDifference(
        a.map((u) => u.area === area),
        c.map((u) => u.area === area),
      ).standardisedDifference!
      assert.ok(Math.abs(b.smdBefore! - expected) < 1e-12, `${area}: ${b.smdBefore} vs ${expected}`)
    }
  })

  it('flags complete separation and treats identical constants as balanced', () => {
    const r = matchComparisonGroup([hb('A', 2, '2026-05-01')], [unit('X', 'medium', 'Blackpool', 2, '2026-05-01')])
    const high = row(r, 'riskLevel=high')
    assert.deepEqual([high.smdBefore, high.imbalancedBefore], [Infinity, true])
    const area = row(r, 'area=Blackpool')
    assert.deepEqual([area.smdBefore, area.imbalancedBefore], [0, false])
    assert.equal(row(r, 'priorIncidents').smdBefore, null) // one unit each: no sample variance
  })
})

describe('matchComparisonGroup at scale', () => {
  it('matches 20,000 attended against 60,000 eligible-not-attended units', () => {
    const attended = synthetic('a', 20_000, 11, 3)
    const comparison = synthetic('c', 60_000, 12)
    const r = matchComparisonGroup(attended, comparison, { seed: 1 })
    assertValid(r, attended, comparison)
    assert.equal(r.strata.length, 12)
    assert.ok(r.counts.matchedAttended > 15_000, `matched ${r.counts.matchedAttended}`)
    // Attended units have more prior incidents; a caliper of 1 leaves a little of that difference.
    const prior = r.balance.find((b) => b.covariate === 'priorIncidents')!
    assert.ok(prior.smdBefore! > 0.5 && Math.abs(prior.smdAfter!) < prior.smdBefore! / 4, JSON.stringify(prior))
  })
})
