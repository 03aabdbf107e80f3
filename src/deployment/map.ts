/**
 * The plan as a simple map: each team's route drawn from coordinates alone, as an inline SVG that
 * needs no tile service, no script and no style attribute (the pages run under a strict CSP), and
 * prints. Routes differ by dash pattern as well as colour, so the map reads in black and white.
 */

export interface MapPlace {
  latitude: number
  longitude: number
  label: string
}

export interface MapStop extends MapPlace {
  /** Shown in the stop's marker: its position in the route, from 1. */
  number: number
}

export interface MapRoute {
  label: string
  base: MapPlace
  /** In visiting order; the route runs base, stops, base. */
  stops: MapStop[]
}

export interface PlanMapInput {
  routes: MapRoute[]
  /** Of the map area in SVG units; the legend adds a row per route below it. */
  width?: number
  height?: number
  title: string
  /** Prefix of the ids that aria-labelledby points at; distinct per map when a page shows several. */
  id?: string
}

const DEFAULT_WIDTH = 720
const DEFAULT_HEIGHT = 480
/** Keeps markers, and the north arrow in the top right corner, clear of the edges. */
const MARGIN = 40
/** A map of points closer than this still shows this much ground, not a few metres blown up. */
const MIN_SPAN_KM = 1
const KM_PER_DEGREE = (6371.0088 * Math.PI) / 180
const STOP_RADIUS = 10
const BASE_SIZE = 14
const ROW = 24
const INK = '#0b0c0c'
/** GOV.UK colours, each at least 3:1 against white. */
const COLOURS = ['#1d70b8', '#d4351c', '#00703c', '#4c2c92', '#912b88', INK]
/** Five patterns against six colours: 30 routes before a style repeats. */
const DASHES = [null, '10 5', '3 4', '12 4 3 4', '6 6']

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!)
}

/** One decimal is a tenth of an SVG unit: finer than any printer. */
function n(value: number): string {
  return String(Math.round(value * 10) / 10 || 0)
}

function assertPlace(place: MapPlace, what: string): void {
  const { latitude, longitude } = place
  if (!Number.isFinite(latitude) || latitude < -90 || latitude > 90) {
    throw new Error(`Cannot map ${what}: invalid latitude (${latitude})`)
  }
  if (!Number.isFinite(longitude) || longitude < -180 || longitude > 180) {
    throw new Error(`Cannot map ${what}: invalid longitude (${longitude})`)
  }
}

/** The longest of 1, 2 or 5 times a power of ten that is at most maxKm. */
function niceKm(maxKm: number): number {
  const power = 10 ** Math.floor(Math.log10(maxKm))
  return [5, 2, 1].map((m) => m * power).find((km) => km <= maxKm) ?? power
}

function description(routes: MapRoute[]): string {
  if (routes.length === 0) return 'No routes.'
  return routes
    .map(({ label, base, stops }) => {
      if (stops.length === 0) return `Route ${label}: base ${base.label}, no visits.`
      const visits = stops.map((stop) => `${stop.number}. ${stop.label}`).join(', ')
      return `Route ${label}: base ${base.label}, then ${visits}, then back to base.`
    })
    .join(' ')
}

