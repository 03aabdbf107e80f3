import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { testContext, type TestContext } from '../../test-support/app.ts'
import { browserSession, checkTab, type BrowserSession, type BrowserTab } from '../../test-support/browser.ts'
import { SignInPage } from '../../test-support/pages/sign-in.ts'

// PGlite only, like the other browser suites: the route tests run every query on both engines.
describe('the rota in the browser [pglite]', () => {
  let ctx: TestContext
  let session: BrowserSession
  let tab: BrowserTab
  const go = (path: string) => tab.page.goto(session.baseUrl + path)

  before(async () => {
    ctx = await testContext('pglite')
    const sergeant = await ctx.actor('sergeant')
    await ctx.services.rota.createBase(sergeant, {
      name: 'Blackpool police station',
      area: 'Blackpool',
      latitude: 53.8143,
      longitude: -3.0503,
    })
    await ctx.services.rota.createVehicle(sergeant, { callSign: 'Provide 1', registration: 'PN21 ABC' })
    session = await browserSession(ctx)
    tab = await session.tab()
    await new SignInPage(tab.page, session.baseUrl).goto().then((p) => p.signIn('sergeant'))
  })
  after(async () => {
    await (session ? session.close() : ctx?.close())
  })

  it('sets up a shift and its rota, with accessible pages and errors', async () => {
    const { page } = tab
    await go('/rota')
    await checkTab(tab, 'week')
    await page.getByTestId('add-shift').click()
    await checkTab(tab, 'add a shift')
    await page.getByLabel('Team').selectOption({ label: 'Op Provide: Blackpool, Fylde and Wyre' })
    await page.getByLabel('Other times').check()
    await page.getByLabel('Start time').fill('07:00')
    await page.getByLabel('End time').fill('21:00')
    await page.getByLabel('Base').selectOption({ label: 'Blackpool police station (Blackpool)' })
    await page.getByTestId('save-shift').click()
    await checkTab(tab, 'add a shift, with errors')
    assert.match(await page.locator('.govuk-error-summary').innerText(), /at most 12 hours long: this one is 14 hours/)
    assert.equal(await page.getByLabel('End time').inputValue(), '21:00', 'what was typed is kept')

    await page.getByLabel('Early, 07:00 to 15:00').check()
    await page.getByLabel('Vehicle').selectOption({ label: 'Provide 1 (PN21 ABC)' })
    await page.getByTestId('save-shift').click()
    await checkTab(tab, 'shift')
    assert.match(await page.locator('[data-testid="readiness"]').innerText(), /No health IDVA is on this shift’s rota/)

    await page.getByRole('link', { name: 'Change who is on' }).first().click()
    await checkTab(tab, 'who is on')
    await page.getByLabel('PC Jo Demo').check()
    await page.getByLabel('Chris Demo (Health IDVA)').check()
    await page.getByTestId('save-members').click()
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /Rota saved/)
    assert.equal(await page.locator('[data-testid="readiness"]').count(), 0)
  })

  it('has accessible bases, vehicles and rotations pages', async () => {
    for (const [path, label] of [
      ['/rota/bases', 'bases'],
      ['/rota/bases/new', 'add a base'],
      ['/rota/vehicles', 'vehicles'],
      ['/rota/vehicles/new', 'add a vehicle'],
      ['/rota/rotations', 'rotations'],
      ['/rota/rotations/new', 'add a rotation'],
    ] as const) {
      await go(path)
      await checkTab(tab, label)
    }
    await tab.page.getByLabel('Officer').selectOption({ label: 'PC Alex Demo (officer)' })
    await tab.page.getByLabel('Response team they come from').fill('Response team C, Blackpool')
    await tab.page.getByTestId('save-rotation').click()
    await checkTab(tab, 'rotations, after adding one')
    // PC Alex's rotation, and PC Jo on today's shift as officer.
    assert.equal(await tab.page.getByTestId('served-total').innerText(), '2')
  })
})
