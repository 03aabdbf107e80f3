/**
 * The matched comparison group the original evaluation lacked (issue 6, point 3): victims who were
 * eligible for the joint team but not attended (for example because no team was on shift), matched
 * to attended victims on risk level, area, prior incidents and time of year. Pure functions: no
 * database, no clock. The result is observational: matching balances only what is measured here,
 * not why a team was or was not on shift, so any difference in outcomes between the groups is an
 * association, not a measured effect of attendance.
 *
 * Method.
 * - Exact matching on risk level and area: every matched set lies inside one stratum.
 * - Within a stratum, nearest neighbour on prior incidents, within `caliperPriorIncidents`; among
 *   controls equally near on prior incidents, nearest on time of year, within `seasonWindowDays`.
 *   Time of year is the circular distance between UK calendar days of the year (a fixed 365-day
 *   calendar, 29 February counted as 28 February), so 31 December and 2 January are 2 days apart
 *   whatever the years. Remaining ties go to the control with the lower seeded pseudo-random rank.
 * - Without replacement: a control is used at most once.
 * - Greedy, in a deterministic order: within each stratum, attended units with the fewest
 *   candidates (controls within both calipers, counted before any matching) go first, so the hardest
 *   to match are not left with nothing; ties go in a seeded pseudo-random order. Every rank is a
 *   hash of the seed and the unit's id, so the result depends on the data and the seed, never on
 *   the order of the input arrays nor on how ids happen to sort.
 * - For `ratio` k > 1, matching runs in k rounds: each attended unit takes its first control before
 *   any takes its second. A unit that finds fewer than k keeps an incomplete set; its controls are
 *   weighted 1/(controls in the set), which the balance table and any outcome analysis must use.
 *
 * Known weakness: greedy matching is not optimal. An early unit may take the control that a later
 * unit needed, so a few units can go unmatched (reason `candidates_used_by_earlier_matches`) or get
 * a worse match than an optimal (minimum total distance, e.g. network-flow) matching would find.
 * Fewest-candidates-first reduces this but does not remove it. We accept it because optimal
 * matching is roughly cubic in the stratum size, and a national year (300,000 attended, over
 * 1,000,000 eligible but not attended) would not finish, while this is O(n log n) per stratum:
 * controls are bucketed by prior incidents and sorted by day of year, candidates are counted by
 * binary search, and the nearest unused control is found through two union-find "next unused"
 * indexes, so removing a used control costs almost nothing. The unmatched reasons and the balance
 * table show what the greedy choice cost.
 *
 * Balance: standardised mean differences (attended minus comparison, over the pooled SD
 * sqrt((s1² + s2²)/2); `standardisedMeanDifference` in statistics.ts) before matching (all units)
 * and after (matched units, each control weighted 1/(controls in its set); with ratio 1 or complete
 * sets the weights are all equal and this is the plain SMD). Covariates: risk level and area as indicators
 * (variance p(1 - p)), prior incidents, and day of year as sine and cosine (sample variances).
 * |SMD| > 0.1 is flagged. Exact matching makes the indicators' SMD after matching 0.
 */
import { localParts, UK_TIME_ZONE } from '../common/uk-time.ts'
import { standardisedMeanDifference } from './statistics.ts'

export type RiskLevel = 'standard' | 'medium' | 'high'
export const RISK_LEVELS: readonly RiskLevel[] = ['standard', 'medium', 'high']

export interface MatchUnit {
  readonly id: string
  readonly riskLevel: RiskLevel
  readonly area: string
  /** A count of earlier incidents: a whole number, 0 or more. */
  readonly priorIncidents: number
  readonly occurredAt: Date
}

export interface MatchOptions {
  /** Largest allowed |difference in prior incidents| (default 1; Infinity for none). */
  caliperPriorIncidents?: number
  /** Largest allowed circular distance between days of the year (default 45; 182 or more for none). */
  seasonWindowDays?: number
  /** Controls sought per attended unit (default 1). */
  ratio?: number
  /** Seeds the tie-breaking ranks (default 0). The same seed and data give the same result. */
  seed?: number | string
}

