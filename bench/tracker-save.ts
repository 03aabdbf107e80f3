/**
 * The IDVA's tracker: one draft save and one submission, each its own transaction with its
 * access check and audit row, as the tracker form does. Target: a save under 50 ms at the 95th
 * percentile.
 *
 *   npm run bench -- tracker [--engine pglite|postgresql] [--incidents 5000] [--runs 500]
 */
import { seedDemoUsers, writeDemoIncidents } from '../src/demo/seed.ts'
import { findUserByUsername } from '../src/auth/repository.ts'
import { toActor } from '../src/auth/service.ts'
import { arg, benchRuntime, fmt, timeRuns, type Engine } from './support.ts'

export async function trackerBench(): Promise<void> {
  const engine = arg('engine', 'pglite') as Engine
  const incidents = Number(arg('incidents', '5000'))
  const runs = Number(arg('runs', '500'))
  const { rt, cleanup } = await benchRuntime(engine)
  try {
    await seedDemoUsers(rt.deps.db, rt.services.auth)
    await writeDemoIncidents(rt.deps.db, rt.deps.clock, rt.services.intake, { incidents, seed: 5 })
    const idva = toActor((await findUserByUsername(rt.deps.db, 'idva'))!, 'session', null)
    const ids = (
      await rt.deps.db
        .selectFrom('incident')
        .select('id')
        .where('area', 'in', ['Blackpool', 'Fylde', 'Wyre'])
        .where('prior_same_people_12m', '=', 0)
        .limit(runs)
        .execute()
    ).map((r) => r.id)
    const contactAt = new Date(rt.deps.clock.now().getTime() - 3_600_000).toISOString()
    const values = {
      mode: 'post_incident',
      contactAt,
      place: 'home',
      idvaPresent: true,
      officerPresent: true,
      supportOffered: ['risk_assessment', 'safety_planning'],
      engagedInvestigation: 'yes',
      engagedSafeguarding: 'yes',
      childrenCount: 0,
      consentToShare: 'no',
    }
    let i = 0
    const drafts: string[] = []
    const save = await timeRuns(runs, async () => {
      const incidentId = ids[i++ % ids.length]!
      drafts.push(await rt.services.engagement.saveDraft(idva, incidentId, { values: { place: 'home' } }))
    })
    i = 0
    const submit = await timeRuns(runs, async () => {
      const k = i++ % ids.length
      await rt.services.engagement.submit(idva, ids[k]!, { draftId: drafts[k]!, values })
    })
    console.log(`Tracker, ${engine}, ${incidents} incidents, ${runs} saves and submissions`)
    for (const [label, t] of [
      ['draft save', save],
      ['submission', submit],
    ] as const) {
      console.log(
        `  ${label.padEnd(12)} p50 ${fmt(t.p50)} p95 ${fmt(t.p95)} max ${fmt(t.max)}` +
          (t.p95 < 50 ? '   (target < 50 ms p95: met)' : '   (target < 50 ms p95: NOT met)'),
      )
    }
  } finally {
    await cleanup()
  }
}
