import { after, afterEach, before, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { Migrator, sql } from 'kysely'
import { describeEachEngine, testDatabase, type TestDatabase } from '../test-support/db.ts'
import { FIXED_NOW } from '../test-support/clock.ts'
import { systemActor, type Actor } from '../auth/actor.ts'
import { APP_ROLE, asOwner, openDatabase, type Database, type OpenedDatabase } from '../db/database.ts'
import { migrateToLatest, migrationProvider } from '../db/migrator.ts'
import { recordAudit, recordAudits, type AuditEntry } from './audit.ts'
import { GENESIS_HASH, chainPage, parseChainPage, rowHash } from './chain.ts'
import { verifyAuditChain } from './verify.ts'

const actor: Actor = {
  userId: randomUUID(),
  username: 'idva',
  displayName: 'Test IDVA',
  agencyId: randomUUID(),
  agencyName: 'NHS',
  roles: ['health_idva'],
  teamIds: [],
  teamAreas: [],
  via: 'session',
  requestId: 'req-42',
}

const entry = (i: number): AuditEntry => ({
  action: i % 3 === 0 ? 'disclose' : 'consult',
  recordType: 'incident',
  recordId: `incident-${i}`,
  fields: ['current_address', 'phone'],
  details: { n: i, '10': 'integer-like key', nested: { b: [1, 2.5, null], a: 'Zoë ☃' } },
  justification: i % 2 === 0 ? 'Safeguarding visit arranged for today' : undefined,
  recipients: i % 3 === 0 ? ['MARAC', 'Children’s services'] : undefined,
})
const entries = (from: number, count: number) => Array.from({ length: count }, (_, k) => entry(from + k))

/** Runs SQL as the owner with triggers off, as someone with database access could. */
const tamper = (d: TestDatabase, statement: string) =>
  d.asOwner((owner) =>
    owner.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx)
      await sql.raw(statement).execute(trx)
    }),
  )

const seqOf = async (db: Database, seq: number) =>
  await db.selectFrom('audit_event').select(['id', 'seq', 'hash']).where('seq', '=', seq).executeTakeFirstOrThrow()