export interface ResolvedMatchOptions {
  caliperPriorIncidents: number
  seasonWindowDays: number
  ratio: number
  seed: number | string
}

export const MATCH_DEFAULTS: ResolvedMatchOptions = {
  caliperPriorIncidents: 1,
  seasonWindowDays: 45,
  ratio: 1,
  seed: 0,
}

/** The conventional limit: |SMD| above this is flagged as imbalanced. */
export const SMD_THRESHOLD = 0.1

export interface MatchedControl {
  id: string
  /** Control's prior incidents minus the attended unit's. */
  priorIncidentsDifference: number
  seasonDistanceDays: number
  /** 1 / (controls in this set): the weight for balance and for the outcome comparison. */
  weight: number
}

export interface MatchedSet {
  attendedId: string
  riskLevel: RiskLevel
  area: string
  /** In the order found: nearest first (round by round when ratio > 1). */
  controls: MatchedControl[]
}

export type UnmatchedReason =
  | 'no_control_in_stratum' // no eligible-not-attended unit with this risk level and area
  | 'none_within_caliper' // some in the stratum, none within the prior-incidents caliper
  | 'none_within_season_window' // some within the caliper, none within the time-of-year window
  | 'candidates_used_by_earlier_matches' // candidates existed, all taken first (the greedy cost)

export const UNMATCHED_REASONS: readonly UnmatchedReason[] = [
  'no_control_in_stratum',
  'none_within_caliper',
  'none_within_season_window',
  'candidates_used_by_earlier_matches',
]

export interface UnmatchedAttended {
  id: string
  riskLevel: RiskLevel
  area: string
  reason: UnmatchedReason
}

export interface MatchCounts {
  attended: number
  comparison: number
  matchedAttended: number
  matchedComparison: number
  unmatchedAttended: number
  unusedComparison: number
  /** Matched sets with fewer than `ratio` controls (always 0 when ratio is 1). */
  incompleteSets: number
  unmatchedByReason: Record<UnmatchedReason, number>
}

export interface StratumCounts {
  riskLevel: RiskLevel
  area: string
  attended: number
  comparison: number
  matchedAttended: number
  matchedComparison: number
}

export interface BalanceRow {
  /** Machine name: `riskLevel=high`, `area=North`, `priorIncidents`, `dayOfYearSin`, `dayOfYearCos`. */
  covariate: string
  label: string
  kind: 'indicator' | 'continuous'
  attendedMeanBefore: number | null
  comparisonMeanBefore: number | null
  smdBefore: number | null
  imbalancedBefore: boolean
  attendedMeanAfter: number | null
  comparisonMeanAfter: number | null
  smdAfter: number | null
  imbalancedAfter: boolean
}

export interface MatchResult {
  options: ResolvedMatchOptions
  /** Sorted by attended id. */
  sets: MatchedSet[]
  /** Sorted by id. */
  unmatched: UnmatchedAttended[]
  counts: MatchCounts
  /** Sorted by risk level (standard, medium, high) then area. */
  strata: StratumCounts[]
  balance: BalanceRow[]
}

// ---------------------------------------------------------------------------------------------
// Time of year

const YEAR_DAYS = 365
const HOUR_MS = 3_600_000
// Day of the year (0-based) on which each month starts, in a 365-day year.
const MONTH_START = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334]

/** Day of the year, 0 (1 January) to 364 (31 December), from a month (1-12) and day of month. */
export function dayOfYearFromMonthDay(month: number, day: number): number {
  const start = MONTH_START[month - 1]
  if (start === undefined || !Number.isInteger(day) || day < 1 || day > 31) {
    throw new RangeError(`No such month and day: ${month}/${day}`)
  }
  // 29 February counts as 28 February, so every year has the same 365 days.
  return start + Math.min(day, month === 2 ? 28 : day) - 1
}

// UK local dates change only on whole UTC hours (GMT and BST are whole hours from UTC), so one
// Intl look-up per UTC hour serves every instant in it; a year is at most 8,784 look-ups.
const dayByUtcHour = new Map<number, number>()

