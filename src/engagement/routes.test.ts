import { after, before, it } from 'node:test'
import assert from 'node:assert/strict'
import { describeEachEngine } from '../test-support/db.ts'
import { testApp, type TestApp } from '../test-support/app.ts'
import { anIncident, aPerson, aSuspect } from '../test-support/builders.ts'
import { hoursBefore } from '../test-support/clock.ts'
import { systemActor } from '../auth/actor.ts'
import { peopleOn } from './test-fixtures.ts'

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

  /** A complete contact as the API takes it; pass only what the test is about. */
  const aRecord = (o: Record<string, unknown> = {}) => ({
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
    ...o,
  })
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
    const values = aRecord()
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

  it('refuses a record with every problem at once, the rules between fields too', async () => {
    const base = `/api/v1/incidents/${incidentId}/tracker`
    const before = await t.deps.db.selectFrom('tracker_contact').select('id').execute()
    const refused = await call('POST', base, {
      values: aRecord({
        supportOffered: ['other'],
        engagedInvestigation: 'not_asked',
        engagedSafeguarding: 'maybe',
        consentToShare: 'yes',
      }),
    })
    assert.equal(refused.statusCode, 400, refused.body)
    assert.deepEqual(
      refused.json().issues.map((i: { path: string }) => i.path),
      ['values.supportNotes', 'values.engagedInvestigationReason', 'values.engagedSafeguarding', 'values.shareWith'],
    )
    // What is not the record is refused as before.
    const badDraft = await call('POST', base, { draftId: 'not-an-id', values: {} })
    assert.equal(badDraft.statusCode, 400)
    assert.deepEqual(
      badDraft.json().issues.map((i: { path: string }) => i.path),
      ['draftId'],
    )
    assert.equal((await call('POST', base, { values: {}, colour: 'blue' })).statusCode, 400)
    assert.equal((await call('POST', `/api/v1/incidents/not-an-id/tracker`, { values: {} })).statusCode, 400)
    assert.equal((await t.deps.db.selectFrom('tracker_contact').select('id').execute()).length, before.length)
  })

  it('links a draft to the consultation it came from, and lists the link', async () => {
    const consultationId = await t.services.consultations.request(await t.actor('sergeant'), incidentId, {
      question: 'Is the victim safe to call?',
    })
    const base = `/api/v1/incidents/${incidentId}/tracker`
    const created = await call('POST', `${base}/drafts`, { consultationId, values: { mode: 'consultation' } })
    assert.equal(created.statusCode, 201, created.body)
    const listed = (await call('GET', base)).json().drafts.find((d: { id: string }) => d.id === created.json().id)
    assert.equal(listed.consultationId, consultationId)
    assert.equal(listed.visitId, null)
    const unknown = await call('POST', `${base}/drafts`, { consultationId: created.json().id, values: {} })
    assert.equal(unknown.statusCode, 400)
    assert.deepEqual(unknown.json().issues, [
      { path: 'consultationId', message: 'That consultation is not one of this incident’s' },
    ])
    const later = await call('PUT', `${base}/drafts/${created.json().id}`, { consultationId, values: {} })
    assert.equal(later.statusCode, 400, 'set when the draft is made, not later')
  })

  it('names the victim on an incident with two, and refuses a body that names none or someone else', async () => {
    const two = await t.services.intake.create(
      systemActor('test'),
      anIncident({
        people: [
          aPerson({ firstName: 'Ann', dateOfBirth: undefined }),
          aPerson({ firstName: 'Beth', dateOfBirth: undefined }),
          aSuspect({ dateOfBirth: undefined }),
        ],
      }),
      'api',
    )
    const [, beth, suspect] = (await peopleOn(t.deps.db, two.id)).map((p) => p.id)
    const base = `/api/v1/incidents/${two.id}/tracker`
    const choose = [{ path: 'personId', message: 'Choose who the contact was with' }]
    const unnamed = await call('POST', `${base}/drafts`, { values: {} })
    assert.equal(unnamed.statusCode, 400)
    assert.deepEqual(unnamed.json().issues, choose)
    const refused = await call('POST', base, { values: aRecord({ consentToShare: undefined }) })
    assert.deepEqual(
      refused.json().issues.map((i: { path: string }) => i.path),
      ['personId', 'values.consentToShare'],
    )
    const someoneElse = await call('POST', base, { personId: suspect, values: aRecord() })
    assert.deepEqual(someoneElse.json().issues, [
      { path: 'personId', message: 'That person is not a victim on this incident' },
    ])
    const draft = await call('POST', `${base}/drafts`, { personId: beth, values: { place: 'gp' } })
    assert.equal(draft.statusCode, 201, draft.body)
    const moved = await call('PUT', `${base}/drafts/${draft.json().id}`, { personId: suspect, values: {} })
    assert.equal(moved.statusCode, 400)
    const listed = (await call('GET', base)).json().drafts
    assert.deepEqual(
      listed.map((d: { id: string; personId: string }) => [d.id, d.personId]),
      [[draft.json().id, beth]],
    )

    // Two submissions of the draft at once: one records it, the other is told it already is.
    const submit = () => call('POST', base, { draftId: draft.json().id, values: aRecord() })
    const codes = (await Promise.all([submit(), submit()])).map((r) => r.statusCode).sort()
    assert.deepEqual(codes, [201, 409])
    const submitted = (await call('GET', base)).json().submitted
    assert.deepEqual(
      submitted.map((c: { id: string; personId: string }) => [c.id, c.personId]),
      [[draft.json().id, beth]],
    )
    // An incident with one victim needs no name: it is the contact's.
    const one = await call('POST', `/api/v1/incidents/${incidentId}/tracker/drafts`, { values: {} })
    assert.equal(one.statusCode, 201, one.body)
  })

  it('refuses roles that do not record the tracker', async () => {
    const sergeant = await t.bearer('sergeant')
    const res = await call('POST', `/api/v1/incidents/${incidentId}/tracker/drafts`, { values: {} }, sergeant)
    assert.equal(res.statusCode, 403)
  })
})
