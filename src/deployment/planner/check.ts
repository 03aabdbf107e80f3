/**
 * An independent feasibility check of a plan against its input: it recomputes everything from the
 * input and shares no code with the solver, so the tests (and the benchmark) can trust a plan
 * only as far as this says. Returns every violation found, in words; empty means the plan holds.
 */
import type { PlannerInput, PlannerResult, PlannerRoute, PlannerVisit, VisitOption } from './types.ts'

/** Slack for floating-point sums of travel and service times. */
const EPS = 1e-6

const near = (a: number, b: number) => Math.abs(a - b) <= EPS * Math.max(1, Math.abs(a), Math.abs(b))

/** The routes a visit may be on: routeIds, narrowed to its pin (pinnedTo or a fixedOrder). */
function allowedRoutes(input: PlannerInput, visit: PlannerVisit): PlannerRoute[] {
  let routes = input.routes.filter((r) => !visit.routeIds || visit.routeIds.includes(r.id))
  const pins = new Set(input.routes.filter((r) => r.fixedOrder?.includes(visit.id)).map((r) => r.id))
  if (visit.pinnedTo !== undefined) pins.add(visit.pinnedTo)
  if (pins.size > 0) routes = routes.filter((r) => pins.has(r.id) && pins.size === 1)
  return routes
}

/**
 * Can the route make this option and nothing else, travelling directly? With slack +EPS it
 * answers "perhaps" on a rounding tie, with -EPS "clearly": a claim is wrong only if it clearly is.
 */
function fitsAlone(input: PlannerInput, route: PlannerRoute, option: VisitOption, slack: number): boolean {
  const arrival = route.startTime + input.travel[route.startLocation]![option.location]!
  return option.windows.some((w) => {
    const start = Math.max(arrival, w.open)
    if (start > w.close + slack || w.open > w.close) return false
    return start + option.serviceMinutes + input.travel[option.location]![route.endLocation]! <= route.endTime + slack
  })
}

const isPinned = (input: PlannerInput, visit: PlannerVisit) =>
  visit.pinnedTo !== undefined || input.routes.some((r) => r.fixedOrder?.includes(visit.id))