describeEachEngine('audit trail', (engine) => {
  describe('chained writes', () => {
    let d: TestDatabase
    before(async () => {
      d = await testDatabase(engine)
    })
    after(() => d.close())

    it('link each row to the one before, from the genesis value, and verify', async () => {
      await recordAudit(d.db, actor, FIXED_NOW, entry(1))
      await d.db.transaction().execute((trx) => recordAudits(trx, actor, FIXED_NOW, entries(2, 5)))
      await recordAudits(d.db, systemActor('test'), new Date('2026-11-23T07:30:00.999Z'), entries(7, 4))
      const rows = await d.db.selectFrom('audit_event').selectAll().orderBy('seq').execute()
      assert.deepEqual(
        rows.map((r) => r.seq),
        Array.from({ length: 10 }, (_, k) => k + 1),
      )
      assert.equal(rows[0]!.prev_hash, GENESIS_HASH)
      for (let k = 1; k < rows.length; k++) assert.equal(rows[k]!.prev_hash, rows[k - 1]!.hash)
      const result = await verifyAuditChain(d.db)
      assert.deepEqual(result, { rows: 10, ok: true, head: { seq: 10, hash: rows[9]!.hash } })
    })

    it('store who, when, what, why and to whom', async () => {
      await recordAudit(d.db, actor, FIXED_NOW, entry(3))
      const row = await d.db
        .selectFrom('audit_event')
        .selectAll()
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirstOrThrow()
      assert.deepEqual(
        {
          at: row.at.toISOString(),
          request_id: row.request_id,
          user_id: row.user_id,
          agency_id: row.agency_id,
          roles: row.roles,
          action: row.action,
          record_id: row.record_id,
          fields: row.fields,
          details: row.details,
          justification: row.justification,
          recipients: row.recipients,
        },
        {
          at: FIXED_NOW.toISOString(),
          request_id: 'req-42',
          user_id: actor.userId,
          agency_id: actor.agencyId,
          roles: ['health_idva'],
          action: 'disclose',
          record_id: 'incident-3',
          fields: ['current_address', 'phone'],
          details: entry(3).details,
          justification: null,
          recipients: ['MARAC', 'Children’s services'],
        },
      )
    })

    it('write large batches in chunks, one chain', async () => {
      await recordAudits(d.db, actor, FIXED_NOW, entries(0, 2_345))
      const result = await verifyAuditChain(d.db, { pageSize: 1000 })
      assert.equal(result.ok, true)
      assert.equal(result.rows, result.head.seq)
      assert.ok(result.rows >= 2_345)
    })

    it('leave no gap when the transaction that wrote them rolls back', async () => {
      const before = await verifyAuditChain(d.db)
      await assert.rejects(
        d.db.transaction().execute(async (trx) => {
          await recordAudits(trx, actor, FIXED_NOW, entries(0, 3))
          throw new Error('the change failed')
        }),
        /the change failed/,
      )
      await recordAudit(d.db, actor, FIXED_NOW, entry(1))
      const result = await verifyAuditChain(d.db)
      assert.deepEqual([result.ok, result.head.seq], [true, before.head.seq + 1])
    })

    it('report progress and check a recorded head (anchor)', async () => {
      const anchor = (await verifyAuditChain(d.db)).head
      await recordAudits(d.db, actor, FIXED_NOW, entries(0, 30))
      const progress: number[] = []
      const result = await verifyAuditChain(d.db, { anchor, pageSize: 100, onProgress: (n) => progress.push(n) })
      assert.equal(result.ok, true)
      assert.equal(result.anchor?.ok, true)
      assert.equal(progress.at(-1), result.rows)
      const wrong = await verifyAuditChain(d.db, { anchor: { seq: anchor.seq, hash: 'a'.repeat(64) } })
      assert.equal(wrong.ok, false)
      assert.match(wrong.anchor!.reason, new RegExp(`row at seq ${anchor.seq} has hash ${anchor.hash}`))
    })
  })

  describe('tampering', () => {
    let d: TestDatabase
    beforeEach(async () => {
      d = await testDatabase(engine)
      await recordAudits(d.db, actor, FIXED_NOW, entries(1, 20))
      assert.equal((await verifyAuditChain(d.db)).ok, true)
    })
    afterEach(() => d.close())

    it('an edited row is named: its hash no longer matches', async () => {
      const target = await seqOf(d.db, 12)
      await tamper(d, `update audit_event set fields = '{}' where seq = 12`)
      const result = await verifyAuditChain(d.db, { pageSize: 5 })
      assert.equal(result.ok, false)
      assert.deepEqual(result.firstBroken, {
        seq: 12,
        id: target.id,
        kind: 'altered',
        reason: 'row altered: its hash does not match its contents',
      })
      assert.deepEqual([result.rows, result.head.seq], [11, 11])
    })

    it('an edit to the time, the details or the justification is found too', async () => {
      await tamper(d, `update audit_event set at = at + interval '1 microsecond' where seq = 3`)
      assert.equal((await verifyAuditChain(d.db)).firstBroken?.seq, 3)
      await tamper(d, `update audit_event set at = at - interval '1 microsecond' where seq = 3`)
      assert.equal((await verifyAuditChain(d.db)).ok, true)
      await tamper(d, `update audit_event set details = details || '{"n": 99}' where seq = 5`)
      assert.equal((await verifyAuditChain(d.db)).firstBroken?.seq, 5)
    })

    it('an edited row given a fresh hash breaks the link to the next row', async () => {
      const { id } = await seqOf(d.db, 8)
      // Recompute row 7's hash as a tamperer would, after changing who did it.
      await tamper(d, `update audit_event set username = 'someone-else' where seq = 7`)
      const edited = await d.asOwner(async (owner) => {
        const { rows } = await chainPage('seq', 6, 1).execute(owner)
        return parseChainPage(rows[0]!.page)[0]!
      })
      assert.equal(edited.username, 'someone-else')
      await tamper(d, `update audit_event set hash = '${rowHash(edited)}' where seq = 7`)
      const result = await verifyAuditChain(d.db)
      assert.deepEqual(result.firstBroken, {
        seq: 8,
        id,
        kind: 'chain_broken',
        reason: 'chain broken: prev_hash does not match the hash of row seq 7',
      })
    })

    it('a deleted row shows as a gap in seq', async () => {
      const next = await seqOf(d.db, 15)
      await tamper(d, `delete from audit_event where seq = 14`)
      const result = await verifyAuditChain(d.db)
      assert.deepEqual(result.firstBroken, {
        seq: 15,
        id: next.id,
        kind: 'missing',
        reason: 'row missing: a gap in seq, no row 14 before this one',
      })
    })

    it('rows removed from the start are missing; from the end, the anchor says so', async () => {
      const anchor = (await verifyAuditChain(d.db)).head
      await tamper(d, `delete from audit_event where seq >= 19`)
      const tail = await verifyAuditChain(d.db, { anchor })
      assert.equal(tail.firstBroken, undefined)
      assert.equal(tail.ok, false)
      assert.match(tail.anchor!.reason, /the chain ends at seq 18, before the recorded seq 20/)
      await tamper(d, `delete from audit_event where seq <= 2`)
      assert.match((await verifyAuditChain(d.db)).firstBroken!.reason, /no row 1 to 2 before this one/)
    })
  })

  describe('append-only', () => {
    let d: TestDatabase
    before(async () => {
      d = await testDatabase(engine)
      await recordAudits(d.db, actor, FIXED_NOW, entries(1, 3))
    })
    after(() => d.close())

    it('the app works as the app role, which may read and append but not change or remove', async () => {
      const { rows } = await sql<{ user: string }>`select current_user as user`.execute(d.db)
      assert.equal(rows[0]!.user, APP_ROLE)
      for (const statement of [
        `update audit_event set username = 'x'`,
        `update audit_event set username = 'x' where false`,
        'delete from audit_event where seq = 1',
        'truncate audit_event',
      ]) {
        await assert.rejects(sql.raw(statement).execute(d.db), /permission denied/, statement)
      }
      assert.equal((await verifyAuditChain(d.db)).rows, 3)
    })

    it('the app role may still change its other tables', async () => {
      await sql`update area set name = name where false`.execute(d.db)
      await sql`delete from area where false`.execute(d.db)
    })

    it('the owner is refused by the trigger, truncate included', async () => {
      await d.asOwner(async (owner) => {
        for (const statement of [
          'update audit_event set username = username',
          'delete from audit_event',
          'truncate audit_event',
        ]) {
          await assert.rejects(sql.raw(statement).execute(owner), /audit_event is append-only/, statement)
        }
      })
      assert.equal((await verifyAuditChain(d.db)).rows, 3)
    })
  })

  if (engine === 'postgresql') {
    describe('a production login that is only a member of the app role', () => {
      let d: TestDatabase
      let web: OpenedDatabase
      before(async () => {
        d = await testDatabase(engine)
        await d.asOwner((owner) =>
          sql
            .raw(
              `do $$ begin create role provide_test_web login in role ${APP_ROLE};
               exception when duplicate_object or unique_violation then null; end $$`,
            )
            .execute(owner),
        )
        const url = new URL((d.location as { url: string }).url)
        url.username = 'provide_test_web'
        web = await openDatabase({ url: url.toString(), dataDir: '' })
      })
      after(async () => {
        await web.close()
        await d.close()
      })

      it('starts without migrating, works as the app role, and cannot rewrite the trail', async () => {
        assert.deepEqual(await migrateToLatest(web.db), [])
        const { rows } = await sql<{ user: string }>`select current_user as user`.execute(web.db)
        assert.equal(rows[0]!.user, APP_ROLE)
        await recordAudits(web.db, actor, FIXED_NOW, entries(1, 3))
        assert.deepEqual(await verifyAuditChain(web.db).then((r) => [r.ok, r.rows]), [true, 3])
        await assert.rejects(
          sql`reset role`.execute(web.db).then(() => sql`delete from audit_event`.execute(web.db)),
          /permission denied/,
        )
        await assert.rejects(
          asOwner(web.db, (owner) => sql`alter table audit_event disable trigger all`.execute(owner)),
          /must be owner/,
        )
      })
    })

    describe('concurrent writers', () => {
      let d: TestDatabase
      before(async () => {
        d = await testDatabase(engine)
      })
      after(() => d.close())

      it('make one valid chain', async () => {
        const writers = 8
        const rounds = 25
        await Promise.all(
          Array.from({ length: writers }, async (_, w) => {
            for (let r = 0; r < rounds; r++) {
              if (r % 5 === 0) await recordAudit(d.db, actor, FIXED_NOW, entry(r))
              else {
                await d.db.transaction().execute(async (trx) => {
                  await trx.selectFrom('area').select('name').execute()
                  await recordAudits(trx, actor, FIXED_NOW, entries(w * 1000 + r, 3))
                })
              }
            }
          }),
        )
        const result = await verifyAuditChain(d.db, { pageSize: 50 })
        const expected = writers * rounds * 3 - writers * (rounds / 5) * 2
        assert.deepEqual([result.ok, result.rows, result.head.seq], [true, expected, expected])
      })
    })
  }

  describe('migration 0004', () => {
    let d: TestDatabase
    before(async () => {
      d = await testDatabase(engine, { migrate: false })
    })
    after(() => d.close())

    it('chains the rows written before it, in id order, and the app goes on from there', async () => {
      const { error } = await new Migrator({ db: d.db, provider: migrationProvider }).migrateTo('0003_access')
      assert.equal(error, undefined)
      // Rows as the app wrote them before the chain: microsecond times, jsonb with its own key order.
      for (let i = 0; i < 25; i++) {
        await sql`
          insert into audit_event (at, request_id, user_id, username, agency_id, roles, action, record_type,
            record_id, fields, details)
          values (${`2025-0${1 + (i % 9)}-15 10:00:00.${String(123456 + i).padStart(6, '0')}+00`}, ${i % 2 ? null : `req-${i}`},
            ${i % 4 ? randomUUID() : null}, ${'user'}, null, ${['analyst']}, 'consult', 'incident', ${String(i)},
            ${['a', 'b']}, ${JSON.stringify({ zeta: i, alpha: { '10': 1, '9': [1.5, 'x'] } })}::jsonb)`.execute(d.db)
      }
      await migrateToLatest(d.db)
      const rows = await d.db.selectFrom('audit_event').select(['id', 'seq']).orderBy('id').execute()
      assert.deepEqual(
        rows.map((r) => r.seq),
        Array.from({ length: 25 }, (_, k) => k + 1),
      )
      assert.deepEqual(await verifyAuditChain(d.db, { pageSize: 10 }).then((r) => [r.ok, r.rows]), [true, 25])
      await recordAudits(d.db, actor, FIXED_NOW, entries(0, 5))
      assert.deepEqual(await verifyAuditChain(d.db).then((r) => [r.ok, r.rows]), [true, 30])
    })
  })
})
