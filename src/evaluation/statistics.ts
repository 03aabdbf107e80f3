/**
 * Statistics for the programme's evaluation and monitoring (issue 6): intervals for the engagement
 * rates, the paired pre / post comparison, the matched comparison group and its balance, quartiles of
 * the time to first IDVA contact, and small-count suppression for exports.
 *
 * Pure functions on plain numbers, standard library only. Nothing is rounded here: the page rounds.
 * Invalid input (a negative or fractional count, a confidence outside (0, 1), a non-finite value) is a
 * programming error and throws a RangeError; empty input is not an error and gives nulls.
 */

/**
 * The standard normal quantile Φ⁻¹(p), for the z of a confidence level. Wichura's algorithm AS241
 * (PPND16), Applied Statistics 37:477–484 (1988): relative error about 1e-16, the method R's qnorm
 * uses. Throws for p outside the open interval (0, 1).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile needs 0 < p < 1, got ${p}`)
  const q = p - 0.5
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q
    return (q * polynomial(CENTRAL_NUMERATOR, r)) / polynomial(CENTRAL_DENOMINATOR, r)
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p))
  let x: number
  if (r <= 5) {
    r -= 1.6
    x = polynomial(INTERMEDIATE_NUMERATOR, r) / polynomial(INTERMEDIATE_DENOMINATOR, r)
  } else {
    r -= 5
    x = polynomial(TAIL_NUMERATOR, r) / polynomial(TAIL_DENOMINATOR, r)
  }
  return q < 0 ? -x : x
}

// AS241's coefficients (published to 20 digits; here the nearest doubles, as CPython's NormalDist has
// them), constant term first.
const CENTRAL_NUMERATOR = [
  3.3871328727963665, 133.14166789178438, 1971.5909503065513, 13731.69376550946, 45921.95393154987, 67265.7709270087,
  33430.57558358813, 2509.0809287301227,
]
const CENTRAL_DENOMINATOR = [
  1, 42.31333070160091, 687.1870074920579, 5394.196021424751, 21213.794301586597, 39307.89580009271, 28729.085735721943,
  5226.495278852854,
]
const INTERMEDIATE_NUMERATOR = [
  1.4234371107496835, 4.630337846156546, 5.769497221460691, 3.6478483247632045, 1.2704582524523684, 0.2417807251774506,
  0.022723844989269184, 0.0007745450142783414,
]
const INTERMEDIATE_DENOMINATOR = [
  1, 2.053191626637759, 1.6763848301838038, 0.6897673349851, 0.14810397642748008, 0.015198666563616457,
  0.0005475938084995345, 1.0507500716444169e-9,
]
const TAIL_NUMERATOR = [
  6.657904643501103, 5.463784911164114, 1.7848265399172913, 0.29656057182850487, 0.026532189526576124,
  0.0012426609473880784, 2.7115555687434876e-5, 2.0103343992922881e-7,
]
const TAIL_DENOMINATOR = [
  1, 0.599832206555888, 0.1369298809227358, 0.014875361290850615, 0.0007868691311456133, 1.8463183175100548e-5,
  1.421511758316446e-7, 2.0442631033899397e-15,
]

function polynomial(coefficients: readonly number[], x: number): number {
  let sum = 0
  for (let i = coefficients.length - 1; i >= 0; i--) sum = sum * x + coefficients[i]!
  return sum
}

/** The two-sided z for a confidence level: 0.95 gives 1.959963984540054. */
function zFor(confidence: number): number {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`)
  return normalQuantile(1 - (1 - confidence) / 2)
}

function checkCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${name} must be a whole number ≥ 0, got ${value}`)
}

export type Interval = { proportion: number; lower: number; upper: number }
export type NoEstimate = { proportion: null; lower: null; upper: null }

/**
 * A proportion with its Wilson score interval, for every rate on the dashboard: engagement with the
 * investigation and with safeguarding advice over the attendances, victims supported over victims
 * responded to. Newcombe's method 3 (no continuity correction) in "Two-sided confidence intervals for
 * the single proportion: comparison of seven methods", Stat Med 17:857–872 (1998), after Wilson,
 * JASA 22:209–212 (1927). Unlike the textbook p ± z·SE it stays inside [0, 1] and does not collapse to
 * zero width at 0 or n successes: 0 successes give a lower limit of exactly 0 and an upper limit of
 * z²/(n + z²); n successes give n/(n + z²) and exactly 1.
 *
 * n = 0 (no attendances in the period) gives nulls throughout, not the formula's limit of [0, 1]: there
 * is no estimate, and a whole-axis error bar would read like a measurement. The page shows "no data".
 */
