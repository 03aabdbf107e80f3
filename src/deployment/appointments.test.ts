import { after, before, beforeEach, it } from 'node:test'
import assert from 'node:assert/strict'
import { describeEachEngine } from '../test-support/db.ts'
import { testApp, type TestApp } from '../test-support/app.ts'
import { anIncident, aPerson, aSuspect, inCustody } from '../test-support/builders.ts'
import { FIXED_NOW } from '../test-support/clock.ts'
import { aShift } from '../test-support/deployment.ts'
import { systemActor, type Actor } from '../auth/actor.ts'
import { victimOn } from '../cases/test-data.ts'
import { clearShiftsAndIncidents } from './test-data.ts'
import { NHS_NUMBER_SYSTEM } from '../health/fhir-appointments.ts'
import { ALEX, JO, KIM, SAM } from '../health/test-fixtures.ts'
import { DISCREET_PLACE } from './rules.ts'
import { shiftPlanMap } from './map.ts'

/**
 * Discreet contacts an IDVA plans at a victim's NHS appointments, as places the shift planner may
 * use for the visit: inside the safe times only, shown to everyone as a place the IDVA arranged.
 */

// FIXED_NOW is Monday 23 November 2026, 07:30 (UK time is UTC); the shift runs 07:00-15:00.
const at = (hhmm: string) => new Date(`2026-11-23T${hhmm}:00Z`)
/** Near the base in Blackpool: a few minutes' drive. */
const HOME = { latitude: 53.82, longitude: -3.04 }
/** Beside the base: where the surgery is. */
const SURGERY = { latitude: 53.816, longitude: -3.048 }
/** Over half an hour's drive from the base, however fast the roads. */
const FAR = { latitude: 54.04, longitude: -3.05 }
const SURGERY_NAME = 'Sample Street Surgery'
const LABEL = 'At a discreet place arranged by the IDVA'

