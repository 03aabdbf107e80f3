import { createHash } from 'node:crypto'
import { sql, type RawBuilder } from 'kysely'

/**
 * The audit trail's hash chain. Each row stores `prev_hash` (the hash of the row before it in
 * `seq` order; 64 zeros for the first) and `hash` = SHA-256 of the row's canonical serialisation,
 * which includes `prev_hash`. Changing, removing or reordering a row breaks the chain from there on.
 *
 * The canonical serialisation is the one definition used by the writer (`recordAudits`), the
 * verifier and migration 0004's backfill. Changing it invalidates every stored chain: don't.
 */

export const GENESIS_HASH = '0'.repeat(64)

/** The stored columns that make up a row's hash, as the verifier reads them back. */
export interface ChainedRow {
  seq: number
  prev_hash: string
  /** UTC, microseconds: `2026-11-23T07:30:00.123000Z` (timestamptz keeps microseconds). */
  at: string
  request_id: string | null
  user_id: string | null
  username: string | null
  agency_id: string | null
  roles: string[]
  action: string
  record_type: string
  record_id: string | null
  fields: string[]
  details: unknown
  justification: string | null
  recipients: string[]
}

/**
 * Sorted-key JSON without whitespace. Keys sort by UTF-16 code units (JavaScript's default sort),
 * so the order does not depend on how jsonb or an object happened to order them. Like
 * JSON.stringify it uses toJSON, drops undefined and function members, and writes non-finite
 * numbers and undefined array items as null.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value)
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null'
    case 'object':
      break
    default:
      return 'null'
  }
  const withJson = value as { toJSON?: () => unknown }
  if (typeof withJson.toJSON === 'function') return canonicalJson(withJson.toJSON())
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const record = value as Record<string, unknown>
  const parts: string[] = []
  for (const key of Object.keys(record).sort()) {
    const v = record[key]
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue
    parts.push(`${JSON.stringify(key)}:${canonicalJson(v)}`)
  }
  return `{${parts.join(',')}}`
}

// Characters JSON.stringify escapes (or may: surrogates); strings without them are quoted as they are.
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/
const str = (s: string | null) => (s === null ? 'null' : NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`)
function list(items: (string | null)[]): string {
  let out = '['
  for (let i = 0; i < items.length; i++) out += (i === 0 ? '' : ',') + str(items[i] ?? null)
  return `${out}]`
}

/**
 * The row as sorted-key JSON: `canonicalJson` of the ChainedRow object, written out by hand
 * because this runs for every row the verifier reads. (A test holds the two equal.)
 * `details` may be given already canonical, as the writer has it.
 */
export function canonicalRow(row: ChainedRow, canonicalDetails: string = canonicalJson(row.details)): string {
  return (
    `{"action":${str(row.action)},"agency_id":${str(row.agency_id)},"at":${str(row.at)},` +
    `"details":${canonicalDetails},"fields":${list(row.fields)},"justification":${str(row.justification)},` +
    `"prev_hash":${str(row.prev_hash)},"recipients":${list(row.recipients)},"record_id":${str(row.record_id)},` +
    `"record_type":${str(row.record_type)},"request_id":${str(row.request_id)},"roles":${list(row.roles)},` +
    `"seq":${row.seq},"user_id":${str(row.user_id)},"username":${str(row.username)}}`
  )
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

export function rowHash(row: ChainedRow, canonicalDetails?: string): string {
  return sha256Hex(canonicalRow(row, canonicalDetails))
}

/** A JavaScript Date as the verifier reads timestamptz back: ISO 8601, UTC, six fraction digits. */
export function isoMicros(at: Date): string {
  const iso = at.toISOString()
  return `${iso.slice(0, -1)}000Z`
}

/** PostgreSQL's uuid output form (lower case, hyphenated), so the hash matches what is read back. */
export function canonicalUuid(id: string | null): string | null {
  if (id === null) return null
  const hex = id.replace(/[{}-]/g, '').toLowerCase()
  if (!/^[0-9a-f]{32}$/.test(hex)) return id
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** Rows read back, with the stored id and hash. */
export interface StoredRow extends ChainedRow {
  id: number
  hash: string
}

/**
 * One page of audit rows after `after` in `key` order, as a single JSON text: the server builds it
 * and JSON.parse reads it, much faster than the drivers' column-by-column parsing. `at` is
 * formatted by the server so its microseconds survive (a JavaScript Date holds milliseconds).
 */
export function chainPage(key: 'seq' | 'id', after: number, limit: number): RawBuilder<{ page: string }> {
  const k = sql.raw(key)
  return pageOf(sql`(select * from audit_event where ${k} > ${after} order by ${k} limit ${limit})`, k)
}

/** The rows with seq in (after, after + span]: pages a verifier can fetch without reading the one before. */
export function chainRange(after: number, span: number): RawBuilder<{ page: string }> {
  return pageOf(sql`(select * from audit_event where seq > ${after} and seq <= ${after + span})`, sql.raw('seq'))
}

function pageOf(rows: RawBuilder<unknown>, k: RawBuilder<unknown>): RawBuilder<{ page: string }> {
  return sql<{ page: string }>`
    select coalesce(json_agg(json_build_array(id, seq, prev_hash, hash,
      to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), request_id, user_id, username, agency_id,
      roles, action, record_type, record_id, fields, details, justification, recipients) order by ${k}), '[]')::text as page
    from ${rows} e`
}

type PageRow = [
  number,
  number,
  string,
  string,
  string,
  string | null,
  string | null,
  string | null,
  string | null,
  string[],
  string,
  string,
  string | null,
  string[],
  unknown,
  string | null,
  string[],
]

export function parseChainPage(page: string): StoredRow[] {
  return (JSON.parse(page) as PageRow[]).map((r) => ({
    id: r[0],
    seq: r[1],
    prev_hash: r[2],
    hash: r[3],
    at: r[4],
    request_id: r[5],
    user_id: r[6],
    username: r[7],
    agency_id: r[8],
    roles: r[9],
    action: r[10],
    record_type: r[11],
    record_id: r[12],
    fields: r[13],
    details: r[14],
    justification: r[15],
    recipients: r[16],
  }))
}
