import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { Page } from 'playwright-core'
import { testContext, type TestContext } from '../test-support/app.ts'
import { browserSession, checkTab, type BrowserSession, type PageWatch } from '../test-support/browser.ts'
import { SignInPage } from '../test-support/pages/sign-in.ts'
import { AdminUsersPage } from '../test-support/pages/admin-users.ts'
import { AdminNewUserPage } from '../test-support/pages/admin-user-form.ts'
import { AdminUserPage } from '../test-support/pages/admin-user.ts'

// PGlite only, like the triage journey: the routes and service tests run every query on both engines.
describe('administering users in the browser [pglite]', () => {
  let ctx: TestContext
  let session: BrowserSession
  let page: Page
  let newcomer: Page
  let watch: PageWatch
  let form: AdminNewUserPage
  let account: AdminUserPage
  let password: string

  before(async () => {
    ctx = await testContext('pglite')
    session = await browserSession(ctx)
    ;({ page, watch } = await session.tab())
    // The new user signs in from their own browser, with their own cookies.
    ;({ page: newcomer } = await session.tab())
  })

  after(async () => {
    await (session ? session.close() : ctx?.close())
  })

  const checkPage = (label: string) => checkTab({ page, watch }, label)

  it('shows an administrator the users, with the administration sections', async () => {
    await page.goto(`${session.baseUrl}/admin/users`)
    await new SignInPage(page, session.baseUrl).signIn('admin')
    const users = new AdminUsersPage(page, session.baseUrl)
    assert.equal(new URL(page.url()).pathname, '/admin/users')
    assert.equal(await users.heading(), 'Users')
    assert.deepEqual(await users.sections(), { names: ['Users', 'Teams', 'Agencies'], current: 'Users' })
    const rows = await users.rows()
    assert.ok(rows.some((r) => r.username === 'sergeant' && r.roles === 'Detective sergeant' && r.status === 'Active'))
    await checkPage('users')
    await page.screenshot({ path: '/tmp/provide-admin-users.png', fullPage: true })

    await users.filter({ agency: 'Blackpool Teaching Hospitals NHS Foundation Trust (demo)' })
    assert.deepEqual(
      (await users.rows()).map((r) => r.username),
      ['idva', 'idva-2'],
    )
    await checkPage('users filtered by agency')
  })

  it('explains what is wrong with an incomplete new user', async () => {
    form = await new AdminUsersPage(page, session.baseUrl).addUser()
    assert.equal(await form.heading(), 'Add a user')
    await checkPage('add a user')
    await form.submit({
      username: 'Jo Example',
      displayName: 'Jo Example',
      agency: 'Blackpool Teaching Hospitals NHS Foundation Trust (demo) (NHS organisation)',
      roles: ['Detective sergeant'],
      password: 'short',
    })
    assert.equal(await page.title(), 'Error: Add a user - Provide')
    assert.deepEqual(await form.errors(), [
      'Username must be 3 to 40 characters: lower-case letters, numbers, dots, hyphens and underscores',
      'The temporary password must be at least 12 characters',
    ])
    assert.equal(await form.followError('The temporary password must be at least 12 characters'), 'password')
    await checkPage('add a user with errors')
    await page.screenshot({ path: '/tmp/provide-admin-user-errors.png', fullPage: true })

    await form.submit({ username: 'jo.example', password: 'a-long-enough-password' })
    assert.deepEqual(await form.errors(), ['Detective sergeant is not a role in an NHS organisation'])
    await checkPage('add a user with a role that does not fit')
  })

  it('adds the user with a generated password, shown once', async () => {
    await page.getByRole('group', { name: 'Roles' }).getByLabel('Detective sergeant', { exact: true }).uncheck()
    await form.submit({ roles: ['Health IDVA'] })
    assert.equal(await page.title(), 'User added - Provide')
    password = (await form.temporaryPassword())!
    assert.match(password, /^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/)
    await checkPage('user added')
    await page.screenshot({ path: '/tmp/provide-admin-user-added.png', fullPage: true })

    account = await form.viewUser()
    assert.equal(await account.heading(), 'Jo Example')
    assert.equal(await account.summary('Username'), 'jo.example')
    assert.equal(await account.summary('Roles'), 'Health IDVA')
    assert.equal(await account.status(), 'Active')
    assert.ok(!(await page.content()).includes(password), 'the password is not shown again')
    await checkPage('user')
  })

  it('lets the new user sign in', async () => {
    await newcomer.goto(`${session.baseUrl}/sign-in`)
    await new SignInPage(newcomer, session.baseUrl).signIn('jo.example', password)
    await newcomer.goto(`${session.baseUrl}/`)
    assert.match(await newcomer.locator('.app-user-bar').innerText(), /Signed in as Jo Example/)
  })

  it('disables the account after asking, ending the user’s session at once', async () => {
    await account.startDisabling()
    assert.equal((await page.getByRole('heading', { level: 1 }).innerText()).trim(), 'Disable Jo Example’s account?')
    await checkPage('disable an account')
    await account.confirm()
    assert.match((await account.banner()) ?? '', /Account disabled/)
    assert.equal(await account.status(), 'Disabled')
    assert.equal(await account.canDisable(), false)
    await checkPage('disabled user')
    await page.screenshot({ path: '/tmp/provide-admin-user-disabled.png', fullPage: true })

    // Their next request finds them signed out.
    await newcomer.reload()
    assert.equal(new URL(newcomer.url()).pathname, '/sign-in')
  })

  it('lists the account among the disabled ones', async () => {
    const users = await new AdminUsersPage(page, session.baseUrl).goto()
    await users.filter({ status: 'Disabled' })
    assert.deepEqual(await users.rows(), [
      {
        username: 'jo.example',
        name: 'Jo Example',
        agency: 'Blackpool Teaching Hospitals NHS Foundation Trust (demo)',
        roles: 'Health IDVA',
        status: 'Disabled',
      },
    ])
    await checkPage('disabled users')
  })

  it('shows the teams and agencies pages without accessibility faults', async () => {
    for (const [section, heading] of [
      ['teams', 'Teams'],
      ['agencies', 'Agencies'],
    ] as const) {
      await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: heading }).click()
      await page.waitForURL((url) => url.pathname === `/admin/${section}`)
      assert.equal((await page.getByRole('heading', { level: 1 }).innerText()).trim(), heading)
      await checkPage(section)
    }
    await page.getByRole('link', { name: 'Lancashire Constabulary (demo)' }).click()
    await page.waitForURL(/\/admin\/agencies\/[0-9a-f-]{36}$/)
    await checkPage('agency')
    await page.screenshot({ path: '/tmp/provide-admin-agency.png', fullPage: true })
    await page.goto(`${session.baseUrl}/admin/teams/new`)
    await checkPage('add a team')
  })

  it('loaded every stylesheet, script, font and image on the way', () => {
    assert.deepEqual([...new Set(watch.failedAssets)].sort(), [])
  })
})
