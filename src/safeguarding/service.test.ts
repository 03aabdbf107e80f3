import { after, before, it } from 'node:test'
import assert from 'node:assert/strict'
import { describeEachEngine } from '../test-support/db.ts'
import { testContext, type TestContext } from '../test-support/app.ts'
import { aPerson, aSuspect, type anIncident } from '../test-support/builders.ts'
import { FIXED_NOW } from '../test-support/clock.ts'
import { systemActor, type Actor } from '../auth/actor.ts'
import { aMember, aTeam, aVictim } from './test-fixtures.ts'
import { insertAgency } from '../auth/repository.ts'
import { DEMO_PASSWORD } from '../demo/seed.ts'
import { ConflictError, ForbiddenError, isUniqueViolation, OutOfScopeError, ValidationError } from '../common/errors.ts'
import type { SafeguardingService } from './service.ts'
import { insertHandover } from './repository.ts'

const DAY = 24 * 3_600_000

/** The paths of a ValidationError's issues, for `assert.rejects`. */
const issuesAt =
  (...paths: string[]) =>
  (error: unknown) => {
    assert.ok(error instanceof ValidationError, String(error))
    assert.deepEqual(
      error.issues.map((i) => i.path),
      paths,
    )
    return true
  }

/** A ValidationError with exactly this one issue. */
const refusedWith = (path: string, message: string) => (error: unknown) => {
  assert.ok(error instanceof ValidationError, String(error))
  assert.deepEqual(error.issues, [{ path, message }])
  return true
}

