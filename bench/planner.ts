/**
 * The visit planner on TOPTW benchmark files and on a realistic shift.
 *   npm run bench:planner -- [--routes M[,M...]] [--time-limit-ms T] [--seed S] [--decimals D] FILE...
 *
 * Travel is Euclidean distance rounded down to D decimals (1, the Solomon convention; Cordeau
 * sets use 2). Every returned route is re-checked here from the coordinates, independently of
 * the solver, and by checkPlan. One JSON line per instance, then a summary line per route count.
 * For one route, optima come from optw_m1_optimal_righini_salani.csv beside the file's folder.
 * Without files: the 29 Solomon 100-customer files with 1 route (gap to the proven optima), then
 * 2, 3 and 4 routes, then a realistic 3-team shift. --time-limit-ms defaults to the planner's own.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { createRng, plan } from '../src/deployment/planner/solver.ts'
import { checkPlan } from '../src/deployment/planner/check.ts'
import {
  parseToptw,
  toptwDistance,
  toptwToPlannerInput,
  type ToptwInstance,
} from '../src/deployment/planner/toptw-format.ts'
import type { PlannerInput, PlannerResult, PlannerVisit } from '../src/deployment/planner/types.ts'

const DEFAULT_DIR = '/work/shared/data/routing/toptw/c_r_rc_100_100'
const OPTIMA_FILE = 'optw_m1_optimal_righini_salani.csv'

interface Options {
  routes: number[] | null
  timeLimitMs: number | undefined
  seed: number
  decimals: number
  files: string[]
}

function parseArgs(args: string[]): Options {
  const options: Options = { routes: null, timeLimitMs: undefined, seed: 1, decimals: 1, files: [] }
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    const value = () => {
      const v = args[++i]
      if (v === undefined) throw new Error(`${a} needs a value`)
      return v
    }
    if (a === '--routes') options.routes = value().split(',').map(Number)
    else if (a === '--time-limit-ms') options.timeLimitMs = Number(value())
    else if (a === '--seed') options.seed = Number(value())
    else if (a === '--decimals') options.decimals = Number(value())
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`)
    else options.files.push(a)
  }
  return options
}

/** Proven optima for one route, by instance name, from the CSV beside the file's folder (if any). */
function optimaFor(file: string): Map<string, number> {
  const optima = new Map<string, number>()
  const dir = path.dirname(path.resolve(file))
  for (const csv of [path.join(dir, '..', OPTIMA_FILE), path.join(dir, OPTIMA_FILE)]) {
    if (!existsSync(csv)) continue
    const [header, ...rows] = readFileSync(csv, 'utf8').trim().split(/\r?\n/)
    const cols = header!.split(',')
    const name = cols.indexOf('instance')
    const score = cols.indexOf('optimal_score')
    const routes = cols.indexOf('m')
    for (const row of rows) {
      const f = row.split(',')
      if (f[score] && (routes < 0 || f[routes] === '1')) optima.set(f[name]!, Number(f[score]))
    }
    break
  }
  return optima
}

/**
 * The plan re-walked from the instance's coordinates: arrival, waiting, window, Tmax, no node
 * twice, and the score. Returns what is wrong, if anything.
 */
function recheck(instance: ToptwInstance, decimals: number, result: PlannerResult): string[] {
  const problems: string[] = []
  const depot = instance.nodes[0]!
  const seen = new Set<number>()
  let score = 0
  for (const route of result.routes) {
    let time = depot.open
    let at = depot
    for (const stop of route.stops) {
      const node = instance.nodes.find((n) => String(n.id) === stop.visitId)
      if (!node || node.id === 0) {
        problems.push(`${route.routeId}: unknown node ${stop.visitId}`)
        continue
      }
      if (seen.has(node.id)) problems.push(`node ${node.id} visited twice`)
      seen.add(node.id)
      const start = Math.max(time + toptwDistance(at, node, decimals), node.open)
      if (start > node.close + 1e-6) problems.push(`${route.routeId}: node ${node.id} starts ${start} > ${node.close}`)
      time = start + node.service
      at = node
      score += node.profit
    }
    const back = time + toptwDistance(at, depot, decimals)
    if (route.stops.length > 0 && back > depot.close + 1e-6) {
      problems.push(`${route.routeId}: back at ${back} > Tmax ${depot.close}`)
    }
  }
  if (Math.abs(score - result.score) > 1e-6) problems.push(`score ${result.score} but the nodes add up to ${score}`)
  return problems
}

interface Row {
  instance: string
  routes: number
  score: number
  ms: number
  feasible: boolean
  optimum?: number
  gapPct?: number
}

