import type { Queryable } from '../db/database.ts'
import { GENESIS_HASH, chainPage, parseChainPage, rowHash, type StoredRow } from './chain.ts'

export type BreakKind = 'altered' | 'chain_broken' | 'missing'

export interface ChainHead {
  seq: number
  hash: string
}

export interface VerifyResult {
  /** Rows checked (all of them when the chain is intact). */
  rows: number
  ok: boolean
  /** The last intact row: record it somewhere else, and check it later with `anchor`. */
  head: ChainHead
  firstBroken?: { seq: number; id: number; kind: BreakKind; reason: string }
  /** Present when an anchor was given: whether that recorded head is still in the chain. */
  anchor?: { seq: number; hash: string; ok: boolean; reason: string }
}

export interface VerifyOptions {
  /** Called after each page with rows checked so far and the expected total (the highest seq). */
  onProgress?: (rows: number, total: number) => void
  /** A head recorded earlier: the row at its seq must still exist with that hash. */
  anchor?: ChainHead
  pageSize?: number
}

function page(db: Queryable, afterSeq: number, size: number): Promise<StoredRow[]> {
  return chainPage('seq', afterSeq, size)
    .execute(db)
    .then((r) => parseChainPage(r.rows[0]!.page))
}

/**
 * Reads the audit trail in seq order (keyset pages, the next one fetched while this one is
 * hashed), recomputes each row's hash and checks each link. Stops at the first broken row.
 */
export async function verifyAuditChain(db: Queryable, options: VerifyOptions = {}): Promise<VerifyResult> {
  const size = options.pageSize ?? 10_000
  const top = await db.selectFrom('audit_event').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst()
  const total = top?.seq ?? 0
  let head: ChainHead = { seq: 0, hash: GENESIS_HASH }
  let rows = 0
  let firstBroken: VerifyResult['firstBroken']
  let anchorHash: string | undefined
  let next = page(db, 0, size)
  scan: for (;;) {
    const batch = await next
    if (batch.length === 0) break
    if (batch.length === size) next = page(db, batch[batch.length - 1]!.seq, size)
    for (const row of batch) {
      const broken = checkRow(row, head)
      if (broken) {
        firstBroken = { seq: row.seq, id: row.id, ...broken }
        break scan
      }
      head = { seq: row.seq, hash: row.hash }
      if (options.anchor && row.seq === options.anchor.seq) anchorHash = row.hash
      rows++
    }
    options.onProgress?.(rows, total)
    if (batch.length < size) break
  }
  // Settle a page fetched ahead of a broken row, so no query is left running on the connection.
  await next.catch(() => undefined)
  const result: VerifyResult = { rows, ok: !firstBroken, head, ...(firstBroken ? { firstBroken } : {}) }
  if (options.anchor) {
    const anchor = checkAnchor(options.anchor, anchorHash, head, Boolean(firstBroken))
    result.anchor = anchor
    if (!anchor.ok) result.ok = false
  }
  return result
}

function checkRow(row: StoredRow, previous: ChainHead): { kind: BreakKind; reason: string } | undefined {
  if (row.seq !== previous.seq + 1) {
    const missing = row.seq === previous.seq + 2 ? `${previous.seq + 1}` : `${previous.seq + 1} to ${row.seq - 1}`
    return { kind: 'missing', reason: `row missing: a gap in seq, no row ${missing} before this one` }
  }
  if (rowHash(row) !== row.hash) {
    return { kind: 'altered', reason: 'row altered: its hash does not match its contents' }
  }
  if (row.prev_hash !== previous.hash) {
    const before = previous.seq === 0 ? 'the genesis value (64 zeros)' : `the hash of row seq ${previous.seq}`
    return { kind: 'chain_broken', reason: `chain broken: prev_hash does not match ${before}` }
  }
  return undefined
}

function checkAnchor(anchor: ChainHead, found: string | undefined, head: ChainHead, stopped: boolean) {
  const base = { seq: anchor.seq, hash: anchor.hash }
  if (anchor.seq === 0) found = GENESIS_HASH
  if (found === anchor.hash) return { ...base, ok: true, reason: 'the recorded head is in the chain' }
  if (found !== undefined) {
    return { ...base, ok: false, reason: `the row at seq ${anchor.seq} has hash ${found}, not the recorded one` }
  }
  if (stopped) return { ...base, ok: false, reason: `not reached: the chain breaks before seq ${anchor.seq}` }
  return {
    ...base,
    ok: false,
    reason: `the chain ends at seq ${head.seq}, before the recorded seq ${anchor.seq}: rows were removed from its end`,
  }
}

/** `SEQ:HASH`, as `provide audit verify` prints the head. */
export function parseAnchor(value: string): ChainHead | undefined {
  const m = /^(\d+):([0-9a-f]{64})$/i.exec(value.trim())
  return m ? { seq: Number(m[1]), hash: m[2]!.toLowerCase() } : undefined
}
