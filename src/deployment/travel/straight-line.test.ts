import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { haversineKm, straightLineMinutes, straightLineSource } from './straight-line.ts'
import { DEFAULT_TRAVEL, travelTimeSource, type GeoPoint } from './travel.ts'

const BLACKPOOL_TOWER: GeoPoint = { latitude: 53.8159, longitude: -3.0553, areaKind: 'urban' }
const PRESTON_STATION: GeoPoint = { latitude: 53.7566, longitude: -2.7078, areaKind: 'urban' }
const LONDON = { latitude: 51.5074, longitude: -0.1278 }
const PARIS = { latitude: 48.8566, longitude: 2.3522 }

/** Road factor 1 and round speeds, so expected minutes are easy to check by hand. */
const PLAIN = { roadFactor: 1, speedsKmh: { urban: 20, suburban: 40, rural: 60 } }
/** One degree of longitude on the equator: 2 pi R / 360 with R = 6371.0088 km. */
const DEGREE_KM = 111.19508

describe('haversineKm', () => {
  const cases: {
    name: string
    a: { latitude: number; longitude: number }
    b: typeof LONDON
    km: number
    tol: number
  }[] = [
    { name: 'Blackpool Tower to Preston station', a: BLACKPOOL_TOWER, b: PRESTON_STATION, km: 23.8, tol: 0.2 },
    { name: 'London to Paris', a: LONDON, b: PARIS, km: 343.5, tol: 1 },
    {
      name: 'one degree along the equator',
      a: { latitude: 0, longitude: 0 },
      b: { latitude: 0, longitude: 1 },
      km: DEGREE_KM,
      tol: 0.001,
    },
    {
      name: 'equator to pole',
      a: { latitude: 0, longitude: 10 },
      b: { latitude: 90, longitude: 0 },
      km: 90 * DEGREE_KM,
      tol: 0.01,
    },
    {
      name: 'antipodes',
      a: { latitude: 0, longitude: 0 },
      b: { latitude: 0, longitude: 180 },
      km: 180 * DEGREE_KM,
      tol: 0.01,
    },
    {
      name: 'across the antimeridian',
      a: { latitude: 0, longitude: 179.5 },
      b: { latitude: 0, longitude: -179.5 },
      km: DEGREE_KM,
      tol: 0.001,
    },
    { name: 'same point', a: PARIS, b: PARIS, km: 0, tol: 0 },
  ]
  for (const { name, a, b, km, tol } of cases) {
    it(name, () => {
      const d = haversineKm(a, b)
      assert.ok(Math.abs(d - km) <= tol, `${d} km, expected ${km} ± ${tol}`)
      assert.equal(haversineKm(b, a), d)
    })
  }
})

