import { randomBytes } from 'node:crypto'
import { describe } from 'node:test'
import pg from 'pg'
import { openDatabase, type Database } from '../db/database.ts'
import { migrateToLatest } from '../db/migrator.ts'

export const ENGINES = ['pglite', 'postgresql'] as const
export type Engine = (typeof ENGINES)[number]

export interface TestDatabase {
  db: Database
  engine: Engine
  close(): Promise<void>
}

/**
 * A fresh, migrated database: in-memory PGlite, or a new database on the PostgreSQL server that
 * `npm test` starts. Without that server the test fails: a suite that quietly skips proves nothing.
 */
export async function testDatabase(engine: Engine): Promise<TestDatabase> {
  if (engine === 'pglite') {
    const opened = await openDatabase({ dataDir: 'memory://' })
    await migrateToLatest(opened.db)
    return { db: opened.db, engine, close: opened.close }
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
  await migrateToLatest(opened.db)
  return {
    db: opened.db,
    engine,
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
