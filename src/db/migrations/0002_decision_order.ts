import type { Kysely } from 'kysely'
import { runSqlScript } from '../sql-script.ts'

/** Decisions made in the same instant still have an order: the sequence they were saved in. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSqlScript(
    db,
    `
    alter table triage_decision add column seq bigint generated always as identity;
    drop index triage_decision_incident;
    create index triage_decision_incident on triage_decision (incident_id, decided_at desc, seq desc);
  `,
  )
}

export async function down(): Promise<void> {
  throw new Error('Not reversible')
}
