/**
 * A victim's case page: a victim with 50 incidents and 200 events on them (triage decisions,
 * visits, consultations, tracker contacts, actions and their changes, hand-overs, safe-contact
 * changes), among other incidents, rendered server-side through the app (fastify inject, so no
 * network) with its access checks, queries and audit rows. Target: under 100 ms at the 95th
 * percentile. The API's JSON is timed too.
 *
 *   npm run bench -- case [--engine pglite|postgresql] [--incidents 5000] [--runs 200]
 */
import { sql } from 'kysely'
import { asOwner } from '../src/db/database.ts'
import { buildApp } from '../src/server/app.ts'
import { DEMO_PASSWORD, seedDemoUsers, writeDemoIncidents } from '../src/demo/seed.ts'
import { systemActor } from '../src/auth/actor.ts'
import { findUserByUsername } from '../src/auth/repository.ts'
import { toActor } from '../src/auth/service.ts'
import { anIncident, aPerson, aSuspect } from '../src/test-support/builders.ts'
import { aShift } from '../src/test-support/deployment.ts'
import { anAction, aHandover, victimOn } from '../src/cases/test-data.ts'
import { arg, benchRuntime, fmt, timeRuns, type Engine } from './support.ts'

const CASE_INCIDENTS = 50
const DAY_MS = 24 * 3_600_000

