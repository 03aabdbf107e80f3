import { randomBytes } from 'node:crypto'
import { describe } from 'node:test'
import pg from 'pg'
import { asOwner, openDatabase, type Database } from '../db/database.ts'
import { migrateToLatest } from '../db/migrator.ts'

export const ENGINES = ['pglite', 'postgresql'] as const
export type Engine = (typeof ENGINES)[number]

export interface TestDatabase {
  /** The app's own connection: it acts as the app role (provide_app), as the running app does. */
  db: Database
  engine: Engine
  /**
   * The owner's rights, for a test that must do what the app cannot (tamper with the audit trail,
   * add a trigger). On PGlite the one connection is the owner's until `fn` ends: use only `owner`.
   */
  asOwner<T>(fn: (owner: Database) => Promise<T>): Promise<T>
  /** Where it is, for a test that runs the command line against it: a server URL, or PGlite's folder. */
  location: { url: string } | { dataDir: string }
  close(): Promise<void>
}

export interface TestDatabaseOptions {
  /** False leaves a blank database, its connection still the owner's, for a test of the migrations. */
  migrate?: boolean
  /** PGlite in this folder rather than in memory (the caller removes it). */
  dataDir?: string
}

/**
 * A fresh, migrated database: in-memory PGlite, or a new database on the PostgreSQL server that
 * `npm test` starts. Without that server the test fails: a suite that quietly skips proves nothing.
 */
export async function testDatabase(engine: Engine, options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const migrate = options.migrate ?? true
  if (engine === 'pglite') {
    const dataDir = options.dataDir ?? 'memory://'
    const opened = await openDatabase({ dataDir })
    if (migrate) await migrateToLatest(opened.db)
    return {
      db: opened.db,
      engine,
      asOwner: (fn) => asOwner(opened.db, fn),
      location: { dataDir },
      close: opened.close,
    }
  }
  const adminUrl = process.env.TEST_DATABASE_URL
  if (!adminUrl) {
    throw new Error(
      'TEST_DATABASE_URL is not set. Run the suite with `npm test`, which starts a throwaway PostgreSQL server.',
    )
  }
  const name = `provide_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const opened = await openDatabase({ url: url.toString(), dataDir: '' })
  if (migrate) await migrateToLatest(opened.db)
  return {
    db: opened.db,
    engine,
    asOwner: (fn) => asOwner(opened.db, fn),
    location: { url: url.toString() },
    close: async () => {
      await opened.close()
      const a = new pg.Client({ connectionString: adminUrl })
      await a.connect()
      await a.query(`drop database if exists ${name} with (force)`)
      await a.end()
    },
  }
}

/** Runs the same suite on both engines. */
export function describeEachEngine(title: string, fn: (engine: Engine) => void): void {
  for (const engine of ENGINES) describe(`${title} [${engine}]`, () => fn(engine))
}
