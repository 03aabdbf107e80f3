import { after, before, it } from 'node:test'
import assert from 'node:assert/strict'
import { describeEachEngine } from '../test-support/db.ts'
import { testApp, type TestApp } from '../test-support/app.ts'
import { createViews } from '../server/views.ts'
import { SAM, changedFixture, createVictims, fixture, importedRows } from './test-fixtures.ts'

const NOW = new Date('2026-06-01T09:00:00Z')

/**
 * A multipart/form-data body, parts in the order given, as a browser sends the form: a file input
 * with no file chosen is a part with an empty file name and no content.
 */
async function multipart(parts: [name: string, value: string, fileName?: string][]) {
  const data = new FormData()
  for (const [name, value, fileName] of parts) {
    if (fileName === undefined) data.append(name, value)
    else
      data.append(
        name,
        new Blob([value], { type: fileName ? 'application/json' : 'application/octet-stream' }),
        fileName,
      )
  }
  const encoded = new Response(data)
  return {
    payload: Buffer.from(await encoded.arrayBuffer()),
    headers: { 'content-type': encoded.headers.get('content-type')! },
  }
}

// What only the health side may see of the fixtures' appointments.
const APPOINTMENT_DATA = [/Fakebridge/, /Dental/, /Exampletown/, /GP review/, /gp-1001/, new RegExp(SAM)]