/** Day of the year (0-364) of the instant's UK calendar date. */
export function dayOfYear(date: Date): number {
  const ms = date.getTime()
  if (!Number.isFinite(ms)) throw new RangeError('Invalid date')
  const hour = Math.floor(ms / HOUR_MS)
  let day = dayByUtcHour.get(hour)
  if (day === undefined) {
    const { month, day: dayOfMonth } = localParts(new Date(hour * HOUR_MS), UK_TIME_ZONE)
    day = dayOfYearFromMonthDay(month, dayOfMonth)
    if (dayByUtcHour.size > 200_000) dayByUtcHour.clear()
    dayByUtcHour.set(hour, day)
  }
  return day
}

/** Circular distance, in days, between two days of the year (0-364): at most 182. */
export function circularDayDistance(a: number, b: number): number {
  const d = Math.abs(a - b) % YEAR_DAYS
  return Math.min(d, YEAR_DAYS - d)
}

/** Time-of-year distance between two instants, ignoring the year: 31 Dec and 2 Jan are 2 days apart. */
export function seasonDistanceDays(a: Date, b: Date): number {
  return circularDayDistance(dayOfYear(a), dayOfYear(b))
}

// ---------------------------------------------------------------------------------------------
// Seeded ranks

/** cyrb53: a fast, well-mixed 53-bit string hash (not cryptographic; only for tie-breaking). */
function hash53(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed
  let h2 = 0x41c6ce57 ^ seed
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ ch, 2654435761)
    h2 = Math.imul(h2 ^ ch, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507)
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507)
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return 4294967296 * (2097151 & h2) + (h1 >>> 0)
}

// ---------------------------------------------------------------------------------------------
// Matching

interface Control {
  unit: MatchUnit
  day: number
  rank: number
}

/** Controls in one stratum with the same prior incidents, sorted by (day, rank, id). */
interface Bucket {
  prior: number
  controls: Control[]
  days: Float64Array
  /** Index of the first control with the same day. */
  groupStart: Int32Array
  /** Union-find: next[i] leads to the first unused index >= i (n when none). */
  next: Int32Array
  /** Union-find, shifted by one: prev[i + 1] leads to (the last unused index <= i) + 1 (0 when none). */
  prev: Int32Array
}

interface Treated {
  unit: MatchUnit
  day: number
  rank: number
  candidates: number
  withinCaliper: number
  controls: MatchedControl[]
  controlUnits: MatchUnit[]
}

interface Candidate {
  bucket: Bucket
  index: number
  priorDistance: number
  seasonDistance: number
}

const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

function lowerBound(sorted: ArrayLike<number>, value: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid]! < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

function upperBound(sorted: ArrayLike<number>, value: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid]! <= value) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Union-find root with path compression. */
function root(parent: Int32Array, i: number): number {
  let r = i
  while (parent[r] !== r) r = parent[r]!
  while (parent[i] !== r) {
    const up = parent[i]!
    parent[i] = r
    i = up
  }
  return r
}

const firstUnusedFrom = (b: Bucket, i: number) => root(b.next, i) // b.controls.length when none
const lastUnusedUpTo = (b: Bucket, i: number) => root(b.prev, i + 1) - 1 // -1 when none

function markUsed(b: Bucket, i: number) {
  b.next[i] = i + 1
  b.prev[i + 1] = i
}

function makeBucket(prior: number, controls: Control[]): Bucket {
  controls.sort((x, y) => x.day - y.day || x.rank - y.rank || compareIds(x.unit.id, y.unit.id))
  const n = controls.length
  const days = new Float64Array(n)
  const groupStart = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    days[i] = controls[i]!.day
    groupStart[i] = i > 0 && days[i] === days[i - 1] ? groupStart[i - 1]! : i
  }
  const next = new Int32Array(n + 1)
  const prev = new Int32Array(n + 1)
  for (let i = 0; i <= n; i++) next[i] = prev[i] = i
  return { prior, controls, days, groupStart, next, prev }
}

