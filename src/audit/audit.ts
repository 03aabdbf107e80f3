import { sql } from 'kysely'
import type { Queryable, Tx } from '../db/database.ts'
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
 * Appends entries to the hash chain (see chain.ts), in the caller's transaction or in one of its own.
 * `audit_chain_head()` (migration 0004) takes a transaction-scoped advisory lock and then reads the
 * head, so writers queue and each row's prev_hash is the committed head. The lock is held until the
 * caller's transaction ends: callers with long transactions write their audit rows last, as imports
 * do. (Under REPEATABLE READ a writer could read a stale head; the unique seq then refuses the write.)
 */
export async function recordAudits(db: Queryable, actor: Actor | null, at: Date, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return
  if (db.isTransaction) await appendChained(db as Tx, actor, at, entries)
  else await db.transaction().execute((trx) => appendChained(trx, actor, at, entries))
}

async function appendChained(trx: Tx, actor: Actor | null, at: Date, entries: AuditEntry[]): Promise<void> {
  const when = isoMicros(at)
  const requestId = actor?.requestId ?? null
  const userId = canonicalUuid(actor ? authorId(actor) : null)
  const username = actor?.username ?? null
  const agencyId = canonicalUuid(actor && actor.via !== 'system' ? actor.agencyId : null)
  const roles: string[] = actor ? [...actor.roles] : []
  const { rows } = await sql<{ seq: number | null; hash: string | null }>`select * from audit_chain_head()`.execute(trx)
  let seq = rows[0]?.seq ?? 0
  let prevHash = rows[0]?.hash ?? GENESIS_HASH
  for (let start = 0; start < entries.length; start += CHUNK_ROWS) {
    // Each row goes to the server as the very JSON that was hashed, plus its hash.
    let json = '['
    for (const entry of entries.slice(start, start + CHUNK_ROWS)) {
      // Spelt out rather than spread from shared values: this loop runs 100,000 times for an import.
      const row: ChainedRow = {
        at: when,
        request_id: requestId,
        user_id: userId,
        username,
        agency_id: agencyId,
        roles,
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
      const canonical = canonicalRow(row, canonicalJson(entry.details ?? {}))
      prevHash = sha256Hex(canonical)
      json += `${json.length > 1 ? ',' : ''}${canonical.slice(0, -1)},"hash":"${prevHash}"}`
    }
    json += ']'
    await sql`
      insert into audit_event (seq, prev_hash, hash, at, request_id, user_id, username, agency_id, roles, action,
        record_type, record_id, fields, details, justification, recipients)
      select seq, prev_hash, hash, at, request_id, user_id, username, agency_id, roles, action,
        record_type, record_id, fields, details, justification, recipients
      from json_to_recordset(${json}::json) as r(seq bigint, prev_hash text, hash text, at timestamptz,
        request_id text, user_id uuid, username text, agency_id uuid, roles text[], action text, record_type text,
        record_id text, fields text[], details jsonb, justification text, recipients text[])`.execute(trx)
  }
}
