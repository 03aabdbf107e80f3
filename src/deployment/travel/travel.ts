/**
 * Where the planner's travel matrix comes from. The default is a straight-line estimate that needs
 * nothing but coordinates; a road router (OSRM) gives better times when a force runs one. A router
 * that fails never stops a plan: the times fall back to the estimate and the matrix says so.
 */
import { OsrmUnavailable, osrmSource } from './osrm.ts'
import { assertValidPoints, straightLineSource, type StraightLineConfig } from './straight-line.ts'
import type { AreaKind } from '../../db/schema.ts'

/** The area kinds stored on `area.kind`: the speeds differ by kind. */
export type { AreaKind }

export interface GeoPoint {
  latitude: number
  longitude: number
  areaKind: AreaKind
}

export interface TravelMatrix {
  /** minutes[a][b]: driving minutes from point a to point b; minutes[a][a] = 0. */
  minutes: number[][]
  /** Which source produced the times: 'straight-line' or 'osrm'. */
  source: string
  /** Sentences for the team about estimates they should know of; empty when none. */
  warnings: string[]
}

export interface TravelTimeSource {
  name: string
  matrix(points: GeoPoint[]): Promise<TravelMatrix>
}

export interface TravelConfig extends StraightLineConfig {
  osrmUrl?: string | null
  timeoutMs?: number
}

/**
 * Road distance is typically 1.2-1.4 times the crow-flies distance on British roads, hence 1.3.
 * The speeds are door-to-door averages including junctions, traffic and finding the address, not
 * speed limits: a town centre trip averages far below 30 mph. Erring slow keeps plans achievable.
 */
export const DEFAULT_TRAVEL: StraightLineConfig = {
  roadFactor: 1.3,
  speedsKmh: { urban: 25, suburban: 40, rural: 55 },
}

const DEFAULT_TIMEOUT_MS = 3000

export function travelTimeSource(config: TravelConfig, fetchImpl: typeof fetch = fetch): TravelTimeSource {
  const straightLine = straightLineSource(config)
  if (!config.osrmUrl) return straightLine
  const osrm = osrmSource(
    { url: config.osrmUrl, timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS, fallback: config },
    fetchImpl,
  )
  return {
    name: osrm.name,
    async matrix(points) {
      // Bad coordinates are the caller's error, not the router's: they must not turn into a warning.
      assertValidPoints(points)
      try {
        return await osrm.matrix(points)
      } catch (error) {
        if (!(error instanceof OsrmUnavailable)) throw error
        const estimate = await straightLine.matrix(points)
        return { ...estimate, warnings: [`${error.message}; travel times are straight-line estimates`] }
      }
    },
  }
}
