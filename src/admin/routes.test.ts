import { after, before, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { describeEachEngine } from '../test-support/db.ts'
import { testApp, type TestApp } from '../test-support/app.ts'
import { FIXED_NOW } from '../test-support/clock.ts'

type Session = { cookie: string; csrf: string }
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000'

describeEachEngine('admin routes', (engine) => {
  let t: TestApp
  let admin: Session
  let adminToken: string
  let agency: Record<'police' | 'nhs' | 'thirdSector', string>

  const page = (url: string, s?: Session) =>
    t.app.inject({ method: 'GET', url, headers: { accept: 'text/html', ...(s ? { cookie: s.cookie } : {}) } })
  const post = (url: string, s: Session, form: Record<string, string | string[]> = {}) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { cookie: s.cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      payload: formBody({ _csrf: s.csrf, ...form }),
    })
  const api = (method: Method, url: string, token: string | null, payload?: object) =>
    t.app.inject({ method, url, payload, headers: token ? { authorization: `Bearer ${token}` } : {} })
  const userId = async (username: string) =>
    (await t.deps.db.selectFrom('app_user').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id
  const lastAudit = () =>
    t.deps.db
      .selectFrom('audit_event')
      .select(['action', 'record_type', 'record_id', 'fields', 'details'])
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow()

  before(async () => {
    t = await testApp(engine)
    admin = await t.signIn('admin')
    adminToken = await t.bearer('admin')
    const codes = await t.deps.db.selectFrom('agency').select(['id', 'code']).execute()
    const id = (code: string) => codes.find((c) => c.code === code)!.id
    agency = { police: id('police'), nhs: id('nhs'), thirdSector: id('third-sector') }
  })
  after(() => t.close())
  beforeEach(async () => {
    t.clock.set(FIXED_NOW)
    await t.deps.db.deleteFrom('app_user').where('username', 'like', 'new%').execute()
    await t.deps.db.updateTable('app_user').set({ disabled_at: null }).execute()
  })

  describe('who may administer', () => {
    const pages = ['/admin', '/admin/users', '/admin/users/new', '/admin/teams', '/admin/teams/new', '/admin/agencies']
    for (const username of ['sergeant', 'idva', 'governance', 'marac']) {
      it(`refuses ${username} every page and endpoint`, async () => {
        const s = await t.signIn(username)
        for (const url of pages) {
          const res = await page(url, s)
          assert.equal(res.statusCode, 403, url)
          assert.match(res.body, /You do not have access/)
        }
        const res = await post('/admin/users', s, { username: 'new.intruder', displayName: 'X' })
        assert.equal(res.statusCode, 403)
        const token = await t.bearer(username)
        for (const [method, url] of [
          ['GET', '/api/v1/admin/users'],
          ['POST', '/api/v1/admin/users'],
          ['GET', '/api/v1/admin/teams'],
          ['GET', '/api/v1/admin/agencies'],
          ['POST', `/api/v1/admin/users/${await userId('admin')}/disable`],
        ] as const) {
          assert.equal((await api(method, url, token, method === 'POST' ? {} : undefined)).statusCode, 403, url)
        }
        assert.equal(
          await t.deps.db.selectFrom('app_user').select('id').where('username', '=', 'new.intruder').executeTakeFirst(),
          undefined,
        )
      })
    }

    it('asks a visitor to sign in, and an API client for a token', async () => {
      const res = await page('/admin/users')
      assert.equal(res.statusCode, 302)
      assert.match(String(res.headers.location), /^\/sign-in\?returnTo=/)
      assert.equal((await api('GET', '/api/v1/admin/users', null)).statusCode, 401)
    })

    it('refuses a form posted without the session’s CSRF token', async () => {
      const res = await post('/admin/users', { ...admin, csrf: 'forged' }, { username: 'new.csrf' })
      assert.equal(res.statusCode, 403)
    })
  })

  describe('user pages', () => {
    it('lists users with filters, a sub-navigation and status tags', async () => {
      const res = await page(`/admin/users?agencyId=${agency.nhs}`, admin)
      assert.equal(res.statusCode, 200)
      assert.match(res.body, /class="moj-sub-navigation"/)
      assert.match(res.body, /aria-current="page" href="\/admin\/users"/)
      assert.deepEqual(usernames(res.body), ['idva', 'idva-2'])
      assert.match(res.body, /govuk-tag--green/)
      const search = await page('/admin/users?q=sam&status=enabled', admin)
      assert.deepEqual(usernames(search.body), ['sergeant'])
      const odd = await page('/admin/users?role=superuser', admin)
      assert.equal(odd.statusCode, 200)
      assert.match(odd.body, /Some filters were not recognised/)
    })

    it('adds a user with a generated password shown once, then shows them', async () => {
      const res = await post('/admin/users', admin, {
        username: 'new.officer',
        displayName: 'PC New Officer',
        agencyId: agency.police,
        roles: ['response_officer', 'analyst'],
      })
      assert.equal(res.statusCode, 200)
      assert.equal(res.headers['cache-control'], 'no-store')
      const password = /data-testid="temporary-password">([^<]+)</.exec(res.body)?.[1]
      assert.match(password ?? '', /^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/)
      const id = await userId('new.officer')
      const view = await page(`/admin/users/${id}`, admin)
      assert.equal(view.statusCode, 200)
      assert.match(view.body, /PC New Officer/)
      assert.match(view.body, /Response officer, Analyst/)
      assert.ok(!view.body.includes(password!), 'the password is never shown again')
    })

    it('sends the form back with an error summary, keeping what was typed', async () => {
      const res = await post('/admin/users', admin, {
        username: 'new officer',
        displayName: 'Chris New',
        agencyId: agency.nhs,
        roles: ['detective_sergeant'],
        password: 'too-short',
      })
      assert.equal(res.statusCode, 400)
      assert.match(res.body, /govuk-error-summary/)
      assert.match(res.body, /href="#username">Username must be 3 to 40 characters/)
      assert.match(res.body, /href="#password">The temporary password must be at least 12 characters/)
      assert.match(res.body, /value="Chris New"/)
      assert.ok(!res.body.includes('too-short'), 'a password is never sent back')
      assert.match(res.body, /<title>Error: Add a user/)

      const roles = await post('/admin/users', admin, {
        username: 'new.chris',
        displayName: 'Chris New',
        agencyId: agency.nhs,
        roles: ['detective_sergeant'],
      })
      assert.equal(roles.statusCode, 400)
      assert.match(roles.body, /href="#roles">Detective sergeant is not a role in an NHS organisation/)
      const taken = await post('/admin/users', admin, {
        username: 'idva',
        displayName: 'Chris New',
        agencyId: agency.nhs,
        roles: ['health_idva'],
      })
      assert.equal(taken.statusCode, 400)
      assert.match(taken.body, /The username idva is already in use/)
    })

    it('refuses form fields it does not take, such as an agency on the name form', async () => {
      const id = await userId('officer')
      const res = await post(`/admin/users/${id}/name`, admin, { displayName: 'PC Alex', agencyId: agency.nhs })
      assert.equal(res.statusCode, 400)
      const created = await post('/admin/users', admin, {
        username: 'new.sneaky',
        displayName: 'Sneaky',
        agencyId: agency.police,
        roles: ['analyst'],
        isServiceAccount: 'true',
      })
      assert.equal(created.statusCode, 400)
      assert.equal(
        await t.deps.db.selectFrom('app_user').select('id').where('username', '=', 'new.sneaky').executeTakeFirst(),
        undefined,
      )
    })

    it('changes a display name, roles and teams, and says so', async () => {
      const id = await userId('analyst')
      let res = await post(`/admin/users/${id}/name`, admin, { displayName: 'Robin Analyst' })
      assert.equal(res.statusCode, 302)
      assert.equal(res.headers.location, `/admin/users/${id}?saved=name`)
      res = await page(String(res.headers.location), admin)
      assert.match(res.body, /Display name changed/)
      assert.match(res.body, /Robin Analyst/)

      res = await page(`/admin/users/${id}/roles`, admin)
      assert.equal(res.statusCode, 200)
      assert.ok(!res.body.includes('value="health_idva"'), 'a police user is not offered NHS roles')
      res = await post(`/admin/users/${id}/roles`, admin, { roles: [] })
      assert.equal(res.statusCode, 400)
      assert.match(res.body, /Choose at least one role/)
      res = await post(`/admin/users/${id}/roles`, admin, { roles: ['analyst', 'marac_coordinator'] })
      assert.equal(res.headers.location, `/admin/users/${id}?saved=roles`)

      const team = await t.services.admin.createTeam(await t.actor('admin'), {
        agencyId: agency.police,
        name: 'Analysts',
        areas: ['Blackpool'],
      })
      res = await page(`/admin/users/${id}/teams`, admin)
      assert.match(res.body, /Analysts/)
      assert.ok(!res.body.includes('Health IDVAs'), 'only teams of the user’s agency are offered')
      res = await post(`/admin/users/${id}/teams`, admin, { teamIds: team.id })
      assert.equal(res.headers.location, `/admin/users/${id}?saved=teams`)
      res = await page(`/admin/users/${id}`, admin)
      assert.match(res.body, /href="\/admin\/teams\/[^"]+">Analysts/)
    })

    it('does not offer an administrator the button to disable themselves, and refuses it', async () => {
      const id = await userId('admin')
      const view = await page(`/admin/users/${id}`, admin)
      assert.ok(!view.body.includes('data-testid="disable-user"'))
      const res = await post(`/admin/users/${id}/disable`, admin)
      assert.equal(res.statusCode, 400)
      assert.match(res.body, /You cannot disable your own account/)
    })
  })

  describe('taking effect on the next request', () => {
    it('refuses a disabled user’s existing session and API token', async () => {
      const officer = await t.signIn('officer')
      const token = await t.bearer('officer')
      assert.equal((await page('/', officer)).statusCode, 200)
      assert.equal((await api('GET', '/api/v1/openapi.json', token)).statusCode, 200)

      const id = await userId('officer')
      const confirm = await page(`/admin/users/${id}/disable`, admin)
      assert.match(confirm.body, /Disable PC Alex Demo’s account\?/)
      const res = await post(`/admin/users/${id}/disable`, admin)
      assert.equal(res.statusCode, 302)
      const shown = await page(String(res.headers.location), admin)
      assert.match(shown.body, /Account disabled/)
      assert.match(shown.body, /govuk-tag--grey">\s*Disabled/)

      const next = await page('/', officer)
      assert.equal(next.statusCode, 302)
      assert.match(String(next.headers.location), /^\/sign-in/)
      assert.equal((await api('GET', '/api/v1/openapi.json', token)).statusCode, 401)

      // Enabling the account again does not bring the old session or token back.
      assert.equal((await post(`/admin/users/${id}/enable`, admin)).statusCode, 302)
      assert.equal((await page('/', officer)).statusCode, 302)
      assert.equal((await api('GET', '/api/v1/openapi.json', token)).statusCode, 401)
      assert.equal((await page('/', await t.signIn('officer'))).statusCode, 200)
    })

    it('ends a user’s session when a role is removed', async () => {
      const sergeant = await t.signIn('sergeant')
      assert.equal((await page('/triage', sergeant)).statusCode, 200)
      const id = await userId('sergeant')
      const add = await api('PUT', `/api/v1/admin/users/${id}/roles`, adminToken, {
        roles: ['detective_sergeant', 'analyst'],
      })
      assert.equal(add.statusCode, 200)
      assert.equal((await page('/triage', sergeant)).statusCode, 200, 'adding a role keeps the session')

      const remove = await api('PUT', `/api/v1/admin/users/${id}/roles`, adminToken, { roles: ['analyst'] })
      assert.equal(remove.statusCode, 200)
      assert.deepEqual(remove.json().roles, ['analyst'])
      const next = await page('/triage', sergeant)
      assert.equal(next.statusCode, 302)
      assert.match(String(next.headers.location), /^\/sign-in/)
      await api('PUT', `/api/v1/admin/users/${id}/roles`, adminToken, { roles: ['detective_sergeant'] })
    })
  })

  describe('users API', () => {
    it('adds, reads, changes, disables and enables a user', async () => {
      const created = await api('POST', '/api/v1/admin/users', adminToken, {
        username: 'New.Idva',
        displayName: 'Jamie New',
        agencyId: agency.nhs,
        roles: ['health_idva'],
      })
      assert.equal(created.statusCode, 201, created.body)
      const body = created.json()
      assert.equal(body.user.username, 'new.idva')
      assert.equal(body.user.agencyName, 'Blackpool Teaching Hospitals NHS Foundation Trust (demo)')
      assert.equal(typeof body.temporaryPassword, 'string')
      assert.equal(created.headers.location, `/api/v1/admin/users/${body.user.id}`)
      assert.equal(created.headers['cache-control'], 'no-store')
      const id = body.user.id

      const read = await api('GET', `/api/v1/admin/users/${id}`, adminToken)
      assert.equal(read.statusCode, 200)
      assert.equal(read.json().temporaryPassword, undefined)
      assert.equal(read.json().enabled, true)

      const patched = await api('PATCH', `/api/v1/admin/users/${id}`, adminToken, { displayName: 'Jamie New (IDVA)' })
      assert.equal(patched.json().displayName, 'Jamie New (IDVA)')

      const disabled = await api('POST', `/api/v1/admin/users/${id}/disable`, adminToken)
      assert.equal(disabled.statusCode, 200)
      assert.equal(disabled.json().enabled, false)
      assert.equal(disabled.json().disabledAt, FIXED_NOW.toISOString())
      const enabled = await api('POST', `/api/v1/admin/users/${id}/enable`, adminToken)
      assert.equal(enabled.json().enabled, true)

      const list = await api('GET', `/api/v1/admin/users?agencyId=${agency.nhs}&role=health_idva`, adminToken)
      assert.equal(list.statusCode, 200)
      assert.deepEqual(
        list
          .json()
          .items.map((u: { username: string }) => u.username)
          .sort(),
        ['idva', 'idva-2', 'new.idva'],
      )
      const audit = await lastAudit()
      assert.equal(audit.action, 'consult')
      assert.equal(audit.record_type, 'user_list')
    })

    const refusals: { name: string; method: Method; url: (id: string) => string; payload: object }[] = [
      {
        name: 'an id on creation',
        method: 'POST',
        url: () => '/api/v1/admin/users',
        payload: {
          id: NO_SUCH_ID,
          username: 'new.x',
          displayName: 'X',
          agencyId: NO_SUCH_ID,
          roles: ['analyst'],
        },
      },
      {
        name: 'an agency on a name change',
        method: 'PATCH',
        url: (id) => `/api/v1/admin/users/${id}`,
        payload: { displayName: 'X', agencyId: NO_SUCH_ID },
      },
      {
        name: 'a username change',
        method: 'PATCH',
        url: (id) => `/api/v1/admin/users/${id}`,
        payload: { username: 'someone' },
      },
      {
        name: 'a disabled date',
        method: 'PATCH',
        url: (id) => `/api/v1/admin/users/${id}`,
        payload: { displayName: 'X', disabledAt: null },
      },
      {
        name: 'an unknown role',
        method: 'PUT',
        url: (id) => `/api/v1/admin/users/${id}/roles`,
        payload: { roles: ['root'] },
      },
      {
        name: 'a user id among roles',
        method: 'PUT',
        url: (id) => `/api/v1/admin/users/${id}/roles`,
        payload: { roles: ['analyst'], userId: NO_SUCH_ID },
      },
      {
        name: 'an agency on a team change',
        method: 'PATCH',
        url: () => `/api/v1/admin/teams/${NO_SUCH_ID}`,
        payload: { name: 'X', agencyId: NO_SUCH_ID },
      },
      {
        name: 'a kind on an agency rename',
        method: 'PATCH',
        url: () => `/api/v1/admin/agencies/${NO_SUCH_ID}`,
        payload: { name: 'X', kind: 'police' },
      },
    ]
    for (const r of refusals) {
      it(`refuses ${r.name} with 400`, async () => {
        const id = await userId('analyst')
        const res = await api(r.method, r.url(id), adminToken, r.payload)
        assert.equal(res.statusCode, 400, res.body)
        assert.equal(res.json().error, 'validation')
      })
    }

    it('answers 409 for a username in use and 400 for rules broken', async () => {
      const taken = await api('POST', '/api/v1/admin/users', adminToken, {
        username: 'sergeant',
        displayName: 'X',
        agencyId: agency.police,
        roles: ['analyst'],
        password: 'a-long-enough-password',
      })
      assert.equal(taken.statusCode, 409)
      assert.equal(taken.json().error, 'conflict')
      const self = await api('POST', `/api/v1/admin/users/${await userId('admin')}/disable`, adminToken)
      assert.equal(self.statusCode, 400)
      assert.match(self.json().issues[0].message, /your own account/)
      const missing = await api('POST', `/api/v1/admin/users/${NO_SUCH_ID}/disable`, adminToken)
      assert.equal(missing.statusCode, 404)
    })
  })

  describe('teams', () => {
    beforeEach(async () => {
      await t.deps.db.deleteFrom('team').where('name', 'like', 'New%').execute()
    })

    it('adds a team, its members and areas through the API, and deletes it once empty', async () => {
      const created = await api('POST', '/api/v1/admin/teams', adminToken, {
        agencyId: agency.police,
        name: 'New North',
        areas: ['Lancaster'],
      })
      assert.equal(created.statusCode, 201, created.body)
      const team = created.json()
      assert.equal(team.memberCount, 0)
      const sergeant = await userId('sergeant')
      const added = await api('PUT', `/api/v1/admin/teams/${team.id}/members/${sergeant}`, adminToken)
      assert.equal(added.statusCode, 200)
      assert.deepEqual(
        added.json().members.map((m: { username: string }) => m.username),
        ['sergeant'],
      )
      const outsider = await api('PUT', `/api/v1/admin/teams/${team.id}/members/${await userId('idva')}`, adminToken)
      assert.equal(outsider.statusCode, 400)
      const patched = await api('PATCH', `/api/v1/admin/teams/${team.id}`, adminToken, {
        areas: ['Lancaster', 'Morecambe'],
      })
      assert.deepEqual(patched.json().areas, ['Lancaster', 'Morecambe'])
      assert.equal((await api('DELETE', `/api/v1/admin/teams/${team.id}`, adminToken)).statusCode, 409)
      assert.equal(
        (await api('DELETE', `/api/v1/admin/teams/${team.id}/members/${sergeant}`, adminToken)).statusCode,
        200,
      )
      assert.equal((await api('DELETE', `/api/v1/admin/teams/${team.id}`, adminToken)).statusCode, 204)
      const audit = await lastAudit()
      assert.deepEqual([audit.action, audit.record_type, audit.record_id], ['erase', 'team', team.id])
      const list = await api('GET', `/api/v1/admin/teams?agencyId=${agency.police}`, adminToken)
      assert.ok(!list.json().items.some((i: { id: string }) => i.id === team.id))
    })

    it('adds a team, a member and deletes it from the pages', async () => {
      let res = await page('/admin/teams/new', admin)
      assert.equal(res.statusCode, 200)
      res = await post('/admin/teams', admin, { agencyId: agency.police, name: '', areas: ['Blackpool'] })
      assert.equal(res.statusCode, 400)
      assert.match(res.body, /href="#name">Enter a team name/)
      res = await post('/admin/teams', admin, {
        agencyId: agency.police,
        name: 'New South',
        areas: ['Blackpool', 'Fylde'],
      })
      assert.equal(res.statusCode, 302)
      const url = String(res.headers.location).split('?')[0]!
      const id = url.split('/').at(-1)!
      res = await page(`${url}?saved=team`, admin)
      assert.match(res.body, /Team saved/)
      assert.match(res.body, /Blackpool, Fylde/)
      assert.ok(!res.body.includes('Chris Demo (Health IDVA)'), 'only staff of the agency are offered')

      res = await post(`${url}/members`, admin, { userId: '' })
      assert.equal(res.statusCode, 400)
      assert.match(res.body, /href="#userId">Choose a user to add/)
      res = await post(`${url}/members`, admin, { userId: await userId('officer') })
      assert.equal(res.headers.location, `${url}?saved=member`)
      res = await page('/admin/teams', admin)
      assert.match(res.body, new RegExp(`href="/admin/teams/${id}">New South</a>`))
      res = await post(`${url}/delete`, admin)
      assert.equal(res.statusCode, 409)
      assert.match(res.body, /Remove the team’s members before deleting it/)
      res = await post(`${url}/members/${await userId('officer')}/remove`, admin)
      assert.equal(res.headers.location, `${url}?saved=removed`)
      res = await post(`${url}/edit`, admin, { name: 'New South West', areas: ['Blackpool'] })
      assert.equal(res.headers.location, `${url}?saved=team`)
      res = await post(`${url}/delete`, admin)
      assert.equal(res.headers.location, '/admin/teams?saved=deleted')
      assert.equal((await page(url, admin)).statusCode, 404)
    })
  })

  describe('agencies', () => {
    it('adds an agency and a sharing agreement through the API, and ends it', async () => {
      const created = await api('POST', '/api/v1/admin/agencies', adminToken, {
        code: 'new-council',
        name: 'Blackpool Council (demo)',
        kind: 'local_authority',
      })
      assert.equal(created.statusCode, 201, created.body)
      const id = created.json().id
      const again = await api('POST', '/api/v1/admin/agencies', adminToken, {
        code: 'new-council',
        name: 'X',
        kind: 'nhs',
      })
      assert.equal(again.statusCode, 409)

      const shared = await api('POST', `/api/v1/admin/agencies/${agency.police}/shares`, adminToken, {
        partnerAgencyId: id,
        resource: 'incident',
      })
      assert.equal(shared.statusCode, 201, shared.body)
      assert.ok(shared.json().sharesGiven.some((s: { partnerAgencyId: string }) => s.partnerAgencyId === id))
      const received = await api('GET', `/api/v1/admin/agencies/${id}`, adminToken)
      assert.equal(received.json().sharesReceived[0].ownerAgencyId, agency.police)
      const ended = await api('DELETE', `/api/v1/admin/agencies/${agency.police}/shares/${id}/incident`, adminToken)
      assert.equal(ended.statusCode, 204)
      const audit = await lastAudit()
      assert.deepEqual([audit.action, audit.record_type], ['erase', 'agency_share'])
      const renamed = await api('PATCH', `/api/v1/admin/agencies/${id}`, adminToken, { name: 'Blackpool Council' })
      assert.equal(renamed.json().name, 'Blackpool Council')
      assert.equal(renamed.json().kind, 'local_authority')
    })

    it('adds and ends a sharing agreement from the pages', async () => {
      let res = await page(`/admin/agencies/${agency.thirdSector}`, admin)
      assert.equal(res.statusCode, 200)
      assert.match(res.body, /shares no records/)
      res = await post(`/admin/agencies/${agency.thirdSector}/shares`, admin, {
        partnerAgencyId: '',
        resource: 'incident',
      })
      assert.equal(res.statusCode, 400)
      assert.match(res.body, /href="#partnerAgencyId">Choose the partner agency/)
      res = await post(`/admin/agencies/${agency.thirdSector}/shares`, admin, {
        partnerAgencyId: agency.nhs,
        resource: 'incident',
      })
      assert.equal(res.headers.location, `/admin/agencies/${agency.thirdSector}?saved=share`)
      res = await page(String(res.headers.location), admin)
      assert.match(res.body, /data-testid="share-row"/)
      res = await post(`/admin/agencies/${agency.thirdSector}/shares/remove`, admin, {
        partnerAgencyId: agency.nhs,
        resource: 'incident',
      })
      assert.equal(res.headers.location, `/admin/agencies/${agency.thirdSector}?saved=unshared`)
      res = await page('/admin/agencies/new', admin)
      assert.equal(res.statusCode, 200)
      res = await post('/admin/agencies', admin, { code: 'x', name: '', kind: '' })
      assert.equal(res.statusCode, 400)
      assert.match(res.body, /href="#code">Code must be 2 to 30 characters/)
      assert.match(res.body, /href="#kind">Choose the kind of agency/)
    })
  })

  it('documents every admin endpoint in the OpenAPI description', async () => {
    const doc = (await api('GET', '/api/v1/openapi.json', adminToken)).json()
    const paths = Object.keys(doc.paths).filter((p) => p.startsWith('/api/v1/admin/'))
    assert.ok(paths.length >= 10, paths.join())
    for (const p of paths) {
      for (const op of Object.values(doc.paths[p]) as { tags: string[]; summary: string }[]) {
        assert.deepEqual(op.tags, ['admin'], p)
        assert.ok(op.summary, p)
      }
    }
    const create = doc.paths['/api/v1/admin/users'].post.requestBody.content['application/json'].schema
    assert.equal(create.additionalProperties, false)
    assert.match(create.properties.password.description, /generated/)
  })
})

function formBody(fields: Record<string, string | string[]>): string {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one)
  return params.toString()
}

function usernames(html: string): string[] {
  return [...html.matchAll(/data-testid="user-row" data-username="([^"]+)"/g)].map((m) => m[1]!)
}
