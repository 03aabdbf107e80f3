import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  differenceOfProportions,
  normalQuantile,
  pairedDifference,
  quantiles,
  standardisedMeanDifference,
  suppressSmall,
  tallyPairs,
  wilson,
  type PairedOutcome,
} from './statistics.ts'

/** Passes when |actual − expected| ≤ tolerance; published figures to 4 dp get 5e-5. */
function near(actual: number | null, expected: number, tolerance: number, what: string) {
  assert.ok(actual !== null, `${what}: got null, expected ${expected}`)
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: got ${actual}, expected ${expected} ± ${tolerance}`)
}

const FOUR_DP = 5e-5
const SIX_DP = 5e-7

// z for 95%, and z², used in the hand calculations below.
const Z = 1.959963984540054
const Z2 = Z * Z // 3.841458820694124

describe('normalQuantile', () => {
  // Standard normal table values (to 16 significant figures, as R's qnorm prints them); the tail ones
  // were checked independently by solving Φ(x) = p with Newton's method on erfc.
  const cases = [
    { p: 0.5, x: 0 },
    { p: 0.9, x: 1.2815515655446004 }, // central region, |p − 0.5| ≤ 0.425
    { p: 0.95, x: 1.6448536269514722 },
    { p: 0.975, x: 1.959963984540054 }, // the 95% two-sided z
    { p: 0.995, x: 2.5758293035489 },
    { p: 0.999, x: 3.090232306167813 },
    { p: 0.9999, x: 3.719016485455709 },
    { p: 0.025, x: -1.959963984540054 },
    { p: 1e-12, x: -7.034483825301132 }, // tail region, √(−ln p) > 5
    { p: 1e-20, x: -9.262340089798409 },
  ]
  for (const { p, x } of cases) {
    it(`Φ⁻¹(${p}) = ${x}`, () => near(normalQuantile(p), x, 1e-12 * Math.max(1, Math.abs(x)), `Φ⁻¹(${p})`))
  }

  it('is antisymmetric about 0.5', () => {
    for (const p of [0.001, 0.01, 0.1, 0.3, 0.45, 0.07, 1e-8]) {
      near(normalQuantile(1 - p), -normalQuantile(p), 1e-9, `p = ${p}`)
    }
  })

  it('refuses p outside (0, 1)', () => {
    for (const p of [0, 1, -0.1, 1.5, Number.NaN]) assert.throws(() => normalQuantile(p), RangeError)
  })
})

describe('wilson', () => {
  const cases = [
    // Newcombe (1998) "Two-sided confidence intervals for the single proportion", Stat Med 17:857–872,
    // worked examples, method 3 (score, no continuity correction), 4 dp.
    { name: 'Newcombe 81/263', successes: 81, n: 263, p: 81 / 263, lower: 0.2553, upper: 0.3662, tol: FOUR_DP },
    { name: 'Newcombe 15/148', successes: 15, n: 148, p: 15 / 148, lower: 0.0624, upper: 0.1605, tol: FOUR_DP },
    { name: 'Newcombe 0/20', successes: 0, n: 20, p: 0, lower: 0, upper: 0.1611, tol: FOUR_DP },
    { name: 'Newcombe 1/29', successes: 1, n: 29, p: 1 / 29, lower: 0.0061, upper: 0.1718, tol: FOUR_DP },
    // The evaluation's 41% of 493 attendances (engaged with the investigation). By hand:
    // centre = (2·202 + z²) / (2(493 + z²)) = 407.841459 / 993.682918 = 0.410434;
    // half = z·√(z² + 4·202·(291/493)) / 993.682918 = 1.959964 · 21.926650 / 993.682918 = 0.043248.
    { name: '202/493 (41%)', successes: 202, n: 493, p: 0.409736, lower: 0.367186, upper: 0.453683, tol: SIX_DP },
    // 67% of 493 (engaged with safeguarding advice): centre = 663.841459 / 993.682918 = 0.668062;
    // half = 1.959964 · √(3.841459 + 4·330·(163/493)) / 993.682918
    //      = 1.959964 · 20.982849 / 993.682918 = 0.041387.
    { name: '330/493 (67%)', successes: 330, n: 493, p: 0.669371, lower: 0.626675, upper: 0.709448, tol: SIX_DP },
    // None engaged: lower exactly 0, upper z² / (n + z²) = 3.841459 / 13.841459.
    { name: '0/10', successes: 0, n: 10, p: 0, lower: 0, upper: Z2 / (10 + Z2), tol: 1e-12 },
    // All engaged: lower n / (n + z²) = 10 / 13.841459 = 0.722467, upper exactly 1.
    { name: '10/10', successes: 10, n: 10, p: 1, lower: 10 / (10 + Z2), upper: 1, tol: 1e-12 },
    { name: '1/1', successes: 1, n: 1, p: 1, lower: 1 / (1 + Z2), upper: 1, tol: 1e-12 },
  ]
  for (const { name, successes, n, p, lower, upper, tol } of cases) {
    it(name, () => {
      const result = wilson(successes, n)
      near(result.proportion, p, tol, 'proportion')
      near(result.lower, lower, tol, 'lower')
      near(result.upper, upper, tol, 'upper')
    })
  }

  it('gives exactly 0 and 1 at the ends, not a rounding error away', () => {
    assert.equal(wilson(0, 493).lower, 0)
    assert.equal(wilson(493, 493).upper, 1)
  })

  it('takes other confidence levels', () => {
    // 99%: z = 2.575829, z² = 6.634897; 0/10 has upper z² / (10 + z²) = 0.398854.
    near(wilson(0, 10, 0.99).upper, 0.398854, SIX_DP, '0/10 at 99%')
    // 81/263 at 90% (z = 1.644854) and 99%, computed with the same formula as the 95% case above.
    near(wilson(81, 263, 0.9).lower, 0.263314, SIX_DP, '90% lower')
    near(wilson(81, 263, 0.9).upper, 0.356566, SIX_DP, '90% upper')
    near(wilson(81, 263, 0.99).lower, 0.240137, SIX_DP, '99% lower')
    near(wilson(81, 263, 0.99).upper, 0.385283, SIX_DP, '99% upper')
  })

  it('gives nulls when there is nothing to count', () => {
    assert.deepEqual(wilson(0, 0), { proportion: null, lower: null, upper: null })
  })

  it('stays inside [0, 1], contains the proportion and rises with the count', () => {
    for (let n = 1; n <= 40; n++) {
      let previous = wilson(0, n)
      for (let successes = 0; successes <= n; successes++) {
        const result = wilson(successes, n)
        assert.ok(result.proportion !== null)
        assert.ok(0 <= result.lower && result.lower <= result.proportion, `${successes}/${n} lower`)
        assert.ok(result.proportion <= result.upper && result.upper <= 1, `${successes}/${n} upper`)
        if (successes > 0) assert.ok(result.lower > previous.lower! && result.upper > previous.upper!)
        previous = result
      }
    }
  })

  it('refuses impossible counts and confidence levels', () => {
    for (const [successes, n] of [
      [-1, 10],
      [11, 10],
      [2.5, 10],
      [1, Number.NaN],
      [1, Infinity],
    ] as const) {
      assert.throws(() => wilson(successes, n), RangeError, `${successes}/${n}`)
    }
    for (const confidence of [0, 1, 95, -0.5]) assert.throws(() => wilson(1, 10, confidence), RangeError)
  })
})

describe('pairedDifference', () => {
  // Counts: a = yes before and after, b = before only, c = after only, d = neither; difference = after − before.
  // Newcombe's paper writes θ = p₁ − p₂ = (b − c)/n with p₁ the first (before) margin, so for his
  // orientation negate our difference and swap and negate the limits.
  const cases = [
    // By hand, Newcombe's orientation: n = 40, p₁ = 17/40 = 0.425 with Wilson 0.285094–0.578049,
    // p₂ = 14/40 = 0.35 with Wilson 0.221345–0.504941; ad − bc = 252 − 10 = 242 > n/2, so
    // φ = (242 − 20) / √(17·23·14·26) = 222 / 377.258532 = 0.588456;
    // δ = √(0.139906² − 2φ·0.139906·0.154941 + 0.154941²) = 0.134418,
    // ε = √(0.153049² − 2φ·0.153049·0.128655 + 0.128655²) = 0.129623; θ = 0.0750 (−0.059418 to 0.204623).
    // The −0.0486 to 0.2003 once quoted for this table does not follow from method 10 (nor from φ
    // uncorrected, −0.0506 to 0.1963, nor Wald, −0.0525 to 0.2025); it is not one of the paper's examples.
    {
      name: '12, 5, 2, 21 (by hand)',
      counts: { a: 12, b: 5, c: 2, d: 21 },
      before: 0.425,
      after: 0.35,
      difference: -0.075,
      lower: -0.204623,
      upper: 0.059418,
      tol: SIX_DP,
    },
    // Newcombe (1998, paired): the paper's worked examples, method 10, 4 dp (the same tables and limits
    // are in the propint R package's tests); in his orientation θ = (f − g)/n and
    //   36, 12, 2, 0 → 0.2000 (0.0569 to 0.3404); 18, 12, 2, 18 → 0.2000 (0.0562 to 0.3290);
    //   53, 0, 0, 1 → 0 (−0.0729 to 0.0729);     0, 30, 0, 0 → 1 (0.8395 to 1).
    // By hand for the first: ad − bc = −24 < 0, so φ = −24 / √(48·2·38·12) = −0.114708.
    ...(
      [
        [36, 12, 2, 0, 0.2, 0.0569, 0.3404],
        [18, 12, 2, 18, 0.2, 0.0562, 0.329],
        [53, 0, 0, 1, 0, -0.0729, 0.0729],
        [0, 30, 0, 0, 1, 0.8395, 1],
      ] as const
    ).map(([a, b, c, d, theta, low, high]) => ({
      name: `Newcombe ${a}, ${b}, ${c}, ${d}`,
      counts: { a, b, c, d },
      before: (a + b) / (a + b + c + d),
      after: (a + c) / (a + b + c + d),
      difference: -theta,
      lower: -high,
      upper: -low,
      tol: FOUR_DP,
    })),
    // Complete response before and after consolidation therapy (Cavo et al. 2012), rows before, columns
    // after: 59, 6 / 16, 80. Fagerland, Lydersen & Laake, Statistical Analysis of Contingency Tables (2017),
    // ch. 8, Newcombe square-and-add: before − after = −0.0621 (−0.1186 to −0.0046).
    {
      name: 'Cavo et al., from Fagerland et al.',
      counts: { a: 59, b: 6, c: 16, d: 80 },
      before: 65 / 161,
      after: 75 / 161,
      difference: 0.0621,
      lower: 0.0046,
      upper: 0.1186,
      tol: FOUR_DP,
    },
    // Everyone engaged both times: both margins 10/10 with Wilson 0.722467–1, φ = 0 (empty margins),
    // so the interval is ±(1 − 0.722467) = ±0.277533.
    {
      name: 'all engaged both times',
      counts: { a: 10, b: 0, c: 0, d: 0 },
      before: 1,
      after: 1,
      difference: 0,
      lower: -Z2 / (10 + Z2),
      upper: Z2 / (10 + Z2),
      tol: 1e-12,
    },
    // Everyone changed, half each way: margins 5/10, Wilson half-width h = z·√(z² + 10)/(2(10 + z²)) = 0.263407,
    // φ = −25/√625 = −1, so δ = ε = √(h² + 2h² + h²) = 2h = 0.526814.
    {
      name: 'all discordant, half each way',
      counts: { a: 0, b: 5, c: 5, d: 0 },
      before: 0.5,
      after: 0.5,
      difference: 0,
      lower: -0.526814,
      upper: 0.526814,
      tol: SIX_DP,
    },
    // Nobody before, everybody after: difference 1, upper 1,
    // lower 1 − √((1 − 0.722467)² + 0.277533²) = 0.607509.
    {
      name: 'none before, all after',
      counts: { a: 0, b: 0, c: 10, d: 0 },
      before: 0,
      after: 1,
      difference: 1,
      lower: 1 - Math.SQRT2 * (Z2 / (10 + Z2)),
      upper: 1,
      tol: 1e-12,
    },
  ]
  for (const { name, counts, before, after, difference, lower, upper, tol } of cases) {
    it(name, () => {
      const result = pairedDifference(counts)
      assert.deepEqual([result.a, result.b, result.c, result.d], [counts.a, counts.b, counts.c, counts.d])
      assert.equal(result.n, counts.a + counts.b + counts.c + counts.d)
      near(result.before, before, 1e-12, 'before')
      near(result.after, after, 1e-12, 'after')
      near(result.difference, difference, tol, 'difference')
      near(result.lower, lower, tol, 'lower')
      near(result.upper, upper, tol, 'upper')
    })
  }

  it('counts the pairs itself', () => {
    const pairs: PairedOutcome[] = [
      ...Array.from({ length: 12 }, () => ({ before: true, after: true })),
      ...Array.from({ length: 5 }, () => ({ before: true, after: false })),
      ...Array.from({ length: 2 }, () => ({ before: false, after: true })),
      ...Array.from({ length: 21 }, () => ({ before: false, after: false })),
    ]
    assert.deepEqual(tallyPairs(pairs), { a: 12, b: 5, c: 2, d: 21 })
    assert.deepEqual(pairedDifference(pairs), pairedDifference({ a: 12, b: 5, c: 2, d: 21 }))
  })

  it('is the unpaired interval when the correction sets φ to 0', () => {
    // 2, 3, 3, 5: ad − bc = 1, between 0 and n/2 = 6.5, so φ = 0 and both margins are 5/13.
    const paired = pairedDifference({ a: 2, b: 3, c: 3, d: 5 })
    const unpaired = differenceOfProportions({ successes: 5, n: 13 }, { successes: 5, n: 13 })
    near(paired.lower, unpaired.lower!, 1e-15, 'lower')
    near(paired.upper, unpaired.upper!, 1e-15, 'upper')
  })

  it('gives nulls for no pairs', () => {
    assert.deepEqual(pairedDifference({ a: 0, b: 0, c: 0, d: 0 }), {
      a: 0,
      b: 0,
      c: 0,
      d: 0,
      n: 0,
      before: null,
      after: null,
      difference: null,
      lower: null,
      upper: null,
    })
    assert.equal(pairedDifference([]).difference, null)
  })

  it('keeps the interval inside [−1, 1] and around the difference for every table up to n = 8', () => {
    for (let a = 0; a <= 8; a++)
      for (let b = 0; a + b <= 8; b++)
        for (let c = 0; a + b + c <= 8; c++)
          for (let d = 0; a + b + c + d <= 8; d++) {
            if (a + b + c + d === 0) continue
            const { difference, lower, upper } = pairedDifference({ a, b, c, d })
            assert.ok(difference !== null && lower !== null && upper !== null)
            assert.ok(-1 <= lower && lower <= difference && difference <= upper && upper <= 1, `${a} ${b} ${c} ${d}`)
          }
  })

  it('refuses impossible counts', () => {
    assert.throws(() => pairedDifference({ a: -1, b: 0, c: 0, d: 1 }), RangeError)
    assert.throws(() => pairedDifference({ a: 1.5, b: 0, c: 0, d: 1 }), RangeError)
  })
})

describe('differenceOfProportions', () => {
  // Newcombe (1998) "Interval estimation for the difference between independent proportions: comparison
  // of eleven methods", Stat Med 17:873–890: its examples (a) to (h), method 10 (hybrid score), 4 dp.
  const cases = [
    { name: '56/70 − 48/80', one: [56, 70], two: [48, 80], difference: 0.2, lower: 0.0524, upper: 0.3339 },
    { name: '9/10 − 3/10', one: [9, 10], two: [3, 10], difference: 0.6, lower: 0.1705, upper: 0.809 },
    { name: '6/7 − 2/7', one: [6, 7], two: [2, 7], difference: 4 / 7, lower: 0.0582, upper: 0.8062 },
    { name: '5/56 − 0/29', one: [5, 56], two: [0, 29], difference: 5 / 56, lower: -0.0381, upper: 0.1926 },
    { name: '0/10 − 0/20', one: [0, 10], two: [0, 20], difference: 0, lower: -0.1611, upper: 0.2775 },
    { name: '0/10 − 0/10', one: [0, 10], two: [0, 10], difference: 0, lower: -0.2775, upper: 0.2775 },
    { name: '10/10 − 0/20', one: [10, 10], two: [0, 20], difference: 1, lower: 0.6791, upper: 1 },
    { name: '10/10 − 0/10', one: [10, 10], two: [0, 10], difference: 1, lower: 0.6075, upper: 1 },
    // Perondi et al. (2004), high v standard dose epinephrine, 7/34 − 1/34: Fagerland, Lydersen & Laake (2017),
    // ch. 4, Newcombe hybrid score: 0.1765 (0.0189 to 0.3404).
    {
      name: 'Perondi et al., from Fagerland et al.',
      one: [7, 34],
      two: [1, 34],
      difference: 6 / 34,
      lower: 0.0189,
      upper: 0.3404,
    },
  ] as const
  for (const { name, one, two, difference, lower, upper } of cases) {
    it(name, () => {
      const result = differenceOfProportions({ successes: one[0], n: one[1] }, { successes: two[0], n: two[1] })
      assert.deepEqual(result.first, { successes: one[0], n: one[1], proportion: one[0] / one[1] })
      assert.deepEqual(result.second, { successes: two[0], n: two[1], proportion: two[0] / two[1] })
      near(result.difference, difference, 1e-12, 'difference')
      near(result.lower, lower, FOUR_DP, 'lower')
      near(result.upper, upper, FOUR_DP, 'upper')
    })
  }

  it('by hand: 0/10 − 0/20 is −z²/(20 + z²) to z²/(10 + z²)', () => {
    const result = differenceOfProportions({ successes: 0, n: 10 }, { successes: 0, n: 20 })
    near(result.lower, -Z2 / (20 + Z2), 1e-12, 'lower')
    near(result.upper, Z2 / (10 + Z2), 1e-12, 'upper')
  })

  it('negates when the groups swap', () => {
    const forward = differenceOfProportions({ successes: 56, n: 70 }, { successes: 48, n: 80 })
    const back = differenceOfProportions({ successes: 48, n: 80 }, { successes: 56, n: 70 })
    near(back.difference, -forward.difference!, 1e-15, 'difference')
    near(back.lower, -forward.upper!, 1e-15, 'lower')
    near(back.upper, -forward.lower!, 1e-15, 'upper')
  })

  it('gives a null difference when a group is empty, keeping the other proportion', () => {
    const result = differenceOfProportions({ successes: 3, n: 12 }, { successes: 0, n: 0 })
    assert.deepEqual(result, {
      first: { successes: 3, n: 12, proportion: 0.25 },
      second: { successes: 0, n: 0, proportion: null },
      difference: null,
      lower: null,
      upper: null,
    })
  })
})

describe('quantiles', () => {
  // Type 7: the p-quantile is at 1-based position h = 1 + (n − 1)p, interpolating between neighbours.
  const cases = [
    { name: 'empty', values: [], n: 0, lower: null, median: null, upper: null },
    { name: 'one value', values: [42], n: 1, lower: 42, median: 42, upper: 42 },
    // h = 1.25, 1.5, 1.75 → 25, 50, 75.
    { name: 'two values', values: [0, 100], n: 2, lower: 25, median: 50, upper: 75 },
    // R's quantile(1:4): h = 1.75, 2.5, 3.25 → 1.75, 2.5, 3.25.
    { name: '1 to 4', values: [1, 2, 3, 4], n: 4, lower: 1.75, median: 2.5, upper: 3.25 },
    // h = 2.25 → 15 + 0.25·(36 − 15) = 20.25; h = 3.5 → 37.5; h = 4.75 → 39 + 0.75·1 = 39.75.
    { name: 'six values', values: [7, 15, 36, 39, 40, 41], n: 6, lower: 20.25, median: 37.5, upper: 39.75 },
    // h = 3.5 → 15 + 0.5·21 = 25.5; h = 6 → 40; h = 8.5 → 42 + 0.5·1 = 42.5.
    {
      name: 'eleven values',
      values: [6, 7, 15, 36, 39, 40, 41, 42, 43, 47, 49],
      n: 11,
      lower: 25.5,
      median: 40,
      upper: 42.5,
    },
    // Unsorted, with a tie: sorted 10, 10, 20, 30; h = 1.75 → 10; h = 2.5 → 15; h = 3.25 → 20 + 0.25·10 = 22.5.
    { name: 'unsorted, tied', values: [30, 10, 20, 10], n: 4, lower: 10, median: 15, upper: 22.5 },
    // Odd n, median is the middle value: sorted 5, 12, 90; h = 1.5 → 8.5; h = 2 → 12; h = 2.5 → 51.
    { name: 'minutes to contact', values: [90, 5, 12], n: 3, lower: 8.5, median: 12, upper: 51 },
  ]
  for (const { name, values, n, lower, median, upper } of cases) {
    it(name, () => {
      assert.deepEqual(quantiles(values), { n, median, lowerQuartile: lower, upperQuartile: upper })
    })
  }

  it('leaves the input alone', () => {
    const values = [3, 1, 2]
    quantiles(values)
    assert.deepEqual(values, [3, 1, 2])
  })

  it('refuses values that are not finite numbers', () => {
    for (const bad of [Number.NaN, Infinity, -Infinity]) assert.throws(() => quantiles([1, bad, 3]), RangeError)
  })
})

describe('standardisedMeanDifference', () => {
  it('continuous: difference in means over √((s₁² + s₂²)/2)', () => {
    // Means 4 and 2; sample variances ((−2)² + 0 + 2²)/2 = 4 and (1 + 0 + 1)/2 = 1; 2 / √2.5 = 1.264911.
    const result = standardisedMeanDifference([2, 4, 6], [1, 2, 3])
    assert.deepEqual([result.nTreated, result.nControl, result.meanTreated, result.meanControl], [3, 3, 4, 2])
    near(result.standardisedDifference, 1.264911, SIX_DP, 'd')
    near(standardisedMeanDifference([1, 2, 3], [2, 4, 6]).standardisedDifference, -1.264911, SIX_DP, 'reversed')
  })

  it('continuous with equal means is 0', () => {
    assert.equal(standardisedMeanDifference([1, 2, 3, 4, 5], [2, 3, 4]).standardisedDifference, 0)
  })

  it('binary: difference in proportions over √((p₁(1 − p₁) + p₂(1 − p₂))/2)', () => {
    // 4 of 10 against 2 of 10: 0.2 / √((0.24 + 0.16)/2) = 0.2 / √0.2 = 0.447214.
    const treated = [true, true, true, true, false, false, false, false, false, false]
    const control = [true, true, false, false, false, false, false, false, false, false]
    const result = standardisedMeanDifference(treated, control)
    near(result.meanTreated, 0.4, 1e-15, 'p treated')
    near(result.meanControl, 0.2, 1e-15, 'p control')
    near(result.standardisedDifference, 0.447214, SIX_DP, 'd')
    // One value in a group is enough for a binary covariate: 1 against 1/2 is 0.5 / √((0 + 0.25)/2) = 1.414214.
    near(standardisedMeanDifference([true], [true, false]).standardisedDifference, Math.SQRT2, 1e-12, 'n = 1')
  })

  const edges = [
    { name: 'both constant and equal (exactly matched)', treated: [3, 3], control: [3, 3, 3], d: 0 },
    { name: 'both constant, different (complete separation)', treated: [3, 3], control: [4, 4], d: -Infinity },
    { name: 'binary, all true in both', treated: [true, true], control: [true], d: 0 },
    { name: 'binary, all true against all false', treated: [true, true], control: [false, false], d: Infinity },
    { name: 'continuous, one treated value (no variance)', treated: [5], control: [1, 2], d: null },
    { name: 'no treated', treated: [], control: [1, 2], d: null },
    { name: 'no control', treated: [true], control: [], d: null },
  ] as const
  for (const { name, treated, control, d } of edges) {
    it(name, () => {
      // The table mixes kinds; each row is all numbers or all booleans, as the overloads require.
      const result = standardisedMeanDifference(treated as unknown as number[], control as unknown as number[])
      assert.equal(result.standardisedDifference, d)
    })
  }

  it('gives the means it can when the difference is null', () => {
    assert.deepEqual(standardisedMeanDifference([], [1, 2]), {
      nTreated: 0,
      nControl: 2,
      meanTreated: null,
      meanControl: 1.5,
      standardisedDifference: null,
    })
  })

  it('refuses a covariate mixing numbers and booleans, or non-finite values', () => {
    assert.throws(() => standardisedMeanDifference([1, 2], [true, false] as unknown as number[]), RangeError)
    assert.throws(() => standardisedMeanDifference([1, Number.NaN], [1, 2]), RangeError)
  })
})

describe('suppressSmall', () => {
  const cases = [
    { count: 0, threshold: 10, shown: 0 }, // zero identifies no one: shown
    { count: 1, threshold: 10, shown: null },
    { count: 9, threshold: 10, shown: null },
    { count: 10, threshold: 10, shown: 10 },
    { count: 493, threshold: 10, shown: 493 },
    { count: 4, threshold: 5, shown: null },
    { count: 5, threshold: 5, shown: 5 },
    { count: 1, threshold: 1, shown: 1 }, // threshold 1 suppresses nothing
  ]
  for (const { count, threshold, shown } of cases) {
    it(`${count} with threshold ${threshold} ${shown === null ? 'is suppressed' : 'is shown'}`, () => {
      assert.deepEqual(
        suppressSmall(count, threshold),
        shown === null
          ? { count: null, suppressed: true, display: '[c]' }
          : { count: shown, suppressed: false, display: String(shown) },
      )
    })
  }

  it('uses 10 by default', () => {
    assert.equal(suppressSmall(9).suppressed, true)
    assert.equal(suppressSmall(10).suppressed, false)
  })

  it('refuses counts and thresholds that are not whole numbers', () => {
    for (const count of [-1, 2.5, Number.NaN]) assert.throws(() => suppressSmall(count), RangeError)
    for (const threshold of [0, -3, 1.5]) assert.throws(() => suppressSmall(3, threshold), RangeError)
  })
})
