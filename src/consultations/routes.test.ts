import { after, before, it } from 'node:test'
import assert from 'node:assert/strict'
import { describeEachEngine } from '../test-support/db.ts'
import { testApp, type TestApp } from '../test-support/app.ts'
import { anIncident } from '../test-support/builders.ts'
import { systemActor } from '../auth/actor.ts'

describeEachEngine('consultations', (engine) => {
  let t: TestApp
  const incidents: { id: string }[] = []

  before(async () => {
    t = await testApp(engine)
    incidents.push(await t.services.intake.create(systemActor('test'), anIncident({ risk: 'high' }), 'api'))
  })
  after(() => t.close())

  const page = (url: string, who: { cookie: string }) =>
    t.app.inject({ method: 'GET', url, headers: { cookie: who.cookie, accept: 'text/html' } })
  const post = (url: string, payload: Record<string, string>, who: { cookie: string; csrf: string }) =>
    t.app.inject({ method: 'POST', url, headers: { cookie: who.cookie }, payload: { ...payload, _csrf: who.csrf } })

  it('lets an officer ask an IDVA for advice, and the IDVA answer with the time taken', async () => {
    const response = await t.signIn('officer')
    const sergeant = await t.signIn('sergeant')
    const id = incidents[0]!.id
    const asked = await post(
      `/incidents/${id}/consultations`,
      { question: 'Is a refuge referral appropriate tonight?' },
      sergeant,
    )
    assert.equal(asked.statusCode, 302)
    const idva = await t.signIn('idva')
    const list = await page('/consultations', idva)
    assert.match(list.body, /Is a refuge referral appropriate tonight\?/)
    const consultationId = /href="\/consultations\/([0-9a-f-]{36})"/.exec(list.body)![1]!
    const missing = await post(`/consultations/${consultationId}/advice`, { advice: '', minutesTaken: '' }, idva)
    assert.equal(missing.statusCode, 400)
    assert.match(missing.body, /Enter the advice given/)
    const answered = await post(
      `/consultations/${consultationId}/advice`,
      { advice: 'Yes: call the refuge line now.', minutesTaken: '12' },
      idva,
    )
    assert.equal(answered.statusCode, 302)
    const incident = await page(`/triage/incidents/${id}`, sergeant)
    assert.match(incident.body, /call the refuge line now/)
    assert.match(incident.body, /12 min advising/)
    // A response officer may only ask about incidents they recorded.
    const refused = await post(`/incidents/${id}/consultations`, { question: 'May I ask?' }, response)
    assert.equal(refused.statusCode, 403)
  })

  it('records advice once, through the API too, and refuses a second answer', async () => {
    const sergeant = await t.bearer('sergeant')
    const idva = await t.bearer('idva')
    const asked = await t.app.inject({
      method: 'POST',
      url: `/api/v1/incidents/${incidents[0]!.id}/consultations`,
      headers: { authorization: `Bearer ${sergeant}` },
      payload: { question: 'Should we ask for a police alarm?' },
    })
    assert.equal(asked.statusCode, 201)
    const { id } = asked.json()
    const answer = (payload: Record<string, unknown>) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/consultations/${id}/advice`,
        headers: { authorization: `Bearer ${idva}` },
        payload,
      })
    assert.equal((await answer({ advice: 'Yes', minutesTaken: 0 })).statusCode, 400)
    const first = await answer({ advice: 'Yes: request it today.', minutesTaken: 7 })
    assert.equal(first.statusCode, 200)
    assert.equal(first.json().minutesTaken, 7)
    assert.equal((await answer({ advice: 'Again', minutesTaken: 3 })).statusCode, 409)
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/consultations',
      headers: { authorization: `Bearer ${idva}` },
    })
    assert.ok(list.json().answered.some((c: { id: string }) => c.id === id))
  })
})
