import { after, before, it } from 'node:test'
import assert from 'node:assert/strict'
import type { KyselyPlugin } from 'kysely'
import { describeEachEngine } from '../test-support/db.ts'
import { testContext, type TestContext } from '../test-support/app.ts'
import { ForbiddenError, NotFoundError, ValidationError, type FieldIssue } from '../common/errors.ts'
import { systemActor } from '../auth/actor.ts'
import { victimOn } from '../cases/test-data.ts'
import { aPerson, aSuspect, anIncident } from '../test-support/builders.ts'
import { FIXED_NOW } from '../test-support/clock.ts'
import { HealthService } from './service.ts'
import { plannedContactsForIncidents } from './repository.ts'
import {
  ALEX,
  JO,
  KIM,
  NOBODY,
  SAM,
  bundleOf,
  changedFixture,
  createVictims,
  fixture,
  importedRows,
} from './test-fixtures.ts'

// The fixtures' appointments are in June 2026: the imports run on 1 June.
const NOW = new Date('2026-06-01T09:00:00Z')
/** The key of the fixture's GP appointment: its entry's fullUrl. */
const GP_1001 = 'https://fhir.example.org/Id/appointment|GP-1001'

async function issuesOf(work: Promise<unknown>): Promise<FieldIssue[]> {
  try {
    await work
  } catch (error) {
    if (error instanceof ValidationError) return error.issues
    throw error
  }
  assert.fail('expected a ValidationError')
}

