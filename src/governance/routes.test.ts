import { after, before, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { parse as parseCsv } from 'csv-parse/sync'
import { describeEachEngine } from '../test-support/db.ts'
import { testApp, type TestApp } from '../test-support/app.ts'
import { anIncident, aPerson, aSuspect } from '../test-support/builders.ts'
import { FIXED_NOW, hoursAfter, hoursBefore } from '../test-support/clock.ts'
import { systemActor, type Actor } from '../auth/actor.ts'
import { ROLES, ROLE_LABELS } from '../auth/roles.ts'
import { ACTIONS, POLICY, SCOPE_LABELS } from '../access/policy.ts'
import { recordAudit, type AuditEntry } from '../audit/audit.ts'
import { findUserByUsername } from '../auth/repository.ts'
import { ACCESS_LOG_CSV_COLUMNS } from './rules.ts'

type Session = { cookie: string; csrf: string }

/** HTML as nunjucks escapes it, to find text from the policy on the page. */
const html = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')

describeEachEngine('governance routes', (engine) => {
  let t: TestApp
  let ig: Session, admin: Session, sergeant: Session
  let igToken: string, sergeantToken: string, adminToken: string
  const actors: Record<string, Actor> = {}
  // Two incidents with the same victim (same names and date of birth), and one unrelated.
  let a: { id: string; forceReference: string }
  let b: { id: string; forceReference: string }
  let c: { id: string; forceReference: string }
  let victimA: string, victimB: string, suspectA: string, victimC: string

  const page = (url: string, s?: Session) =>
    t.app.inject({ method: 'GET', url, headers: { accept: 'text/html', ...(s ? { cookie: s.cookie } : {}) } })
  const api = (method: 'GET' | 'POST', url: string, token: string, payload?: object) =>
    t.app.inject({ method, url, payload, headers: { authorization: `Bearer ${token}` } })
  const audit = (who: string, minutesAfter: number, entry: AuditEntry) =>
    recordAudit(t.deps.db, actors[who]!, new Date(FIXED_NOW.getTime() + minutesAfter * 60_000), entry)
  const auditRowsOf = (recordType: string) =>
    t.deps.db
      .selectFrom('audit_event')
      .selectAll()
      .where('record_type', '=', recordType)
      .orderBy('seq', 'desc')
      .execute()
  const logKeys = (body: {
    items: { action: string; record: { type: string; id: string | null }; user: { username: string | null } }[]
  }) => body.items.map((i) => `${i.user.username ?? 'system'} ${i.action} ${i.record.type}:${i.record.id}`)

  before(async () => {
    t = await testApp(engine)
    ig = await t.signIn('governance')
    admin = await t.signIn('admin')
    sergeant = await t.signIn('sergeant')
    igToken = await t.bearer('governance')
    sergeantToken = await t.bearer('sergeant')
    adminToken = await t.bearer('admin')
    for (const username of ['sergeant', 'idva', 'officer', 'governance']) {
      const u = (await findUserByUsername(t.deps.db, username))!
      actors[username] = {
        userId: u.id,
        username,
        displayName: u.display_name,
        agencyId: u.agency_id,
        agencyName: u.agency_name,
        roles: u.roles,
        teamIds: [],
        teamAreas: [],
        via: 'session',
        requestId: `request-${username}`,
      }
    }
    const victim = aPerson({ firstName: 'Jane', lastName: 'Keyed', dateOfBirth: '1985-01-01' })
    const create = (people = [victim, aSuspect()]) =>
      t.services.intake.create(systemActor('test'), anIncident({ people }), 'api')
    a = await create()
    b = await create()
    c = await create([aPerson({ firstName: 'Other', lastName: 'Person', dateOfBirth: '1970-03-03' }), aSuspect()])
    const people = await t.deps.db.selectFrom('incident_person').select(['id', 'incident_id', 'role']).execute()
    const find = (incidentId: string, role: string) =>
      people.find((p) => p.incident_id === incidentId && p.role === role)!.id
    victimA = find(a.id, 'victim')
    victimB = find(b.id, 'victim')
    suspectA = find(a.id, 'suspect')
    victimC = find(c.id, 'victim')

    // The rows the rest of the app writes as people use it (minutes after FIXED_NOW).
    await audit('sergeant', 1, {
      action: 'consult',
      recordType: 'incident',
      recordId: a.id,
      fields: ['force_reference', 'victim_name'],
      details: { view: 'triage_queue' },
    })
    await audit('idva', 2, {
      action: 'consult',
      recordType: 'incident_person',
      recordId: victimA,
      fields: ['address'],
      justification: 'Arranging a safe visit with the victim',
      details: { incidentId: a.id },
    })
    await audit('sergeant', 3, { action: 'consult', recordType: 'incident', recordId: b.id, fields: ['summary'] })
    await audit('officer', 4, { action: 'alter', recordType: 'incident', recordId: c.id, fields: ['summary'] })
    await audit('idva', 5, {
      action: 'consult',
      recordType: 'incident_person',
      recordId: victimB,
      fields: ['phone'],
      justification: '=HYPERLINK("http://example.test")',
      details: { incidentId: b.id },
    })
    await audit('sergeant', 6, {
      action: 'consult',
      recordType: 'incident_person',
      recordId: suspectA,
      fields: ['address'],
      justification: 'Bail check',
      details: { incidentId: a.id },
    })
    // Three days earlier: 07:30 on 20 November.
    await recordAudit(t.deps.db, actors.officer!, hoursBefore(72), {
      action: 'disclose',
      recordType: 'incident',
      recordId: a.id,
      fields: ['summary'],
      justification: 'MARAC referral',
      recipients: ['MARAC'],
    })
  })
  after(() => t.close())
  // Sessions idle out after 15 minutes: every test runs ten minutes after the sign-ins.
  beforeEach(() => t.clock.set(new Date(FIXED_NOW.getTime() + 10 * 60_000)))

  describe('the access policy', () => {
    it('lists every action and every role from the policy, with each cell’s scope', async () => {
      const res = await page('/governance/policy', ig)
      assert.equal(res.statusCode, 200)
      for (const role of ROLES)
        assert.ok(res.body.includes(`data-role="${role}">${html(ROLE_LABELS[role])}</th>`), role)
      const rows = [...res.body.matchAll(/data-testid="policy-row" data-action="([^"]+)"/g)].map((m) => m[1])
      assert.deepEqual(rows, ACTIONS)
      for (const action of ACTIONS) {
        const row = new RegExp(`data-action="${action}">([\\s\\S]*?)</tr>`).exec(res.body)![1]!
        assert.ok(row.includes(html(POLICY[action].label)), `label of ${action}`)
        assert.ok(row.includes(`<code>${action}</code>`))
        const cells = [...row.matchAll(/<td[^>]*data-role="([^"]+)">([\s\S]*?)<\/td>/g)]
        assert.deepEqual(
          cells.map((m) => m[1]),
          [...ROLES],
        )
        for (const [, role, text] of cells) {
          const scope = (POLICY[action].roles as Record<string, keyof typeof SCOPE_LABELS>)[role!]
          if (scope) assert.equal(text, html(SCOPE_LABELS[scope]), `${action} × ${role}`)
          else assert.match(text!, /—.*Not allowed/, `${action} × ${role}`)
        }
      }
      assert.match(res.body, /data-testid="health-fields"[\s\S]*NHS number/)
      assert.match(res.body, /data-testid="health-roles"[\s\S]*Health IDVA/)
    })

    it('is readable by administrators, and by API', async () => {
      assert.equal((await page('/governance/policy', admin)).statusCode, 200)
      const res = await api('GET', '/api/v1/governance/policy', adminToken)
      assert.equal(res.statusCode, 200)
      const body = res.json()
      assert.deepEqual(
        body.actions.map((x: { id: string }) => x.id),
        ACTIONS,
      )
      assert.deepEqual(
        body.actions.find((x: { id: string }) => x.id === 'health:view').roles,
        POLICY['health:view'].roles,
      )
      assert.deepEqual(
        body.roles.map((r: { id: string }) => r.id),
        [...ROLES],
      )
    })
  })

  describe('access logs', () => {
    it('shows an incident’s log with the people on it, newest first, by ID or force reference', async () => {
      const byId = await api('GET', `/api/v1/governance/access-log?record=${a.id}`, igToken)
      assert.equal(byId.statusCode, 200)
      const expected = [
        `sergeant consult incident_person:${suspectA}`,
        `idva consult incident_person:${victimA}`,
        `sergeant consult incident:${a.id}`,
        `system:test collect incident:${a.id}`,
        `officer disclose incident:${a.id}`,
      ]
      assert.deepEqual(logKeys(byId.json()), expected)
      const byRef = await api('GET', `/api/v1/governance/access-log?record=${a.forceReference.toLowerCase()}`, igToken)
      assert.deepEqual(logKeys(byRef.json()), expected)
      const body = byId.json()
      assert.equal(body.subject.kind, 'incident')
      assert.equal(body.subject.forceReference, a.forceReference)
      assert.equal(body.subject.people.length, 2)
      const reveal = body.items[1]
      assert.equal(reveal.justification, 'Arranging a safe visit with the victim')
      assert.deepEqual(reveal.fields, ['address'])
      assert.equal(reveal.requestId, 'request-idva')
      assert.equal(reveal.user.displayName, 'Chris Demo (Health IDVA)')
      assert.deepEqual(reveal.user.roles, ['health_idva'])
      assert.match(reveal.record.label, new RegExp(`Jane Keyed \\(victim\\), ${a.forceReference}`))
      assert.deepEqual(body.items[4].recipients, ['MARAC'])
    })

    it('keeps the trail of an incident that is no longer stored, by its ID', async () => {
      const gone = randomUUID()
      await audit('officer', 8, { action: 'erase', recordType: 'incident', recordId: gone })
      const res = await api('GET', `/api/v1/governance/access-log?record=${gone}`, igToken)
      assert.equal(res.statusCode, 200)
      assert.equal(res.json().subject.forceReference, null)
      assert.deepEqual(logKeys(res.json()), [`officer erase incident:${gone}`])
    })

    it('is described in the OpenAPI document', async () => {
      const doc = (await api('GET', '/api/v1/openapi.json', igToken)).json()
      for (const path of [
        'policy',
        'access-log',
        'people',
        'break-glass',
        'break-glass/{id}',
        'break-glass/{id}/review',
      ]) {
        assert.ok(doc.paths[`/api/v1/governance/${path}`], path)
      }
    })

    it('shows a person’s log across every incident with the same identity key', async () => {
      const res = await api('GET', `/api/v1/governance/access-log?person=${victimB}`, igToken)
      assert.equal(res.statusCode, 200)
      const body = res.json()
      assert.equal(body.subject.kind, 'person')
      assert.equal(body.subject.keyed, true)
      assert.deepEqual(body.subject.records.map((r: { id: string }) => r.id).sort(), [victimA, victimB].sort())
      assert.deepEqual(
        logKeys(body),
        [
          `sergeant consult incident_person:${suspectA}`,
          `idva consult incident_person:${victimB}`,
          `sergeant consult incident:${b.id}`,
          `idva consult incident_person:${victimA}`,
          `sergeant consult incident:${a.id}`,
          `system:test collect incident:${b.id}`,
          `system:test collect incident:${a.id}`,
          `officer disclose incident:${a.id}`,
        ].filter((k) => !k.includes(suspectA)),
      )
      assert.ok(!logKeys(body).some((k) => k.includes(c.id) || k.includes(victimC)), 'nothing about the other incident')
    })

    // Queries are functions: the incidents exist only once `before` has run.
    const filters: { name: string; query: () => string; expect: (k: string[]) => void }[] = [
      {
        name: 'username, in any case',
        query: () => 'user=IDVA',
        expect: (k) =>
          assert.deepEqual(k, [`idva consult incident_person:${victimB}`, `idva consult incident_person:${victimA}`]),
      },
      {
        name: 'action',
        query: () => 'action=alter&user=officer',
        expect: (k) => assert.deepEqual(k, [`officer alter incident:${c.id}`]),
      },
      {
        name: 'one UK day',
        query: () => 'action=disclose&from=20/11/2026&to=20/11/2026',
        expect: (k) => assert.deepEqual(k, [`officer disclose incident:${a.id}`]),
      },
      { name: 'a later start', query: () => 'action=disclose&from=21/11/2026', expect: (k) => assert.deepEqual(k, []) },
      {
        name: 'a record and ISO or UK dates',
        query: () => `record=${c.forceReference}&from=2026-11-23&to=23/11/2026`,
        expect: (k) => assert.deepEqual(k, [`officer alter incident:${c.id}`, `system:test collect incident:${c.id}`]),
      },
    ]
    for (const f of filters) {
      it(`filters by ${f.name}`, async () => {
        const res = await api('GET', `/api/v1/governance/access-log?${f.query()}`, igToken)
        assert.equal(res.statusCode, 200, res.body)
        f.expect(logKeys(res.json()).filter((k) => !k.includes('access_log') && !k.includes('person_search')))
      })
    }

    it('filters by agency', async () => {
      const nhs = actors.idva!.agencyId
      const res = await api('GET', `/api/v1/governance/access-log?agency=${nhs}&action=consult`, igToken)
      const items = res.json().items as { user: { agencyId: string; username: string } }[]
      assert.equal(items.length, 2)
      assert.ok(items.every((i) => i.user.agencyId === nhs && i.user.username === 'idva'))
    })

    it('refuses filters it cannot use', async () => {
      const cases: [string, RegExp][] = [
        ['from=31/02/2026', /real date/],
        ['from=24/11/2026&to=23/11/2026', /same as or after/],
        ['record=NO-SUCH-REF', /No incident has that ID or force reference/],
        ['person=not-a-uuid', /person ID/],
        ['action=peek', /action/],
        ['colour=red', /.+/],
        [`record=${a.id}&person=${victimA}`, /not both/],
        [`record=${victimA}`, /ID of a person/],
      ]
      for (const [query, message] of cases) {
        const res = await api('GET', `/api/v1/governance/access-log?${query}`, igToken)
        assert.equal(res.statusCode, 400, query)
        assert.match(JSON.stringify(res.json().issues), message, query)
      }
      const shown = await page('/governance/access-log?from=31/02/2026', ig)
      assert.equal(shown.statusCode, 400)
      assert.match(shown.body, /govuk-error-summary/)
      assert.match(shown.body, /href="#from"/)
      assert.match(shown.body, /value="31\/02\/2026"/)
    })

    it('records each viewing of an access log, with its filters', async () => {
      await api('GET', `/api/v1/governance/access-log?person=${victimA}&action=consult`, igToken)
      const [row] = await auditRowsOf('access_log')
      assert.equal(row!.username, 'governance')
      assert.equal(row!.action, 'consult')
      assert.deepEqual(row!.details, { view: 'access_log', filters: { person: victimA, action: 'consult' }, page: 1 })
      assert.ok(row!.fields.includes('justification'))
    })

    it('renders the log as a page, linking people to their own logs', async () => {
      const res = await page(`/governance/access-log?record=${a.forceReference}`, ig)
      assert.equal(res.statusCode, 200)
      assert.match(res.body, new RegExp(`data-testid="subject">Incident ${a.forceReference}<`))
      assert.equal([...res.body.matchAll(/data-testid="log-row"/g)].length, 5)
      assert.match(res.body, /Arranging a safe visit with the victim/)
      assert.match(res.body, /To: MARAC/)
      assert.ok(res.body.includes(`href="/governance/access-log?person=${victimA}"`))
      assert.ok(res.body.includes(`href="/governance/access-log.csv?record=${a.forceReference}"`))
      assert.match(res.body, /data-testid="log-total"><strong>5<\/strong> entries/)
    })

    it('exports the filtered log as CSV, safe for spreadsheets, and records the export', async () => {
      const res = await t.app.inject({
        method: 'GET',
        url: `/governance/access-log.csv?person=${victimA}&user=idva`,
        headers: { cookie: ig.cookie },
      })
      assert.equal(res.statusCode, 200)
      assert.match(String(res.headers['content-type']), /^text\/csv/)
      assert.match(String(res.headers['content-disposition']), /attachment; filename="access-log-2026-11-23\.csv"/)
      assert.equal(res.headers['cache-control'], 'no-store')
      const rows = parseCsv(res.body) as string[][]
      assert.deepEqual(rows[0], [...ACCESS_LOG_CSV_COLUMNS])
      const col = (name: (typeof ACCESS_LOG_CSV_COLUMNS)[number]) => ACCESS_LOG_CSV_COLUMNS.indexOf(name)
      assert.deepEqual(
        rows.slice(1).map((r) => [r[col('Username')], r[col('Record ID')], r[col('Justification')]]),
        [
          ['idva', victimB, `'=HYPERLINK("http://example.test")`],
          ['idva', victimA, 'Arranging a safe visit with the victim'],
        ],
      )
      assert.equal(rows[2]![col('Time (UK)')], '23 Nov 2026, 07:32')
      assert.equal(rows[2]![col('Roles')], 'Health IDVA')
      const [row] = await auditRowsOf('access_log')
      assert.deepEqual(row!.details, { view: 'export', format: 'csv', filters: { person: victimA, user: 'idva' } })
      assert.equal(row!.username, 'governance')
    })

    it('exports every matching row, newest first, reading in batches', async () => {
      const page1 = await api('GET', `/api/v1/governance/access-log?person=${victimA}`, igToken)
      const exported = await t.services.governance.exportAccessLog(actors.governance!, { person: victimA }, 2)
      const ids: number[] = []
      for await (const item of exported.items) ids.push(item.id)
      assert.ok(ids.length > 4)
      assert.deepEqual(
        ids,
        page1.json().items.map((i: { id: number }) => i.id),
      )
      const viaHttp = await api('GET', `/governance/access-log.csv?person=${victimA}`, igToken)
      assert.equal(viaHttp.statusCode, 200)
      assert.equal((parseCsv(viaHttp.body) as string[][]).length, ids.length + 1)
    })
  })

  describe('finding a person', () => {
    it('groups one person’s records across incidents, and records the search', async () => {
      const res = await api(
        'GET',
        '/api/v1/governance/people?lastName=keyed&firstName=ja&dateOfBirth=01/01/1985',
        igToken,
      )
      assert.equal(res.statusCode, 200, res.body)
      const body = res.json()
      assert.equal(body.people.length, 1)
      assert.equal(body.people[0].firstName, 'Jane')
      assert.deepEqual(body.people[0].records.map((r: { id: string }) => r.id).sort(), [victimA, victimB].sort())
      const consulted = await t.deps.db
        .selectFrom('audit_event')
        .select(['record_id', 'details'])
        .where('record_type', '=', 'incident_person')
        .where('username', '=', 'governance')
        .execute()
      assert.deepEqual(consulted.map((r) => r.record_id).sort(), [victimA, victimB].sort())
      const [search] = await auditRowsOf('person_search')
      assert.deepEqual(search!.fields, ['last_name', 'first_name', 'date_of_birth'])
      assert.ok(!JSON.stringify(search).includes('Keyed'), 'the search terms are not stored')
    })

    it('finds people from the page and links to their log', async () => {
      const res = await page(
        '/governance/people?lastName=Keyed&dateOfBirth-day=1&dateOfBirth-month=1&dateOfBirth-year=1985',
        ig,
      )
      assert.equal(res.statusCode, 200)
      assert.equal([...res.body.matchAll(/data-testid="person-row"/g)].length, 1)
      assert.match(res.body, /href="\/governance\/access-log\?person=[0-9a-f-]{36}" data-testid="person-log"/)
      const none = await page('/governance/people?lastName=Nobody', ig)
      assert.match(none.body, /data-testid="empty"/)
      const bad = await page(
        '/governance/people?lastName=Keyed&dateOfBirth-day=31&dateOfBirth-month=2&dateOfBirth-year=1985',
        ig,
      )
      assert.equal(bad.statusCode, 400)
      assert.match(bad.body, /href="#dateOfBirth-day"/)
      const empty = await page('/governance/people', ig)
      assert.equal(empty.statusCode, 200)
      assert.doesNotMatch(empty.body, /govuk-error-summary/)
    })
  })

  describe('break-glass review', () => {
    let grantId: string

    beforeEach(async () => {
      // A sergeant opened incident C, outside their usual access, with a reason.
      await t.deps.db.deleteFrom('break_glass_grant').execute()
      const row = await t.deps.db
        .insertInto('break_glass_grant')
        .values({
          user_id: actors.sergeant!.userId,
          action: 'incident:view',
          resource: 'incident',
          record_id: c.id,
          reason: 'Victim called 999 again; checking history',
          granted_at: FIXED_NOW,
          expires_at: hoursAfter(1, FIXED_NOW),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      grantId = row.id
      await audit('sergeant', 7, {
        action: 'consult',
        recordType: 'incident',
        recordId: c.id,
        fields: ['summary'],
        justification: 'Victim called 999 again; checking history',
        details: { breakGlassGrantId: grantId },
      })
    })

    it('counts unreviewed grants on the governance start page', async () => {
      const res = await page('/governance', ig)
      assert.equal(res.statusCode, 200)
      assert.match(res.body, /1 waiting for review/)
      const forAdmin = await page('/governance', admin)
      assert.equal(forAdmin.statusCode, 200)
      assert.doesNotMatch(forAdmin.body, /waiting for review|\/governance\/break-glass/)
    })

    it('lists grants with who, their roles at the time, the record and the reason', async () => {
      const res = await api('GET', '/api/v1/governance/break-glass?status=unreviewed', igToken)
      assert.equal(res.statusCode, 200)
      const body = res.json()
      assert.deepEqual(body.counts, { unreviewed: 1, reviewed: 0 })
      const [g] = body.items
      assert.equal(g.id, grantId)
      assert.equal(g.user.displayName, 'DS Sam Demo')
      assert.deepEqual(g.user.roles, ['detective_sergeant'])
      assert.equal(g.user.rolesAtTheTime, true)
      assert.equal(g.record.label, c.forceReference)
      assert.equal(g.uses.length, 1)
      assert.equal(g.active, true)
      assert.equal(g.review, null)
      const shown = await page('/governance/break-glass', ig)
      assert.match(shown.body, /Victim called 999 again; checking history/)
      assert.ok(shown.body.includes(`href="/governance/access-log?record=${c.id}"`))
    })

    it('records a review with its outcome and notes, once', async () => {
      const post = (form: Record<string, string>) =>
        t.app.inject({
          method: 'POST',
          url: `/governance/break-glass/${grantId}/review`,
          headers: { cookie: ig.cookie, accept: 'text/html' },
          payload: { _csrf: ig.csrf, ...form },
        })
      const missing = await post({})
      assert.equal(missing.statusCode, 400)
      assert.match(missing.body, /Choose whether the access was justified/)
      const noNotes = await post({ outcome: 'not_justified' })
      assert.equal(noNotes.statusCode, 400)
      assert.match(noNotes.body, /Explain why the access was not justified/)
      assert.match(noNotes.body, /value="not_justified" checked/)

      const done = await post({ outcome: 'not_justified', notes: 'No emergency; raised with line manager' })
      assert.equal(done.statusCode, 302)
      assert.equal(done.headers.location, `/governance/break-glass/${grantId}?reviewed=1`)
      const shown = await page(done.headers.location!, ig)
      assert.match(shown.body, /Review saved: Not justified/)
      assert.match(shown.body, /No emergency; raised with line manager/)
      assert.doesNotMatch(shown.body, /data-testid="review-form"/)

      const again = await post({ outcome: 'justified' })
      assert.equal(again.statusCode, 409)
      const stored = await t.deps.db
        .selectFrom('break_glass_grant')
        .selectAll()
        .where('id', '=', grantId)
        .executeTakeFirstOrThrow()
      assert.equal(stored.review_outcome, 'not_justified')
      assert.equal(stored.reviewed_by, actors.governance!.userId)
      const [row] = (await auditRowsOf('break_glass_grant')).filter((r) => r.action === 'alter')
      assert.equal(row!.record_id, grantId)
      assert.equal(row!.username, 'governance')
      assert.deepEqual(row!.fields, ['reviewed_at', 'reviewed_by', 'review_outcome', 'review_notes'])
      assert.ok(!JSON.stringify(row!.details).includes('line manager'), 'the notes are not copied into the audit trail')

      const list = await api('GET', '/api/v1/governance/break-glass', igToken)
      assert.deepEqual(list.json().counts, { unreviewed: 0, reviewed: 1 })
      assert.equal(list.json().items[0].review.outcome, 'not_justified')
    })

    it('reviews by API, and not one’s own access', async () => {
      const res = await api('POST', `/api/v1/governance/break-glass/${grantId}/review`, igToken, {
        outcome: 'justified',
      })
      assert.equal(res.statusCode, 200, res.body)
      assert.equal(res.json().review.outcome, 'justified')
      const unknownField = await api('POST', `/api/v1/governance/break-glass/${grantId}/review`, igToken, {
        outcome: 'justified',
        reviewed_by: randomUUID(),
      })
      assert.equal(unknownField.statusCode, 400)
      const own = await t.deps.db
        .insertInto('break_glass_grant')
        .values({
          user_id: actors.governance!.userId,
          action: 'incident:view',
          resource: 'incident',
          record_id: c.id,
          reason: 'Testing my own access',
          granted_at: FIXED_NOW,
          expires_at: hoursAfter(1, FIXED_NOW),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      const refused = await api('POST', `/api/v1/governance/break-glass/${own.id}/review`, igToken, {
        outcome: 'justified',
      })
      assert.equal(refused.statusCode, 403)
      assert.equal((await api('GET', `/api/v1/governance/break-glass/${randomUUID()}`, igToken)).statusCode, 404)
    })
  })

  describe('who may use these pages', () => {
    const pages = [
      '/governance/access-log',
      `/governance/access-log.csv`,
      '/governance/people?lastName=Keyed',
      '/governance/break-glass',
    ]
    const apis = [
      '/api/v1/governance/access-log',
      '/api/v1/governance/people?lastName=Keyed',
      '/api/v1/governance/break-glass',
    ]

    it('refuses roles the policy does not allow', async () => {
      for (const url of ['/governance', '/governance/policy', ...pages]) {
        assert.equal((await page(url, sergeant)).statusCode, 403, `sergeant ${url}`)
      }
      for (const url of pages) assert.equal((await page(url, admin)).statusCode, 403, `admin ${url}`)
      for (const url of ['/api/v1/governance/policy', ...apis]) {
        assert.equal((await api('GET', url, sergeantToken)).statusCode, 403, `sergeant ${url}`)
      }
      for (const url of apis) assert.equal((await api('GET', url, adminToken)).statusCode, 403, `admin ${url}`)
      const review = await api('POST', `/api/v1/governance/break-glass/${randomUUID()}/review`, adminToken, {
        outcome: 'justified',
      })
      assert.equal(review.statusCode, 403)
      assert.equal((await page('/governance/access-log')).statusCode, 302, 'not signed in: to sign-in')
    })

    it('writes no audit rows for refused requests', async () => {
      const before = (await auditRowsOf('access_log')).length
      await page('/governance/access-log', sergeant)
      await page('/governance/access-log.csv', admin)
      assert.equal((await auditRowsOf('access_log')).length, before)
    })
  })
})
