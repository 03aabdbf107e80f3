import { after, before, it } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { describeEachEngine, testDatabase, type Engine, type TestDatabase } from '../test-support/db.ts'
import { FIXED_NOW } from '../test-support/clock.ts'
import { systemActor } from '../auth/actor.ts'
import { recordAudits } from './audit.ts'

const BIN = path.resolve(import.meta.dirname, '../../bin/provide.js')

function provide(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })
    })
  })
}

describeEachEngine('provide audit verify', (engine: Engine) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'provide-audit-cli-'))
  let env: NodeJS.ProcessEnv
  // PGlite is one process's database: the test holds it only between runs of the command.
  const open = () => testDatabase(engine, { dataDir: path.join(dir, 'pglite') })
  let d: TestDatabase

  before(async () => {
    d = await open()
    env =
      'url' in d.location
        ? { DATABASE_URL: d.location.url, PROVIDE_SECRET_KEY: randomBytes(32).toString('base64') }
        : { PROVIDE_DATA_DIR: dir, DATABASE_URL: '' }
    const entries = Array.from({ length: 40 }, (_, i) => ({
      action: 'consult' as const,
      recordType: 'incident',
      recordId: `incident-${i}`,
      fields: ['current_address'],
    }))
    await recordAudits(d.db, systemActor('test'), FIXED_NOW, entries)
    if (engine === 'pglite') await d.close()
  })
  after(async () => {
    if (engine === 'postgresql') await d.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('prints the head and "audit trail intact"; then names an edited row and exits 1', async () => {
    const intact = await provide(['audit', 'verify'], env)
    assert.equal(intact.code, 0, intact.stderr)
    assert.match(intact.stdout, /Checked 40 rows in [\d.]+ s \([\d,]+ rows\/s\)/)
    assert.match(intact.stdout, /audit trail intact/)
    const head = /Head: seq 40, hash ([0-9a-f]{64})/.exec(intact.stdout)?.[1]
    assert.ok(head, intact.stdout)

    if (engine === 'pglite') d = await open()
    const { id } = await d.db.selectFrom('audit_event').select('id').where('seq', '=', 17).executeTakeFirstOrThrow()
    await d.asOwner((owner) =>
      owner.transaction().execute(async (trx) => {
        await sql`set local session_replication_role = replica`.execute(trx)
        await sql`update audit_event set record_id = 'incident-99' where seq = 17`.execute(trx)
      }),
    )
    if (engine === 'pglite') await d.close()

    const broken = await provide(['audit', 'verify', '--anchor', `40:${head}`], env)
    assert.equal(broken.code, 1, broken.stderr)
    assert.match(
      broken.stdout,
      new RegExp(`AUDIT TRAIL BROKEN at seq 17 \\(audit_event id ${id}\\): row altered: its hash does not match`),
    )
    assert.match(broken.stdout, /Last intact row: seq 16/)
    assert.match(broken.stdout, /Anchor 40: FAILED: not reached/)
    assert.doesNotMatch(broken.stdout, /intact$/m)
  })

  it('refuses an anchor that is not SEQ:HASH', async () => {
    const bad = await provide(['audit', 'verify', '--anchor', '40'], env)
    assert.notEqual(bad.code, 0)
    assert.match(bad.stderr, /SEQ:HASH/)
  })
})
