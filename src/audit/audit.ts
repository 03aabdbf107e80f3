import { sql } from 'kysely'
import type { Queryable } from '../db/database.ts'
import { authorId, type Actor } from '../auth/actor.ts'
import {
  GENESIS_HASH,
  canonicalJson,
  canonicalRow,
  canonicalUuid,
  isoMicros,
  sha256Hex,
  type ChainedRow,
} from './chain.ts'

/**
 * Kinds of operation the audit trail records (Data Protection Act 2018 s.62 logs collection,
 * alteration, consultation, disclosure, combination and erasure), plus sign-in events.
 */
export type AuditAction =
  | 'collect'
  | 'alter'
  | 'consult'
  | 'disclose'
  | 'combine'
  | 'erase'
  | 'sign_in'
  | 'sign_in_failed'
  | 'sign_out'
  | 'token_created'
  | 'token_revoked'

export interface AuditEntry {
  action: AuditAction
  recordType: string
  recordId?: string | null
  /** Names of the fields touched or shown: never their values. */
  fields?: string[]
  details?: Record<string, unknown>
  /** Why: the reason given for a consultation or disclosure that needs one (never personal values). */
  justification?: string
  /** To whom, for disclosures (agencies, bodies or roles; not personal values). */
  recipients?: string[]
}

/** Rows per INSERT: a bound on each statement's size for imports that write 100,000 rows at once. */
const CHUNK_ROWS = 1000

/** Written inside the caller's transaction, so a change and its audit row stand or fall together. */
export async function recordAudit(db: Queryable, actor: Actor | null, at: Date, entry: AuditEntry): Promise<void> {
  await recordAudits(db, actor, at, [entry])
}

/**
 * Appends entries to the hash chain (see chain.ts), in the caller's transaction or on their own.
 *
 * Each INSERT carries the head it was chained to and inserts only if that is still the head:
 * `audit_chain_head()` (migration 0004) takes a transaction-scoped advisory lock and then reads
 * the committed head, so writers queue, and a writer whose expected head is stale inserts nothing
 * and tries again with the real one. The expected head starts from the last head this process saw,
 * so a request's audit row is usually one statement, with no transaction of its own to begin and
 * commit. Correctness never rests on that guess: only on the guard.
 *
 * The lock is held until the caller's transaction ends: callers with long transactions write their
 * audit rows last, as imports do.
 */
export async function recordAudits(db: Queryable, actor: Actor | null, at: Date, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return
  const rows = new ChainRows(actor, at, entries)
  if (db.isTransaction) return appendInTransaction(db, rows)
  // A request's few rows: one statement, atomic by itself, when this process's last head is still the head.
  if (lastHead && entries.length <= CHUNK_ROWS) {
    const chained = rows.chain(lastHead, 0, entries.length)
    if (await insertIfHead(db, lastHead, chained.json)) {
      lastHead = chained.head
      return
    }
  }
  await db.transaction().execute((trx) => appendInTransaction(trx, rows))
}

/** Appends that found the head moved on: at most one in a transaction, which then holds the lock. */
const MAX_RETRIES = 3

/** The last head this process wrote or read: a guess for the next append, checked by the guard. */
let lastHead: { seq: number; hash: string } | null = null

type Head = { seq: number; hash: string }

async function readHead(db: Queryable): Promise<Head> {
  const { rows } = await sql<{ seq: number | null; hash: string | null }>`select * from audit_chain_head()`.execute(db)
  return { seq: rows[0]?.seq ?? 0, hash: rows[0]?.hash ?? GENESIS_HASH }
}

/**
 * In a transaction the first guarded insert takes the chain's lock until the transaction ends, so
 * if its guess at the head was stale, the head it then reads stays the head and the retry succeeds.
 */
async function appendInTransaction(trx: Queryable, rows: ChainRows): Promise<void> {
  let head = lastHead ?? (await readHead(trx))
  let retries = 0
  for (let start = 0; start < rows.length;) {
    const end = Math.min(start + CHUNK_ROWS, rows.length)
    const chained = rows.chain(head, start, end)
    if (!(await insertIfHead(trx, head, chained.json))) {
      if (++retries > MAX_RETRIES) throw new Error('The audit trail head kept moving while holding its lock')
      head = await readHead(trx)
      continue
    }
    head = chained.head
    start = end
  }
  lastHead = head
}

/** The entries of one call, as chained rows from any head. */
class ChainRows {
  private readonly fixed: Pick<ChainedRow, 'at' | 'request_id' | 'user_id' | 'username' | 'agency_id' | 'roles'>
  private readonly details: string[]
  readonly length: number

  constructor(
    actor: Actor | null,
    at: Date,
    private readonly entries: AuditEntry[],
  ) {
    this.fixed = {
      at: isoMicros(at),
      request_id: actor?.requestId ?? null,
      user_id: canonicalUuid(actor ? authorId(actor) : null),
      username: actor?.username ?? null,
      agency_id: canonicalUuid(actor && actor.via !== 'system' ? actor.agencyId : null),
      roles: actor ? [...actor.roles] : [],
    }
    this.details = entries.map((entry) => canonicalJson(entry.details ?? {}))
    this.length = entries.length
  }

  /** Entries [start, end) chained after `head`, as the JSON the INSERT reads, and the new head. */
  chain(head: Head, start: number, end: number): { json: string; head: Head } {
    let seq = head.seq
    let prevHash = head.hash
    let json = '['
    for (let i = start; i < end; i++) {
      const entry = this.entries[i]!
      const row: ChainedRow = {
        ...this.fixed,
        seq: ++seq,
        prev_hash: prevHash,
        action: entry.action,
        record_type: entry.recordType,
        record_id: entry.recordId ?? null,
        fields: entry.fields ?? [],
        details: null,
        justification: entry.justification ?? null,
        recipients: entry.recipients ?? [],
      }
      const canonical = canonicalRow(row, this.details[i])
      prevHash = sha256Hex(canonical)
      json += `${json.length > 1 ? ',' : ''}${canonical.slice(0, -1)},"hash":"${prevHash}"}`
    }
    return { json: `${json}]`, head: { seq, hash: prevHash } }
  }
}

/**
 * Inserts the rows only if `head` is still the chain's head, read under the chain's advisory lock
 * (`audit_chain_head()`, migration 0004). Returns whether they were inserted.
 */
async function insertIfHead(db: Queryable, head: Head, json: string): Promise<boolean> {
  const result = await sql`
    insert into audit_event (seq, prev_hash, hash, at, request_id, user_id, username, agency_id, roles, action,
      record_type, record_id, fields, details, justification, recipients)
    select seq, prev_hash, hash, at, request_id, user_id, username, agency_id, roles, action,
      record_type, record_id, fields, details, justification, recipients
    from json_to_recordset(${json}::json) as r(seq bigint, prev_hash text, hash text, at timestamptz,
      request_id text, user_id uuid, username text, agency_id uuid, roles text[], action text, record_type text,
      record_id text, fields text[], details jsonb, justification text, recipients text[])
    where (select coalesce(max(h.seq), 0) = ${head.seq} and coalesce(max(h.hash), ${GENESIS_HASH}) = ${head.hash}
      from audit_chain_head() h)
    returning 1`.execute(db)
  return result.rows.length > 0
}
