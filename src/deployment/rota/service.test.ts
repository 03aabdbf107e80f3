import { after, before, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { describeEachEngine } from '../../test-support/db.ts'
import { testContext, type TestContext } from '../../test-support/app.ts'
import { FIXED_NOW } from '../../test-support/clock.ts'
import { systemActor, type Actor } from '../../auth/actor.ts'
import { insertAgency } from '../../auth/repository.ts'
import { ForbiddenError, OutOfScopeError, ValidationError } from '../../common/errors.ts'
import type { RotaService } from './service.ts'

// FIXED_NOW is Monday 23 Nov 2026, 07:30 UK time (GMT): tomorrow's early shift is 07:00-15:00Z.
const EARLY = { startsAt: '2026-11-24T07:00:00Z', endsAt: '2026-11-24T15:00:00Z' }
const LATE = { startsAt: '2026-11-24T14:00:00Z', endsAt: '2026-11-24T22:00:00Z' }
const THURSDAY = { startsAt: '2026-11-26T07:00:00Z', endsAt: '2026-11-26T15:00:00Z' }

/** The messages of a ValidationError, for assert.rejects. */
function refusedWith(...expected: (string | RegExp)[]) {
  return (error: unknown) => {
    assert.ok(error instanceof ValidationError, `expected a ValidationError, got ${String(error)}`)
    const messages = error.issues.map((i) => i.message)
    for (const e of expected) {
      assert.ok(
        messages.some((m) => (typeof e === 'string' ? m === e : e.test(m))),
        `no issue ${String(e)} in ${JSON.stringify(messages)}`,
      )
    }
    return true
  }
}

describeEachEngine('RotaService', (engine) => {
  let t: TestContext
  let rota: RotaService
  let sergeant: Actor
  let team: string
  let base: string
  let vehicle: string
  const users: Record<string, string> = {}

  const db = () => t.deps.db
  const auditRows = (recordType: string, recordId: string) =>
    db()
      .selectFrom('audit_event')
      .select(['action', 'fields', 'details', 'user_id'])
      .where('record_type', '=', recordType)
      .where('record_id', '=', recordId)
      .orderBy('seq')
      .execute()
  const newShift = (o: Record<string, unknown> = {}) =>
    rota.createShift(sergeant, { teamId: team, ...EARLY, baseId: base, vehicleId: vehicle, ...o })
  const jointTeam = [
    { userId: () => users['provide-officer']!, duty: 'officer' as const },
    { userId: () => users.idva!, duty: 'idva' as const },
  ]
  const both = () => jointTeam.map((m) => ({ userId: m.userId(), duty: m.duty }))

  before(async () => {
    t = await testContext(engine)
    rota = t.services.rota
    await t.services.auth.createUser(systemActor('test'), {
      username: 'idva2',
      displayName: 'Robin Second (Health IDVA)',
      agencyCode: 'nhs',
      password: null,
      roles: ['health_idva'],
    })
    for (const u of await db().selectFrom('app_user').select(['id', 'username']).execute()) users[u.username] = u.id
    sergeant = await t.actor('sergeant')
    team = (
      await db()
        .selectFrom('team')
        .select('id')
        .where('name', '=', 'Op Provide: Blackpool, Fylde and Wyre')
        .executeTakeFirstOrThrow()
    ).id
    base = (
      await rota.createBase(sergeant, {
        name: 'Blackpool police station',
        area: 'Blackpool',
        latitude: 53.8143,
        longitude: -3.0503,
      })
    ).id
    vehicle = (await rota.createVehicle(sergeant, { callSign: 'Provide 1', registration: 'pn21 abc' })).id
  })
  after(() => t.close())
  beforeEach(async () => {
    t.clock.set(FIXED_NOW)
    await db().deleteFrom('shift_member').execute()
    await db().deleteFrom('shift').execute()
    await db().deleteFrom('rotation').execute()
  })

  describe('shifts', () => {
    it('adds a shift with its audit row, and lists it in the week for those who may see it', async () => {
      const shift = await newShift()
      assert.equal(shift.teamName, 'Op Provide: Blackpool, Fylde and Wyre')
      assert.equal(shift.base.name, 'Blackpool police station')
      assert.equal(shift.vehicle?.registration, 'PN21 ABC')
      assert.deepEqual(shift.readiness, [
        'No police officer is on this shift’s rota: a joint visit needs one',
        'No health IDVA is on this shift’s rota: a joint visit needs one',
      ])
      assert.deepEqual(await auditRows('shift', shift.id), [
        {
          action: 'collect',
          fields: ['team_id', 'starts_at', 'ends_at', 'base_id', 'vehicle_id'],
          details: {},
          user_id: sergeant.userId,
        },
      ])

      const week = await rota.listShifts(sergeant)
      assert.equal(week.from, '2026-11-23')
      assert.equal(week.to, '2026-11-29')
      assert.deepEqual(
        week.shifts.map((s) => s.id),
        [shift.id],
      )
      // The IDVA's trust receives the force's incidents and covers Blackpool: team scope reaches it.
      assert.equal((await rota.listShifts(await t.actor('idva'))).shifts.length, 1)
      assert.equal((await rota.listShifts(await t.actor('provide-officer'))).shifts.length, 1)
      assert.equal((await rota.listShifts(sergeant, { from: '2026-11-25' })).shifts.length, 0)
      await assert.rejects(rota.listShifts(await t.actor('officer')), ForbiddenError)
      await assert.rejects(
        rota.listShifts(sergeant, { from: '2026-11-23', to: '2027-01-23' }),
        refusedWith('List at most 31 days at a time'),
      )
    })

    it('audits opening a shift as a consultation', async () => {
      const { id } = await newShift()
      const idva = await t.actor('idva')
      const shift = await rota.getShift(idva, id)
      assert.equal(shift.id, id)
      const rows = await auditRows('shift', id)
      assert.deepEqual(rows.at(-1), {
        action: 'consult',
        fields: ['team', 'starts_at', 'ends_at', 'base', 'vehicle', 'members'],
        details: { view: 'shift' },
        user_id: idva.userId,
      })
    })

    it('refuses bad times, another agency’s team, a base out of use and a vehicle already out', async () => {
      await assert.rejects(
        newShift({ startsAt: '2026-11-24T07:00:00Z', endsAt: '2026-11-24T20:00:00Z' }),
        refusedWith('A shift can be at most 12 hours long: this one is 13 hours'),
      )
      await assert.rejects(
        newShift({ startsAt: '2026-11-22T07:00:00Z', endsAt: '2026-11-22T15:00:00Z' }),
        refusedWith('This shift would already be over: it ends 22 Nov 2026, 15:00'),
      )
      const nhsTeam = await db()
        .selectFrom('team')
        .select('id')
        .where('name', '=', 'Health IDVAs: Fylde coast')
        .executeTakeFirstOrThrow()
      await assert.rejects(newShift({ teamId: nhsTeam.id }), refusedWith('Choose one of your agency’s teams'))
      await assert.rejects(newShift({ startsAt: 'tomorrow' }), refusedWith(/^Enter the start as a date and time/))

      const closed = await rota.createBase(sergeant, {
        name: 'Old station',
        area: 'Fylde',
        latitude: 53.75,
        longitude: -2.98,
      })
      await rota.updateBase(sergeant, closed.id, { active: false })
      await assert.rejects(
        newShift({ baseId: closed.id }),
        refusedWith('Old station is no longer in use: choose another base'),
      )

      await newShift()
      await assert.rejects(
        newShift({ ...LATE }),
        refusedWith(
          'Provide 1 is already out with Op Provide: Blackpool, Fylde and Wyre, 24 Nov 2026 07:00–15:00, which overlaps this shift',
        ),
      )
      // Back-to-back is fine: 15:00 to 22:00.
      await newShift({ startsAt: '2026-11-24T15:00:00Z', endsAt: '2026-11-24T22:00:00Z' })
    })

    it('changes times, and checks the people on it again', async () => {
      const early = await newShift()
      await rota.setMembers(sergeant, early.id, { members: [{ userId: users.idva, duty: 'idva' }] })
      const late = await newShift({ ...THURSDAY, vehicleId: null })
      await rota.setMembers(sergeant, late.id, { members: [{ userId: users.idva, duty: 'idva' }] })
      // Moving Thursday's shift onto Tuesday afternoon would put the IDVA on two shifts at once.
      await assert.rejects(
        rota.updateShift(sergeant, late.id, LATE),
        refusedWith(
          'Chris Demo (Health IDVA) is already on Op Provide: Blackpool, Fylde and Wyre, 24 Nov 2026 07:00–15:00, which overlaps this shift',
        ),
      )
      const moved = await rota.updateShift(sergeant, late.id, {
        startsAt: '2026-11-25T14:00:00Z',
        endsAt: '2026-11-25T22:00:00Z',
      })
      assert.equal(moved.startsAt.toISOString(), '2026-11-25T14:00:00.000Z')
      assert.deepEqual((await auditRows('shift', late.id)).at(-1)?.fields, ['starts_at', 'ends_at'])
      const before = (await auditRows('shift', late.id)).length
      await rota.updateShift(sergeant, late.id, { startsAt: '2026-11-25T14:00:00Z' })
      assert.equal((await auditRows('shift', late.id)).length, before, 'no change, no audit row')
      await assert.rejects(rota.updateShift(sergeant, late.id, { teamId: team }), ValidationError)
    })

    it('cancels a shift, freeing its people, and then keeps it as it was', async () => {
      const first = await newShift()
      await rota.setMembers(sergeant, first.id, { members: both() })
      const cancelled = await rota.cancelShift(sergeant, first.id)
      assert.ok(cancelled.cancelledAt)
      assert.deepEqual(cancelled.readiness, ['This shift is cancelled'])
      assert.deepEqual((await auditRows('shift', first.id)).at(-1)?.fields, ['cancelled_at'])
      const second = await newShift()
      await rota.setMembers(sergeant, second.id, { members: both() })
      await assert.rejects(
        rota.setMembers(sergeant, first.id, { members: [] }),
        refusedWith(/^This shift was cancelled/),
      )
      await assert.rejects(rota.cancelShift(sergeant, first.id), refusedWith(/^This shift was cancelled/))
    })

    it('keeps the rota of a shift that has ended', async () => {
      const { id } = await newShift()
      t.clock.set('2026-11-24T16:00:00Z')
      await assert.rejects(
        rota.setMembers(sergeant, id, { members: both() }),
        refusedWith('This shift ended 24 Nov 2026, 15:00: its rota is kept as a record'),
      )
    })

    it('limits managing shifts to the supervisor’s own agency', async () => {
      await insertAgency(db(), { code: 'other-force', name: 'Another force', kind: 'police' })
      await t.services.auth.createUser(systemActor('test'), {
        username: 'other-sergeant',
        displayName: 'DS Other',
        agencyCode: 'other-force',
        password: null,
        roles: ['detective_sergeant'],
      })
      const other = await t.actor('other-sergeant')
      const theirTeam = await db()
        .insertInto('team')
        .values({ agency_id: other.agencyId, name: 'Other team' })
        .returning('id')
        .executeTakeFirstOrThrow()
      const theirBase = await rota.createBase(other, {
        name: 'Their base',
        area: 'Blackpool',
        latitude: 53.8,
        longitude: -3,
      })
      const theirs = await rota.createShift(other, { teamId: theirTeam.id, ...EARLY, baseId: theirBase.id })
      await assert.rejects(newShift({ baseId: theirBase.id }), refusedWith('Their base is a base of another agency'))
      assert.deepEqual(
        (await rota.listShifts(sergeant)).shifts.map((s) => s.teamName),
        [],
      )
      await assert.rejects(rota.getShift(sergeant, theirs.id), OutOfScopeError)
      await assert.rejects(rota.cancelShift(sergeant, theirs.id), OutOfScopeError)
      await assert.rejects(rota.updateBase(sergeant, theirBase.id, { name: 'Mine now' }), OutOfScopeError)
      await assert.rejects(
        rota.setMembers(await t.actor('provide-officer'), theirs.id, { members: [] }),
        ForbiddenError,
      )
    })
  })

  describe('who is on a shift', () => {
    it('puts an officer and an IDVA on a shift, audited, and the shift is ready', async () => {
      const { id } = await newShift()
      const shift = await rota.setMembers(sergeant, id, { members: both() })
      assert.deepEqual(
        shift.members.map((m) => [m.displayName, m.duty]),
        [
          ['PC Jo Demo', 'officer'],
          ['Chris Demo (Health IDVA)', 'idva'],
        ],
      )
      assert.deepEqual(shift.readiness, [])
      const rows = await auditRows('shift', id)
      assert.deepEqual(rows.at(-1), {
        action: 'alter',
        fields: ['members'],
        details: { added: both(), removed: [] },
        user_id: sergeant.userId,
      })
      // Saving the same rota again changes nothing and writes nothing.
      await rota.setMembers(sergeant, id, { members: both() })
      assert.equal((await auditRows('shift', id)).length, rows.length)
    })

    it('saves a rota with no IDVA, and says the shift is not ready', async () => {
      const { id } = await newShift()
      const shift = await rota.setMembers(sergeant, id, {
        members: [{ userId: users['provide-officer'], duty: 'officer' }],
      })
      assert.deepEqual(shift.readiness, ['No health IDVA is on this shift’s rota: a joint visit needs one'])
    })

    it('refuses duties that do not fit roles, people on overlapping shifts, and strangers', async () => {
      const early = await newShift()
      await rota.setMembers(sergeant, early.id, { members: both() })
      const late = await newShift({ ...LATE, vehicleId: null })
      await assert.rejects(
        rota.setMembers(sergeant, late.id, {
          members: [
            { userId: users.idva, duty: 'idva' },
            { userId: users.idva2, duty: 'officer' },
            { userId: users.sergeant, duty: 'officer' },
          ],
        }),
        refusedWith(
          'Chris Demo (Health IDVA) is already on Op Provide: Blackpool, Fylde and Wyre, 24 Nov 2026 07:00–15:00, which overlaps this shift',
          'Robin Second (Health IDVA) cannot be on as a police officer: that needs the Op Provide officer or Response officer role in a police force',
          'DS Sam Demo cannot be on as a police officer: that needs the Op Provide officer or Response officer role in a police force',
        ),
      )
      await assert.rejects(
        rota.setMembers(sergeant, late.id, { members: [{ userId: users.marac, duty: 'idva' }] }),
        refusedWith('Pat Demo (MARAC) cannot be on as a health IDVA: that needs the Health IDVA role'),
      )
      await assert.rejects(
        rota.setMembers(sergeant, late.id, {
          members: [{ userId: '00000000-0000-4000-8000-000000000000', duty: 'idva' }],
        }),
        refusedWith('Choose people from the list'),
      )
      // The second IDVA is free: the late shift is staffed without double-booking anyone.
      const staffed = await rota.setMembers(sergeant, late.id, {
        members: [
          { userId: users.idva2, duty: 'idva' },
          { userId: users.officer, duty: 'officer' },
        ],
      })
      assert.deepEqual(staffed.readiness, ['No vehicle is assigned to this shift: the team needs one to make visits'])
    })

    it('offers officers of the force and IDVAs of the trusts it shares incidents with', async () => {
      const { id } = await newShift()
      const options = await rota.rotaOptions(sergeant, id)
      const officers = options.officers.map((o) => o.displayName)
      const idvas = options.idvas.map((o) => o.displayName)
      assert.ok(officers.includes('PC Alex Demo') && officers.includes('PC Jo Demo'), officers.join())
      assert.ok(
        !officers.includes('DS Sam Demo') && !officers.includes('DC Lee Demo'),
        'no sergeant or safeguarding officer',
      )
      assert.ok(
        idvas.includes('Chris Demo (Health IDVA)') && idvas.includes('Robin Second (Health IDVA)'),
        idvas.join(),
      )
      assert.ok(!idvas.includes('Pat Demo (MARAC)'))
    })
  })

  describe('bases and vehicles', () => {
    it('refuses coordinates outside the UK, an unknown area and a name in use', async () => {
      await assert.rejects(
        rota.createBase(sergeant, { name: 'Swapped', area: 'Blackpool', latitude: -3.05, longitude: 53.81 }),
        refusedWith(/look swapped/),
      )
      await assert.rejects(
        rota.createBase(sergeant, { name: 'Nowhere', area: 'Atlantis', latitude: 53.8, longitude: -3 }),
        refusedWith('Atlantis is not an area in Provide'),
      )
      await assert.rejects(
        rota.createBase(sergeant, {
          name: 'blackpool police station',
          area: 'Blackpool',
          latitude: 53.8,
          longitude: -3,
        }),
        refusedWith('Your agency already has a base called blackpool police station'),
      )
      await assert.rejects(
        rota.createBase(sergeant, { name: 'X', area: 'Blackpool', latitude: 'north', longitude: -3 }),
        refusedWith('Enter the latitude as a number, like 53.8143'),
      )
      await assert.rejects(
        rota.createVehicle(sergeant, { callSign: 'PROVIDE 1' }),
        refusedWith(/already has a vehicle/),
      )
      await assert.rejects(
        rota.createVehicle(sergeant, { callSign: 'Provide 9', registration: 'not a plate!' }),
        refusedWith('Enter the registration in letters and numbers, like PN21 ABC'),
      )
    })

    it('changes a vehicle with an audit row naming the fields', async () => {
      const v = await rota.createVehicle(sergeant, { callSign: 'Provide 2' })
      const changed = await rota.updateVehicle(sergeant, v.id, { registration: 'PN22 XYZ', active: false })
      assert.equal(changed.active, false)
      assert.deepEqual(
        (await auditRows('vehicle', v.id)).map((r) => [r.action, r.fields]),
        [
          ['collect', ['call_sign']],
          ['alter', ['registration', 'active']],
        ],
      )
      await assert.rejects(newShift({ vehicleId: v.id }), refusedWith('Provide 2 is no longer in service'))
      assert.ok((await rota.listVehicles(await t.actor('analyst'))).some((x) => x.id === v.id))
    })
  })

  describe('rotations and officers who have served', () => {
    const rotation = (o: Record<string, unknown> = {}) =>
      rota.createRotation(sergeant, {
        userId: users.officer,
        homeTeam: 'Response team C, Blackpool',
        startsOn: '2026-09-01',
        endsOn: '2026-10-31',
        ...o,
      })

    it('records rotations, refusing overlaps and non-officers, with audit rows', async () => {
      const r = await rotation()
      assert.equal(r.display_name, 'PC Alex Demo')
      assert.deepEqual(
        (await auditRows('rotation', r.id)).map((x) => [x.action, x.fields]),
        [['collect', ['user_id', 'home_team', 'starts_on', 'ends_on']]],
      )
      await assert.rejects(
        rotation({ startsOn: '2026-10-15', endsOn: null }),
        refusedWith(
          'PC Alex Demo already has a rotation from 1 Sep 2026 to 31 Oct 2026 (Response team C, Blackpool), which overlaps these dates',
        ),
      )
      await assert.rejects(rotation({ userId: users.analyst }), refusedWith(/is not a police officer/))
      await assert.rejects(rotation({ userId: users.idva }), refusedWith('Choose the officer from the list'))
      const open = await rotation({ startsOn: '2026-11-01', endsOn: null })
      const ended = await rota.endRotation(sergeant, open.id, { endsOn: '2026-11-30' })
      assert.equal(ended.ends_on, '2026-11-30')
      await assert.rejects(
        rota.endRotation(sergeant, open.id, { endsOn: '2026-12-30' }),
        refusedWith('This rotation already ended on 30 Nov 2026'),
      )
      assert.deepEqual((await auditRows('rotation', open.id)).at(-1)?.fields, ['ends_on'])
    })

    it('counts each officer once, from rotations and shifts as officer, up to the date', async () => {
      await rotation()
      await rotation({ startsOn: '2026-11-01', endsOn: null })
      const { id } = await newShift()
      await rota.setMembers(sergeant, id, { members: both() })
      // The shift is tomorrow: not yet served today.
      let report = await rota.served(sergeant, { months: 3 })
      assert.equal(report.asOf, '2026-11-23')
      assert.equal(report.total, 1)
      report = await rota.served(sergeant, { asOf: '2026-11-24', months: 3 })
      assert.equal(report.total, 2, 'the IDVA is not counted: only officers')
      assert.deepEqual(
        report.periods.map((p) => [p.month, p.serving, p.joined, p.cumulative]),
        [
          ['2026-09', 1, 1, 1],
          ['2026-10', 1, 0, 1],
          ['2026-11', 2, 1, 2],
        ],
      )
      // The NHS IDVA sees the force's rota through the sharing agreement, and the same count.
      assert.equal((await rota.served(await t.actor('idva'), { asOf: '2026-11-24' })).total, 2)
    })
  })
})
