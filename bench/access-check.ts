/**
 * What access control and the audit trail add to a request: one record-level access check (the
 * policy, the record's owner, sharing agreements and, when needed, break-glass grants) plus one
 * chained audit row written in its own transaction, as opening an incident does. Target: under
 * 2 ms at the 95th percentile.
 *
 *   npm run bench -- access [--engine pglite|postgresql] [--incidents 20000] [--runs 2000]
 */
import { seedDemoUsers } from '../src/demo/seed.ts'
import { writeDemoIncidents } from '../src/demo/seed.ts'
import { recordAudit } from '../src/audit/audit.ts'
import { findUserByUsername } from '../src/auth/repository.ts'
import { toActor } from '../src/auth/service.ts'
import type { Actor } from '../src/auth/actor.ts'
import { arg, benchRuntime, fmt, timeRuns, type Engine } from './support.ts'

export async function accessBench(): Promise<void> {
  const engine = arg('engine', 'pglite') as Engine
  const incidents = Number(arg('incidents', '20000'))
  const runs = Number(arg('runs', '2000'))
  const { rt, cleanup } = await benchRuntime(engine)
  try {
    await seedDemoUsers(rt.deps.db, rt.services.auth)
    await writeDemoIncidents(rt.deps.db, rt.deps.clock, rt.services.intake, { incidents, seed: 7 })
    const ids = (await rt.deps.db.selectFrom('incident').select(['id', 'area']).limit(runs).execute()).map((r) => r.id)
    const actors = await Promise.all(['sergeant', 'provide-officer', 'idva'].map((u) => actorFor(rt.deps.db, u)))
    console.log(`Access check + audit write, ${engine}, ${incidents} incidents, ${runs} runs per user`)
    for (const actor of actors) {
      let i = 0
      const check = await timeRuns(runs, async () => {
        const id = ids[i++ % ids.length]!
        try {
          await rt.services.access.check(actor, 'incident:view', 'incident', id)
        } catch {
          // Out of scope is an answer too: the time to reach it counts the same.
        }
      })
      i = 0
      const both = await timeRuns(runs, async () => {
        const id = ids[i++ % ids.length]!
        try {
          await rt.services.access.check(actor, 'incident:view', 'incident', id)
        } catch {
          // as above
        }
        await recordAudit(rt.deps.db, actor, rt.deps.clock.now(), {
          action: 'consult',
          recordType: 'incident',
          recordId: id,
          fields: ['incident', 'people'],
        })
      })
      console.log(
        `  ${actor.username.padEnd(16)} check p50 ${fmt(check.p50)} p95 ${fmt(check.p95)}   ` +
          `check + audit p50 ${fmt(both.p50)} p95 ${fmt(both.p95)} max ${fmt(both.max)}` +
          (both.p95 < 2 ? '   (target < 2 ms p95: met)' : '   (target < 2 ms p95: NOT met)'),
      )
    }
  } finally {
    await cleanup()
  }
}

async function actorFor(db: Parameters<typeof findUserByUsername>[0], username: string): Promise<Actor> {
  return toActor((await findUserByUsername(db, username))!, 'session', 'bench')
}
