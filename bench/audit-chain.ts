/**
 * The audit trail's hash chain: bulk writes (as an import makes them), verification speed, and
 * one request-sized audit write in its own transaction (the cost a page view or API call pays).
 *   npm run bench -- audit [--rows 200000] [--engine postgresql|pglite] [--runs 1000]
 */
import { randomUUID } from 'node:crypto'
import type { Actor } from '../src/auth/actor.ts'
import { recordAudit, recordAudits, type AuditEntry } from '../src/audit/audit.ts'
import { verifyAuditChain } from '../src/audit/verify.ts'
import { progressReporter } from '../src/cli/progress.ts'
import { benchRuntime, timeRuns, arg, fmt, type Engine } from './support.ts'

const actor: Actor = {
  userId: randomUUID(),
  username: 'idva',
  displayName: 'Bench IDVA',
  agencyId: randomUUID(),
  agencyName: 'NHS',
  roles: ['health_idva'],
  teamIds: [],
  teamAreas: [],
  via: 'session',
  requestId: 'bench',
}

/** Shaped like the rows services write: a consultation with field names, or an import's collection. */
const entry = (i: number): AuditEntry =>
  i % 4 === 0
    ? {
        action: 'collect',
        recordType: 'incident',
        recordId: randomUUID(),
        details: { source: 'csv', forceReference: `LC-${20260000 + i}`, importId: 'bench' },
      }
    : {
        action: 'consult',
        recordType: 'incident',
        recordId: randomUUID(),
        fields: ['incident', 'people', 'custody', 'health_needs_notes', 'nhs_number'],
        ...(i % 10 === 1 ? { justification: 'Safeguarding visit arranged', recipients: ['MARAC'] } : {}),
      }

export async function auditBench(): Promise<void> {
  const rows = Number(arg('rows', '200000'))
  const engine = arg('engine', 'postgresql') as Engine
  const runs = Number(arg('runs', '1000'))
  const { rt, cleanup } = await benchRuntime(engine)
  const db = rt.deps.db
  try {
    const at = new Date()
    const batch = 10_000
    const report = progressReporter(`Writing ${rows.toLocaleString('en-GB')} audit rows into ${engine}`)
    const writeStart = process.hrtime.bigint()
    for (let done = 0; done < rows; done += batch) {
      const n = Math.min(batch, rows - done)
      await recordAudits(
        db,
        actor,
        at,
        Array.from({ length: n }, (_, k) => entry(done + k)),
      )
      report(done + n, rows)
    }
    const writeSeconds = Number(process.hrtime.bigint() - writeStart) / 1e9

    const verifySeconds: number[] = []
    let checked = 0
    for (let i = 0; i < 3; i++) {
      const start = process.hrtime.bigint()
      const result = await verifyAuditChain(db)
      verifySeconds.push(Number(process.hrtime.bigint() - start) / 1e9)
      if (!result.ok) throw new Error(`chain broken: ${JSON.stringify(result.firstBroken)}`)
      checked = result.rows
    }
    verifySeconds.sort((a, b) => a - b)

    for (let i = 0; i < 50; i++) await recordAudit(db, actor, new Date(), entry(i + 1))
    const single = await timeRuns(runs, () => recordAudit(db, actor, new Date(), entry(1)))
    const inTransaction = await timeRuns(runs, () =>
      db.transaction().execute(async (trx) => {
        await trx.selectFrom('area').select('name').limit(1).execute()
        await recordAudit(trx, actor, new Date(), entry(1))
      }),
    )

    const perSecond = (n: number, s: number) => Math.round(n / s).toLocaleString('en-GB')
    const median = verifySeconds[1]!
    console.log(JSON.stringify({ bench: 'audit-chain', engine, rows, runs, writeSeconds, verifySeconds }))
    console.log(
      `bulk write   ${rows.toLocaleString('en-GB')} rows in ${writeSeconds.toFixed(2)} s  (${perSecond(rows, writeSeconds)} rows/s, batches of ${batch.toLocaleString('en-GB')})`,
    )
    console.log(
      `verify       ${checked.toLocaleString('en-GB')} rows in ${median.toFixed(2)} s median of 3  (${perSecond(checked, median)} rows/s; best ${perSecond(checked, verifySeconds[0]!)} rows/s)`,
    )
    console.log(
      `one audit row, own transaction        p50 ${fmt(single.p50)}  p95 ${fmt(single.p95)}  max ${fmt(single.max)}`,
    )
    console.log(
      `a read + audit row in one transaction p50 ${fmt(inTransaction.p50)}  p95 ${fmt(inTransaction.p95)}  max ${fmt(inTransaction.max)}`,
    )
  } finally {
    await cleanup()
  }
}
