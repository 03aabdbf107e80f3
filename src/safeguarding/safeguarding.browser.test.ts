import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { testContext, type TestContext } from '../test-support/app.ts'
import { aPerson, aSuspect } from '../test-support/builders.ts'
import { aVictim } from './test-fixtures.ts'
import { browserSession, checkTab, type BrowserSession, type BrowserTab } from '../test-support/browser.ts'
import { SignInPage } from '../test-support/pages/sign-in.ts'
import { ActionPage, ActionsListPage, RaiseActionPage } from '../test-support/pages/actions.ts'
import { HandOverPage, HandoverViewPage } from '../test-support/pages/handover.ts'

const THIRD_SECTOR = 'Third-sector support (for example Women’s Aid)'
const CHILDRENS = "Children's services"
const SAFE_CONTACT = 'Phone call only; only while the suspect is in custody'

// PGlite only: the service and route tests run every query on both engines.
describe('safeguarding actions in the browser [pglite]', () => {
  let ctx: TestContext
  let session: BrowserSession
  let victimId: string
  const tabs: Record<string, BrowserTab> = {}

  before(async () => {
    ctx = await testContext('pglite')
    ;({ id: victimId } = await aVictim(ctx, {
      childrenPresent: true,
      people: [aPerson({ firstName: 'Jane', lastName: 'Ashworth' }), aSuspect()],
    }))
    await ctx.services.deployment.setSafeContact(await ctx.actor('idva'), victimId, {
      methods: ['phone'],
      onlyWhileSuspectInCustody: true,
      windows: [],
      notes: null,
    })
    session = await browserSession(ctx)
    for (const username of ['idva', 'safeguarding', 'provide-officer']) {
      const tab = await session.tab()
      await new SignInPage(tab.page, session.baseUrl).goto()
      await new SignInPage(tab.page, session.baseUrl).signIn(username)
      tabs[username] = tab
    }
  })

  after(async () => {
    await (session ? session.close() : ctx?.close())
  })

  it('lets an IDVA raise two referrals, suggesting the safeguarding team and children’s services', async () => {
    const tab = tabs.idva!
    const raise = await new RaiseActionPage(tab.page, session.baseUrl).goto(victimId)
    assert.equal(await raise.heading(), 'Raise an action or referral')
    assert.match((await raise.suggestion()) ?? '', /Children were present/)
    assert.match(await raise.suggestedOwner(), /^Safeguarding: West division/)
    await checkTab(tab, 'raise page')

    await raise.raise({ kind: THIRD_SECTOR, details: 'Wants help with housing' })
    assert.deepEqual(await raise.errors(), ['Enter the service it is referred to, like Women’s Aid Preston'])
    await checkTab(tab, 'raise page with errors')
    await raise.raise({ kind: THIRD_SECTOR, referredTo: 'Women’s Aid Preston' })
    const action = new ActionPage(tab.page, session.baseUrl)
    assert.equal(await action.banner(), 'Success Action raised')
    assert.equal(await action.heading(), THIRD_SECTOR)
    assert.equal(await action.status(), 'Requested')
    assert.equal(await action.victimLink(), `/victims/${victimId}`)
    assert.match((await action.summary()).Owner!, /^Safeguarding: West division/)
    assert.equal(await action.canUpdate(), false, 'the safeguarding team owns it')
    assert.equal(await action.safeContact(), SAFE_CONTACT)
    await checkTab(tab, 'action page')

    await raise.goto(victimId)
    await raise.raise({ kind: CHILDRENS, referredTo: 'Blackpool Children’s Services', dueOn: '2026-11-24' })
    assert.equal((await action.summary()).Due, '24 Nov 2026')
  })

  it('shows the safeguarding officer both, and lets them complete one', async () => {
    const tab = tabs.safeguarding!
    const list = await new ActionsListPage(tab.page, session.baseUrl).goto()
    await list.openTab('team')
    assert.deepEqual(await list.tabs(), ['Assigned to me (0)', 'My team’s (2)', 'My agency’s (2)', 'Raised by me (0)'])
    const rows = await list.rows()
    assert.deepEqual(
      rows.map((r) => [r.kind, r.status, r.due]),
      [
        [CHILDRENS, 'Requested', '24 Nov 2026'],
        [THIRD_SECTOR, 'Requested', '7 Dec 2026'],
      ],
    )
    assert.ok(rows.every((r) => r.victim.startsWith('Jane Ashworth')))
    assert.deepEqual(await list.counts(), { overdue: 0, dueToday: 0 })
    await checkTab(tab, 'my actions')

    const action = await list.open(THIRD_SECTOR, 'Jane Ashworth')
    assert.deepEqual(await action.statusChoices(), ['Accepted', 'In progress', 'Declined'])
    await action.assignToMe()
    assert.equal((await action.summary())['Assigned to'], 'DC Lee Demo')
    await action.changeStatus('Declined')
    assert.deepEqual(await action.errors(), ['Say why it was declined, for the victim’s record'])
    await checkTab(tab, 'action page with errors')
    await action.changeStatus('Accepted')
    await action.changeStatus('Done', { note: 'Referred by phone; Women’s Aid will call her on Tuesday' })
    assert.equal(await action.status(), 'Done')
    assert.equal(await action.canUpdate(), false)
    assert.deepEqual(
      (await action.history()).map((h) => h.status),
      ['Done', 'Accepted', 'Requested'],
    )
    assert.match((await action.history())[0]!.text, /Women’s Aid will call her on Tuesday/)
    await checkTab(tab, 'closed action')

    await list.goto('mine')
    assert.deepEqual(await list.rows(), [])
    await list.goto('mine', true)
    assert.deepEqual(
      (await list.rows()).map((r) => r.kind),
      [THIRD_SECTOR],
    )
  })

  it('hands the victim over from the joint team to the safeguarding team, who accept it', async () => {
    const joint = tabs['provide-officer']!
    const handOver = await new HandOverPage(joint.page, session.baseUrl).goto(victimId)
    assert.deepEqual(await handOver.teams(), ['Safeguarding: West division'])
    assert.equal((await handOver.openActions()).length, 1)
    assert.equal(await handOver.safeContact(), SAFE_CONTACT)
    await checkTab(joint, 'hand-over page')
    await handOver.handOver('Too short')
    assert.match((await handOver.errors())[0]!, /Write a summary of at least/)
    await handOver.handOver('Visited with the IDVA. Children’s services referral open; she wants texts only.')
    const sent = new HandoverViewPage(joint.page, session.baseUrl)
    assert.equal(await sent.state(), 'Waiting')
    assert.equal(await sent.canAccept(), false)
    await checkTab(joint, 'hand-over sent')

    const tab = tabs.safeguarding!
    const list = await new ActionsListPage(tab.page, session.baseUrl).goto()
    assert.match((await list.handovers())[0]!, /Jane Ashworth/)
    await checkTab(tab, 'my actions with a hand-over waiting')
    const view = await new HandoverViewPage(tab.page, session.baseUrl).goto(
      new URL(joint.page.url()).pathname.split('/')[2]!,
    )
    assert.equal(await view.safeContact(), SAFE_CONTACT, 'read before the first call')
    await view.accept('Lee will call her on Monday')
    assert.equal(await view.state(), 'Accepted')
    assert.equal((await view.summary()).Note, 'Lee will call her on Monday')
    await checkTab(tab, 'hand-over accepted')
  })
})
