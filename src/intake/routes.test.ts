import { INCIDENT_CSV_COLUMNS } from './csv-format.ts'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { describeEachEngine } from '../test-support/db.ts'
import { testApp, type TestApp } from '../test-support/app.ts'
import { anIncident, aPerson, aSuspect } from '../test-support/builders.ts'
import { aCsvRow, csvText } from './fixtures/incident-csv.ts'

const UPLOAD_LIMIT = 64 * 1024

type Part =
  { name: string; value: string } | { name: string; filename: string; content: string | Buffer; type?: string }

/** A multipart/form-data body built by hand, parts in the order given (as a browser sends the form's fields). */
function multipart(parts: Part[]) {
  const boundary = `----provide-test-${randomUUID()}`
  const chunks: Buffer[] = []
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n`))
    if ('value' in part) {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`))
    } else {
      chunks.push(
        Buffer.from(
          `Content-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\n` +
            `Content-Type: ${part.type ?? 'text/csv'}\r\n\r\n`,
        ),
        Buffer.from(part.content),
        Buffer.from('\r\n'),
      )
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

let formRefs = 0

/** A valid incident form post: CSV column names, GOV.UK date inputs and a 24-hour UK time. */
function formBody(fields: Record<string, string> = {}): Record<string, string> {
  const instant = (name: string, day: string, time: string) => ({
    [`${name}-day`]: day,
    [`${name}-month`]: '11',
    [`${name}-year`]: '2026',
    [`${name}-time`]: time,
  })
  return {
    force_reference: `FORM-${String(++formRefs).padStart(4, '0')}`,
    ...instant('occurred_at', '23', '05:10'),
    ...instant('reported_at', '23', '06:00'),
    address: '4 Sample Road',
    postcode: 'fy4 1aa',
    area: 'Fylde',
    risk_tool: 'DARA',
    risk_level: 'medium',
    victim_first_name: 'Ann',
    victim_last_name: 'Example',
    'victim_dob-day': '2',
    'victim_dob-month': '3',
    'victim_dob-year': '1991',
    ...fields,
  }
}

const form = (body: Record<string, string>) => new URLSearchParams(body).toString()
const FORM_TYPE = { 'content-type': 'application/x-www-form-urlencoded' }

describeEachEngine('intake routes', (engine) => {
  let t: TestApp
  const tokens: Record<string, string> = {}
  before(async () => {
    t = await testApp(engine, { uploadLimitBytes: UPLOAD_LIMIT })
    for (const user of ['officer', 'sergeant', 'idva', 'analyst']) tokens[user] = await t.bearer(user)
  })
  after(() => t.close())

  const auth = (user: string) => ({ authorization: `Bearer ${tokens[user]}` })
  const storedWithReference = async (reference: string) =>
    (await t.deps.db.selectFrom('incident').select('id').where('force_reference', '=', reference).execute()).length
  const postIncident = (payload: unknown, user = 'officer') =>
    t.app.inject({ method: 'POST', url: '/api/v1/incidents', headers: auth(user), payload: payload as object })

  describe('POST /api/v1/incidents', () => {
    it('records an incident for an officer: 201, its id and a Location header', async () => {
      const input = anIncident({ risk: 'high' })
      const res = await postIncident(input)
      assert.equal(res.statusCode, 201, res.body)
      const body = res.json()
      assert.equal(body.forceReference, input.forceReference)
      assert.equal(res.headers.location, `/api/v1/incidents/${body.id}`)
      const stored = await t.deps.db
        .selectFrom('incident')
        .select('source')
        .where('id', '=', body.id)
        .executeTakeFirstOrThrow()
      assert.equal(stored.source, 'api')
    })

    it('explains a body that does not fit the schema, by path', async () => {
      const { forceReference: _, ...noReference } = anIncident()
      const res = await postIncident({
        ...noReference,
        location: { ...noReference.location, postcode: 'NOT A POSTCODE' },
      })
      assert.equal(res.statusCode, 400)
      const body = res.json()
      assert.equal(body.error, 'validation')
      assert.ok(Array.isArray(body.issues))
      const paths = body.issues.map((i: { path: string }) => i.path)
      assert.ok(paths.includes('forceReference'), paths.join())
      assert.ok(paths.includes('location.postcode'), paths.join())
      const postcode = body.issues.find((i: { path: string }) => i.path === 'location.postcode')
      assert.equal(postcode.message, 'Enter a real UK postcode, like FY1 1AA')
    })

    it('explains a body that breaks the rules (unknown area, future time), by path', async () => {
      const input = anIncident({ reportedHoursAgo: -48 })
      const res = await postIncident({ ...input, location: { ...input.location, area: 'Atlantis' } })
      assert.equal(res.statusCode, 400)
      const paths = res
        .json()
        .issues.map((i: { path: string }) => i.path)
        .sort()
      assert.deepEqual(paths, ['location.area', 'occurredAt', 'reportedAt'])
    })

    it('refuses a field the schema does not know', async () => {
      const res = await postIncident({ ...anIncident(), officerNotes: 'not a field' })
      assert.equal(res.statusCode, 400)
      const body = res.json()
      assert.equal(body.error, 'validation')
      assert.match(JSON.stringify(body.issues), /officerNotes/)
    })

    it('refuses a force reference already stored with 409', async () => {
      const input = anIncident()
      assert.equal((await postIncident(input)).statusCode, 201)
      const res = await postIncident({ ...input, summary: 'sent twice' })
      assert.equal(res.statusCode, 409)
      assert.equal(res.json().error, 'conflict')
      assert.match(res.json().message, new RegExp(`force reference ${input.forceReference} already exists`))
      assert.equal(await storedWithReference(input.forceReference), 1)
    })

    const refusals: [string, () => Record<string, string>, number, string][] = [
      ['no token', () => ({}), 401, 'unauthorised'],
      ['an unknown token', () => ({ authorization: 'Bearer not-a-real-token' }), 401, 'unauthorised'],
      ["an analyst's token", () => auth('analyst'), 403, 'forbidden'],
      ["a health IDVA's token", () => auth('idva'), 403, 'forbidden'],
    ]
    for (const [name, headers, status, error] of refusals) {
      it(`refuses ${name} with ${status}`, async () => {
        const input = anIncident()
        const res = await t.app.inject({ method: 'POST', url: '/api/v1/incidents', headers: headers(), payload: input })
        assert.equal(res.statusCode, status)
        assert.equal(res.json().error, error)
        assert.equal(await storedWithReference(input.forceReference), 0)
      })
    }

    it('refuses a signed-in browser session without the CSRF token', async () => {
      const { cookie } = await t.signIn('sergeant')
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/incidents',
        headers: { cookie },
        payload: anIncident(),
      })
      assert.equal(res.statusCode, 403)
      assert.equal(res.json().error, 'csrf')
    })

    it('refuses a multipart post without the token on a route that takes no upload', async () => {
      const { cookie } = await t.signIn('sergeant')
      const incidents = () => t.deps.db.selectFrom('incident').select('id').execute()
      const before = (await incidents()).length
      const boundary = 'provide-test-boundary'
      const res = await t.app.inject({
        method: 'POST',
        url: '/incidents',
        headers: { cookie, 'content-type': `multipart/form-data; boundary=${boundary}`, accept: 'text/html' },
        payload: `--${boundary}\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--${boundary}--\r\n`,
      })
      assert.equal(res.statusCode, 415)
      assert.equal((await incidents()).length, before)
    })
  })

  describe('GET /api/v1/incidents/:id', () => {
    let id: string
    before(async () => {
      const input = anIncident({
        healthNeeds: true,
        healthNeedsNotes: 'Takes medication for epilepsy',
        people: [aPerson({ nhsNumber: '9434765919' }), aSuspect()],
      })
      id = (await postIncident(input)).json().id
    })
    const get = (user: string, incidentId = id) =>
      t.app.inject({ method: 'GET', url: `/api/v1/incidents/${incidentId}`, headers: auth(user) })

    it('shows health details to a health IDVA', async () => {
      const res = await get('idva')
      assert.equal(res.statusCode, 200, res.body)
      const body = res.json()
      assert.equal(body.healthNeedsNotes, 'Takes medication for epilepsy')
      assert.equal(body.people[0].nhsNumber, '9434765919')
      assert.equal(body.people[0].dateOfBirth, '1990-05-17')
    })

    it('hides health details from a detective sergeant, and shows the rest', async () => {
      const res = await get('sergeant')
      assert.equal(res.statusCode, 200, res.body)
      const body = res.json()
      assert.equal(body.healthNeeds, true)
      // Not blanked but absent: health fields never leave the server for police roles.
      assert.ok(!('healthNeedsNotes' in body))
      assert.ok(body.people.every((p: object) => !('nhsNumber' in p)))
      assert.ok(!res.body.includes('9434765919') && !res.body.includes('epilepsy'))
      assert.equal(body.people[0].lastName, 'Example')
    })

    it('audits each view, naming the health fields only when they were shown', async () => {
      const views = await t.deps.db
        .selectFrom('audit_event')
        .select(['username', 'fields'])
        .where('record_id', '=', id)
        .where('action', '=', 'consult')
        .execute()
      const fieldsFor = (username: string) => views.find((v) => v.username === username)?.fields ?? []
      assert.ok(fieldsFor('idva').includes('person.nhs_number'))
      assert.ok(fieldsFor('idva').includes('health_needs_notes'))
      assert.ok(!fieldsFor('sergeant').includes('person.nhs_number'))
      assert.ok(!fieldsFor('sergeant').includes('health_needs_notes'))
    })

    const refusals: [string, () => Promise<{ statusCode: number }>, number][] = [
      ['an analyst (no role that opens incidents)', () => get('analyst'), 403],
      ['no token', () => t.app.inject({ method: 'GET', url: `/api/v1/incidents/${id}` }), 401],
      ['an id that is not stored', () => get('sergeant', randomUUID()), 404],
      ['an id that is not a UUID', () => get('sergeant', 'not-a-uuid'), 400],
    ]
    for (const [name, request, status] of refusals) {
      it(`answers ${status} for ${name}`, async () => {
        assert.equal((await request()).statusCode, status)
      })
    }
  })

  describe('GET /api/v1/openapi.json', () => {
    it('describes the API as OpenAPI 3.1 to any signed-in role', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json', headers: auth('analyst') })
      assert.equal(res.statusCode, 200)
      const doc = res.json()
      assert.equal(doc.openapi, '3.1.0')
      for (const path of ['/api/v1/incidents', '/api/v1/incidents/{id}', '/api/v1/triage/queue']) {
        assert.ok(doc.paths[path], `missing ${path}; has ${Object.keys(doc.paths).join(', ')}`)
      }
      assert.ok(doc.paths['/api/v1/incidents'].post.requestBody)
    })

    it('is not public', async () => {
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).statusCode, 401)
    })
  })

  describe('the incident form', () => {
    let officer: { cookie: string; csrf: string }
    before(async () => {
      officer = await t.signIn('officer')
    })
    const postForm = (body: Record<string, string>, session = officer) =>
      t.app.inject({
        method: 'POST',
        url: '/incidents',
        headers: { ...FORM_TYPE, cookie: session.cookie },
        payload: form(body),
      })

    it('shows the form to an officer', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/incidents/new', headers: { cookie: officer.cookie } })
      assert.equal(res.statusCode, 200)
      assert.match(res.body, /Record a domestic abuse incident/)
      assert.match(res.body, new RegExp(`name="_csrf" value="${officer.csrf}"`))
      assert.match(res.body, /name="reported_at-day"/)
    })

    it('sends a visitor who is not signed in to sign in', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/incidents/new' })
      assert.equal(res.statusCode, 302)
      assert.equal(res.headers.location, `/sign-in?returnTo=${encodeURIComponent('/incidents/new')}`)
    })

    it('refuses the form to an analyst', async () => {
      const { cookie } = await t.signIn('analyst')
      const res = await t.app.inject({ method: 'GET', url: '/incidents/new', headers: { cookie } })
      assert.equal(res.statusCode, 403)
    })

    it('records a valid incident, in UK time, and redirects to its confirmation', async () => {
      const body = formBody({
        suspect_first_name: 'Mark',
        suspect_last_name: 'Sample',
        suspect_in_custody: 'yes',
        'suspect_arrested_at-day': '23',
        'suspect_arrested_at-month': '11',
        'suspect_arrested_at-year': '2026',
        'suspect_arrested_at-time': '06:40',
        'suspect_expected_release_at-day': '23',
        'suspect_expected_release_at-month': '11',
        'suspect_expected_release_at-year': '2026',
        'suspect_expected_release_at-time': '18:40',
        health_needs: 'yes',
        _csrf: officer.csrf,
      })
      const res = await postForm(body)
      assert.equal(res.statusCode, 302, res.body)
      assert.equal(res.headers.location, `/incidents/recorded/${body.force_reference}`)

      const page = await t.app.inject({ method: 'GET', url: res.headers.location, headers: { cookie: officer.cookie } })
      assert.equal(page.statusCode, 200)
      assert.match(page.body, new RegExp(body.force_reference!))

      const stored = await t.deps.db
        .selectFrom('incident')
        .select(['id', 'source', 'reported_at', 'postcode', 'area', 'health_needs', 'risk_level'])
        .where('force_reference', '=', body.force_reference!)
        .executeTakeFirstOrThrow()
      // November is GMT, so 06:00 UK time is 06:00Z.
      assert.deepEqual(
        { ...stored, id: undefined },
        {
          id: undefined,
          source: 'form',
          reported_at: new Date('2026-11-23T06:00:00Z'),
          postcode: 'FY4 1AA',
          area: 'Fylde',
          health_needs: true,
          risk_level: 'medium',
        },
      )
      const custody = await t.deps.db
        .selectFrom('custody_episode')
        .select('expected_release_at')
        .where('incident_id', '=', stored.id)
        .execute()
      assert.deepEqual(custody, [{ expected_release_at: new Date('2026-11-23T18:40:00Z') }])
    })

    const invalid: [string, Record<string, string>, string, string][] = [
      [
        'an NHS number with a wrong check digit',
        { victim_nhs_number: '943 476 5918' },
        'victim_nhs_number',
        'NHS number must be 10 digits with a valid check digit',
      ],
      [
        'an impossible date',
        { 'reported_at-day': '31', 'reported_at-month': '2' },
        'reported_at',
        '&quot;31/2/2026 06:00&quot; is not a real date and time',
      ],
      ['a date with no time', { 'reported_at-time': '' }, 'reported_at', 'Enter the time, like 21:30'],
      [
        'a time with no date',
        { 'occurred_at-day': '', 'occurred_at-month': '', 'occurred_at-year': '' },
        'occurred_at',
        'Enter the date, like 23 11 2026',
      ],
      [
        'a time that is not 24-hour',
        { 'occurred_at-time': '5.10am' },
        'occurred_at',
        'Enter the time in 24-hour format, like 21:30',
      ],
      ['a date of birth with no month', { 'victim_dob-month': '' }, 'victim_dob', 'The date must include a month'],
      ['a report time in the future', { 'reported_at-day': '24' }, 'reported_at', 'Reported time is in the future'],
      ['a blank victim name', { victim_last_name: '' }, 'victim_last_name', 'Required: enter a value'],
      ['no risk level', { risk_level: '' }, 'risk_level', 'Required: enter one of standard, medium, high'],
      ['an unknown area', { area: 'Atlantis' }, 'area', 'Unknown area &quot;Atlantis&quot;'],
    ]
    for (const [name, fields, field, message] of invalid) {
      it(`shows the form again for ${name}, with the error summary and the message`, async () => {
        const body = formBody({ ...fields, _csrf: officer.csrf })
        const res = await postForm(body)
        assert.equal(res.statusCode, 400)
        assert.match(res.body, /govuk-error-summary/)
        assert.match(res.body, /There is a problem/)
        assert.ok(res.body.includes(message), `no "${message}" in the page`)
        assert.ok(!/missing-(time|date)/.test(res.body), 'a placeholder leaked into the page')
        assert.ok(res.body.includes(`href="#${field}"`), `no link to #${field}`)
        assert.match(res.body, /<title>Error: /)
        // What the officer typed is kept.
        assert.ok(res.body.includes(`value="${body.force_reference}"`))
        assert.equal(await storedWithReference(body.force_reference!), 0)
      })
    }

    it('names every required field when the form is sent empty', async () => {
      const res = await postForm({ _csrf: officer.csrf })
      assert.equal(res.statusCode, 400)
      for (const field of INCIDENT_CSV_COLUMNS.filter((c) => c.required).map((c) => c.name)) {
        assert.ok(res.body.includes(`href="#${field}"`), `no error for ${field}`)
      }
      assert.ok(!res.body.includes('href="#location"') && !res.body.includes('href="#risk"'))
    })

    it('says a force reference already stored is taken', async () => {
      const body = formBody({ _csrf: officer.csrf })
      assert.equal((await postForm(body)).statusCode, 302)
      const res = await postForm({ ...body, summary: 'again' })
      assert.equal(res.statusCode, 409)
      assert.match(res.body, new RegExp(`An incident with force reference ${body.force_reference} already exists`))
    })

    it('refuses a post without the CSRF token, or with another one', async () => {
      for (const csrf of [undefined, 'forged-token']) {
        const body = formBody(csrf ? { _csrf: csrf } : {})
        const res = await postForm(body)
        assert.equal(res.statusCode, 403)
        assert.equal(await storedWithReference(body.force_reference!), 0)
      }
    })
  })

  describe('the CSV upload', () => {
    let sergeant: { cookie: string; csrf: string }
    before(async () => {
      sergeant = await t.signIn('sergeant')
    })

    const upload = (parts: Part[], session = sergeant) => {
      const { payload, headers } = multipart(parts)
      return t.app.inject({ method: 'POST', url: '/imports', headers: { ...headers, cookie: session.cookie }, payload })
    }
    const fileParts = (
      content: string | Buffer,
      { filename = 'extract.csv', mode = 'all_or_nothing' } = {},
    ): Part[] => [
      { name: '_csrf', value: sergeant.csrf },
      { name: 'mode', value: mode },
      { name: 'file', filename, content },
    ]

    /** The job once the background import has finished. */
    async function settled(jobId: string) {
      for (let i = 0; i < 500; i++) {
        const { job } = await t.services.imports.getJob(await t.actor('sergeant'), jobId)
        if (job.status !== 'importing') return job
        await sleep(20)
      }
      throw new Error(`import ${jobId} did not finish`)
    }
    const jobIdFrom = (location: unknown) => {
      const match = /^\/imports\/([0-9a-f-]{36})$/.exec(String(location))
      assert.ok(match, `redirect to ${String(location)}`)
      return match[1]!
    }

    it('shows the upload page with the limit', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/imports/new', headers: { cookie: sergeant.cookie } })
      assert.equal(res.statusCode, 200)
      assert.match(res.body, /up to 64 KB/)
    })

    it('imports an uploaded file in the background and shows the finished job', async () => {
      const rows = [aCsvRow(), aCsvRow(), aCsvRow()]
      const res = await upload(fileParts(csvText(rows)))
      assert.equal(res.statusCode, 302, res.body)
      const jobId = jobIdFrom(res.headers.location)
      const job = await settled(jobId)
      assert.deepEqual(
        [job.status, job.filename, job.mode, job.imported_rows],
        ['completed', 'extract.csv', 'all_or_nothing', 3],
      )
      const page = await t.app.inject({ method: 'GET', url: `/imports/${jobId}`, headers: { cookie: sergeant.cookie } })
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /Import complete/)
      assert.match(page.body, /data-status="completed"/)
      const api = await t.app.inject({ method: 'GET', url: `/api/v1/imports/${jobId}`, headers: auth('sergeant') })
      assert.equal(api.json().job.status, 'completed')
    })

    it('records the mode chosen, and the row errors, on the job page', async () => {
      const rows = [aCsvRow(), aCsvRow({ victim_nhs_number: '9434765918' })]
      const res = await upload(fileParts(csvText(rows), { mode: 'valid_only' }))
      const jobId = jobIdFrom(res.headers.location)
      const job = await settled(jobId)
      assert.deepEqual([job.status, job.mode, job.imported_rows, job.error_rows], ['completed', 'valid_only', 1, 1])
      const page = await t.app.inject({ method: 'GET', url: `/imports/${jobId}`, headers: { cookie: sergeant.cookie } })
      assert.match(page.body, /data-testid="import-errors"/)
      assert.match(page.body, /<code>victim_nhs_number<\/code>/)
      assert.match(page.body, /NHS number must be 10 digits with a valid check digit/)
    })

    it('shows a failed import with its reason', async () => {
      const latin1 = Buffer.from(csvText([aCsvRow({ victim_first_name: 'Zoé' })]), 'latin1')
      const jobId = jobIdFrom((await upload(fileParts(latin1))).headers.location)
      const job = await settled(jobId)
      assert.equal(job.status, 'failed')
      const page = await t.app.inject({ method: 'GET', url: `/imports/${jobId}`, headers: { cookie: sergeant.cookie } })
      assert.match(page.body, /The import failed and nothing was saved\. The file is not UTF-8 text/)
    })

    const refused: [string, () => Part[], RegExp][] = [
      [
        'a file over the upload limit',
        () => fileParts(Buffer.alloc(UPLOAD_LIMIT + 1024, 'a')),
        /The file is larger than 64 KB/,
      ],
      [
        'a file that is not a .csv',
        () => fileParts(csvText([aCsvRow()]), { filename: 'extract.xlsx' }),
        /The selected file must be a CSV/,
      ],
      ['no file chosen', () => fileParts('', { filename: '' }), /Select a CSV file/],
      ['a form with no file part', () => fileParts('').slice(0, 2), /Select a CSV file/],
    ]
    for (const [name, parts, message] of refused) {
      it(`shows the upload page again for ${name}`, async () => {
        const jobsBefore = (await t.services.imports.listJobs(await t.actor('sergeant'))).length
        const res = await upload(parts())
        assert.equal(res.statusCode, 400, res.body.slice(0, 300))
        assert.match(res.body, /There is a problem/)
        assert.match(res.body, message)
        assert.equal(
          (await t.services.imports.listJobs(await t.actor('sergeant'))).length,
          jobsBefore,
          'no job is created',
        )
      })
    }

    it('refuses an upload without the CSRF token before the file, or with a forged one', async () => {
      const content = csvText([aCsvRow()])
      const cases: Part[][] = [
        [{ name: 'file', filename: 'extract.csv', content }],
        [
          { name: 'file', filename: 'extract.csv', content },
          { name: '_csrf', value: sergeant.csrf },
        ],
        [
          { name: '_csrf', value: 'forged' },
          { name: 'file', filename: 'extract.csv', content },
        ],
      ]
      for (const parts of cases) {
        const jobsBefore = (await t.services.imports.listJobs(await t.actor('sergeant'))).length
        const res = await upload(parts)
        assert.equal(res.statusCode, 403)
        assert.equal((await t.services.imports.listJobs(await t.actor('sergeant'))).length, jobsBefore)
      }
    })

    it('refuses an upload from an officer, who may record but not import', async () => {
      const officer = await t.signIn('officer')
      const { payload, headers } = multipart([
        { name: '_csrf', value: officer.csrf },
        { name: 'file', filename: 'extract.csv', content: csvText([aCsvRow()]) },
      ])
      const res = await t.app.inject({
        method: 'POST',
        url: '/imports',
        headers: { ...headers, cookie: officer.cookie },
        payload,
      })
      assert.equal(res.statusCode, 403)
    })
  })
})
