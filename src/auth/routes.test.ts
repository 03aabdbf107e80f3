import { after, before, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { describeEachEngine } from '../test-support/db.ts'
import { testApp, type TestApp } from '../test-support/app.ts'
import { FIXED_NOW } from '../test-support/clock.ts'
import { DEMO_PASSWORD } from '../demo/seed.ts'
import { buildApp } from '../server/app.ts'
import { systemActor } from './actor.ts'
import { SESSION_ABSOLUTE_MS } from './service.ts'

const MINUTE_MS = 60_000
const DAY_MS = 24 * 60 * MINUTE_MS

describeEachEngine('auth routes', (engine) => {
  let t: TestApp

  const postSignIn = (payload: Record<string, string>) =>
    t.app.inject({ method: 'POST', url: '/sign-in', headers: { accept: 'text/html' }, payload })
  const get = (url: string, cookie?: string) =>
    t.app.inject({ method: 'GET', url, headers: { accept: 'text/html', ...(cookie ? { cookie } : {}) } })
  const withBearer = (url: string, token: string) =>
    t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })
  const setDisabled = (username: string, at: Date | null) =>
    t.deps.db.updateTable('app_user').set({ disabled_at: at }).where('username', '=', username).execute()
  // The page without what legitimately differs between two requests: the echoed username and the CSP nonce.
  const normalise = (html: string, username: string) =>
    html.replaceAll(`value="${username}"`, 'value=""').replace(/nonce="[^"]*"/g, 'nonce=""')
  const signedIn = async (res: { statusCode: number; headers: Record<string, unknown> }) => {
    assert.equal(res.statusCode, 302)
    return String(res.headers['set-cookie']).split(';')[0]!
  }

  before(async () => {
    t = await testApp(engine)
  })
  after(() => t.close())
  beforeEach(async () => {
    t.clock.set(FIXED_NOW)
    await t.deps.db.updateTable('app_user').set({ disabled_at: null }).execute()
  })

  describe('sign-in', () => {
    it('sets an HttpOnly, SameSite=Lax session cookie for the whole site', async () => {
      const res = await postSignIn({ username: 'sergeant', password: DEMO_PASSWORD })
      assert.equal(res.statusCode, 302)
      assert.equal(res.headers.location, '/')
      const cookie = String(res.headers['set-cookie'])
      assert.match(cookie, /^provide_session=[\w-]{40,};/)
      const attributes = cookie
        .split(';')
        .slice(1)
        .map((a) => a.trim().toLowerCase())
      assert.ok(attributes.includes('httponly'), cookie)
      assert.ok(attributes.includes('samesite=lax'), cookie)
      assert.ok(attributes.includes('path=/'), cookie)
      assert.ok(!attributes.includes('secure'), 'the test app runs over plain HTTP')
      const home = await get('/', cookie.split(';')[0])
      assert.equal(home.statusCode, 200)
      assert.match(home.body, /Signed in as <strong>DS Sam Demo<\/strong>/)
    })

    it('marks the cookie Secure, and sends HSTS, when configured for HTTPS', async () => {
      const app = await buildApp({ ...t.deps, config: { ...t.deps.config, cookieSecure: true } })
      try {
        const res = await app.inject({
          method: 'POST',
          url: '/sign-in',
          payload: { username: 'sergeant', password: DEMO_PASSWORD },
        })
        assert.match(String(res.headers['set-cookie']), /;\s*Secure/i)
        assert.match(String(res.headers['strict-transport-security']), /max-age=\d+/)
      } finally {
        await app.close()
      }
    })

    it('gives a wrong password and an unknown user the same answer', async () => {
      const cases = [
        { username: 'sergeant', password: 'wrong-password' },
        { username: 'nosuchuser', password: DEMO_PASSWORD },
        { username: 'idva', password: DEMO_PASSWORD, disabled: true },
      ]
      const answers: { status: number; body: string }[] = []
      for (const c of cases) {
        if (c.disabled) await setDisabled(c.username, FIXED_NOW)
        const res = await postSignIn({ username: c.username, password: c.password })
        assert.equal(res.headers['set-cookie'], undefined)
        assert.match(res.body, /The username or password is not right/)
        answers.push({ status: res.statusCode, body: normalise(res.body, c.username) })
      }
      assert.equal(answers[0]!.status, 401)
      for (const a of answers.slice(1)) assert.deepEqual(a, answers[0])
    })

    it('audits failed sign-ins', async () => {
      const failed = () =>
        t.deps.db.selectFrom('audit_event').selectAll().where('action', '=', 'sign_in_failed').execute()
      const before = (await failed()).length
      await postSignIn({ username: 'sergeant', password: 'wrong-password' })
      await postSignIn({ username: 'nosuchuser', password: 'wrong-password' })
      const rows = (await failed()).slice(before)
      assert.deepEqual(rows.map((r) => (r.details as { username: string }).username).sort(), ['nosuchuser', 'sergeant'])
      assert.ok(rows.every((r) => typeof (r.details as { requestId?: string }).requestId === 'string'))
    })

    it('asks for a missing username or password', async () => {
      const res = await postSignIn({ username: '', password: '' })
      assert.equal(res.statusCode, 400)
      assert.match(res.body, /Enter your username/)
      assert.match(res.body, /Enter your password/)
    })

    const returnTos: { returnTo: string; location: string }[] = [
      { returnTo: '/triage?risk=high&area=Fylde', location: '/triage?risk=high&area=Fylde' },
      { returnTo: '/custody', location: '/custody' },
      // A GET form encodes spaces as '+'
      { returnTo: '/triage?area=Fylde+Coast&sort=risk', location: '/triage?area=Fylde+Coast&sort=risk' },
      { returnTo: '//evil.example', location: '/' },
      { returnTo: '//evil.example/triage', location: '/' },
      { returnTo: 'https://evil.example/', location: '/' },
      { returnTo: '/\\evil.example', location: '/' },
      { returnTo: '/%0d%0aSet-Cookie:x=1', location: '/' },
      { returnTo: 'javascript:alert(1)', location: '/' },
      { returnTo: '', location: '/' },
    ]
    for (const r of returnTos) {
      it(`after signing in, returnTo ${JSON.stringify(r.returnTo)} goes to ${r.location}`, async () => {
        const res = await postSignIn({ username: 'sergeant', password: DEMO_PASSWORD, returnTo: r.returnTo })
        assert.equal(res.statusCode, 302)
        assert.equal(res.headers.location, r.location)
      })
    }

    it('carries returnTo through the sign-in page, keeping only local paths', async () => {
      const local = await get(`/sign-in?returnTo=${encodeURIComponent('/triage?risk=high')}`)
      assert.match(local.body, /name="returnTo" value="\/triage\?risk=high"/)
      const evil = await get('/sign-in?returnTo=//evil.example')
      assert.match(evil.body, /name="returnTo" value="\/"/)
      const cookie = await signedIn(await postSignIn({ username: 'sergeant', password: DEMO_PASSWORD }))
      const already = await get('/sign-in?returnTo=//evil.example', cookie)
      assert.equal(already.statusCode, 302)
      assert.equal(already.headers.location, '/')
    })
  })

  describe('sessions', () => {
    it('refuses a disabled user’s existing session on the next request', async () => {
      const { cookie, csrf } = await t.signIn('safeguarding')
      assert.equal((await get('/triage', cookie)).statusCode, 200)
      await setDisabled('safeguarding', FIXED_NOW)
      const page = await get('/triage', cookie)
      assert.equal(page.statusCode, 302)
      assert.equal(page.headers.location, '/sign-in?returnTo=%2Ftriage')
      const api = await t.app.inject({
        method: 'GET',
        url: '/api/v1/custody',
        headers: { cookie, 'x-csrf-token': csrf },
      })
      assert.equal(api.statusCode, 401)
    })

    const idle: { minutes: number; status: number }[] = [
      { minutes: 14, status: 200 },
      { minutes: 16, status: 302 },
    ]
    for (const c of idle) {
      it(`after ${c.minutes} idle minutes a page answers ${c.status}`, async () => {
        const { cookie } = await t.signIn('sergeant')
        t.clock.advance(c.minutes * MINUTE_MS)
        const res = await get('/triage', cookie)
        assert.equal(res.statusCode, c.status)
        if (c.status === 302) assert.match(String(res.headers.location), /^\/sign-in\?returnTo=/)
      })
    }

    it('ends a session that is kept busy once the absolute limit passes', async () => {
      const { cookie } = await t.signIn('sergeant')
      const end = FIXED_NOW.getTime() + SESSION_ABSOLUTE_MS
      while (t.clock.now().getTime() + 14 * MINUTE_MS < end) {
        t.clock.advance(14 * MINUTE_MS)
        assert.equal((await get('/', cookie)).statusCode, 200, t.clock.now().toISOString())
      }
      t.clock.set(new Date(end))
      assert.equal((await get('/', cookie)).statusCode, 302)
    })

    it('signs out: revokes the session, clears the cookie and what the device kept', async () => {
      const { cookie, csrf } = await t.signIn('sergeant')
      const res = await t.app.inject({
        method: 'POST',
        url: '/sign-out',
        headers: { cookie },
        payload: { _csrf: csrf },
      })
      assert.equal(res.statusCode, 302)
      assert.equal(res.headers.location, '/sign-in')
      assert.match(String(res.headers['set-cookie']), /^provide_session=;.*(Expires=Thu, 01 Jan 1970|Max-Age=0)/i)
      assert.equal(res.headers['clear-site-data'], '"storage"', 'unsaved answers kept on the device go too')
      // A copy of the old cookie is worthless now.
      assert.equal((await get('/', cookie)).statusCode, 302)
    })

    it('does not sign out on a forged request without the CSRF token', async () => {
      const { cookie } = await t.signIn('sergeant')
      const res = await t.app.inject({ method: 'POST', url: '/sign-out', headers: { cookie }, payload: {} })
      assert.equal(res.statusCode, 403)
      assert.equal((await get('/', cookie)).statusCode, 200)
    })
  })

  describe('API tokens', () => {
    const url = '/api/v1/custody'
    const issue = async (username = 'sergeant', expiresInDays = 30) =>
      t.services.auth.createApiToken(systemActor('test'), { username, name: 'test', expiresInDays })

    it('accepts a valid token', async () => {
      const { token } = await issue()
      const res = await withBearer(url, token)
      assert.equal(res.statusCode, 200)
      assert.equal(res.headers['set-cookie'], undefined)
    })

    it('refuses a revoked token', async () => {
      const { id, token } = await issue()
      await t.services.auth.revokeApiToken(systemActor('test'), id)
      const res = await withBearer(url, token)
      assert.equal(res.statusCode, 401)
      assert.equal(res.json().error, 'unauthorised')
    })

    it('refuses an expired token', async () => {
      const { token } = await issue('sergeant', 7)
      t.clock.advance(7 * DAY_MS + MINUTE_MS)
      assert.equal((await withBearer(url, token)).statusCode, 401)
    })

    it('refuses the token of a disabled user', async () => {
      const { token } = await issue('idva')
      assert.equal((await withBearer(url, token)).statusCode, 200)
      await setDisabled('idva', FIXED_NOW)
      assert.equal((await withBearer(url, token)).statusCode, 401)
    })

    it('refuses made-up tokens and malformed headers', async () => {
      assert.equal((await withBearer(url, 'prv_made-up')).statusCode, 401)
      assert.equal((await withBearer(url, '')).statusCode, 401)
      const basic = await t.app.inject({ method: 'GET', url, headers: { authorization: 'Basic c2VyZ2VhbnQ6eA==' } })
      assert.equal(basic.statusCode, 401)
    })

    it('keeps the token out of the database', async () => {
      const { token } = await issue()
      await withBearer(url, token)
      for (const table of ['api_token', 'audit_event'] as const) {
        const rows = await t.deps.db.selectFrom(table).selectAll().execute()
        assert.ok(!JSON.stringify(rows).includes(token.slice(4)), table)
      }
    })
  })

  describe('security headers', () => {
    it('are on every page', async () => {
      const { cookie } = await t.signIn('sergeant')
      for (const url of ['/triage', '/sign-in', '/no-such-page']) {
        const res = await get(url, url === '/sign-in' ? undefined : cookie)
        const csp = String(res.headers['content-security-policy'])
        assert.match(csp, /frame-ancestors 'none'/, url)
        assert.match(csp, /default-src 'self'/, url)
        assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, url)
        assert.equal(res.headers['x-content-type-options'], 'nosniff', url)
        assert.equal(res.headers['x-frame-options'], 'DENY', url)
        assert.equal(res.headers['referrer-policy'], 'no-referrer', url)
        assert.equal(res.headers['cache-control'], 'no-store', url)
        // The page's own script carries this response's nonce.
        const nonce = /'nonce-([^']+)'/.exec(csp)?.[1]
        assert.ok(nonce && res.body.includes(`nonce="${nonce}"`), url)
      }
    })

    it('give each response a fresh nonce', async () => {
      const nonce = async () =>
        /'nonce-([^']+)'/.exec(String((await get('/sign-in')).headers['content-security-policy']))?.[1]
      assert.notEqual(await nonce(), await nonce())
    })

    it('keep API answers out of caches', async () => {
      const { token } = await t.services.auth.createApiToken(systemActor('test'), {
        username: 'sergeant',
        name: 'test',
        expiresInDays: 1,
      })
      const res = await withBearer('/api/v1/triage/queue', token)
      assert.equal(res.headers['cache-control'], 'no-store')
      assert.match(String(res.headers['content-security-policy']), /frame-ancestors 'none'/)
    })
  })
})
