import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { testContext, type TestContext } from '../test-support/app.ts'
import { browserSession, checkTab, type BrowserSession, type BrowserTab } from '../test-support/browser.ts'
import { SignInPage } from '../test-support/pages/sign-in.ts'
import { TrackerPage } from '../test-support/pages/tracker.ts'
import { aSeenVisit } from './test-fixtures.ts'

// PGlite only, as the other browser suites: the page tests run every query on both engines.
describe('an IDVA completing the tracker in the browser [pglite]', () => {
  let ctx: TestContext
  let session: BrowserSession
  let tab: BrowserTab
  let tracker: TrackerPage
  let incidentId: string
  let visitId: string

  before(async () => {
    ctx = await testContext('pglite')
    const seen = await aSeenVisit(ctx, { victim: { lastName: 'Browser' } })
    incidentId = seen.incidentId
    visitId = seen.visitId
    session = await browserSession(ctx)
    tab = await session.tab()
    tracker = new TrackerPage(tab.page, session.baseUrl)
  })

  after(async () => {
    await (session ? session.close() : ctx?.close())
  })

  const contacts = () =>
    ctx.deps.db.selectFrom('tracker_contact').select('status').where('incident_id', '=', incidentId).execute()
  const draft = async () =>
    ctx.deps.db
      .selectFrom('tracker_contact')
      .selectAll()
      .where('incident_id', '=', incidentId)
      .where('status', '=', 'draft')
      .execute()

  it('opens the form from the visit with its defaults', async () => {
    await new SignInPage(tab.page, session.baseUrl).goto().then((p) => p.signIn('idva'))
    await tracker.openFromVisit(incidentId, visitId)
    assert.equal(await tracker.heading(), 'Record a contact')
    assert.equal(await tracker.chosen('Mode of contact'), 'Post-incident visit')
    assert.equal(await tracker.chosen('Where'), 'Home')
    assert.equal(await tracker.chosen('A health IDVA attended'), 'Yes')
    assert.equal(await tracker.chosen('A police officer attended'), 'Yes')
    assert.equal(await tracker.contactTime(), '23/11/2026 07:30')
    assert.equal(await tracker.text('Children in the household'), '0')
    assert.deepEqual(await draft(), [], 'opening the form creates nothing')
    await checkTab(tab, 'tracker form')
  })

  it('saves a draft as the IDVA goes, and keeps answers on the device while the connection is down', async () => {
    await tracker.fill({ support: ['Safety planning', 'Emotional support'], engagedInvestigation: 'Yes' })
    await tracker.waitForStatus(/^Draft saved at \d\d:\d\d$/)
    const [first] = await draft()
    assert.deepEqual(first?.draft?.supportOffered, ['safety_planning', 'emotional_support'])
    assert.equal(first?.visit_id, visitId)
    assert.match(tab.page.url(), new RegExp(`/incidents/${incidentId}/tracker/drafts/${first!.id}$`))

    await tab.context.setOffline(true)
    await tracker.fill({ engagedSafeguarding: 'Not asked', engagedSafeguardingReason: 'Suspect returned home' })
    await tracker.waitForStatus(/^Not saved: no connection\. Your answers are kept on this device/)
    const copies = await tracker.deviceCopies()
    const copy = copies[`provide.tracker.${incidentId}.${first!.id}`] as { values: Record<string, unknown> }
    assert.equal(copy.values.engagedSafeguardingReason, 'Suspect returned home')
    await checkTab(tab, 'tracker form, offline')

    await tab.context.setOffline(false)
    await tracker.waitForStatus(/^Draft saved at/)
    const [saved] = await draft()
    assert.equal(saved?.draft?.engagedSafeguarding, 'not_asked')
    assert.equal(saved?.draft?.engagedSafeguardingReason, 'Suspect returned home')
    assert.deepEqual(await tracker.deviceCopies(), {}, 'no copy left once the server has it')
  })

  it('offers back answers kept on the device when the server never got them', async () => {
    // The API unreachable while the page itself still loads, as when the signal drops mid-save.
    await tab.page.route('**/api/v1/**', (route) => route.abort('internetdisconnected'))
    await tracker.fillText('Who else attended (roles, not names)', 'Interpreter')
    await tracker.waitForStatus(/^Not saved: no connection/)
    await tab.page.reload()
    assert.equal(await tracker.text('Who else attended (roles, not names)'), '', 'the server’s draft lacks it')
    await tracker.restoreOffer().waitFor()
    await checkTab(tab, 'tracker form offering the device copy')
    await tab.page.unroute('**/api/v1/**')
    await tracker.restoreFromDevice()
    assert.equal(await tracker.text('Who else attended (roles, not names)'), 'Interpreter')
    await tracker.waitForStatus(/^Draft saved at/)
    assert.equal((await draft())[0]?.draft?.othersPresent, 'Interpreter')
  })

  it('refuses a submission with a missing answer and loses nothing', async () => {
    await tracker.submit()
    assert.deepEqual(await tracker.errors(), ['Say whether the victim consented to share information'])
    assert.deepEqual(await tracker.ticked('Support offered'), ['Safety planning', 'Emotional support'])
    assert.equal(await tracker.chosen('Engaged with safeguarding advice'), 'Not asked')
    assert.equal(await tracker.text('If not asked about safeguarding advice: why not'), 'Suspect returned home')
    assert.equal(await tracker.text('Who else attended (roles, not names)'), 'Interpreter')
    assert.equal((await draft()).length, 1, 'still the one draft')
    assert.deepEqual(await tracker.deviceCopies(), {})
    await checkTab(tab, 'tracker form with an error')
  })

  it('submits the completed contact and clears the device copy', async () => {
    await tracker.fill({ consentToShare: 'Yes', shareWith: ['Police', 'Housing'] })
    await tracker.submit()
    assert.equal(await tracker.confirmation(), 'Contact recorded')
    const recorded = await tracker.recorded()
    assert.equal(recorded['Support offered'], 'Safety planning, Emotional support')
    assert.equal(recorded['Engaged with safeguarding advice'], 'Not asked: Suspect returned home')
    assert.equal(recorded['Consent to share information'], 'Yes: Police, Housing')
    assert.deepEqual(await contacts(), [{ status: 'submitted' }], 'the draft became the contact')
    assert.deepEqual(await tracker.deviceCopies(), {})
    await checkTab(tab, 'tracker confirmation')
  })

  it('waits for the first autosave on its way before submitting, so the contact is recorded once', async () => {
    await tracker.openFromVisit(incidentId, visitId)
    // A slow connection: the server has made the draft, but its answer is still on its way when the IDVA submits.
    await tab.page.route('**/api/v1/**', async (route) => {
      const response = await route.fetch()
      await new Promise((resolve) => setTimeout(resolve, 500))
      await route.fulfill({ response })
    })
    await tracker.fillTypicalContact()
    await tab.page.waitForRequest('**/api/v1/**')
    await tracker.submit()
    await tab.page.unroute('**/api/v1/**')
    assert.equal(await tracker.confirmation(), 'Contact recorded')
    assert.deepEqual(await contacts(), [{ status: 'submitted' }, { status: 'submitted' }], 'no draft left behind')
  })
})
