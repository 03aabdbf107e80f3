import { after, before, it } from 'node:test'
import assert from 'node:assert/strict'
import { describeEachEngine } from '../test-support/db.ts'
import { testContext, type TestContext } from '../test-support/app.ts'
import { anIncident, aPerson, aSuspect } from '../test-support/builders.ts'
import { FIXED_NOW, hoursBefore } from '../test-support/clock.ts'
import { aShift } from '../test-support/deployment.ts'
import type { Actor } from '../auth/actor.ts'
import { ForbiddenError, OutOfScopeError, ValidationError } from '../common/errors.ts'
import { anAction, aHandover, victimOn } from './test-data.ts'

/** One victim, by names and date of birth, on every incident of the case. */
const victim = () => aPerson({ firstName: 'Mia', lastName: 'Timeline', dateOfBirth: '1979-01-02' })

describeEachEngine('CaseService', (engine) => {
  let t: TestContext
  let officer: Actor
  let sergeant: Actor
  let idva: Actor
  /** Incidents of the case: two of the force's, recorded by the response officer, and one of Women's Aid. */
  const ids = { older: '', newer: '', elsewhere: '' }
  /** The victim's row on each. */
  const victims = { older: '', newer: '', elsewhere: '' }
  let police: string
  const userId = async (username: string) =>
    (await t.deps.db.selectFrom('app_user').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id

  before(async () => {
    t = await testContext(engine)
    officer = await t.actor('officer')
    sergeant = await t.actor('sergeant')
    idva = await t.actor('idva')
    police = officer.agencyId
    const record = async (hoursAgo: number, risk: 'medium' | 'high') =>
      (
        await t.services.intake.create(
          officer,
          anIncident({
            risk,
            reportedHoursAgo: hoursAgo,
            people: [victim(), aSuspect({ dateOfBirth: undefined })],
            location: {
              address: '4 Case Road',
              postcode: 'FY1 5AA',
              area: 'Blackpool',
              latitude: 53.82,
              longitude: -3.04,
            },
          }),
          'api',
        )
      ).id
    ids.older = await record(24 * 30, 'medium')
    ids.newer = await record(3, 'high')
    ids.elsewhere = await record(24 * 10, 'high')
    const womensAid = await t.deps.db
      .selectFrom('agency')
      .select('id')
      .where('code', '=', 'third-sector')
      .executeTakeFirstOrThrow()
    await t.deps.db
      .updateTable('incident')
      .set({ owner_agency_id: womensAid.id, created_by: null })
      .where('id', '=', ids.elsewhere)
      .execute()
    for (const k of ['older', 'newer', 'elsewhere'] as const) victims[k] = await victimOn(t.deps.db, ids[k])

    // What happened on the case, oldest first.
    t.clock.set(hoursBefore(24 * 29))
    await t.services.deployment.setSafeContact(sergeant, victims.older, {
      methods: ['text'],
      onlyWhileSuspectInCustody: false,
      windows: [{ weekday: 1, startMinute: 600, endMinute: 720 }],
      notes: 'Never when he is home',
    })
    await t.services.consultations.request(sergeant, ids.older, { question: 'Is a refuge place right for her?' })
    // Recorded later on the other agency's incident: the force's readers do not see it.
    await t.deps.db
      .insertInto('victim_safe_contact')
      .values({
        incident_id: ids.elsewhere,
        person_id: victims.elsewhere,
        person_key: (
          await t.deps.db
            .selectFrom('incident_person')
            .select('person_key')
            .where('id', '=', victims.elsewhere)
            .executeTakeFirstOrThrow()
        ).person_key,
        methods: ['phone'],
        only_while_suspect_in_custody: false,
        windows: '[]',
        notes: 'Recorded by Women’s Aid',
        recorded_at: hoursBefore(24 * 9),
      })
      .execute()
    t.clock.set(hoursBefore(2))
    await t.services.triage.decide(sergeant, ids.newer, { decision: 'attend', reasonCode: 'high_risk' })
    t.clock.set(FIXED_NOW)
    const shift = await aShift(t.deps.db)
    await t.services.deployment.replan(await t.actor('provide-officer'), shift)
    await t.services.engagement.submit(idva, ids.newer, {
      values: {
        mode: 'post_incident',
        contactAt: hoursBefore(1).toISOString(),
        place: 'home',
        idvaPresent: true,
        officerPresent: true,
        supportOffered: ['safety_planning', 'emotional_support'],
        engagedInvestigation: 'yes',
        engagedSafeguarding: 'not_asked',
        engagedSafeguardingReason: 'Suspect arrived',
        previousInvestigation: 'no',
        previousSafeguarding: 'not_known',
        childrenCount: 0,
        consentToShare: 'no',
      },
    })
    await anAction(t.deps.db, {
      incidentId: ids.newer,
      personId: victims.newer,
      kind: 'police_alarm',
      ownerAgencyId: police,
      dueOn: '2026-11-20',
      by: sergeant.userId,
      at: hoursBefore(0.5),
      statuses: ['requested', 'accepted'],
    })
    await anAction(t.deps.db, {
      incidentId: ids.elsewhere,
      personId: victims.elsewhere,
      kind: 'refuge',
      ownerAgencyId: police,
      dueOn: '2026-11-30',
      by: sergeant.userId,
      at: hoursBefore(0.5),
    })
    const team = await t.deps.db
      .selectFrom('team')
      .select('id')
      .where('name', '=', 'Safeguarding: West division')
      .executeTakeFirstOrThrow()
    await aHandover(t.deps.db, {
      incidentId: ids.newer,
      personId: victims.newer,
      teamId: team.id,
      summary: 'Alarm requested; she wants contact by text only',
      by: await userId('provide-officer'),
      at: hoursBefore(0.25),
      acceptedBy: await userId('safeguarding'),
      acceptedAfterMinutes: 10,
    })
  })
  after(() => t.close())

  it('shows the case’s incidents the reader may open, and everything that happened on them, newest first', async () => {
    const c = await t.services.cases.view(sergeant, victims.older)
    assert.equal(c.victim.name, 'Mia Timeline')
    assert.equal(c.victim.dateOfBirthText, '2 Jan 1979')
    assert.equal(c.incidentCount, 2, 'not the other agency’s incident')
    assert.equal(c.incidentsInLastYear, 2)
    assert.deepEqual(c.latestIncident && [c.latestIncident.id, c.latestIncident.riskLevel], [ids.newer, 'high'])
    const times = c.timeline.map((e) => e.at.getTime())
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
      'newest first',
    )
    assert.ok(!c.timeline.some((e) => e.incidentId === ids.elsewhere), 'nothing of the other agency’s incident')
    const titles = c.timeline.map((e) => `${e.kind}: ${e.title}`)
    for (const expected of [
      'handover: Hand-over accepted by Safeguarding: West division',
      'handover: Handed over to Safeguarding: West division',
      'action: Police alarm: accepted',
      'action: Police alarm: requested',
      'contact: Contact: Post-incident visit',
      'visit: Visit planned',
      'decision: Triage decision: Attend (post-incident visit)',
      'safe_contact: Safe-contact details recorded',
      'consultation: Consultation: waiting for an IDVA',
    ])
      assert.ok(titles.includes(expected), `${expected} in ${titles.join(' | ')}`)
    assert.deepEqual(titles.slice(0, 3), [
      'visit: Visit planned',
      'handover: Hand-over accepted by Safeguarding: West division',
      'handover: Handed over to Safeguarding: West division',
    ])
    assert.equal(titles.at(-1), 'incident: Incident ' + c.timeline.at(-1)!.reference + ' reported')
    const contact = c.timeline.find((e) => e.kind === 'contact')!
    assert.deepEqual(contact.lines, [
      'Where: Home',
      'Support offered: Safety planning, Emotional support',
      'Engaged with the investigation: Yes',
      'Engaged with safeguarding advice: Not asked (Suspect arrived)',
      'Consent to share: No',
    ])
    assert.equal(c.safeContact.line, 'Text message only; Mon 10:00–12:00. Never when he is home')
    // The newer details on the other agency's incident are not shown, but their existence is.
    const holder = await t.deps.db
      .selectFrom('agency')
      .select('name')
      .where('code', '=', 'third-sector')
      .executeTakeFirstOrThrow()
    assert.deepEqual(c.safeContact.newerElsewhere, { agency: holder.name, recordedAt: hoursBefore(24 * 9) })
    assert.deepEqual(
      c.openActions.map((a) => [a.kindLabel, a.statusLabel, a.overdue]),
      [['Police alarm', 'Accepted', true]],
      'the refuge action on the other agency’s incident is not listed',
    )
    assert.equal(c.counts.contact, 1)
    assert.equal(c.showsTracker, true)
  })

  it('filters the timeline by kind and counts every kind', async () => {
    const c = await t.services.cases.view(sergeant, victims.newer, { kind: ['action', 'handover'] })
    assert.deepEqual([...new Set(c.timeline.map((e) => e.kind))].sort(), ['action', 'handover'])
    assert.equal(c.counts.decision, 1)
    assert.equal(c.counts.incident, 2)
    const all = await t.services.cases.view(sergeant, victims.newer, { kind: 'not-a-kind' })
    assert.equal(
      all.timeline.length,
      Object.values(all.counts).reduce((a, b) => a + b),
    )
  })

  it('leaves tracker contacts out for readers without tracker:view, and never reads them', async () => {
    const c = await t.services.cases.view(officer, victims.newer)
    assert.equal(c.showsTracker, false)
    assert.ok(!c.timeline.some((e) => e.kind === 'contact'))
    assert.equal(c.counts.contact, 0)
    assert.ok(
      c.timeline.some((e) => e.kind === 'action'),
      'actions on the officer’s own incidents',
    )
  })

  it('refuses readers without case:view or outside the record’s scope', async () => {
    await assert.rejects(t.services.cases.view(await t.actor('analyst'), victims.older), ForbiddenError)
    await assert.rejects(t.services.cases.view(await t.actor('provide-officer'), victims.elsewhere), OutOfScopeError)
    await assert.rejects(t.services.cases.view(officer, victims.elsewhere), OutOfScopeError)
  })

  it('writes one consultation row per incident shown, naming what was shown', async () => {
    const seen = async () =>
      (
        await t.deps.db
          .selectFrom('audit_event')
          .select(['record_id', 'fields', 'details'])
          .where('action', '=', 'consult')
          .where('username', '=', 'sergeant')
          .where('record_type', '=', 'incident')
          .orderBy('seq')
          .execute()
      ).filter((r) => r.details.view === 'case')
    const before = (await seen()).length
    await t.services.cases.view(sergeant, victims.older)
    const rows = (await seen()).slice(before)
    assert.deepEqual(rows.map((r) => r.record_id).sort(), [ids.older, ids.newer].sort())
    const newer = rows.find((r) => r.record_id === ids.newer)!
    assert.ok(
      newer.fields.includes('tracker_contacts') && newer.fields.includes('safeguarding_actions'),
      newer.fields.join(),
    )
    assert.equal(newer.details.victimId, victims.older)
  })

  it('keeps every safe-contact change; the latest the reader may see applies to the whole case', async () => {
    t.clock.set(hoursBefore(-0.1))
    const details = {
      methods: ['professional'],
      onlyWhileSuspectInCustody: true,
      windows: [],
      notes: 'Through her GP, Dr Example',
    }
    // Newer details on the other agency's incident may be stricter: they are replaced only once the
    // recorder confirms they have checked with that agency.
    await assert.rejects(
      t.services.deployment.setSafeContact(officer, victims.newer, details),
      (e: unknown) =>
        e instanceof ValidationError &&
        e.issues[0]!.path === 'replacesNewer' &&
        /^Newer details were recorded by Fylde Coast Women's Aid \(demo\)/.test(e.issues[0]!.message),
    )
    await t.services.deployment.setSafeContact(officer, victims.newer, {
      replacesNewer: true,
      methods: ['professional'],
      onlyWhileSuspectInCustody: true,
      windows: [],
      notes: 'Through her GP, Dr Example',
    })
    t.clock.set(FIXED_NOW)
    // Recorded on the newer incident, read through the older one's victim row: one case.
    const current = await t.services.cases.safeContact(sergeant, victims.older, 'case:view')
    assert.equal(
      current.line,
      'Through a named professional only; only while the suspect is in custody. Through her GP, Dr Example',
    )
    const rows = await t.deps.db
      .selectFrom('victim_safe_contact')
      .select('id')
      .where('person_key', 'is not', null)
      .execute()
    assert.equal(rows.length, 3, 'appended, never replaced')
    const c = await t.services.cases.view(sergeant, victims.older, { kind: 'safe_contact' })
    assert.deepEqual(
      c.timeline.map((e) => e.by),
      ['PC Alex Demo', 'DS Sam Demo'],
    )
    const audit = await t.deps.db
      .selectFrom('audit_event')
      .select(['action', 'record_type', 'fields'])
      .where('record_id', '=', victims.newer)
      .execute()
    assert.deepEqual(
      audit.filter((a) => a.fields.includes('safe_contact')),
      [{ action: 'collect', record_type: 'incident_person', fields: ['safe_contact'] }],
    )
  })

  it('shows each victim on an incident with their details, and refuses bad details', async () => {
    const list = await t.services.cases.safeContactsForIncident(sergeant, ids.older)
    assert.deepEqual(
      list.map((v) => [v.victimId, v.victimName]),
      [[victims.older, 'Mia Timeline']],
    )
    assert.match(list[0]!.safeContact.line, /^Through a named professional only/)
    await assert.rejects(
      t.services.deployment.setSafeContact(sergeant, victims.older, {
        methods: ['trusted_person'],
        onlyWhileSuspectInCustody: false,
        windows: [],
      }),
      (e: unknown) => e instanceof ValidationError && e.issues[0]!.path === 'notes',
    )
    await assert.rejects(
      t.services.deployment.setSafeContact(await t.actor('analyst'), victims.older, {
        onlyWhileSuspectInCustody: false,
        windows: [],
      }),
      ForbiddenError,
    )
    const suspect = await t.deps.db
      .selectFrom('incident_person')
      .select('id')
      .where('incident_id', '=', ids.older)
      .where('role', '=', 'suspect')
      .executeTakeFirstOrThrow()
    await assert.rejects(
      t.services.deployment.setSafeContact(sergeant, suspect.id, { onlyWhileSuspectInCustody: false, windows: [] }),
      /No victim with that id/,
    )
  })
})