/** Controls in the bucket within `window` days of `day` (circularly), used or not. */
function countInWindow(b: Bucket, day: number, window: number): number {
  const n = b.days.length
  if (window * 2 >= YEAR_DAYS - 1) return n // every day of the year is within 182 days
  const count = (lo: number, hi: number) => upperBound(b.days, hi) - lowerBound(b.days, lo)
  const lo = day - window
  const hi = day + window
  if (lo < 0) return count(0, hi) + count(lo + YEAR_DAYS, YEAR_DAYS)
  if (hi >= YEAR_DAYS) return count(lo, YEAR_DAYS) + count(0, hi - YEAR_DAYS)
  return count(lo, hi)
}

/** The unused control in the bucket nearest in time of year (then lowest rank), or -1. */
function nearestUnused(b: Bucket, day: number): number {
  const n = b.controls.length
  const start = lowerBound(b.days, day) // the first of its day, so the lowest-ranked unused of that day
  let after = firstUnusedFrom(b, start)
  if (after === n) after = firstUnusedFrom(b, 0) // wrap past 31 December
  if (after === n) return -1
  let before = start > 0 ? lastUnusedUpTo(b, start - 1) : -1
  if (before === -1) before = lastUnusedUpTo(b, n - 1) // wrap before 1 January
  before = firstUnusedFrom(b, b.groupStart[before]!) // the lowest-ranked unused of that day
  if (before === after) return after
  const da = circularDayDistance(b.days[after]!, day)
  const db = circularDayDistance(b.days[before]!, day)
  if (da !== db) return da < db ? after : before
  return isBetterControl(b.controls[after]!, b.controls[before]!) ? after : before
}

const isBetterControl = (x: Control, y: Control) => x.rank < y.rank || (x.rank === y.rank && x.unit.id < y.unit.id)

function isBetter(x: Candidate, y: Candidate | null): boolean {
  if (y === null) return true
  if (x.priorDistance !== y.priorDistance) return x.priorDistance < y.priorDistance
  if (x.seasonDistance !== y.seasonDistance) return x.seasonDistance < y.seasonDistance
  return isBetterControl(x.bucket.controls[x.index]!, y.bucket.controls[y.index]!)
}

class Stratum {
  readonly attended: Treated[] = []
  readonly comparison: Control[] = []
  constructor(
    readonly riskLevel: RiskLevel,
    readonly area: string,
  ) {}
}

function resolveOptions(options: MatchOptions): ResolvedMatchOptions {
  const resolved: ResolvedMatchOptions = {
    caliperPriorIncidents: options.caliperPriorIncidents ?? MATCH_DEFAULTS.caliperPriorIncidents,
    seasonWindowDays: options.seasonWindowDays ?? MATCH_DEFAULTS.seasonWindowDays,
    ratio: options.ratio ?? MATCH_DEFAULTS.ratio,
    seed: options.seed ?? MATCH_DEFAULTS.seed,
  }
  const { caliperPriorIncidents, seasonWindowDays, ratio, seed } = resolved
  if (!(caliperPriorIncidents >= 0)) throw new RangeError('caliperPriorIncidents must be 0 or more')
  if (!(seasonWindowDays >= 0)) throw new RangeError('seasonWindowDays must be 0 or more')
  if (!Number.isInteger(ratio) || ratio < 1) throw new RangeError('ratio must be a whole number, 1 or more')
  if (typeof seed === 'number' && !Number.isFinite(seed)) throw new RangeError('seed must be finite')
  return resolved
}

function checkUnits(units: readonly MatchUnit[], group: string) {
  const ids = new Set<string>()
  for (const u of units) {
    if (ids.has(u.id)) throw new RangeError(`${group}: id ${u.id} appears twice`)
    ids.add(u.id)
    if (!RISK_LEVELS.includes(u.riskLevel)) throw new RangeError(`${group} ${u.id}: unknown risk level ${u.riskLevel}`)
    if (!Number.isInteger(u.priorIncidents) || u.priorIncidents < 0) {
      throw new RangeError(`${group} ${u.id}: prior incidents must be a whole number, 0 or more`)
    }
    if (!(u.occurredAt instanceof Date) || Number.isNaN(u.occurredAt.getTime())) {
      throw new RangeError(`${group} ${u.id}: invalid date`)
    }
  }
}