describeEachEngine('health appointment routes', (engine) => {
  let t: TestApp
  let victims: Record<string, string>
  let idva: { cookie: string; csrf: string }
  let idvaToken: string

  before(async () => {
    t = await testApp(engine)
    ;({ victims } = await createVictims(t))
    t.clock.set(NOW)
    idva = await t.signIn('idva')
    idvaToken = await t.bearer('idva')
  })
  after(() => t.close())

  const postBundle = (payload: unknown, contentType = 'application/fhir+json', token = idvaToken) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/health/appointment-bundles',
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    })
  const upload = async (parts: [string, string, string?][], who = idva) => {
    const { payload, headers } = await multipart(parts)
    return t.app.inject({
      method: 'POST',
      url: '/health/appointments',
      headers: { ...headers, cookie: who.cookie, accept: 'text/html' },
      payload,
    })
  }
  const api = (method: 'GET' | 'PUT' | 'DELETE', url: string, payload?: unknown, token = idvaToken) =>
    t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    })

  /** Plans a contact from the page's form. */
  const postContact = (url: string, note: string) =>
    t.app.inject({ method: 'POST', url, headers: { cookie: idva.cookie }, payload: { _csrf: idva.csrf, note } })

  it('imports a bundle sent as application/fhir+json or application/json', async () => {
    const searchset = await postBundle(fixture('valid-searchset.json'))
    assert.equal(searchset.statusCode, 201, searchset.body)
    const body = searchset.json()
    assert.deepEqual([body.appointments, body.victims, body.created, body.withdrawn], [4, 3, 4, 0])
    assert.deepEqual(body.ignored[0], { path: 'entry[3]', reason: 'the appointment was cancelled' })
    assert.equal(body.ignored.length, 4)
    assert.ok(body.byVictim.some((v: { victimId: string }) => v.victimId === victims.Sam2))
    const transaction = await postBundle(fixture('valid-transaction.json'), 'application/json')
    assert.equal(transaction.statusCode, 201, transaction.body)
    assert.equal(transaction.json().appointments, 1)
    const versioned = await postBundle(fixture('valid-transaction.json'), 'application/fhir+json; fhirVersion=4.0')
    assert.equal(versioned.statusCode, 201, versioned.body)
    assert.deepEqual([versioned.json().appointments, versioned.json().created], [1, 0])
    const doc = await t.app.inject({
      method: 'GET',
      url: '/api/v1/openapi.json',
      headers: { authorization: `Bearer ${idvaToken}` },
    })
    assert.ok(doc.json().paths['/api/v1/health/appointment-bundles'].post)
  })

  it('refuses a bad bundle with 400, every problem with its path, and saves nothing', async () => {
    const before = await importedRows(t)
    const res = await postBundle(fixture('bad-dates.json'))
    assert.equal(res.statusCode, 400)
    const body = res.json()
    assert.equal(body.error, 'validation')
    assert.deepEqual(
      body.issues.map((i: { path: string }) => i.path),
      [
        'entry[0].resource.start',
        'entry[0].resource.end',
        'entry[1].resource.start',
        'entry[2].resource.end',
        'entry[3].resource.start',
        'entry[3].resource.end',
        'entry[4].resource.start',
      ],
    )
    const notJson = await postBundle('{"resourceType": "Bundle",')
    assert.equal(notJson.statusCode, 400)
    const notBundle = await postBundle(fixture('not-a-bundle.json'))
    assert.deepEqual(notBundle.json().issues, [
      {
        path: '',
        message: 'The file is a FHIR Appointment, not a Bundle; this import takes a Bundle of Appointment resources',
      },
    ])
    assert.deepEqual(await importedRows(t), before)
  })

  it('lists a victim’s upcoming appointments and plans and cancels a contact through the API', async () => {
    const list = await api('GET', `/api/v1/victims/${victims.Sam}/appointments`)
    assert.equal(list.statusCode, 200)
    const [dental] = list.json().appointments
    assert.deepEqual(
      [dental.setting, dental.start, dental.place.name],
      ['dental', '2026-06-09T13:00:00.000Z', 'Fakebridge Dental Practice'],
    )
    const url = `/api/v1/victims/${victims.Sam}/appointments/${dental.id}/contact`
    const planned = await api('PUT', url, { note: 'Meet at reception' })
    assert.equal(planned.statusCode, 200, planned.body)
    assert.deepEqual(
      [planned.json().contact.plannedBy, planned.json().contact.note],
      ['Chris Demo (Health IDVA)', 'Meet at reception'],
    )
    const cancelled = await api('DELETE', url)
    assert.equal(cancelled.statusCode, 200)
    assert.equal(cancelled.json().contact, null)
    // A victim on an incident the IDVA's agency cannot open.
    assert.equal((await api('GET', `/api/v1/victims/${victims.Kim}/appointments`)).statusCode, 403)
  })

  it('shows the upload form, says what an upload saved, and what it ignored', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/health/appointments', headers: { cookie: idva.cookie } })
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /enctype="multipart\/form-data"/)
    assert.match(page.body, new RegExp(`name="_csrf" value="${idva.csrf}"`))
    const res = await upload([
      ['_csrf', idva.csrf],
      ['bundleFile', JSON.stringify(fixture('valid-searchset.json')), 'appointments.json'],
      ['bundleText', ''],
    ])
    assert.equal(res.statusCode, 200, res.body)
    assert.match(res.body, /4 appointments for 3 victims; 4 entries ignored/)
    assert.match(
      res.body,
      /<code>entry\[3\]<\/code><\/td>\s*<td class="govuk-table__cell">the appointment was cancelled/,
    )
    assert.match(res.body, new RegExp(`href="/victims/${victims.Sam2}#nhs-appointments">Sam Example</a>`))
    const pasted = await upload([
      ['_csrf', idva.csrf],
      ['bundleFile', '', ''],
      ['bundleText', JSON.stringify(changedFixture('valid-searchset.json', 0, { status: 'cancelled' }))],
    ])
    assert.equal(pasted.statusCode, 200, pasted.body)
    assert.match(pasted.body, /3 appointments for 2 victims; 1 earlier appointment withdrawn; 5 entries ignored/)
  })

  it('lists every problem of a bad upload in the error summary, with where it is, and saves nothing', async () => {
    const before = await importedRows(t)
    const res = await upload([
      ['_csrf', idva.csrf],
      ['bundleFile', JSON.stringify(fixture('bad-resource-types.json')), 'bad.json'],
      ['bundleText', ''],
    ])
    assert.equal(res.statusCode, 400)
    assert.match(res.body, /<title>Error: NHS appointments - Provide<\/title>/)
    assert.match(res.body, /govuk-error-summary/)
    assert.match(res.body, /<a href="#bundleFile">entry\[1\] is an Observation;/)
    assert.match(res.body, /<a href="#bundleFile">entry\[2\] is a MedicationRequest;/)
    assert.match(res.body, /Nothing was saved: the bundle has 2 problems, listed above/)
    const dates = await upload([
      ['_csrf', idva.csrf],
      ['bundleText', JSON.stringify(fixture('bad-dates.json'))],
    ])
    assert.match(dates.body, /<a href="#bundleText">entry\[0\]\.resource\.start: start has no time zone/)
    const notJson = await upload([
      ['_csrf', idva.csrf],
      ['bundleText', '<Bundle xmlns="http://hl7.org/fhir">'],
    ])
    assert.equal(notJson.statusCode, 400)
    assert.match(notJson.body, /The pasted text is not JSON/)
    const nothing = await upload([['_csrf', idva.csrf]])
    assert.match(nothing.body, /Select a FHIR bundle file \(JSON\), or paste a bundle/)
    const forged = await upload([
      ['_csrf', 'forged'],
      ['bundleFile', JSON.stringify(fixture('valid-searchset.json')), 'appointments.json'],
    ])
    assert.equal(forged.statusCode, 403)
    assert.deepEqual(await importedRows(t), before)
  })

  it('plans a discreet contact from the case page’s link, lists it, and cancels it', async () => {
    const [dental] = (await t.services.health.forVictim(await t.actor('idva'), victims.Sam!))!.appointments
    const url = `/victims/${victims.Sam}/appointments/${dental!.id}/contact`
    const form = await t.app.inject({ method: 'GET', url, headers: { cookie: idva.cookie } })
    assert.equal(form.statusCode, 200)
    assert.match(form.body, /Fakebridge Dental Practice/)
    const tooLong = await postContact(url, 'x'.repeat(501))
    assert.equal(tooLong.statusCode, 400)
    assert.match(tooLong.body, /The note must be 500 characters or fewer/)
    const planned = await postContact(url, 'By the pharmacy counter')
    assert.equal(planned.statusCode, 302)
    assert.equal(planned.headers.location, `/victims/${victims.Sam}?saved=contact-planned#nhs-appointments`)
    const list = await t.app.inject({ method: 'GET', url: '/health/appointments', headers: { cookie: idva.cookie } })
    assert.match(list.body, /By the pharmacy counter/)
    assert.match(list.body, /9 Jun 2026, 14:00 to 14:30/)
    const cancelled = await t.app.inject({
      method: 'POST',
      url: `${url}/cancel`,
      headers: { cookie: idva.cookie },
      payload: { _csrf: idva.csrf },
    })
    assert.equal(cancelled.statusCode, 302)
    assert.equal(cancelled.headers.location, `/victims/${victims.Sam}?saved=contact-cancelled#nhs-appointments`)
  })

  it('shows the victim’s safe-contact details where a contact is planned, and warns when no visit will be placed', async () => {
    const idvaActor = await t.actor('idva')
    const [dental] = (await t.services.health.forVictim(idvaActor, victims.Sam!))!.appointments
    const url = `/victims/${victims.Sam}/appointments/${dental!.id}/contact`
    const page = async () => (await t.app.inject({ method: 'GET', url, headers: { cookie: idva.cookie } })).body
    const before = await page()
    assert.match(before, /data-testid="safe-contact-line">Not recorded</)
    assert.doesNotMatch(before, /data-testid="contact-warning"/)
    // The dental appointment is on Tuesday 9 June, 14:00 to 14:30.
    await t.services.deployment.setSafeContact(idvaActor, victims.Sam!, {
      methods: ['text'],
      onlyWhileSuspectInCustody: true,
      windows: [{ weekday: 1, startMinute: 600, endMinute: 720 }],
    })
    const after = await page()
    assert.match(
      after,
      /data-testid="safe-contact-line">Text message only; only while the suspect is in custody, Mon 10:00–12:00</,
    )
    const warnings = [...after.matchAll(/data-testid="contact-warning"[\s\S]*?<\/strong>/g)].map((m) => m[0])
    assert.equal(warnings.length, 2)
    assert.match(warnings[0]!, /only while the suspect is in custody: the shift planner will not place a visit/)
    assert.match(
      warnings[1]!,
      /9 Jun 2026, 14:00 to 14:30, is not within the safe-contact times \(Mon 10:00–12:00\): the shift planner will not place a visit outside them/,
    )
    // A warning, not a refusal.
    const planned = await postContact(url, 'Only if he is still in custody')
    assert.equal(planned.statusCode, 302)
    await t.services.health.cancelContact(idvaActor, victims.Sam!, dental!.id)
  })

  it('renders the case panel with its actions, and nothing for null', async () => {
    const views = createViews()
    const idvaActor = await t.actor('idva')
    const nhsAppointments = await t.services.health.forVictim(idvaActor, victims.Sam!)
    const [dental] = nhsAppointments!.appointments
    await t.services.health.planContact(idvaActor, victims.Sam!, dental!.id, { note: 'Side door' })
    const html = views.render('health/views/_case-panel.njk', {
      nhsAppointments: await t.services.health.forVictim(idvaActor, victims.Sam!),
      csrfToken: 'token',
    })
    assert.match(html, /NHS appointments \(visible to health IDVAs only\)/)
    assert.match(html, /Dental appointment, 9 Jun 2026, 14:00 to 14:30/)
    assert.match(html, /Cancel the planned contact<span class="govuk-visually-hidden"> at the Dental appointment/)
    assert.match(html, new RegExp(`action="/victims/${victims.Sam}/appointments/${dental!.id}/contact/cancel"`))
    assert.match(html, /Plan a discreet contact here<span class="govuk-visually-hidden"> at the Other appointment/)
    assert.match(html, /Side door/)
    assert.equal(views.render('health/views/_case-panel.njk', { nhsAppointments: null }).trim(), '')
    await t.services.health.cancelContact(idvaActor, victims.Sam!, dental!.id)
  })

  it('gives police roles 403 on every health route, with no appointment data', async () => {
    const [dental] = (await t.services.health.forVictim(await t.actor('idva'), victims.Sam!))!.appointments
    const routes = t.app.routeTable.filter((r) => r.action?.startsWith('health:'))
    assert.equal(routes.length, 9)
    for (const username of ['officer', 'sergeant', 'provide-officer', 'safeguarding']) {
      const session = await t.signIn(username)
      const token = await t.bearer(username)
      for (const route of routes) {
        const url = route.url.replace(':id', victims.Sam!).replace(':appointmentId', dental!.id)
        const isApi = url.startsWith('/api/')
        const res = await t.app.inject({
          method: route.method as 'GET',
          url,
          headers: isApi ? { authorization: `Bearer ${token}` } : { cookie: session.cookie, accept: 'text/html' },
          ...(route.method === 'GET' || route.method === 'DELETE'
            ? {}
            : { payload: isApi ? { note: 'x' } : { _csrf: session.csrf, note: 'x' } }),
        })
        assert.equal(res.statusCode, 403, `${username} ${route.method} ${url}: ${res.statusCode}`)
        for (const data of APPOINTMENT_DATA) assert.doesNotMatch(res.body, data, `${username} ${route.method} ${url}`)
      }
    }
  })
})