describeEachEngine('safeguarding actions and hand-overs', (engine) => {
  let t: TestContext
  let safeguarding: SafeguardingService
  const who: Record<string, Actor> = {}
  /** Victims (incident_person ids) by name, and their incidents. */
  const victims: Record<string, { id: string; incidentId: string }> = {}
  const teams: Record<string, string> = {}

  const seed = async (key: string, overrides: Parameters<typeof anIncident>[0]) => {
    victims[key] = await aVictim(t, overrides)
  }

  const audits = (recordId: string, action: string) =>
    t.deps.db
      .selectFrom('audit_event')
      .select(['fields', 'details'])
      .where('record_type', '=', 'incident_person')
      .where('record_id', '=', recordId)
      .where('action', '=', action)
      .execute()

  before(async () => {
    t = await testContext(engine)
    safeguarding = t.services.safeguarding
    for (const u of ['idva', 'safeguarding', 'sergeant', 'provide-officer', 'officer', 'idva-2'])
      who[u] = await t.actor(u)
    for (const team of await t.deps.db.selectFrom('team').select(['id', 'name']).execute()) teams[team.name] = team.id
    await seed('jane', {
      childrenPresent: true,
      people: [aPerson({ firstName: 'Jane', lastName: 'Ashworth' }), aSuspect()],
    })
    // The same person on an earlier incident: one case through the identity key.
    await seed('janeBefore', {
      reportedHoursAgo: 24 * 30,
      people: [aPerson({ firstName: 'Jane', lastName: 'Ashworth' }), aSuspect()],
    })
    await seed('kim', {
      people: [aPerson({ firstName: 'Kim', lastName: 'Brennan', dateOfBirth: '1985-01-02' }), aSuspect()],
    })
    await seed('lee', {
      people: [aPerson({ firstName: 'Lee', lastName: 'Carter', dateOfBirth: '1979-03-04' }), aSuspect()],
    })
    // In the north of the county, beyond the West division's safeguarding team.
    await seed('nia', {
      location: { address: '1 Test Street', postcode: 'LA1 1AA', area: 'Lancaster' },
      people: [aPerson({ firstName: 'Nia', lastName: 'Dawson', dateOfBirth: '1991-06-07' }), aSuspect()],
    })
  })
  after(() => t.close())

  it('raises a referral owned by the safeguarding team for the area, with its history and audit rows', async () => {
    const form = await safeguarding.raiseForm(who.idva!, victims.jane!.id)
    assert.equal(form.defaultOwner.teamId, teams['Safeguarding: West division'])
    assert.equal(form.suggestChildrensServices, true, 'children were present and no referral exists')
    assert.ok(form.assignees.some((a) => a.name === 'DC Lee Demo'))

    const id = await safeguarding.raise(who.idva!, victims.jane!.id, {
      kind: 'third_sector',
      referredTo: 'Women’s Aid Preston',
      details: 'Wants support with housing',
    })
    const row = await t.deps.db
      .selectFrom('safeguarding_action')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    const victim = await t.deps.db
      .selectFrom('incident_person')
      .select(['person_key'])
      .where('id', '=', victims.jane!.id)
      .executeTakeFirstOrThrow()
    assert.equal(row.incident_id, victims.jane!.incidentId)
    assert.equal(row.person_id, victims.jane!.id)
    assert.ok(row.person_key)
    assert.equal(row.person_key, victim.person_key)
    assert.equal(row.owner_team_id, teams['Safeguarding: West division'])
    assert.equal(row.status, 'requested')
    assert.equal(row.due_on, '2026-12-07', 'a third-sector referral is usually due in 14 days')
    const view = await safeguarding.get(who.safeguarding!, id)
    assert.deepEqual(
      view.history.map((h) => h.status),
      ['requested'],
    )
    const collected = await audits(victims.jane!.id, 'collect')
    assert.ok(collected.some((a) => a.details.safeguardingActionId === id))

    const childrens = await safeguarding.raise(who.idva!, victims.jane!.id, {
      kind: 'childrens_services',
      referredTo: 'Blackpool Children’s Services',
    })
    assert.equal((await safeguarding.get(who.idva!, childrens)).action.due_on, '2026-11-25')
    const again = await safeguarding.raiseForm(who.idva!, victims.jane!.id)
    assert.equal(again.suggestChildrensServices, false, 'the referral now exists')
  })

  it('refuses a bad kind, a past due date, a referral to nobody, and an owner or assignee from elsewhere', async () => {
    const raise = (input: Record<string, unknown>) => safeguarding.raise(who.idva!, victims.kim!.id, input)
    await assert.rejects(raise({ kind: 'pizza' }), issuesAt('kind'))
    await assert.rejects(raise({ kind: 'police_alarm', dueOn: '2026-11-22' }), issuesAt('dueOn'))
    await assert.rejects(raise({ kind: 'police_alarm', dueOn: '2026-02-30' }), issuesAt('dueOn'))
    await assert.rejects(raise({ kind: 'marac', referredTo: '  ' }), issuesAt('referredTo'))
    await assert.rejects(
      raise({ kind: 'police_alarm', ownerTeamId: '00000000-0000-4000-8000-000000000000' }),
      issuesAt('owner'),
    )
    await assert.rejects(
      raise({ kind: 'police_alarm', ownerTeamId: teams['Safeguarding: West division'], assigneeId: who.idva!.userId }),
      issuesAt('assigneeId'),
    )
    // A response officer's role does not raise safeguarding actions.
    await assert.rejects(safeguarding.raise(who.officer!, victims.kim!.id, { kind: 'police_alarm' }), ForbiddenError)
  })

  it('moves an action through its statuses, with a history row and an audit row each, and closes it', async () => {
    const id = await safeguarding.raise(who.idva!, victims.kim!.id, { kind: 'police_alarm' })
    await assert.rejects(safeguarding.changeStatus(who.safeguarding!, id, { status: 'done' }), issuesAt('status'))
    await safeguarding.changeStatus(who.safeguarding!, id, { status: 'accepted' })
    await safeguarding.changeStatus(who.safeguarding!, id, { status: 'in_progress', note: 'Fitter booked' })
    const done = await safeguarding.changeStatus(who.safeguarding!, id, { status: 'done', note: 'Alarm fitted' })
    assert.deepEqual(
      done.history.map((h) => [h.status, h.note]),
      [
        ['done', 'Alarm fitted'],
        ['in_progress', 'Fitter booked'],
        ['accepted', null],
        ['requested', null],
      ],
    )
    assert.equal(done.action.status, 'done')
    assert.ok(done.action.closed_at)
    assert.equal(done.mayUpdate, false, 'a closed action cannot change')
    await assert.rejects(
      safeguarding.changeStatus(who.safeguarding!, id, { status: 'in_progress' }),
      issuesAt('status'),
    )
    const altered = (await audits(victims.kim!.id, 'alter')).filter((a) => a.details.safeguardingActionId === id)
    assert.deepEqual(
      altered.map((a) => a.details.to),
      ['accepted', 'in_progress', 'done'],
    )
  })

  it('needs a reason to decline, and keeps it in the history', async () => {
    const id = await safeguarding.raise(who.idva!, victims.kim!.id, { kind: 'refuge', referredTo: 'Refuge North' })
    await assert.rejects(safeguarding.changeStatus(who.safeguarding!, id, { status: 'declined' }), issuesAt('reason'))
    const declined = await safeguarding.changeStatus(who.safeguarding!, id, {
      status: 'declined',
      reason: 'Victim chose to stay with family',
    })
    assert.equal(declined.action.status_reason, 'Victim chose to stay with family')
    assert.equal(declined.history[0]!.note, 'Victim chose to stay with family')
  })

  it('lets the owning team, the assignee and a sergeant of the owning agency update; not another team', async () => {
    const id = await safeguarding.raise(who.idva!, victims.kim!.id, { kind: 'target_hardening' })
    // An Op Provide officer may update actions, but this one belongs to the safeguarding team.
    await assert.rejects(
      safeguarding.changeStatus(who['provide-officer']!, id, { status: 'accepted' }),
      (error: unknown) =>
        error instanceof ForbiddenError &&
        !(error instanceof OutOfScopeError) &&
        /This action belongs to Safeguarding: West division/.test(error.message),
    )
    assert.equal((await safeguarding.get(who['provide-officer']!, id)).mayUpdate, false)
    assert.equal((await safeguarding.get(who.safeguarding!, id)).mayUpdate, true)
    await safeguarding.changeStatus(who.sergeant!, id, { status: 'accepted' })
    const taken = await safeguarding.assignToMe(who.safeguarding!, id)
    assert.equal(taken.action.assignee_name, 'DC Lee Demo')
    await assert.rejects(safeguarding.assignToMe(who.safeguarding!, id), ConflictError)
    await safeguarding.changeStatus(who.safeguarding!, id, { status: 'in_progress' })

    // Owned by the IDVAs' team: its members update it, the safeguarding team does not.
    const health = await safeguarding.raise(who.idva!, victims.kim!.id, {
      kind: 'other',
      ownerTeamId: teams['Health IDVAs: Fylde coast'],
    })
    await assert.rejects(safeguarding.changeStatus(who.safeguarding!, health, { status: 'accepted' }), ForbiddenError)
    await safeguarding.changeStatus(who['idva-2']!, health, { status: 'accepted' })
  })

  it('lists open actions overdue first, then soonest due, with counts', async () => {
    const soon = await safeguarding.raise(who.idva!, victims.lee!.id, { kind: 'police_alarm' }) // due 25 Nov
    const later = await safeguarding.raise(who.idva!, victims.lee!.id, { kind: 'marac', referredTo: 'Blackpool MARAC' })
    const today = await safeguarding.raise(who.idva!, victims.lee!.id, { kind: 'other', dueOn: '2026-11-23' })
    t.clock.set(new Date(FIXED_NOW.getTime() + DAY)) // 24 Nov: the one due on the 23rd is overdue
    try {
      const list = await safeguarding.worklist(who.safeguarding!, { list: 'team', closed: false })
      const mine = list.items.filter((a) => [soon, later, today].includes(a.id)).map((a) => a.id)
      assert.deepEqual(mine, [today, soon, later])
      assert.equal(list.items[0]!.id, today, 'overdue first')
      assert.equal(list.items[0]!.overdue, true)
      assert.equal(list.counts.overdue, 1)
      assert.ok(list.counts.lists.team >= 3)
      t.clock.set(new Date(FIXED_NOW.getTime() + 2 * DAY)) // 25 Nov: the alarm is due today
      const dayAfter = await safeguarding.worklist(who.safeguarding!, { list: 'team', closed: false })
      assert.ok(dayAfter.items.some((a) => a.id === soon && a.due_on === '2026-11-25'))
      assert.equal(dayAfter.counts.dueToday, dayAfter.items.filter((a) => a.due_on === '2026-11-25').length)
    } finally {
      t.clock.set(FIXED_NOW)
    }
    const closed = await safeguarding.worklist(who.safeguarding!, { list: 'team', closed: true })
    assert.ok(closed.items.length > 0 && closed.items.every((a) => a.closed_at !== null))
  })

  it('never shows an officer of another agency the action or the victim, nor the IDVAs once sharing stops', async () => {
    const id = await safeguarding.raise(who.idva!, victims.lee!.id, {
      kind: 'other',
      ownerTeamId: teams['Health IDVAs: Fylde coast'],
      details: 'Follow up at the GP',
    })
    await insertAgency(t.deps.db, { code: 'cumbria', name: 'Cumbria Constabulary (test)', kind: 'police' })
    await t.services.auth.createUser(systemActor('test'), {
      username: 'cumbria-safeguarding',
      displayName: 'DC Cumbria',
      agencyCode: 'cumbria',
      password: DEMO_PASSWORD,
      roles: ['safeguarding_officer', 'detective_sergeant'],
    })
    const outsider = await t.actor('cumbria-safeguarding')
    for (const list of ['mine', 'team', 'agency'] as const) {
      const seen = await safeguarding.worklist(outsider, { list, closed: false })
      assert.deepEqual(seen.items, [])
      assert.deepEqual(seen.handovers, [])
    }
    await assert.rejects(safeguarding.get(outsider, id), OutOfScopeError)

    const visible = await safeguarding.worklist(who.idva!, { list: 'team', closed: false })
    assert.ok(visible.items.some((a) => a.id === id && a.last_name === 'Carter'))
    // The force stops sharing incidents with the trust: its team's action goes with the incident.
    const share = await t.deps.db.selectFrom('agency_share').selectAll().executeTakeFirstOrThrow()
    await t.deps.db.deleteFrom('agency_share').execute()
    try {
      const hidden = await safeguarding.worklist(who.idva!, { list: 'team', closed: false })
      assert.ok(!hidden.items.some((a) => a.id === id || a.last_name === 'Carter'))
      assert.equal(hidden.counts.lists.team, 0)
    } finally {
      await t.deps.db
        .insertInto('agency_share')
        .values({
          owner_agency_id: share.owner_agency_id,
          partner_agency_id: share.partner_agency_id,
          resource: share.resource,
        })
        .execute()
    }
  })

  it('hands a victim over to a safeguarding team, which accepts it once', async () => {
    const summary = 'Visited with the IDVA; alarm requested; victim wants a call on weekdays only.'
    const contact = (key: string, daysAgo: number, notes: string) => {
      const at = new Date(FIXED_NOW.getTime() - daysAgo * DAY)
      return t.deps.db
        .insertInto('tracker_contact')
        .values({
          incident_id: victims[key]!.incidentId,
          person_id: victims[key]!.id,
          status: 'submitted',
          mode: 'post_incident',
          contact_at: at,
          place: 'home',
          idva_present: true,
          officer_present: true,
          support_offered: ['safety_planning'],
          support_notes: notes,
          engaged_investigation: 'yes',
          engaged_safeguarding: 'yes',
          children_count: 2,
          consent_to_share: 'yes',
          share_with: ['police'],
          created_by: who.idva!.userId,
          created_at: at,
          updated_at: at,
          submitted_at: at,
        })
        .execute()
    }
    await contact('jane', 20, 'Older contact')
    await contact('janeBefore', 1, 'Latest contact, on the earlier incident')
    const form = await safeguarding.handoverForm(who['provide-officer']!, victims.jane!.id)
    assert.equal(form.contact?.support_notes, 'Latest contact, on the earlier incident')
    assert.deepEqual(
      form.teams.map((team) => team.name),
      ['Safeguarding: West division'],
    )
    assert.ok(form.actions.length >= 2, 'the open actions help write the summary')
    await assert.rejects(
      safeguarding.handOver(who['provide-officer']!, victims.jane!.id, { teamId: form.teams[0]!.id, summary: 'Done' }),
      issuesAt('summary'),
    )
    await assert.rejects(
      safeguarding.handOver(who['provide-officer']!, victims.jane!.id, {
        teamId: teams['Op Provide: Blackpool, Fylde and Wyre'],
        summary,
      }),
      issuesAt('teamId'),
    )
    const id = await safeguarding.handOver(who['provide-officer']!, victims.jane!.id, {
      teamId: form.teams[0]!.id,
      summary,
    })
    await assert.rejects(
      safeguarding.handOver(who.idva!, victims.jane!.id, { teamId: form.teams[0]!.id, summary }),
      ConflictError,
    )
    assert.ok((await audits(victims.jane!.id, 'collect')).some((a) => a.details.handoverId === id))

    const waiting = await safeguarding.worklist(who.safeguarding!, { list: 'mine', closed: false })
    assert.deepEqual(
      waiting.handovers.map((h) => h.id),
      [id],
    )
    assert.equal((await safeguarding.getHandover(who.safeguarding!, id)).mayAccept, true)
    assert.equal((await safeguarding.getHandover(who['provide-officer']!, id)).mayAccept, false)
    await assert.rejects(safeguarding.accept(who.idva!, id, {}), ForbiddenError)
    const accepted = await safeguarding.accept(who.safeguarding!, id, { note: 'Lee will call on Monday' })
    assert.equal(accepted.accepted_by_name, 'DC Lee Demo')
    assert.equal(accepted.accept_note, 'Lee will call on Monday')
    await assert.rejects(safeguarding.accept(who.safeguarding!, id, {}), ConflictError)
    await assert.rejects(safeguarding.accept(who.sergeant!, id, {}), ConflictError)
    assert.deepEqual((await safeguarding.worklist(who.safeguarding!, { list: 'mine', closed: false })).handovers, [])

    // A sergeant of the receiving team's agency may accept too.
    const next = await safeguarding.handOver(who.sergeant!, victims.kim!.id, { teamId: form.teams[0]!.id, summary })
    assert.ok((await safeguarding.worklist(who.sergeant!, { list: 'agency', closed: false })).handovers.length)
    await safeguarding.accept(who.sergeant!, next, {})
  })

  it("gives the incident page each victim's open actions and hand-overs, and what the reader may do", async () => {
    const panel = await safeguarding.forIncident(who.safeguarding!, victims.jane!.incidentId)
    assert.ok(panel)
    const [jane] = panel.victims
    assert.equal(jane!.last_name, 'Ashworth')
    assert.ok(jane!.actions.some((a) => a.kind === 'third_sector'))
    assert.equal(jane!.handovers.length, 1)
    assert.equal(panel.canRaise, true)
    assert.equal(panel.canHandOver, false, 'safeguarding officers receive hand-overs, they do not make them')
    // A response officer sees only incidents they recorded.
    assert.equal(await safeguarding.forIncident(who.officer!, victims.jane!.incidentId), null)
  })
  it('gives actions and hand-overs only to teams and people who could see the victim', async () => {
    const agency = async (code: string) =>
      (await t.deps.db.selectFrom('agency').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id
    const [police, nhs] = [await agency('police'), await agency('nhs')]
    // The force's safeguarding team for another division: its officers see Lancaster, not Blackpool.
    const north = await aTeam(t, {
      agencyId: police,
      name: 'Safeguarding: North division',
      areas: ['Lancaster'],
      members: [{ username: 'north-safeguarding', roles: ['safeguarding_officer'] }],
    })
    // A council sharing its incidents with the trust (so the IDVAs may give it work), but not shared the force's.
    const council = await insertAgency(t.deps.db, {
      code: 'council',
      name: 'The Council (test)',
      kind: 'local_authority',
    })
    await t.deps.db
      .insertInto('agency_share')
      .values({ owner_agency_id: council, partner_agency_id: nhs, resource: 'incident' })
      .execute()
    const councilTeam = await aTeam(t, {
      agencyId: council,
      name: 'Council safeguarding',
      areas: ['Blackpool'],
      members: [{ username: 'council-safeguarding', roles: ['safeguarding_officer'] }],
    })
    // In the West division's team, but a response officer, who sees only the incidents they recorded.
    const clerk = await aMember(t, {
      teamId: teams['Safeguarding: West division']!,
      agencyId: police,
      username: 'west-response',
      roles: ['response_officer'],
    })
    try {
      const form = await safeguarding.raiseForm(who.idva!, victims.kim!.id)
      const teamNames = form.teams.map((team) => team.name)
      assert.ok(teamNames.includes('Safeguarding: West division'))
      assert.ok(!teamNames.includes('Safeguarding: North division'), 'it does not cover Blackpool')
      assert.ok(!teamNames.includes('Council safeguarding'), 'the council is not shared the force’s incidents')
      assert.deepEqual(form.agencies.map((a) => a.id).sort(), [police, nhs].sort())
      assert.ok(form.assignees.some((a) => a.name === 'DC Lee Demo'))
      assert.ok(!form.assignees.some((a) => a.id === clerk), 'they could not open the incident')

      const raise = (input: Record<string, unknown>) =>
        safeguarding.raise(who.idva!, victims.kim!.id, { kind: 'police_alarm', ...input })
      await assert.rejects(
        raise({ ownerTeamId: north }),
        refusedWith(
          'owner',
          'Safeguarding: North division does not cover Blackpool, so its officers could not see this victim',
        ),
      )
      await assert.rejects(
        raise({ ownerTeamId: councilTeam }),
        refusedWith(
          'owner',
          'The Council (test) is not shared this incident, so Council safeguarding could not see this victim',
        ),
      )
      await assert.rejects(
        raise({ ownerAgencyId: council }),
        refusedWith('owner', 'Choose a team or agency of yours, or of one sharing incidents with yours'),
      )
      await assert.rejects(
        raise({ ownerAgencyId: police, assigneeId: (await t.actor('north-safeguarding')).userId }),
        refusedWith('assigneeId', 'north-safeguarding (test) could not see this victim, so would never see the action'),
      )
      await assert.rejects(
        raise({ ownerTeamId: teams['Safeguarding: West division'], assigneeId: clerk }),
        refusedWith('assigneeId', 'west-response (test) could not see this victim, so would never see the action'),
      )
      const given = await raise({ ownerAgencyId: police, assigneeId: who.safeguarding!.userId })
      assert.ok(
        (await safeguarding.worklist(who.safeguarding!, { list: 'mine', closed: false })).items.some(
          (a) => a.id === given,
        ),
      )

      const summary = 'Visited with the IDVA; alarm requested; victim wants a call on weekdays only.'
      assert.deepEqual(
        (await safeguarding.handoverForm(who.sergeant!, victims.lee!.id)).teams.map((team) => team.name),
        ['Safeguarding: West division'],
      )
      await assert.rejects(
        safeguarding.handOver(who.sergeant!, victims.lee!.id, { teamId: north, summary }),
        refusedWith(
          'teamId',
          'Safeguarding: North division does not cover Blackpool, so its officers could not see this victim',
        ),
      )
      await assert.rejects(
        safeguarding.handOver(who.idva!, victims.lee!.id, { teamId: councilTeam, summary }),
        refusedWith(
          'teamId',
          'The Council (test) is not shared this incident, so Council safeguarding could not see this victim',
        ),
      )
      assert.equal(
        await t.deps.db.selectFrom('handover').select('id').where('person_id', '=', victims.lee!.id).executeTakeFirst(),
        undefined,
        'nothing waits for a team that could not see it',
      )

      // A victim in Lancaster goes to the North division, and its officer may be given the action.
      const there = await safeguarding.raiseForm(who.sergeant!, victims.nia!.id)
      assert.equal(there.defaultOwner.teamId, north)
      assert.deepEqual(
        there.assignees.map((a) => a.name),
        ['north-safeguarding (test)'],
      )
      assert.deepEqual(
        (await safeguarding.handoverForm(who.sergeant!, victims.nia!.id)).teams.map((team) => team.name),
        ['Safeguarding: North division'],
      )
    } finally {
      await t.deps.db.deleteFrom('agency_share').where('owner_agency_id', '=', council).execute()
    }
  })

  it('keeps one hand-over waiting per person, across their incidents; two people may each have one', async () => {
    const summary = 'Seen with the IDVA at her sister’s; safety plan made; she wants a call before 10am.'
    const teamId = teams['Safeguarding: West division']!
    // Jane's hand-over on her latest incident was accepted; now one on her earlier incident waits.
    const first = await safeguarding.handOver(who.sergeant!, victims.janeBefore!.id, { teamId, summary })
    const form = await safeguarding.handoverForm(who['provide-officer']!, victims.jane!.id)
    assert.equal(form.waiting?.id, first, 'the hand-over from her other incident is shown')
    await assert.rejects(
      safeguarding.handOver(who['provide-officer']!, victims.jane!.id, { teamId, summary }),
      (error: unknown) =>
        error instanceof ConflictError &&
        /Jane Ashworth has already been handed over to Safeguarding/.test(error.message),
    )
    // Two made at the same moment both pass that check: the unique index refuses the second (handOver
    // reports it as a conflict).
    const jane = await t.deps.db
      .selectFrom('incident_person')
      .select(['id', 'incident_id', 'person_key'])
      .where('id', '=', victims.jane!.id)
      .executeTakeFirstOrThrow()
    await assert.rejects(
      insertHandover(t.deps.db, { victim: jane, toTeamId: teamId, summary, by: who.sergeant!.userId, at: FIXED_NOW }),
      (error: unknown) => isUniqueViolation(error),
    )
    // Someone else entirely is handed over meanwhile.
    const lee = await safeguarding.handOver(who.sergeant!, victims.lee!.id, { teamId, summary })
    const waiting = await safeguarding.worklist(who.safeguarding!, { list: 'mine', closed: false })
    assert.deepEqual(waiting.handovers.map((h) => h.id).sort(), [first, lee].sort())
    // Once accepted, the person may be handed over again, from any of their incidents.
    await safeguarding.accept(who.safeguarding!, first, {})
    await safeguarding.handOver(who['provide-officer']!, victims.jane!.id, { teamId, summary })
  })

  it('lists the actions the reader raised', async () => {
    const raised = await safeguarding.worklist(who.idva!, { list: 'raised', closed: false })
    assert.ok(raised.items.length > 0)
    const open = await t.deps.db
      .selectFrom('safeguarding_action')
      .select('id')
      .where('raised_by', '=', who.idva!.userId)
      .where('closed_at', 'is', null)
      .execute()
    assert.deepEqual(raised.items.map((a) => a.id).sort(), open.map((a) => a.id).sort())
    assert.equal(raised.counts.lists.raised, open.length)
    assert.deepEqual((await safeguarding.worklist(who.safeguarding!, { list: 'raised', closed: false })).items, [])
  })
})