export function wilson(successes: number, n: number, confidence = 0.95): Interval | NoEstimate {
  checkCount('successes', successes)
  checkCount('n', n)
  if (successes > n) throw new RangeError(`successes (${successes}) cannot exceed n (${n})`)
  const z = zFor(confidence)
  if (n === 0) return { proportion: null, lower: null, upper: null }
  const z2 = z * z
  const proportion = successes / n
  const denominator = 2 * (n + z2)
  const centre = (2 * successes + z2) / denominator
  const halfWidth = (z * Math.sqrt(z2 + 4 * successes * (1 - proportion))) / denominator
  return {
    proportion,
    // The formula gives these limits exactly in real arithmetic; pin them against rounding error.
    lower: successes === 0 ? 0 : centre - halfWidth,
    upper: successes === n ? 1 : centre + halfWidth,
  }
}

/**
 * The 2 × 2 table of a binary outcome measured twice on the same people:
 * a = yes before and after, b = yes before only, c = yes after only, d = neither.
 */
export type PairedCounts = { a: number; b: number; c: number; d: number }
export type PairedOutcome = { before: boolean; after: boolean }

export type PairedDifference = PairedCounts & {
  n: number
  /** (a + b) / n */
  before: number | null
  /** (a + c) / n */
  after: number | null
  /** after − before = (c − b) / n; positive means more engagement after. */
  difference: number | null
  lower: number | null
  upper: number | null
}

/** Counts the 2 × 2 table from one before / after pair per person. */
export function tallyPairs(pairs: Iterable<PairedOutcome>): PairedCounts {
  const counts = { a: 0, b: 0, c: 0, d: 0 }
  for (const { before, after } of pairs) {
    if (before && after) counts.a++
    else if (before) counts.b++
    else if (after) counts.c++
    else counts.d++
  }
  return counts
}

/**
 * The change in a proportion measured twice on the same people, with Newcombe's hybrid score interval
 * for paired data: method 10 of "Improved confidence intervals for the difference between binomial
 * proportions based on paired data", Stat Med 17:2635–2650 (1998). For the pre / post comparison among
 * repeat victims (self-reported previous engagement against engagement after the programme), and for a
 * comparison group matched one-to-one, with the comparison victim as "before" and the attended victim
 * as "after". It combines the Wilson intervals of the two margins, allowing for their correlation φ,
 * which is estimated with Newcombe's correction: ad − bc is reduced by n/2 when above it, taken as 0
 * between 0 and n/2, and φ is 0 when any margin is empty.
 *
 * Takes the counts or the pairs themselves. n = 0 gives nulls.
 */
export function pairedDifference(input: PairedCounts | Iterable<PairedOutcome>, confidence = 0.95): PairedDifference {
  const { a, b, c, d } = isIterable(input) ? tallyPairs(input) : input
  for (const [name, value] of Object.entries({ a, b, c, d })) checkCount(name, value)
  const n = a + b + c + d
  const before = wilson(a + b, n, confidence)
  const after = wilson(a + c, n, confidence)
  if (before.proportion === null || after.proportion === null) {
    return { a, b, c, d, n, before: null, after: null, difference: null, lower: null, upper: null }
  }
  const difference = (c - b) / n
  const marginProduct = (a + b) * (c + d) * (a + c) * (b + d)
  const crossProduct = a * d - b * c
  let phi = 0
  if (marginProduct > 0) {
    if (crossProduct > n / 2) phi = (crossProduct - n / 2) / Math.sqrt(marginProduct)
    else if (crossProduct < 0) phi = crossProduct / Math.sqrt(marginProduct)
  }
  const afterBelow = after.proportion - after.lower
  const afterAbove = after.upper - after.proportion
  const beforeBelow = before.proportion - before.lower
  const beforeAbove = before.upper - before.proportion
  const delta = Math.sqrt(afterBelow ** 2 - 2 * phi * afterBelow * beforeAbove + beforeAbove ** 2)
  const epsilon = Math.sqrt(afterAbove ** 2 - 2 * phi * afterAbove * beforeBelow + beforeBelow ** 2)
  return {
    a,
    b,
    c,
    d,
    n,
    before: before.proportion,
    after: after.proportion,
    difference,
    lower: Math.max(-1, difference - delta),
    upper: Math.min(1, difference + epsilon),
  }
}

