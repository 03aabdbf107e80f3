/**
 * Travel times from an OSRM road router's table service:
 *   GET {url}/table/v1/driving/{lon},{lat};{lon},{lat}...?annotations=duration
 * which answers { code: 'Ok', durations: seconds[][] } with null where no road route exists.
 * The router should be one the force runs itself: the coordinates are victims' addresses.
 */
import { assertValidPoints, straightLineMinutes, type StraightLineConfig } from './straight-line.ts'
import type { GeoPoint, TravelMatrix, TravelTimeSource } from './travel.ts'

/** The router failed as a whole; the message says how, for the team, without any coordinates. */
export class OsrmUnavailable extends Error {
  override name = 'OsrmUnavailable'
}

export interface OsrmConfig {
  url: string
  /** For the whole matrix, however many requests it takes. */
  timeoutMs: number
  /** Estimates the pairs the router finds no road route between. */
  fallback: StraightLineConfig
  /** The server's --max-table-size: at most this many sources and destinations per request. */
  maxTableSize?: number
}

/** osrm-routed's default --max-table-size; larger matrices are fetched in blocks of this size. */
export const OSRM_MAX_TABLE_SIZE = 100
const EXAMPLE_PAIRS = 3

interface Block {
  /** Indices into the caller's points. */
  sources: number[]
  destinations: number[]
}

export function osrmSource(config: OsrmConfig, fetchImpl: typeof fetch = fetch): TravelTimeSource {
  let parsed: URL
  try {
    parsed = new URL(config.url)
  } catch {
    throw new Error(`Road router URL ${JSON.stringify(config.url)} is not a valid URL`)
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`Road router URL ${config.url} must start with http:// or https://`)
  }
  if (!(config.timeoutMs > 0)) throw new Error(`Road router timeout must be above 0 ms, not ${config.timeoutMs}`)
  const blockSize = config.maxTableSize ?? OSRM_MAX_TABLE_SIZE
  if (!Number.isInteger(blockSize) || blockSize < 1) throw new Error(`maxTableSize must be a positive whole number`)
  const base = config.url.replace(/\/+$/, '')

  async function fetchBlock(points: GeoPoint[], block: Block, signal: AbortSignal): Promise<(number | null)[][]> {
    const same = block.sources === block.destinations
    const indices = same ? block.sources : [...block.sources, ...block.destinations]
    const coordinates = indices.map((i) => `${points[i]!.longitude.toFixed(6)},${points[i]!.latitude.toFixed(6)}`)
    // Hints are long base64 strings per waypoint that we would never send back.
    let query = 'annotations=duration&generate_hints=false'
    if (!same) {
      const sources = block.sources.map((_, k) => k)
      const destinations = block.destinations.map((_, k) => block.sources.length + k)
      query += `&sources=${sources.join(';')}&destinations=${destinations.join(';')}`
    }
    const response = await fetchImpl(`${base}/table/v1/driving/${coordinates.join(';')}?${query}`, {
      signal,
      headers: { accept: 'application/json' },
    })
    const text = await response.text()
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      throw new OsrmUnavailable(
        response.ok
          ? `Road router at ${base} sent a reply that is not JSON`
          : `Road router at ${base} answered HTTP ${response.status}`,
      )
    }
    const { code, message } = (body instanceof Object ? body : {}) as { code?: unknown; message?: unknown }
    if (typeof code !== 'string') {
      throw new OsrmUnavailable(
        response.ok
          ? `Road router at ${base} sent a reply that is not an OSRM answer`
          : `Road router at ${base} answered HTTP ${response.status}`,
      )
    }
    if (!response.ok || code !== 'Ok') {
      const detail = typeof message === 'string' ? `: ${message.slice(0, 200)}` : ''
      const status = response.ok ? '' : `HTTP ${response.status}, `
      throw new OsrmUnavailable(`Road router at ${base} refused the request (${status}${code}${detail})`)
    }
    const durations = (body as { durations?: unknown }).durations
    const wellFormed =
      Array.isArray(durations) &&
      durations.length === block.sources.length &&
      durations.every(
        (row) =>
          Array.isArray(row) &&
          row.length === block.destinations.length &&
          row.every((cell) => cell === null || (typeof cell === 'number' && Number.isFinite(cell) && cell >= 0)),
      )
    if (!wellFormed) {
      throw new OsrmUnavailable(
        `Road router at ${base} sent a table that is not ${block.sources.length} by ${block.destinations.length} durations`,
      )
    }
    return durations as (number | null)[][]
  }

  return {
    name: 'osrm',
    async matrix(points): Promise<TravelMatrix> {
      assertValidPoints(points)
      const n = points.length
      const minutes = points.map(() => points.map(() => 0))
      if (n < 2) return { minutes, source: 'osrm', warnings: [] }

      const chunks: number[][] = []
      for (let start = 0; start < n; start += blockSize) {
        chunks.push(points.slice(start, start + blockSize).map((_, k) => start + k))
      }
      // A lone point's own block holds only its diagonal, and OSRM refuses a table of one coordinate.
      const blocks = chunks.flatMap((sources) =>
        chunks
          .map((destinations) => ({ sources, destinations }))
          .filter((b) => b.sources !== b.destinations || b.sources.length > 1),
      )

      const controller = new AbortController()
      let timedOut = false
      const timer = setTimeout(() => {
        timedOut = true
        controller.abort()
      }, config.timeoutMs)
      let tables: (number | null)[][][]
      try {
        tables = await Promise.all(blocks.map((block) => fetchBlock(points, block, controller.signal)))
      } catch (error) {
        // One failed block fails the matrix: stop the others rather than leave them running.
        controller.abort()
        if (timedOut) {
          throw new OsrmUnavailable(`Road router at ${base} did not answer within ${config.timeoutMs / 1000} s`)
        }
        if (error instanceof OsrmUnavailable) throw error
        const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause
        const reason = cause?.code ?? cause?.message ?? (error as Error).message
        throw new OsrmUnavailable(`Road router at ${base} could not be reached (${String(reason)})`)
      } finally {
        clearTimeout(timer)
      }

      const unrouted: [number, number][] = []
      blocks.forEach((block, b) => {
        block.sources.forEach((i, r) => {
          block.destinations.forEach((j, c) => {
            if (i === j) return
            const seconds = tables[b]![r]![c]
            if (typeof seconds !== 'number') {
              unrouted.push([i, j])
              minutes[i]![j] = straightLineMinutes(config.fallback, points[i]!, points[j]!)
            } else {
              minutes[i]![j] = seconds / 60
            }
          })
        })
      })
      const warnings: string[] = []
      if (unrouted.length > 0) {
        const examples = unrouted.slice(0, EXAMPLE_PAIRS).map(([i, j]) => `point ${i} to ${j}`)
        const more = unrouted.length > EXAMPLE_PAIRS ? ', ...' : ''
        warnings.push(
          `Road router at ${base} found no road route for ${unrouted.length} of ${n * (n - 1)} journeys ` +
            `(${examples.join(', ')}${more}); those travel times are straight-line estimates`,
        )
      }
      return { minutes, source: 'osrm', warnings }
    },
  }
}
