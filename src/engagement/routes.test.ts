import { after, before, it } from 'node:test'
import assert from 'node:assert/strict'
import { describeEachEngine } from '../test-support/db.ts'
import { testApp, type TestApp } from '../test-support/app.ts'
import { anIncident, aPerson, aSuspect } from '../test-support/builders.ts'
import { hoursBefore } from '../test-support/clock.ts'
import { systemActor } from '../auth/actor.ts'

describeEachEngine('engagement tracker API', (engine) => {
  let t: TestApp
  let incidentId: string
  let idva: string

  before(async () => {
    t = await testApp(engine)
    const created = await t.services.intake.create(
      systemActor('test'),
      anIncident({ people: [aPerson({ dateOfBirth: undefined }), aSuspect({ dateOfBirth: undefined })] }),
      'api',
    )
    incidentId = created.id
    idva = await t.bearer('idva')
  })
  after(() => t.close())

  const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, token = idva) =>
    t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) })

  it('saves a draft, saves it again, submits it and lists it', async () => {
    const base = `/api/v1/incidents/${incidentId}/tracker`
    const created = await call('POST', `${base}/drafts`, {
      values: { place: 'gp', supportOffered: ['safety_planning'] },
    })
    assert.equal(created.statusCode, 201, created.body)
    const { id } = created.json()
    const saved = await call('PUT', `${base}/drafts/${id}`, { values: { place: 'gp', mode: 'post_incident' } })
    assert.equal(saved.statusCode, 200, saved.body)
    const unknown = await call('PUT', `${base}/drafts/${id}`, { values: { favouriteColour: 'blue' } })
    assert.equal(unknown.statusCode, 400)
    const values = {
      mode: 'post_incident',
      contactAt: hoursBefore(1).toISOString(),
      place: 'gp',
      idvaPresent: true,
      officerPresent: false,
      supportOffered: ['safety_planning', 'information_signposting'],
      engagedInvestigation: 'no',
      engagedSafeguarding: 'yes',
      childrenCount: 0,
      consentToShare: 'no',
    }
    const refused = await call('POST', base, { draftId: id, values: { ...values, engagedInvestigation: 'not_asked' } })
    assert.equal(refused.statusCode, 400)
    assert.match(refused.body, /engagedInvestigationReason/)
    const submitted = await call('POST', base, { draftId: id, values })
    assert.equal(submitted.statusCode, 201, submitted.body)
    const list = await call('GET', base)
    assert.equal(list.statusCode, 200)
    const [first] = list.json().submitted
    assert.equal(first.values.engagedSafeguarding, 'yes')
    assert.deepEqual(first.values.supportOffered, ['safety_planning', 'information_signposting'])
    assert.equal(list.json().drafts.length, 0)
    assert.equal((await call('POST', base, { draftId: id, values })).statusCode, 409)
  })

  it('refuses roles that do not record the tracker', async () => {
    const sergeant = await t.bearer('sergeant')
    const res = await call('POST', `/api/v1/incidents/${incidentId}/tracker/drafts`, { values: {} }, sergeant)
    assert.equal(res.statusCode, 403)
  })
})