function isIterable(value: unknown): value is Iterable<PairedOutcome> {
  return typeof value === 'object' && value !== null && Symbol.iterator in value
}

export type GroupCount = { successes: number; n: number }
export type IndependentDifference = {
  first: GroupCount & { proportion: number | null }
  second: GroupCount & { proportion: number | null }
  /** first − second */
  difference: number | null
  lower: number | null
  upper: number | null
}

/**
 * The difference between the proportions of two independent groups with Newcombe's hybrid score
 * interval: method 10 of "Interval estimation for the difference between independent proportions:
 * comparison of eleven methods", Stat Med 17:873–890 (1998), built from the two Wilson intervals. For
 * the attended group against the eligible-but-not-attended comparison group when the matching is not
 * one-to-one (several comparison victims per attended victim, or a matched comparison sample compared
 * as a whole); each victim must count once.
 *
 * Use pairedDifference instead whenever the two proportions come from the same people (before / after)
 * or from one-to-one matched pairs analysed as pairs: the outcomes are then correlated, which this
 * interval ignores (for positively correlated pairs it is too wide; for the same people counted twice
 * it is simply wrong). Either group empty gives a null difference and interval.
 */
export function differenceOfProportions(
  first: GroupCount,
  second: GroupCount,
  confidence = 0.95,
): IndependentDifference {
  const one = wilson(first.successes, first.n, confidence)
  const two = wilson(second.successes, second.n, confidence)
  const groups = {
    first: { successes: first.successes, n: first.n, proportion: one.proportion },
    second: { successes: second.successes, n: second.n, proportion: two.proportion },
  }
  if (one.proportion === null || two.proportion === null) {
    return { ...groups, difference: null, lower: null, upper: null }
  }
  const difference = one.proportion - two.proportion
  const lower = difference - Math.hypot(one.proportion - one.lower, two.upper - two.proportion)
  const upper = difference + Math.hypot(one.upper - one.proportion, two.proportion - two.lower)
  return { ...groups, difference, lower: Math.max(-1, lower), upper: Math.min(1, upper) }
}

export type Quartiles = {
  n: number
  median: number | null
  lowerQuartile: number | null
  upperQuartile: number | null
}

/**
 * Median and quartiles, for the time from incident to first IDVA contact (minutes). Hyndman and Fan's
 * type 7 ("Sample quantiles in statistical packages", Am Stat 50:361–365, 1996): the p-quantile of
 * sorted x₁ … xₙ interpolates linearly at position 1 + (n − 1)p. Chosen because it is what PostgreSQL's
 * percentile_cont computes, so the dashboard's SQL and this function agree, and it is the default of R,
 * pandas / numpy and Excel's QUARTILE.INC, so an analyst reproduces the figures from the export with
 * default settings. Empty input gives nulls; one value is every quartile.
 */
export function quantiles(values: readonly number[]): Quartiles {
  for (const value of values) {
    if (!Number.isFinite(value)) throw new RangeError(`quantiles needs finite numbers, got ${value}`)
  }
  const n = values.length
  if (n === 0) return { n, median: null, lowerQuartile: null, upperQuartile: null }
  const sorted = Float64Array.from(values).sort()
  return { n, median: type7(sorted, 0.5), lowerQuartile: type7(sorted, 0.25), upperQuartile: type7(sorted, 0.75) }
}

function type7(sorted: Float64Array, p: number): number {
  const position = (sorted.length - 1) * p
  const below = Math.floor(position)
  const low = sorted[below]!
  const fraction = position - below
  return fraction === 0 ? low : low + fraction * (sorted[below + 1]! - low)
}

export type Balance = {
  nTreated: number
  nControl: number
  /** The mean, or for a binary covariate the proportion true. */
  meanTreated: number | null
  meanControl: number | null
  standardisedDifference: number | null
}