/**
 * Matches attended units to eligible-but-not-attended (comparison) units. Pure and deterministic:
 * the same units (in any order) and seed give the same result.
 */
export function matchComparisonGroup(
  attended: readonly MatchUnit[],
  comparison: readonly MatchUnit[],
  options: MatchOptions = {},
): MatchResult {
  const resolved = resolveOptions(options)
  const { caliperPriorIncidents: caliper, seasonWindowDays: window, ratio } = resolved
  checkUnits(attended, 'attended')
  checkUnits(comparison, 'comparison')
  const seed = hash53(String(resolved.seed), 0) % 4294967296

  const strata = new Map<RiskLevel, Map<string, Stratum>>()
  const stratumOf = (u: MatchUnit) => {
    let byArea = strata.get(u.riskLevel)
    if (!byArea) strata.set(u.riskLevel, (byArea = new Map()))
    let s = byArea.get(u.area)
    if (!s) byArea.set(u.area, (s = new Stratum(u.riskLevel, u.area)))
    return s
  }
  for (const unit of attended) {
    const rank = hash53(unit.id, seed)
    stratumOf(unit).attended.push({
      unit,
      day: dayOfYear(unit.occurredAt),
      rank,
      candidates: 0,
      withinCaliper: 0,
      controls: [],
      controlUnits: [],
    })
  }
  for (const unit of comparison) {
    stratumOf(unit).comparison.push({ unit, day: dayOfYear(unit.occurredAt), rank: hash53(unit.id, seed ^ 0x5bd1e995) })
  }

  const matched: { set: MatchedSet; treated: Treated }[] = []
  const unmatched: UnmatchedAttended[] = []
  const stratumCounts: StratumCounts[] = []
  const ordered = [...strata.values()]
    .flatMap((byArea) => [...byArea.values()])
    .sort((x, y) => RISK_LEVELS.indexOf(x.riskLevel) - RISK_LEVELS.indexOf(y.riskLevel) || compareIds(x.area, y.area))
  for (const stratum of ordered) {
    const { riskLevel, area } = stratum
    let matchedComparison = 0
    const treated = stratum.attended
    if (treated.length > 0 && stratum.comparison.length > 0) {
      // Bucket the controls by prior incidents.
      const byPrior = new Map<number, Control[]>()
      for (const c of stratum.comparison) {
        const list = byPrior.get(c.unit.priorIncidents)
        if (list) list.push(c)
        else byPrior.set(c.unit.priorIncidents, [c])
      }
      const priors = [...byPrior.keys()].sort((a, b) => a - b)
      const buckets = priors.map((p) => makeBucket(p, byPrior.get(p)!))

      // Buckets within the caliper of `prior`, nearest first (p - d before p + d).
      const bucketsNear = (prior: number, visit: (b: Bucket, distance: number) => boolean) => {
        let below = lowerBound(priors, prior) - 1
        let above = below + 1
        for (;;) {
          const db = below >= 0 ? prior - priors[below]! : Infinity
          const da = above < priors.length ? priors[above]! - prior : Infinity
          const d = Math.min(db, da)
          if (d === Infinity || d > caliper) return
          const b = d === db ? buckets[below--]! : buckets[above++]!
          if (!visit(b, d)) return
        }
      }

      for (const t of treated) {
        bucketsNear(t.unit.priorIncidents, (b) => {
          t.withinCaliper += b.controls.length
          t.candidates += countInWindow(b, t.day, window)
          return true
        })
      }
      treated.sort((x, y) => x.candidates - y.candidates || x.rank - y.rank || compareIds(x.unit.id, y.unit.id))

      for (let round = 0; round < ratio; round++) {
        for (const t of treated) {
          if (t.controls.length < round || t.candidates === 0) continue // found nothing in an earlier round
          let best: Candidate | null = null
          bucketsNear(t.unit.priorIncidents, (bucket, priorDistance) => {
            if (best !== null && priorDistance > best.priorDistance) return false
            const index = nearestUnused(bucket, t.day)
            if (index === -1) return true
            const seasonDistance = circularDayDistance(bucket.days[index]!, t.day)
            if (seasonDistance > window) return true
            const candidate: Candidate = { bucket, index, priorDistance, seasonDistance }
            if (isBetter(candidate, best)) best = candidate
            return true
          })
          if (best === null) continue
          const { bucket, index, seasonDistance } = best as Candidate
          markUsed(bucket, index)
          const control = bucket.controls[index]!
          t.controls.push({
            id: control.unit.id,
            priorIncidentsDifference: control.unit.priorIncidents - t.unit.priorIncidents,
            seasonDistanceDays: seasonDistance,
            weight: 1,
          })
          t.controlUnits.push(control.unit)
          matchedComparison++
        }
      }
    }

    let matchedAttended = 0
    for (const t of treated) {
      if (t.controls.length > 0) {
        matchedAttended++
        for (const c of t.controls) c.weight = 1 / t.controls.length
        matched.push({ set: { attendedId: t.unit.id, riskLevel, area, controls: t.controls }, treated: t })
      } else {
        const reason: UnmatchedReason =
          stratum.comparison.length === 0
            ? 'no_control_in_stratum'
            : t.withinCaliper === 0
              ? 'none_within_caliper'
              : t.candidates === 0
                ? 'none_within_season_window'
                : 'candidates_used_by_earlier_matches'
        unmatched.push({ id: t.unit.id, riskLevel, area, reason })
      }
    }
    stratumCounts.push({
      riskLevel,
      area,
      attended: treated.length,
      comparison: stratum.comparison.length,
      matchedAttended,
      matchedComparison,
    })
  }
  matched.sort((x, y) => compareIds(x.set.attendedId, y.set.attendedId))
  const sets = matched.map((m) => m.set)
  unmatched.sort((x, y) => compareIds(x.id, y.id))

  const unmatchedByReason = Object.fromEntries(UNMATCHED_REASONS.map((r) => [r, 0])) as Record<UnmatchedReason, number>
  for (const u of unmatched) unmatchedByReason[u.reason]++
  const matchedComparison = stratumCounts.reduce((sum, s) => sum + s.matchedComparison, 0)
  const counts: MatchCounts = {
    attended: attended.length,
    comparison: comparison.length,
    matchedAttended: sets.length,
    matchedComparison,
    unmatchedAttended: unmatched.length,
    unusedComparison: comparison.length - matchedComparison,
    incompleteSets: sets.filter((s) => s.controls.length < ratio).length,
    unmatchedByReason,
  }

  return {
    options: resolved,
    sets,
    unmatched,
    counts,
    strata: stratumCounts,
    balance: balanceOf(
      attended,
      comparison,
      matched.map((m) => m.treated.unit),
      matched.flatMap((m) => m.treated.controlUnits),
      sets.flatMap((s) => s.controls.map((c) => c.weight)),
    ),
  }
}

