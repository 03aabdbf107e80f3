import { after, before, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describeEachEngine } from '../test-support/db.ts'
import { testContext, type TestContext } from '../test-support/app.ts'
import { FIXED_NOW } from '../test-support/clock.ts'
import { DEMO_PASSWORD } from '../demo/seed.ts'
import { NotFoundError, ValidationError } from '../common/errors.ts'
import { systemActor } from './actor.ts'
import { sha256 } from './tokens.ts'
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from './service.ts'

const MINUTE_MS = 60_000
const DAY_MS = 24 * 60 * MINUTE_MS

describeEachEngine('AuthService', (engine) => {
  let t: TestContext
  const admin = systemActor('test')

  const signIn = async (username = 'sergeant', password = DEMO_PASSWORD) =>
    t.services.auth.signIn(username, password, 'req-1')
  const setDisabled = (username: string, at: Date | null) =>
    t.deps.db.updateTable('app_user').set({ disabled_at: at }).where('username', '=', username).execute()
  const audits = (action: string) =>
    t.deps.db.selectFrom('audit_event').selectAll().where('action', '=', action).orderBy('id').execute()

  before(async () => {
    t = await testContext(engine)
  })
  after(() => t.close())
  beforeEach(async () => {
    t.clock.set(FIXED_NOW)
    await t.deps.db.updateTable('app_user').set({ disabled_at: null }).execute()
  })

  describe('signIn', () => {
    it('opens a session whose id is stored only as a hash', async () => {
      const token = await signIn()
      assert.ok(token && token.length >= 40)
      const rows = await t.deps.db.selectFrom('user_session').selectAll().execute()
      assert.ok(!JSON.stringify(rows).includes(token))
      const row = rows.find((r) => r.id_hash === sha256(token))
      assert.ok(row)
      assert.equal(new Date(row.expires_at).getTime(), FIXED_NOW.getTime() + SESSION_ABSOLUTE_MS)
      const ctx = await t.services.auth.resolveSession(token, 'req-2')
      assert.deepEqual(
        [ctx?.actor.username, ctx?.actor.roles, ctx?.actor.via, ctx?.actor.requestId],
        ['sergeant', ['detective_sergeant'], 'session', 'req-2'],
      )
      assert.equal(ctx?.csrfToken, row.csrf_token)
    })

    it('ignores case and surrounding spaces in the username', async () => {
      assert.ok(await signIn('  SERGEANT '))
    })

    it('gives each session its own CSRF token', async () => {
      const a = await t.services.auth.resolveSession((await signIn())!, null)
      const b = await t.services.auth.resolveSession((await signIn())!, null)
      assert.notEqual(a?.csrfToken, b?.csrfToken)
    })

    const failures: {
      name: string
      username: string
      password: string
      disable?: boolean
      knownUser: boolean
      reason: string
    }[] = [
      {
        name: 'wrong password',
        username: 'sergeant',
        password: 'not-the-password',
        knownUser: true,
        reason: 'wrong_password',
      },
      { name: 'unknown user', username: 'nobody', password: DEMO_PASSWORD, knownUser: false, reason: 'unknown_user' },
      { name: 'empty password', username: 'sergeant', password: '', knownUser: true, reason: 'wrong_password' },
      {
        name: 'disabled user, right password',
        username: 'idva',
        password: DEMO_PASSWORD,
        disable: true,
        knownUser: true,
        reason: 'disabled',
      },
    ]
    for (const f of failures) {
      it(`refuses and audits: ${f.name}`, async () => {
        if (f.disable) await setDisabled(f.username, FIXED_NOW)
        const before = (await audits('sign_in_failed')).length
        const sessionsBefore = (await t.deps.db.selectFrom('user_session').select('id_hash').execute()).length
        assert.equal(await signIn(f.username, f.password), null)
        const rows = (await audits('sign_in_failed')).slice(before)
        assert.equal(rows.length, 1)
        assert.equal(rows[0]!.user_id, null) // no actor: nobody signed in
        assert.equal(rows[0]!.record_id !== null, f.knownUser)
        assert.deepEqual(rows[0]!.details, { username: f.username, reason: f.reason, requestId: 'req-1' })
        assert.ok(!JSON.stringify(rows[0]).includes(f.password || 'provide-demo'))
        assert.equal((await t.deps.db.selectFrom('user_session').select('id_hash').execute()).length, sessionsBefore)
      })
    }

    it('audits a successful sign-in', async () => {
      const before = (await audits('sign_in')).length
      await signIn('analyst')
      const rows = (await audits('sign_in')).slice(before)
      assert.deepEqual(
        rows.map((r) => [r.username, r.request_id]),
        [['analyst', 'req-1']],
      )
    })

    it('refuses a user with no roles', async () => {
      await t.services.auth.createUser(admin, {
        username: 'noroles',
        displayName: 'No Roles',
        agencyCode: 'police',
        password: DEMO_PASSWORD,
        roles: [],
      })
      assert.equal(await signIn('noroles'), null)
    })
  })

  describe('resolveSession', () => {
    it('refuses an unknown cookie', async () => {
      assert.equal(await t.services.auth.resolveSession('made-up', null), null)
    })

    it('refuses a session once its user is disabled', async () => {
      const token = (await signIn('idva'))!
      assert.ok(await t.services.auth.resolveSession(token, null))
      await setDisabled('idva', FIXED_NOW)
      assert.equal(await t.services.auth.resolveSession(token, null), null)
    })

    const idle: { minutes: number; valid: boolean }[] = [
      { minutes: 14, valid: true },
      { minutes: 15, valid: true },
      { minutes: 16, valid: false },
    ]
    for (const c of idle) {
      it(`${c.valid ? 'keeps' : 'ends'} a session idle for ${c.minutes} minutes`, async () => {
        const token = (await signIn())!
        t.clock.advance(c.minutes * MINUTE_MS)
        assert.equal((await t.services.auth.resolveSession(token, null)) !== null, c.valid)
      })
    }

    it('counts idle time from the last request, not from sign-in', async () => {
      const token = (await signIn())!
      for (let i = 0; i < 4; i++) {
        t.clock.advance(SESSION_IDLE_MS - MINUTE_MS)
        assert.ok(await t.services.auth.resolveSession(token, null), `request ${i}`)
      }
    })

    it('ends an active session at the absolute limit', async () => {
      const token = (await signIn())!
      const end = FIXED_NOW.getTime() + SESSION_ABSOLUTE_MS
      while (t.clock.now().getTime() + 14 * MINUTE_MS < end) {
        t.clock.advance(14 * MINUTE_MS)
        assert.ok(await t.services.auth.resolveSession(token, null), t.clock.now().toISOString())
      }
      t.clock.set(new Date(end))
      assert.equal(await t.services.auth.resolveSession(token, null), null)
    })

    it('refuses a session after sign-out, and audits the sign-out', async () => {
      const token = (await signIn())!
      const ctx = (await t.services.auth.resolveSession(token, null))!
      await t.services.auth.signOut(token, ctx.actor)
      assert.equal(await t.services.auth.resolveSession(token, null), null)
      const row = await t.deps.db
        .selectFrom('user_session')
        .selectAll()
        .where('id_hash', '=', sha256(token))
        .executeTakeFirst()
      assert.equal(new Date(row!.revoked_at!).toISOString(), FIXED_NOW.toISOString())
      assert.equal((await audits('sign_out')).at(-1)?.user_id, ctx.actor.userId)
    })
  })

  describe('API tokens', () => {
    const create = (username = 'sergeant', expiresInDays = 30) =>
      t.services.auth.createApiToken(admin, { username, name: 'records system', expiresInDays })

    it('resolves a valid token to its user', async () => {
      const { token, expiresAt } = await create()
      assert.ok(token.startsWith('prv_'))
      assert.equal(expiresAt.getTime(), FIXED_NOW.getTime() + 30 * DAY_MS)
      const actor = await t.services.auth.resolveBearer(token, 'req-3')
      assert.deepEqual([actor?.username, actor?.via, actor?.requestId], ['sergeant', 'token', 'req-3'])
    })

    it('stores only a hash of the token, and never audits it', async () => {
      const { id, token } = await create()
      const rows = await t.deps.db.selectFrom('api_token').selectAll().execute()
      assert.ok(!JSON.stringify(rows).includes(token))
      assert.ok(!JSON.stringify(rows).includes(token.slice(4))) // nor the secret without its prefix
      assert.equal(rows.find((r) => r.id === id)?.token_hash, sha256(token))
      const audit = await t.deps.db.selectFrom('audit_event').selectAll().execute()
      assert.ok(!JSON.stringify(audit).includes(token.slice(4)))
    })

    it('records when a token was last used', async () => {
      const { id, token } = await create()
      t.clock.advance(MINUTE_MS)
      await t.services.auth.resolveBearer(token, null)
      const row = await t.deps.db.selectFrom('api_token').select('last_used_at').where('id', '=', id).executeTakeFirst()
      assert.equal(new Date(row!.last_used_at!).getTime(), FIXED_NOW.getTime() + MINUTE_MS)
    })

    it('refuses a revoked token, and revoking twice is an error', async () => {
      const { id, token } = await create()
      await t.services.auth.revokeApiToken(admin, id)
      assert.equal(await t.services.auth.resolveBearer(token, null), null)
      await assert.rejects(t.services.auth.revokeApiToken(admin, id), NotFoundError)
      await assert.rejects(t.services.auth.revokeApiToken(admin, randomUUID()), NotFoundError)
      assert.equal((await audits('token_revoked')).filter((r) => r.record_id === id).length, 1)
    })

    it('refuses a token from its expiry', async () => {
      const { token, expiresAt } = await create('sergeant', 1)
      t.clock.set(new Date(expiresAt.getTime() - 1))
      assert.ok(await t.services.auth.resolveBearer(token, null))
      t.clock.set(expiresAt)
      assert.equal(await t.services.auth.resolveBearer(token, null), null)
    })

    it('refuses the token of a disabled user', async () => {
      const { token } = await create('idva')
      await setDisabled('idva', FIXED_NOW)
      assert.equal(await t.services.auth.resolveBearer(token, null), null)
    })

    it('refuses tokens that are not ours', async () => {
      const { token } = await create()
      for (const bad of ['', 'prv_', token.slice(4), `${token}x`, token.toUpperCase()]) {
        assert.equal(await t.services.auth.resolveBearer(bad, null), null, bad)
      }
    })

    it('issues no token for an unknown or disabled user, or a bad expiry', async () => {
      await assert.rejects(create('nobody'), NotFoundError)
      await setDisabled('idva', FIXED_NOW)
      await assert.rejects(create('idva'), ValidationError)
      for (const days of [0, 367, 1.5]) await assert.rejects(create('sergeant', days), ValidationError)
    })
  })
})
