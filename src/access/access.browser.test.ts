import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { testContext, type TestContext } from '../test-support/app.ts'
import { anIncident, aPerson, aSuspect } from '../test-support/builders.ts'
import { browserSession, checkTab, type BrowserSession, type BrowserTab } from '../test-support/browser.ts'
import { SignInPage } from '../test-support/pages/sign-in.ts'
import { IncidentPage } from '../test-support/pages/incident.ts'
import { AccessLogPage } from '../test-support/pages/governance-access-log.ts'

const NHS = '9434765919'
const ADDRESS = '7 Quiet Close'
const REASON = 'Planning a joint visit with the health IDVA'

// PGlite only, like the other browser suites: the service and route tests cover both engines.
describe('health separation and masked addresses in the browser [pglite]', () => {
  let ctx: TestContext
  let session: BrowserSession
  let id: string
  let reference: string

  before(async () => {
    ctx = await testContext('pglite')
    const created = await ctx.services.intake.create(
      await ctx.actor('sergeant'),
      anIncident({
        risk: 'high',
        healthNeeds: true,
        healthNeedsNotes: 'Pregnant, 30 weeks; antenatal care at Blackpool Victoria',
        people: [aPerson({ lastName: 'Whitlock', nhsNumber: NHS, address: ADDRESS, postcode: 'FY1 2BB' }), aSuspect()],
      }),
      'api',
    )
    id = created.id
    reference = created.forceReference
    session = await browserSession(ctx)
  })

  after(async () => {
    await (session ? session.close() : ctx?.close())
  })

  /** A fresh browser context signed in as `username`: each user has their own cookies. */
  async function signedIn(username: string): Promise<BrowserTab> {
    const tab = await session.tab()
    await new SignInPage(tab.page, session.baseUrl).goto().then((p) => p.signIn(username))
    return tab
  }

  it('shows the health panel to the health IDVA', async () => {
    const tab = await signedIn('idva')
    const { context, page } = tab
    const incident = await new IncidentPage(page, session.baseUrl).goto(id)
    const panel = await incident.healthPanel()
    assert.ok(panel?.includes(NHS), panel ?? 'no health panel')
    assert.match(panel!, /Pregnant, 30 weeks/)
    await checkTab(tab, 'incident page for an IDVA')
    await context.close()
  })

  it('shows the same incident to a sergeant without the health panel, and with the address hidden', async () => {
    const tab = await signedIn('sergeant')
    const { context, page } = tab
    const incident = await new IncidentPage(page, session.baseUrl).goto(id)
    assert.equal(await incident.heading(), `Incident ${reference}`)
    assert.equal(await incident.healthPanel(), null)
    const html = await page.content()
    assert.ok(!html.includes(NHS) && !html.includes('Pregnant'), 'no health data anywhere in the page')
    assert.ok(!html.includes(ADDRESS), 'the address is not in the page')
    assert.match((await incident.people())[0]!, /Address hidden Reveal/)
    await checkTab(tab, 'incident page for a sergeant')

    // Revealing asks why; an empty reason is refused; a reason shows the address on this view only.
    await incident.startReveal('address', 'Jane Whitlock')
    assert.equal(await incident.heading(), 'Why do you need to see this address?')
    await checkTab(tab, 'reveal reason page')
    await incident.giveReason('')
    assert.deepEqual(await incident.errors(), ['Give the reason you need to see this, in at least 5 characters'])
    await incident.giveReason(REASON)
    assert.match((await incident.people())[0]!, new RegExp(ADDRESS))
    assert.match((await incident.notice())!, /Shown for this page view only/)
    await checkTab(tab, 'incident page with the address revealed')

    await incident.goto(id)
    assert.ok(!(await page.content()).includes(ADDRESS), 'hidden again on the next view')
    await context.close()
  })

  it("lists the reveal, with its reason, in the record's access log", async () => {
    const tab = await signedIn('governance')
    const { context, page } = tab
    const log = await new AccessLogPage(page, session.baseUrl).goto({ record: reference })
    const reveal = (await log.entries()).find((e) => e.justification === REASON)
    assert.ok(reveal, 'the reveal is in the log')
    assert.equal(reveal.username, 'sergeant')
    assert.equal(reveal.action, 'consult')
    assert.match(reveal.fields, /address/)
    const idvaViews = (await log.entries()).filter((e) => e.username === 'idva')
    assert.ok(idvaViews.length > 0, "the IDVA's view is logged too")
    await checkTab(tab, 'access log')
    await context.close()
  })
})
