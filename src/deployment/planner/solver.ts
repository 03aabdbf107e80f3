/**
 * The visit planner: a team orienteering problem with time windows, solved by large neighbourhood
 * search (remove some visits, put visits back greedily with noise) under simulated-annealing
 * acceptance, with restarts from the best plan and intra-route moves that free time. README.md.
 *
 * Every plan the search holds is feasible: insertions are checked exactly (latest-arrival
 * bookkeeping, valid with several windows and without the triangle inequality) and every changed
 * route is re-timed from its start.
 */
import type {
  Exclusion,
  PlannedRoute,
  PlannerInput,
  PlannerResult,
  PlannerRoute,
  PlannerVisit,
  TimeWindow,
  VisitOption,
} from './types.ts'

const DEFAULT_TIME_LIMIT_MS = 150
const DEFAULT_SEED = 1
/**
 * After an insertion, every waiting visit is re-costed while that is cheap (visits x stops under
 * this); beyond it only the visit about to be chosen is, if its cost is stale (lazy greedy).
 */
const EAGER_RECOST_LIMIT = 1500
/** Share of recreates that insert in a random order instead of greedily. */
const IN_ORDER_SHARE = 0.15
/** The largest ruin removes this share of the planned visits (plus one); most are far smaller. */
const RUIN_SHARE = 0.6
/** Log-scale noise on insertion costs: each node's cost is scaled by e^±NOISE. */
const NOISE = 0.5
/** Simulated-annealing start temperature, as a share of the mean prize; it falls to 0. */
const TEMPERATURE = 1
/** In acceptance, all the travel the routes could hold weighs this share of the mean prize. */
const TRAVEL_WEIGHT = 0.1
/**
 * Share of recreates in which the visits just removed wait until nothing else fits (leaving a
 * basin); in the others they compete at once (moving a visit, swapping two between teams).
 */
const TABU_SHARE = 0.4
/** Iterations without a new best before the search goes back to the best plan. */
const RESTART_AFTER = 2000
/** Steps allowed to the exact search for the best set of pinned visits of one route. */
const PINNED_SEARCH_BUDGET = 100_000