// ---------------------------------------------------------------------------------------------
// Balance

/** Summary of one group on one covariate, as `standardisedMeanDifference` describes it. */
interface Described {
  mean: number
  /** Null when it cannot be estimated (a continuous covariate with fewer than two units). */
  variance: number | null
}

/** SMD from two described groups, with the conventions of `standardisedMeanDifference`. */
function smdOf(treated: Described | null, control: Described | null): number | null {
  if (!treated || !control || treated.variance === null || control.variance === null) return null
  const difference = treated.mean - control.mean
  const pooledSd = Math.sqrt((treated.variance + control.variance) / 2)
  if (pooledSd === 0) return difference === 0 ? 0 : Math.sign(difference) * Infinity
  return difference / pooledSd
}

/**
 * A 0/1 covariate from Σw over the group and Σw over the units where it is 1: variance p(1 - p), as
 * `standardisedMeanDifference` uses for booleans (which needs only p, so counts suffice).
 */
function describeIndicator(sumWeights: number, sumWeightsWhereOne: number): Described | null {
  if (sumWeights === 0) return null
  const p = sumWeightsWhereOne / sumWeights
  return { mean: p, variance: p * (1 - p) }
}

/**
 * A continuous covariate with weights: weighted mean and the reliability-weighted sample variance
 * Σw(x - mean)² / (Σw - Σw²/Σw), which is the usual n - 1 sample variance when every weight is 1.
 */
