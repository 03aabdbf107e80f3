/**
 * Travel time from coordinates alone: great-circle distance, stretched by a road factor, at an
 * average speed for the kind of area. Good enough to plan 4-5 visits a shift without a router.
 */
import type { AreaKind, GeoPoint, TravelTimeSource } from './travel.ts'

export interface StraightLineConfig {
  /** Road distance / crow-flies distance, >= 1. */
  roadFactor: number
  /** Average door-to-door speed in each kind of area, > 0. */
  speedsKmh: Record<AreaKind, number>
}

/** Mean Earth radius (IUGG); the spherical model is within 0.5% of the ellipsoid. */
const EARTH_RADIUS_KM = 6371.0088
const AREA_KINDS: AreaKind[] = ['urban', 'suburban', 'rural']

export function assertValidPoints(points: GeoPoint[]): void {
  points.forEach((point, index) => {
    const { latitude, longitude } = point
    if (!Number.isFinite(latitude) || latitude < -90 || latitude > 90) {
      throw new Error(`Point ${index} has an invalid latitude (${latitude}); expected a number from -90 to 90`)
    }
    if (!Number.isFinite(longitude) || longitude < -180 || longitude > 180) {
      throw new Error(`Point ${index} has an invalid longitude (${longitude}); expected a number from -180 to 180`)
    }
    if (!AREA_KINDS.includes(point.areaKind)) {
      throw new Error(`Point ${index} has an unknown area kind (${String(point.areaKind)})`)
    }
  })
}

export function assertValidConfig(config: StraightLineConfig): void {
  if (!Number.isFinite(config.roadFactor) || config.roadFactor < 1) {
    throw new Error(`Road factor must be a number of at least 1, not ${config.roadFactor}`)
  }
  for (const kind of AREA_KINDS) {
    const speed = config.speedsKmh[kind]
    if (!Number.isFinite(speed) || speed <= 0)
      throw new Error(`Average ${kind} speed must be above 0 km/h, not ${speed}`)
  }
}

export function haversineKm(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }) {
  const rad = Math.PI / 180
  const dLat = (b.latitude - a.latitude) * rad
  const dLon = (b.longitude - a.longitude) * rad
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2
  // min() guards against rounding pushing h just above 1 for antipodal points.
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)))
}

/**
 * Between two kinds of area the journey is taken as half in each, so the time is the sum of the
 * halves: distance / harmonic mean of the two speeds. The arithmetic mean would overstate the speed
 * (urban 25 and rural 55 give 40 km/h, but half the way at each takes as long as 34.4 km/h).
 */
function speedBetween(config: StraightLineConfig, a: AreaKind, b: AreaKind): number {
  const va = config.speedsKmh[a]
  const vb = config.speedsKmh[b]
  return (2 * va * vb) / (va + vb)
}

/** Minutes from a to b; the points and config are assumed valid. */
export function straightLineMinutes(config: StraightLineConfig, a: GeoPoint, b: GeoPoint): number {
  return ((haversineKm(a, b) * config.roadFactor) / speedBetween(config, a.areaKind, b.areaKind)) * 60
}

export function straightLineSource(config: StraightLineConfig): TravelTimeSource {
  assertValidConfig(config)
  return {
    name: 'straight-line',
    async matrix(points) {
      assertValidPoints(points)
      const minutes = points.map((a, i) => points.map((b, j) => (i === j ? 0 : straightLineMinutes(config, a, b))))
      return { minutes, source: 'straight-line', warnings: [] }
    },
  }
}