/** A small seeded generator (mulberry32): same seed, same sequence. */
export function createRng(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Minutes from midnight as HH:MM (a later day keeps counting hours: 25:30). */
export function clock(minutes: number): string {
  const total = Math.round(minutes)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${pad(Math.floor(total / 60))}:${pad(((total % 60) + 60) % 60)}`
}

/** How the reasons name times, routes and visits: the caller's words where it gave them. */
interface Words {
  time(minutes: number): string
  route(route: PlannerRoute): string
  visit(id: string): string
}

function wordsOf(input: PlannerInput): Words {
  const labels = new Map(input.visits.map((v) => [v.id, v.label ?? v.id]))
  return {
    time: input.options?.formatTime ?? clock,
    route: (route) => route.label ?? `route ${route.id}`,
    visit: (id) => labels.get(id) ?? id,
  }
}

const windowsText = (windows: TimeWindow[], words: Words) =>
  windows.length === 1
    ? `its window ${words.time(windows[0]!.open)}–${words.time(windows[0]!.close)}`
    : `its windows ${windows.map((w) => `${words.time(w.open)}–${words.time(w.close)}`).join(', ')}`

/** Sorted, merged, empty windows dropped: the solver's scans rely on it. */
function normalWindows(windows: TimeWindow[]): TimeWindow[] {
  const sorted = windows.filter((w) => w.open <= w.close).sort((a, b) => a.open - b.open)
  const out: TimeWindow[] = []
  for (const w of sorted) {
    const last = out[out.length - 1]
    if (last && w.open <= last.close) last.close = Math.max(last.close, w.close)
    else out.push({ open: w.open, close: w.close })
  }
  return out
}

/**
 * The compiled problem: flat arrays over routes, visits that might be planned, and nodes (a
 * visit's options that might fit some route).
 */
interface Model {
  L: number
  T: Float64Array
  R: number
  routeStartLoc: Int32Array
  routeEndLoc: Int32Array
  routeStartTime: Float64Array
  routeEndTime: Float64Array
  routeHasFixed: Uint8Array
  V: number
  prize: Float64Array
  mandatory: Uint8Array
  /** Position in its route's fixedOrder, or -1. */
  fixedRank: Int32Array
  visitNodeStart: Int32Array
  /** visitAllowed[v * R + r]: some node of v might fit route r. */
  visitAllowed: Uint8Array
  N: number
  nodeVisit: Int32Array
  nodeOption: Int32Array
  nodeLoc: Int32Array
  nodeService: Float64Array
  winStart: Int32Array
  winOpen: Float64Array
  winClose: Float64Array
  /** nodeAllowed[n * R + r]: the node passes route r's reachability bound. */
  nodeAllowed: Uint8Array
}

class Route {
  len = 0
  returnAt = 0
  /** Minutes spent travelling, return included: the tie-breaker between plans of equal prize. */
  travel = 0
  readonly nodes: Int32Array
  readonly start: Float64Array
  readonly end: Float64Array
  /** Latest arrival at stop i that keeps stop i and everything after it feasible. */
  readonly latest: Float64Array

  constructor(cap: number) {
    this.nodes = new Int32Array(cap)
    this.start = new Float64Array(cap)
    this.end = new Float64Array(cap)
    this.latest = new Float64Array(cap)
  }

  copyFrom(o: Route): void {
    const n = o.len
    this.len = n
    this.returnAt = o.returnAt
    this.travel = o.travel
    this.nodes.set(o.nodes.subarray(0, n))
    this.start.set(o.start.subarray(0, n))
    this.end.set(o.end.subarray(0, n))
    this.latest.set(o.latest.subarray(0, n))
  }
}

class Solution {
  readonly routes: Route[]
  /** Route index of each visit, or -1. */
  readonly routeOf: Int32Array
  score = 0
  pinned = 0

  constructor(m: Model) {
    this.routes = Array.from({ length: m.R }, () => new Route(Math.max(1, m.V)))
    this.routeOf = new Int32Array(m.V).fill(-1)
  }

  copyFrom(o: Solution): void {
    for (let r = 0; r < this.routes.length; r++) this.routes[r]!.copyFrom(o.routes[r]!)
    this.routeOf.set(o.routeOf)
    this.score = o.score
    this.pinned = o.pinned
  }
}

const travelOf = (sol: Solution) => sol.routes.reduce((sum, r) => sum + r.travel, 0)

/** Earliest start at or after `arrival` inside one of the node's windows; Infinity if none. */
function earliestStart(m: Model, node: number, arrival: number): number {
  for (let w = m.winStart[node]!, e = m.winStart[node + 1]!; w < e; w++) {
    if (m.winClose[w]! >= arrival) return Math.max(arrival, m.winOpen[w]!)
  }
  return Infinity
}

/** Latest start at or before `limit` inside one of the node's windows; -Infinity if none. */
function latestStart(m: Model, node: number, limit: number): number {
  for (let w = m.winStart[node + 1]! - 1, e = m.winStart[node]!; w >= e; w--) {
    if (m.winOpen[w]! <= limit) return Math.min(m.winClose[w]!, limit)
  }
  return -Infinity
}

/**
 * Re-times a route from its start (earliest starts, which is optimal: every later time is
 * monotone in every earlier one) and refreshes the latest-arrival bookkeeping. False if the
 * route breaks a window or its end time.
 */
function schedule(m: Model, ri: number, route: Route): boolean {
  const { T, L, nodeLoc, nodeService } = m
  const nodes = route.nodes
  let time = m.routeStartTime[ri]!
  let loc = m.routeStartLoc[ri]!
  let travel = 0
  for (let i = 0; i < route.len; i++) {
    const n = nodes[i]!
    const nl = nodeLoc[n]!
    const leg = T[loc * L + nl]!
    travel += leg
    const s = earliestStart(m, n, time + leg)
    if (s === Infinity) return false
    route.start[i] = s
    time = route.end[i] = s + nodeService[n]!
    loc = nl
  }
  const endLoc = m.routeEndLoc[ri]!
  route.returnAt = time + T[loc * L + endLoc]!
  route.travel = route.len > 0 ? travel + T[loc * L + endLoc]! : 0
  // An empty route is no plan, so it holds even where the team could not get back in time.
  if (!(route.returnAt <= m.routeEndTime[ri]!)) return route.len === 0
  let latest = m.routeEndTime[ri]!
  let next = endLoc
  for (let i = route.len - 1; i >= 0; i--) {
    const n = nodes[i]!
    latest = route.latest[i] = latestStart(m, n, latest - T[nodeLoc[n]! * L + next]! - nodeService[n]!)
    next = nodeLoc[n]!
  }
  return true
}

function fixedOrderKept(m: Model, route: Route): boolean {
  let last = -1
  for (let i = 0; i < route.len; i++) {
    const rank = m.fixedRank[m.nodeVisit[route.nodes[i]!]!]!
    if (rank >= 0) {
      if (rank < last) return false
      last = rank
    }
  }
  return true
}

interface Limits {
  deadline: number
  maxIterations: number
}

/** The search over one compiled problem. */
class Search {
  private readonly m: Model
  private readonly rng: () => number
  /** Upper bound on the score: every candidate made. Reaching it ends the search. */
  private readonly bound: number
  private readonly eps: number
  private readonly meanPrize: number
  // Per-recreate caches of the cheapest insertion of visit v into route r (index v * R + r).
  private readonly cacheShift: Float64Array
  private readonly cacheNode: Int32Array
  private readonly cachePos: Int32Array
  private readonly cacheStamp: Int32Array
  private readonly stamp: Int32Array
  /** Per-recreate noise on each node's cost: varies the order and the option chosen. */
  private readonly weight: Float64Array
  private readonly tabu: Uint8Array
  private readonly pool: Int32Array
  private readonly scratch: Route
  private readonly prizePow: Float64Array[]
  /** Prize per minute of travel in the acceptance test. */
  private readonly travelWeight: number
  iterations = 0

  constructor(m: Model, rng: () => number) {
    this.m = m
    this.rng = rng
    let bound = 0
    for (let v = 0; v < m.V; v++) bound += m.prize[v]!
    this.bound = bound
    this.eps = 1e-9 * Math.max(1, bound)
    this.meanPrize = m.V > 0 ? bound / m.V : 1
    let span = 0
    for (let r = 0; r < m.R; r++) span += Math.max(0, m.routeEndTime[r]! - m.routeStartTime[r]!)
    this.travelWeight = (TRAVEL_WEIGHT * this.meanPrize) / Math.max(1, span)
    this.cacheShift = new Float64Array(m.V * m.R)
    this.cacheNode = new Int32Array(m.V * m.R)
    this.cachePos = new Int32Array(m.V * m.R)
    this.cacheStamp = new Int32Array(m.V * m.R)
    this.stamp = new Int32Array(m.R)
    this.weight = new Float64Array(m.N)
    this.tabu = new Uint8Array(m.V)
    this.pool = new Int32Array(m.V)
    this.scratch = new Route(Math.max(1, m.V))
    this.prizePow = [1, 1.5, 2].map((a) => m.prize.map((p) => Math.pow(p, a)))
  }

  /** Sets an empty route to a sequence known to be feasible as a whole. */
  assign(sol: Solution, ri: number, nodes: number[]): void {
    const route = sol.routes[ri]!
    route.nodes.set(nodes)
    route.len = nodes.length
    if (!schedule(this.m, ri, route)) throw new Error('planner: pinned sequence does not fit')
    for (const node of nodes) {
      const v = this.m.nodeVisit[node]!
      sol.routeOf[v] = ri
      sol.score += this.m.prize[v]!
      if (this.m.mandatory[v]) sol.pinned += this.m.prize[v]!
    }
  }

  insertAt(sol: Solution, ri: number, pos: number, node: number): boolean {
    const route = sol.routes[ri]!
    const { nodes } = route
    nodes.copyWithin(pos + 1, pos, route.len)
    nodes[pos] = node
    route.len++
    if (!schedule(this.m, ri, route)) {
      nodes.copyWithin(pos, pos + 1, route.len)
      route.len--
      schedule(this.m, ri, route)
      return false
    }
    const v = this.m.nodeVisit[node]!
    sol.routeOf[v] = ri
    sol.score += this.m.prize[v]!
    if (this.m.mandatory[v]) sol.pinned += this.m.prize[v]!
    return true
  }

  /** Removes a stop; false (and nothing changed) if the rest would break a window without it. */
  removeAt(sol: Solution, ri: number, pos: number): boolean {
    const route = sol.routes[ri]!
    const { nodes } = route
    const node = nodes[pos]!
    nodes.copyWithin(pos, pos + 1, route.len)
    route.len--
    // Only without the triangle inequality can a removal make a route infeasible.
    if (!schedule(this.m, ri, route)) {
      nodes.copyWithin(pos + 1, pos, route.len)
      nodes[pos] = node
      route.len++
      schedule(this.m, ri, route)
      return false
    }
    const v = this.m.nodeVisit[node]!
    sol.routeOf[v] = -1
    sol.score -= this.m.prize[v]!
    if (this.m.mandatory[v]) sol.pinned -= this.m.prize[v]!
    return true
  }

  /**
   * Cheapest feasible insertion of visit v into route ri: the increase of the arrival time at the
   * next stop (the "shift"), with its node and position in the caches. Infinity if none.
   */
  private evaluate(sol: Solution, v: number, ri: number): number {
    const m = this.m
    const { T, L, nodeLoc, nodeService, R } = m
    const route = sol.routes[ri]!
    const len = route.len
    const startLoc = m.routeStartLoc[ri]!
    const endLoc = m.routeEndLoc[ri]!
    const endTime = m.routeEndTime[ri]!
    const startTime = m.routeStartTime[ri]!
    let best = Infinity
    let bestNode = -1
    let bestPos = -1
    let lo = 0
    let hi = len
    const rank = m.fixedRank[v]!
    if (rank >= 0) {
      for (let i = 0; i < len; i++) {
        const other = m.fixedRank[m.nodeVisit[route.nodes[i]!]!]!
        if (other >= 0 && other < rank) lo = i + 1
        if (other > rank && hi === len) hi = i
      }
    }
    for (let n = m.visitNodeStart[v]!, ne = m.visitNodeStart[v + 1]!; n < ne; n++) {
      if (!m.nodeAllowed[n * R + ri]) continue
      const loc = nodeLoc[n]!
      const service = nodeService[n]!
      const lastClose = m.winClose[m.winStart[n + 1]! - 1]!
      // Ends grow and latest arrivals grow along the route, so the positions that might work
      // are one range: leave no later than the last close, arrive where service still fits.
      let a = lo
      let b = hi
      while (a < b) {
        const mid = (a + b + 1) >> 1
        if (route.end[mid - 1]! <= lastClose) a = mid
        else b = mid - 1
      }
      const last = a
      const need = m.winOpen[m.winStart[n]!]! + service
      a = lo
      b = last
      while (a < b) {
        const mid = (a + b) >> 1
        if ((mid < len ? route.latest[mid]! : endTime) >= need) b = mid
        else a = mid + 1
      }
      for (let p = a; p <= last; p++) {
        const prevEnd = p > 0 ? route.end[p - 1]! : startTime
        const prevLoc = p > 0 ? nodeLoc[route.nodes[p - 1]!]! : startLoc
        const arrival = prevEnd + T[prevLoc * L + loc]!
        if (arrival > lastClose) continue
        const s = earliestStart(m, n, arrival)
        const nextLoc = p < len ? nodeLoc[route.nodes[p]!]! : endLoc
        const nextArrival = s + service + T[loc * L + nextLoc]!
        if (nextArrival > (p < len ? route.latest[p]! : endTime)) continue
        const shift = (nextArrival - prevEnd - T[prevLoc * L + nextLoc]!) / this.weight[n]!
        if (shift < best) {
          best = shift
          bestNode = n
          bestPos = p
        }
      }
    }
    const k = v * R + ri
    this.cacheShift[k] = best
    this.cacheNode[k] = bestNode
    this.cachePos[k] = bestPos
    this.cacheStamp[k] = this.stamp[ri]!
    return best
  }

  /**
   * Greedy insertion until nothing fits: pinned visits first if asked, then the best noisy ratio
   * of prize (to the power 1, 1.5 or 2) to time used. With useTabu, the visits just removed wait
   * until nothing else fits.
   */
  recreate(sol: Solution, noise: number, power: number, pinnedFirst: boolean, useTabu = true): void {
    const m = this.m
    const { R } = m
    const pool = this.pool
    let size = 0
    for (let v = 0; v < m.V; v++) {
      if (sol.routeOf[v] !== -1) continue
      pool[size++] = v
      for (let n = m.visitNodeStart[v]!, ne = m.visitNodeStart[v + 1]!; n < ne; n++) {
        this.weight[n] = Math.exp(noise * (2 * this.rng() - 1))
      }
      for (let r = 0; r < R; r++) {
        if (m.visitAllowed[v * R + r]) this.evaluate(sol, v, r)
        else this.cacheShift[v * R + r] = Infinity
      }
    }
    const pw = this.prizePow[power]!
    const shiftFloor = 1e-6 * (1 + this.meanPrize)
    let allowTabu = !useTabu
    while (size > 0) {
      let bestI = -1
      let bestR = -1
      let bestVal = -Infinity
      let bestMandatory = false
      for (let i = 0; i < size; i++) {
        const v = pool[i]!
        const mand = pinnedFirst && m.mandatory[v] === 1
        if (this.tabu[v] && !allowTabu && !m.mandatory[v]) continue
        if (bestMandatory && !mand) continue
        for (let r = 0; r < R; r++) {
          const shift = this.cacheShift[v * R + r]!
          if (shift === Infinity) continue
          const val = pw[v]! / Math.max(shift, shiftFloor)
          if (val > bestVal || (mand && !bestMandatory)) {
            bestVal = val
            bestI = i
            bestR = r
            bestMandatory = mand
          }
        }
      }
      if (bestI < 0) {
        if (allowTabu) break
        allowTabu = true
        continue
      }
      const v = pool[bestI]!
      const k = v * R + bestR
      if (this.cacheStamp[k] !== this.stamp[bestR]) {
        this.evaluate(sol, v, bestR)
        continue
      }
      if (this.insertAt(sol, bestR, this.cachePos[k]!, this.cacheNode[k]!)) {
        this.tabu[v] = 0
        pool[bestI] = pool[--size]!
      } else {
        // Rounding made the exact check disagree with the re-timing: never try it here again.
        this.cacheShift[k] = Infinity
        continue
      }
      this.stamp[bestR]!++
      if (size * sol.routes[bestR]!.len > EAGER_RECOST_LIMIT) continue
      // An insertion only delays the stops after it and advances the latest arrivals before it,
      // so what did not fit still does not (with the triangle inequality; a heuristic without).
      for (let i = 0; i < size; i++) {
        const u = pool[i]!
        if (this.cacheShift[u * R + bestR]! < Infinity) this.evaluate(sol, u, bestR)
      }
    }
    for (let i = 0; i < size; i++) this.tabu[pool[i]!] = 0
  }

  /**
   * Insertion in a random order, each visit at its cheapest place if it has one (pinned visits
   * first if asked, the visits just removed last). Cruder than the greedy, so it reaches
   * combinations the greedy's locally best choice never tries.
   */
  recreateInOrder(sol: Solution, noise: number, pinnedFirst: boolean, useTabu = true): void {
    const m = this.m
    const { R } = m
    const pool = this.pool
    const rng = this.rng
    let size = 0
    for (let v = 0; v < m.V; v++) if (sol.routeOf[v] === -1) pool[size++] = v
    for (let i = size - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1))
      const t = pool[i]!
      pool[i] = pool[j]!
      pool[j] = t
    }
    const rank = (v: number) => (pinnedFirst && m.mandatory[v] ? 0 : useTabu && this.tabu[v] && !m.mandatory[v] ? 2 : 1)
    const order = Array.from(pool.subarray(0, size)).sort((a, b) => rank(a) - rank(b))
    for (const v of order) {
      this.tabu[v] = 0
      for (let n = m.visitNodeStart[v]!, ne = m.visitNodeStart[v + 1]!; n < ne; n++) {
        this.weight[n] = Math.exp(noise * (2 * rng() - 1))
      }
      let bestR = -1
      let best = Infinity
      for (let r = 0; r < R; r++) {
        if (!m.visitAllowed[v * R + r]) continue
        const shift = this.evaluate(sol, v, r)
        if (shift < best) {
          best = shift
          bestR = r
        }
      }
      if (bestR >= 0) this.insertAt(sol, bestR, this.cachePos[v * R + bestR]!, this.cacheNode[v * R + bestR]!)
    }
  }

  /** Removes some visits, marked tabu for the following recreate. */
  ruin(sol: Solution): void {
    const m = this.m
    const rng = this.rng
    let visited = 0
    for (const route of sol.routes) visited += route.len
    if (visited === 0) return
    // Mostly a few visits; now and then most of a route, to leave a basin the small moves cannot.
    const u = rng()
    const count = 1 + Math.floor(u * u * Math.min(visited, Math.ceil(visited * RUIN_SHARE) + 1))
    const kind = rng()
    if (kind < 0.4) {
      for (let k = 0; k < count; k++) this.removeRandom(sol)
    } else if (kind < 0.7) {
      // A run of consecutive stops in one route: frees a stretch of the day.
      const ri = this.randomNonEmptyRoute(sol)
      const route = sol.routes[ri]!
      const len = Math.min(count, route.len)
      let pos = Math.floor(rng() * (route.len - len + 1))
      for (let k = 0; k < len && pos < route.len; k++) {
        const v = m.nodeVisit[route.nodes[pos]!]!
        if (this.removeAt(sol, ri, pos)) this.tabu[v] = 1
        else pos++
      }
    } else {
      // Related removal: a seed and the stops closest to it in place and time.
      const ri = this.randomNonEmptyRoute(sol)
      const seedRoute = sol.routes[ri]!
      const seedPos = Math.floor(rng() * seedRoute.len)
      const seedNode = seedRoute.nodes[seedPos]!
      const seedLoc = m.nodeLoc[seedNode]!
      const seedStart = seedRoute.start[seedPos]!
      const items: { r: number; node: number; d: number }[] = []
      for (let r = 0; r < sol.routes.length; r++) {
        const route = sol.routes[r]!
        for (let i = 0; i < route.len; i++) {
          const loc = m.nodeLoc[route.nodes[i]!]!
          const d =
            m.T[seedLoc * m.L + loc]! + m.T[loc * m.L + seedLoc]! + Math.abs(route.start[i]! - seedStart) * rng()
          items.push({ r, node: route.nodes[i]!, d })
        }
      }
      items.sort((a, b) => a.d - b.d)
      for (let k = 0; k < Math.min(count, items.length); k++) {
        const { r, node } = items[k]!
        const route = sol.routes[r]!
        const pos = route.nodes.subarray(0, route.len).indexOf(node)
        if (this.removeAt(sol, r, pos)) this.tabu[m.nodeVisit[node]!] = 1
      }
    }
  }

  private randomNonEmptyRoute(sol: Solution): number {
    const options: number[] = []
    for (let r = 0; r < sol.routes.length; r++) if (sol.routes[r]!.len > 0) options.push(r)
    return options[Math.floor(this.rng() * options.length)]!
  }

  private removeRandom(sol: Solution): void {
    let visited = 0
    for (const route of sol.routes) visited += route.len
    if (visited === 0) return
    let k = Math.floor(this.rng() * visited)
    for (let r = 0; r < sol.routes.length; r++) {
      const route = sol.routes[r]!
      if (k < route.len) {
        const v = this.m.nodeVisit[route.nodes[k]!]!
        if (this.removeAt(sol, r, k)) this.tabu[v] = 1
        return
      }
      k -= route.len
    }
  }

  /**
   * Intra-route moves that free time: 2-opt reversals and moves of runs of one to three stops,
   * first improvement on the total travel time, each checked by re-timing. The visits stay.
   */
  tighten(sol: Solution, ri: number): boolean {
    const m = this.m
    const route = sol.routes[ri]!
    const trial = this.scratch
    const { T, L } = m
    const len = route.len
    if (len < 2) return false
    const fixed = m.routeHasFixed[ri] === 1
    const locAt = (i: number) =>
      i < 0 ? m.routeStartLoc[ri]! : i >= len ? m.routeEndLoc[ri]! : m.nodeLoc[route.nodes[i]!]!
    const arc = (a: number, b: number) => T[a * L + b]!
    let improved = false
    const accept = (): boolean => {
      if (fixed && !fixedOrderKept(m, trial)) return false
      if (!schedule(m, ri, trial)) return false
      route.copyFrom(trial)
      improved = true
      return true
    }
    let again = true
    while (again) {
      again = false
      // 2-opt: reverse stops i..j; the reversed inner arcs are summed as j grows.
      for (let i = 0; i < len - 1 && !again; i++) {
        let inner = 0
        for (let j = i + 1; j < len && !again; j++) {
          inner += arc(locAt(j), locAt(j - 1)) - arc(locAt(j - 1), locAt(j))
          const delta =
            inner +
            arc(locAt(i - 1), locAt(j)) +
            arc(locAt(i), locAt(j + 1)) -
            arc(locAt(i - 1), locAt(i)) -
            arc(locAt(j), locAt(j + 1))
          if (delta >= -1e-9) continue
          trial.len = len
          trial.nodes.set(route.nodes.subarray(0, len))
          trial.nodes.subarray(i, j + 1).reverse()
          again = accept()
        }
      }
      // Or-opt: move stops i..i+k-1 to before position p (p outside the run).
      for (let k = 1; k <= 3 && !again; k++) {
        for (let i = 0; i + k <= len && !again; i++) {
          const first = locAt(i)
          const last = locAt(i + k - 1)
          const removeGain = arc(locAt(i - 1), first) + arc(last, locAt(i + k)) - arc(locAt(i - 1), locAt(i + k))
          for (let p = 0; p <= len && !again; p++) {
            if (p >= i && p <= i + k) continue
            const delta = arc(locAt(p - 1), first) + arc(last, locAt(p)) - arc(locAt(p - 1), locAt(p)) - removeGain
            if (delta >= -1e-9) continue
            const src = route.nodes
            let w = 0
            for (let x = 0; x <= len; x++) {
              if (x === p) for (let y = i; y < i + k; y++) trial.nodes[w++] = src[y]!
              if (x < len && (x < i || x >= i + k)) trial.nodes[w++] = src[x]!
            }
            trial.len = len
            again = accept()
          }
        }
      }
    }
    return improved
  }

  /** Lexicographic: more pinned prize first, then more prize, then less travel. */
  better(a: Solution, b: Solution): boolean {
    if (a.pinned > b.pinned + this.eps) return true
    if (a.pinned < b.pinned - this.eps) return false
    if (a.score > b.score + this.eps) return true
    if (a.score < b.score - this.eps) return false
    return travelOf(a) < travelOf(b) - 1e-9
  }

  run(initial: Solution, limits: Limits): Solution {
    const m = this.m
    const best = new Solution(m)
    const current = new Solution(m)
    const trial = new Solution(m)
    this.recreate(initial, 0, 2, true)
    best.copyFrom(initial)
    current.copyFrom(initial)
    if (m.V === 0 || best.score >= this.bound - this.eps) return best
    const temperature0 = TEMPERATURE * this.meanPrize
    let sinceBest = 0
    const timed = limits.deadline !== Infinity
    const started = performance.now()
    const span = Math.max(1, limits.deadline - started)
    let previous = started
    let iterationMs = 0
    for (;;) {
      if (this.iterations >= limits.maxIterations) break
      const now = timed ? performance.now() : started
      // Stop when the next iteration would likely end past the deadline, not after it.
      iterationMs = 0.9 * iterationMs + 0.1 * (now - previous)
      previous = now
      if (now + iterationMs >= limits.deadline) break
      this.iterations++
      const progress = Math.max(
        limits.maxIterations === Infinity ? 0 : this.iterations / limits.maxIterations,
        timed ? (now - started) / span : 0,
      )
      trial.copyFrom(current)
      this.ruin(trial)
      // Pinned visits usually go back first; not always, or their first choice of place and
      // option would block what fits only around them.
      const useTabu = this.rng() < TABU_SHARE
      if (this.rng() < IN_ORDER_SHARE) this.recreateInOrder(trial, NOISE, this.rng() < 0.5, useTabu)
      else this.recreate(trial, NOISE, Math.floor(this.rng() * 3), this.rng() < 0.5, useTabu)
      // Freeing time is worth its cost only on a plan that would be kept.
      if (trial.score >= current.score - this.eps) {
        let tightened = false
        for (let r = 0; r < m.R; r++) if (this.tighten(trial, r)) tightened = true
        if (tightened) this.recreate(trial, 0, 2, true)
      }
      // Pinned prize comes first: never given up, always taken.
      if (trial.pinned < current.pinned - this.eps) continue
      // Less travel breaks ties: a plan with more slack has more room for the next visit.
      const delta = trial.score - current.score - this.travelWeight * (travelOf(trial) - travelOf(current))
      const temperature = temperature0 * (1 - progress)
      if (
        trial.pinned > current.pinned + this.eps ||
        delta >= -this.eps ||
        (temperature > 0 && this.rng() < Math.exp(delta / temperature))
      ) {
        current.copyFrom(trial)
      }
      if (this.better(current, best)) {
        best.copyFrom(current)
        sinceBest = 0
        if (best.score >= this.bound - this.eps) break
      } else if (++sinceBest >= RESTART_AFTER) {
        current.copyFrom(best)
        sinceBest = 0
      }
    }
    // The greedy's lazy costs and a matrix without the triangle inequality can leave a place
    // unseen: fill until nothing more fits, so every visit left out truly does not.
    for (let before = -1; best.score > before;) {
      before = best.score
      this.recreate(best, 0, 2, true)
    }
    return best
  }
}

/** Why a visit's option cannot be made by a route even alone (direct travel), or null if it can. */
function aloneProblem(
  travel: number[][],
  route: PlannerRoute,
  option: VisitOption,
  words: Words,
): { text: string; lateBy: number } | null {
  const windows = normalWindows(option.windows)
  if (windows.length === 0) return { text: 'it has no time window', lateBy: Infinity }
  const arrival = route.startTime + travel[route.startLocation]![option.location]!
  const window = windows.find((w) => w.close >= arrival)
  if (!window) {
    return {
      text: `${windowsText(windows, words)} closes before ${words.route(route)} can reach it (earliest arrival ${words.time(arrival)})`,
      lateBy: arrival - windows[windows.length - 1]!.close,
    }
  }
  const start = Math.max(arrival, window.open)
  const back = start + option.serviceMinutes + travel[option.location]![route.endLocation]!
  if (back > route.endTime) {
    return {
      text: `starting at ${words.time(start)} with ${option.serviceMinutes} min on site, ${words.route(route)} cannot be back by ${words.time(route.endTime)}`,
      lateBy: back - route.endTime,
    }
  }
  return null
}

/** For cannot_fit_any_shift: per option, the reason for the route it comes closest to fitting. */
function cannotFitDetail(input: PlannerInput, visit: PlannerVisit, routes: PlannerRoute[]): string {
  if (visit.options.length === 0) return 'it has no way to be made (no options)'
  const words = wordsOf(input)
  const parts = visit.options.map((option) => {
    let closest: { text: string; lateBy: number } | null = null
    for (const route of routes) {
      const problem = aloneProblem(input.travel, route, option, words)
      if (problem && (!closest || problem.lateBy < closest.lateBy)) closest = problem
    }
    return closest ? closest.text : 'it only fits after other stops'
  })
  return visit.options.length === 1
    ? parts[0]!
    : parts.map((text, i) => `${visit.options[i]!.label || `option ${i + 1}`}: ${text}`).join('; ')
}

interface Compiled {
  model: Model
  /** Exclusions decided before the search (no route, bad pin, cannot fit). */
  early: Map<number, Exclusion>
  /** Input visit index of each model visit. */
  visitIndex: number[]
}

function validate(input: PlannerInput): void {
  const L = input.travel.length
  for (const row of input.travel) {
    if (row.length !== L) throw new Error('planner: the travel matrix must be square')
    for (const t of row) if (Number.isNaN(t) || t < 0) throw new Error('planner: travel times must be >= 0')
  }
  const loc = (l: number, what: string) => {
    if (!Number.isInteger(l) || l < 0 || l >= L) throw new Error(`planner: ${what} location ${l} is not in travel`)
  }
  const routeIds = new Set<string>()
  for (const route of input.routes) {
    if (routeIds.has(route.id)) throw new Error(`planner: route id ${route.id} is used twice`)
    routeIds.add(route.id)
    loc(route.startLocation, `route ${route.id} start`)
    loc(route.endLocation, `route ${route.id} end`)
    if (!Number.isFinite(route.startTime) || !Number.isFinite(route.endTime)) {
      throw new Error(`planner: route ${route.id} needs finite start and end times`)
    }
  }
  const visitIds = new Set<string>()
  for (const visit of input.visits) {
    if (visitIds.has(visit.id)) throw new Error(`planner: visit id ${visit.id} is used twice`)
    visitIds.add(visit.id)
    if (!Number.isFinite(visit.prize) || visit.prize < 0) {
      throw new Error(`planner: visit ${visit.id} needs a finite prize >= 0`)
    }
    for (const option of visit.options) {
      loc(option.location, `visit ${visit.id}`)
      if (!(option.serviceMinutes >= 0) || !Number.isFinite(option.serviceMinutes)) {
        throw new Error(`planner: visit ${visit.id} needs a finite service time >= 0`)
      }
      for (const w of option.windows) {
        if (Number.isNaN(w.open) || Number.isNaN(w.close))
          throw new Error(`planner: visit ${visit.id} has a NaN window`)
      }
    }
  }
}

/** Shortest travel times from (or to) one location, dense Dijkstra: bounds that need no triangle inequality. */
function shortestFrom(travel: number[][], source: number, reverse: boolean): Float64Array {
  const L = travel.length
  const dist = new Float64Array(L).fill(Infinity)
  const done = new Uint8Array(L)
  dist[source] = 0
  for (let k = 0; k < L; k++) {
    let u = -1
    for (let i = 0; i < L; i++) if (!done[i] && (u < 0 || dist[i]! < dist[u]!)) u = i
    if (u < 0 || dist[u] === Infinity) break
    done[u] = 1
    for (let i = 0; i < L; i++) {
      const d = dist[u]! + (reverse ? travel[i]![u]! : travel[u]![i]!)
      if (d < dist[i]!) dist[i] = d
    }
  }
  return dist
}

function compile(input: PlannerInput): Compiled {
  const { routes, visits, travel } = input
  const L = travel.length
  const R = routes.length
  const routeIndex = new Map(routes.map((r, i) => [r.id, i]))
  const fixedAt = new Map<string, { route: number; rank: number }[]>()
  routes.forEach((route, ri) => {
    const seen = new Set<string>()
    for (const id of route.fixedOrder ?? []) {
      if (seen.has(id)) continue
      seen.add(id)
      const list = fixedAt.get(id) ?? []
      list.push({ route: ri, rank: seen.size - 1 })
      fixedAt.set(id, list)
    }
  })
  const fromStart = routes.map((r) => shortestFrom(travel, r.startLocation, false))
  const toEnd = routes.map((r) => shortestFrom(travel, r.endLocation, true))

  const early = new Map<number, Exclusion>()
  const words = wordsOf(input)
  const visitIndex: number[] = []
  const prize: number[] = []
  const mandatory: number[] = []
  const fixedRank: number[] = []
  const visitNodeStart: number[] = [0]
  const visitAllowed: number[] = []
  const nodeVisit: number[] = []
  const nodeOption: number[] = []
  const nodeLoc: number[] = []
  const nodeService: number[] = []
  const winStart: number[] = [0]
  const winOpen: number[] = []
  const winClose: number[] = []
  const nodeAllowed: number[] = []
  const routeHasFixed = new Uint8Array(R)

  visits.forEach((visit, vi) => {
    const exclude = (reason: Exclusion['reason'], detail: string) =>
      early.set(vi, { visitId: visit.id, reason, detail })
    const fixed = fixedAt.get(visit.id) ?? []
    const isPinned = visit.pinnedTo !== undefined || fixed.length > 0
    let allowed = routes.map((_, ri) => ri)
    if (visit.routeIds) {
      const ids = new Set(visit.routeIds)
      allowed = allowed.filter((ri) => ids.has(routes[ri]!.id))
    }
    let pinRoute = -1
    if (isPinned) {
      if (visit.pinnedTo !== undefined && !routeIndex.has(visit.pinnedTo)) {
        return exclude('no_allowed_route', `it is pinned to route ${visit.pinnedTo}, which is not in this plan`)
      }
      const claims = new Set([
        ...(visit.pinnedTo !== undefined ? [routeIndex.get(visit.pinnedTo)!] : []),
        ...fixed.map((f) => f.route),
      ])
      if (claims.size > 1) {
        const names = [...claims].map((ri) => words.route(routes[ri]!)).join(' and ')
        return exclude('pinned_conflict', `it is pinned or ordered on more than one route (${names})`)
      }
      pinRoute = [...claims][0]!
      if (!allowed.includes(pinRoute)) {
        return exclude(
          'pinned_conflict',
          `it is pinned to ${words.route(routes[pinRoute]!)}, which does not cover its area`,
        )
      }
      allowed = [pinRoute]
    } else if (allowed.length === 0) {
      return exclude(
        'no_allowed_route',
        visit.routeIds && visit.routeIds.length > 0
          ? `its routes (${visit.routeIds.join(', ')}) are not in this plan`
          : 'no route is allowed to make it',
      )
    }
    const v = visitIndex.length
    const nodesBefore = nodeVisit.length
    visit.options.forEach((option, oi) => {
      const windows = normalWindows(option.windows)
      if (windows.length === 0) return
      const fits = routes.map((route, ri) => {
        if (!allowed.includes(ri)) return 0
        // A bound: shortest paths to and from the stop, so it holds whatever the matrix.
        const arrival = route.startTime + fromStart[ri]![option.location]!
        const w = windows.find((x) => x.close >= arrival)
        if (!w) return 0
        const back = Math.max(arrival, w.open) + option.serviceMinutes + toEnd[ri]![option.location]!
        return back <= route.endTime ? 1 : 0
      })
      if (!fits.some(Boolean)) return
      nodeVisit.push(v)
      nodeOption.push(oi)
      nodeLoc.push(option.location)
      nodeService.push(option.serviceMinutes)
      for (const w of windows) {
        winOpen.push(w.open)
        winClose.push(w.close)
      }
      winStart.push(winOpen.length)
      nodeAllowed.push(...fits)
    })
    if (nodeVisit.length === nodesBefore) {
      const detail = cannotFitDetail(
        input,
        visit,
        allowed.map((ri) => routes[ri]!),
      )
      return exclude(isPinned ? 'pinned_conflict' : 'cannot_fit_any_shift', detail)
    }
    visitIndex.push(vi)
    prize.push(visit.prize)
    mandatory.push(isPinned ? 1 : 0)
    const rank = fixed.length > 0 ? fixed[0]!.rank : -1
    fixedRank.push(rank)
    if (rank >= 0) routeHasFixed[pinRoute] = 1
    visitNodeStart.push(nodeVisit.length)
    for (let ri = 0; ri < R; ri++) {
      let any = 0
      for (let n = nodesBefore; n < nodeVisit.length; n++) any |= nodeAllowed[n * R + ri]!
      visitAllowed.push(any)
    }
  })
  const T = new Float64Array(L * L)
  for (let a = 0; a < L; a++) for (let b = 0; b < L; b++) T[a * L + b] = travel[a]![b]!
  const V = visitIndex.length
  const model: Model = {
    L,
    T,
    R,
    routeStartLoc: Int32Array.from(routes, (r) => r.startLocation),
    routeEndLoc: Int32Array.from(routes, (r) => r.endLocation),
    routeStartTime: Float64Array.from(routes, (r) => r.startTime),
    routeEndTime: Float64Array.from(routes, (r) => r.endTime),
    routeHasFixed,
    V,
    prize: Float64Array.from(prize),
    mandatory: Uint8Array.from(mandatory),
    fixedRank: Int32Array.from(fixedRank),
    visitNodeStart: Int32Array.from(visitNodeStart),
    visitAllowed: Uint8Array.from(visitAllowed),
    N: nodeVisit.length,
    nodeVisit: Int32Array.from(nodeVisit),
    nodeOption: Int32Array.from(nodeOption),
    nodeLoc: Int32Array.from(nodeLoc),
    nodeService: Float64Array.from(nodeService),
    winStart: Int32Array.from(winStart),
    winOpen: Float64Array.from(winOpen),
    winClose: Float64Array.from(winClose),
    nodeAllowed: Uint8Array.from(nodeAllowed),
  }
  return { model, early, visitIndex }
}

/**
 * The best set of a route's pinned visits (most prize) that fits, respecting fixedOrder: an exact
 * depth-first search with a budget, so a huge pinned set still gets a good, if not proven, answer
 * (its first dives take the visits in order of their first window, which tends to fit).
 */
function bestPinnedSequence(m: Model, ri: number, visits: number[]): { nodes: number[]; prize: number } {
  const { T, L, R } = m
  const firstOpen = (v: number) => m.winOpen[m.winStart[m.visitNodeStart[v]!]!]!
  const pinned = [...visits].sort((a, b) => firstOpen(a) - firstOpen(b))
  const endLoc = m.routeEndLoc[ri]!
  const endTime = m.routeEndTime[ri]!
  let best: number[] = []
  let bestPrize = 0
  let budget = PINNED_SEARCH_BUDGET
  const used = new Uint8Array(pinned.length)
  const seq: number[] = []
  let remaining = pinned.reduce((s, v) => s + m.prize[v]!, 0)
  const eps = 1e-9 * Math.max(1, remaining)
  const dfs = (time: number, loc: number, lastRank: number, prize: number): void => {
    if (prize > bestPrize + eps && time + T[loc * L + endLoc]! <= endTime) {
      bestPrize = prize
      best = [...seq]
    }
    if (prize + remaining <= bestPrize + eps) return
    for (let i = 0; i < pinned.length; i++) {
      if (used[i]) continue
      const v = pinned[i]!
      const rank = m.fixedRank[v]!
      if (rank >= 0 && rank < lastRank) continue
      used[i] = 1
      remaining -= m.prize[v]!
      for (let n = m.visitNodeStart[v]!, ne = m.visitNodeStart[v + 1]!; n < ne && budget > 0; n++) {
        if (!m.nodeAllowed[n * R + ri]) continue
        budget--
        const s = earliestStart(m, n, time + T[loc * L + m.nodeLoc[n]!]!)
        const end = s + m.nodeService[n]!
        if (end > endTime) continue
        seq.push(n)
        dfs(end, m.nodeLoc[n]!, rank >= 0 ? rank : lastRank, prize + m.prize[v]!)
        seq.pop()
      }
      remaining += m.prize[v]!
      used[i] = 0
    }
  }
  dfs(m.routeStartTime[ri]!, m.routeStartLoc[ri]!, -1, 0)
  return { nodes: best, prize: bestPrize }
}

/** The visits planned with v on its pinned route that it cannot share the route with, pairwise. */
function pinnedClashes(m: Model, ri: number, v: number, planned: number[]): number[] {
  return planned.filter((u) => bestPinnedSequence(m, ri, [v, u]).nodes.length < 2)
}

/** How far the best place for v would overrun a window or the route end (minutes), over its routes. */
function overrun(m: Model, sol: Solution, v: number): { minutes: number; route: number } {
  const { T, L, R } = m
  let best = { minutes: Infinity, route: -1 }
  for (let ri = 0; ri < R; ri++) {
    if (!m.visitAllowed[v * R + ri]) continue
    const route = sol.routes[ri]!
    for (let n = m.visitNodeStart[v]!, ne = m.visitNodeStart[v + 1]!; n < ne; n++) {
      if (!m.nodeAllowed[n * R + ri]) continue
      const loc = m.nodeLoc[n]!
      const lastClose = m.winClose[m.winStart[n + 1]! - 1]!
      for (let p = 0; p <= route.len; p++) {
        const prevEnd = p > 0 ? route.end[p - 1]! : m.routeStartTime[ri]!
        const prevLoc = p > 0 ? m.nodeLoc[route.nodes[p - 1]!]! : m.routeStartLoc[ri]!
        const arrival = prevEnd + T[prevLoc * L + loc]!
        let over: number
        if (arrival > lastClose) over = arrival - lastClose
        else {
          const s = earliestStart(m, n, arrival)
          const nextLoc = p < route.len ? m.nodeLoc[route.nodes[p]!]! : m.routeEndLoc[ri]!
          const latest = p < route.len ? route.latest[p]! : m.routeEndTime[ri]!
          over = s + m.nodeService[n]! + T[loc * L + nextLoc]! - latest
        }
        if (over < best.minutes) best = { minutes: over, route: ri }
      }
    }
  }
  return best
}

function resolveLimits(input: PlannerInput, started: number): { limits: Limits; seed: number } {
  const o = input.options ?? {}
  const bothAbsent = o.timeLimitMs === undefined && o.maxIterations === undefined
  const timeLimit = bothAbsent ? DEFAULT_TIME_LIMIT_MS : (o.timeLimitMs ?? Infinity)
  return {
    limits: { deadline: started + timeLimit, maxIterations: o.maxIterations ?? Infinity },
    seed: o.seed ?? DEFAULT_SEED,
  }
}

export function plan(input: PlannerInput): PlannerResult {
  const started = performance.now()
  validate(input)
  const { limits, seed } = resolveLimits(input, started)
  const { model: m, early, visitIndex } = compile(input)
  const search = new Search(m, createRng(seed))

  // Pinned visits are mandatory: first the most pinned prize each route can carry.
  const initial = new Solution(m)
  input.routes.forEach((_, ri) => {
    const pinned: number[] = []
    for (let v = 0; v < m.V; v++) if (m.mandatory[v] && m.visitAllowed[v * m.R + ri]) pinned.push(v)
    if (pinned.length === 0) return
    search.assign(initial, ri, bestPinnedSequence(m, ri, pinned).nodes)
  })
  const final = search.run(initial, limits)

  const exclusions = new Map<number, Exclusion>(early)
  for (let v = 0; v < m.V; v++) {
    if (final.routeOf[v] === -1) exclusions.set(visitIndex[v]!, explainLeftOut(input, m, final, v, visitIndex))
  }
  const routes = input.routes.map((r, ri) => plannedRoute(input, m, final.routes[ri]!, r, visitIndex))
  return {
    routes,
    excluded: input.visits.flatMap((_, vi) => exclusions.get(vi) ?? []),
    score: routes.reduce((s, r) => s + r.score, 0),
    iterations: search.iterations,
    ms: performance.now() - started,
  }
}

/** Why model visit v, a candidate, is not in the final plan. */
function explainLeftOut(input: PlannerInput, m: Model, final: Solution, v: number, visitIndex: number[]): Exclusion {
  const visit = input.visits[visitIndex[v]!]!
  const allowed = input.routes.filter((_, ri) => m.visitAllowed[v * m.R + ri])
  const words = wordsOf(input)
  const idOf = (u: number) => words.visit(input.visits[visitIndex[u]!]!.id)
  if (m.mandatory[v]) {
    const ri = input.routes.indexOf(allowed[0]!)
    const route = final.routes[ri]!
    const name = words.route(input.routes[ri]!)
    if (bestPinnedSequence(m, ri, [v]).nodes.length === 0) {
      return {
        visitId: visit.id,
        reason: 'pinned_conflict',
        detail: cannotFitDetail(input, visit, [input.routes[ri]!]),
      }
    }
    const kept = Array.from(route.nodes.subarray(0, route.len), (n) => m.nodeVisit[n]!).filter((u) => m.mandatory[u])
    const clashes = pinnedClashes(m, ri, v, kept)
    const detail =
      clashes.length > 0
        ? `${name} cannot make it as well as pinned ${clashes.map(idOf).join(', ')}, which are worth at least as much`
        : `${name} cannot make it together with the other pinned visits (${kept.map(idOf).join(', ')})`
    return { visitId: visit.id, reason: 'pinned_conflict', detail }
  }
  if (!allowed.some((route) => visit.options.some((o) => !aloneProblem(input.travel, route, o, words)))) {
    return { visitId: visit.id, reason: 'cannot_fit_any_shift', detail: cannotFitDetail(input, visit, allowed) }
  }
  const { minutes, route } = overrun(m, final, v)
  const best = route >= 0 ? final.routes[route]! : null
  const withPinned = best?.nodes.subarray(0, best.len).some((n) => m.mandatory[m.nodeVisit[n]!] === 1)
  const where =
    best && Number.isFinite(minutes)
      ? `; its best place (${words.route(input.routes[route]!)}) would overrun a window or the shift end by ${Math.max(1, Math.ceil(minutes))} min`
      : ''
  return {
    visitId: visit.id,
    reason: 'outscored',
    detail: `it fits alone, but not alongside the visits planned, ${withPinned ? 'some of them pinned' : 'which are worth more'}${where}`,
  }
}

function plannedRoute(
  input: PlannerInput,
  m: Model,
  route: Route,
  r: PlannerRoute,
  visitIndex: number[],
): PlannedRoute {
  let prevEnd = r.startTime
  let prevLoc = r.startLocation
  let score = 0
  const stops = Array.from(route.nodes.subarray(0, route.len), (n, i) => {
    const v = m.nodeVisit[n]!
    const travelFromPrevious = input.travel[prevLoc]![m.nodeLoc[n]!]!
    const arrival = prevEnd + travelFromPrevious
    score += m.prize[v]!
    prevEnd = route.end[i]!
    prevLoc = m.nodeLoc[n]!
    return {
      visitId: input.visits[visitIndex[v]!]!.id,
      option: m.nodeOption[n]!,
      location: m.nodeLoc[n]!,
      travelFromPrevious,
      arrival,
      wait: route.start[i]! - arrival,
      start: route.start[i]!,
      end: route.end[i]!,
    }
  })
  const returnTravel = input.travel[prevLoc]![r.endLocation]!
  return { routeId: r.id, stops, departure: r.startTime, returnTravel, returnAt: prevEnd + returnTravel, score }
}
