import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { osrmSource } from './osrm.ts'
import { straightLineMinutes, straightLineSource } from './straight-line.ts'
import { DEFAULT_TRAVEL, travelTimeSource, type GeoPoint } from './travel.ts'

interface FakeRouter {
  url: string
  /** req.url of every request, as received. */
  requests: string[]
  close(): Promise<void>
}

const routers: FakeRouter[] = []
after(() => Promise.all(routers.map((router) => router.close())))

/** A real HTTP server on a free port, answering like osrm-routed (or failing to). */
async function fakeRouter(answer: (url: URL, res: ServerResponse, req: IncomingMessage) => void): Promise<FakeRouter> {
  const requests: string[] = []
  const server = createServer((req, res) => {
    requests.push(req.url!)
    answer(new URL(req.url!, 'http://router'), res, req)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const router = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => {
      server.closeAllConnections()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  routers.push(router)
  return router
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

const POINTS: GeoPoint[] = [
  { latitude: 53.8159, longitude: -3.0553, areaKind: 'urban' }, // Blackpool Tower
  { latitude: 53.7566, longitude: -2.7078, areaKind: 'urban' }, // Preston station
  { latitude: 54.0466, longitude: -2.8007, areaKind: 'suburban' }, // Lancaster
]
const COORDINATES = '-3.055300,53.815900;-2.707800,53.756600;-2.800700,54.046600'
const ESTIMATE = (await straightLineSource(DEFAULT_TRAVEL).matrix(POINTS)).minutes

describe('OSRM table service', () => {
  it('asks for durations with lon,lat coordinates and converts seconds to minutes', async () => {
    const router = await fakeRouter((_url, res) =>
      json(res, 200, {
        code: 'Ok',
        durations: [
          [0, 600, 1200],
          [630, 0, 90],
          [1260, 120, 0],
        ],
      }),
    )
    const result = await travelTimeSource({ ...DEFAULT_TRAVEL, osrmUrl: `${router.url}/` }).matrix(POINTS)
    assert.deepEqual(router.requests, [`/table/v1/driving/${COORDINATES}?annotations=duration&generate_hints=false`])
    assert.deepEqual(result, {
      minutes: [
        [0, 10, 20],
        [10.5, 0, 1.5],
        [21, 2, 0],
      ],
      source: 'osrm',
      warnings: [],
    })
  })

  it('keeps the diagonal at zero whatever the router says', async () => {
    const router = await fakeRouter((_url, res) =>
      json(res, 200, {
        code: 'Ok',
        durations: [
          [5, 60],
          [60, 7],
        ],
      }),
    )
    const { minutes } = await osrmSource({ url: router.url, timeoutMs: 1000, fallback: DEFAULT_TRAVEL }).matrix(
      POINTS.slice(0, 2),
    )
    assert.deepEqual(minutes, [
      [0, 1],
      [1, 0],
    ])
  })

  it('uses the fetch it is given', async () => {
    const router = await fakeRouter((_url, res) =>
      json(res, 200, {
        code: 'Ok',
        durations: [
          [0, 60],
          [60, 0],
        ],
      }),
    )
    const seen: string[] = []
    const recording: typeof fetch = (input, init) => {
      seen.push(String(input))
      return fetch(input, init)
    }
    await travelTimeSource({ ...DEFAULT_TRAVEL, osrmUrl: router.url }, recording).matrix(POINTS.slice(0, 2))
    assert.equal(seen.length, 1)
    assert.ok(seen[0]!.startsWith(`${router.url}/table/v1/driving/-3.055300,53.815900;-2.707800,53.756600?`))
  })

  it('asks nothing for fewer than two points', async () => {
    const router = await fakeRouter((_url, res) => json(res, 500, {}))
    const source = travelTimeSource({ ...DEFAULT_TRAVEL, osrmUrl: router.url })
    assert.deepEqual(await source.matrix([]), { minutes: [], source: 'osrm', warnings: [] })
    assert.deepEqual(await source.matrix([POINTS[0]!]), { minutes: [[0]], source: 'osrm', warnings: [] })
    assert.deepEqual(router.requests, [])
  })

  it('rejects invalid coordinates as the caller’s error, without asking the router', async () => {
    const router = await fakeRouter((_url, res) => json(res, 500, {}))
    const points = [POINTS[0]!, { ...POINTS[1]!, latitude: NaN }]
    await assert.rejects(
      travelTimeSource({ ...DEFAULT_TRAVEL, osrmUrl: router.url }).matrix(points),
      /Point 1 has an invalid latitude/,
    )
    assert.deepEqual(router.requests, [])
  })

  it('rejects a router URL that is not http(s) or not a URL at all', () => {
    assert.throws(() => travelTimeSource({ ...DEFAULT_TRAVEL, osrmUrl: 'localhost:5000' }), /must start with http/)
    assert.throws(() => travelTimeSource({ ...DEFAULT_TRAVEL, osrmUrl: 'not a url' }), /is not a valid URL/)
    assert.throws(
      () => travelTimeSource({ ...DEFAULT_TRAVEL, osrmUrl: 'http://osrm:5000', timeoutMs: 0 }),
      /timeout must be above 0 ms/,
    )
  })
})

describe('OSRM pairs without a road route', () => {
  it('estimates those pairs in a straight line and says how many', async () => {
    const router = await fakeRouter((_url, res) =>
      json(res, 200, {
        code: 'Ok',
        durations: [
          [0, 600, null],
          [600, 0, 900],
          [null, 900, 0],
        ],
      }),
    )
    const result = await travelTimeSource({ ...DEFAULT_TRAVEL, osrmUrl: router.url }).matrix(POINTS)
    assert.equal(result.source, 'osrm')
    assert.deepEqual(result.minutes, [
      [0, 10, straightLineMinutes(DEFAULT_TRAVEL, POINTS[0]!, POINTS[2]!)],
      [10, 0, 15],
      [straightLineMinutes(DEFAULT_TRAVEL, POINTS[2]!, POINTS[0]!), 15, 0],
    ])
    assert.deepEqual(result.warnings, [
      `Road router at ${router.url} found no road route for 2 of 6 journeys (point 0 to 2, point 2 to 0); ` +
        'those travel times are straight-line estimates',
    ])
  })

  it('lists a few examples, not every pair', async () => {
    const router = await fakeRouter((_url, res) =>
      json(res, 200, {
        code: 'Ok',
        durations: [
          [0, null, null],
          [null, 0, null],
          [null, null, 0],
        ],
      }),
    )
    const result = await travelTimeSource({ ...DEFAULT_TRAVEL, osrmUrl: router.url }).matrix(POINTS)
    assert.deepEqual(result.minutes, ESTIMATE)
    assert.match(
      result.warnings[0]!,
      /no road route for 6 of 6 journeys \(point 0 to 1, point 0 to 2, point 1 to 0, \.\.\.\)/,
    )
  })
})

describe('OSRM failures fall back to straight-line, with a warning', () => {
  const cases: {
    name: string
    answer: (url: URL, res: ServerResponse) => void
    warning: (url: string) => string
  }[] = [
    {
      name: 'HTTP 500 with a text body',
      answer: (_url, res) => {
        res.writeHead(500, { 'content-type': 'text/plain' })
        res.end('Internal Server Error')
      },
      warning: (url) => `Road router at ${url} answered HTTP 500`,
    },
    {
      name: 'HTTP 502 with a JSON body that is not an OSRM answer',
      answer: (_url, res) => json(res, 502, { error: 'bad gateway' }),
      warning: (url) => `Road router at ${url} answered HTTP 502`,
    },
    {
      name: 'JSON that is not an OSRM answer',
      answer: (_url, res) => json(res, 200, [[0, 60]]),
      warning: (url) => `Road router at ${url} sent a reply that is not an OSRM answer`,
    },
    {
      name: 'malformed JSON',
      answer: (_url, res) => {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end('{"code":"Ok","durations":[[0,')
      },
      warning: (url) => `Road router at ${url} sent a reply that is not JSON`,
    },
    {
      name: 'an OSRM error: a coordinate that does not snap to a road',
      answer: (_url, res) =>
        json(res, 400, { code: 'NoSegment', message: 'Could not find a matching segment for coordinate 1' }),
      warning: (url) =>
        `Road router at ${url} refused the request (HTTP 400, NoSegment: Could not find a matching segment for coordinate 1)`,
    },
    {
      name: 'a code other than Ok with HTTP 200',
      answer: (_url, res) => json(res, 200, { code: 'NoTable' }),
      warning: (url) => `Road router at ${url} refused the request (NoTable)`,
    },
    {
      name: 'a table of the wrong shape',
      answer: (_url, res) => json(res, 200, { code: 'Ok', durations: [[0, 1, 2]] }),
      warning: (url) => `Road router at ${url} sent a table that is not 3 by 3 durations`,
    },
    {
      name: 'a negative duration',
      answer: (_url, res) =>
        json(res, 200, {
          code: 'Ok',
          durations: [
            [0, 1, 2],
            [1, 0, -3],
            [2, 3, 0],
          ],
        }),
      warning: (url) => `Road router at ${url} sent a table that is not 3 by 3 durations`,
    },
    {
      name: 'a duration that is not a number',
      answer: (_url, res) =>
        json(res, 200, {
          code: 'Ok',
          durations: [
            [0, 1, 2],
            [1, 0, '3'],
            [2, 3, 0],
          ],
        }),
      warning: (url) => `Road router at ${url} sent a table that is not 3 by 3 durations`,
    },
    {
      name: 'no durations at all',
      answer: (_url, res) => json(res, 200, { code: 'Ok' }),
      warning: (url) => `Road router at ${url} sent a table that is not 3 by 3 durations`,
    },
  ]
  for (const { name, answer, warning } of cases) {
    it(name, async () => {
      const router = await fakeRouter(answer)
      const result = await travelTimeSource({ ...DEFAULT_TRAVEL, osrmUrl: router.url }).matrix(POINTS)
      assert.equal(router.requests.length, 1)
      assert.deepEqual(result, {
        minutes: ESTIMATE,
        source: 'straight-line',
        warnings: [`${warning(router.url)}; travel times are straight-line estimates`],
      })
    })
  }

  it('a router that does not answer in time', async () => {
    const router = await fakeRouter(() => {})
    const started = performance.now()
    const result = await travelTimeSource({ ...DEFAULT_TRAVEL, osrmUrl: router.url, timeoutMs: 200 }).matrix(POINTS)
    const elapsed = performance.now() - started
    assert.ok(elapsed >= 190 && elapsed < 2000, `gave up after ${elapsed} ms`)
    assert.deepEqual(result, {
      minutes: ESTIMATE,
      source: 'straight-line',
      warnings: [`Road router at ${router.url} did not answer within 0.2 s; travel times are straight-line estimates`],
    })
  })

  it('a router that sends headers and then stalls', async () => {
    const router = await fakeRouter((_url, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write('{"code":"Ok",')
    })
    const result = await travelTimeSource({ ...DEFAULT_TRAVEL, osrmUrl: router.url, timeoutMs: 200 }).matrix(POINTS)
    assert.deepEqual(result.warnings, [
      `Road router at ${router.url} did not answer within 0.2 s; travel times are straight-line estimates`,
    ])
  })

  it('a router that is not listening', async () => {
    const router = await fakeRouter(() => {})
    await router.close()
    const result = await travelTimeSource({ ...DEFAULT_TRAVEL, osrmUrl: router.url }).matrix(POINTS)
    assert.equal(result.source, 'straight-line')
    assert.deepEqual(result.warnings, [
      `Road router at ${router.url} could not be reached (ECONNREFUSED); travel times are straight-line estimates`,
    ])
  })
})

describe('OSRM matrices larger than the server’s table size', () => {
  // Point k sits at longitude -2.7 - k/100; the fake router answers 60 * (10 * from + to) seconds,
  // so every cell says which pair it is and a misplaced block shows.
  const points: GeoPoint[] = [0, 1, 2, 3, 4].map((k) => ({
    latitude: 53.7 + k / 1000,
    longitude: -2.7 - k / 100,
    areaKind: 'urban',
  }))
  const indexOf = (coordinate: string) => Math.round((-2.7 - Number(coordinate.split(',')[0])) * 100)

  it('fetches blocks of at most maxTableSize sources by maxTableSize destinations and assembles them', async () => {
    const router = await fakeRouter((url, res) => {
      const coordinates = decodeURIComponent(url.pathname.replace('/table/v1/driving/', '')).split(';').map(indexOf)
      const pick = (param: string) =>
        url.searchParams.get(param)?.split(';').map(Number) ?? coordinates.map((_, k) => k)
      const sources = pick('sources').map((k) => coordinates[k]!)
      const destinations = pick('destinations').map((k) => coordinates[k]!)
      json(res, 200, {
        code: 'Ok',
        durations: sources.map((from) => destinations.map((to) => (from === to ? 0 : 60 * (10 * from + to)))),
      })
    })
    const { minutes, warnings } = await osrmSource({
      url: router.url,
      timeoutMs: 2000,
      fallback: DEFAULT_TRAVEL,
      maxTableSize: 2,
    }).matrix(points)
    assert.deepEqual(warnings, [])
    assert.deepEqual(
      minutes,
      points.map((_, i) => points.map((_, j) => (i === j ? 0 : 10 * i + j))),
    )
    // Blocks {0,1}, {2,3}, {4}: two on the diagonal ({4} alone has nothing to ask), six between blocks.
    assert.equal(router.requests.length, 8)
    for (const request of router.requests) {
      const url = new URL(request, 'http://router')
      const sources = url.searchParams.get('sources')?.split(';') ?? []
      const destinations = url.searchParams.get('destinations')?.split(';') ?? []
      assert.ok(sources.length <= 2 && destinations.length <= 2, request)
      assert.ok(url.pathname.split(';').length <= 4, request)
    }
    assert.ok(
      router.requests.includes(
        `/table/v1/driving/-2.700000,53.700000;-2.710000,53.701000?annotations=duration&generate_hints=false`,
      ),
    )
    assert.ok(
      router.requests.includes(
        '/table/v1/driving/-2.700000,53.700000;-2.710000,53.701000;-2.740000,53.704000' +
          '?annotations=duration&generate_hints=false&sources=0;1&destinations=2',
      ),
    )
  })

  it('fails as a whole when one block fails', async () => {
    const router = await fakeRouter((url, res) => {
      if (url.searchParams.has('sources')) json(res, 400, { code: 'TooBig', message: 'Too many table coordinates' })
      else
        json(res, 200, {
          code: 'Ok',
          durations: [
            [0, 60],
            [60, 0],
          ],
        })
    })
    await assert.rejects(
      osrmSource({ url: router.url, timeoutMs: 2000, fallback: DEFAULT_TRAVEL, maxTableSize: 2 }).matrix(points),
      /refused the request \(HTTP 400, TooBig: Too many table coordinates\)/,
    )
  })
})
