import { after, before, beforeEach, it } from 'node:test'
import assert from 'node:assert/strict'
import { describeEachEngine } from '../test-support/db.ts'
import { testContext, type TestContext } from '../test-support/app.ts'
import { anIncident, aPerson, aSuspect, inCustody } from '../test-support/builders.ts'
import { FIXED_NOW } from '../test-support/clock.ts'
import { aShift } from '../test-support/deployment.ts'
import { systemActor, type Actor } from '../auth/actor.ts'
import { ConflictError, OutOfScopeError, ValidationError } from '../common/errors.ts'
import type { PersonInput } from '../intake/incident-schema.ts'
import { victimOn } from '../cases/test-data.ts'
import { clearShiftsAndIncidents } from './test-data.ts'

/** A victim and suspect without dates of birth: no incident counts as a repeat of another. */
function strangers(suspect: Partial<PersonInput> = {}): PersonInput[] {
  return [aPerson({ dateOfBirth: undefined }), aSuspect({ dateOfBirth: undefined, ...suspect })]
}

// Points a few minutes' drive apart around Blackpool.
const NEAR = [
  { latitude: 53.82, longitude: -3.04 },
  { latitude: 53.83, longitude: -3.03 },
  { latitude: 53.81, longitude: -3.02 },
  { latitude: 53.8, longitude: -3.03 },
  { latitude: 53.84, longitude: -3.04 },
]

