import { mkdirSync, writeFileSync, readFileSync, rmSync, existsSync } from 'node:fs'
import path from 'node:path'
import { CompiledQuery, Kysely, PostgresDialect, sql, type DatabaseConnection, type Transaction } from 'kysely'
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

/**
 * The database role the app works as. It may read and write the app's tables but only read and
 * append to `audit_event` (see `grantAppRole` in migrator.ts), so a bug or an injected query in the
 * app cannot rewrite the audit trail.
 *
 * `migrateToLatest` migrates as the connecting (owner) role, then every connection does
 * `SET ROLE provide_app`. SET ROLE alone does not stop SQL that says `RESET ROLE`, so in production
 * connect as a login role that is only a member of provide_app (`create role provide_web login
 * in role provide_app`), and run `provide migrate` separately with the owner's DATABASE_URL; the
 * app then checks that no migration is pending and never holds owner rights. PGlite has one
 * (superuser) connection, so there the role guards against mistakes, not against an attacker
 * who can already run SQL in the process that holds the database files.
 */
export const APP_ROLE = 'provide_app'

interface RoleControl {
  /** From now on the app's connections act as APP_ROLE. */
  useAppRole(): Promise<void>
  owner<T>(fn: (owner: Database) => Promise<T>): Promise<T>
}
const roleControls = new WeakMap<Database, RoleControl>()

/** Switches an opened database's connections to APP_ROLE (migrateToLatest does this). */
export async function useAppRole(db: Database): Promise<void> {
  await controlOf(db).useAppRole()
}

/**
 * Runs `fn` with the rights of the role that opened the database (the owner): for migrations,
 * and for tests that tamper with the audit trail. On PostgreSQL `fn` gets its own connection; on
 * PGlite the one connection acts as the owner until `fn` ends, so use only the handle given.
 */
export function asOwner<T>(db: Database, fn: (owner: Database) => Promise<T>): Promise<T> {
  return controlOf(db).owner(fn)
}

function controlOf(db: Database): RoleControl {
  const control = roleControls.get(db)
  if (!control) throw new Error('Not a database from openDatabase: its role cannot be managed')
  return control
}

export async function openDatabase(target: DatabaseTarget): Promise<OpenedDatabase> {
  if (target.url) {
    const url = target.url
    const types = {
      getTypeParser: (oid: number, format?: 'text' | 'binary') => {
        if (oid === DATE_OID) return (v: string) => v
        if (oid === INT8_OID || oid === NUMERIC_OID) return (v: string) => Number(v)
        return pg.types.getTypeParser(oid, format)
      },
    }
    let appRole = false
    const restricted = new WeakSet<DatabaseConnection>()
    const pool = quietPool(new pg.Pool({ connectionString: url, max: 10, types }))
    const db = new Kysely<DB>({
      dialect: new PostgresDialect({
        pool,
        // Connections opened before useAppRole (and new ones after it) switch the first time they are used.
        onReserveConnection: async (connection) => {
          if (!appRole || restricted.has(connection)) return
          await connection.executeQuery(CompiledQuery.raw(`set role ${APP_ROLE}`))
          restricted.add(connection)
        },
      }),
    })
    roleControls.set(db, {
      useAppRole: async () => {
        appRole = true
      },
      owner: async (fn) => {
        const owner = new Kysely<DB>({
          dialect: new PostgresDialect({ pool: quietPool(new pg.Pool({ connectionString: url, max: 2, types })) }),
        })
        try {
          return await fn(owner)
        } finally {
          await owner.destroy()
        }
      },
    })
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
  // PGlite has a single session, as its superuser: the role is switched on that session.
  let appRole = false
  roleControls.set(db, {
    useAppRole: async () => {
      await sql`set role ${sql.id(APP_ROLE)}`.execute(db)
      appRole = true
    },
    owner: async (fn) => {
      await sql`reset role`.execute(db)
      try {
        return await fn(db)
      } finally {
        if (appRole) await sql`set role ${sql.id(APP_ROLE)}`.execute(db)
      }
    },
  })
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
 * pg-pool drops an idle connection that fails (the server restarted, or a test dropped its database
 * while the pool was closing) and opens a new one when next needed; without a listener the
 * failure would be an uncaught exception.
 */
function quietPool(pool: pg.Pool): pg.Pool {
  pool.on('error', () => undefined)
  return pool
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
