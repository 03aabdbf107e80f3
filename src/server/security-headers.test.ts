import { after, before, it } from 'node:test'
import assert from 'node:assert/strict'
import { describeEachEngine } from '../test-support/db.ts'
import { testApp, type TestApp } from '../test-support/app.ts'

describeEachEngine('security headers', (engine) => {
  let t: TestApp
  let cookie: string
  let token: string
  before(async () => {
    t = await testApp(engine)
    cookie = (await t.signIn('sergeant')).cookie
    token = await t.bearer('sergeant')
  })
  after(() => t.close())

  const cases: [string, () => { url: string; headers?: Record<string, string> }][] = [
    ['a signed-in page', () => ({ url: '/triage', headers: { cookie } })],
    ['the sign-in page', () => ({ url: '/sign-in' })],
    ['an API response', () => ({ url: '/api/v1/triage/queue', headers: { authorization: `Bearer ${token}` } })],
    ['an API refusal', () => ({ url: '/api/v1/triage/queue' })],
    ['a missing page', () => ({ url: '/no-such-page' })],
    ['a stylesheet', () => ({ url: '/assets/app/provide.css' })],
    ['a static asset', () => ({ url: '/assets/app/init.js' })],
  ]
  for (const [name, request] of cases) {
    it(`sends CSP, HSTS, framing and sniffing protection on ${name}`, async () => {
      const res = await t.app.inject({ method: 'GET', ...request() })
      assert.match(String(res.headers['content-security-policy']), /frame-ancestors 'none'/)
      assert.match(String(res.headers['content-security-policy']), /script-src 'self' 'nonce-/)
      assert.match(String(res.headers['strict-transport-security']), /max-age=31536000/)
      assert.equal(res.headers['x-frame-options'], 'DENY')
      assert.equal(res.headers['x-content-type-options'], 'nosniff')
      assert.equal(res.headers['referrer-policy'], 'no-referrer')
    })
  }

  it('keeps pages and API responses with personal data out of caches', async () => {
    for (const [, request] of cases.slice(0, 4)) {
      const res = await t.app.inject({ method: 'GET', ...request() })
      assert.equal(res.headers['cache-control'], 'no-store', request().url)
    }
  })
})
