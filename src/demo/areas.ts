/**
 * The five Operation Provide areas, for synthetic incidents. Each postcode district has a small box
 * of real map space (kept inland of the coast, so points do not land in the sea) and the town that
 * goes on its addresses; an area's bounds are the union of its districts' boxes.
 */

export interface Bounds {
  south: number
  west: number
  north: number
  east: number
}

export interface PostcodeDistrict {
  outward: string
  town: string
  bounds: Bounds
}

export interface DemoArea {
  name: string
  latitude: number
  longitude: number
  bounds: Bounds
  /** Share of incidents; roughly population, with more in Blackpool where need is greatest. */
  weight: number
  districts: readonly PostcodeDistrict[]
}

const district = (outward: string, town: string, south: number, west: number, north: number, east: number) => ({
  outward,
  town,
  bounds: { south, west, north, east },
})

function area(
  name: string,
  latitude: number,
  longitude: number,
  weight: number,
  districts: PostcodeDistrict[],
): DemoArea {
  const bounds = {
    south: Math.min(...districts.map((d) => d.bounds.south)),
    west: Math.min(...districts.map((d) => d.bounds.west)),
    north: Math.max(...districts.map((d) => d.bounds.north)),
    east: Math.max(...districts.map((d) => d.bounds.east)),
  }
  return { name, latitude, longitude, bounds, weight, districts }
}

export const DEMO_AREAS: readonly DemoArea[] = [
  area('Blackpool', 53.8175, -3.0357, 0.4, [
    district('FY1', 'Blackpool', 53.805, -3.048, 53.83, -3.03),
    district('FY2', 'Blackpool', 53.83, -3.043, 53.86, -3.02),
    district('FY3', 'Blackpool', 53.805, -3.03, 53.835, -2.99),
    district('FY4', 'Blackpool', 53.775, -3.043, 53.805, -3.0),
  ]),
  area('Fylde', 53.75, -2.98, 0.1, [district('FY8', 'Lytham St Annes', 53.738, -3.02, 53.77, -2.96)]),
  area('Wyre', 53.87, -2.99, 0.17, [
    district('FY5', 'Thornton-Cleveleys', 53.865, -3.035, 53.89, -2.99),
    district('FY6', 'Poulton-le-Fylde', 53.838, -3.0, 53.86, -2.965),
    district('FY7', 'Fleetwood', 53.9, -3.035, 53.922, -3.008),
  ]),
  area('Lancaster', 54.047, -2.801, 0.15, [
    district('LA1', 'Lancaster', 54.035, -2.815, 54.06, -2.785),
    district('LA2', 'Lancaster', 54.06, -2.78, 54.09, -2.7),
  ]),
  area('Morecambe', 54.07, -2.86, 0.18, [
    district('LA3', 'Heysham', 54.03, -2.9, 54.06, -2.87),
    district('LA4', 'Morecambe', 54.055, -2.88, 54.072, -2.84),
  ]),
]

export const DEMO_AREA_NAMES: readonly string[] = DEMO_AREAS.map((a) => a.name)
