import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { testContext, type TestContext } from '../test-support/app.ts'
import { browserSession, checkTab, type BrowserSession, type BrowserTab } from '../test-support/browser.ts'
import { SignInPage } from '../test-support/pages/sign-in.ts'
import { TrackerPage } from '../test-support/pages/tracker.ts'
import { signOut } from '../test-support/pages/two-step.ts'
import { aPerson } from '../test-support/builders.ts'
import { aSeenVisit, peopleOn, safeContactSaying } from './test-fixtures.ts'

// PGlite only, as the other browser suites: the page tests run every query on both engines.
describe('an IDVA completing the tracker in the browser [pglite]', () => {
  let ctx: TestContext
  let session: BrowserSession
  let tab: BrowserTab
  let tracker: TrackerPage
  let incidentId: string
  let visitId: string
  let idvaId: string

  before(async () => {
    ctx = await testContext('pglite')
    const seen = await aSeenVisit(ctx, { victim: { lastName: 'Browser' } })
    incidentId = seen.incidentId
    visitId = seen.visitId
    session = await browserSession(ctx)
    tab = await session.tab()
    tracker = new TrackerPage(tab.page, session.baseUrl)
    idvaId = (await ctx.actor('idva')).userId
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
    // Kept as this user's: another user of the tablet is not offered it.
    const copy = copies[`provide.tracker.${idvaId}.${incidentId}.${first!.id}`] as { values: Record<string, unknown> }
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
  it('asks whom the contact was with on an incident with two victims, and saves the choice with the consultation', async () => {
    const two = await aSeenVisit(ctx, {
      victim: { firstName: 'Maria', lastName: 'Browser' },
      others: [aPerson({ firstName: 'Rosa', lastName: 'Browser', dateOfBirth: undefined })],
    })
    const consultationId = await ctx.services.consultations.request(await ctx.actor('sergeant'), two.incidentId, {
      question: 'Can the IDVA call the daughter?',
    })
    const rosa = (await peopleOn(ctx.deps.db, two.incidentId)).find((p) => p.first_name === 'Rosa')!
    await ctx.services.deployment.setSafeContact(
      await ctx.actor('idva'),
      rosa.id,
      safeContactSaying('Text her work phone'),
    )
    await tracker.open(two.incidentId, { consultation: consultationId })
    assert.equal(await tracker.chosen('Who was the contact with?'), null)
    assert.equal(await tracker.safeContact(), null)
    await checkTab(tab, 'tracker form asking whom the contact was with')

    await tracker.fill({ engagedInvestigation: 'Yes' })
    await tracker.waitForStatus(/^Not saved: Choose who the contact was with\. Your answers are kept on this device\.$/)
    const [request] = await Promise.all([
      tab.page.waitForRequest((r) => r.url().endsWith(`/api/v1/incidents/${two.incidentId}/tracker/drafts`)),
      tracker.chooseVictim('Rosa Browser'),
    ])
    assert.deepEqual(
      { ...request.postDataJSON(), values: undefined },
      { values: undefined, consultationId, personId: rosa.id },
      'the first save names the consultation and the victim',
    )
    await tracker.waitForStatus(/^Draft saved at/)
    const [saved] = await ctx.deps.db
      .selectFrom('tracker_contact')
      .selectAll()
      .where('incident_id', '=', two.incidentId)
      .execute()
    assert.deepEqual([saved?.person_id, saved?.consultation_id], [rosa.id, consultationId])
    assert.equal(saved?.draft?.engagedInvestigation, 'yes')
    // The draft is Rosa's: the page opened again says so, with her safe-contact details.
    await tab.page.reload()
    assert.match(await tab.page.getByTestId('contact-with').innerText(), /^With Rosa Browser, after the consultation/)
    assert.match((await tracker.safeContact()) ?? '', /Text her work phone/)
    tab.watch.failedAssets.splice(0) // the refused first save
    await checkTab(tab, 'tracker draft on an incident with two victims')
  })

  it('tells the IDVA to reload the page when their sign-in has ended, keeping the answers on the device', async () => {
    const seen = await aSeenVisit(ctx, { victim: { lastName: 'Signedout' } })
    await tracker.openFromVisit(seen.incidentId, seen.visitId)
    await tab.page.route('**/api/v1/**', (route) =>
      route.fulfill({ status: 403, contentType: 'application/json', body: '{"error":"forbidden","message":"No"}' }),
    )
    await tracker.fillText('Who else attended (roles, not names)', 'Support worker')
    await tracker.waitForStatus(
      /^Not saved: reload this page, and sign in again if asked\. The answers kept on this device are then offered back\.$/,
    )
    await tab.page.unroute('**/api/v1/**')
    await tab.page.reload()
    await tracker.restoreOffer().waitFor()
    await tracker.restoreFromDevice()
    assert.equal(await tracker.text('Who else attended (roles, not names)'), 'Support worker')
    await tracker.waitForStatus(/^Draft saved at/)
    tab.watch.failedAssets.splice(0) // the refused saves
  })

  it('offers a device copy only to the user who kept it, and drops every copy when a user signs out', async () => {
    const seen = await aSeenVisit(ctx, { victim: { lastName: 'Sharedtablet' } })
    await tab.page.route('**/api/v1/**', (route) => route.abort('internetdisconnected'))
    await tracker.openFromVisit(seen.incidentId, seen.visitId)
    await tracker.fillText('Who else attended (roles, not names)', 'Interpreter')
    await tracker.waitForStatus(/^Not saved: no connection/)
    const [kept, ...others] = Object.keys(await tracker.deviceCopies()).filter((k) => k.includes(seen.incidentId))
    assert.ok(kept?.startsWith(`provide.tracker.${idvaId}.${seen.incidentId}.new.`), kept)
    assert.deepEqual(others, [])

    // The next user of the tablet, the first never having signed out.
    await tab.context.clearCookies()
    await new SignInPage(tab.page, session.baseUrl).goto().then((p) => p.signIn('idva-2'))
    await tracker.openFromVisit(seen.incidentId, seen.visitId)
    assert.equal(await tracker.text('Who else attended (roles, not names)'), '')
    assert.equal(await tracker.restoreOffer().isVisible(), false, 'not offered another user’s answers')
    assert.equal(Object.keys(await tracker.deviceCopies()).length, 1)
    await tab.page.unroute('**/api/v1/**')

    await signOut(tab.page)
    assert.deepEqual(await tracker.deviceCopies(), {}, 'signing out drops every copy')
  })
})
