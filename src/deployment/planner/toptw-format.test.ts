import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { parseToptw, toptwDistance, toptwToPlannerInput } from './toptw-format.ts'

// Three nodes in the Solomon-derived layout: the depot has a = 0 (no list), customers a = 1.
const SOLOMON = `4 19 2 1
0 200
  0 35.00 35.00 0.00 0.00 0 0 0 230
  1 41.00 49.00 10.00 10.00 1 1 1 161 171
  2 36.00 36.00 10.00 7.00 1 1 1 50 60
`

describe('parseToptw', () => {
  it('reads the header, the depot and the customers (O and C are the last two numbers)', () => {
    const instance = parseToptw(SOLOMON)
    assert.equal(instance.routesToVisitAll, 19)
    assert.deepEqual(instance.nodes, [
      { id: 0, x: 35, y: 35, service: 0, profit: 0, open: 0, close: 230 },
      { id: 1, x: 41, y: 49, service: 10, profit: 10, open: 161, close: 171 },
      { id: 2, x: 36, y: 36, service: 10, profit: 7, open: 50, close: 60 },
    ])
  })

  it('reads Cordeau node lines with their extra columns and a list of any length', () => {
    const text = `4 10 2 1
0 200
 0   0.000   0.000  0  0 0 0 1000
 1 -29.730  64.136  2 12 1 4 1 2 4 8 399 525
 2  -30.664   5.463 7 20 1 2 2 4 121 299
`
    const [, first, second] = parseToptw(text).nodes
    assert.deepEqual(first, { id: 1, x: -29.73, y: 64.136, service: 2, profit: 12, open: 399, close: 525 })
    assert.deepEqual(second, { id: 2, x: -30.664, y: 5.463, service: 7, profit: 20, open: 121, close: 299 })
  })

  it('copes with a missing "D Q" line, Windows line ends and blank lines', () => {
    const text = '4 19 1 1\r\n\r\n 0 0 0 0 0 0 0 0 100\r\n 1 3 4 5 6 1 1 1 10 20\r\n'
    assert.deepEqual(
      parseToptw(text).nodes.map((n) => n.id),
      [0, 1],
    )
  })

  it('refuses what is not a TOPTW file', () => {
    assert.throws(() => parseToptw(''), /too short/)
    assert.throws(() => parseToptw('4 19 1 1\n0 200\n0 1 2 x 0 0 100'), /not a number/)
    assert.throws(() => parseToptw('4 19 1 1\n0 200\n0 0 0 0 0 0 100\n1 2 3'), /at least 7 numbers/)
    assert.throws(() => parseToptw('4 19 1 1\n0 200\n1 0 0 0 0 0 100\n2 0 0 0 0 0 100'), /depot/)
  })
})

describe('toptwToPlannerInput', () => {
  it('rounds Euclidean distance down to the given decimals', () => {
    const a = { id: 0, x: 0, y: 0, service: 0, profit: 0, open: 0, close: 0 }
    const b = { ...a, id: 1, x: 1, y: 1 }
    assert.equal(toptwDistance(a, b, 1), 1.4)
    assert.equal(toptwDistance(a, b, 2), 1.41)
    // A perfect square stays whole: sqrt(9 + 16) is exactly 5.
    assert.equal(toptwDistance(a, { ...a, x: 3, y: 4 }, 1), 5)
  })

  it('builds m identical routes over the depot window and one visit per customer', () => {
    const input = toptwToPlannerInput(parseToptw(SOLOMON), { routes: 2 })
    assert.deepEqual(
      input.routes.map((r) => [r.startLocation, r.endLocation, r.startTime, r.endTime]),
      [
        [0, 0, 0, 230],
        [0, 0, 0, 230],
      ],
    )
    assert.equal(new Set(input.routes.map((r) => r.id)).size, 2)
    assert.deepEqual(input.visits[0], {
      id: '1',
      prize: 10,
      options: [{ location: 1, windows: [{ open: 161, close: 171 }], serviceMinutes: 10, label: 'node 1' }],
    })
    // (35,35) to (41,49): sqrt(232) = 15.23..., down to 15.2; asymmetric never, zero on the diagonal.
    assert.equal(input.travel[0]![1], 15.2)
    assert.equal(input.travel[1]![0], 15.2)
    assert.equal(input.travel[2]![2], 0)
  })
})