function runFile(file: string, routes: number, options: Options, optima: Map<string, number>): Row {
  const instance = parseToptw(readFileSync(file, 'utf8'))
  const input = toptwToPlannerInput(instance, { routes, decimals: options.decimals })
  input.options = { seed: options.seed, ...(options.timeLimitMs !== undefined && { timeLimitMs: options.timeLimitMs }) }
  const result = plan(input)
  const problems = [...recheck(instance, options.decimals, result), ...checkPlan(input, result)]
  if (problems.length > 0) console.error(`${file}: ${problems.join('; ')}`)
  const name = path.basename(file).replace(/\.txt$/, '')
  const row: Row = {
    instance: name,
    routes,
    score: result.score,
    ms: round(result.ms),
    feasible: problems.length === 0,
  }
  const optimum = routes === 1 ? optima.get(name) : undefined
  if (optimum !== undefined) {
    row.optimum = optimum
    row.gapPct = round((100 * (optimum - result.score)) / optimum, 3)
  }
  return row
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits

function summary(rows: Row[], routes: number): Record<string, unknown> {
  const gaps = rows.flatMap((r) => (r.gapPct === undefined ? [] : [r.gapPct]))
  return {
    summary: true,
    routes,
    instances: rows.length,
    totalScore: round(
      rows.reduce((s, r) => s + r.score, 0),
      2,
    ),
    ...(gaps.length > 0 && {
      withOptimum: gaps.length,
      meanGapPct: round(gaps.reduce((s, g) => s + g, 0) / gaps.length, 3),
      worstGapPct: Math.max(...gaps),
    }),
    maxMs: Math.max(...rows.map((r) => r.ms)),
    allFeasible: rows.every((r) => r.feasible),
  }
}

/**
 * A day shift as the programme runs it: 30 candidate visits in a 15 km town, 3 teams from two
 * bases on 07:00-15:00, 45-75 minute visits, a third of them while a suspect is in custody (until
 * a release mid-shift), some only in safe-contact windows, a few also at a GP appointment.
 * Travel: straight line x 1.3 road factor at 30 km/h.
 */
export function realisticShift(seed: number): PlannerInput {
  const rng = createRng(seed)
  const between = (a: number, b: number) => a + rng() * (b - a)
  const int = (a: number, b: number) => Math.floor(between(a, b + 1))
  const bases = [
    [4, 5],
    [11, 9],
  ]
  const points: number[][] = [...bases]
  const place = () => points.push([between(0, 15), between(0, 15)]) - 1
  const H = (h: number) => h * 60
  const visits: PlannerVisit[] = Array.from({ length: 30 }, (_, i) => {
    const location = place()
    const serviceMinutes = int(45, 75)
    let windows = [{ open: H(7), close: H(15) }]
    if (i % 3 === 0) windows = [{ open: H(7), close: int(H(9.5), H(12)) }]
    else if (i % 5 === 1) {
      const first = int(H(8), H(10))
      const second = int(H(12), H(13.5))
      windows = [
        { open: first, close: first + 60 },
        { open: second, close: second + 60 },
      ]
    }
    const options = [{ location, windows, serviceMinutes, label: 'home' }]
    if (i % 7 === 2) {
      const at = int(H(9), H(13))
      options.push({ location: place(), windows: [{ open: at, close: at + 10 }], serviceMinutes: 30, label: 'GP' })
    }
    return { id: `case ${i + 1}`, prize: int(1, 10), options }
  })
  const minutes = (a: number[], b: number[]) => (Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!) * 1.3 * 60) / 30
  return {
    travel: points.map((a) => points.map((b) => round(minutes(a, b), 1))),
    routes: ['Team 1', 'Team 2', 'Team 3'].map((id, r) => ({
      id,
      startLocation: r % 2,
      endLocation: r % 2,
      startTime: H(7),
      endTime: H(15),
    })),
    visits,
  }
}

export async function plannerBench(args = process.argv.slice(3)): Promise<void> {
  const options = parseArgs(args)
  const files =
    options.files.length > 0
      ? options.files
      : readdirSync(DEFAULT_DIR)
          .filter((f) => f.endsWith('.txt'))
          .sort()
          .map((f) => path.join(DEFAULT_DIR, f))
  const routeCounts = options.routes ?? (options.files.length > 0 ? [1] : [1, 2, 3, 4])
  for (const routes of routeCounts) {
    const rows = files.map((file) => {
      const row = runFile(file, routes, options, optimaFor(file))
      console.log(JSON.stringify(row))
      return row
    })
    console.log(JSON.stringify(summary(rows, routes)))
  }
  if (options.files.length === 0) {
    const input = realisticShift(options.seed)
    const result = plan({ ...input, options: { seed: options.seed } })
    // The same shift given ten times as long: how far the interactive answer is from a patient one.
    const patient = plan({ ...input, options: { seed: options.seed, timeLimitMs: 1500 } })
    console.log(
      JSON.stringify({
        instance: 'realistic shift (30 candidates, 3 teams, 07:00-15:00)',
        routes: input.routes.length,
        score: result.score,
        ms: round(result.ms),
        feasible: checkPlan(input, result).length === 0,
        planned: result.routes.map((r) => r.stops.length),
        excluded: result.excluded.length,
        scoreWith1500ms: patient.score,
      }),
    )
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await plannerBench(process.argv.slice(2))