describeEachEngine('shift plans at discreet contacts', (engine) => {
  let t: TestApp
  let sergeant: Actor
  let officer: Actor
  let idva: Actor
  const system = systemActor('test')
  let source = 0

  before(async () => {
    t = await testApp(engine)
    sergeant = await t.actor('sergeant')
    officer = await t.actor('provide-officer')
    idva = await t.actor('idva')
  })
  after(() => t.close())
  beforeEach(async () => {
    t.clock.set(FIXED_NOW)
    await clearShiftsAndIncidents(t.database)
  })

  /** An incident triaged "attend" whose victim has this NHS number, at `home` (null: no coordinates). */
  async function attend(
    nhsNumber: string,
    home: { latitude: number; longitude: number } | null,
    custody?: ReturnType<typeof inCustody>,
  ) {
    const input = anIncident({
      risk: 'high',
      people: [aPerson({ dateOfBirth: undefined, nhsNumber }), aSuspect({ dateOfBirth: undefined, custody })],
      location: { address: '1 Plan Street', postcode: 'FY1 1AA', area: 'Blackpool', ...home },
    })
    const { id } = await t.services.intake.create(system, input, 'api')
    await t.services.triage.decide(sergeant, id, { decision: 'attend', reasonCode: 'high_risk' })
    return { id, ref: input.forceReference, victimId: await victimOn(t.deps.db, id), nhsNumber }
  }

  /** A bundle of one 20-minute GP appointment, at the surgery when `place` is given. */
  function bundle(id: string, nhsNumber: string, start: Date, place: typeof SURGERY | null, status = 'booked') {
    return {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        ...(place
          ? [{ resource: { resourceType: 'Location', id: `loc-${id}`, name: SURGERY_NAME, position: place } }]
          : []),
        {
          resource: {
            resourceType: 'Appointment',
            id,
            status,
            start: start.toISOString(),
            minutesDuration: 20,
            description: 'GP review',
            participant: [
              { actor: { identifier: { system: NHS_NUMBER_SYSTEM, value: nhsNumber } }, status: 'accepted' },
              ...(place ? [{ actor: { reference: `Location/loc-${id}` }, status: 'accepted' }] : []),
            ],
          },
        },
      ],
    }
  }

  /** The IDVA imports the victim's appointment and plans a discreet contact at it. */
  async function contact(
    victim: { victimId: string; nhsNumber: string },
    start: Date,
    place: typeof SURGERY | null = SURGERY,
  ) {
    const sourceId = `appt-${++source}`
    await t.services.health.importBundle(idva, { json: bundle(sourceId, victim.nhsNumber, start, place) })
    const { id } = await t.deps.db
      .selectFrom('nhs_appointment')
      .select('id')
      .where('source_id', '=', sourceId)
      .executeTakeFirstOrThrow()
    await t.services.health.planContact(idva, victim.victimId, id, { note: 'Meet in the waiting room' })
    return {
      id,
      cancel: () => t.services.health.cancelContact(idva, victim.victimId, id),
      withdraw: () =>
        t.services.health.importBundle(idva, { json: bundle(sourceId, victim.nhsNumber, start, place, 'cancelled') }),
    }
  }

  async function plan(shift: string, who = officer) {
    await t.services.deployment.replan(who, shift)
    return t.services.deployment.view(who, shift)
  }

  const reasonOf = (p: Awaited<ReturnType<typeof plan>>, incidentId: string) => {
    const e = p.excluded.find((x) => x.incidentId === incidentId)
    return e && `${e.reason}: ${e.detail}`
  }

  it('plans a victim at the discreet place when home cannot be reached before the suspect’s release', async () => {
    // Released at 09:30: a visit at home must be over by 09:00, so start by 08:00, and home is too far.
    const a = await attend(ALEX, FAR, inCustody(6, 2))
    const shift = await aShift(t.deps.db)
    assert.match(reasonOf(await plan(shift), a.id)!, /^cannot_fit_any_shift: /)

    await contact(a, at('08:00'))
    const p = await plan(shift)
    const visit = p.planned.find((v) => v.incidentId === a.id)
    assert.ok(visit, 'planned at the discreet place')
    assert.equal(visit.option_label, DISCREET_PLACE)
    assert.equal(visit.place, LABEL)
    assert.deepEqual([visit.latitude, visit.longitude], [SURGERY.latitude, SURGERY.longitude])
    assert.ok(visit.planned_start >= at('07:45') && visit.planned_start <= at('08:00'), 'just before the appointment')
    assert.ok(visit.planned_end <= at('09:00'), 'over 30 minutes before the release')
    assert.doesNotMatch(visit.chosen_because, /appointment|surgery|\bGP\b/i)
    assert.ok(p.revisions[0]!.lines.some((l) => l === `Added ${a.ref}`))
    assert.ok(!p.revisions.flatMap((r) => r.lines).some((l) => /appointment|surgery|\bGP\b/i.test(l)))

    // The place and time of the appointment went to the team: a disclosure on the victim's record.
    const disclosed = await t.deps.db
      .selectFrom('audit_event')
      .select(['record_id', 'details'])
      .where('action', '=', 'disclose')
      .where('record_type', '=', 'incident_person')
      .execute()
    assert.deepEqual(
      disclosed.map((d) => [d.record_id, (d.details as { shiftId: string }).shiftId]),
      [[a.victimId, shift]],
    )
  })

  it('never moves a visit outside the victim’s safe times to meet them at an appointment', async () => {
    const safe = (from: number) => ({
      onlyWhileSuspectInCustody: false,
      windows: [{ weekday: 1, startMinute: from * 60, endMinute: 900 }],
    })
    // Safe only from 11:00 or 13:00 to 15:00. An appointment at 10:00 is not used; one at 13:05 only from 13:00.
    const home = await attend(ALEX, HOME)
    const early = await attend(SAM, null)
    const late = await attend(JO, null)
    await t.services.deployment.setSafeContact(idva, home.victimId, safe(11))
    for (const v of [early, late]) await t.services.deployment.setSafeContact(idva, v.victimId, safe(13))
    await contact(home, at('10:00'))
    await contact(early, at('10:00'))
    await contact(late, at('13:05'))
    const shift = await aShift(t.deps.db)
    const p = await plan(shift)

    const atHome = p.planned.find((v) => v.incidentId === home.id)!
    assert.equal(atHome.option_label, 'home')
    assert.equal(atHome.place, null)
    assert.deepEqual([atHome.latitude, atHome.longitude], [HOME.latitude, HOME.longitude])
    assert.ok(atHome.planned_start >= at('11:00'))

    const discreet = p.planned.find((v) => v.incidentId === late.id)!
    assert.equal(discreet.place, LABEL)
    assert.ok(discreet.planned_start >= at('13:00') && discreet.planned_start <= at('13:05'))
    assert.ok(discreet.planned_end <= at('15:00'))

    const why = reasonOf(p, early.id)!
    assert.match(why, /^no_window: The incident has no map position .* at a discreet place arranged by the IDVA/)
    assert.doesNotMatch(why, /appointment|surgery|\bGP\b/i)
  })

  it('plans a victim with no map position at the discreet place; without one, leaves them out for that', async () => {
    const placed = await attend(ALEX, null)
    const none = await attend(SAM, null)
    const unplaced = await attend(JO, null)
    const tomorrow = await attend(KIM, null)
    await contact(placed, at('10:00'))
    await contact(unplaced, at('10:00'), null)
    await contact(tomorrow, new Date('2026-11-24T10:00:00Z'))
    const shift = await aShift(t.deps.db)
    const p = await plan(shift)
    const visit = p.planned.find((v) => v.incidentId === placed.id)!
    assert.equal(visit.place, LABEL)
    assert.ok(visit.planned_start >= at('09:45') && visit.planned_start <= at('10:00'))
    for (const v of [none, unplaced, tomorrow]) assert.match(reasonOf(p, v.id)!, /^no_location: .*no map position/)
  })

  it('shows a police officer, and everyone, the discreet place and nothing of the appointment', async () => {
    const a = await attend(ALEX, null)
    await contact(a, at('10:00'))
    const shift = await aShift(t.deps.db)
    await plan(shift)
    for (const username of ['provide-officer', 'sergeant', 'idva']) {
      const session = await t.signIn(username)
      for (const url of [`/deployment/shifts/${shift}`, `/deployment/shifts/${shift}/print`]) {
        const res = await t.app.inject({ method: 'GET', url, headers: { cookie: session.cookie, accept: 'text/html' } })
        assert.equal(res.statusCode, 200, `${username} ${url}`)
        assert.ok(res.body.includes(a.ref), `${username} ${url}: the visit is listed`)
        assert.ok(res.body.includes(LABEL), `${username} ${url}: at the discreet place`)
        const main = res.body.slice(res.body.indexOf('<main'))
        assert.doesNotMatch(main, /appointment|surgery|\bGP\b|waiting room/i, `${username} ${url}`)
      }
    }
    const api = await t.app.inject({
      method: 'GET',
      url: `/api/v1/shifts/${shift}/plan`,
      headers: { authorization: `Bearer ${await t.bearer('provide-officer')}` },
    })
    assert.equal(api.statusCode, 200)
    assert.doesNotMatch(api.body, /appointment|surgery|\bGP\b|waiting room/i)
  })

  it('starts the next leg from the discreet place, not the victim’s home', async () => {
    const a = await attend(ALEX, FAR, inCustody(6, 2))
    await contact(a, at('08:00'))
    // The next victim lives beside the surgery: no drive from there, over half an hour from the first home.
    const b = await attend(SAM, SURGERY)
    const shift = await aShift(t.deps.db)
    let p = await plan(shift)
    const first = p.planned[0]!
    assert.deepEqual(
      p.planned.map((v) => v.incidentId),
      [a.id, b.id],
    )
    t.clock.set(new Date(first.planned_start.getTime() + 5 * 60_000))
    p = await plan(shift)
    const [underWay, next] = p.planned
    assert.ok(underWay!.started)
    assert.deepEqual([underWay!.latitude, underWay!.longitude], [SURGERY.latitude, SURGERY.longitude])
    assert.equal(underWay!.place, LABEL)
    assert.equal(next!.incidentId, b.id)
    assert.ok(next!.travel_minutes < 1, `${next!.travel_minutes} min from the surgery`)
    assert.equal(next!.planned_start.getTime(), underWay!.planned_end.getTime())
  })

  it('drops a visit at a contact the IDVA cancels, or whose appointment is withdrawn, in the same request', async () => {
    const cancelled = await attend(ALEX, null)
    const withdrawn = await attend(SAM, null)
    const c1 = await contact(cancelled, at('10:00'))
    const c2 = await contact(withdrawn, at('11:00'))
    const shift = await aShift(t.deps.db)
    let p = await plan(shift)
    assert.deepEqual(p.planned.map((v) => v.incidentId).sort(), [cancelled.id, withdrawn.id].sort())

    // Nobody presses re-plan: the plan no longer holds the visit once the change is saved.
    const view = () => t.services.deployment.view(officer, shift)
    await c1.cancel()
    p = await view()
    assert.deepEqual(
      p.planned.map((v) => v.incidentId),
      [withdrawn.id],
    )
    assert.match(reasonOf(p, cancelled.id)!, /^no_location: /)
    const result = await c2.withdraw()
    assert.equal(result.withdrawnContacts, 1)
    p = await view()
    assert.deepEqual(p.planned, [])
    for (const v of [cancelled, withdrawn]) assert.match(reasonOf(p, v.id)!, /^no_location: /)
    // The team is told the plan changed, and nothing of why.
    assert.deepEqual(
      p.revisions.slice(0, 2).map((r) => r.cause),
      ['Contact arrangements changed', 'Contact arrangements changed'],
    )
    assert.ok(!p.revisions.flatMap((r) => [r.cause, ...r.lines]).some((l) => /appointment|health|cancel/i.test(l)))
  })

  it('re-plans at once when a contact is planned, and moves the visit when a re-import moves the appointment', async () => {
    const home = await attend(SAM, HOME)
    const a = await attend(ALEX, null)
    const shift = await aShift(t.deps.db)
    await plan(shift)
    const view = () => t.services.deployment.view(officer, shift)
    // Planning a contact for a victim on the plan re-makes it in the same request.
    await contact(home, at('14:00'))
    assert.equal((await view()).revisions[0]!.cause, 'Contact arrangements changed')

    const c = await contact(a, at('10:00'))
    await plan(shift)
    let visit = (await view()).planned.find((v) => v.incidentId === a.id)!
    assert.ok(visit.planned_start >= at('09:45') && visit.planned_start <= at('10:00'))
    const { source_id: sourceId } = await t.deps.db
      .selectFrom('nhs_appointment')
      .select('source_id')
      .where('id', '=', c.id)
      .executeTakeFirstOrThrow()
    await t.services.health.importBundle(idva, { json: bundle(sourceId!, ALEX, at('13:00'), SURGERY) })
    const p = await view()
    visit = p.planned.find((v) => v.incidentId === a.id)!
    assert.equal(visit.place, LABEL)
    assert.ok(visit.planned_start >= at('12:45') && visit.planned_start <= at('13:00'), 'before the moved appointment')
    assert.equal(p.revisions[0]!.cause, 'Contact arrangements changed')
  })

  it('meets at an appointment only the incident’s one victim, and only with an IDVA of the trust holding it', async () => {
    // Two victims on one incident: the other victim is not at the appointment.
    const input = anIncident({
      risk: 'high',
      people: [
        aPerson({ dateOfBirth: undefined, nhsNumber: ALEX }),
        aPerson({ firstName: 'Kit', dateOfBirth: undefined }),
        aSuspect({ dateOfBirth: undefined }),
      ],
      location: { address: '1 Plan Street', postcode: 'FY1 1AA', area: 'Blackpool' },
    })
    const { id: both } = await t.services.intake.create(system, input, 'api')
    await t.services.triage.decide(sergeant, both, { decision: 'attend', reasonCode: 'high_risk' })
    const alex = await t.deps.db
      .selectFrom('incident_person')
      .select('id')
      .where('incident_id', '=', both)
      .where('nhs_number', '=', ALEX)
      .executeTakeFirstOrThrow()
    await contact({ victimId: alex.id, nhsNumber: ALEX }, at('10:00'))
    // A crew whose IDVA is of another trust: the first trust's health data is not for them.
    const alone = await attend(SAM, null)
    await contact(alone, at('11:00'))
    const otherTrust = await t.deps.db
      .insertInto('agency')
      .values({ code: 'other-trust', name: 'Another NHS trust (test)', kind: 'nhs' })
      .returning('id')
      .executeTakeFirstOrThrow()
    const idva2 = await t.deps.db
      .selectFrom('app_user')
      .select(['id', 'agency_id'])
      .where('username', '=', 'idva-2')
      .executeTakeFirstOrThrow()
    await t.deps.db.updateTable('app_user').set({ agency_id: otherTrust.id }).where('id', '=', idva2.id).execute()
    try {
      const shift = await aShift(t.deps.db, {
        members: [
          ['provide-officer', 'officer'],
          ['idva-2', 'idva'],
        ],
      })
      let p = await plan(shift)
      assert.deepEqual(p.planned, [])
      for (const id of [both, alone.id]) assert.match(reasonOf(p, id)!, /^no_location: /)
      // With the trust's own IDVA on the crew, the one victim is met there; the incident with two is not.
      await t.deps.db
        .insertInto('shift_member')
        .values({ shift_id: shift, user_id: idva.userId, duty: 'idva' })
        .execute()
      p = await plan(shift)
      assert.deepEqual(
        p.planned.map((v) => [v.incidentId, v.place]),
        [[alone.id, LABEL]],
      )
      assert.match(reasonOf(p, both)!, /^no_location: /)
    } finally {
      await t.deps.db.updateTable('app_user').set({ agency_id: idva2.agency_id }).where('id', '=', idva2.id).execute()
    }
  })

  it('says in the plan API and on the map where a visit at a discreet place is, not the home postcode', async () => {
    const a = await attend(ALEX, null)
    await contact(a, at('10:00'))
    const shift = await aShift(t.deps.db)
    const p = await plan(shift)
    const map = shiftPlanMap(p)
    assert.ok(map.includes(`${a.ref}, ${LABEL}`), map)
    assert.ok(!map.includes('FY1 1AA'))
    const api = await t.app.inject({
      method: 'GET',
      url: `/api/v1/shifts/${shift}/plan`,
      headers: { authorization: `Bearer ${await t.bearer('provide-officer')}` },
    })
    assert.equal(api.statusCode, 200)
    const [stop] = api.json().planned
    assert.deepEqual([stop.reference, stop.place, stop.postcode], [a.ref, LABEL, 'FY1 1AA'])
  })
})
