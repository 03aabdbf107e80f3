import { after, before, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { describeEachEngine } from '../../test-support/db.ts'
import { testApp, type TestApp } from '../../test-support/app.ts'
import { FIXED_NOW } from '../../test-support/clock.ts'
import type { Actor } from '../../auth/actor.ts'

type Session = { cookie: string; csrf: string }
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

// FIXED_NOW is Monday 23 Nov 2026, 07:30 UK time (GMT).
const TOMORROW = { 'date-day': '24', 'date-month': '11', 'date-year': '2026' }
const EARLY = { startsAt: '2026-11-24T07:00:00Z', endsAt: '2026-11-24T15:00:00Z' }

function formBody(fields: Record<string, string | string[]>): string {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one)
  return params.toString()
}

describeEachEngine('rota routes', (engine) => {
  let t: TestApp
  let sergeant: Actor
  let session: Session
  let token: string
  let team: string
  let base: string
  let vehicle: string
  const users: Record<string, string> = {}

  const page = (url: string, s: Session = session) =>
    t.app.inject({ method: 'GET', url, headers: { accept: 'text/html', cookie: s.cookie } })
  const post = (url: string, form: Record<string, string | string[]> = {}, s: Session = session) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { cookie: s.cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      payload: formBody({ _csrf: s.csrf, ...form }),
    })
  const api = (method: Method, url: string, payload?: object, bearer: string = token) =>
    t.app.inject({ method, url, payload, headers: { authorization: `Bearer ${bearer}` } })
  const newShift = async (o: Record<string, unknown> = {}) =>
    t.services.rota.createShift(sergeant, { teamId: team, ...EARLY, baseId: base, vehicleId: vehicle, ...o })

  before(async () => {
    t = await testApp(engine)
    sergeant = await t.actor('sergeant')
    session = await t.signIn('sergeant')
    token = await t.bearer('sergeant')
    for (const u of await t.deps.db.selectFrom('app_user').select(['id', 'username']).execute())
      users[u.username] = u.id
    team = (
      await t.deps.db
        .selectFrom('team')
        .select('id')
        .where('name', '=', 'Op Provide: Blackpool, Fylde and Wyre')
        .executeTakeFirstOrThrow()
    ).id
    base = (
      await t.services.rota.createBase(sergeant, {
        name: 'Blackpool police station',
        area: 'Blackpool',
        latitude: 53.8143,
        longitude: -3.0503,
      })
    ).id
    vehicle = (await t.services.rota.createVehicle(sergeant, { callSign: 'Provide 1' })).id
  })
  after(() => t.close())
  beforeEach(async () => {
    t.clock.set(FIXED_NOW)
    await t.deps.db.deleteFrom('shift_member').execute()
    await t.deps.db.deleteFrom('shift').execute()
    await t.deps.db.deleteFrom('rotation').execute()
  })

  describe('who may use the rota', () => {
    it('refuses a response officer every rota page and endpoint', async () => {
      const officer = await t.signIn('officer')
      const officerToken = await t.bearer('officer')
      for (const url of ['/rota', '/rota/bases', '/rota/vehicles', '/rota/rotations', '/rota/shifts/new']) {
        const res = await page(url, officer)
        assert.equal(res.statusCode, 403, url)
        assert.match(res.body, /You do not have access/)
      }
      assert.equal((await api('GET', '/api/v1/rota/shifts', undefined, officerToken)).statusCode, 403)
      const res = await api('POST', '/api/v1/rota/shifts', { teamId: team, ...EARLY, baseId: base }, officerToken)
      assert.equal(res.statusCode, 403)
      assert.equal(res.json().message, 'Your roles do not allow rota:manage')
    })

    it('lets the joint team see the rota but not change it', async () => {
      const { id } = await newShift()
      const idva = await t.signIn('idva')
      const week = await page('/rota', idva)
      assert.equal(week.statusCode, 200)
      assert.match(week.body, /Op Provide: Blackpool, Fylde and Wyre/)
      assert.ok(!week.body.includes('data-testid="add-shift"'), 'no Add a shift button')
      const shift = await page(`/rota/shifts/${id}`, idva)
      assert.equal(shift.statusCode, 200)
      assert.ok(!shift.body.includes(`/rota/shifts/${id}/edit`), 'no Change links')
      assert.equal((await post('/rota/shifts', { teamId: team }, idva)).statusCode, 403)
      assert.equal((await post(`/rota/shifts/${id}/cancel`, {}, idva)).statusCode, 403)
      const idvaToken = await t.bearer('idva')
      assert.equal((await api('PUT', `/api/v1/rota/shifts/${id}/members`, { members: [] }, idvaToken)).statusCode, 403)
    })
  })

  describe('shift pages', () => {
    it('shows the week grouped by day, with who is on and what each shift still needs', async () => {
      const { id } = await newShift()
      await t.services.rota.setMembers(sergeant, id, {
        members: [{ userId: users['provide-officer'], duty: 'officer' }],
      })
      const res = await page('/rota')
      assert.equal(res.statusCode, 200)
      assert.match(res.body, /class="moj-sub-navigation"/)
      assert.match(res.body, /Monday 23 Nov 2026 to Sunday 29 Nov 2026/)
      assert.equal([...res.body.matchAll(/data-testid="day"/g)].length, 7)
      const tuesday = /data-date="2026-11-24">([\s\S]*?)<\/section>/.exec(res.body)![1]!
      assert.match(tuesday, /07:00–15:00/)
      assert.match(tuesday, /Blackpool police station/)
      assert.match(tuesday, /Provide 1/)
      assert.match(tuesday, /Officer: PC Jo Demo/)
      assert.match(tuesday, /No health IDVA is on this shift’s rota: a joint visit needs one/)
      assert.match(tuesday, /Not ready/)
      const next = await page('/rota?from=2026-11-30')
      assert.match(next.body, /Monday 30 Nov 2026 to Sunday 6 Dec 2026/)
      const odd = await page('/rota?from=yesterday')
      assert.equal(odd.statusCode, 200)
      assert.match(odd.body, /That date was not recognised/)
    })

    it('adds a shift from the form, in UK time', async () => {
      const form = await page('/rota/shifts/new?date=2026-11-24')
      assert.equal(form.statusCode, 200)
      assert.match(form.body, /Early, 07:00 to 15:00/)
      assert.match(form.body, /name="date-day" type="text" value="24"/)
      const res = await post('/rota/shifts', {
        teamId: team,
        ...TOMORROW,
        pattern: 'late',
        baseId: base,
        vehicleId: vehicle,
      })
      assert.equal(res.statusCode, 302)
      const location = String(res.headers.location)
      assert.match(location, /^\/rota\/shifts\/[0-9a-f-]{36}\?saved=created$/)
      const shift = await page(location)
      assert.match(shift.body, /Shift added/)
      assert.match(shift.body, /24 Nov 2026, 14:00/)
      assert.match(shift.body, /24 Nov 2026, 22:00/)
    })

    it('sends a bad shift back with clear messages, keeping what was typed', async () => {
      const res = await post('/rota/shifts', {
        teamId: team,
        ...TOMORROW,
        pattern: 'other',
        startTime: '07:00',
        endTime: '21:00',
        baseId: '',
        vehicleId: vehicle,
      })
      assert.equal(res.statusCode, 400)
      assert.match(res.body, /govuk-error-summary/)
      assert.match(res.body, /<title>Error: Add a shift/)
      assert.match(res.body, /href="#baseId">Choose the base/)
      assert.match(res.body, /name="endTime" type="text" value="21:00"/)
      const times = await post('/rota/shifts', {
        teamId: team,
        ...TOMORROW,
        pattern: 'other',
        startTime: '07:00',
        endTime: '21:00',
        baseId: base,
      })
      assert.equal(times.statusCode, 400)
      assert.match(times.body, /href="#endTime">A shift can be at most 12 hours long: this one is 14 hours/)
      const blank = await post('/rota/shifts', { teamId: team, baseId: base })
      assert.match(blank.body, /href="#date">Enter the date of the shift, like 23 11 2026/)
      assert.match(blank.body, /href="#pattern">Choose the shift: early, late or other times/)
      assert.equal((await post('/rota/shifts', { teamId: team, sneaky: 'x' })).statusCode, 400)
      assert.equal(
        Number(
          (
            await t.deps.db
              .selectFrom('shift')
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        ),
        0,
      )
    })

    it('changes a shift and its rota, refusing overlaps with the other shift named', async () => {
      const early = await newShift()
      await t.services.rota.setMembers(sergeant, early.id, {
        members: [
          { userId: users['provide-officer'], duty: 'officer' },
          { userId: users.idva, duty: 'idva' },
        ],
      })
      const late = await newShift({ startsAt: '2026-11-24T14:00:00Z', endsAt: '2026-11-24T22:00:00Z', vehicleId: null })
      const edit = await page(`/rota/shifts/${late.id}/edit`)
      assert.equal(edit.statusCode, 200)
      assert.match(edit.body, /value="late" checked/)

      const members = await page(`/rota/shifts/${late.id}/members`)
      assert.equal(members.statusCode, 200)
      assert.match(members.body, /PC Alex Demo/)
      const refused = await post(`/rota/shifts/${late.id}/members`, { officers: users.officer!, idvas: users.idva! })
      assert.equal(refused.statusCode, 400)
      assert.match(
        refused.body,
        /Chris Demo \(Health IDVA\) is already on Op Provide: Blackpool, Fylde and Wyre, 24 Nov 2026 07:00–15:00, which overlaps this shift/,
      )
      assert.match(refused.body, new RegExp(`value="${users.officer}" checked`), 'the ticks are kept')

      const saved = await post(`/rota/shifts/${late.id}/members`, { officers: users.officer! })
      assert.equal(saved.headers.location, `/rota/shifts/${late.id}?saved=rota`)
      const shift = await page(String(saved.headers.location))
      assert.match(shift.body, /Rota saved/)
      assert.match(shift.body, /No health IDVA is on this shift’s rota: a joint visit needs one/)
      assert.match(shift.body, /No vehicle is assigned to this shift/)

      const changed = await post(`/rota/shifts/${late.id}/edit`, {
        ...TOMORROW,
        pattern: 'other',
        startTime: '15:00',
        endTime: '22:00',
        baseId: base,
        vehicleId: vehicle,
      })
      assert.equal(changed.headers.location, `/rota/shifts/${late.id}?saved=shift`)
    })

    it('keeps a base taken out of use on the shifts that have it', async () => {
      const old = await t.services.rota.createBase(sergeant, {
        name: 'Old station',
        area: 'Fylde',
        latitude: 53.75,
        longitude: -2.98,
      })
      const { id } = await newShift({ baseId: old.id, vehicleId: null })
      await t.services.rota.updateBase(sergeant, old.id, { active: false })
      const edit = await page(`/rota/shifts/${id}/edit`)
      assert.match(edit.body, new RegExp(`value="${old.id}" selected>Old station \\(no longer in use\\)`))
      const saved = await post(`/rota/shifts/${id}/edit`, {
        ...TOMORROW,
        pattern: 'other',
        startTime: '07:00',
        endTime: '16:00',
        baseId: old.id,
        vehicleId: '',
      })
      assert.equal(saved.statusCode, 302)
      const moved = await post('/rota/shifts', { teamId: team, ...TOMORROW, pattern: 'late', baseId: old.id })
      assert.equal(moved.statusCode, 400)
      assert.match(moved.body, /Old station is no longer in use: choose another base/)
    })

    it('cancels a shift after asking', async () => {
      const { id } = await newShift()
      const confirm = await page(`/rota/shifts/${id}/cancel`)
      assert.match(confirm.body, /Cancel the shift of 24 Nov 2026 07:00–15:00\?/)
      const res = await post(`/rota/shifts/${id}/cancel`)
      assert.equal(res.headers.location, `/rota/shifts/${id}?saved=cancelled`)
      const shift = await page(String(res.headers.location))
      assert.match(shift.body, /This shift was cancelled 23 Nov 2026, 07:30/)
      assert.ok(!shift.body.includes('data-testid="cancel-link"'))
      const again = await post(`/rota/shifts/${id}/cancel`)
      assert.equal(again.statusCode, 400)
      assert.match(again.body, /href="#shift">This shift was cancelled/)
    })
  })

  describe('bases, vehicles and rotations pages', () => {
    it('adds a base, sending bad coordinates back with messages', async () => {
      const bad = await post('/rota/bases', { name: 'Fleetwood', area: 'Wyre', latitude: '-3.01', longitude: '53.92' })
      assert.equal(bad.statusCode, 400)
      assert.match(bad.body, /href="#latitude">Latitude and longitude look swapped/)
      assert.match(bad.body, /value="Fleetwood"/)
      const words = await post('/rota/bases', { name: 'Fleetwood', area: '', latitude: 'north', longitude: '' })
      assert.match(words.body, /Enter the latitude as a number, like 53.8143/)
      assert.match(words.body, /Enter the longitude as a number, like -3.0503/)
      assert.match(words.body, /href="#area">Choose the area/)
      const ok = await post('/rota/bases', {
        name: 'Fleetwood police station',
        area: 'Wyre',
        latitude: '53.9166',
        longitude: '-3.0357',
      })
      assert.equal(ok.headers.location, '/rota/bases?saved=base')
      const list = await page(String(ok.headers.location))
      assert.match(list.body, /Base saved/)
      assert.match(list.body, /Fleetwood police station/)
      const row = await t.deps.db
        .selectFrom('deployment_base')
        .select('id')
        .where('name', '=', 'Fleetwood police station')
        .executeTakeFirstOrThrow()
      const edit = await post(`/rota/bases/${row.id}/edit`, {
        name: 'Fleetwood police station',
        area: 'Wyre',
        latitude: '53.9166',
        longitude: '-3.0357',
        active: 'no',
      })
      assert.equal(edit.statusCode, 302)
      assert.match((await page('/rota/bases')).body, /Not in use/)
    })

    it('adds and changes a vehicle', async () => {
      const dup = await post('/rota/vehicles', { callSign: 'provide 1', registration: '' })
      assert.equal(dup.statusCode, 400)
      assert.match(dup.body, /href="#callSign">Your agency already has a vehicle with call sign provide 1/)
      const ok = await post('/rota/vehicles', { callSign: 'Provide 7', registration: 'pn21 xyz' })
      assert.equal(ok.headers.location, '/rota/vehicles?saved=vehicle')
      const list = await page('/rota/vehicles')
      assert.match(list.body, /PN21 XYZ/)
    })

    it('records rotations with the served-officers count at the top', async () => {
      const empty = await page('/rota/rotations')
      assert.equal(empty.statusCode, 200)
      assert.match(empty.body, /data-testid="served-total">0</)
      const bad = await post('/rota/rotations', {
        userId: users.officer!,
        homeTeam: 'Response team C, Blackpool',
        'startsOn-day': '1',
        'startsOn-month': '9',
        'startsOn-year': '2026',
        'endsOn-day': '31',
        'endsOn-month': '8',
        'endsOn-year': '2026',
      })
      assert.equal(bad.statusCode, 400)
      assert.match(bad.body, /href="#endsOn">The end date must be the same as or after the start date/)
      assert.match(bad.body, /value="Response team C, Blackpool"/)
      const ok = await post('/rota/rotations', {
        userId: users.officer!,
        homeTeam: 'Response team C, Blackpool',
        'startsOn-day': '1',
        'startsOn-month': '9',
        'startsOn-year': '2026',
      })
      assert.equal(ok.headers.location, '/rota/rotations?saved=rotation')
      const list = await page('/rota/rotations')
      assert.match(list.body, /data-testid="served-total">1</)
      assert.match(list.body, /officer has served with the programme by 23 Nov 2026/)
      assert.match(list.body, /PC Alex Demo/)
      const rotation = await t.deps.db.selectFrom('rotation').select('id').executeTakeFirstOrThrow()
      const end = await post(`/rota/rotations/${rotation.id}/end`, {
        'endsOn-day': '31',
        'endsOn-month': '8',
        'endsOn-year': '2026',
      })
      assert.equal(end.statusCode, 400)
      assert.match(end.body, /The end date must be on or after the start date, 1 Sep 2026/)
      const ended = await post(`/rota/rotations/${rotation.id}/end`, {
        'endsOn-day': '30',
        'endsOn-month': '11',
        'endsOn-year': '2026',
      })
      assert.equal(ended.headers.location, '/rota/rotations?saved=ended')
    })
  })

  describe('API', () => {
    it('creates a shift, sets its rota and lists it', async () => {
      const created = await api('POST', '/api/v1/rota/shifts', {
        teamId: team,
        ...EARLY,
        baseId: base,
        vehicleId: vehicle,
      })
      assert.equal(created.statusCode, 201)
      const shift = created.json()
      assert.equal(created.headers.location, `/api/v1/rota/shifts/${shift.id}`)
      assert.equal(shift.startsAt, '2026-11-24T07:00:00.000Z')
      assert.equal(shift.vehicle.callSign, 'Provide 1')

      const rota = await api('PUT', `/api/v1/rota/shifts/${shift.id}/members`, {
        members: [{ userId: users['provide-officer'], duty: 'officer' }],
      })
      assert.equal(rota.statusCode, 200)
      assert.deepEqual(rota.json().readiness, ['No health IDVA is on this shift’s rota: a joint visit needs one'])

      const list = await api(
        'GET',
        '/api/v1/rota/shifts?from=2026-11-24&to=2026-11-24',
        undefined,
        await t.bearer('idva'),
      )
      assert.equal(list.statusCode, 200)
      assert.deepEqual(
        list
          .json()
          .items.map((s: { id: string; members: { displayName: string }[] }) => [
            s.id,
            s.members.map((m) => m.displayName),
          ]),
        [[shift.id, ['PC Jo Demo']]],
      )
      const one = await api('GET', `/api/v1/rota/shifts/${shift.id}`)
      assert.equal(one.statusCode, 200)
      const cancelled = await api('POST', `/api/v1/rota/shifts/${shift.id}/cancel`)
      assert.equal(cancelled.json().readiness[0], 'This shift is cancelled')
    })

    it('answers bad input with 400 and clear messages', async () => {
      const { id } = await newShift()
      await t.services.rota.setMembers(sergeant, id, { members: [{ userId: users.idva, duty: 'idva' }] })
      const other = await newShift({
        startsAt: '2026-11-24T14:00:00Z',
        endsAt: '2026-11-24T22:00:00Z',
        vehicleId: null,
      })
      const res = await api('PUT', `/api/v1/rota/shifts/${other.id}/members`, {
        members: [
          { userId: users.idva, duty: 'idva' },
          { userId: users.analyst, duty: 'officer' },
        ],
      })
      assert.equal(res.statusCode, 400)
      const body = res.json()
      assert.equal(body.error, 'validation')
      assert.deepEqual(
        body.issues.map((i: { message: string }) => i.message),
        [
          'Chris Demo (Health IDVA) is already on Op Provide: Blackpool, Fylde and Wyre, 24 Nov 2026 07:00–15:00, which overlaps this shift',
          'Robin Demo (Analyst) cannot be on as a police officer: that needs the Op Provide officer or Response officer role in a police force',
        ],
      )
      const vehicleBusy = await api('PATCH', `/api/v1/rota/shifts/${other.id}`, { vehicleId: vehicle })
      assert.equal(vehicleBusy.statusCode, 400)
      assert.match(vehicleBusy.json().issues[0].message, /^Provide 1 is already out with Op Provide/)
      const strict = await api('PATCH', `/api/v1/rota/shifts/${other.id}`, { teamId: team })
      assert.equal(strict.statusCode, 400)
      const duty = await api('PUT', `/api/v1/rota/shifts/${other.id}/members`, {
        members: [{ userId: users.idva, duty: 'driver' }],
      })
      assert.equal(duty.statusCode, 400)
      const times = await api('POST', '/api/v1/rota/shifts', {
        teamId: team,
        startsAt: '2026-11-24T07:00:00Z',
        endsAt: '2026-11-24T07:30:00Z',
        baseId: base,
      })
      assert.equal(times.statusCode, 400)
      assert.deepEqual(times.json().issues, [
        { path: 'endsAt', message: 'A shift must be at least 1 hour long: this one is 30 minutes' },
      ])
    })

    it('manages bases, vehicles and rotations, and reports officers who have served', async () => {
      const b = await api('POST', '/api/v1/rota/bases', {
        name: 'Lytham station',
        area: 'Fylde',
        latitude: 53.7386,
        longitude: -2.9638,
      })
      assert.equal(b.statusCode, 201)
      const patched = await api('PATCH', `/api/v1/rota/bases/${b.json().id}`, { active: false })
      assert.equal(patched.json().active, false)
      const v = await api('POST', '/api/v1/rota/vehicles', { callSign: 'Provide 3', registration: null })
      assert.equal(v.statusCode, 201)
      assert.equal(
        (await api('PATCH', `/api/v1/rota/vehicles/${v.json().id}`, { registration: 'PN23 AAA' })).json().registration,
        'PN23 AAA',
      )
      const r = await api('POST', '/api/v1/rota/rotations', {
        userId: users.officer,
        homeTeam: 'Response team C, Blackpool',
        startsOn: '2026-10-01',
      })
      assert.equal(r.statusCode, 201)
      assert.equal(r.json().endsOn, null)
      const ended = await api('POST', `/api/v1/rota/rotations/${r.json().id}/end`, { endsOn: '2026-11-20' })
      assert.equal(ended.json().endsOn, '2026-11-20')
      const served = await api('GET', '/api/v1/rota/served?months=2', undefined, await t.bearer('analyst'))
      assert.equal(served.statusCode, 200)
      assert.equal(served.json().total, 1)
      assert.deepEqual(
        served.json().periods.map((p: { month: string; serving: number }) => [p.month, p.serving]),
        [
          ['2026-10', 1],
          ['2026-11', 1],
        ],
      )
      const lists = await Promise.all(['bases', 'vehicles', 'rotations'].map((x) => api('GET', `/api/v1/rota/${x}`)))
      assert.deepEqual(
        lists.map((l) => l.statusCode),
        [200, 200, 200],
      )
    })

    it('describes its endpoints in the OpenAPI document', async () => {
      const doc = (await api('GET', '/api/v1/openapi.json')).json()
      for (const path of ['/api/v1/rota/shifts', '/api/v1/rota/shifts/{id}/members', '/api/v1/rota/served']) {
        assert.ok(doc.paths[path], path)
      }
    })
  })
})