export function renderPlanMap(input: PlanMapInput): string {
  const { routes, title } = input
  const width = input.width ?? DEFAULT_WIDTH
  const height = input.height ?? DEFAULT_HEIGHT
  const id = input.id ?? 'plan-map'
  for (const [name, size] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isFinite(size) || size < 4 * MARGIN) throw new Error(`Map ${name} must be at least ${4 * MARGIN}`)
  }
  if (!/^[A-Za-z][\w-]*$/.test(id)) throw new Error(`Map id ${JSON.stringify(id)} is not a valid id`)
  routes.forEach((route, r) => {
    assertPlace(route.base, `the base of route ${r} (${JSON.stringify(route.label)})`)
    route.stops.forEach((stop, s) => {
      const what = `stop ${s} of route ${r} (${JSON.stringify(route.label)})`
      assertPlace(stop, what)
      if (!Number.isFinite(stop.number)) throw new Error(`Cannot map ${what}: invalid number (${stop.number})`)
    })
  })

  const places = routes.flatMap((route) => [route.base, ...route.stops])
  const latitudes = places.map((p) => p.latitude)
  const longitudes = places.map((p) => p.longitude)
  const minLat = Math.min(...latitudes)
  const maxLat = Math.max(...latitudes)
  const minLon = Math.min(...longitudes)
  // Equirectangular: at a county's scale, degrees of longitude shrink by cos(latitude) and little else matters.
  const lonKm = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180) * KM_PER_DEGREE
  const spanX = (Math.max(...longitudes) - minLon) * lonKm
  const spanY = (maxLat - minLat) * KM_PER_DEGREE
  const innerW = width - 2 * MARGIN
  const innerH = height - 2 * MARGIN
  const pxPerKm = Math.min(innerW / spanX, innerH / spanY, Math.min(innerW, innerH) / MIN_SPAN_KM)
  const left = MARGIN + (innerW - spanX * pxPerKm) / 2
  const top = MARGIN + (innerH - spanY * pxPerKm) / 2
  const project = (p: MapPlace): [number, number] => [
    left + (p.longitude - minLon) * lonKm * pxPerKm,
    top + (maxLat - p.latitude) * KM_PER_DEGREE * pxPerKm,
  ]

  const style = (r: number) => ({ colour: COLOURS[r % COLOURS.length]!, dash: DASHES[r % DASHES.length]! })
  const dashAttr = (dash: string | null) => (dash ? ` stroke-dasharray="${dash}"` : '')

  const lines = routes.flatMap((route, r) => {
    if (route.stops.length === 0) return []
    const { colour, dash } = style(r)
    const points = [route.base, ...route.stops, route.base].map((p) => project(p).map(n).join(',')).join(' ')
    return [
      `<polyline points="${points}" fill="none" stroke="${colour}" stroke-width="3" stroke-linejoin="round"` +
        `${dashAttr(dash)}/>`,
    ]
  })

  // Teams usually share a base: one marker per place, named after every route that starts there.
  const bases = new Map<string, { place: MapPlace; routes: string[] }>()
  for (const route of routes) {
    const key = `${route.base.latitude},${route.base.longitude}`
    const entry = bases.get(key) ?? { place: route.base, routes: [] }
    entry.routes.push(route.label)
    bases.set(key, entry)
  }
  const baseMarkers = [...bases.values()].map(({ place, routes: names }) => {
    const [x, y] = project(place)
    const tip = `Base ${place.label} (${names.join(', ')})`
    return (
      `<g><title>${escapeXml(tip)}</title>` +
      `<rect x="${n(x - BASE_SIZE / 2)}" y="${n(y - BASE_SIZE / 2)}" width="${BASE_SIZE}" height="${BASE_SIZE}" ` +
      `fill="${INK}" stroke="#ffffff" stroke-width="1.5"/></g>`
    )
  })

  const stopMarkers = routes.flatMap((route, r) =>
    route.stops.map((stop) => {
      const [x, y] = project(stop)
      const tip = `${route.label}, visit ${stop.number}: ${stop.label}`
      return (
        `<g><title>${escapeXml(tip)}</title>` +
        `<circle cx="${n(x)}" cy="${n(y)}" r="${STOP_RADIUS}" fill="#ffffff" stroke="${style(r).colour}" ` +
        `stroke-width="2.5"/>` +
        `<text x="${n(x)}" y="${n(y)}" text-anchor="middle" dominant-baseline="central" font-size="11" ` +
        `font-weight="bold" fill="${INK}">${escapeXml(String(stop.number))}</text></g>`
      )
    }),
  )

  const north =
    `<g><path d="M ${n(width - 20)} 8 L ${n(width - 26)} 24 L ${n(width - 20)} 20 ` +
    `L ${n(width - 14)} 24 Z" fill="${INK}"/>` +
    `<text x="${n(width - 20)}" y="36" text-anchor="middle" font-size="11" font-weight="bold" fill="${INK}">N</text></g>`

  // Key: the two marker shapes, a sample of each route's line, then the scale bar.
  const legend: string[] = []
  let y = height + ROW / 2
  legend.push(
    `<rect x="${MARGIN + 17}" y="${n(y - BASE_SIZE / 2)}" width="${BASE_SIZE}" height="${BASE_SIZE}" fill="${INK}"/>`,
    `<text x="${MARGIN + 56}" y="${n(y)}" dominant-baseline="central" font-size="13" fill="${INK}">Base</text>`,
    `<circle cx="${MARGIN + 124}" cy="${n(y)}" r="${STOP_RADIUS}" fill="#ffffff" stroke="${INK}" stroke-width="2.5"/>`,
    `<text x="${MARGIN + 140}" y="${n(y)}" dominant-baseline="central" font-size="13" fill="${INK}">` +
      `Visit, numbered in order</text>`,
  )
  routes.forEach((route, r) => {
    y += ROW
    const { colour, dash } = style(r)
    legend.push(
      `<line x1="${MARGIN}" y1="${n(y)}" x2="${MARGIN + 48}" y2="${n(y)}" stroke="${colour}" stroke-width="3"` +
        `${dashAttr(dash)}/>`,
      `<text x="${MARGIN + 56}" y="${n(y)}" dominant-baseline="central" font-size="13" fill="${INK}">` +
        `${escapeXml(route.label)}</text>`,
    )
  })
  if (places.length > 0) {
    y += ROW
    const km = niceKm(innerW / 3 / pxPerKm)
    const bar = km * pxPerKm
    const label = km >= 1 ? `${km} km` : `${Math.round(km * 1000)} m`
    legend.push(
      `<path d="M ${MARGIN} ${n(y - 4)} V ${n(y + 2)} H ${n(MARGIN + bar)} V ${n(y - 4)}" fill="none" ` +
        `stroke="${INK}" stroke-width="2"/>`,
      `<text x="${n(MARGIN + bar + 8)}" y="${n(y)}" dominant-baseline="central" font-size="13" fill="${INK}">` +
        `${label}</text>`,
    )
  } else {
    legend.push(
      `<text x="${n(width / 2)}" y="${n(height / 2)}" text-anchor="middle" font-size="16" fill="${INK}">` +
        `No routes to show</text>`,
    )
  }
  const totalHeight = y + ROW / 2

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="app-plan-map" viewBox="0 0 ${n(width)} ${n(totalHeight)}" ` +
      `width="${n(width)}" height="${n(totalHeight)}" role="img" aria-labelledby="${id}-title ${id}-desc" ` +
      `font-family="GDS Transport, arial, sans-serif">`,
    `<title id="${id}-title">${escapeXml(title)}</title>`,
    `<desc id="${id}-desc">${escapeXml(description(routes))}</desc>`,
    `<rect x="0.5" y="0.5" width="${n(width - 1)}" height="${n(totalHeight - 1)}" fill="#ffffff" stroke="#b1b4b6"/>`,
    `<line x1="0" y1="${n(height)}" x2="${n(width)}" y2="${n(height)}" stroke="#b1b4b6"/>`,
    ...lines,
    ...baseMarkers,
    ...stopMarkers,
    north,
    ...legend,
    '</svg>',
  ].join('\n')
}

/** What the map of a shift's plan needs of it, as DeploymentService.view gives it. */
export interface ShiftPlanForMap {
  shift: { teamName: string; base: { name: string; latitude: number; longitude: number } }
  planned: {
    reference: string
    postcode: string
    /** Where a visit away from the incident's address is ('At a discreet place arranged by the IDVA'). */
    place: string | null
    latitude: number | null
    longitude: number | null
    position: number
  }[]
}

/**
 * The map of a shift's plan: the team's route from its base through the planned visits with a map
 * position. A visit away from the victim's home is named by its place, never the home's postcode.
 */
export function shiftPlanMap(plan: ShiftPlanForMap): string {
  const stops = plan.planned.filter((v) => v.latitude !== null && v.longitude !== null)
  return renderPlanMap({
    title: `Map of the plan for ${plan.shift.teamName}`,
    routes: [
      {
        label: plan.shift.teamName,
        base: { latitude: plan.shift.base.latitude, longitude: plan.shift.base.longitude, label: plan.shift.base.name },
        stops: stops.map((v) => ({
          latitude: v.latitude!,
          longitude: v.longitude!,
          label: `${v.reference}, ${v.place ?? v.postcode}`,
          number: v.position + 1,
        })),
      },
    ],
  })
}
