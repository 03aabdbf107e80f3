/**
 * The visit planner's contract: a team orienteering problem with time windows (prize-collecting
 * routing). Pure data in, pure data out; no database, no clock, no I/O.
 *
 * Time is in minutes from an origin the caller chooses (the deployment service uses the start of
 * the shift's day); travel is in minutes too. Locations are indices into the travel matrix.
 */

/** Service may START at any time in [open, close] (inclusive). Arriving early means waiting. */
export interface TimeWindow {
  open: number
  close: number
}

/**
 * One way a visit can be made: where, when and for how long. A victim seen at home has one
 * option; a victim who can also be met discreetly at a GP appointment has a second, at the
 * surgery's location and the appointment's time. At most one option of a visit is used.
 */
export interface VisitOption {
  location: number
  /** Sorted by open, disjoint. The visit's start of service must lie inside one of them. */
  windows: TimeWindow[]
  serviceMinutes: number
  /** Shown to the team: 'home', 'GP appointment', ... */
  label: string
}

export interface PlannerVisit {
  id: string
  /** What seeing this victim is worth; the planner maximises the sum over visits made. > 0. */
  prize: number
  options: VisitOption[]
  /** Only these routes may make the visit (a team covers certain areas). Absent: any route. */
  routeIds?: string[]
  /** The team pinned it: it must be in this route, or the result says why it cannot be. */
  pinnedTo?: string
  /** How reasons name the visit (an incident reference); defaults to its id. */
  label?: string
}

export interface PlannerRoute {
  id: string
  /** How reasons name the route (a team and its vehicle); defaults to "route <id>". */
  label?: string
  startLocation: number
  endLocation: number
  /** The route leaves startLocation no earlier than this. */
  startTime: number
  /** The route must be back at endLocation by this time. */
  endTime: number
  /**
   * Visit ids the team has put in an order of its own (a reorder): they appear in this route in
   * this relative order. Other visits may be placed before, between or after them.
   */
  fixedOrder?: string[]
}

export interface PlannerOptions {
  /** Stop improving after this long (wall clock). */
  timeLimitMs?: number
  /** Stop after this many improvement iterations; with a seed, makes the result reproducible. */
  maxIterations?: number
  /** Seed of the pseudo-random generator; same input + seed + maxIterations => same plan. */
  seed?: number
  /**
   * How reasons write a time given in minutes from the origin; defaults to HH:MM, which is the wall
   * clock only when the origin is midnight and the clocks do not change that day.
   */
  formatTime?: (minutes: number) => string
}

export interface PlannerInput {
  /** travel[a][b]: minutes from location a to b; need not be symmetric; travel[a][a] = 0. */
  travel: number[][]
  routes: PlannerRoute[]
  visits: PlannerVisit[]
  options?: PlannerOptions
}

export interface PlannedStop {
  visitId: string
  /** Index into the visit's options. */
  option: number
  location: number
  travelFromPrevious: number
  arrival: number
  /** Minutes waiting for the window to open. */
  wait: number
  start: number
  end: number
}

export interface PlannedRoute {
  routeId: string
  stops: PlannedStop[]
  departure: number
  returnTravel: number
  returnAt: number
  score: number
}

/**
 * Why a visit is not in the plan, in words a team can act on. Every visit of the input is either
 * in exactly one route or listed here: nothing is dropped silently.
 */
export type ExclusionReason =
  /** No option has a window reachable from any allowed route and back by its end, even alone. */
  | 'cannot_fit_any_shift'
  /** It could be made alone, but not together with the visits chosen, which are worth more. */
  | 'outscored'
  /** Pinned, but the route cannot take it with the other pinned or fixed-order visits. */
  | 'pinned_conflict'
  /** routeIds / pinnedTo names no route of the input. */
  | 'no_allowed_route'

export interface Exclusion {
  visitId: string
  reason: ExclusionReason
  /** A sentence for the team, e.g. "window 09:00-10:00 closes before the shift can reach it". */
  detail: string
}

export interface PlannerResult {
  routes: PlannedRoute[]
  excluded: Exclusion[]
  score: number
  iterations: number
  ms: number
}