function describeWeighted(values: readonly number[], weights: readonly number[]): Described | null {
  if (values.length === 0) return null
  let sw = 0
  let sw2 = 0
  let sum = 0
  values.forEach((x, i) => {
    sw += weights[i]!
    sw2 += weights[i]! ** 2
    sum += weights[i]! * x
  })
  const mean = sum / sw
  if (values.length < 2) return { mean, variance: null }
  const squares = values.reduce((total, x, i) => total + weights[i]! * (x - mean) ** 2, 0)
  return { mean, variance: squares / (sw - sw2 / sw) }
}

/**
 * The balance table for matched sets from `matchComparisonGroup` (or made elsewhere): for each
 * covariate, the SMD of attended against comparison units before matching (all units) and after
 * (matched units, controls weighted as in their sets).
 */
export function balanceTable(
  attended: readonly MatchUnit[],
  comparison: readonly MatchUnit[],
  sets: readonly MatchedSet[],
): BalanceRow[] {
  const attendedById = new Map(attended.map((u) => [u.id, u]))
  const comparisonById = new Map(comparison.map((u) => [u.id, u]))
  const matchedAttended: MatchUnit[] = []
  const matchedComparison: MatchUnit[] = []
  const weights: number[] = []
  for (const s of sets) {
    const unit = attendedById.get(s.attendedId)
    if (!unit) throw new RangeError(`matched attended id ${s.attendedId} is not among the attended units`)
    matchedAttended.push(unit)
    for (const c of s.controls) {
      const control = comparisonById.get(c.id)
      if (!control) throw new RangeError(`matched comparison id ${c.id} is not among the comparison units`)
      matchedComparison.push(control)
      weights.push(c.weight)
    }
  }
  return balanceOf(attended, comparison, matchedAttended, matchedComparison, weights)
}

interface Sample {
  units: readonly MatchUnit[]
  /** Null when the weights are all equal: then the plain, unweighted SMD applies. */
  weights: readonly number[] | null
}

interface Pair {
  meanTreated: number | null
  meanControl: number | null
  smd: number | null
}

/** A continuous covariate of whole-number keys (prior incidents; day of the year) and values of them. */
interface Continuous {
  covariate: string
  label: string
  key: (u: MatchUnit) => number
  value: (key: number) => number
}

const CONTINUOUS: Continuous[] = [
  { covariate: 'priorIncidents', label: 'Prior incidents', key: (u) => u.priorIncidents, value: (k) => k },
  {
    covariate: 'dayOfYearSin',
    label: 'Time of year (sine)',
    key: (u) => dayOfYear(u.occurredAt),
    value: (k) => Math.sin((2 * Math.PI * k) / YEAR_DAYS),
  },
  {
    covariate: 'dayOfYearCos',
    label: 'Time of year (cosine)',
    key: (u) => dayOfYear(u.occurredAt),
    value: (k) => Math.cos((2 * Math.PI * k) / YEAR_DAYS),
  },
]

/**
 * A sample's values in a canonical order (by key), so that sums, and so the figures, cannot change in
 * the last digit with the order of the input. A counting sort: O(n), and each value computed once per key.
 */
function canonicalValues(units: readonly MatchUnit[], c: Continuous): number[] {
  const counts = new Map<number, number>()
  for (const u of units) {
    const k = c.key(u)
    counts.set(k, (counts.get(k) ?? 0) + 1)
  }
  const values: number[] = []
  for (const k of [...counts.keys()].sort((a, b) => a - b)) {
    const v = c.value(k)
    for (let i = counts.get(k)!; i > 0; i--) values.push(v)
  }
  return values
}

function row(covariate: string, label: string, kind: BalanceRow['kind'], before: Pair, after: Pair): BalanceRow {
  const flag = (smd: number | null) => smd !== null && Math.abs(smd) > SMD_THRESHOLD
  return {
    covariate,
    label,
    kind,
    attendedMeanBefore: before.meanTreated,
    comparisonMeanBefore: before.meanControl,
    smdBefore: before.smd,
    imbalancedBefore: flag(before.smd),
    attendedMeanAfter: after.meanTreated,
    comparisonMeanAfter: after.meanControl,
    smdAfter: after.smd,
    imbalancedAfter: flag(after.smd),
  }
}

