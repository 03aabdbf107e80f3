import { after, before, it } from 'node:test'
import assert from 'node:assert/strict'
import { describeEachEngine } from '../test-support/db.ts'
import { testApp, type TestApp } from '../test-support/app.ts'
import { anIncident, aPerson, aSuspect } from '../test-support/builders.ts'
import { hoursBefore } from '../test-support/clock.ts'
import { systemActor } from '../auth/actor.ts'
import { anAction, victimOn } from './test-data.ts'

describeEachEngine('case routes', (engine) => {
  let t: TestApp
  let sergeant: { cookie: string; csrf: string }
  let idvaToken: string
  const victimIds: string[] = []
  const incidentIds: string[] = []

  before(async () => {
    t = await testApp(engine)
    for (const hoursAgo of [24 * 60, 2]) {
      const { id } = await t.services.intake.create(
        systemActor('test'),
        anIncident({
          reportedHoursAgo: hoursAgo,
          people: [
            aPerson({ firstName: 'Nia', lastName: 'Routes', dateOfBirth: '1992-07-08' }),
            aSuspect({ dateOfBirth: undefined }),
          ],
        }),
        'api',
      )
      incidentIds.push(id)
      victimIds.push(await victimOn(t.deps.db, id))
    }
    const ds = await t.actor('sergeant')
    await t.services.triage.decide(ds, incidentIds[1]!, { decision: 'consultation', reasonCode: 'advice_to_officer' })
    await anAction(t.deps.db, {
      incidentId: incidentIds[1]!,
      personId: victimIds[1]!,
      kind: 'police_alarm',
      ownerAgencyId: ds.agencyId,
      dueOn: '2026-11-20',
      by: ds.userId,
      at: hoursBefore(1),
    })
    sergeant = await t.signIn('sergeant')
    idvaToken = await t.bearer('idva')
  })
  after(() => t.close())

  const page = (url: string, who = sergeant) =>
    t.app.inject({ method: 'GET', url, headers: { cookie: who.cookie, accept: 'text/html' } })
  const post = (url: string, payload: Record<string, string | string[]>, who = sergeant) =>
    t.app.inject({ method: 'POST', url, headers: { cookie: who.cookie }, payload: { ...payload, _csrf: who.csrf } })
  const api = (method: 'GET' | 'PUT', url: string, payload?: unknown) =>
    t.app.inject({ method, url, headers: { authorization: `Bearer ${idvaToken}` }, ...(payload ? { payload } : {}) })

  it('shows the victim’s record: risk, open actions, safe contact and the timeline, linked from the incident', async () => {
    const incident = await page(`/triage/incidents/${incidentIds[1]}`)
    assert.ok(incident.body.includes(`href="/victims/${victimIds[1]}"`), 'the incident links to the record')
    const res = await page(`/victims/${victimIds[0]}`)
    assert.equal(res.statusCode, 200)
    assert.match(res.body, /<h1 class="govuk-heading-l">Nia Routes<\/h1>/)
    assert.match(res.body, /8 Jul 1992/)
    assert.match(res.body, /Yes: 2 incidents in the last 12 months/)
    assert.match(
      res.body,
      /data-testid="open-action"><a class="govuk-link" href="\/actions\/[0-9a-f-]+">Police alarm<\/a>/,
    )
    assert.match(res.body, /Overdue/)
    assert.match(res.body, /class="moj-timeline"/)
    assert.equal((res.body.match(/data-testid="timeline-item"/g) ?? []).length, 4)
    assert.match(res.body, new RegExp(`href="/victims/${victimIds[0]}/actions/new">Raise an action`))
    assert.match(res.body, new RegExp(`href="/victims/${victimIds[0]}/handover">Hand over to the safeguarding team`))
    assert.doesNotMatch(res.body, /Record a contact/, 'a sergeant does not record trackers')
    assert.match(res.body, new RegExp(`href="/victims/${victimIds[0]}/safe-contact">Record`))
  })

  it('filters the timeline with a plain GET form', async () => {
    const res = await page(`/victims/${victimIds[0]}?kind=decision&kind=action`)
    const kinds = [...res.body.matchAll(/data-testid="timeline-item" data-kind="([a-z_]+)"/g)].map((m) => m[1])
    assert.deepEqual(kinds, ['decision', 'action'])
    assert.match(
      res.body,
      /<input class="govuk-checkboxes__input" id="kind-2" name="kind" type="checkbox" value="decision" checked>/,
    )
  })

  it('records safe-contact details from the form, with clear errors, and shows them on the record', async () => {
    const form = await page(`/victims/${victimIds[1]}/safe-contact`)
    assert.equal(form.statusCode, 200)
    assert.match(form.body, /How and when is it safe to contact Nia Routes\?/)
    const bad = await post(`/victims/${victimIds[1]}/safe-contact`, {
      methods: ['text', 'professional'],
      weekday0: '1',
      start0: '9',
      end0: '',
    })
    assert.equal(bad.statusCode, 400)
    assert.match(bad.body, /Window 1: choose a day and enter times/)
    const missing = await post(`/victims/${victimIds[1]}/safe-contact`, { methods: ['text', 'professional'] })
    assert.equal(missing.statusCode, 400)
    assert.match(missing.body, /Name who to contact through a named professional/)
    assert.match(missing.body, /value="professional" checked/, 'the answers come back')
    const good = await post(`/victims/${victimIds[1]}/safe-contact`, {
      methods: ['text', 'professional'],
      weekday0: '2',
      start0: '10:00',
      end0: '12:00',
      notes: 'Her GP, Dr Example',
    })
    assert.equal(good.statusCode, 302)
    assert.equal(good.headers.location, `/victims/${victimIds[1]}?saved=safe-contact`)
    const line = 'Text message or through a named professional only; Tue 10:00–12:00. Her GP, Dr Example'
    const record = await page(`/victims/${victimIds[0]}?saved=safe-contact`)
    assert.ok(record.body.includes(line), 'one case: shown through the other incident’s victim too')
    assert.match(record.body, /Safe-contact details saved/)
    assert.match(record.body, /data-kind="safe_contact"/)
    assert.ok((await page(`/incidents/${incidentIds[0]}/consultations/new`)).statusCode === 200)
  })

  it('serves the record and the details to the API', async () => {
    const put = await api('PUT', `/api/v1/victims/${victimIds[0]}/safe-contact`, {
      methods: ['phone'],
      onlyWhileSuspectInCustody: true,
      windows: [],
    })
    assert.equal(put.statusCode, 200, put.body)
    assert.equal(put.json().description, 'Phone call only; only while the suspect is in custody')
    const get = await api('GET', `/api/v1/victims/${victimIds[1]}/safe-contact`)
    assert.equal(get.statusCode, 200)
    assert.deepEqual(get.json().methods, ['phone'])
    assert.equal(get.json().recordedBy, 'Chris Demo (Health IDVA)')
    const refused = await api('PUT', `/api/v1/victims/${victimIds[0]}/safe-contact`, {
      methods: ['trusted_person'],
      onlyWhileSuspectInCustody: false,
      windows: [],
    })
    assert.equal(refused.statusCode, 400)
    const record = await api('GET', `/api/v1/victims/${victimIds[0]}?kind=safe_contact&kind=contact`)
    assert.equal(record.statusCode, 200, record.body)
    const body = record.json()
    assert.equal(body.victim.name, 'Nia Routes')
    assert.equal(body.incidents, 2)
    assert.deepEqual(
      body.timeline.map((e: { kind: string }) => e.kind),
      ['safe_contact', 'safe_contact'],
    )
    assert.equal(body.openActions[0].overdue, true)
  })

  it('refuses roles without case:view, and the incident-level safe-contact routes are gone', async () => {
    const analyst = await t.signIn('analyst')
    assert.equal((await page(`/victims/${victimIds[0]}`, analyst)).statusCode, 403)
    assert.equal((await page(`/victims/${victimIds[0]}/safe-contact`, analyst)).statusCode, 403)
    const suspect = await t.deps.db
      .selectFrom('incident_person')
      .select('id')
      .where('incident_id', '=', incidentIds[0]!)
      .where('role', '=', 'suspect')
      .executeTakeFirstOrThrow()
    assert.equal((await page(`/victims/${suspect.id}`)).statusCode, 404, 'a suspect has no record here')
    assert.equal((await page(`/incidents/${incidentIds[0]}/safe-contact`)).statusCode, 404)
    assert.equal((await api('PUT', `/api/v1/incidents/${incidentIds[0]}/safe-contact`, {})).statusCode, 404)
  })

  it('offers a row for every recorded window and room for more, so saving the form drops none', async () => {
    // Weekdays 10-12 and 14-16: ten windows, more than a week's seven rows.
    const windows = [1, 2, 3, 4, 5].flatMap((weekday) => [
      { weekday, startMinute: 600, endMinute: 720 },
      { weekday, startMinute: 840, endMinute: 960 },
    ])
    await api('PUT', `/api/v1/victims/${victimIds[1]}/safe-contact`, {
      methods: [],
      onlyWhileSuspectInCustody: false,
      windows,
    })
    const form = await page(`/victims/${victimIds[1]}/safe-contact`)
    assert.equal([...form.body.matchAll(/name="weekday\d+"/g)].length, 13)
    assert.match(form.body, /<label class="govuk-label" for="end9">\s*Window 10: to\s*<\/label>/)
    assert.match(form.body, /id="end9" name="end9" type="text" value="16:00"/)
  })
})