export function checkPlan(input: PlannerInput, result: PlannerResult): string[] {
  const problems: string[] = []
  const visitById = new Map(input.visits.map((v) => [v.id, v]))
  const routeById = new Map(input.routes.map((r) => [r.id, r]))
  const planned = new Map<string, string>()
  const seenRoutes = new Set<string>()
  let total = 0

  for (const planRoute of result.routes) {
    const route = routeById.get(planRoute.routeId)
    if (!route) {
      problems.push(`route ${planRoute.routeId} is not in the input`)
      continue
    }
    if (seenRoutes.has(route.id)) problems.push(`route ${route.id} appears twice`)
    seenRoutes.add(route.id)
    const at = `route ${route.id}`
    if (planRoute.departure < route.startTime - EPS) problems.push(`${at} departs before its start time`)
    let prevEnd = planRoute.departure
    let prevLoc = route.startLocation
    let score = 0
    let lastRank = -1
    for (const stop of planRoute.stops) {
      const visit = visitById.get(stop.visitId)
      const where = `${at}, visit ${stop.visitId}`
      if (!visit) {
        problems.push(`${where}: not a visit of the input`)
        continue
      }
      const other = planned.get(visit.id)
      if (other !== undefined) {
        problems.push(other === route.id ? `${where}: visited twice on the route` : `${where}: also on route ${other}`)
      }
      planned.set(visit.id, route.id)
      score += visit.prize
      if (visit.routeIds && !visit.routeIds.includes(route.id)) problems.push(`${where}: route not in its routeIds`)
      if (visit.pinnedTo !== undefined && visit.pinnedTo !== route.id) {
        problems.push(`${where}: pinned to route ${visit.pinnedTo}`)
      }
      for (const r of input.routes) {
        const rank = r.fixedOrder?.indexOf(visit.id) ?? -1
        if (rank < 0) continue
        if (r.id !== route.id) problems.push(`${where}: in the fixed order of route ${r.id}`)
        else if (rank < lastRank) problems.push(`${where}: breaks the fixed order`)
        else lastRank = rank
      }
      const option = Number.isInteger(stop.option) ? visit.options[stop.option] : undefined
      if (!option) {
        problems.push(`${where}: option ${stop.option} does not exist`)
        prevEnd = stop.end
        prevLoc = stop.location
        continue
      }
      if (stop.location !== option.location) problems.push(`${where}: location is not its option's`)
      const travel = input.travel[prevLoc]?.[option.location]
      if (travel === undefined || !near(stop.travelFromPrevious, travel)) {
        problems.push(`${where}: travel ${stop.travelFromPrevious} should be ${travel}`)
      }
      if (!near(stop.arrival, prevEnd + (travel ?? NaN))) {
        problems.push(`${where}: arrival ${stop.arrival} does not follow from the previous stop and travel`)
      }
      if (stop.start < stop.arrival - EPS) problems.push(`${where}: starts before arriving`)
      if (!near(stop.wait, stop.start - stop.arrival)) problems.push(`${where}: wait is not start - arrival`)
      if (!option.windows.some((w) => stop.start >= w.open - EPS && stop.start <= w.close + EPS)) {
        problems.push(`${where}: starts at ${stop.start}, outside every window`)
      }
      if (!near(stop.end, stop.start + option.serviceMinutes)) problems.push(`${where}: end is not start + service`)
      prevEnd = stop.end
      prevLoc = option.location
    }
    const back = input.travel[prevLoc]?.[route.endLocation]
    if (back === undefined || !near(planRoute.returnTravel, back)) {
      problems.push(`${at}: return travel ${planRoute.returnTravel} should be ${back}`)
    }
    if (!near(planRoute.returnAt, prevEnd + (back ?? NaN))) problems.push(`${at}: returnAt does not follow`)
    // An empty route is no plan: only a route with stops has to be back in time.
    if (planRoute.stops.length > 0 && planRoute.returnAt > route.endTime + EPS) {
      problems.push(`${at}: back at ${planRoute.returnAt}, after its end ${route.endTime}`)
    }
    if (!near(planRoute.score, score)) problems.push(`${at}: score ${planRoute.score} should be ${score}`)
    total += score
  }
  for (const route of input.routes) if (!seenRoutes.has(route.id)) problems.push(`route ${route.id} is missing`)
  if (!near(result.score, total)) problems.push(`score ${result.score} should be ${total}`)

  const excluded = new Set<string>()
  for (const exclusion of result.excluded) {
    const visit = visitById.get(exclusion.visitId)
    const what = `excluded visit ${exclusion.visitId}`
    if (!visit) {
      problems.push(`${what}: not a visit of the input`)
      continue
    }
    if (excluded.has(visit.id)) problems.push(`${what}: excluded twice`)
    excluded.add(visit.id)
    if (planned.has(visit.id)) problems.push(`${what}: also planned on route ${planned.get(visit.id)}`)
    if (typeof exclusion.detail !== 'string' || exclusion.detail.trim() === '') problems.push(`${what}: no detail`)
    const allowed = allowedRoutes(input, visit)
    const pinnedNowhere = visit.pinnedTo !== undefined && !routeById.has(visit.pinnedTo)
    const noRoute = input.routes.every((r) => visit.routeIds && !visit.routeIds.includes(r.id)) || pinnedNowhere
    const alone = (slack: number) => allowed.some((r) => visit.options.some((o) => fitsAlone(input, r, o, slack)))
    const pinned = isPinned(input, visit)
    switch (exclusion.reason) {
      case 'no_allowed_route':
        if (!noRoute) problems.push(`${what}: no_allowed_route, but a route of the input is allowed`)
        break
      case 'pinned_conflict':
        if (!pinned) problems.push(`${what}: pinned_conflict, but it is not pinned`)
        break
      case 'outscored':
        if (!alone(EPS)) problems.push(`${what}: outscored, but it does not fit any allowed route even alone`)
        if (pinned) problems.push(`${what}: pinned, so it must be planned or a pinned_conflict`)
        break
      case 'cannot_fit_any_shift':
        if (alone(-EPS) || allowed.length === 0)
          problems.push(`${what}: cannot_fit_any_shift, but it fits alone or has no route`)
        if (pinned) problems.push(`${what}: pinned, so it must be planned or a pinned_conflict`)
        break
      default:
        problems.push(`${what}: unknown reason ${String(exclusion.reason)}`)
    }
  }
  for (const visit of input.visits) {
    if (!planned.has(visit.id) && !excluded.has(visit.id))
      problems.push(`visit ${visit.id} is neither planned nor excluded`)
  }
  return problems
}
