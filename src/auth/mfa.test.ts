import { after, before, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { describeEachEngine } from '../test-support/db.ts'
import { testApp, TEST_SECRET_KEY, type TestApp } from '../test-support/app.ts'
import { FIXED_NOW } from '../test-support/clock.ts'
import { DEMO_PASSWORD } from '../demo/seed.ts'
import { writeSetting } from '../settings/settings.ts'
import { systemActor } from './actor.ts'
import { MfaService, MAX_FACTOR_FAILURES } from './mfa-service.ts'
import { AuthService } from './service.ts'
import { base32Decode, base32Encode, totp, TOTP_STEP_SECONDS } from './totp.ts'
import { sha256 } from './tokens.ts'

const MINUTE_MS = 60_000
const STEP_MS = TOTP_STEP_SECONDS * 1000
type Response = Awaited<ReturnType<TestApp['app']['inject']>>

describeEachEngine('two-step sign-in', (engine) => {
  let t: TestApp
  let mfa: MfaService

  const html = { accept: 'text/html' }
  const cookieOf = (res: Response) => {
    const header = res.headers['set-cookie']
    return header ? String(header).split(';')[0]! : undefined
  }
  const csrfIn = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1]
  const get = (url: string, cookie?: string) =>
    t.app.inject({ method: 'GET', url, headers: { ...html, ...(cookie ? { cookie } : {}) } })
  const post = (url: string, payload: Record<string, string>, cookie?: string) =>
    t.app.inject({ method: 'POST', url, headers: { ...html, ...(cookie ? { cookie } : {}) }, payload })
  const postSignIn = (username: string, password = DEMO_PASSWORD, cookie?: string) =>
    post('/sign-in', { username, password }, cookie)
  /** Posts a code on the page's form, with the page's CSRF token. */
  const submitCode = async (url: string, code: string, cookie: string, formPage = url) => {
    const page = await get(formPage, cookie)
    return post(url, { code, _csrf: csrfIn(page.body) ?? '' }, cookie)
  }
  const codeNow = (secret: Buffer) => totp(secret, t.clock.now())
  const nextStep = () => t.clock.advance(STEP_MS)
  const setRequired = (on: boolean) => writeSetting(t.deps.db, 'auth.mfaRequired', on)
  const audits = (action: string) =>
    t.deps.db.selectFrom('audit_event').selectAll().where('action', '=', action).orderBy('id').execute()
  const statusOf = (body: string) =>
    /Two-step sign-in\s*<\/dt>\s*<dd class="govuk-summary-list__value">\s*(On|Off)\s*</.exec(body)?.[1]
  const isSignedIn = async (cookie: string | undefined) => (await get('/', cookie)).statusCode === 200

  const SAME = /The username or password is not right/
  const wrong = (username: string) => postSignIn(username, 'wrong-password')
  const failTimes = async (username: string, n: number) => {
    for (let i = 0; i < n; i++) assert.equal((await wrong(username)).statusCode, 401)
  }

  /** Sets up an authenticator for a user through the service; the code used is then spent. */
  const enrol = async (username: string) => {
    const actor = await t.actor(username)
    const enrolment = await mfa.enrolment({ id: actor.userId, username })
    const secret = base32Decode(enrolment.secret)
    const codes = await mfa.confirmEnrolment(actor, codeNow(secret), null)
    assert.ok(codes)
    nextStep()
    return { secret, codes }
  }

  /** Password, then a code: the signed-in cookie. */
  const signInWithCode = async (username: string, code: string) => {
    const pending = cookieOf(await postSignIn(username))!
    const res = await submitCode('/sign-in/verify', code, pending)
    return { res, pending, cookie: cookieOf(res) }
  }

  before(async () => {
    t = await testApp(engine)
    // The app's key: what the service writes, the pages read.
    mfa = new MfaService(t.deps.db, t.clock, TEST_SECRET_KEY)
  })
  after(() => t.close())
  beforeEach(async () => {
    t.clock.set(FIXED_NOW)
    await setRequired(false)
    await t.deps.db.deleteFrom('user_totp').execute()
    await t.deps.db.deleteFrom('user_recovery_code').execute()
    await t.deps.db.deleteFrom('sign_in_throttle').execute()
    await t.deps.db.updateTable('app_user').set({ disabled_at: null }).execute()
  })

  describe('signing in with a code', () => {
    it('leaves a user with an authenticator half signed in after the password', async () => {
      await enrol('sergeant')
      const res = await postSignIn('sergeant')
      assert.equal(res.statusCode, 302)
      assert.equal(res.headers.location, '/sign-in/verify')
      const pending = cookieOf(res)!
      assert.equal(await isSignedIn(pending), false)
      assert.equal(await t.services.auth.resolveSession(pending.split('=')[1]!, null), null)
      const page = await get('/sign-in/verify', pending)
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /Enter your code/)
      assert.ok(csrfIn(page.body))
    })

    it('signs in with a code from the app, under a new session id', async () => {
      const { secret } = await enrol('sergeant')
      const { res, pending, cookie } = await signInWithCode('sergeant', codeNow(secret))
      assert.equal(res.statusCode, 303)
      assert.equal(res.headers.location, '/')
      assert.ok(cookie && cookie !== pending)
      assert.equal(await isSignedIn(cookie), true)
      assert.equal(await isSignedIn(pending), false) // the half-signed-in id is revoked
      assert.deepEqual((await audits('sign_in')).at(-1)?.details, { factor: 'totp' })
    })

    it('keeps where the user was going through both steps', async () => {
      const { secret } = await enrol('sergeant')
      const res = await post('/sign-in', { username: 'sergeant', password: DEMO_PASSWORD, returnTo: '/triage' })
      assert.equal(res.headers.location, '/sign-in/verify?returnTo=%2Ftriage')
      const pending = cookieOf(res)!
      const page = await get('/sign-in/verify?returnTo=%2Ftriage', pending)
      const done = await post(
        '/sign-in/verify',
        { code: codeNow(secret), returnTo: '/triage', _csrf: csrfIn(page.body)! },
        pending,
      )
      assert.equal(done.headers.location, '/triage')
    })

    it('accepts the code of the step before or after (clock drift), not two away', async () => {
      const { secret } = await enrol('sergeant')
      const codeAt = (steps: number) => totp(secret, new Date(t.clock.now().getTime() + steps * STEP_MS))
      t.clock.advance(4 * STEP_MS)
      assert.equal((await signInWithCode('sergeant', codeAt(-2))).res.statusCode, 401)
      assert.equal((await signInWithCode('sergeant', codeAt(-1))).res.statusCode, 303)
      nextStep()
      assert.equal((await signInWithCode('sergeant', codeAt(2))).res.statusCode, 401)
      assert.equal((await signInWithCode('sergeant', codeAt(1))).res.statusCode, 303)
    })

    it('refuses a code used before, even in its own 30 seconds (replay)', async () => {
      const { secret } = await enrol('sergeant')
      const code = codeNow(secret)
      assert.equal((await signInWithCode('sergeant', code)).res.statusCode, 303)
      const again = await signInWithCode('sergeant', code)
      assert.equal(again.res.statusCode, 401)
      assert.match(again.res.body, /The code is not right, or it has already been used/)
      assert.equal(again.cookie, undefined)
      nextStep()
      assert.equal((await signInWithCode('sergeant', codeNow(secret))).res.statusCode, 303)
    })

    it('signs in once with each recovery code, and says how many are left', async () => {
      const { codes } = await enrol('idva')
      const first = await signInWithCode('idva', codes[0]!.toUpperCase())
      assert.equal(first.res.statusCode, 303)
      assert.equal(first.res.headers.location, '/account/security?recoveryCodeUsed=1')
      const page = await get('/account/security?recoveryCodeUsed=1', first.cookie)
      assert.match(page.body, /signed in with a recovery code/)
      assert.match(page.body, /You have 9 left/)
      assert.deepEqual((await audits('sign_in')).at(-1)?.details, { factor: 'recovery_code' })
      const reused = await signInWithCode('idva', codes[0]!)
      assert.equal(reused.res.statusCode, 401)
      assert.equal((await signInWithCode('idva', codes[1]!)).res.statusCode, 303)
    })

    it('ends the half-signed-in session after five wrong codes', async () => {
      const { secret } = await enrol('analyst')
      const pending = cookieOf(await postSignIn('analyst'))!
      for (let i = 1; i < MAX_FACTOR_FAILURES; i++) {
        const res = await submitCode('/sign-in/verify', '000000', pending)
        assert.equal(res.statusCode, 401, `attempt ${i}`)
        assert.match(res.body, /The code is not right/)
      }
      const last = await submitCode('/sign-in/verify', '000000', pending)
      assert.equal(last.statusCode, 401)
      assert.match(last.body, /Too many wrong codes. Sign in again./)
      assert.match(String(last.headers['set-cookie']), /^provide_session=;/)
      // Even the right code is no use on that session now.
      const page = await get('/sign-in/verify', pending)
      assert.equal(page.statusCode, 302)
      assert.equal(page.headers.location, '/sign-in')
      const late = await post('/sign-in/verify', { code: codeNow(secret), _csrf: 'x' }, pending)
      assert.equal(late.statusCode, 303)
      assert.equal(await isSignedIn(cookieOf(late)), false)
      const failed = (await audits('sign_in_failed')).slice(-MAX_FACTOR_FAILURES)
      assert.ok(failed.every((r) => (r.details as { reason: string }).reason === 'wrong_code'))
      assert.ok(!JSON.stringify(failed).includes('000000'))
    })

    it('refuses a code sent without the half-signed-in session’s CSRF token', async () => {
      const { secret } = await enrol('sergeant')
      const pending = cookieOf(await postSignIn('sergeant'))!
      const res = await post('/sign-in/verify', { code: codeNow(secret) }, pending)
      assert.equal(res.statusCode, 303)
      assert.equal(res.headers.location, '/sign-in')
      assert.equal(res.headers['set-cookie'], undefined)
    })

    it('does not let a half-signed-in session past the second step by any other page', async () => {
      await enrol('sergeant')
      const pending = cookieOf(await postSignIn('sergeant'))!
      for (const url of ['/', '/triage', '/account/security']) {
        assert.equal((await get(url, pending)).statusCode, 302, url)
      }
      const api = await t.app.inject({ method: 'GET', url: '/api/v1/custody', headers: { cookie: pending } })
      assert.equal(api.statusCode, 401)
    })

    it('does not ask API tokens for a second factor', async () => {
      await setRequired(true)
      await enrol('sergeant')
      const token = await t.bearer('sergeant')
      const res = await t.app.inject({
        method: 'GET',
        url: '/api/v1/custody',
        headers: { authorization: `Bearer ${token}` },
      })
      assert.equal(res.statusCode, 200)
    })
  })

  describe('required two-step sign-in', () => {
    it('makes a user without an authenticator set one up before anything else', async () => {
      await setRequired(true)
      const res = await postSignIn('officer')
      assert.equal(res.statusCode, 302)
      assert.equal(res.headers.location, '/sign-in/enrol')
      const pending = cookieOf(res)!
      assert.equal(await isSignedIn(pending), false)
      assert.equal((await get('/sign-in/verify', pending)).statusCode, 302) // the wrong half-way stage

      const page = await get('/sign-in/enrol', pending)
      assert.equal(page.statusCode, 200)
      const secretText = /data-testid="secret">([A-Z2-7 ]+)</.exec(page.body)?.[1]
      assert.ok(secretText, 'the secret in base32 groups')
      assert.match(secretText, /^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/)
      assert.match(page.body, /otpauth:\/\/totp\/Provide:officer\?secret=[A-Z2-7]{32}&amp;issuer=Provide/)
      assert.match(page.body, /<img src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+"/)
      assert.doesNotMatch(page.body, /<script(?![^>]*nonce=)/) // no inline script without the nonce
      // Reloading shows the same secret: the user may already have scanned it.
      assert.match((await get('/sign-in/enrol', pending)).body, new RegExp(secretText))

      const secret = base32Decode(secretText)
      const wrong = await submitCode('/sign-in/enrol', '000000', pending)
      assert.equal(wrong.statusCode, 400)
      assert.match(wrong.body, /The code is not right/)
      const done = await submitCode('/sign-in/enrol', codeNow(secret), pending)
      assert.equal(done.statusCode, 200)
      const codes = [...done.body.matchAll(/<li><code>([0-9a-z-]+)<\/code><\/li>/g)].map((m) => m[1])
      assert.equal(codes.length, 10)
      const cookie = cookieOf(done)
      assert.ok(cookie && cookie !== pending)
      assert.equal(await isSignedIn(cookie), true)
      assert.equal(await isSignedIn(pending), false)
      assert.deepEqual((await audits('sign_in')).at(-1)?.details, { factor: 'enrolled' })

      // From now on the officer signs in with a code.
      nextStep()
      assert.equal((await postSignIn('officer')).headers.location, '/sign-in/verify')
      assert.equal((await signInWithCode('officer', codeNow(secret))).res.statusCode, 303)
    })

    it('is off on demo installations and in tests unless a test turns it on', async () => {
      await t.deps.db.deleteFrom('setting').where('key', '=', 'auth.mfaRequired').execute()
      assert.equal((await mfa.status((await t.actor('officer')).userId)).required, true) // the default
      const fresh = await testApp(engine)
      try {
        const res = await fresh.app.inject({
          method: 'POST',
          url: '/sign-in',
          payload: { username: 'officer', password: DEMO_PASSWORD },
        })
        assert.equal(res.headers.location, '/')
      } finally {
        await fresh.close()
      }
    })

    it('cannot be turned off by a user while required', async () => {
      const { secret } = await enrol('analyst')
      await setRequired(true)
      const { cookie } = await signInWithCode('analyst', codeNow(secret))
      nextStep()
      const page = await get('/account/security', cookie)
      assert.doesNotMatch(page.body, /turn-off/)
      const res = await post('/account/security/turn-off', { code: codeNow(secret), _csrf: csrfIn(page.body)! }, cookie)
      assert.equal(res.statusCode, 403)
      assert.equal((await mfa.status((await t.actor('analyst')).userId)).enabled, true)
    })
  })

  describe('the account security page', () => {
    it('sets up an authenticator, replaces recovery codes and turns it off', async () => {
      const { cookie } = await t.signIn('marac')
      const off = await get('/account/security', cookie)
      assert.equal(off.statusCode, 200)
      assert.equal(statusOf(off.body), 'Off')
      const secret = base32Decode(/data-testid="secret">([A-Z2-7 ]+)</.exec(off.body)![1]!)

      const enrolled = await submitCode('/account/security/enrol', codeNow(secret), cookie, '/account/security')
      assert.equal(enrolled.statusCode, 200)
      const first = [...enrolled.body.matchAll(/<li><code>([0-9a-z-]+)<\/code><\/li>/g)].map((m) => m[1]!)
      assert.equal(first.length, 10)
      const on = await get('/account/security', cookie)
      assert.equal(statusOf(on.body), 'On')
      assert.match(on.body, /Recovery codes left\s*<\/dt>\s*<dd class="govuk-summary-list__value">\s*10\s*</)
      assert.doesNotMatch(on.body, /data-testid="secret"/)

      nextStep()
      const wrong = await submitCode('/account/security/recovery-codes', '000000', cookie, '/account/security')
      assert.equal(wrong.statusCode, 400)
      const replaced = await submitCode(
        '/account/security/recovery-codes',
        codeNow(secret),
        cookie,
        '/account/security',
      )
      assert.equal(replaced.statusCode, 200)
      const second = [...replaced.body.matchAll(/<li><code>([0-9a-z-]+)<\/code><\/li>/g)].map((m) => m[1]!)
      assert.equal(second.length, 10)
      assert.equal((await signInWithCode('marac', first[0]!)).res.statusCode, 401) // old codes no longer work

      nextStep()
      const turnedOff = await submitCode('/account/security/turn-off', codeNow(secret), cookie, '/account/security')
      assert.equal(turnedOff.statusCode, 303)
      assert.equal(statusOf((await get('/account/security', cookie)).body), 'Off')
      assert.equal((await postSignIn('marac')).headers.location, '/') // password alone again
      const changes = (await audits('alter')).filter((r) => r.record_type === 'user').slice(-3)
      assert.deepEqual(
        changes.map((r) => (r.details as { change: string }).change),
        ['second_factor_added', 'recovery_codes_replaced', 'second_factor_removed'],
      )
    })

    it('needs a signed-in session, and its forms need the CSRF token', async () => {
      assert.equal((await get('/account/security')).statusCode, 302)
      const { cookie } = await t.signIn('marac')
      const res = await post('/account/security/enrol', { code: '123456' }, cookie)
      assert.equal(res.statusCode, 403)
    })

    it('keeps the secret encrypted and recovery codes hashed at rest', async () => {
      const { secret, codes } = await enrol('safeguarding')
      const rows = JSON.stringify([
        await t.deps.db.selectFrom('user_totp').selectAll().execute(),
        await t.deps.db.selectFrom('user_recovery_code').selectAll().execute(),
        await t.deps.db.selectFrom('audit_event').selectAll().execute(),
      ])
      for (const form of [secret.toString('hex'), secret.toString('base64'), base32Encode(secret)]) {
        assert.ok(!rows.includes(form), form)
      }
      for (const code of codes) {
        assert.ok(!rows.includes(code) && !rows.includes(code.replace(/-/g, '')), code)
        assert.ok(!rows.includes(sha256(code.replace(/-/g, ''))), 'not a plain hash either')
      }
    })

    it('lets an administrator reset a user who lost their phone', async () => {
      const { secret } = await enrol('sergeant')
      const { cookie } = await signInWithCode('sergeant', codeNow(secret))
      await mfa.resetForUser(systemActor('test'), (await t.actor('sergeant')).userId)
      assert.equal(await isSignedIn(cookie), false)
      assert.equal((await postSignIn('sergeant')).headers.location, '/')
    })
  })

  describe('session ids', () => {
    it('are new at every sign-in, never one the browser offers (session fixation)', async () => {
      const planted = 'provide_session=chosen-by-an-attacker-0123456789abcdefghijklmnop'
      const res = await postSignIn('sergeant', DEMO_PASSWORD, planted)
      const cookie = cookieOf(res)!
      assert.notEqual(cookie, planted)
      assert.equal(await isSignedIn(cookie), true)
      assert.equal(await isSignedIn(planted), false)
    })

    it('revoke the session the browser had when someone signs in again', async () => {
      const first = cookieOf(await postSignIn('sergeant'))!
      const home = await get('/', first)
      const res = await post(
        '/sign-in',
        { username: 'idva', password: DEMO_PASSWORD, _csrf: csrfIn(home.body)! },
        first,
      )
      const second = cookieOf(res)!
      assert.notEqual(first, second)
      assert.equal(await isSignedIn(first), false)
      assert.equal(await isSignedIn(second), true)
    })

    it('revoke an earlier half-signed-in session when the password is entered again', async () => {
      const { secret } = await enrol('sergeant')
      const first = cookieOf(await postSignIn('sergeant'))!
      const second = cookieOf(await postSignIn('sergeant', DEMO_PASSWORD, first))!
      assert.notEqual(first, second)
      assert.equal((await get('/sign-in/verify', first)).statusCode, 302)
      assert.equal((await submitCode('/sign-in/verify', codeNow(secret), second)).statusCode, 303)
    })

    it('of a half-signed-in session end after ten minutes', async () => {
      await enrol('sergeant')
      const pending = cookieOf(await postSignIn('sergeant'))!
      t.clock.advance(9 * MINUTE_MS)
      assert.equal((await get('/sign-in/verify', pending)).statusCode, 200)
      t.clock.advance(MINUTE_MS)
      assert.equal((await get('/sign-in/verify', pending)).statusCode, 302)
    })
  })

  describe('lockout', () => {
    it('refuses even the right password for a minute after five failures, then lets the owner in', async () => {
      await failTimes('analyst', 5)
      const locked = await postSignIn('analyst')
      assert.equal(locked.statusCode, 401)
      assert.match(locked.body, SAME)
      assert.equal(locked.headers['set-cookie'], undefined)
      t.clock.advance(MINUTE_MS - 1000)
      assert.equal((await postSignIn('analyst')).statusCode, 401)
      t.clock.advance(1000)
      assert.equal((await postSignIn('analyst')).statusCode, 302)
      const reasons = (await audits('sign_in_failed')).slice(-7).map((r) => (r.details as { reason: string }).reason)
      assert.deepEqual(reasons, [...Array(5).fill('wrong_password'), 'locked', 'locked'])
    })

    it('doubles the wait with each further failure, up to fifteen minutes', async () => {
      await failTimes('idva', 5)
      const waits = [1, 2, 4, 8, 15, 15]
      for (const [i, minutes] of waits.entries()) {
        if (i > 0) {
          // The wait after the last failure is over: one more wrong password starts the next, longer one.
          assert.equal((await wrong('idva')).statusCode, 401)
        }
        t.clock.advance(minutes * MINUTE_MS - 1000)
        const row = await t.deps.db.selectFrom('sign_in_throttle').selectAll().executeTakeFirstOrThrow()
        assert.equal(row.failures, 5 + i)
        // Right password, refused: still locked a second before the end of the wait.
        assert.equal((await postSignIn('idva')).statusCode, 401, `${minutes} minutes`)
        t.clock.advance(1000)
      }
      assert.equal((await postSignIn('idva')).statusCode, 302)
    })

    it('does not stretch the wait for attempts made during it', async () => {
      await failTimes('sergeant', 5)
      for (let s = 0; s < 50; s++) {
        t.clock.advance(1000)
        await wrong('sergeant')
      }
      t.clock.set(new Date(FIXED_NOW.getTime() + MINUTE_MS))
      assert.equal((await postSignIn('sergeant')).statusCode, 302)
    })

    it('starts counting again after a success', async () => {
      await failTimes('marac', 4)
      assert.equal((await postSignIn('marac')).statusCode, 302)
      await failTimes('marac', 4)
      assert.equal((await postSignIn('marac')).statusCode, 302)
    })

    it('counts wrong second-factor codes, and is not reset by the password alone', async () => {
      const { secret } = await enrol('officer')
      for (let i = 0; i < 5; i++) {
        const pending = cookieOf(await postSignIn('officer'))!
        assert.equal((await submitCode('/sign-in/verify', '999999', pending)).statusCode, 401)
      }
      // Locked: the right password gets the same refusal as a wrong one.
      assert.equal((await postSignIn('officer')).statusCode, 401)
      t.clock.advance(MINUTE_MS)
      assert.equal((await signInWithCode('officer', codeNow(secret))).res.statusCode, 303)
    })

    it('survives a restart: the counters are in the database', async () => {
      await failTimes('safeguarding', 5)
      const restarted = new AuthService(t.deps.db, t.clock)
      assert.equal(await restarted.signIn('safeguarding', DEMO_PASSWORD, null), null)
      t.clock.advance(MINUTE_MS)
      assert.ok(await restarted.signIn('safeguarding', DEMO_PASSWORD, null))
    })

    it('throttles unknown usernames the same way', async () => {
      await failTimes('nobody-here', 5)
      const row = await t.deps.db
        .selectFrom('sign_in_throttle')
        .selectAll()
        .where('key_hash', '=', sha256('sign-in:nobody-here'))
        .executeTakeFirstOrThrow()
      assert.equal(row.failures, 5)
      assert.ok(row.locked_until)
      const stored = JSON.stringify(await t.deps.db.selectFrom('sign_in_throttle').selectAll().execute())
      assert.ok(!stored.includes('nobody-here'), 'usernames typed are stored hashed')
    })
  })

  describe('no user enumeration', () => {
    // The page without what legitimately differs between two requests: the echoed username and the CSP nonce.
    const normalise = (body: string, username: string) =>
      body.replaceAll(`value="${username}"`, 'value=""').replace(/nonce="[^"]*"/g, 'nonce=""')

    it('answers an unknown user, a wrong password, a locked account and a disabled one alike', async () => {
      await failTimes('analyst', 5)
      await t.deps.db.updateTable('app_user').set({ disabled_at: FIXED_NOW }).where('username', '=', 'idva').execute()
      await enrol('sergeant')
      const cases = [
        { name: 'unknown user', username: 'nosuchuser', password: DEMO_PASSWORD },
        { name: 'wrong password', username: 'marac', password: 'wrong-password' },
        { name: 'wrong password, user with an authenticator', username: 'sergeant', password: 'wrong-password' },
        { name: 'locked, right password', username: 'analyst', password: DEMO_PASSWORD },
        { name: 'disabled, right password', username: 'idva', password: DEMO_PASSWORD },
      ]
      const answers = []
      for (const c of cases) {
        const res = await postSignIn(c.username, c.password)
        assert.equal(res.headers['set-cookie'], undefined, c.name)
        answers.push({ status: res.statusCode, body: normalise(res.body, c.username) })
      }
      assert.equal(answers[0]!.status, 401)
      assert.match(answers[0]!.body, SAME)
      for (const [i, a] of answers.entries()) assert.deepEqual(a, answers[0], cases[i]!.name)
    })

    it('takes about as long for an unknown user as for a wrong password (a dummy hash is checked)', async () => {
      const time = async (username: string) => {
        const runs: number[] = []
        for (let i = 0; i < 3; i++) {
          const start = process.hrtime.bigint()
          await t.services.auth.signIn(username, 'wrong-password', null)
          runs.push(Number(process.hrtime.bigint() - start) / 1e6)
        }
        return runs.sort((a, b) => a - b)[1]!
      }
      const known = await time('marac')
      const unknown = await time('nobody-at-all')
      assert.ok(unknown > known / 3 && unknown < known * 3, `unknown ${unknown} ms, known ${known} ms`)
    })
  })
})
