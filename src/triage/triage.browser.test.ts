import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { Page } from 'playwright-core'
import { systemActor } from '../auth/actor.ts'
import { testContext, type TestContext } from '../test-support/app.ts'
import { anIncident, aPerson, aSuspect, inCustody } from '../test-support/builders.ts'
import { browserSession, checkTab, type BrowserSession, type PageWatch } from '../test-support/browser.ts'
import { SignInPage } from '../test-support/pages/sign-in.ts'
import { TriageQueuePage } from '../test-support/pages/triage-queue.ts'
import { IncidentPage } from '../test-support/pages/incident.ts'
import { CustodyBoardPage } from '../test-support/pages/custody-board.ts'

// PGlite only: this suite tests the pages a user sees, and the service tests already run every
// query on both engines. A second browser run on PostgreSQL would add time, not coverage.
describe('triage in the browser [pglite]', () => {
  let ctx: TestContext
  let session: BrowserSession
  let page: Page
  let watch: PageWatch
  let incident: IncidentPage
  const ref: Record<string, string> = {}

  before(async () => {
    ctx = await testContext('pglite')
    const seed = async (key: string, overrides: Parameters<typeof anIncident>[0]) => {
      const created = await ctx.services.intake.create(systemActor('test'), anIncident(overrides), 'api')
      ref[key] = created.forceReference
    }
    const at = (area: string) => ({ address: '1 Example Street', postcode: 'FY1 1AA', area })
    const victim = (lastName: string) => aPerson({ lastName })
    await seed('blackpoolHighInCustody', {
      risk: 'high',
      location: at('Blackpool'),
      people: [victim('Ashworth'), aSuspect({ lastName: 'Held', custody: inCustody(1, 6) })],
    })
    await seed('blackpoolHigh', { risk: 'high', location: at('Blackpool'), people: [victim('Brennan'), aSuspect()] })
    await seed('blackpoolMedium', {
      risk: 'medium',
      location: at('Blackpool'),
      healthNeeds: true,
      people: [victim('Carter'), aSuspect()],
    })
    await seed('fyldeHigh', { risk: 'high', location: at('Fylde'), people: [victim('Dawson'), aSuspect()] })
    await seed('wyreStandard', {
      risk: 'standard',
      location: at('Wyre'),
      reportedHoursAgo: 5,
      people: [victim('Evans'), aSuspect({ lastName: 'Waiting', custody: inCustody(2, 1) })],
    })
    await seed('lancasterMedium', {
      risk: 'medium',
      location: at('Lancaster'),
      childrenPresent: true,
      people: [victim('Fletcher'), aSuspect()],
    })

    session = await browserSession(ctx)
    ;({ page, watch } = await session.tab())
  })

  after(async () => {
    await (session ? session.close() : ctx?.close())
  })

  const checkPage = (label: string) => checkTab({ page, watch }, label)

  // The steps below are one sergeant's morning, in order: each starts where the last ended.
  it('sends a signed-out user to sign in, then back to the queue', async () => {
    await page.goto(`${session.baseUrl}/triage`)
    const signIn = new SignInPage(page, session.baseUrl)
    assert.equal(await signIn.heading(), 'Sign in to Provide')
    await checkPage('sign-in page')

    await signIn.signIn('sergeant')
    assert.equal(new URL(page.url()).pathname, '/triage')
  })

  it('shows every incident in the window on the queue', async () => {
    const queue = new TriageQueuePage(page, session.baseUrl)
    assert.equal(await queue.total(), 6)
    const rows = await queue.rows()
    assert.deepEqual(new Set(rows.map((r) => r.reference)), new Set(Object.values(ref)))
    await checkPage('triage queue')
    await page.screenshot({ path: '/tmp/provide-queue.png', fullPage: true })
  })

  it('filters the queue to high-risk incidents in Blackpool', async () => {
    const queue = new TriageQueuePage(page, session.baseUrl)
    await queue.filter({ areas: ['Blackpool'], risks: ['High'] })
    const url = new URL(page.url())
    assert.deepEqual(url.searchParams.getAll('area'), ['Blackpool'])
    assert.deepEqual(url.searchParams.getAll('risk'), ['high'])

    const rows = await queue.rows()
    assert.deepEqual(rows.map((r) => r.reference).sort(), [ref.blackpoolHigh, ref.blackpoolHighInCustody].sort())
    for (const row of rows) {
      assert.equal(row.risk, 'High')
      assert.equal(row.status, 'Not yet decided')
      assert.match(row.text, /Blackpool/)
    }
    // The ticked filters survive the reload, so the sergeant sees what the list is showing.
    assert.equal(
      await page.getByRole('group', { name: 'Area' }).getByLabel('Blackpool', { exact: true }).isChecked(),
      true,
    )
    assert.equal(
      await page.getByRole('group', { name: 'Risk level' }).getByLabel('High', { exact: true }).isChecked(),
      true,
    )
    await checkPage('filtered triage queue')
  })

  it('opens an incident from the queue', async () => {
    const queue = new TriageQueuePage(page, session.baseUrl)
    incident = await queue.openIncident(ref.blackpoolHighInCustody!)
    assert.equal(await incident.heading(), `Incident ${ref.blackpoolHighInCustody}`)
    assert.equal(await incident.currentDecision(), 'Not yet decided')
    assert.deepEqual(await incident.history(), [])
    assert.equal(await incident.banner(), null)
    await checkPage('incident page')
    await page.screenshot({ path: '/tmp/provide-incident.png', fullPage: true })
  })

  it('records a decision and shows it in the banner and the history', async () => {
    await incident.recordDecision({ decision: 'Attend (post-incident visit)', reason: 'High risk' })
    assert.equal(new URL(page.url()).searchParams.get('saved'), '1')
    assert.match((await incident.banner()) ?? '', /Decision recorded: Attend \(post-incident visit\)/)
    assert.equal(await incident.currentDecision(), 'Attend (post-incident visit)')
    const history = await incident.history()
    assert.equal(history.length, 1)
    assert.match(history[0]!, /^Attend \(post-incident visit\): High risk DS Sam Demo,/)
    assert.doesNotMatch(history[0]!, /superseded/)
    await checkPage('incident page after saving')
  })

  it('asks for details when the reason is "Other", keeping what was entered', async () => {
    await incident.recordDecision({ decision: 'Consultation only', reason: 'Other (explain)' })
    assert.equal(await page.title(), `Error: Incident ${ref.blackpoolHighInCustody} - Provide`)
    assert.deepEqual(await incident.errors(), ['Explain the reason when you choose "Other"'])
    assert.match((await incident.fieldError(/Details/)) ?? '', /Explain the reason when you choose "Other"/)
    assert.deepEqual(await incident.formValues(), { decision: 'consultation', reason: 'other', details: '' })
    // The error summary's link takes keyboard users to the field at fault.
    await page.locator('.govuk-error-summary__list a').first().click()
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'reasonText')
    // Nothing was saved: the earlier decision still stands.
    assert.equal(await incident.banner(), null)
    assert.equal((await incident.history()).length, 1)
    await checkPage('incident page with errors')
  })

  it('saves the changed decision once explained, keeping the earlier one in the history', async () => {
    // Minutes pass before a sergeant changes their mind; on the fixed clock both decisions would
    // share a timestamp, and the history has no tie-break that keeps them in the order made.
    ctx.clock.advance(10 * 60_000)
    await incident.recordDecision({
      decision: 'Consultation only',
      reason: 'Other (explain)',
      details: 'Victim asked for advice by phone first',
    })
    assert.equal(new URL(page.url()).searchParams.get('saved'), '1')
    assert.match((await incident.banner()) ?? '', /Decision recorded: Consultation only/)
    assert.equal(await incident.currentDecision(), 'Consultation only')
    const history = await incident.history()
    assert.equal(history.length, 2)
    assert.match(
      history[0]!,
      /^Consultation only: Other \(explain\) \(Victim asked for advice by phone first\) DS Sam Demo,/,
    )
    assert.doesNotMatch(history[0]!, /superseded/)
    assert.match(history[1]!, /^Attend \(post-incident visit\): High risk DS Sam Demo, .*\(superseded\)$/)
    await checkPage('incident page after changing the decision')
  })

  it('shows the decision on the queue', async () => {
    const queue = await new TriageQueuePage(page, session.baseUrl).goto()
    const row = (await queue.rows()).find((r) => r.reference === ref.blackpoolHighInCustody)
    assert.equal(row?.status, 'Consultation only')
  })

  it('lists suspects in custody on the custody board', async () => {
    const board = await new CustodyBoardPage(page, session.baseUrl).openFromNavigation()
    const rows = await board.rows()
    // Soonest release first: the Wyre suspect is due out in an hour, the Blackpool one in six.
    assert.deepEqual(
      rows.map((r) => [r.reference, r.suspect]),
      [
        [ref.wyreStandard, 'John Waiting'],
        [ref.blackpoolHighInCustody, 'John Held'],
      ],
    )
    await checkPage('custody board')
  })

  // Checked once at the end, so a missing font or icon is one clear failure, not every step's.
  it('loaded every stylesheet, script, font and image on the way', () => {
    assert.deepEqual([...new Set(watch.failedAssets)].sort(), [])
  })
})