describeEachEngine('DeploymentService', (engine) => {
  let t: TestContext
  let sergeant: Actor
  let officer: Actor
  let idva: Actor
  const system = systemActor('test')

  /** An incident triaged "attend", in Blackpool, at NEAR[n] (or without coordinates). */
  async function attend(
    o: NonNullable<Parameters<typeof anIncident>[0]> & { at?: number | null } = {},
  ): Promise<{ id: string; ref: string }> {
    const { at = 0, ...rest } = o
    const input = anIncident({
      people: strangers(),
      risk: 'high',
      location: {
        address: '1 Plan Street',
        postcode: 'FY1 1AA',
        area: 'Blackpool',
        ...(at === null ? {} : NEAR[at]!),
      },
      ...rest,
    })
    const { id } = await t.services.intake.create(system, input, 'api')
    await t.services.triage.decide(sergeant, id, { decision: 'attend', reasonCode: 'high_risk' })
    return { id, ref: input.forceReference }
  }

  const refsOf = (visits: { reference: string }[]) => visits.map((v) => v.reference).sort()

  before(async () => {
    t = await testContext(engine)
    sergeant = await t.actor('sergeant')
    officer = await t.actor('provide-officer')
    idva = await t.actor('idva')
  })
  after(() => t.close())
  beforeEach(async () => {
    t.clock.set(FIXED_NOW)
    await clearShiftsAndIncidents(t.database)
  })

  it('plans every candidate that fits, in order, inside the shift, and says why each was chosen', async () => {
    const a = await attend({ at: 0 })
    const b = await attend({ at: 1, risk: 'medium', additionalVulnerabilities: true })
    const c = await attend({ at: 2 })
    const shift = await aShift(t.deps.db)
    const result = await t.services.deployment.replan(officer, shift)
    assert.deepEqual(result.lines, [`Plan made: total priority ${result.changes.scoreAfter}`])
    const plan = await t.services.deployment.view(officer, shift)
    assert.deepEqual(refsOf(plan.planned), [a.ref, b.ref, c.ref].sort())
    assert.equal(plan.excluded.length, 0)
    let previousEnd = FIXED_NOW
    for (const v of plan.planned) {
      assert.ok(v.planned_start >= v.planned_arrival && v.planned_arrival >= previousEnd, 'in order, no overlap')
      assert.equal(v.planned_end.getTime() - v.planned_start.getTime(), 60 * 60_000, 'an hour a visit')
      assert.match(v.chosen_because, /(High|Medium) risk.*\(priority \d+\)/)
      previousEnd = v.planned_end
    }
    assert.ok(previousEnd <= new Date('2026-11-23T15:00:00Z'))
    const audit = await t.deps.db
      .selectFrom('audit_event')
      .select(['action', 'details'])
      .where('record_type', '=', 'shift')
      .where('record_id', '=', shift)
      .execute()
    assert.equal(audit.length, 1)
    assert.equal(audit[0]!.action, 'alter')
  })

  it('leaves out, with the reason, victims without a map position or a safe time in the shift', async () => {
    const noMap = await attend({ at: null })
    const releasedSoon = await attend({
      at: 1,
      people: strangers({ custody: inCustody(6, 0.5) }),
    })
    const custodyOnly = await attend({ at: 2 })
    await t.services.deployment.setSafeContact(officer, await victimOn(t.deps.db, custodyOnly.id), {
      onlyWhileSuspectInCustody: true,
      windows: [],
    })
    const fine = await attend({ at: 3 })
    const shift = await aShift(t.deps.db)
    await t.services.deployment.replan(officer, shift)
    const plan = await t.services.deployment.view(officer, shift)
    assert.deepEqual(refsOf(plan.planned), [fine.ref])
    const why = Object.fromEntries(plan.excluded.map((e) => [e.reference, `${e.reason}: ${e.detail}`]))
    assert.match(why[noMap.ref]!, /^no_location: .*no map position/)
    assert.match(why[releasedSoon.ref]!, /^no_window: Suspect due for release at 08:00/)
    assert.match(why[custodyOnly.ref]!, /^no_window: Safe to contact only while the suspect is in custody/)
  })

  it('keeps a visit inside the custody window: over before the suspect is released', async () => {
    const a = await attend({ at: 0, people: strangers({ custody: inCustody(6, 2) }) })
    const shift = await aShift(t.deps.db)
    await t.services.deployment.replan(officer, shift)
    const [visit] = (await t.services.deployment.view(officer, shift)).planned
    assert.equal(visit?.reference, a.ref)
    assert.ok(visit!.planned_end <= new Date(FIXED_NOW.getTime() + 90 * 60_000), 'ends 30 minutes before release')
  })

  it('refuses to plan a shift with no IDVA, saying so', async () => {
    await attend()
    const shift = await aShift(t.deps.db, { members: [['provide-officer', 'officer']] })
    await assert.rejects(
      t.services.deployment.replan(officer, shift),
      (e: unknown) => e instanceof ValidationError && /No health IDVA/i.test(e.issues.map((i) => i.message).join()),
    )
  })

  it('pins a left-out visit and says what it cost; drops and restores; keeps the team’s order', async () => {
    // Eight high-risk victims cannot all be seen in one shift: some are left out.
    const incidents = []
    for (let i = 0; i < 8; i++) incidents.push(await attend({ at: i % NEAR.length }))
    const shift = await aShift(t.deps.db)
    await t.services.deployment.replan(officer, shift)
    let plan = await t.services.deployment.view(officer, shift)
    assert.ok(plan.planned.length >= 4 && plan.planned.length < 8, `${plan.planned.length} planned`)
    const left = plan.excluded.find((e) => e.reason === 'outscored')!
    assert.ok(left, 'some visits are outscored')

    const pinned = await t.services.deployment.pin(officer, shift, left.incidentId)
    plan = await t.services.deployment.view(officer, shift)
    const now = plan.planned.find((v) => v.incidentId === left.incidentId)
    assert.ok(now?.pinned, 'the pinned visit is in the plan')
    assert.ok(pinned.changes.removed.length >= 1, pinned.lines.join(' | '))
    assert.ok(pinned.lines.some((l) => l.startsWith(`Added ${left.reference}`)))
    assert.ok(pinned.lines.some((l) => l.startsWith('No longer fits: ')))

    const victim = plan.planned.find((v) => !v.pinned)!
    await t.services.deployment.drop(officer, shift, victim.incidentId, { reason: 'Moved out of the area' })
    plan = await t.services.deployment.view(officer, shift)
    assert.ok(!plan.planned.some((v) => v.incidentId === victim.incidentId))
    assert.deepEqual(
      plan.dropped.map((d) => [d.incidentId, d.reason]),
      [[victim.incidentId, 'Moved out of the area']],
    )
    await assert.rejects(t.services.deployment.drop(officer, shift, victim.incidentId, { reason: '' }), ValidationError)
    await t.services.deployment.restore(officer, shift, victim.incidentId)
    plan = await t.services.deployment.view(officer, shift)
    assert.equal(plan.dropped.length, 0)

    // Move the last visit one place earlier: the plan keeps that order from now on.
    const order = plan.planned.map((v) => v.incidentId)
    const last = plan.planned[plan.planned.length - 1]!
    await t.services.deployment.move(officer, shift, last.id, 'earlier')
    plan = await t.services.deployment.view(officer, shift)
    const expected = [...order]
    expected.splice(order.length - 2, 2, order[order.length - 1]!, order[order.length - 2]!)
    const kept = plan.planned.map((v) => v.incidentId).filter((id) => expected.includes(id))
    assert.deepEqual(
      kept,
      expected.filter((id) => kept.includes(id)),
    )
    assert.ok(plan.planned.every((v) => v.pinned))
  })

  it('shares candidates between teams on the same shift without double-booking', async () => {
    for (let i = 0; i < 10; i++) await attend({ at: i % NEAR.length })
    const second = await t.services.auth.createUser(system, {
      username: 'second-idva',
      displayName: 'Second IDVA',
      agencyCode: 'nhs',
      password: null,
      roles: ['health_idva'],
    })
    assert.ok(second)
    const officer2 = await t.services.auth.createUser(system, {
      username: 'second-officer',
      displayName: 'Second officer',
      agencyCode: 'police',
      password: null,
      roles: ['op_provide_officer'],
    })
    assert.ok(officer2)
    const one = await aShift(t.deps.db)
    const two = await aShift(t.deps.db, {
      team: 'Op Provide: second team',
      areas: ['Blackpool'],
      members: [
        ['second-officer', 'officer'],
        ['second-idva', 'idva'],
      ],
    })
    await t.services.deployment.replan(sergeant, one)
    const [p1, p2] = await Promise.all([one, two].map((s) => t.services.deployment.view(sergeant, s)))
    assert.ok(p1!.planned.length > 0 && p2!.planned.length > 0, 'both teams were planned together')
    const ids1 = new Set(p1!.planned.map((v) => v.incidentId))
    assert.ok(!p2!.planned.some((v) => ids1.has(v.incidentId)), 'no victim on both plans')
    assert.ok(p2!.revisions[0]!.cause.startsWith('Planned with'))
    // The database itself refuses a second booking.
    const booked = p1!.planned[0]!
    await assert.rejects(
      t.deps.db
        .insertInto('visit')
        .values({
          shift_id: two,
          incident_id: booked.incidentId,
          kind: 'post_incident',
          position: 9,
          option_label: 'home',
          planned_arrival: FIXED_NOW,
          planned_start: FIXED_NOW,
          planned_end: FIXED_NOW,
          travel_minutes: 0,
          chosen_because: 'test',
        })
        .execute(),
      /visit_one_planned|duplicate key/,
    )
    void ConflictError
  })

  it('sends a live incident to a team on shift and re-plans around it', async () => {
    const planned = [await attend({ at: 0 }), await attend({ at: 1 }), await attend({ at: 2 })]
    const shift = await aShift(t.deps.db)
    await t.services.deployment.replan(officer, shift)
    t.clock.set(new Date('2026-11-23T09:00:00Z'))
    const input = anIncident({
      people: strangers(),
      risk: 'high',
      location: { address: '9 Live Road', postcode: 'FY1 2BB', area: 'Blackpool', ...NEAR[4]! },
    })
    const { id: live } = await t.services.intake.create(system, input, 'api')
    const targets = await t.services.deployment.dispatchTargets(sergeant, live)
    assert.deepEqual(
      targets.shifts.map((s) => s.id),
      [shift],
    )
    const result = await t.services.deployment.dispatchLive(sergeant, live, shift)
    assert.ok(
      result.lines.some((l) => l.includes(`Added ${input.forceReference}`)),
      result.lines.join(' | '),
    )
    const plan = await t.services.deployment.view(officer, shift)
    const liveVisit = plan.planned.find((v) => v.incidentId === live)!
    assert.equal(liveVisit.kind, 'live')
    assert.ok(liveVisit.planned_start <= new Date('2026-11-23T10:00:00Z'), 'attended within the hour')
    assert.ok(planned.length)
  })

  it('records outcomes: a victim not at home returns to the candidates after a wait, with the reason', async () => {
    const a = await attend({ at: 0 })
    const b = await attend({ at: 1 })
    const shift = await aShift(t.deps.db)
    await t.services.deployment.replan(officer, shift)
    let plan = await t.services.deployment.view(idva, shift)
    const visitA = plan.planned.find((v) => v.incidentId === a.id)!
    const visitB = plan.planned.find((v) => v.incidentId === b.id)!
    await t.services.deployment.recordOutcome(idva, shift, visitA.id, { outcome: 'seen' })
    await t.services.deployment.recordOutcome(idva, shift, visitB.id, { outcome: 'not_at_home', notes: 'No answer' })
    await assert.rejects(
      t.services.deployment.recordOutcome(idva, shift, visitB.id, { outcome: 'seen' }),
      ConflictError,
    )
    await assert.rejects(
      t.services.deployment.recordOutcome(idva, shift, visitB.id, { outcome: 'rescheduled' }),
      (e: unknown) => e instanceof ValidationError && e.issues[0]!.path === 'followUpAfter',
    )
    t.clock.set(new Date('2026-11-23T09:00:00Z'))
    await t.services.deployment.replan(officer, shift)
    plan = await t.services.deployment.view(officer, shift)
    assert.deepEqual(plan.completed.map((v) => [v.reference, v.outcome]).sort(), [
      [a.ref, 'seen'],
      [b.ref, 'not_at_home'],
    ])
    // Tried again no sooner than two hours after the attempt.
    const retry = plan.planned.find((v) => v.incidentId === b.id)
    assert.ok(retry, 'a victim not at home is planned again in the same shift')
    assert.ok(retry.planned_start.getTime() >= FIXED_NOW.getTime() + 2 * 3_600_000)
    assert.ok(!plan.planned.some((v) => v.incidentId === a.id), 'a victim seen is not planned again')
  })

  it('keeps a visit under way as it is, and plans the rest of the shift from there', async () => {
    const a = await attend({ at: 0 })
    const b = await attend({ at: 3 })
    const shift = await aShift(t.deps.db)
    await t.services.deployment.replan(officer, shift)
    let plan = await t.services.deployment.view(officer, shift)
    const first = plan.planned[0]!
    t.clock.set(new Date(first.planned_start.getTime() + 10 * 60_000))
    const other = plan.planned.find((v) => v.id !== first.id)!
    await t.services.deployment.drop(officer, shift, other.incidentId, { reason: 'Seen by safeguarding' })
    plan = await t.services.deployment.view(officer, shift)
    const kept = plan.planned.find((v) => v.id === first.id)
    assert.ok(kept?.started, 'the visit under way is still on the plan')
    assert.equal(kept.planned_start.getTime(), first.planned_start.getTime())
    await assert.rejects(
      t.services.deployment.drop(officer, shift, first.incidentId, { reason: 'Changed our minds' }),
      (e: unknown) => e instanceof ValidationError && /has started/.test(e.issues[0]!.message),
    )
    await t.services.deployment.recordOutcome(idva, shift, first.id, { outcome: 'seen' })
    assert.deepEqual([a.id, b.id].includes(first.incidentId), true)
  })

  it('releases visits left on a shift that ended, so the next shift can plan them', async () => {
    const a = await attend({ at: 0 })
    const early = await aShift(t.deps.db)
    await t.services.deployment.replan(officer, early)
    const late = await aShift(t.deps.db, {
      startsAt: new Date('2026-11-23T15:00:00Z'),
      endsAt: new Date('2026-11-23T23:00:00Z'),
    })
    t.clock.set(new Date('2026-11-23T15:10:00Z'))
    await t.services.deployment.replan(officer, late)
    const plan = await t.services.deployment.view(officer, late)
    assert.deepEqual(
      plan.planned.map((v) => v.incidentId),
      [a.id],
    )
    const panel = await t.services.deployment.forIncident(sergeant, a.id)
    assert.ok(panel.visits.some((v) => v.status === 'lapsed' && /Not made/.test(v.outcomeLabel ?? '')))
  })

  it('refuses a live incident the team cannot reach, and moves one planned by another team', async () => {
    const shift = await aShift(t.deps.db)
    const lost = await t.services.intake.create(
      system,
      anIncident({ people: strangers(), location: { address: '1 Nowhere', postcode: 'FY1 1AA', area: 'Blackpool' } }),
      'api',
    )
    await assert.rejects(
      t.services.deployment.dispatchLive(sergeant, lost.id, shift),
      (e: unknown) => e instanceof ValidationError && /no map position/i.test(e.issues[0]!.message),
    )
    assert.equal((await t.deps.db.selectFrom('visit').select('id').execute()).length, 0, 'nothing saved')

    // Planned by one crew, then sent live to another: it moves, and the first crew's plan says so.
    const a = await attend({ at: 0 })
    await t.services.deployment.replan(officer, shift)
    const crew = await aShiftWithCrew('Op Provide: live crew')
    const result = await t.services.deployment.dispatchLive(sergeant, a.id, crew)
    assert.ok(
      result.lines.some((l) => l.includes('Plan made')),
      result.lines.join(' | '),
    )
    const before = await t.services.deployment.view(officer, shift)
    assert.ok(!before.planned.some((v) => v.incidentId === a.id), 'moved off the first plan')
    assert.match(before.revisions[0]!.cause, /Live incident .* sent to Op Provide: live crew/)
  })

  it('shows incidents the viewer may not open without their details', async () => {
    const blackpool = await attend({ at: 0 })
    const fylde = await attend({
      at: 1,
      location: { address: '3 Fylde Road', postcode: 'FY8 1AA', area: 'Fylde', latitude: 53.76, longitude: -2.99 },
    })
    const shift = await aShift(t.deps.db)
    await t.deps.db
      .insertInto('team_area')
      .values({ team_id: (await teamOf(shift))!, area: 'Fylde' })
      .onConflict((oc) => oc.doNothing())
      .execute()
    await t.services.deployment.replan(sergeant, shift)
    const narrow = await userInTeam('blackpool-only', 'Op Provide: Blackpool only', ['Blackpool'])
    const plan = await t.services.deployment.view(narrow, shift)
    const seen = [...plan.planned, ...plan.excluded]
    assert.equal(seen.find((v) => v.incidentId === blackpool.id)?.restricted, false)
    const hidden = seen.find((v) => v.incidentId === fylde.id)
    assert.equal(hidden?.restricted, true)
    assert.equal(hidden?.victimName, null)
    assert.equal(hidden?.postcode, '')
  })

  it('re-makes a plan when the victim’s safe-contact times change', async () => {
    const a = await attend({ at: 0 })
    const shift = await aShift(t.deps.db)
    await t.services.deployment.replan(officer, shift)
    // Monday 23 November: safe only 13:00-15:00 from now on.
    await t.services.deployment.setSafeContact(idva, await victimOn(t.deps.db, a.id), {
      onlyWhileSuspectInCustody: false,
      windows: [{ weekday: 1, startMinute: 780, endMinute: 900 }],
    })
    const plan = await t.services.deployment.view(officer, shift)
    const visit = plan.planned.find((v) => v.incidentId === a.id)!
    assert.ok(visit.planned_start >= new Date('2026-11-23T13:00:00Z'), 'moved into the safe time')
    assert.equal(plan.revisions[0]!.cause, 'Safe-contact details changed')
    assert.match(visit.safeContacts[0]!.safeContact.line, /^Any way; Mon 13:00–15:00$/)
  })

  it('applies details recorded on the victim’s earlier incident to a visit for a new one', async () => {
    // The same victim (names and date of birth) on two incidents: an earlier one and today's.
    const victim = () => [
      aPerson({ firstName: 'Rhea', lastName: 'Casewell', dateOfBirth: '1985-03-04' }),
      aSuspect({ dateOfBirth: undefined }),
    ]
    const earlier = await t.services.intake.create(
      system,
      anIncident({ people: victim(), reportedHoursAgo: 24 * 40 }),
      'api',
    )
    const today = await attend({ at: 0, people: victim() })
    const shift = await aShift(t.deps.db)
    await t.services.deployment.replan(officer, shift)
    let visit = (await t.services.deployment.view(officer, shift)).planned.find((v) => v.incidentId === today.id)!
    assert.ok(visit.planned_start < new Date('2026-11-23T13:00:00Z'), 'planned at once before any details')

    // Recorded on the earlier incident's victim: the plan holding today's visit is re-made.
    await t.services.deployment.setSafeContact(sergeant, await victimOn(t.deps.db, earlier.id), {
      methods: ['text'],
      onlyWhileSuspectInCustody: false,
      windows: [{ weekday: 1, startMinute: 780, endMinute: 900 }],
      notes: 'Never when he is home',
    })
    const plan = await t.services.deployment.view(officer, shift)
    visit = plan.planned.find((v) => v.incidentId === today.id)!
    assert.equal(plan.revisions[0]!.cause, 'Safe-contact details changed')
    assert.ok(visit.planned_start >= new Date('2026-11-23T13:00:00Z'), 'moved into the safe time')
    assert.match(visit.chosen_because, /Safe-contact times: Mon 13:00–15:00/)
    assert.equal(visit.safeContacts[0]!.safeContact.line, 'Text message only; Mon 13:00–15:00. Never when he is home')
  })

  it('plans a visit to two victims only when it is safe for both', async () => {
    const both = (first: string, second: string) => [
      aPerson({ firstName: first, dateOfBirth: undefined }),
      aPerson({ firstName: second, dateOfBirth: undefined }),
      aSuspect({ dateOfBirth: undefined }),
    ]
    const overlap = await attend({ at: 0, people: both('Ann', 'Bea') })
    const apart = await attend({ at: 1, people: both('Cat', 'Dee') })
    /** Both victims of an incident, in order. */
    const victims = async (incidentId: string) =>
      (
        await t.deps.db
          .selectFrom('incident_person')
          .select('id')
          .where('incident_id', '=', incidentId)
          .where('role', '=', 'victim')
          .orderBy('position')
          .execute()
      ).map((r) => r.id)
    const record = (victimId: string, startMinute: number, endMinute: number) =>
      t.services.deployment.setSafeContact(idva, victimId, {
        onlyWhileSuspectInCustody: false,
        windows: [{ weekday: 1, startMinute, endMinute }],
      })
    const [ann, bea] = await victims(overlap.id)
    await record(ann!, 600, 840) // Monday 10:00-14:00
    await record(bea!, 720, 900) // Monday 12:00-15:00
    const [cat, dee] = await victims(apart.id)
    await record(cat!, 480, 600) // Monday 08:00-10:00
    await record(dee!, 720, 840) // Monday 12:00-14:00
    const shift = await aShift(t.deps.db)
    await t.services.deployment.replan(officer, shift)
    const plan = await t.services.deployment.view(officer, shift)
    const visit = plan.planned.find((v) => v.incidentId === overlap.id)!
    assert.ok(visit.planned_start >= new Date('2026-11-23T12:00:00Z'), 'not before both are safe')
    assert.ok(visit.planned_end <= new Date('2026-11-23T14:00:00Z'), 'over while both are safe')
    assert.deepEqual(
      visit.safeContacts.map((s) => s.victimName),
      ['Ann Example', 'Bea Example'],
    )
    const left = plan.excluded.find((e) => e.incidentId === apart.id)!
    assert.equal(left.reason, 'no_window')
    assert.match(left.detail, /no time in common/)
  })

  it('refuses a pin the plan cannot take, saying why', async () => {
    const soon = await attend({ at: 0, people: strangers({ custody: inCustody(6, 0.5) }) })
    await attend({ at: 1 })
    const shift = await aShift(t.deps.db)
    await t.services.deployment.replan(officer, shift)
    await assert.rejects(
      t.services.deployment.pin(officer, shift, soon.id),
      (e: unknown) =>
        e instanceof ValidationError && /cannot take that visit: Suspect due for release/.test(e.issues[0]!.message),
    )
    const plan = await t.services.deployment.view(officer, shift)
    assert.ok(!plan.planned.some((v) => v.incidentId === soon.id))
  })

  async function teamOf(shiftId: string) {
    return (await t.deps.db.selectFrom('shift').select('team_id').where('id', '=', shiftId).executeTakeFirst())?.team_id
  }

  /** A user with the Op Provide officer role in a police team covering `areas`. */
  async function userInTeam(username: string, team: string, areas: string[]): Promise<Actor> {
    const police = await t.deps.db
      .selectFrom('agency')
      .select('id')
      .where('code', '=', 'police')
      .executeTakeFirstOrThrow()
    let user = await t.deps.db.selectFrom('app_user').select('id').where('username', '=', username).executeTakeFirst()
    if (!user) {
      await t.services.auth.createUser(system, {
        username,
        displayName: username,
        agencyCode: 'police',
        password: null,
        roles: ['op_provide_officer'],
      })
      user = await t.deps.db
        .selectFrom('app_user')
        .select('id')
        .where('username', '=', username)
        .executeTakeFirstOrThrow()
      const created = await t.deps.db
        .insertInto('team')
        .values({ agency_id: police.id, name: team })
        .returning('id')
        .executeTakeFirstOrThrow()
      await t.deps.db
        .insertInto('team_area')
        .values(areas.map((area) => ({ team_id: created.id, area })))
        .execute()
      await t.deps.db.insertInto('team_member').values({ team_id: created.id, user_id: user.id }).execute()
    }
    return t.actor(username)
  }

  /** A shift with a crew of its own (a new officer and IDVA), so it does not clash with the demo crew. */
  async function aShiftWithCrew(team: string): Promise<string> {
    for (const [username, role, agency] of [
      ['crew-officer', 'op_provide_officer', 'police'],
      ['crew-idva', 'health_idva', 'nhs'],
    ] as const) {
      if (!(await t.deps.db.selectFrom('app_user').select('id').where('username', '=', username).executeTakeFirst()))
        await t.services.auth.createUser(system, {
          username,
          displayName: username,
          agencyCode: agency,
          password: null,
          roles: [role],
        })
    }
    return aShift(t.deps.db, {
      team,
      areas: ['Blackpool'],
      members: [
        ['crew-officer', 'officer'],
        ['crew-idva', 'idva'],
      ],
    })
  }

  it('checks access: other roles and other teams cannot open or change a plan', async () => {
    const shift = await aShift(t.deps.db)
    await assert.rejects(t.services.deployment.view(await t.actor('analyst'), shift))
    await assert.rejects(t.services.deployment.replan(await t.actor('officer'), shift))
    const elsewhere = await aShift(t.deps.db, { team: 'Op Provide: Lancaster only', areas: ['Lancaster'] })
    void elsewhere
    await assert.rejects(
      t.services.deployment.replan(officer, await aShiftAt('Lancaster')),
      (e: unknown) => e instanceof OutOfScopeError,
    )
  })

  /** A shift whose base is in another area than the demo officer's teams cover. */
  async function aShiftAt(area: string): Promise<string> {
    const police = await t.deps.db
      .selectFrom('agency')
      .select('id')
      .where('code', '=', 'police')
      .executeTakeFirstOrThrow()
    const base = await t.deps.db
      .insertInto('deployment_base')
      .values({
        agency_id: police.id,
        name: `Base in ${area} ${Math.random()}`,
        area,
        latitude: 54.05,
        longitude: -2.8,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const shift = await aShift(t.deps.db, { team: `Op Provide: ${area} only`, areas: [area] })
    await t.deps.db.updateTable('shift').set({ base_id: base.id }).where('id', '=', shift).execute()
    return shift
  }
})
