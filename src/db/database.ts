import { mkdirSync, writeFileSync, readFileSync, rmSync, existsSync } from 'node:fs'
import path from 'node:path'
import { Kysely, PostgresDialect, type Transaction } from 'kysely'
import pg from 'pg'
import { PGlite } from '@electric-sql/pglite'
import { PGliteDialect } from 'kysely-pglite-dialect'
import type { DB } from './schema.ts'

export type Database = Kysely<DB>
export type Tx = Transaction<DB>
/** Repositories take either the database or an open transaction. */
export type Queryable = Kysely<DB> | Transaction<DB>

export interface DatabaseTarget {
  /** A PostgreSQL connection string; when absent the embedded PGlite database is used. */
  url?: string
  /** Folder for PGlite's files; `memory://` keeps it in memory (tests). */
  dataDir: string
}

// Dates stay ISO strings and 64-bit counts become numbers on both engines, so code sees one shape.
const DATE_OID = 1082
const INT8_OID = 20
const NUMERIC_OID = 1700

export interface OpenedDatabase {
  db: Database
  engine: 'postgresql' | 'pglite'
  close(): Promise<void>
}

export async function openDatabase(target: DatabaseTarget): Promise<OpenedDatabase> {
  if (target.url) {
    const types = {
      getTypeParser: (oid: number, format?: 'text' | 'binary') => {
        if (oid === DATE_OID) return (v: string) => v
        if (oid === INT8_OID || oid === NUMERIC_OID) return (v: string) => Number(v)
        return pg.types.getTypeParser(oid, format)
      },
    }
    const pool = new pg.Pool({ connectionString: target.url, max: 10, types })
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) })
    return { db, engine: 'postgresql', close: () => db.destroy() }
  }
  const inMemory = target.dataDir.startsWith('memory://')
  const release = inMemory ? () => undefined : lockDataDir(target.dataDir)
  const client = new PGlite({
    ...(inMemory ? {} : { dataDir: target.dataDir }),
    parsers: { [DATE_OID]: (v: string) => v, [INT8_OID]: (v: string) => Number(v), [NUMERIC_OID]: Number },
  })
  await client.waitReady
  const db = new Kysely<DB>({ dialect: new PGliteDialect(client) })
  return {
    db,
    engine: 'pglite',
    close: async () => {
      await db.destroy()
      release()
    },
  }
}

/**
 * PGlite is a single-process database: two processes writing the same folder corrupt it.
 * A lock file naming the owner's pid turns that into a clear error.
 */
function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true })
  const lock = path.join(dataDir, '.provide.lock')
  if (existsSync(lock)) {
    const pid = Number(readFileSync(lock, 'utf8'))
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new Error(
        `The embedded database in ${dataDir} is in use by process ${pid}. ` +
          'Stop the running app first, or set DATABASE_URL to use a PostgreSQL server.',
      )
    }
  }
  writeFileSync(lock, String(process.pid))
  return () => rmSync(lock, { force: true })
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
