import { sql, type Kysely } from 'kysely'
import { runSqlScript } from '../sql-script.ts'
import { GENESIS_HASH, chainPage, parseChainPage, rowHash } from '../../audit/chain.ts'

const BACKFILL_PAGE = 10_000

/**
 * The audit trail becomes a hash chain (see src/audit/chain.ts): each row gets its position `seq`,
 * the previous row's hash and its own, plus the justification and recipients s.62 asks for.
 * Rows written before this migration are chained in id order, hashed here in Node with the same
 * canonical function the app and `provide audit verify` use. The table also refuses TRUNCATE now.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSqlScript(
    db,
    `
    alter table audit_event
      add column seq bigint,
      add column prev_hash text,
      add column hash text,
      add column justification text,
      add column recipients text[] not null default '{}';
  `,
  )
  await sql`alter table audit_event disable trigger audit_event_no_change`.execute(db)
  await backfill(db)
  await sql`alter table audit_event enable trigger audit_event_no_change`.execute(db)
  await runSqlScript(
    db,
    `
    alter table audit_event
      alter column seq set not null,
      alter column prev_hash set not null,
      alter column hash set not null,
      add constraint audit_event_seq_positive check (seq > 0);
    alter table audit_event add constraint audit_event_seq_key unique (seq);

    create or replace function audit_event_immutable() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_event is append-only: % refused', tg_op;
    end $$;
    create trigger audit_event_no_truncate before truncate on audit_event
      for each statement execute function audit_event_immutable();

    -- Writers call this first (src/audit/audit.ts): the lock queues them until the holder's transaction
    -- ends, and the select, a statement of its own after the lock, sees every row committed before.
    create function audit_chain_head() returns table (seq bigint, hash text) language plpgsql volatile as $$
    begin
      perform pg_advisory_xact_lock(7073720631001);
      return query select a.seq, a.hash from audit_event a order by a.seq desc limit 1;
    end $$;
  `,
  )
}

async function backfill(db: Kysely<unknown>): Promise<void> {
  let lastId = 0
  let seq = 0
  let prevHash = GENESIS_HASH
  for (;;) {
    // seq and prev_hash are not stored yet: read the rest and fill them in as the chain will hold them.
    const { rows: pages } = await chainPage('id', lastId, BACKFILL_PAGE).execute(db)
    const rows = parseChainPage(pages[0]!.page)
    if (rows.length === 0) return
    const ids: number[] = []
    const seqs: number[] = []
    const prevs: string[] = []
    const hashes: string[] = []
    for (const row of rows) {
      const chained = { ...row, seq: ++seq, prev_hash: prevHash, recipients: row.recipients ?? [] }
      prevHash = rowHash(chained)
      ids.push(row.id)
      seqs.push(seq)
      prevs.push(chained.prev_hash)
      hashes.push(prevHash)
    }
    await sql`
      update audit_event a set seq = v.seq, prev_hash = v.prev_hash, hash = v.hash
      from unnest(${ids}::bigint[], ${seqs}::bigint[], ${prevs}::text[], ${hashes}::text[]) as v(id, seq, prev_hash, hash)
      where a.id = v.id`.execute(db)
    lastId = rows[rows.length - 1]!.id
  }
}

export async function down(): Promise<void> {
  throw new Error('Not reversible')
}
