import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { testContext, type TestContext } from '../test-support/app.ts'
import { browserSession, checkTab, type BrowserSession, type BrowserTab } from '../test-support/browser.ts'
import { SignInPage } from '../test-support/pages/sign-in.ts'
import { ShiftPlanPage } from '../test-support/pages/shift-plan.ts'
import { TrackerPage } from '../test-support/pages/tracker.ts'
import { CasePage } from '../test-support/pages/case.ts'
import { ActionPage, ActionsListPage, RaiseActionPage } from '../test-support/pages/actions.ts'
import { aSeenVisit } from '../engagement/test-fixtures.ts'
import { aPerson } from '../test-support/builders.ts'
import { victimOn } from './test-data.ts'

const WOMENS_AID = 'Third-sector support (for example Women’s Aid)'
const CHILDRENS = "Children's services"

/**
 * The victim's record end to end, as issue 5 asks: after a joint visit, the IDVA completes the
 * tracker from the shift plan, raises two referrals from the victim's record, and the
 * safeguarding officer sees both and completes one; every page passes axe-core's checks.
 */
describe('the victim’s record from a visit to a completed referral [pglite]', () => {
  let ctx: TestContext
  let session: BrowserSession
  let visit: { incidentId: string; visitId: string; shiftId: string }
  let victimId: string
  const tabs: Record<string, BrowserTab> = {}

  before(async () => {
    ctx = await testContext('pglite')
    visit = await aSeenVisit(ctx, {
      victim: aPerson({ firstName: 'Mara', lastName: 'Quigley' }),
      childrenPresent: true,
    })
    victimId = await victimOn(ctx.deps.db, visit.incidentId)
    session = await browserSession(ctx)
    for (const username of ['idva', 'safeguarding']) {
      const tab = await session.tab()
      await new SignInPage(tab.page, session.baseUrl).goto()
      await new SignInPage(tab.page, session.baseUrl).signIn(username)
      tabs[username] = tab
    }
  })

  after(async () => {
    await (session ? session.close() : ctx?.close())
  })

  it('lets the IDVA complete the tracker from the visit on the shift plan', async () => {
    const tab = tabs.idva!
    const plan = await new ShiftPlanPage(tab.page, session.baseUrl).goto(visit.shiftId)
    await checkTab(tab, 'shift plan with a visit done')
    await Promise.all([
      tab.page.waitForURL(/\/tracker\/new\?visit=/),
      plan.page.getByTestId('complete-tracker').first().click(),
    ])
    const tracker = new TrackerPage(tab.page, session.baseUrl)
    assert.equal(await tracker.chosen('Mode of contact'), 'Post-incident visit')
    await checkTab(tab, 'tracker form')
    await tracker.fillTypicalContact()
    await tracker.fill({ childrenCount: '2' })
    await tracker.submit()
    assert.equal(await tracker.confirmation(), 'Contact recorded')
    await checkTab(tab, 'tracker confirmation')

    const record = await new CasePage(tab.page, session.baseUrl).goto(victimId)
    assert.match(await record.heading(), /Mara Quigley/)
    const timeline = await record.timeline()
    assert.ok(
      timeline.some((e) => e.kind === 'contact'),
      `the contact is on the timeline: ${JSON.stringify(timeline.map((e) => e.kind))}`,
    )
    await checkTab(tab, 'victim’s record')
  })

  it('lets the IDVA raise two referrals from the victim’s record', async () => {
    const tab = tabs.idva!
    const record = await new CasePage(tab.page, session.baseUrl).goto(victimId)
    await record.follow('Raise an action')
    const raise = new RaiseActionPage(tab.page, session.baseUrl)
    assert.match((await raise.suggestion()) ?? '', /Children were present/)
    await checkTab(tab, 'raise a referral')
    await raise.raise({ kind: WOMENS_AID, referredTo: 'Women’s Aid Blackpool', details: 'Outreach support' })
    assert.equal(await new ActionPage(tab.page, session.baseUrl).status(), 'Requested')
    await raise.goto(victimId)
    await raise.raise({ kind: CHILDRENS, referredTo: 'Blackpool Children’s Services' })
    await checkTab(tab, 'referral raised')
    const raised = await new ActionsListPage(tab.page, session.baseUrl).goto('raised')
    assert.deepEqual((await raised.rows()).map((r) => r.kind).sort(), [CHILDRENS, WOMENS_AID].sort())
    await checkTab(tab, 'referrals raised by the IDVA')

    await record.goto(victimId)
    assert.deepEqual(
      (await record.openActions()).map((a) => a.text.split(':')[0]),
      [CHILDRENS, WOMENS_AID].sort((a, b) => (a === CHILDRENS ? -1 : b === CHILDRENS ? 1 : 0)),
    )
  })

  it('shows the safeguarding officer both referrals and lets them complete one', async () => {
    const tab = tabs.safeguarding!
    const list = await new ActionsListPage(tab.page, session.baseUrl).goto()
    await list.openTab('team')
    const rows = await list.rows()
    assert.deepEqual(rows.map((r) => r.kind).sort(), [CHILDRENS, WOMENS_AID].sort())
    assert.ok(rows.every((r) => r.victim.startsWith('Mara Quigley')))
    await checkTab(tab, 'my team’s actions')

    const action = await list.open(WOMENS_AID, 'Mara Quigley')
    await action.assignToMe()
    await action.changeStatus('Accepted')
    await action.changeStatus('Done', { note: 'Women’s Aid will call her on Tuesday' })
    assert.equal(await action.status(), 'Done')
    assert.deepEqual(
      (await action.history()).map((h) => h.status),
      ['Done', 'Accepted', 'Requested'],
    )
    await checkTab(tab, 'referral done')

    const record = await new CasePage(tab.page, session.baseUrl).goto(victimId)
    assert.deepEqual(
      (await record.openActions()).map((a) => a.text.split(':')[0]),
      [CHILDRENS],
    )
    assert.ok(
      (await record.timeline()).some((e) => e.title === `${WOMENS_AID}: done`),
      'the referral done is on the timeline',
    )
    await checkTab(tab, 'victim’s record for the safeguarding officer')
  })
})
