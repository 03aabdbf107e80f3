import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { Page } from 'playwright-core'
import { systemActor, type Actor } from '../auth/actor.ts'
import { findUserByUsername } from '../auth/repository.ts'
import { ROLES, ROLE_LABELS } from '../auth/roles.ts'
import { ACTIONS } from '../access/policy.ts'
import { recordAudit } from '../audit/audit.ts'
import { testContext, type TestContext } from '../test-support/app.ts'
import { anIncident, aPerson, aSuspect } from '../test-support/builders.ts'
import { FIXED_NOW, hoursAfter } from '../test-support/clock.ts'
import { browserSession, checkTab, type BrowserSession, type PageWatch } from '../test-support/browser.ts'
import { SignInPage } from '../test-support/pages/sign-in.ts'
import { PolicyPage } from '../test-support/pages/governance-policy.ts'
import { AccessLogPage, PersonSearchPage } from '../test-support/pages/governance-access-log.ts'
import { BreakGlassPage } from '../test-support/pages/governance-break-glass.ts'

// PGlite only, like the other browser suites: the route tests run every query on both engines.
describe('information governance in the browser [pglite]', () => {
  let ctx: TestContext
  let session: BrowserSession
  let page: Page
  let watch: PageWatch
  let grantId: string
  const incidents: { id: string; forceReference: string }[] = []

  const actorFor = async (username: string): Promise<Actor> => {
    const u = (await findUserByUsername(ctx.deps.db, username))!
    return {
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

  before(async () => {
    ctx = await testContext('pglite')
    const victim = aPerson({ firstName: 'Rowan', lastName: 'Tested', dateOfBirth: '1991-04-12' })
    for (let i = 0; i < 2; i++) {
      incidents.push(
        await ctx.services.intake.create(systemActor('test'), anIncident({ people: [victim, aSuspect()] }), 'api'),
      )
    }
    const people = await ctx.deps.db
      .selectFrom('incident_person')
      .select(['id', 'incident_id'])
      .where('role', '=', 'victim')
      .execute()
    const [idva, sergeant] = [await actorFor('idva'), await actorFor('sergeant')]
    const at = (minutes: number) => new Date(FIXED_NOW.getTime() + minutes * 60_000)
    await recordAudit(ctx.deps.db, sergeant, at(1), {
      action: 'consult',
      recordType: 'incident',
      recordId: incidents[0]!.id,
      fields: ['force_reference', 'victim_name'],
      details: { view: 'triage_queue' },
    })
    await recordAudit(ctx.deps.db, idva, at(2), {
      action: 'consult',
      recordType: 'incident_person',
      recordId: people.find((p) => p.incident_id === incidents[1]!.id)!.id,
      fields: ['address'],
      justification: 'Planning a home visit',
      details: { incidentId: incidents[1]!.id },
    })
    const grant = await ctx.deps.db
      .insertInto('break_glass_grant')
      .values({
        user_id: sergeant.userId,
        action: 'incident:view',
        resource: 'incident',
        record_id: incidents[1]!.id,
        reason: 'Out-of-hours call about the victim',
        granted_at: at(3),
        expires_at: hoursAfter(1, at(3)),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    grantId = grant.id

    session = await browserSession(ctx)
    ;({ page, watch } = await session.tab())
  })

  after(async () => {
    await (session ? session.close() : ctx?.close())
  })

  const checkPage = (label: string) => checkTab({ page, watch }, label)

  it('shows the governance start page with the review work waiting', async () => {
    await page.goto(`${session.baseUrl}/governance`)
    await new SignInPage(page, session.baseUrl).signIn('governance')
    assert.equal(new URL(page.url()).pathname, '/governance')
    assert.match(await page.getByTestId('unreviewed-count').innerText(), /1 waiting for review/)
    await checkPage('governance start page')
  })

  it('shows the access policy as a table of every action by every role', async () => {
    const policy = await new PolicyPage(page, session.baseUrl).goto()
    assert.deepEqual(
      await policy.roles(),
      ROLES.map((r) => ROLE_LABELS[r]),
    )
    const cells = await policy.cells()
    assert.deepEqual([...cells.keys()], ACTIONS)
    assert.match(cells.get('health:view')![ROLES.indexOf('health_idva')]!, /Their agency/)
    assert.match(cells.get('health:view')![ROLES.indexOf('detective_sergeant')]!, /—/)
    await checkPage('access policy')
  })

  it('finds a person and shows who looked at their records across incidents', async () => {
    const search = await new PersonSearchPage(page, session.baseUrl).goto()
    await checkPage('person search')
    await search.search({ lastName: 'tested', dateOfBirth: { day: '12', month: '4', year: '1991' } })
    const found = await search.people()
    assert.equal(found.length, 1)
    assert.equal(found[0]!.name, 'Rowan Tested')
    for (const i of incidents) assert.match(found[0]!.text, new RegExp(i.forceReference))
    await checkPage('person search results')

    const log = await search.openLog('Rowan Tested')
    assert.equal(await log.heading(), 'Rowan Tested')
    const entries = await log.entries()
    const reveal = entries.find((e) => e.username === 'idva')!
    assert.equal(reveal.action, 'consult')
    assert.equal(reveal.justification, 'Planning a home visit')
    assert.equal(reveal.fields, 'address')
    assert.match(reveal.who, /Chris Demo \(Health IDVA\)[\s\S]*Health IDVA/)
    assert.ok(entries.some((e) => e.username === 'sergeant' && e.recordType === 'incident'))
    // The search itself is in the person's log: the IG lead consulted their names.
    assert.ok(entries.some((e) => e.username === 'governance' && e.recordType === 'incident_person'))
    assert.match(await log.exportHref(), /^\/governance\/access-log\.csv\?person=/)
    await checkPage('person access log')
  })

  it('filters the log by user and UK dates, and explains a date it cannot read', async () => {
    const log = await new AccessLogPage(page, session.baseUrl).goto()
    await log.filter({ username: 'idva', from: '23/11/2026', to: '23/11/2026' })
    const entries = await log.entries()
    assert.deepEqual(
      entries.map((e) => e.username),
      ['idva'],
    )
    assert.match(await log.total(), /^1 entry/)
    await checkPage('filtered access log')

    await log.filter({ username: '', from: '31/02/2026' })
    assert.deepEqual(await log.errors(), ['Enter a real date for "from", like 23/11/2026'])
    await checkPage('access log with an error')
  })

  it('reviews break-glass access', async () => {
    const glass = await new BreakGlassPage(page, session.baseUrl).goto()
    assert.equal(await glass.unreviewedCount(), 1)
    const [row] = await glass.rows()
    assert.equal(row!.grantId, grantId)
    assert.match(row!.text, /Out-of-hours call about the victim/)
    assert.match(row!.text, /DS Sam Demo/)
    await checkPage('break-glass list')

    await glass.openReview(grantId)
    await checkPage('break-glass review')
    await glass.review('Not justified')
    assert.deepEqual(await glass.errors(), ['Explain why the access was not justified'])
    await checkPage('break-glass review with an error')

    await glass.review('Not justified', 'No emergency on the record; discussed with the sergeant')
    assert.match((await glass.banner()) ?? '', /Review saved: Not justified/)
    assert.match((await glass.reviewSummary()) ?? '', /discussed with the sergeant/)
    await checkPage('reviewed break-glass access')

    await glass.goto('reviewed')
    assert.equal((await glass.rows())[0]!.reviewed, true)
    assert.equal(await glass.unreviewedCount(), 0)
  })
})
