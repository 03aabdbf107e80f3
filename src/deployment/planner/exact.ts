/**
 * The exact optimum of a small planner input, for tests only: every feasible route of every team
 * is enumerated (a dynamic programme over visit subsets that keeps, per subset and last stop, the
 * earliest finish, which dominates), then disjoint routes are combined. Shares no code with the
 * solver. Fine for up to about 10 visits and 3 routes.
 *
 * The objective is the planner's: first the most prize of pinned visits (pinnedTo or fixedOrder,
 * on their route), then the most prize in all.
 */
import type { PlannerInput } from './types.ts'

export interface ExactOptimum {
  score: number
  pinnedScore: number
  /** Ids of the visits of one optimal plan. */
  visitIds: string[]
}

const MAX_VISITS = 12
const MAX_ROUTES = 3

export function exactOptimum(input: PlannerInput): ExactOptimum {
  const { visits, routes, travel } = input
  const V = visits.length
  if (V > MAX_VISITS || routes.length > MAX_ROUTES) {
    throw new Error(`exactOptimum: at most ${MAX_VISITS} visits and ${MAX_ROUTES} routes`)
  }
  const full = 1 << V
  const pinnedRoute = visits.map((visit) => {
    const pins = new Set(routes.filter((r) => r.fixedOrder?.includes(visit.id)).map((r) => r.id))
    if (visit.pinnedTo !== undefined) pins.add(visit.pinnedTo)
    return pins
  })
  const mayUse = (v: number, routeId: string) => {
    const visit = visits[v]!
    if (visit.routeIds && !visit.routeIds.includes(routeId)) return false
    const pins = pinnedRoute[v]!
    return pins.size === 0 || (pins.size === 1 && pins.has(routeId))
  }

  // feasible[r]: the visit subsets route r can make, as a bitmap over masks.
  const feasible = routes.map((route) => {
    const rank = visits.map((visit) => route.fixedOrder?.indexOf(visit.id) ?? -1)
    const maxRank = new Int32Array(full).fill(-1)
    for (let mask = 1; mask < full; mask++) {
      const low = 31 - Math.clz32(mask & -mask)
      maxRank[mask] = Math.max(maxRank[mask & (mask - 1)]!, rank[low]!)
    }
    // States: (mask, visit v last, option o) -> earliest end of service.
    const options = visits.map((visit) => visit.options)
    const offset: number[] = []
    let states = 0
    for (let v = 0; v < V; v++) {
      offset.push(states)
      states += options[v]!.length
    }
    const earliest = new Float64Array(full * states).fill(Infinity)
    const ok = new Uint8Array(full)
    ok[0] = 1
    const extend = (mask: number, time: number, loc: number) => {
      for (let v = 0; v < V; v++) {
        if (mask & (1 << v) || !mayUse(v, route.id)) continue
        if (rank[v]! >= 0 && rank[v]! < maxRank[mask]!) continue
        options[v]!.forEach((option, o) => {
          const arrival = time + travel[loc]![option.location]!
          let start = Infinity
          for (const w of option.windows) {
            if (w.open <= w.close && arrival <= w.close) start = Math.min(start, Math.max(arrival, w.open))
          }
          const end = start + option.serviceMinutes
          // Travel is never negative, so a stop ending after the route's end cannot lead anywhere.
          if (end > route.endTime) return
          const k = (mask | (1 << v)) * states + offset[v]! + o
          if (end < earliest[k]!) earliest[k] = end
        })
      }
    }
    extend(0, route.startTime, route.startLocation)
    // Masks in increasing order: every predecessor of a mask is smaller than it.
    for (let mask = 1; mask < full; mask++) {
      for (let v = 0; v < V; v++) {
        if (!(mask & (1 << v))) continue
        options[v]!.forEach((option, o) => {
          const end = earliest[mask * states + offset[v]! + o]!
          if (end === Infinity) return
          if (end + travel[option.location]![route.endLocation]! <= route.endTime) ok[mask] = 1
          extend(mask, end, option.location)
        })
      }
    }
    return ok
  })

  let reachable = new Uint8Array(full)
  reachable[0] = 1
  for (const ok of feasible) {
    const next = new Uint8Array(full)
    for (let a = 0; a < full; a++) {
      if (!reachable[a]) continue
      for (let b = 0; b < full; b++) if (ok[b] && (a & b) === 0) next[a | b] = 1
    }
    reachable = next
  }
  let best: ExactOptimum = { score: 0, pinnedScore: 0, visitIds: [] }
  const eps = 1e-9
  for (let mask = 0; mask < full; mask++) {
    if (!reachable[mask]) continue
    let score = 0
    let pinnedScore = 0
    for (let v = 0; v < V; v++) {
      if (!(mask & (1 << v))) continue
      score += visits[v]!.prize
      if (pinnedRoute[v]!.size > 0) pinnedScore += visits[v]!.prize
    }
    if (pinnedScore > best.pinnedScore + eps || (pinnedScore > best.pinnedScore - eps && score > best.score + eps)) {
      best = { score, pinnedScore, visitIds: visits.filter((_, v) => mask & (1 << v)).map((x) => x.id) }
    }
  }
  return best
}
