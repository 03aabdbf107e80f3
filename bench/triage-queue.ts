/**
 * Triage queue latency: the API and the page measured in the server (fastify inject, so no
 * network), and the same candidate query run directly against the database, as a ratio.
 *   npm run bench -- triage [--incidents 40000] [--engine postgresql|pglite] [--runs 200]
 */
import { CompiledQuery, sql } from 'kysely'
import { asOwner } from '../src/db/database.ts'
import { buildApp } from '../src/server/app.ts'
import { seedDemoUsers, writeDemoIncidents } from '../src/demo/seed.ts'
import { systemActor } from '../src/auth/actor.ts'
import { queueCandidates, queueCandidatesQuery } from '../src/triage/repository.ts'
import { progressReporter } from '../src/cli/progress.ts'
import { benchRuntime, timeRuns, arg, fmt, type Engine } from './support.ts'

export async function triageBench(): Promise<void> {
  const incidents = Number(arg('incidents', '40000'))
  const engine = arg('engine', 'postgresql') as Engine
  const runs = Number(arg('runs', '200'))
  const { rt, cleanup } = await benchRuntime(engine)
  try {
    const loadStart = Date.now()
    await seedDemoUsers(rt.deps.db, rt.services.auth)
    const report = progressReporter(`Loading ${incidents} incidents into ${engine}`)
    await writeDemoIncidents(rt.deps.db, rt.deps.clock, rt.services.intake, {
      incidents,
      seed: 7,
      onProgress: (d, t) => report(d, t, 'incidents'),
    })
    const loadSeconds = (Date.now() - loadStart) / 1000
    // Statistics are the owner's to gather: the app's role may not analyze.
    if (engine === 'postgresql') await asOwner(rt.deps.db, (db) => sql`analyze`.execute(db))
    const token = (
      await rt.services.auth.createApiToken(systemActor('bench'), {
        username: 'sergeant',
        name: 'bench',
        expiresInDays: 1,
      })
    ).token
    const app = await buildApp(rt.deps)
    const headers = { authorization: `Bearer ${token}` }
    const window = await rt.services.triage.window()
    const inWindow = (await queueCandidates(rt.deps.db, { start: window.start, end: window.end })).length

    const warm = async (url: string) => {
      const res = await app.inject({ method: 'GET', url, headers })
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`)
    }
    for (let i = 0; i < 10; i++) await warm('/api/v1/triage/queue')
    const apiTimes = await timeRuns(runs, () => warm('/api/v1/triage/queue'))
    const filtered = await timeRuns(runs, () => warm('/api/v1/triage/queue?risk=high&area=Blackpool&sort=risk'))
    const cookieRes = await app.inject({
      method: 'POST',
      url: '/sign-in',
      payload: { username: 'sergeant', password: 'provide-demo' },
    })
    const cookie = String(cookieRes.headers['set-cookie']).split(';')[0]!
    const pageTimes = await timeRuns(runs, async () => {
      const res = await app.inject({ method: 'GET', url: '/triage', headers: { cookie } })
      if (res.statusCode !== 200) throw new Error(`/triage: ${res.statusCode}`)
    })
    const queryTimes = await timeRuns(runs, () => queueCandidates(rt.deps.db, { start: window.start, end: window.end }))

    const compiled = queueCandidatesQuery(rt.deps.db, { start: window.start, end: window.end }).compile()
    const plan = await rt.deps.db.executeQuery<Record<string, string>>(
      CompiledQuery.raw(`explain (analyze, costs off) ${compiled.sql}`, [...compiled.parameters]),
    )

    console.log(JSON.stringify({ bench: 'triage-queue', engine, incidents, inWindow, loadSeconds, runs }))
    console.log(
      `incidents: ${incidents.toLocaleString('en-GB')} (${inWindow} in the ${window.hours}-hour window), loaded in ${loadSeconds.toFixed(1)} s`,
    )
    console.log(
      `API  /api/v1/triage/queue           p50 ${fmt(apiTimes.p50)}  p95 ${fmt(apiTimes.p95)}  max ${fmt(apiTimes.max)}`,
    )
    console.log(`API  filtered (high, Blackpool)     p50 ${fmt(filtered.p50)}  p95 ${fmt(filtered.p95)}`)
    console.log(`Page /triage (HTML)                 p50 ${fmt(pageTimes.p50)}  p95 ${fmt(pageTimes.p95)}`)
    console.log(`Query candidates direct             p50 ${fmt(queryTimes.p50)}  p95 ${fmt(queryTimes.p95)}`)
    console.log(`Ratio API p95 / query p95: ${(apiTimes.p95 / queryTimes.p95).toFixed(2)}`)
    console.log('Query plan of the candidate query:')
    for (const row of plan.rows) console.log(`  ${Object.values(row)[0]}`)
    await app.close()
  } finally {
    await cleanup()
  }
}
