import type { Queryable } from '../db/database.ts'
import { authorId, type Actor } from '../auth/actor.ts'

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
}

/** Written inside the caller's transaction, so a change and its audit row stand or fall together. */
export async function recordAudit(db: Queryable, actor: Actor | null, at: Date, entry: AuditEntry): Promise<void> {
  await recordAudits(db, actor, at, [entry])
}

/** Many entries in one statement, for bulk work such as imports. */
export async function recordAudits(db: Queryable, actor: Actor | null, at: Date, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return
  await db
    .insertInto('audit_event')
    .values(
      entries.map((entry) => ({
        at,
        request_id: actor?.requestId ?? null,
        user_id: actor ? authorId(actor) : null,
        username: actor?.username ?? null,
        agency_id: actor && actor.via !== 'system' ? actor.agencyId : null,
        roles: actor?.roles ?? [],
        action: entry.action,
        record_type: entry.recordType,
        record_id: entry.recordId ?? null,
        fields: entry.fields ?? [],
        details: JSON.stringify(entry.details ?? {}),
      })),
    )
    .execute()
}