/**
 * Continuous covariates go through `standardisedMeanDifference` (statistics.ts) whenever the weights
 * are equal (before matching, and after it with ratio 1 or complete sets); incomplete sets need the
 * weighted form of the same definition. Risk level and area indicators are computed from weighted
 * counts with the same definition (p(1 - p) variances), so that hundreds of areas need no array of
 * a million booleans each.
 */
function balanceOf(
  attended: readonly MatchUnit[],
  comparison: readonly MatchUnit[],
  matchedAttended: readonly MatchUnit[],
  matchedComparison: readonly MatchUnit[],
  comparisonWeights: readonly number[],
): BalanceRow[] {
  const before: [Sample, Sample] = [
    { units: attended, weights: null },
    { units: comparison, weights: null },
  ]
  const after: [Sample, Sample] = [
    { units: matchedAttended, weights: null },
    {
      units: matchedComparison,
      weights: comparisonWeights.every((w) => w === comparisonWeights[0]) ? null : comparisonWeights,
    },
  ]

  // Indicators: Σw per sample, per risk level and per area, in one pass over each sample.
  const tally = (s: Sample) => {
    let total = 0
    const byRisk = new Map<string, number>()
    const byArea = new Map<string, number>()
    for (let i = 0; i < s.units.length; i++) {
      const u = s.units[i]!
      const w = s.weights ? s.weights[i]! : 1
      total += w
      byRisk.set(u.riskLevel, (byRisk.get(u.riskLevel) ?? 0) + w)
      byArea.set(u.area, (byArea.get(u.area) ?? 0) + w)
    }
    return { total, byRisk, byArea }
  }
  type Tally = ReturnType<typeof tally>
  const tallies = [before.map(tally), after.map(tally)] as [Tally[], Tally[]]
  const indicatorPair = ([t, c]: Tally[], level: (t: Tally) => number | undefined): Pair => {
    const one = describeIndicator(t!.total, level(t!) ?? 0)
    const two = describeIndicator(c!.total, level(c!) ?? 0)
    return { meanTreated: one?.mean ?? null, meanControl: two?.mean ?? null, smd: smdOf(one, two) }
  }
  const continuousPair = ([t, c]: [Sample, Sample], covariate: Continuous): Pair => {
    if (!t.weights && !c.weights) {
      const b = standardisedMeanDifference(canonicalValues(t.units, covariate), canonicalValues(c.units, covariate))
      return { meanTreated: b.meanTreated, meanControl: b.meanControl, smd: b.standardisedDifference }
    }
    const values = (units: readonly MatchUnit[]) => units.map((u) => covariate.value(covariate.key(u)))
    const one = describeWeighted(values(t.units), t.weights ?? t.units.map(() => 1))
    const two = describeWeighted(values(c.units), c.weights ?? c.units.map(() => 1))
    return { meanTreated: one?.mean ?? null, meanControl: two?.mean ?? null, smd: smdOf(one, two) }
  }

  const rows: BalanceRow[] = []
  for (const level of RISK_LEVELS) {
    const pick = (t: Tally) => t.byRisk.get(level)
    rows.push(
      row(
        `riskLevel=${level}`,
        `Risk level: ${level}`,
        'indicator',
        indicatorPair(tallies[0], pick),
        indicatorPair(tallies[1], pick),
      ),
    )
  }
  const areas = [...new Set([...tallies[0][0]!.byArea.keys(), ...tallies[0][1]!.byArea.keys()])].sort(compareIds)
  for (const area of areas) {
    const pick = (t: Tally) => t.byArea.get(area)
    rows.push(
      row(
        `area=${area}`,
        `Area: ${area}`,
        'indicator',
        indicatorPair(tallies[0], pick),
        indicatorPair(tallies[1], pick),
      ),
    )
  }
  for (const c of CONTINUOUS) {
    rows.push(row(c.covariate, c.label, 'continuous', continuousPair(before, c), continuousPair(after, c)))
  }
  return rows
}