describe('straight-line travel times', () => {
  const on = (longitude: number, areaKind: GeoPoint['areaKind']): GeoPoint => ({ latitude: 0, longitude, areaKind })
  const cases: { name: string; a: GeoPoint; b: GeoPoint; minutes: number }[] = [
    { name: 'urban to urban at 20 km/h', a: on(0, 'urban'), b: on(0.1, 'urban'), minutes: (DEGREE_KM / 10 / 20) * 60 },
    { name: 'rural to rural at 60 km/h', a: on(0, 'rural'), b: on(0.1, 'rural'), minutes: (DEGREE_KM / 10 / 60) * 60 },
    // Half the way at 20 and half at 60 km/h: the harmonic mean, 30 km/h, not 40.
    { name: 'urban to rural at 30 km/h', a: on(0, 'urban'), b: on(0.1, 'rural'), minutes: (DEGREE_KM / 10 / 30) * 60 },
    {
      name: 'suburban to rural at 48 km/h',
      a: on(0, 'suburban'),
      b: on(0.1, 'rural'),
      minutes: (DEGREE_KM / 10 / 48) * 60,
    },
  ]
  for (const { name, a, b, minutes } of cases) {
    it(name, () => {
      assert.ok(Math.abs(straightLineMinutes(PLAIN, a, b) - minutes) < 1e-3)
      assert.ok(Math.abs(straightLineMinutes(PLAIN, b, a) - minutes) < 1e-3)
    })
  }

  it('stretches the distance by the road factor', () => {
    const stretched = { ...PLAIN, roadFactor: 1.5 }
    const a = on(0, 'urban')
    const b = on(0.2, 'suburban')
    assert.ok(Math.abs(straightLineMinutes(stretched, a, b) - 1.5 * straightLineMinutes(PLAIN, a, b)) < 1e-9)
  })

  it('Blackpool to Preston with the defaults, at urban speed all the way, is 74 minutes', async () => {
    const { minutes } = await straightLineSource(DEFAULT_TRAVEL).matrix([BLACKPOOL_TOWER, PRESTON_STATION])
    // 23.76 km * 1.3 / 25 km/h * 60
    assert.ok(Math.abs(minutes[0]![1]! - 74.1) < 0.5, `${minutes[0]![1]} minutes`)
  })

  it('builds a symmetric matrix with a zero diagonal', async () => {
    const points: GeoPoint[] = [
      BLACKPOOL_TOWER,
      PRESTON_STATION,
      { latitude: 54.0466, longitude: -2.8007, areaKind: 'suburban' }, // Lancaster
      { latitude: 53.9586, longitude: -2.0174, areaKind: 'rural' }, // near Gisburn
      { latitude: 53.7566, longitude: -2.7078, areaKind: 'rural' }, // same place as Preston, rural kind
    ]
    const result = await travelTimeSource(DEFAULT_TRAVEL).matrix(points)
    assert.equal(result.source, 'straight-line')
    assert.deepEqual(result.warnings, [])
    assert.equal(result.minutes.length, points.length)
    for (let i = 0; i < points.length; i++) {
      assert.equal(result.minutes[i]!.length, points.length)
      assert.equal(result.minutes[i]![i], 0)
      for (let j = 0; j < points.length; j++) {
        assert.equal(result.minutes[i]![j], result.minutes[j]![i])
        if (i !== j && !(i === 1 && j === 4) && !(i === 4 && j === 1)) assert.ok(result.minutes[i]![j]! > 0)
      }
    }
    assert.equal(result.minutes[1]![4], 0, 'two points at the same place are no travel apart')
  })

  it('answers empty and single-point matrices', async () => {
    const source = straightLineSource(DEFAULT_TRAVEL)
    assert.deepEqual((await source.matrix([])).minutes, [])
    assert.deepEqual((await source.matrix([BLACKPOOL_TOWER])).minutes, [[0]])
  })
})

describe('straight-line validation', () => {
  const invalid: { name: string; point: Record<string, unknown>; message: RegExp }[] = [
    {
      name: 'a NaN latitude',
      point: { latitude: NaN, longitude: 0 },
      message: /Point 2 has an invalid latitude \(NaN\)/,
    },
    {
      name: 'a latitude above 90',
      point: { latitude: 90.5, longitude: 0 },
      message: /Point 2 has an invalid latitude/,
    },
    {
      name: 'a latitude below -90',
      point: { latitude: -91, longitude: 0 },
      message: /Point 2 has an invalid latitude/,
    },
    {
      name: 'an infinite longitude',
      point: { latitude: 0, longitude: Infinity },
      message: /Point 2 has an invalid longitude/,
    },
    {
      name: 'a longitude above 180',
      point: { latitude: 0, longitude: 180.1 },
      message: /Point 2 has an invalid longitude/,
    },
    {
      name: 'a latitude given as a string',
      point: { latitude: '53.8', longitude: 0 },
      message: /Point 2 has an invalid latitude/,
    },
    {
      name: 'an unknown area kind',
      point: { latitude: 0, longitude: 0, areaKind: 'city' },
      message: /Point 2 has an unknown area kind \(city\)/,
    },
  ]
  for (const { name, point, message } of invalid) {
    it(`rejects ${name}, naming the point`, async () => {
      const points = [BLACKPOOL_TOWER, PRESTON_STATION, { areaKind: 'urban', ...point } as unknown as GeoPoint]
      await assert.rejects(straightLineSource(DEFAULT_TRAVEL).matrix(points), message)
    })
  }

  it('accepts the extremes of the ranges', async () => {
    const points: GeoPoint[] = [
      { latitude: -90, longitude: -180, areaKind: 'rural' },
      { latitude: 90, longitude: 180, areaKind: 'rural' },
    ]
    const { minutes } = await straightLineSource(DEFAULT_TRAVEL).matrix(points)
    assert.ok(minutes[0]![1]! > 0)
  })

  it('rejects a road factor below 1 and speeds that are not positive', () => {
    assert.throws(
      () => straightLineSource({ ...DEFAULT_TRAVEL, roadFactor: 0.9 }),
      /Road factor must be a number of at least 1/,
    )
    assert.throws(
      () => straightLineSource({ roadFactor: 1.3, speedsKmh: { urban: 25, suburban: 0, rural: 55 } }),
      /Average suburban speed must be above 0 km\/h/,
    )
    assert.throws(
      () => travelTimeSource({ roadFactor: 1.3, speedsKmh: { urban: NaN, suburban: 40, rural: 55 } }),
      /Average urban speed/,
    )
  })
})
