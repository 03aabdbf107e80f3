import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { testApp, type TestApp } from '../test-support/app.ts'
import { DEMO_PASSWORD } from '../demo/seed.ts'
import { RateLimiter } from './rate-limits.ts'

describe('RateLimiter', () => {
  it('allows the limit in a window, refuses the rest until the window ends, per key', () => {
    let now = 1_000_000
    const limiter = new RateLimiter(3, 60_000, () => now)
    assert.deepEqual(
      [1, 2, 3, 4].map(() => limiter.hit('a').allowed),
      [true, true, true, false],
    )
    assert.equal(limiter.hit('b').allowed, true) // another client has its own count
    now += 20_000
    assert.deepEqual(limiter.hit('a'), { allowed: false, retryAfterSeconds: 40 })
    now += 39_999
    assert.deepEqual(limiter.hit('a'), { allowed: false, retryAfterSeconds: 1 })
    now += 1
    assert.equal(limiter.hit('a').allowed, true)
  })

  it('forgets ended windows once it holds many keys', () => {
    let now = 0
    const limiter = new RateLimiter(1, 1000, () => now)
    for (let i = 0; i < 10_000; i++) limiter.hit(`k${i}`)
    now = 1000
    limiter.hit('new')
    assert.equal(limiter.size, 1)
  })
})

// Needs `registerRateLimits` called in buildApp. PGlite only: the limits are in memory, not the database.
describe('rate limits in the app [pglite]', () => {
  let t: TestApp
  before(async () => {
    t = await testApp('pglite', { signInRateLimitPerMinute: 3, apiRateLimitPerMinute: 5 })
  })
  after(() => t.close())

  it('answers sign-in attempts beyond the limit with 429, Retry-After and the error page', async () => {
    const attempt = (url: string) =>
      t.app.inject({
        method: 'POST',
        url,
        headers: { accept: 'text/html' },
        payload: { username: 'sergeant', password: 'wrong-password' },
      })
    for (let i = 0; i < 3; i++) assert.equal((await attempt('/sign-in')).statusCode, 401)
    const limited = await attempt('/sign-in')
    assert.equal(limited.statusCode, 429)
    const wait = Number(limited.headers['retry-after'])
    assert.ok(wait >= 1 && wait <= 60, String(wait))
    assert.match(String(limited.headers['content-type']), /text\/html/)
    assert.match(limited.body, /Too many sign-in attempts from your network. Wait \d+ seconds? and try again./)
    assert.match(String(limited.headers['content-security-policy']), /frame-ancestors 'none'/)
    // The second-factor page counts against the same address; reading the sign-in page does not.
    assert.equal((await attempt('/sign-in/verify')).statusCode, 429)
    assert.equal((await t.app.inject({ method: 'GET', url: '/sign-in' })).statusCode, 200)
    // Refused before the password is looked at: even the right one.
    const right = await t.app.inject({
      method: 'POST',
      url: '/sign-in',
      payload: { username: 'sergeant', password: DEMO_PASSWORD },
    })
    assert.equal(right.statusCode, 429)
  })

  it('limits the API per bearer token, answering in JSON', async () => {
    const call = (token: string) =>
      t.app.inject({ method: 'GET', url: '/api/v1/custody', headers: { authorization: `Bearer ${token}` } })
    const token = await t.bearer('sergeant')
    for (let i = 0; i < 5; i++) assert.equal((await call(token)).statusCode, 200)
    const limited = await call(token)
    assert.equal(limited.statusCode, 429)
    assert.ok(Number(limited.headers['retry-after']) >= 1)
    assert.equal(limited.headers['cache-control'], 'no-store')
    assert.deepEqual(Object.keys(limited.json()).sort(), ['error', 'message', 'retryAfterSeconds'])
    assert.equal(limited.json().error, 'rate_limited')
    assert.match(limited.json().message, /Too many requests. Wait \d+ seconds? and try again./)
    // Another token has its own allowance.
    assert.equal((await call(await t.bearer('idva'))).statusCode, 200)
  })

  it('limits the API per address without a token', async () => {
    const call = () => t.app.inject({ method: 'GET', url: '/api/v1/custody', remoteAddress: '192.0.2.7' })
    for (let i = 0; i < 5; i++) assert.equal((await call()).statusCode, 401)
    assert.equal((await call()).statusCode, 429)
    const other = await t.app.inject({ method: 'GET', url: '/api/v1/custody', remoteAddress: '192.0.2.8' })
    assert.equal(other.statusCode, 401)
  })
})