/**
 * How well the matched comparison group is balanced on one covariate (risk level, prior incidents,
 * time of year, area): the difference in means over the pooled SD √((s²treated + s²control) / 2), as in
 * Austin, "Balance diagnostics for comparing the distribution of baseline covariates between treatment
 * groups in propensity-score matched samples", Stat Med 28:3083–3107 (2009). |d| above 0.1 is the
 * usual sign of imbalance.
 *
 * A continuous covariate is given as numbers and uses sample variances (n − 1); a binary one is given
 * as booleans and uses p(1 − p). Edge cases: either group empty, or a continuous group with fewer than
 * two values (no variance), gives a null difference. Both groups constant (pooled SD 0) gives 0 when
 * their values are equal (exactly matched, e.g. on area) and ±Infinity when they differ (complete
 * separation) — not null, so a |d| > 0.1 check still flags it. JSON turns Infinity into null, so a page
 * should show it in words.
 */
export function standardisedMeanDifference(treated: readonly boolean[], control: readonly boolean[]): Balance
export function standardisedMeanDifference(treated: readonly number[], control: readonly number[]): Balance
export function standardisedMeanDifference(
  treated: readonly number[] | readonly boolean[],
  control: readonly number[] | readonly boolean[],
): Balance {
  const binary = [...treated, ...control].some((value) => typeof value === 'boolean')
  const one = describe(treated, binary)
  const two = describe(control, binary)
  const result = {
    nTreated: treated.length,
    nControl: control.length,
    meanTreated: one?.mean ?? null,
    meanControl: two?.mean ?? null,
  }
  if (!one || !two || one.variance === null || two.variance === null) {
    return { ...result, standardisedDifference: null }
  }
  const difference = one.mean - two.mean
  const pooledSd = Math.sqrt((one.variance + two.variance) / 2)
  if (pooledSd === 0)
    return { ...result, standardisedDifference: difference === 0 ? 0 : Math.sign(difference) * Infinity }
  return { ...result, standardisedDifference: difference / pooledSd }
}

function describe(
  values: readonly number[] | readonly boolean[],
  binary: boolean,
): { mean: number; variance: number | null } | null {
  const numbers = values.map((value: number | boolean) => {
    if ((typeof value === 'boolean') !== binary) throw new RangeError('Give a covariate as all numbers or all booleans')
    if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError(`Not a finite number: ${value}`)
    return Number(value)
  })
  const n = numbers.length
  if (n === 0) return null
  const mean = numbers.reduce((sum, value) => sum + value, 0) / n
  if (binary) return { mean, variance: mean * (1 - mean) }
  if (n < 2) return { mean, variance: null }
  const squares = numbers.reduce((sum, value) => sum + (value - mean) ** 2, 0)
  return { mean, variance: squares / (n - 1) }
}

/** The marker for a suppressed cell: "[c]", confidential, from the Government Analysis Function's table symbols. */
export const SUPPRESSED_MARKER = '[c]'

export type DisclosedCount = { count: number; suppressed: false; display: string }
export type SuppressedCount = { count: null; suppressed: true; display: typeof SUPPRESSED_MARKER }

/**
 * Disclosure control for a cell of an aggregate table in the evaluation export or on the dashboard:
 * a count from 1 to threshold − 1 (1 to 9 by default, the "under 10") becomes null with the
 * marker "[c]". Zero is shown: on its own it points at no one, and "no attendances in this area this
 * month" is information a manager needs; NHS Digital's HES disclosure rules likewise suppress from 1
 * upwards, not zeros. A zero can still reveal something about a whole group ("0 of 12 engaged" says
 * all 12 did not); like a suppressed cell recoverable from a total, that needs secondary suppression or
 * coarser tables, which this function does not do.
 */
export function suppressSmall(count: number, threshold = 10): DisclosedCount | SuppressedCount {
  checkCount('count', count)
  if (!Number.isSafeInteger(threshold) || threshold < 1) {
    throw new RangeError(`threshold must be a whole number ≥ 1, got ${threshold}`)
  }
  if (count > 0 && count < threshold) return { count: null, suppressed: true, display: SUPPRESSED_MARKER }
  return { count, suppressed: false, display: String(count) }
}
