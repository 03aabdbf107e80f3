import { after, before, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { describeEachEngine } from '../test-support/db.ts'
import { testContext, type TestContext } from '../test-support/app.ts'
import { FIXED_NOW } from '../test-support/clock.ts'
import type { Actor } from '../auth/actor.ts'
import { systemActor } from '../auth/actor.ts'
import { verifyPassword } from '../auth/passwords.ts'
import { newSecret, sha256 } from '../auth/tokens.ts'
import { ForbiddenError, NotFoundError, ValidationError } from '../common/errors.ts'
import { FieldConflictError, USER_PAGE_SIZE, type AdminService } from './service.ts'

const PASSWORD = 'correct-horse-battery'

describeEachEngine('admin service', (engine) => {
  let ctx: TestContext
  let admin: AdminService
  let root: Actor
  let agency: Record<'police' | 'nhs' | 'thirdSector', string>

  const db = () => ctx.deps.db
  const auditRows = (recordType: string, recordId?: string) => {
    let q = db()
      .selectFrom('audit_event')
      .select(['action', 'record_type', 'record_id', 'fields', 'details', 'user_id'])
      .where('record_type', '=', recordType)
    if (recordId) q = q.where('record_id', '=', recordId)
    return q.orderBy('seq').execute()
  }
  const auditCount = async () =>
    Number(
      (
        await db()
          .selectFrom('audit_event')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
  const userId = async (username: string) =>
    (await db().selectFrom('app_user').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id
  /** A live session row, as sign-in leaves one. */
  const openSession = async (username: string) => {
    await db()
      .insertInto('user_session')
      .values({
        id_hash: sha256(newSecret()),
        user_id: await userId(username),
        csrf_token: newSecret(),
        created_at: FIXED_NOW,
        last_seen_at: FIXED_NOW,
        expires_at: new Date(FIXED_NOW.getTime() + 3_600_000),
      })
      .execute()
  }
  const liveSessions = async (username: string) =>
    (
      await db()
        .selectFrom('user_session')
        .select('id_hash')
        .where('user_id', '=', await userId(username))
        .where('revoked_at', 'is', null)
        .execute()
    ).length
  const liveTokens = async (username: string) =>
    (
      await db()
        .selectFrom('api_token')
        .select('id')
        .where('user_id', '=', await userId(username))
        .where('revoked_at', 'is', null)
        .execute()
    ).length
  const newUser = (o: Record<string, unknown> = {}) =>
    admin.createUser(root, {
      username: 'new.user',
      displayName: 'New User',
      agencyId: agency.police,
      roles: ['detective_sergeant'],
      password: PASSWORD,
      ...o,
    })
  /** Any ValidationError with an issue whose message matches. */
  const issue = (pattern: RegExp) => (e: unknown) => {
    assert.ok(e instanceof ValidationError, String(e))
    assert.ok(
      e.issues.some((i) => pattern.test(i.message)),
      JSON.stringify(e.issues),
    )
    return true
  }
  /**
   * An administrator the audit trail cannot record (their user id is not a uuid), so the audit
   * write, which comes after the change in the same transaction, fails.
   */
  const unauditable = (): Actor => ({ ...root, userId: 'not-a-user-id' })

  before(async () => {
    ctx = await testContext(engine)
    admin = ctx.services.admin
    root = await ctx.actor('admin')
    const codes = await db().selectFrom('agency').select(['id', 'code']).execute()
    const id = (code: string) => codes.find((c) => c.code === code)!.id
    agency = { police: id('police'), nhs: id('nhs'), thirdSector: id('third-sector') }
  })
  after(() => ctx.close())
  beforeEach(async () => {
    ctx.clock.set(FIXED_NOW)
  })

  describe('access', () => {
    it('refuses every change to a user without the administrator role', async () => {
      const sergeant = await ctx.actor('sergeant')
      await assert.rejects(admin.listUsers(sergeant, {}), ForbiddenError)
      await assert.rejects(admin.createAgency(sergeant, { code: 'x1', name: 'X', kind: 'nhs' }), ForbiddenError)
      await assert.rejects(
        admin.createTeam(sergeant, { agencyId: agency.police, name: 'T', areas: [] }),
        ForbiddenError,
      )
      await assert.rejects(admin.disableUser(sergeant, await userId('officer')), ForbiddenError)
      await assert.rejects(admin.disableUser(systemActor('cli'), await userId('officer')), ForbiddenError)
    })
  })

  describe('agencies and sharing agreements', () => {
    it('adds an agency and audits its creation', async () => {
      const { id } = await admin.createAgency(root, {
        code: 'lancs-council',
        name: 'Lancashire Council',
        kind: 'local_authority',
      })
      const a = await admin.getAgency(root, id)
      assert.equal(a.name, 'Lancashire Council')
      assert.equal(a.kind, 'local_authority')
      const [row] = await auditRows('agency', id)
      assert.equal(row!.action, 'collect')
      assert.deepEqual(row!.fields, ['code', 'name', 'kind'])
      assert.equal(row!.user_id, root.userId)
    })

    it('refuses a code in use, and fields it does not take', async () => {
      await assert.rejects(
        admin.createAgency(root, { code: 'police', name: 'Another force', kind: 'police' }),
        (e: unknown) => e instanceof FieldConflictError && e.issue.path === 'code',
      )
      await assert.rejects(
        admin.createAgency(root, { id: agency.police, code: 'copy', name: 'Copy', kind: 'police' }),
        (e: unknown) => e instanceof ValidationError && e.issues.some((i) => /id/.test(i.message)),
      )
      await assert.rejects(admin.createAgency(root, { code: 'Bad Code', name: 'X', kind: 'police' }), ValidationError)
    })

    it('renames an agency; its kind cannot be changed', async () => {
      await admin.renameAgency(root, agency.thirdSector, { name: "Fylde Coast Women's Aid" })
      assert.equal((await admin.getAgency(root, agency.thirdSector)).name, "Fylde Coast Women's Aid")
      const rows = await auditRows('agency', agency.thirdSector)
      assert.deepEqual(rows.at(-1)!.fields, ['name'])
      assert.equal(rows.at(-1)!.action, 'alter')
      await assert.rejects(admin.renameAgency(root, agency.thirdSector, { name: 'X', kind: 'police' }), ValidationError)
      await assert.rejects(
        admin.renameAgency(root, '00000000-0000-4000-8000-000000000000', { name: 'X' }),
        NotFoundError,
      )
    })

    it('adds and ends an information-sharing agreement, each audited', async () => {
      await admin.addShare(root, agency.police, { partnerAgencyId: agency.thirdSector, resource: 'incident' })
      const police = await admin.getAgency(root, agency.police)
      assert.deepEqual(
        police.sharesGiven.filter((s) => s.partnerAgencyId === agency.thirdSector).map((s) => s.resource),
        ['incident'],
      )
      assert.equal((await admin.getAgency(root, agency.thirdSector)).sharesReceived.length, 1)
      await assert.rejects(
        admin.addShare(root, agency.police, { partnerAgencyId: agency.thirdSector, resource: 'incident' }),
        FieldConflictError,
      )
      await assert.rejects(
        admin.addShare(root, agency.police, { partnerAgencyId: agency.police, resource: 'incident' }),
        ValidationError,
      )
      await assert.rejects(
        admin.addShare(root, agency.police, { partnerAgencyId: agency.thirdSector, resource: 'health' }),
        ValidationError,
      )

      await admin.removeShare(root, agency.police, { partnerAgencyId: agency.thirdSector, resource: 'incident' })
      assert.ok(
        !(await admin.getAgency(root, agency.police)).sharesGiven.some((s) => s.partnerAgencyId === agency.thirdSector),
      )
      await assert.rejects(
        admin.removeShare(root, agency.police, { partnerAgencyId: agency.thirdSector, resource: 'incident' }),
        NotFoundError,
      )
      const rows = await auditRows('agency_share', `${agency.police}:${agency.thirdSector}:incident`)
      assert.deepEqual(
        rows.map((r) => r.action),
        ['collect', 'erase'],
      )
    })
  })

  describe('teams', () => {
    beforeEach(async () => {
      await db().deleteFrom('team').execute()
    })

    it('adds a team with areas, members of its agency only, and deletes it once empty', async () => {
      const { id } = await admin.createTeam(root, {
        agencyId: agency.police,
        name: 'Blackpool',
        areas: ['Blackpool', 'Fylde'],
      })
      let team = await admin.getTeam(root, id)
      assert.deepEqual(team.areas, ['Blackpool', 'Fylde'])
      assert.equal(team.memberCount, 0)
      assert.ok(team.candidates.some((c) => c.username === 'sergeant'))
      assert.ok(!team.candidates.some((c) => c.username === 'idva'), 'only staff of the team’s agency can join')

      await admin.addTeamMember(root, id, await userId('provide-officer'))
      await assert.rejects(admin.addTeamMember(root, id, await userId('idva')), (e: unknown) => {
        assert.ok(e instanceof ValidationError)
        assert.match(e.issues[0]!.message, /idva works for another agency/)
        return true
      })
      team = await admin.getTeam(root, id)
      assert.deepEqual(
        team.members.map((m) => m.username),
        ['provide-officer'],
      )

      await assert.rejects(admin.deleteTeam(root, id), FieldConflictError)
      await admin.removeTeamMember(root, id, await userId('provide-officer'))
      await admin.deleteTeam(root, id)
      await assert.rejects(admin.getTeam(root, id), NotFoundError)

      assert.deepEqual(
        (await auditRows('team', id)).map((r) => [r.action, r.fields]),
        [
          ['collect', ['agency_id', 'name', 'areas']],
          ['alter', ['members']],
          ['alter', ['members']],
          ['erase', ['agency_id', 'name', 'areas']],
        ],
      )
    })

    it('renames a team and replaces its areas, auditing only what changed', async () => {
      const { id } = await admin.createTeam(root, { agencyId: agency.police, name: 'North', areas: ['Wyre'] })
      await admin.updateTeam(root, id, { areas: ['Lancaster', 'Morecambe'] })
      await admin.updateTeam(root, id, { name: 'North Lancashire', areas: ['Morecambe', 'Lancaster'] })
      await admin.updateTeam(root, id, { name: 'North Lancashire' })
      const team = await admin.getTeam(root, id)
      assert.equal(team.name, 'North Lancashire')
      assert.deepEqual(team.areas, ['Lancaster', 'Morecambe'])
      assert.deepEqual(
        (await auditRows('team', id)).map((r) => r.fields),
        [['agency_id', 'name', 'areas'], ['areas'], ['name']],
      )
      await assert.rejects(admin.updateTeam(root, id, {}), ValidationError)
      await assert.rejects(admin.updateTeam(root, id, { agencyId: agency.nhs }), ValidationError)
    })

    it('refuses unknown areas and duplicate names, saving nothing', async () => {
      const before = await auditCount()
      await assert.rejects(
        admin.createTeam(root, { agencyId: agency.police, name: 'South', areas: ['Blackpool', 'Atlantis'] }),
        (e: unknown) => e instanceof ValidationError && /Atlantis is not an area/.test(e.issues[0]!.message),
      )
      assert.equal((await admin.listTeams(root)).length, 0)
      assert.equal(await auditCount(), before)

      await admin.createTeam(root, { agencyId: agency.police, name: 'South', areas: [] })
      await assert.rejects(
        admin.createTeam(root, { agencyId: agency.police, name: 'south', areas: [] }),
        FieldConflictError,
      )
      // Another agency may use the same name.
      await admin.createTeam(root, { agencyId: agency.nhs, name: 'South', areas: [] })
      assert.deepEqual(
        (await admin.listTeams(root, { agencyId: agency.nhs })).map((t) => t.agencyName),
        ['Blackpool Teaching Hospitals NHS Foundation Trust (demo)'],
      )
    })
  })

  describe('users', () => {
    beforeEach(async () => {
      await db().deleteFrom('app_user').where('username', 'like', 'new%').execute()
      await db().deleteFrom('team').execute()
      await db().updateTable('app_user').set({ disabled_at: null }).execute()
    })

    it('adds a user with a temporary password, never audited', async () => {
      const { user, temporaryPassword } = await newUser({ username: '  New.User ' })
      assert.equal(temporaryPassword, undefined)
      assert.equal(user.username, 'new.user')
      assert.deepEqual(user.roles, ['detective_sergeant'])
      assert.equal(user.enabled, true)
      const stored = await db()
        .selectFrom('app_user')
        .select('password_hash')
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow()
      assert.ok(await verifyPassword(stored.password_hash, PASSWORD))

      const [row] = await auditRows('user', user.id)
      assert.equal(row!.action, 'collect')
      assert.deepEqual(row!.fields, ['username', 'display_name', 'agency_id', 'roles', 'password_hash'])
      const audit = JSON.stringify(row)
      assert.ok(!audit.includes(PASSWORD) && !audit.includes(stored.password_hash!))
    })

    it('generates a password when none is given, and returns it once', async () => {
      const { user, temporaryPassword } = await newUser({ password: undefined })
      assert.match(temporaryPassword!, /^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/)
      const stored = await db()
        .selectFrom('app_user')
        .select('password_hash')
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow()
      assert.ok(await verifyPassword(stored.password_hash, temporaryPassword!))
      const audit = JSON.stringify(await auditRows('user', user.id))
      assert.ok(!audit.includes(temporaryPassword!))
    })

    const refused: { name: string; input: Record<string, unknown>; path: string }[] = [
      { name: 'a password under 12 characters', input: { password: 'short-pass' }, path: 'password' },
      { name: 'a username with spaces', input: { username: 'new user' }, path: 'username' },
      { name: 'no roles', input: { roles: [] }, path: 'roles' },
      { name: 'a health IDVA in a police force', input: { roles: ['health_idva'] }, path: 'roles' },
      {
        name: 'a detective sergeant in an NHS trust',
        input: { agencyId: 'AGENCY_NHS', roles: ['detective_sergeant'] },
        path: 'roles',
      },
      { name: 'an unknown role', input: { roles: ['superuser'] }, path: 'roles.0' },
      { name: 'an unknown agency', input: { agencyId: '00000000-0000-4000-8000-000000000000' }, path: 'agencyId' },
      { name: 'an id chosen by the caller', input: { id: '00000000-0000-4000-8000-000000000001' }, path: '' },
      { name: 'a service-account flag', input: { isServiceAccount: true }, path: '' },
    ]
    for (const c of refused) {
      it(`refuses ${c.name}, saving nothing`, async () => {
        const before = await auditCount()
        const input = { ...c.input }
        if (input.agencyId === 'AGENCY_NHS') input.agencyId = agency.nhs
        await assert.rejects(newUser(input), (e: unknown) => {
          assert.ok(e instanceof ValidationError, String(e))
          assert.ok(
            e.issues.some((i) => i.path === c.path),
            JSON.stringify(e.issues),
          )
          return true
        })
        assert.equal(
          await db().selectFrom('app_user').select('id').where('username', '=', 'new.user').executeTakeFirst(),
          undefined,
        )
        assert.equal(await auditCount(), before)
      })
    }

    it('refuses a username in use', async () => {
      await assert.rejects(
        newUser({ username: 'Sergeant' }),
        (e: unknown) => e instanceof FieldConflictError && e.issue.path === 'username',
      )
    })

    it('saves neither the user nor their roles when the audit row cannot be written', async () => {
      await assert.rejects(
        admin.createUser(unauditable(), {
          username: 'new.user',
          displayName: 'New User',
          agencyId: agency.police,
          roles: ['detective_sergeant'],
          password: PASSWORD,
        }),
      )
      assert.equal(
        await db().selectFrom('app_user').select('id').where('username', '=', 'new.user').executeTakeFirst(),
        undefined,
      )
    })

    it('lists users with filters and pages, recording the consultation without the search term', async () => {
      const demoUsers = (await admin.listUsers(root, {})).total
      for (let i = 0; i < USER_PAGE_SIZE + 2; i++) {
        await db()
          .insertInto('app_user')
          .values({
            username: `new.bulk${String(i).padStart(2, '0')}`,
            display_name: `Bulk ${i}`,
            agency_id: agency.thirdSector,
            password_hash: null,
          })
          .execute()
      }
      const all = await admin.listUsers(root, {})
      assert.equal(all.total, demoUsers + USER_PAGE_SIZE + 2)
      assert.equal(all.items.length, USER_PAGE_SIZE)
      assert.equal(all.pageCount, 2)
      const second = await admin.listUsers(root, { page: '2' })
      assert.equal(second.items.length, all.total - USER_PAGE_SIZE)
      assert.equal((await admin.listUsers(root, { page: '99' })).page, 2, 'a page past the end shows the last')

      const names = async (q: Record<string, unknown>) => (await admin.listUsers(root, q)).items.map((u) => u.username)
      assert.deepEqual(await names({ agencyId: agency.nhs }), ['idva', 'idva-2'])
      assert.deepEqual(await names({ role: 'detective_sergeant' }), ['sergeant'])
      assert.deepEqual(await names({ q: 'DS Sam' }), ['sergeant'])
      assert.deepEqual(await names({ q: 'PROVIDE-off' }), ['provide-officer', 'provide-officer-2'])
      assert.deepEqual(await names({ q: '%' }), [], 'LIKE wildcards are taken literally')
      await db().updateTable('app_user').set({ disabled_at: FIXED_NOW }).where('username', '=', 'analyst').execute()
      assert.deepEqual(await names({ status: 'disabled' }), ['analyst'])
      assert.ok(!(await names({ status: 'enabled', agencyId: agency.police })).includes('analyst'))
      await assert.rejects(admin.listUsers(root, { role: 'superuser' }), ValidationError)
      await assert.rejects(admin.listUsers(root, { sort: 'password_hash' }), ValidationError)

      await admin.listUsers(root, { q: 'Sam', agencyId: agency.police })
      const [row] = (await auditRows('user_list')).slice(-1)
      assert.equal(row!.action, 'consult')
      assert.deepEqual((row!.details as { filters: string[] }).filters, ['agencyId', 'q'])
      assert.ok(!JSON.stringify(row).includes('Sam'), 'the search term is not in the audit trail')
    })

    it('changes a display name, auditing the field name only', async () => {
      const { user } = await newUser()
      const changed = await admin.updateUser(root, user.id, { displayName: 'DS New User' })
      assert.equal(changed.displayName, 'DS New User')
      const row = (await auditRows('user', user.id)).at(-1)!
      assert.deepEqual(row.fields, ['display_name'])
      assert.ok(!JSON.stringify(row).includes('DS New User'))
      await assert.rejects(admin.updateUser(root, user.id, { displayName: 'X', agencyId: agency.nhs }), ValidationError)
      await assert.rejects(admin.updateUser(root, user.id, { username: 'other' }), ValidationError)
    })

    it('ends the user’s sessions when a role is removed, not when one is added', async () => {
      const { user } = await newUser()
      await openSession('new.user')
      await admin.setRoles(root, user.id, { roles: ['detective_sergeant', 'analyst'] })
      assert.equal(await liveSessions('new.user'), 1, 'adding a role keeps the session')
      const changed = await admin.setRoles(root, user.id, { roles: ['analyst'] })
      assert.deepEqual(changed.roles, ['analyst'])
      assert.equal(await liveSessions('new.user'), 0)
      const row = (await auditRows('user', user.id)).at(-1)!
      assert.deepEqual(row.fields, ['roles'])
      assert.deepEqual(row.details, { added: [], removed: ['detective_sergeant'], sessionsRevoked: 1 })
    })

    it('refuses roles that leave none, or do not fit the agency', async () => {
      const { user } = await newUser()
      await assert.rejects(admin.setRoles(root, user.id, { roles: [] }), issue(/Choose at least one role/))
      await assert.rejects(
        admin.setRoles(root, user.id, { roles: ['health_idva'] }),
        issue(/not a role in a police force/),
      )
      assert.deepEqual((await admin.getUser(root, user.id)).roles, ['detective_sergeant'])
    })

    it('keeps the administrators from locking everyone out', async () => {
      await assert.rejects(admin.setRoles(root, root.userId, { roles: ['analyst'] }), issue(/own administrator role/))
      await assert.rejects(admin.disableUser(root, root.userId), issue(/your own account/))

      const { user: second } = await newUser({ username: 'new.admin', roles: ['administrator'] })
      const other = await ctx.actor('new.admin')
      // With two enabled administrators, either may disable the other...
      await admin.disableUser(root, second.id)
      // ...but not both: the other's request, already past its sign-in check, finds root the last one.
      await assert.rejects(admin.disableUser(other, root.userId), issue(/last enabled administrator/))
      await assert.rejects(
        admin.setRoles(other, root.userId, { roles: ['analyst'] }),
        issue(/last enabled administrator/),
      )
      // A disabled administrator's role may be taken away.
      await admin.setRoles(root, second.id, { roles: ['analyst'] })
      assert.deepEqual((await admin.getUser(root, root.userId)).roles, ['administrator'])
    })

    it('lets only one of two administrators disabling each other at the same moment succeed', async () => {
      const { user: second } = await newUser({ username: 'new.admin', roles: ['administrator'] })
      const other = await ctx.actor('new.admin')
      const results = await Promise.allSettled([
        admin.disableUser(root, second.id),
        admin.disableUser(other, root.userId),
      ])
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, JSON.stringify(results))
      const enabledAdmins = await admin.listUsers(root, { role: 'administrator', status: 'enabled' })
      assert.equal(enabledAdmins.total, 1)
    })

    it('disables an account now: sessions and API tokens revoked in the same transaction', async () => {
      await openSession('officer')
      await openSession('officer')
      await ctx.services.auth.createApiToken(systemActor('test'), { username: 'officer', name: 't', expiresInDays: 30 })
      const officer = await userId('officer')
      const disabled = await admin.disableUser(root, officer)
      assert.equal(disabled.enabled, false)
      assert.deepEqual(disabled.disabledAt, FIXED_NOW)
      assert.equal(await liveSessions('officer'), 0)
      assert.equal(await liveTokens('officer'), 0)
      const row = (await auditRows('user', officer)).at(-1)!
      assert.equal(row.action, 'alter')
      assert.deepEqual(row.fields, ['disabled_at'])
      assert.deepEqual(row.details, { sessionsRevoked: 2, tokensRevoked: 1 })
      await assert.rejects(admin.disableUser(root, officer), issue(/already disabled/))

      const enabled = await admin.enableUser(root, officer)
      assert.equal(enabled.enabled, true)
      assert.equal(await liveTokens('officer'), 0, 'revoked tokens stay revoked')
      await assert.rejects(admin.enableUser(root, officer), issue(/already enabled/))
    })

    it('leaves the account, its sessions and tokens as they were when the audit row cannot be written', async () => {
      await openSession('analyst')
      await ctx.services.auth.createApiToken(systemActor('test'), { username: 'analyst', name: 't', expiresInDays: 30 })
      await assert.rejects(admin.disableUser(unauditable(), await userId('analyst')))
      const user = await admin.getUser(root, await userId('analyst'))
      assert.equal(user.enabled, true)
      assert.equal(await liveSessions('analyst'), 1)
      assert.equal(await liveTokens('analyst'), 1)
    })

    it('puts a user in teams of their agency only', async () => {
      const police = await admin.createTeam(root, { agencyId: agency.police, name: 'Blackpool', areas: ['Blackpool'] })
      const nhs = await admin.createTeam(root, { agencyId: agency.nhs, name: 'IDVAs', areas: ['Blackpool'] })
      const sergeant = await userId('sergeant')
      await assert.rejects(
        admin.setTeams(root, sergeant, { teamIds: [police.id, nhs.id] }),
        issue(/IDVAs is a team of another agency/),
      )
      assert.deepEqual((await admin.getUser(root, sergeant)).teams, [], 'nothing half-saved')
      const changed = await admin.setTeams(root, sergeant, { teamIds: [police.id] })
      assert.deepEqual(changed.teams, [{ id: police.id, name: 'Blackpool' }])
      assert.deepEqual((await ctx.actor('sergeant')).teamAreas, ['Blackpool'])
      const row = (await auditRows('user', sergeant)).at(-1)!
      assert.deepEqual(row.fields, ['teams'])
      assert.deepEqual((await admin.setTeams(root, sergeant, { teamIds: [] })).teams, [])
    })

    it('records opening a user’s account as a consultation', async () => {
      const id = await userId('marac')
      await admin.getUser(root, id)
      const row = (await auditRows('user', id)).at(-1)!
      assert.equal(row.action, 'consult')
      await assert.rejects(admin.getUser(root, '00000000-0000-4000-8000-000000000000'), NotFoundError)
    })
  })
})
