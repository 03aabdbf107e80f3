import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { renderPlanMap, type MapRoute, type PlanMapInput } from './map.ts'
import { haversineKm } from './travel/straight-line.ts'

const BLACKPOOL_STATION = { latitude: 53.8211, longitude: -3.0493, label: 'Blackpool police station' }
const PRESTON_STATION = { latitude: 53.7606, longitude: -2.6973, label: 'Preston police station' }

const TEAM_A: MapRoute = {
  label: 'Team A',
  base: BLACKPOOL_STATION,
  stops: [
    { latitude: 53.8142, longitude: -3.0503, label: 'FY1 3AB', number: 1 },
    { latitude: 53.7905, longitude: -3.0427, label: 'FY4 1AA', number: 2 },
    { latitude: 53.8735, longitude: -3.0245, label: 'FY5 2BB', number: 3 },
  ],
}
const TEAM_B: MapRoute = {
  label: 'Team B',
  base: PRESTON_STATION,
  stops: [
    { latitude: 53.7632, longitude: -2.7031, label: 'PR1 2HE', number: 1 },
    { latitude: 53.7485, longitude: -2.4861, label: 'BB2 1AA', number: 2 },
  ],
}

interface Shape {
  x: number
  y: number
}

/** Centres of the stop markers and base squares drawn on the map (the legend's samples excluded). */
function markers(svg: string): { stops: Shape[]; bases: Shape[] } {
  const attrs = (tag: string) =>
    [...svg.matchAll(new RegExp(`<g><title>[^<]*</title><${tag} ([^>]*)/?>`, 'g'))].map((m) =>
      Object.fromEntries([...m[1]!.matchAll(/([\w-]+)="([^"]*)"/g)].map(([, k, v]) => [k!, v!])),
    )
  return {
    stops: attrs('circle').map((a) => ({ x: Number(a.cx), y: Number(a.cy) })),
    bases: attrs('rect').map((a) => ({ x: Number(a.x) + Number(a.width) / 2, y: Number(a.y) + Number(a.height) / 2 })),
  }
}

function viewBox(svg: string): { width: number; height: number } {
  const m = /viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(svg)
  assert.ok(m, 'viewBox present')
  return { width: Number(m[1]), height: Number(m[2]) }
}

function desc(svg: string): string {
  return /<desc id="[^"]+">([^<]*)<\/desc>/.exec(svg)![1]!
}

const map = (input: Partial<PlanMapInput>) =>
  renderPlanMap({ title: 'Early shift, 3 March', routes: [TEAM_A, TEAM_B], ...input })

