import { Migrator, sql, type Migration, type MigrationProvider } from 'kysely'
import { APP_ROLE, asOwner, useAppRole, type Database } from './database.ts'
import * as m0001 from './migrations/0001_foundation.ts'
import * as m0002 from './migrations/0002_decision_order.ts'
import * as m0003 from './migrations/0003_access.ts'
import * as m0004 from './migrations/0004_audit_chain.ts'
import * as m0005 from './migrations/0005_sign_in_security.ts'
import * as m0006 from './migrations/0006_deployment.ts'
import * as m0007 from './migrations/0007_engagement.ts'
import * as m0008 from './migrations/0008_victim_record.ts'

// Listed explicitly so migrations run the same from source, tests and a bundled build.
const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_decision_order': m0002,
  '0003_access': m0003,
  '0004_audit_chain': m0004,
  '0005_sign_in_security': m0005,
  '0006_deployment': m0006,
  '0007_engagement': m0007,
  '0008_victim_record': m0008,
}

export const migrationProvider: MigrationProvider = { getMigrations: async () => migrations }

/**
 * Brings the schema up to date as the owner, grants the app role its rights, then switches the
 * database's connections to that role (see APP_ROLE in database.ts). A connection that does not
 * own the schema (production's login that is only a member of provide_app) migrates nothing: it
 * checks that nothing is pending and works as the app role.
 */
export async function migrateToLatest(db: Database): Promise<string[]> {
  const applied = await asOwner(db, async (owner) => {
    if (!(await ownsSchema(owner))) return null
    const names = await runMigrations(owner)
    await grantAppRole(owner)
    return names
  })
  if (applied === null) await requireNothingPending(db)
  await useAppRole(db)
  return applied ?? []
}

async function runMigrations(db: Database): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider })
  const { error, results } = await migrator.migrateToLatest()
  const failed = results?.find((r) => r.status === 'Error')
  if (error || failed) {
    const cause = error instanceof Error ? error.message : String(error ?? '')
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${cause}`)
  }
  return (results ?? []).map((r) => r.migrationName)
}

/** True on a new database, or when the connecting role owns (or is a member of the owner of) the tables. */
async function ownsSchema(db: Database): Promise<boolean> {
  const { rows } = await sql<{ owner: boolean }>`
    select coalesce(
      (select pg_has_role(c.relowner, 'USAGE') from pg_class c where c.oid = to_regclass('public.audit_event')),
      true) as owner`.execute(db)
  return rows[0]!.owner
}

async function requireNothingPending(db: Database): Promise<void> {
  const pending = (await new Migrator({ db, provider: migrationProvider }).getMigrations()).filter((m) => !m.executedAt)
  if (pending.length > 0) {
    throw new Error(
      `The database needs migrations (${pending.map((m) => m.name).join(', ')}), and this connection ` +
        'is not its owner: run `provide migrate` with the owner’s DATABASE_URL.',
    )
  }
}

/**
 * Creates the app role if this cluster lacks it (roles are cluster-wide) and grants it the app's
 * rights on every table, re-run after each migrate so new tables are covered: read and write
 * everything except the audit trail (read and append only) and the migration records (read only).
 */
export async function grantAppRole(db: Database): Promise<void> {
  const statements = [
    // Guarded twice: by pg_roles, and against another database on the same server creating it first.
    `do $$ begin
       if not exists (select 1 from pg_roles where rolname = '${APP_ROLE}') then
         create role ${APP_ROLE} nologin;
       end if;
     exception when duplicate_object or unique_violation then null;
     end $$`,
    `grant usage on schema public to ${APP_ROLE}`,
    `grant select, insert, update, delete on all tables in schema public to ${APP_ROLE}`,
    `revoke insert, update, delete, truncate, references, trigger on kysely_migration, kysely_migration_lock from ${APP_ROLE}`,
    `revoke update, delete, truncate, references, trigger on audit_event from ${APP_ROLE}`,
    `grant usage, select on all sequences in schema public to ${APP_ROLE}`,
  ]
  await db.transaction().execute(async (trx) => {
    for (const statement of statements) await sql.raw(statement).execute(trx)
  })
}