describeEachEngine('health appointments service', (engine) => {
  let t: TestContext
  let victims: Record<string, string>
  let incidents: Record<string, string>

  before(async () => {
    t = await testContext(engine)
    ;({ victims, incidents } = await createVictims(t))
    t.clock.set(NOW)
  })
  after(() => t.close())

  const counts = () => importedRows(t)

  it('imports a search result: upcoming appointments saved, the rest ignored with reasons, audited per victim', async () => {
    const idva = await t.actor('idva')
    const before = await counts()
    const result = await t.services.health.importBundle(idva, {
      json: fixture('valid-searchset.json'),
      fileName: 'valid-searchset.json',
    })
    assert.equal(result.entries, 11)
    assert.equal(result.appointments, 4)
    assert.equal(result.created, 4)
    assert.equal(result.victims, 3)
    assert.equal(result.withdrawn, 0)
    assert.deepEqual(
      result.ignored.map((i) => i.path),
      ['entry[3]', 'entry[4]', 'entry[5]', 'entry[10]'],
    )
    assert.equal(result.ignored[0]!.reason, 'the appointment was cancelled')
    assert.deepEqual(
      result.byVictim.map((v) => [v.name, v.appointments]),
      [
        ['Alex Example', 1],
        ['Jo Example', 1],
        ['Sam Example', 2],
      ],
    )
    // Sam's case is addressed by the victim row on the latest incident.
    assert.equal(result.byVictim.find((v) => v.nhsNumber === SAM)!.victimId, victims.Sam2)

    const after = await counts()
    assert.equal(after.appointments - before.appointments, 4)
    assert.equal(after.imports - before.imports, 1)
    const audit = await t.deps.db
      .selectFrom('audit_event')
      .select(['action', 'record_type', 'record_id', 'fields', 'details'])
      .where('seq', '>', before.audit)
      .orderBy('seq')
      .execute()
    // One row per victim record: Sam is on two incidents.
    assert.deepEqual(audit.map((a) => a.record_id).sort(), [victims.Alex, victims.Jo, victims.Sam, victims.Sam2].sort())
    assert.ok(audit.every((a) => a.action === 'collect' && a.record_type === 'incident_person'))
    assert.deepEqual(audit[0]!.fields, ['nhs_appointment'])
    const row = await t.deps.db
      .selectFrom('nhs_appointment_import')
      .selectAll()
      .where('id', '=', result.importId)
      .executeTakeFirstOrThrow()
    assert.deepEqual([row.file_name, row.entries, row.appointments, row.ignored], ['valid-searchset.json', 11, 4, 4])
  })

  it('imports a transaction bundle that refers by urn:uuid', async () => {
    const result = await t.services.health.importBundle(await t.actor('idva'), {
      json: fixture('valid-transaction.json'),
    })
    assert.deepEqual([result.appointments, result.victims, result.byVictim[0]!.name], [1, 1, 'Jo Example'])
    const saved = await t.deps.db
      .selectFrom('nhs_appointment')
      .selectAll()
      .where('source_id', '=', 'urn:uuid:c1a2b3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d')
      .executeTakeFirstOrThrow()
    assert.deepEqual(
      [saved.setting, saved.location_name, saved.latitude, saved.start_at.toISOString()],
      ['hospital', 'Sample Royal Infirmary, Fracture Clinic', 53.7452, '2026-06-20T07:40:00.000Z'],
    )
  })

  it('updates appointments imported before rather than adding copies', async () => {
    const idva = await t.actor('idva')
    const before = await counts()
    const moved = changedFixture('valid-searchset.json', 0, {
      start: '2026-06-04T14:00:00+01:00',
      end: '2026-06-04T14:10:00+01:00',
    })
    const result = await t.services.health.importBundle(idva, { json: moved })
    assert.deepEqual([result.appointments, result.created], [4, 0])
    const after = await counts()
    assert.equal(after.appointments, before.appointments)
    assert.equal(after.imports - before.imports, 1)
    const gp = await t.deps.db.selectFrom('nhs_appointment').selectAll().where('source_id', '=', GP_1001).execute()
    assert.equal(gp.length, 1)
    assert.equal(gp[0]!.start_at.toISOString(), '2026-06-04T13:00:00.000Z')
    assert.equal(gp[0]!.import_id, result.importId)
  })

  it('withdraws an appointment a later bundle says is cancelled, so it is no longer offered', async () => {
    const idva = await t.actor('idva')
    const listed = await t.services.health.forVictim(idva, victims.Alex!)
    assert.ok(listed!.appointments.some((a) => a.description === 'GP review'))
    const result = await t.services.health.importBundle(idva, {
      json: changedFixture('valid-searchset.json', 0, { status: 'cancelled' }),
    })
    assert.equal(result.withdrawn, 1)
    assert.deepEqual(
      result.byVictim.find((v) => v.nhsNumber === ALEX),
      { victimId: victims.Alex, name: 'Alex Example', nhsNumber: ALEX, appointments: 0, withdrawn: 1 },
    )
    assert.ok(result.ignored.some((i) => i.path === 'entry[0]' && i.reason === 'the appointment was cancelled'))
    const after = await t.services.health.forVictim(idva, victims.Alex!)
    assert.deepEqual(after!.appointments, [])
    const gp = await t.deps.db
      .selectFrom('nhs_appointment')
      .select('status')
      .where('source_id', '=', GP_1001)
      .executeTakeFirstOrThrow()
    assert.equal(gp.status, 'withdrawn')
    // Booked again: offered again.
    await t.services.health.importBundle(idva, { json: fixture('valid-searchset.json') })
    assert.equal((await t.services.health.forVictim(idva, victims.Alex!))!.appointments.length, 1)
  })

  const bad: [string, RegExp][] = [
    ['not-a-bundle.json', /^The file is a FHIR Appointment, not a Bundle/],
    ['bad-resource-types.json', /is an Observation/],
    ['bad-dates.json', /has no time zone/],
    ['bad-patients.json', /check digit does not match/],
    ['bad-status-and-duplicates.json', /must be one of proposed, pending, booked/],
  ]
  for (const [name, expected] of bad) {
    it(`refuses ${name} with every problem and where it is, and saves nothing`, async () => {
      const before = await counts()
      const issues = await issuesOf(t.services.health.importBundle(await t.actor('idva'), { json: fixture(name) }))
      assert.ok(issues.length > 0)
      assert.ok(
        issues.some((i) => expected.test(i.message)),
        JSON.stringify(issues),
      )
      if (name !== 'not-a-bundle.json')
        assert.ok(
          issues.every((i) => /^entry\[\d+\]/.test(i.path)),
          JSON.stringify(issues),
        )
      assert.deepEqual(await counts(), before)
    })
  }

  it('refuses unknown NHS numbers, and words one outside the IDVA’s reach the same way', async () => {
    const before = await counts()
    const issues = await issuesOf(
      t.services.health.importBundle(await t.actor('idva'), {
        json: bundleOf(
          ['ok-1', JO, '2026-06-10T10:00:00Z'],
          ['x-1', NOBODY, '2026-06-10T11:00:00Z'],
          ['x-2', KIM, '2026-06-10T12:00:00Z'],
        ),
      }),
    )
    assert.deepEqual(issues, [
      {
        path: 'entry[1]',
        message:
          "NHS number 999 003 7116 does not match a victim on any incident you can open: check the number, or add it to the victim's details first",
      },
      {
        path: 'entry[2]',
        message:
          "NHS number 999 001 2377 does not match a victim on any incident you can open: check the number, or add it to the victim's details first",
      },
    ])
    assert.deepEqual(await counts(), before)
  })

  it('lets only health roles import', async () => {
    for (const username of ['officer', 'sergeant', 'provide-officer', 'safeguarding', 'analyst']) {
      await assert.rejects(
        t.services.health.importBundle(await t.actor(username), { json: fixture('valid-searchset.json') }),
        ForbiddenError,
      )
    }
  })

  it('gives the case panel nothing for other roles, without querying any appointment', async () => {
    const queries: string[] = []
    const spy: KyselyPlugin = {
      transformQuery: (args) => {
        queries.push(JSON.stringify(args.node))
        return args.node
      },
      transformResult: async (args) => args.result,
    }
    const health = new HealthService(t.deps.db.withPlugin(spy), t.clock, t.services.access, t.services.deployment)
    for (const username of ['officer', 'sergeant', 'provide-officer', 'safeguarding', 'analyst', 'admin']) {
      assert.equal(await health.forVictim(await t.actor(username), victims.Sam!), null, username)
    }
    // An IDVA, but on a victim outside their agency's reach.
    assert.equal(await health.forVictim(await t.actor('idva'), victims.Kim!), null)
    assert.deepEqual(
      queries.filter((q) => q.includes('nhs_appointment')),
      [],
    )
    const shown = await health.forVictim(await t.actor('idva'), victims.Sam!)
    assert.equal(shown!.appointments.length, 2)
    assert.ok(queries.some((q) => q.includes('nhs_appointment')))
  })

  it('shows a case its appointments across the victim’s incidents, soonest first, in UK local time', async () => {
    const panel = await t.services.health.forVictim(await t.actor('idva-2'), victims.Sam!)
    assert.deepEqual(
      panel!.appointments.map((a) => [a.settingLabel, a.when, a.place.name, a.statusLabel, a.contact]),
      [
        ['Dental', '9 Jun 2026, 14:00 to 14:30', 'Fakebridge Dental Practice', 'Booked', null],
        ['Other', '15 Jun 2026, 13:00 to 13:45', 'Community physio room, Exampletown Library', 'Pending', null],
      ],
    )
    assert.deepEqual(await t.services.health.forVictim(await t.actor('idva'), victims.Sam2!), {
      ...panel,
      victimId: victims.Sam2,
    })
  })

  it('plans a discreet contact at an appointment of the case, lists it, gives it to the planner, and cancels it', async () => {
    const idva = await t.actor('idva')
    const [dental] = (await t.services.health.forVictim(idva, victims.Sam!))!.appointments
    const planned = await t.services.health.planContact(idva, victims.Sam2!, dental!.id, {
      note: 'Meet in the waiting room after',
    })
    assert.equal(planned.contact?.plannedBy, 'Chris Demo (Health IDVA)')
    assert.equal(planned.contact?.note, 'Meet in the waiting room after')
    const listed = await t.services.health.plannedContacts(await t.actor('idva-2'))
    assert.deepEqual(
      listed.map((a) => [a.id, a.victim.name]),
      [[dental!.id, 'Sam Example']],
    )

    const forPlanner = await plannedContactsForIncidents(
      t.deps.db,
      [incidents.Sam!, incidents.Sam2!, incidents.Alex!],
      new Date('2026-06-09T00:00:00Z'),
      new Date('2026-06-10T00:00:00Z'),
    )
    assert.deepEqual(
      forPlanner.map((p) => [p.incident_id, p.appointment_id, p.setting, p.latitude, p.longitude]).sort(),
      [
        [incidents.Sam, dental!.id, 'dental', 53.7901, -2.6902],
        [incidents.Sam2, dental!.id, 'dental', 53.7901, -2.6902],
      ].sort(),
    )
    assert.deepEqual(
      await plannedContactsForIncidents(
        t.deps.db,
        [incidents.Sam!],
        new Date('2026-06-10T00:00:00Z'),
        new Date('2026-06-30T00:00:00Z'),
      ),
      [],
    )

    const cancelled = await t.services.health.cancelContact(idva, victims.Sam!, dental!.id)
    assert.equal(cancelled.contact, null)
    assert.deepEqual(await t.services.health.plannedContacts(idva), [])
    const audit = await t.deps.db
      .selectFrom('audit_event')
      .select(['action', 'record_id', 'details'])
      .where('action', '=', 'alter')
      .where('record_type', '=', 'incident_person')
      .orderBy('seq')
      .execute()
    assert.deepEqual(
      audit.map((a) => [a.record_id, (a.details as { contact: string }).contact]),
      [
        [victims.Sam2, 'planned'],
        [victims.Sam, 'cancelled'],
      ],
    )
  })

  it('plans contacts only at the case’s own upcoming appointments, and only for health IDVAs', async () => {
    const idva = await t.actor('idva')
    const [dental] = (await t.services.health.forVictim(idva, victims.Sam!))!.appointments
    await assert.rejects(t.services.health.planContact(idva, victims.Alex!, dental!.id, {}), NotFoundError)
    await assert.rejects(t.services.health.planContact(idva, victims.Kim!, dental!.id, {}), ForbiddenError)
    await assert.rejects(
      t.services.health.planContact(await t.actor('provide-officer'), victims.Sam!, dental!.id, {}),
      ForbiddenError,
    )
    const tooLong = await issuesOf(
      t.services.health.planContact(idva, victims.Sam!, dental!.id, { note: 'x'.repeat(501) }),
    )
    assert.deepEqual(tooLong, [{ path: 'note', message: 'The note must be 500 characters or fewer' }])
    t.clock.set('2026-06-09T13:31:00Z')
    try {
      await assert.rejects(t.services.health.planContact(idva, victims.Sam!, dental!.id, {}), /over/)
    } finally {
      t.clock.set(NOW)
    }
  })
  /** A one-appointment bundle whose entry has this fullUrl, for this patient. */
  const fromSystem = (fullUrl: string, nhsNumber: string, status = 'booked') => {
    const json = bundleOf(['7', nhsNumber, '2026-06-20T10:00:00Z', status]) as {
      entry: Record<string, unknown>[]
    }
    json.entry[0]!.fullUrl = fullUrl
    return json
  }
  const stored = (sourceId: string) =>
    t.deps.db
      .selectFrom('nhs_appointment')
      .select(['id', 'nhs_number', 'status'])
      .where('source_id', '=', sourceId)
      .execute()
  const refusal = (path: string, key: string) => ({
    path,
    message: `${path} is appointment '${key}', imported before for another patient: an import cannot move an appointment to another patient. Remove the entry and check it with the sending system`,
  })

  it('keys appointments by fullUrl, so two GP systems’ appointments with one id stay apart', async () => {
    const idva = await t.actor('idva')
    const one = 'https://gp-one.example/fhir/Appointment/7'
    const two = 'https://gp-two.example/fhir/Appointment/7'
    await t.services.health.importBundle(idva, { json: fromSystem(one, ALEX) })
    const result = await t.services.health.importBundle(idva, { json: fromSystem(two, JO) })
    assert.equal(result.created, 1)
    assert.deepEqual(
      [...(await stored(one)), ...(await stored(two))].map((a) => a.nhs_number),
      [ALEX, JO],
    )
  })

  it('refuses to move an appointment to another patient, by a booking or a withdrawal, and saves nothing', async () => {
    const idva = await t.actor('idva')
    await t.services.health.importBundle(idva, { json: bundleOf(['same-id', JO, '2026-06-21T10:00:00Z']) })
    const before = await counts()
    for (const status of ['booked', 'cancelled']) {
      const issues = await issuesOf(
        t.services.health.importBundle(idva, {
          json: bundleOf(['ok-2', JO, '2026-06-22T10:00:00Z'], ['same-id', ALEX, '2026-06-21T10:00:00Z', status]),
        }),
      )
      assert.deepEqual(issues, [refusal('entry[1]', 'same-id')], status)
    }
    assert.deepEqual(await counts(), before)
    assert.deepEqual(
      (await stored('same-id')).map((a) => [a.nhs_number, a.status]),
      [[JO, 'booked']],
    )
  })

  it('refuses a withdrawal for a victim the importer cannot open, as it refuses a booking', async () => {
    const idva = await t.actor('idva')
    // The agency holds an appointment of Kim's, whose incident its IDVAs cannot open.
    const { id } = await t.deps.db
      .insertInto('nhs_appointment')
      .values({
        agency_id: idva.agencyId,
        import_id: (await t.deps.db.selectFrom('nhs_appointment_import').select('id').executeTakeFirstOrThrow()).id,
        source_id: 'kim-1',
        nhs_number: KIM,
        status: 'booked',
        start_at: new Date('2026-06-20T10:00:00Z'),
        setting: 'gp',
        updated_at: NOW,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const before = await counts()
    const issues = await issuesOf(
      t.services.health.importBundle(idva, { json: bundleOf(['kim-1', KIM, '2026-06-20T10:00:00Z', 'cancelled']) }),
    )
    assert.deepEqual(issues, [
      {
        path: 'entry[0]',
        message:
          "NHS number 999 001 2377 does not match a victim on any incident you can open: check the number, or add it to the victim's details first",
      },
    ])
    assert.deepEqual(await counts(), before)
    assert.deepEqual(
      (await stored('kim-1')).map((a) => [a.id, a.status]),
      [[id, 'booked']],
    )
    await t.deps.db.deleteFrom('nhs_appointment').where('id', '=', id).execute()
  })

  it('audits every appointment it changes, on every victim record with the patient’s NHS number', async () => {
    const idva = await t.actor('idva')
    // Jo is also a victim on an incident the IDVA cannot open (another identity key): audited there too.
    t.clock.set(FIXED_NOW)
    const elsewhere = await t.services.intake
      .create(
        systemActor('test'),
        anIncident({ people: [aPerson({ firstName: 'Joanne', nhsNumber: JO }), aSuspect()] }),
        'api',
      )
      .finally(() => t.clock.set(NOW))
    await t.deps.db
      .updateTable('incident')
      .set({ owner_agency_id: (await t.actor('marac')).agencyId })
      .where('id', '=', elsewhere.id)
      .execute()
    const other = await victimOn(t.deps.db, elsewhere.id)
    const { audit } = await counts()
    const result = await t.services.health.importBundle(idva, {
      json: bundleOf(['audit-1', JO, '2026-06-23T10:00:00Z'], ['same-id', JO, '2026-06-21T10:00:00Z', 'cancelled']),
    })
    assert.deepEqual(
      result.byVictim.map((v) => [v.victimId, v.appointments, v.withdrawn]),
      [[victims.Jo, 1, 1]],
    )
    const [created] = await stored('audit-1')
    const [withdrawn] = await stored('same-id')
    const rows = await t.deps.db
      .selectFrom('audit_event')
      .select(['action', 'record_type', 'record_id', 'details'])
      .where('seq', '>', audit)
      .orderBy('seq')
      .execute()
    assert.deepEqual(
      rows.map((r) => [r.action, r.record_type, r.record_id, r.details]).sort(),
      [victims.Jo!, other]
        .map((id) => [
          'collect',
          'incident_person',
          id,
          {
            importId: result.importId,
            incidentId: id === other ? elsewhere.id : incidents.Jo,
            created: [created!.id],
            updated: [],
            withdrawn: [withdrawn!.id],
          },
        ])
        .sort(),
    )
  })
})
