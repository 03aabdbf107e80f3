import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { Page } from 'playwright-core'
import { testContext, type TestContext } from '../test-support/app.ts'
import { browserSession, checkTab, type BrowserSession, type PageWatch } from '../test-support/browser.ts'
import { SignInPage } from '../test-support/pages/sign-in.ts'
import { EnrolPage, RecoveryCodesPage, signOut, VerifyPage } from '../test-support/pages/two-step.ts'
import { writeSetting } from '../settings/settings.ts'
import { totp, TOTP_STEP_SECONDS } from './totp.ts'

// PGlite only, like the other browser suites: the service and route tests cover both engines.
describe('two-step sign-in in the browser [pglite]', () => {
  let ctx: TestContext
  let session: BrowserSession
  let page: Page
  let watch: PageWatch
  let secret: Buffer
  let recoveryCodes: string[]

  const path = () => new URL(page.url()).pathname
  const code = () => totp(secret, ctx.clock.now())

  before(async () => {
    ctx = await testContext('pglite')
    await writeSetting(ctx.deps.db, 'auth.mfaRequired', true)
    session = await browserSession(ctx)
    ;({ page, watch } = await session.tab())
  })

  after(async () => {
    await (session ? session.close() : ctx?.close())
  })

  const checkPage = (label: string) => checkTab({ page, watch }, label)

  // One sergeant's first sign-in where two-step sign-in is required, then the next ones.
  it('asks for an authenticator to be set up after the password, before anything else', async () => {
    await page.goto(`${session.baseUrl}/triage`)
    await new SignInPage(page, session.baseUrl).signIn('sergeant')
    assert.equal(path(), '/sign-in/enrol')
    assert.equal(await new SignInPage(page, session.baseUrl).heading(), 'Set up two-step sign-in')
    const enrol = new EnrolPage(page)
    assert.equal(await enrol.qrCodeLoaded(), true)
    secret = await enrol.secret()
    assert.match(await enrol.setupLink(), /^otpauth:\/\/totp\/Provide:sergeant\?secret=[A-Z2-7]{32}&issuer=Provide/)
    await checkPage('set up two-step sign-in')

    await enrol.confirm('000000')
    assert.equal(path(), '/sign-in/enrol')
    await checkPage('set up two-step sign-in, wrong code')
    await new EnrolPage(page).confirm(code())
  })

  it('shows ten recovery codes once, then goes where the user was going', async () => {
    const codesPage = new RecoveryCodesPage(page)
    recoveryCodes = await codesPage.codes()
    assert.equal(recoveryCodes.length, 10)
    await checkPage('recovery codes')
    await codesPage.done()
    assert.equal(path(), '/triage')
  })

  it('asks for a code at the next sign-in', async () => {
    await signOut(page)
    ctx.clock.advance(TOTP_STEP_SECONDS * 1000)
    await new SignInPage(page, session.baseUrl).signIn('sergeant')
    assert.equal(path(), '/sign-in/verify')
    await checkPage('enter your code')
    const verify = new VerifyPage(page)
    await verify.enter('000000')
    assert.deepEqual(await verify.errors(), ['The code is not right, or it has already been used'])
    await checkPage('enter your code, wrong code')
    await verify.enter(code())
    assert.equal(path(), '/')
  })

  it('signs in with a recovery code when the phone is lost, and says what to do next', async () => {
    await signOut(page)
    await new SignInPage(page, session.baseUrl).signIn('sergeant')
    await new VerifyPage(page).enter(recoveryCodes[0]!)
    assert.equal(path(), '/account/security')
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /You have 9 left/)
    await checkPage('sign-in security')
  })
})