export async function caseBench(): Promise<void> {
  const engine = arg('engine', 'pglite') as Engine
  const background = Number(arg('incidents', '5000'))
  const runs = Number(arg('runs', '200'))
  const { rt, cleanup } = await benchRuntime(engine)
  try {
    const { db, clock } = rt.deps
    const services = rt.services
    await seedDemoUsers(db, services.auth)
    await writeDemoIncidents(db, clock, services.intake, { incidents: background, seed: 11 })
    const actor = async (username: string) => toActor((await findUserByUsername(db, username))!, 'session', null)
    const [sergeant, idva] = await Promise.all([actor('sergeant'), actor('idva')])
    const now = clock.now()

    // The victim's incidents, a fortnight apart, newest first: the latest 27 fall in the last 12
    // months. Recorded oldest first, so each counts the earlier ones as repeats.
    const incidents: { id: string; victimId: string }[] = []
    for (let i = CASE_INCIDENTS - 1; i >= 0; i--) {
      const reportedAt = new Date(now.getTime() - i * 14 * DAY_MS - 3_600_000)
      const { id } = await services.intake.create(
        systemActor('bench'),
        anIncident({
          forceReference: `CASE-BENCH-${String(i).padStart(3, '0')}`,
          reportedAt: reportedAt.toISOString(),
          occurredAt: new Date(reportedAt.getTime() - 3_600_000).toISOString(),
          risk: i % 3 === 0 ? 'high' : 'medium',
          people: [
            aPerson({ firstName: 'Bench', lastName: 'Victim', dateOfBirth: '1984-06-09' }),
            aSuspect({ dateOfBirth: undefined }),
          ],
          location: {
            address: `${i} Bench Road`,
            postcode: 'FY1 1AA',
            area: 'Blackpool',
            latitude: 53.82,
            longitude: -3.04,
          },
        }),
        'api',
      )
      incidents.unshift({ id, victimId: await victimOn(db, id) })
    }

    // 200 events: 50 decisions, 25 consultations, 25 tracker contacts, 25 actions with 2 changes
    // each, 10 hand-overs and their acceptance, 10 safe-contact changes, 20 visits.
    const shift = await aShift(db)
    const team = await db
      .selectFrom('team')
      .select('id')
      .where('name', '=', 'Safeguarding: West division')
      .executeTakeFirstOrThrow()
    const safeguarding = await actor('safeguarding')
    for (const [i, { id, victimId }] of incidents.entries()) {
      await services.triage.decide(sergeant, id, { decision: 'attend', reasonCode: 'high_risk' })
      if (i % 2 === 0) {
        await services.consultations.request(sergeant, id, { question: 'Is a refuge place right for her now?' })
        await services.engagement.submit(idva, id, {
          values: {
            mode: 'post_incident',
            contactAt: new Date(now.getTime() - i * 14 * DAY_MS).toISOString(),
            place: 'home',
            idvaPresent: true,
            officerPresent: true,
            supportOffered: ['risk_assessment', 'safety_planning'],
            engagedInvestigation: 'yes',
            engagedSafeguarding: 'yes',
            ...(i < CASE_INCIDENTS - 1 ? { previousInvestigation: 'no', previousSafeguarding: 'not_known' } : {}),
            childrenCount: 0,
            consentToShare: 'no',
          },
        })
      } else {
        await anAction(db, {
          incidentId: id,
          personId: victimId,
          kind: i % 4 === 1 ? 'police_alarm' : 'third_sector',
          ownerAgencyId: sergeant.agencyId,
          dueOn: new Date(now.getTime() + (i - 25) * DAY_MS).toISOString().slice(0, 10),
          by: sergeant.userId,
          at: new Date(now.getTime() - i * 14 * DAY_MS),
          statuses: i < 10 ? ['requested', 'in_progress'] : ['requested', 'done'],
        })
      }
      if (i % 5 === 0) {
        await aHandover(db, {
          incidentId: id,
          personId: victimId,
          teamId: team.id,
          summary: 'Alarm requested; contact by text only',
          by: sergeant.userId,
          at: new Date(now.getTime() - i * 14 * DAY_MS + 3_600_000),
          acceptedBy: safeguarding.userId,
          acceptedAfterMinutes: 90,
        })
        await services.deployment.setSafeContact(sergeant, victimId, {
          methods: ['text'],
          onlyWhileSuspectInCustody: false,
          windows: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, startMinute: 600, endMinute: 720 })),
          notes: 'Never when he is home',
        })
      }
      if (i < 20) {
        const start = new Date(now.getTime() - i * 14 * DAY_MS + 2 * 3_600_000)
        await db
          .insertInto('visit')
          .values({
            shift_id: shift,
            incident_id: id,
            kind: 'post_incident',
            status: 'completed',
            position: i,
            option_label: 'home',
            planned_arrival: start,
            planned_start: start,
            planned_end: new Date(start.getTime() + 3_600_000),
            travel_minutes: 10,
            chosen_because: 'High risk',
            outcome: i % 2 ? 'not_at_home' : 'seen',
            outcome_at: new Date(start.getTime() + 3_600_000),
            outcome_by: idva.userId,
          })
          .execute()
      }
    }
    // Statistics are the owner's to gather: the app's role may not analyze.
    if (engine === 'postgresql') await asOwner(db, (owner) => sql`analyze`.execute(owner))

    const app = await buildApp(rt.deps)
    const signIn = await app.inject({
      method: 'POST',
      url: '/sign-in',
      payload: { username: 'sergeant', password: DEMO_PASSWORD },
    })
    const cookie = String(signIn.headers['set-cookie']).split(';')[0]!
    const token = (
      await services.auth.createApiToken(systemActor('bench'), {
        username: 'sergeant',
        name: 'bench',
        expiresInDays: 1,
      })
    ).token
    const victimId = incidents[0]!.victimId
    const get = async (url: string, headers: Record<string, string>) => {
      const res = await app.inject({ method: 'GET', url, headers })
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`)
      return res
    }
    const first = await get(`/victims/${victimId}`, { cookie })
    const items = (first.body.match(/data-testid="timeline-item"/g) ?? []).length
    for (let i = 0; i < 10; i++) await get(`/victims/${victimId}`, { cookie })
    const page = await timeRuns(runs, () => get(`/victims/${victimId}`, { cookie }))
    const api = await timeRuns(runs, () => get(`/api/v1/victims/${victimId}`, { authorization: `Bearer ${token}` }))

    console.log(JSON.stringify({ bench: 'case-page', engine, background, incidents: CASE_INCIDENTS, items, runs }))
    console.log(
      `Case page, ${engine}: ${CASE_INCIDENTS} incidents and ${items - CASE_INCIDENTS} events on the timeline, among ${background.toLocaleString('en-GB')} other incidents, ${runs} runs`,
    )
    for (const [label, t] of [
      ['page /victims/:id', page],
      ['API  /api/v1/victims/:id', api],
    ] as const) {
      console.log(
        `  ${label.padEnd(26)} p50 ${fmt(t.p50)} p95 ${fmt(t.p95)} max ${fmt(t.max)}` +
          (t.p95 < 100 ? '   (target < 100 ms p95: met)' : '   (target < 100 ms p95: NOT met)'),
      )
    }
    await app.close()
  } finally {
    await cleanup()
  }
}
