import type { Queryable } from '../db/database.ts'
import { Worker } from 'node:worker_threads'
import { GENESIS_HASH, chainRange, rowHash, type StoredRow } from './chain.ts'

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

/** What the worker reports of one page: its first row, for linking it to the page before, and its first break. */
export interface PageCheck {
  first: { seq: number; id: number; prevHash: string; altered: boolean } | null
  /** The first break after the page's first row. */
  broken: { seq: number; id: number; kind: BreakKind; reason: string } | null
  /** Rows before the break (all of them when there is none) and the last of them. */
  intact: number
  lastIntact: ChainHead | null
  anchorHash: string | null
}

/** Checks one page's rows: each hash, and seq continuity and links within the page. */
export function checkPage(rows: StoredRow[], anchorSeq: number | null): PageCheck {
  const first = rows[0]
  const altered = first !== undefined && rowHash(first) !== first.hash
  const check: PageCheck = {
    first: first ? { seq: first.seq, id: first.id, prevHash: first.prev_hash, altered } : null,
    broken: null,
    intact: 0,
    lastIntact: null,
    anchorHash: null,
  }
  if (altered) return check
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!
    const problem = i === 0 ? undefined : checkRow(row, { seq: rows[i - 1]!.seq, hash: rows[i - 1]!.hash })
    if (problem) {
      check.broken = { seq: row.seq, id: row.id, ...problem }
      break
    }
    if (row.seq === anchorSeq) check.anchorHash = row.hash
    check.lastIntact = { seq: row.seq, hash: row.hash }
    check.intact++
  }
  return check
}

/** One worker thread that checks pages in the order they are sent. */
class PageChecker {
  private readonly worker = new Worker(new URL('./verify-worker.mjs', import.meta.url))
  private readonly waiting: { resolve: (c: PageCheck) => void; reject: (e: Error) => void }[] = []

  constructor() {
    this.worker.on('message', (check: PageCheck) => this.waiting.shift()?.resolve(check))
    this.worker.on('error', (error) => {
      for (const w of this.waiting.splice(0)) w.reject(error)
    })
  }

  check(page: string, anchorSeq: number | null): Promise<PageCheck> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject })
      this.worker.postMessage({ page, anchorSeq })
    })
  }

  async close(): Promise<void> {
    await this.worker.terminate()
  }
}

/** Pages fetched and not yet checked, at most: enough to keep both threads busy, little memory. */
const AHEAD = 3

/**
 * Reads the audit trail in seq order, in pages of seq ranges, and checks every row's hash and
 * link. The main thread fetches pages while a worker thread parses and hashes those before, so
 * the database's work and the hashing overlap. Stops at the first broken row.
 */
export async function verifyAuditChain(db: Queryable, options: VerifyOptions = {}): Promise<VerifyResult> {
  const size = options.pageSize ?? 10_000
  const top = await db.selectFrom('audit_event').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst()
  const total = top?.seq ?? 0
  const anchorSeq = options.anchor?.seq ?? null
  let head: ChainHead = { seq: 0, hash: GENESIS_HASH }
  let rows = 0
  let firstBroken: VerifyResult['firstBroken']
  let anchorHash: string | undefined
  const checker = new PageChecker()
  const pending: Promise<PageCheck>[] = []
  let next = 0
  const fetchAhead = async () => {
    while (pending.length < AHEAD && next < total) {
      const text = (await chainRange(next, size).execute(db)).rows[0]!.page
      pending.push(checker.check(text, anchorSeq))
      next += size
    }
  }
  try {
    await fetchAhead()
    while (pending.length > 0) {
      const check = await pending.shift()!
      const fetching = fetchAhead()
      if (check.first) {
        const link = linkProblem(check.first, head)
        if (link) {
          firstBroken = { seq: check.first.seq, id: check.first.id, ...link }
          await fetching
          break
        }
      }
      rows += check.intact
      if (check.lastIntact) head = check.lastIntact
      if (check.anchorHash) anchorHash = check.anchorHash
      if (check.broken) {
        firstBroken = check.broken
        await fetching
        break
      }
      options.onProgress?.(rows, total)
      await fetching
    }
  } finally {
    // Let fetched pages settle before the worker goes, so nothing is left running.
    await Promise.allSettled(pending)
    await checker.close()
  }
  const result: VerifyResult = { rows, ok: !firstBroken, head, ...(firstBroken ? { firstBroken } : {}) }
  if (options.anchor) {
    const anchor = checkAnchor(options.anchor, anchorHash, head, Boolean(firstBroken))
    result.anchor = anchor
    if (!anchor.ok) result.ok = false
  }
  return result
}

/** The first row of a page against the last intact row before it, in checkRow's order. */
function linkProblem(first: NonNullable<PageCheck['first']>, previous: ChainHead) {
  return gap(first.seq, previous) ?? (first.altered ? ALTERED : undefined) ?? badLink(first.prevHash, previous)
}

const ALTERED = { kind: 'altered' as const, reason: 'row altered: its hash does not match its contents' }

function gap(seq: number, previous: ChainHead): { kind: BreakKind; reason: string } | undefined {
  if (seq === previous.seq + 1) return undefined
  const missing = seq === previous.seq + 2 ? `${previous.seq + 1}` : `${previous.seq + 1} to ${seq - 1}`
  return { kind: 'missing', reason: `row missing: a gap in seq, no row ${missing} before this one` }
}

function badLink(prevHash: string, previous: ChainHead): { kind: BreakKind; reason: string } | undefined {
  if (prevHash === previous.hash) return undefined
  const before = previous.seq === 0 ? 'the genesis value (64 zeros)' : `the hash of row seq ${previous.seq}`
  return { kind: 'chain_broken', reason: `chain broken: prev_hash does not match ${before}` }
}

function checkRow(row: StoredRow, previous: ChainHead): { kind: BreakKind; reason: string } | undefined {
  return gap(row.seq, previous) ?? (rowHash(row) !== row.hash ? ALTERED : undefined) ?? badLink(row.prev_hash, previous)
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
