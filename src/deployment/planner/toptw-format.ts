/**
 * The TOPTW benchmark text format (Vansteenwegen / KU Leuven; Righini & Salani; Cordeau), read so
 * that the planner can be measured against the literature.
 *
 *   line 1     k v N t            (v: routes needed to visit every node; the rest is not used)
 *   line 2     D Q                (not used; often only one number)
 *   node lines i x y d S f a list O C
 *
 * d is the service time, S the profit, [O, C] the window for the start of service. The list has
 * a entries, and Cordeau files carry extra columns, so only the first five and the last two
 * numbers of a node line are read. Node 0 is the depot; its C is every route's time budget Tmax.
 */
import type { PlannerInput } from './types.ts'

export interface ToptwNode {
  id: number
  x: number
  y: number
  service: number
  profit: number
  open: number
  close: number
}

export interface ToptwInstance {
  /** The header's v: with this many routes every node can be visited. */
  routesToVisitAll: number
  /** Node 0 is the depot. */
  nodes: ToptwNode[]
}

export function parseToptw(text: string): ToptwInstance {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
  const numbers = (line: string, at: number) =>
    line.split(/\s+/).map((token) => {
      const value = Number(token)
      if (!Number.isFinite(value)) throw new Error(`TOPTW line ${at + 1}: "${token}" is not a number`)
      return value
    })
  if (lines.length < 2) throw new Error('TOPTW file: too short')
  const header = numbers(lines[0]!, 0)
  if (header.length < 3) throw new Error('TOPTW line 1: expected "k v N t"')
  const nodes: ToptwNode[] = []
  for (let at = 1; at < lines.length; at++) {
    const values = numbers(lines[at]!, at)
    // The "D Q" line has at most two numbers; a node line at least seven (i x y d S O C).
    if (at === 1 && values.length < 7) continue
    if (values.length < 7) throw new Error(`TOPTW line ${at + 1}: a node line needs at least 7 numbers`)
    const [id, x, y, service, profit] = values as [number, number, number, number, number]
    nodes.push({ id, x, y, service, profit, open: values[values.length - 2]!, close: values[values.length - 1]! })
  }
  if (nodes.length < 2) throw new Error('TOPTW file: no customers')
  if (nodes[0]!.id !== 0) throw new Error('TOPTW file: the first node must be the depot, 0')
  return { routesToVisitAll: header[1]!, nodes }
}

/** Euclidean distance rounded down to `decimals` places, as the benchmark literature does. */
export function toptwDistance(a: ToptwNode, b: ToptwNode, decimals: number): number {
  const scale = 10 ** decimals
  const dx = a.x - b.x
  const dy = a.y - b.y
  // sqrt, not hypot: it is exact on perfect squares, so a distance of 5 does not floor to 4.9.
  return Math.floor(Math.sqrt(dx * dx + dy * dy) * scale) / scale
}

/**
 * The instance as a planner input with `routes` identical routes from the depot over [O, C] of
 * node 0. Location i is node i; visit ids are the node numbers.
 */
export function toptwToPlannerInput(
  instance: ToptwInstance,
  { routes, decimals = 1 }: { routes: number; decimals?: number },
): PlannerInput {
  const { nodes } = instance
  const depot = nodes[0]!
  return {
    travel: nodes.map((a) => nodes.map((b) => toptwDistance(a, b, decimals))),
    routes: Array.from({ length: routes }, (_, r) => ({
      id: `route ${r + 1}`,
      startLocation: 0,
      endLocation: 0,
      startTime: depot.open,
      endTime: depot.close,
    })),
    visits: nodes.slice(1).map((node, i) => ({
      id: String(node.id),
      prize: node.profit,
      options: [
        {
          location: i + 1,
          windows: [{ open: node.open, close: node.close }],
          serviceMinutes: node.service,
          label: `node ${node.id}`,
        },
      ],
    })),
  }
}
