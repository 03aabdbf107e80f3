import { after, before, it } from 'node:test'
import assert from 'node:assert/strict'
import { describeEachEngine } from '../test-support/db.ts'
import { testApp, type TestApp } from '../test-support/app.ts'
import { anIncident, aPerson, aSuspect } from '../test-support/builders.ts'
import { aShift } from '../test-support/deployment.ts'
import { systemActor } from '../auth/actor.ts'
import { victimOn } from '../cases/test-data.ts'

describeEachEngine('deployment routes', (engine) => {
  let t: TestApp
  let shift: string
  const incidents: { id: string; ref: string }[] = []
  let officer: { cookie: string; csrf: string }
  let idvaToken: string

  before(async () => {
    t = await testApp(engine)
    const sergeant = await t.actor('sergeant')
    for (const [i, at] of [
      [53.82, -3.04],
      [53.83, -3.03],
      [53.81, -3.02],
    ].entries()) {
      const input = anIncident({
        risk: 'high',
        people: [aPerson({ dateOfBirth: undefined }), aSuspect({ dateOfBirth: undefined })],
        location: {
          address: `${i} Route Road`,
          postcode: 'FY1 3AB',
          area: 'Blackpool',
          latitude: at[0]!,
          longitude: at[1]!,
        },
      })
      const { id } = await t.services.intake.create(systemActor('test'), input, 'api')
      await t.services.triage.decide(sergeant, id, { decision: 'attend', reasonCode: 'high_risk' })
      incidents.push({ id, ref: input.forceReference })
    }
    shift = await aShift(t.deps.db)
    officer = await t.signIn('provide-officer')
    idvaToken = await t.bearer('idva')
  })
  after(() => t.close())

  const page = (url: string, who = officer) =>
    t.app.inject({ method: 'GET', url, headers: { cookie: who.cookie, accept: 'text/html' } })
  const post = (url: string, payload: Record<string, string> = {}, who = officer) =>
    t.app.inject({ method: 'POST', url, headers: { cookie: who.cookie }, payload: { ...payload, _csrf: who.csrf } })

  it('shows a shift with no plan yet, then makes one with a map', async () => {
    const before = await page(`/deployment/shifts/${shift}`)
    assert.equal(before.statusCode, 200)
    assert.match(before.body, /data-testid="no-plan"/)
    assert.match(before.body, /Make the plan/)
    const made = await post(`/deployment/shifts/${shift}/plan`)
    assert.equal(made.statusCode, 302)
    const after = await page(made.headers.location as string)
    assert.match(after.body, /Plan updated/)
    for (const i of incidents) assert.ok(after.body.includes(i.ref), `${i.ref} on the plan`)
    assert.match(after.body, /<svg[^>]+role="img"/)
    assert.match(after.body, /Plan made: total priority \d+/)
    assert.ok(!after.body.includes('Route Road'), 'no address on the plan')
  })

  it('warns when the rota changed the shift after its plan was made', async () => {
    await t.deps.db
      .updateTable('shift')
      .set({ ends_at: new Date('2026-11-23T08:00:00Z') })
      .where('id', '=', shift)
      .execute()
    const res = await page(`/deployment/shifts/${shift}`)
    assert.match(res.body, /data-testid="stale"/)
    await t.deps.db
      .updateTable('shift')
      .set({ ends_at: new Date('2026-11-23T15:00:00Z') })
      .where('id', '=', shift)
      .execute()
    assert.doesNotMatch((await page(`/deployment/shifts/${shift}`)).body, /data-testid="stale"/)
  })

  it('lists today’s shifts for a member of the rota', async () => {
    const res = await page('/deployment')
    assert.equal(res.statusCode, 200)
    assert.match(res.body, new RegExp(`/deployment/shifts/${shift}`))
  })

  it('prints the plan', async () => {
    const res = await page(`/deployment/shifts/${shift}/print`)
    assert.equal(res.statusCode, 200)
    assert.match(res.body, /Visit plan: /)
    assert.match(res.body, /Addresses are not printed/)
  })

  it('records an outcome, and refuses a rescheduled visit without its new time', async () => {
    const plan = await t.services.deployment.view(await t.actor('provide-officer'), shift)
    const visit = plan.planned[0]!
    const form = await page(`/deployment/shifts/${shift}/visits/${visit.id}/outcome`)
    assert.equal(form.statusCode, 200)
    const bad = await post(`/deployment/shifts/${shift}/visits/${visit.id}/outcome`, { outcome: 'rescheduled' })
    assert.equal(bad.statusCode, 400)
    assert.match(bad.body, /Enter when the visit is rescheduled to/)
    const good = await post(`/deployment/shifts/${shift}/visits/${visit.id}/outcome`, {
      outcome: 'rescheduled',
      'followUp-day': '24',
      'followUp-month': '11',
      'followUp-year': '2026',
      followUpTime: '10:30',
    })
    assert.equal(good.statusCode, 302)
    const after = await page(`/deployment/shifts/${shift}`)
    assert.match(after.body, /Rescheduled/)
    assert.match(after.body, /Back among the candidates from 24 Nov 2026, 10:30/)
  })

  it('serves the plan as JSON to the API, with the left-out list and history', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/shifts/${shift}/plan`,
      headers: { authorization: `Bearer ${idvaToken}` },
    })
    assert.equal(res.statusCode, 200)
    const body = res.json()
    assert.equal(body.shift.id, shift)
    assert.ok(body.revisions.length >= 1)
    assert.equal(body.completed.length, 1)
    const replan = await t.app.inject({
      method: 'POST',
      url: `/api/v1/shifts/${shift}/plan`,
      headers: { authorization: `Bearer ${idvaToken}` },
      payload: {},
    })
    assert.equal(replan.statusCode, 200, replan.body)
    assert.ok(Array.isArray(replan.json().summary))
  })

  it('records safe-contact details for the victim, shown on the incident, the plan and sending live', async () => {
    const id = incidents[2]!.id
    const victim = await victimOn(t.deps.db, id)
    const incidentPage = await page(`/triage/incidents/${id}`)
    assert.ok(incidentPage.body.includes(`href="/victims/${victim}/safe-contact"`), 'a link to record them')
    const bad = await post(`/victims/${victim}/safe-contact`, { weekday0: '1', start0: '12:00', end0: '10:00' })
    assert.equal(bad.statusCode, 400)
    assert.match(bad.body, /Window 1: choose a day and enter times like 10:00 and 12:00/)
    const good = await post(`/victims/${victim}/safe-contact`, {
      methods: 'text',
      weekday0: '1',
      start0: '10:00',
      end0: '12:00',
      notes: 'Text first',
    })
    assert.equal(good.statusCode, 302)
    const line = 'Text message only; Mon 10:00–12:00. Text first'
    assert.ok((await page(`/triage/incidents/${id}`)).body.includes(line), 'on the incident page')
    await post(`/deployment/shifts/${shift}/plan`)
    assert.ok((await page(`/deployment/shifts/${shift}`)).body.includes(line), 'on the shift plan')
    const sergeant = await t.signIn('sergeant')
    assert.ok((await page(`/incidents/${id}/send-live`, sergeant)).body.includes(line), 'when sending a team')
  })
})