describe('renderPlanMap', () => {
  it('is an accessible image with a title and a description of every route in order', () => {
    const svg = map({ id: 'early' })
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" /)
    assert.match(svg, / role="img" /)
    assert.match(svg, / aria-labelledby="early-title early-desc"/)
    assert.match(svg, /<title id="early-title">Early shift, 3 March<\/title>/)
    assert.equal(
      desc(svg),
      'Route Team A: base Blackpool police station, then 1. FY1 3AB, 2. FY4 1AA, 3. FY5 2BB, then back to base. ' +
        'Route Team B: base Preston police station, then 1. PR1 2HE, 2. BB2 1AA, then back to base.',
    )
  })

  it('draws a numbered marker per stop, a square per base and a line per route', () => {
    const svg = map({})
    const { stops, bases } = markers(svg)
    assert.equal(stops.length, 5)
    assert.equal(bases.length, 2)
    for (const number of ['1', '2', '3']) {
      assert.ok(svg.includes(`font-weight="bold" fill="#0b0c0c">${number}</text></g>`), `marker ${number}`)
    }
    assert.equal(svg.match(/<polyline /g)?.length, 2)
    assert.match(svg, />N<\/text>/)
    assert.match(svg, />\d+ km<\/text>/)
  })

  it('runs each line from the base through the stops in order and back', () => {
    const svg = map({})
    const { stops, bases } = markers(svg)
    const lines = [...svg.matchAll(/<polyline points="([^"]+)"/g)].map((m) =>
      m[1]!.split(' ').map((pair) => pair.split(',').map(Number)),
    )
    const at = (s: Shape) => [s.x, s.y]
    assert.deepEqual(lines[0], [at(bases[0]!), at(stops[0]!), at(stops[1]!), at(stops[2]!), at(bases[0]!)])
    assert.deepEqual(lines[1], [at(bases[1]!), at(stops[3]!), at(stops[4]!), at(bases[1]!)])
  })

  it('tells routes apart by dash pattern as well as colour', () => {
    const routes = [0, 1, 2, 3, 4].map((k) => ({ ...TEAM_A, label: `Team ${k}` }))
    const svg = map({ routes })
    const styles = [...svg.matchAll(/<polyline [^>]*stroke="([^"]+)"[^>]*?(?:stroke-dasharray="([^"]+)")?\/>/g)].map(
      (m) => ({ colour: m[1], dash: m[2] ?? 'solid' }),
    )
    assert.equal(styles.length, 5)
    assert.equal(new Set(styles.map((s) => s.dash)).size, 5)
    assert.equal(new Set(styles.map((s) => s.colour)).size, 5)
  })

  it('keeps every marker inside the view box, north up and east right, with the same scale both ways', () => {
    const svg = map({ width: 600, height: 400 })
    const box = viewBox(svg)
    assert.equal(box.width, 600)
    const { stops, bases } = markers(svg)
    for (const p of [...stops, ...bases]) {
      assert.ok(p.x >= 0 && p.x <= 600 && p.y >= 0 && p.y <= 400, `${p.x},${p.y} inside the map area`)
    }
    // FY5 (north) is above FY4 (south); BB2 (east) is right of PR1.
    assert.ok(stops[2]!.y < stops[1]!.y)
    assert.ok(stops[4]!.x > stops[3]!.x)
    // Blackpool station to PR1 2HE: east-west and north-south on the ground, and on the map.
    const pr1 = TEAM_B.stops[0]!
    const eastKm = haversineKm(BLACKPOOL_STATION, { latitude: BLACKPOOL_STATION.latitude, longitude: pr1.longitude })
    const southKm = haversineKm(BLACKPOOL_STATION, { latitude: pr1.latitude, longitude: BLACKPOOL_STATION.longitude })
    const dx = stops[3]!.x - bases[0]!.x
    const dy = stops[3]!.y - bases[0]!.y
    assert.ok(Math.abs(dx / dy / (eastKm / southKm) - 1) < 0.01, `aspect ${dx / dy}, ground ${eastKm / southKm}`)
    // The widest extent fills the width less the margins.
    const xs = [...stops, ...bases].map((p) => p.x)
    assert.ok(Math.abs(Math.max(...xs) - Math.min(...xs) - (600 - 80)) < 0.5)
  })

  it('draws a scale bar whose length matches the distances on the map', () => {
    const svg = map({})
    const [, x0, x1] = /<path d="M ([\d.]+) [\d.]+ V [\d.]+ H ([\d.]+) V [\d.]+"/.exec(svg)!
    const km = Number(/>(\d+) km<\/text>/.exec(svg)![1])
    const pxPerKm = (Number(x1) - Number(x0)) / km
    const { stops, bases } = markers(svg)
    const mapped = Math.hypot(stops[4]!.x - bases[0]!.x, stops[4]!.y - bases[0]!.y) / pxPerKm
    const ground = haversineKm(BLACKPOOL_STATION, TEAM_B.stops[1]!)
    assert.ok(
      Math.abs(mapped / ground - 1) < 0.005,
      `Blackpool station to BB2 is ${ground} km, ${mapped} km on the map`,
    )
  })

  it('escapes labels and the title', () => {
    const svg = renderPlanMap({
      title: 'Shift <b>"late"</b> & more',
      routes: [
        {
          label: "Team <script>alert('a')</script>",
          base: { ...BLACKPOOL_STATION, label: '<img src=x onerror=alert(1)>' },
          stops: [{ latitude: 53.8, longitude: -3, label: '"><script>alert(2)</script>', number: 1 }],
        },
      ],
    })
    assert.ok(!svg.includes('<script'))
    assert.ok(!svg.includes('<img'))
    assert.ok(!svg.includes('<b>'))
    assert.match(svg, /<title id="plan-map-title">Shift &lt;b&gt;&quot;late&quot;&lt;\/b&gt; &amp; more<\/title>/)
    assert.ok(svg.includes('Team &lt;script&gt;alert(&#39;a&#39;)&lt;/script&gt;'))
    assert.ok(svg.includes('&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;'))
  })

  it('has no script, event handler, style or external reference, so it passes a strict CSP', () => {
    const svg = map({})
    assert.doesNotMatch(svg, /<script|<style|\son\w+=|\sstyle=|href=|<image|<foreignObject|url\(/i)
  })

  it('draws a route without stops as its base alone', () => {
    const svg = map({ routes: [{ label: 'Team C', base: PRESTON_STATION, stops: [] }] })
    const { stops, bases } = markers(svg)
    assert.equal(stops.length, 0)
    assert.equal(bases.length, 1)
    assert.doesNotMatch(svg, /<polyline/)
    assert.equal(desc(svg), 'Route Team C: base Preston police station, no visits.')
    const box = viewBox(svg)
    assert.ok(Math.abs(bases[0]!.x - box.width / 2) < 0.1 && Math.abs(bases[0]!.y - 480 / 2) < 0.1, 'centred')
    assert.match(svg, />(\d+ m|\d+ km)<\/text>/)
  })

  it('draws points that all coincide at the centre, at a scale of at least a kilometre across', () => {
    const here = { latitude: 53.8, longitude: -3, label: 'Same place' }
    const svg = map({
      routes: [{ label: 'Team D', base: { ...here }, stops: [1, 2].map((number) => ({ ...here, number })) }],
    })
    const { stops, bases } = markers(svg)
    for (const p of [...stops, ...bases]) assert.deepEqual(p, { x: 360, y: 240 })
    // 1 km spans the 400 units of the map area's height; a third of its width fits 500 m.
    assert.match(svg, /<path d="M 40 [\d.]+ V [\d.]+ H 240 V [\d.]+"/)
    assert.match(svg, />500 m<\/text>/)
    assert.doesNotMatch(svg, /NaN|Infinity/)
  })

  it('shares one square between teams that start from the same base', () => {
    const svg = map({ routes: [TEAM_A, { ...TEAM_B, base: BLACKPOOL_STATION }] })
    const { bases } = markers(svg)
    assert.equal(bases.length, 1)
    assert.match(svg, /<title>Base Blackpool police station \(Team A, Team B\)<\/title>/)
  })

  it('says so when there is nothing to draw', () => {
    const svg = map({ routes: [] })
    assert.equal(desc(svg), 'No routes.')
    assert.match(svg, />No routes to show<\/text>/)
    assert.doesNotMatch(svg, /NaN|Infinity/)
  })

  it('rejects coordinates that are not numbers, naming the place', () => {
    const broken = { ...TEAM_B, stops: [TEAM_B.stops[0]!, { ...TEAM_B.stops[1]!, latitude: NaN }] }
    assert.throws(
      () => map({ routes: [TEAM_A, broken] }),
      /Cannot map stop 1 of route 1 \("Team B"\): invalid latitude \(NaN\)/,
    )
    assert.throws(
      () => map({ routes: [{ ...TEAM_A, base: { ...BLACKPOOL_STATION, longitude: Number('x') } }] }),
      /Cannot map the base of route 0 \("Team A"\): invalid longitude \(NaN\)/,
    )
    assert.throws(
      () => map({ routes: [{ ...TEAM_A, base: { ...BLACKPOOL_STATION, latitude: 95 } }] }),
      /latitude \(95\)/,
    )
    assert.throws(() => map({ width: 10 }), /Map width must be at least 160/)
    assert.throws(() => map({ id: 'a" onload="x' }), /is not a valid id/)
  })
})
