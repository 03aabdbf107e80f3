import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { testContext, type TestContext } from '../test-support/app.ts'
import { browserSession, checkTab, type BrowserSession, type BrowserTab } from '../test-support/browser.ts'
import { SignInPage } from '../test-support/pages/sign-in.ts'
import { AppointmentContactPage, AppointmentsPage } from '../test-support/pages/appointments.ts'
import { createVictims, fixture } from './test-fixtures.ts'

// PGlite only: the service and route tests run every query on both engines.
describe('NHS appointments in the browser [pglite]', () => {
  let ctx: TestContext
  let session: BrowserSession
  let tab: BrowserTab
  let victims: Record<string, string>

  before(async () => {
    ctx = await testContext('pglite')
    ;({ victims } = await createVictims(ctx))
    // The fixtures' appointments are in June 2026.
    ctx.clock.set('2026-06-01T09:00:00Z')
    session = await browserSession(ctx)
    tab = await session.tab()
    await new SignInPage(tab.page, session.baseUrl).goto()
    await new SignInPage(tab.page, session.baseUrl).signIn('idva')
  })

  after(async () => {
    await (session ? session.close() : ctx?.close())
  })

  it('lets an IDVA import a bundle: every problem first, then what was saved and ignored', async () => {
    const page = await new AppointmentsPage(tab.page, session.baseUrl).goto()
    await checkTab(tab, 'appointments page')

    await page.upload('bad-dates.json', JSON.stringify(fixture('bad-dates.json')))
    const errors = await page.errors()
    assert.equal(errors.length, 7)
    assert.match(errors[0]!, /^entry\[0\]\.resource\.start: start has no time zone/)
    assert.equal(await page.followError(errors[0]!), 'bundleFile')
    await checkTab(tab, 'appointments page with errors')

    await page.upload('appointments.json', JSON.stringify(fixture('valid-searchset.json')))
    assert.equal(await page.errors().then((e) => e.length), 0)
    assert.equal(await page.summary(), '4 appointments for 3 victims; 4 entries ignored')
    assert.deepEqual((await page.ignored())[0], ['entry[3]', 'the appointment was cancelled'])
    await checkTab(tab, 'import result')
  })

  it('plans a discreet contact with a note, and lists it on the appointments page', async () => {
    const [dental] = (await ctx.services.health.forVictim(await ctx.actor('idva'), victims.Sam!))!.appointments
    const plan = await new AppointmentContactPage(tab.page, session.baseUrl).goto(victims.Sam!, dental!.id)
    assert.equal(await plan.heading(), 'Plan a discreet contact')
    assert.equal(await plan.safeContact(), 'Not recorded')
    assert.deepEqual(await plan.warnings(), [])
    await checkTab(tab, 'plan a contact')
    // Safe only on Mondays: the dental appointment is on a Tuesday.
    await ctx.services.deployment.setSafeContact(await ctx.actor('idva'), victims.Sam!, {
      methods: ['text'],
      onlyWhileSuspectInCustody: false,
      windows: [{ weekday: 1, startMinute: 600, endMinute: 720 }],
    })
    await plan.goto(victims.Sam!, dental!.id)
    assert.equal(await plan.safeContact(), 'Text message only; Mon 10:00–12:00')
    assert.deepEqual(await plan.warnings(), [
      'The appointment, 9 Jun 2026, 14:00 to 14:30, is not within the safe-contact times (Mon 10:00–12:00): the shift planner will not place a visit outside them.',
    ])
    await checkTab(tab, 'plan a contact with a warning')
    await plan.plan('x'.repeat(501))
    assert.deepEqual(await plan.errors(), ['The note must be 500 characters or fewer'])
    await checkTab(tab, 'plan a contact with errors')
    // The victim's record is the case page's: the contact is listed on the appointments page.
    await plan.plan('Meet by the pharmacy')
    const page = await new AppointmentsPage(tab.page, session.baseUrl).goto()
    assert.deepEqual(await page.planned(), [
      [
        '9 Jun 2026, 14:00 to 14:30',
        'Sam Example',
        'Dental',
        'Fakebridge Dental Practice\n12 Sample Street, Fakebridge ZZ2 2ZZ',
        'Chris Demo (Health IDVA)\nMeet by the pharmacy',
      ],
    ])
    await checkTab(tab, 'appointments page with a planned contact')
  })
})
