import { Migrator, type Migration, type MigrationProvider } from 'kysely'
import type { Database } from './database.ts'
import * as m0001 from './migrations/0001_foundation.ts'
import * as m0002 from './migrations/0002_decision_order.ts'

// Listed explicitly so migrations run the same from source, tests and a bundled build.
const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_decision_order': m0002,
}

const provider: MigrationProvider = { getMigrations: async () => migrations }

export async function migrateToLatest(db: Database): Promise<string[]> {
  const migrator = new Migrator({ db, provider })
  const { error, results } = await migrator.migrateToLatest()
  const failed = results?.find((r) => r.status === 'Error')
  if (error || failed) {
    const cause = error instanceof Error ? error.message : String(error ?? '')
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${cause}`)
  }
  return (results ?? []).map((r) => r.migrationName)
}
