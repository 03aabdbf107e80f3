import { randomUUID } from 'node:crypto'
import { after, before, it } from 'node:test'
import assert from 'node:assert/strict'
import { describeEachEngine } from '../test-support/db.ts'
import { testContext, type TestContext } from '../test-support/app.ts'
import { anIncident, aPerson, aSuspect } from '../test-support/builders.ts'
import { FIXED_NOW } from '../test-support/clock.ts'
import { systemActor, type Actor } from '../auth/actor.ts'
import { ConflictError, NotFoundError, OutOfScopeError, ValidationError } from '../common/errors.ts'
import type { TrackerInput } from './tracker.ts'
import { contactAudit, peopleOn } from './test-fixtures.ts'

const values = (o: Partial<TrackerInput> = {}): TrackerInput => ({
  mode: 'post_incident',
  contactAt: new Date(FIXED_NOW.getTime() - 30 * 60_000).toISOString(),
  place: 'home',
  idvaPresent: true,
  officerPresent: true,
  supportOffered: ['safety_planning', 'emotional_support'],
  engagedInvestigation: 'yes',
  engagedSafeguarding: 'no',
  childrenCount: 1,
  childrenNeeds: 'Nursery place',
  consentToShare: 'yes',
  shareWith: ['third_sector'],
  ...o,
})

describeEachEngine('EngagementService', (engine) => {
  let t: TestContext
  let idva: Actor
  let incidentId: string

  before(async () => {
    t = await testContext(engine)
    idva = await t.actor('idva')
    const created = await t.services.intake.create(
      systemActor('test'),
      anIncident({ people: [aPerson({ dateOfBirth: undefined }), aSuspect({ dateOfBirth: undefined })] }),
      'api',
    )
    incidentId = created.id
  })
  after(() => t.close())

  it('keeps a half-filled form as a draft, then submits it with every field in its column', async () => {
    const draftId = await t.services.engagement.saveDraft(idva, incidentId, {
      values: { mode: 'post_incident', supportOffered: ['safety_planning'] },
    })
    await t.services.engagement.saveDraft(idva, incidentId, {
      draftId,
      values: { mode: 'post_incident', supportOffered: ['safety_planning'], place: 'home' },
    })
    let mine = await t.services.engagement.forIncident(idva, incidentId)
    assert.deepEqual(
      mine.drafts.map((d) => d.draft),
      [{ mode: 'post_incident', supportOffered: ['safety_planning'], place: 'home' }],
    )
    const id = await t.services.engagement.submit(idva, incidentId, { draftId, values: values() })
    assert.equal(id, draftId)
    mine = await t.services.engagement.forIncident(idva, incidentId)
    assert.equal(mine.drafts.length, 0)
    const [row] = mine.submitted
    assert.equal(row?.engaged_investigation, 'yes')
    assert.deepEqual(row?.support_offered, ['safety_planning', 'emotional_support'])
    assert.deepEqual(row?.share_with, ['third_sector'])
    await assert.rejects(t.services.engagement.submit(idva, incidentId, { draftId, values: values() }), ConflictError)
    const audit = await contactAudit(t.deps.db, id)
    assert.deepEqual(
      audit.map((a) => a.action),
      ['collect', 'collect'],
    )
    assert.ok(audit[1]!.fields.includes('engagedInvestigation'))
  })

  it('refuses a bad submission field by field and saves nothing', async () => {
    const before = await t.deps.db.selectFrom('tracker_contact').select('id').execute()
    await assert.rejects(
      t.services.engagement.submit(idva, incidentId, {
        values: values({ engagedInvestigation: 'not_asked', consentToShare: 'yes', shareWith: [] }),
      }),
      (e: unknown) =>
        e instanceof ValidationError &&
        e.issues.map((i) => i.path).join() === 'values.engagedInvestigationReason,values.shareWith',
    )
    // A missing answer does not hide the rules between the other fields: every problem at once.
    await assert.rejects(
      t.services.engagement.submit(idva, incidentId, {
        values: values({
          engagedSafeguarding: undefined,
          supportOffered: ['other'],
          consentToShare: 'yes',
          shareWith: [],
        }),
      }),
      (e: unknown) =>
        e instanceof ValidationError &&
        e.issues.map((i) => i.path).join() === 'values.supportNotes,values.engagedSafeguarding,values.shareWith',
    )
    await assert.rejects(
      t.services.engagement.saveDraft(idva, incidentId, { values: { colour: 'blue' } }),
      ValidationError,
    )
    assert.equal((await t.deps.db.selectFrom('tracker_contact').select('id').execute()).length, before.length)
  })

  it('links a contact to the consultation it came from, only one of the incident’s', async () => {
    const sergeant = await t.actor('sergeant')
    const consultationId = await t.services.consultations.request(sergeant, incidentId, {
      question: 'Can the IDVA call the victim tonight?',
    })
    const draftId = await t.services.engagement.saveDraft(idva, incidentId, { consultationId, values: {} })
    const id = await t.services.engagement.submit(idva, incidentId, {
      consultationId,
      values: values({ mode: 'consultation', idvaPresent: false }),
    })
    const linked = await t.deps.db
      .selectFrom('tracker_contact')
      .select(['id', 'consultation_id', 'status'])
      .where('id', 'in', [draftId, id])
      .orderBy('status')
      .execute()
    assert.deepEqual(
      linked.map((r) => [r.status, r.consultation_id]),
      [
        ['draft', consultationId],
        ['submitted', consultationId],
      ],
    )
    await t.deps.db.deleteFrom('tracker_contact').where('id', '=', draftId).execute()

    const elsewhere = await t.services.intake.create(
      systemActor('test'),
      anIncident({ people: [aPerson({ dateOfBirth: undefined }), aSuspect({ dateOfBirth: undefined })] }),
      'api',
    )
    const notThisOne = await t.services.consultations.request(sergeant, elsewhere.id, { question: 'Another incident?' })
    const before = await t.deps.db.selectFrom('tracker_contact').select('id').execute()
    const refused = (e: unknown) =>
      e instanceof ValidationError &&
      e.issues[0]?.path === 'consultationId' &&
      /not one of this incident/.test(e.issues[0].message)
    await assert.rejects(
      t.services.engagement.saveDraft(idva, incidentId, { consultationId: notThisOne, values: {} }),
      refused,
    )
    await assert.rejects(
      t.services.engagement.submit(idva, incidentId, { consultationId: notThisOne, values: values() }),
      refused,
    )
    assert.equal((await t.deps.db.selectFrom('tracker_contact').select('id').execute()).length, before.length)
  })

  it('keeps drafts to their author and the tracker to the IDVA', async () => {
    const draftId = await t.services.engagement.saveDraft(idva, incidentId, { values: { place: 'gp' } })
    const other = await t.services.auth.createUser(systemActor('test'), {
      username: 'idva-three',
      displayName: 'Third IDVA',
      agencyCode: 'nhs',
      password: null,
      roles: ['health_idva'],
    })
    assert.ok(other)
    const third = await t.actor('idva-three')
    await assert.rejects(
      t.services.engagement.saveDraft(third, incidentId, { draftId, values: { place: 'home' } }),
      NotFoundError,
    )
    assert.equal((await t.services.engagement.forIncident(third, incidentId)).drafts.length, 0)
    await assert.rejects(
      t.services.engagement.saveDraft(await t.actor('sergeant'), incidentId, { values: {} }),
      OutOfScopeError,
    )
  })
})

describeEachEngine('EngagementService, an incident with two victims', (engine) => {
  let t: TestContext
  let idva: Actor
  let incidentId: string
  const people = { mother: '', daughter: '', suspect: '' }

  before(async () => {
    t = await testContext(engine)
    idva = await t.actor('idva')
    const mother = aPerson({ firstName: 'Maria', lastName: 'Twovictims', dateOfBirth: '1971-03-04' })
    // The mother was a victim two months ago; her adult daughter was not.
    await t.services.intake.create(
      systemActor('test'),
      anIncident({ reportedHoursAgo: 24 * 60, people: [mother, aSuspect()] }),
      'api',
    )
    const created = await t.services.intake.create(
      systemActor('test'),
      anIncident({
        people: [mother, aPerson({ firstName: 'Rosa', lastName: 'Twovictims', dateOfBirth: '2001-06-07' }), aSuspect()],
      }),
      'api',
    )
    incidentId = created.id
    const rows = await peopleOn(t.deps.db, incidentId)
    const idOf = (name: string) => rows.find((r) => r.first_name === name)!.id
    Object.assign(people, { mother: idOf('Maria'), daughter: idOf('Rosa'), suspect: idOf('John') })
  })
  after(() => t.close())

  const rowOf = (id: string) =>
    t.deps.db.selectFrom('tracker_contact').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
  const paths = (e: unknown) => (e instanceof ValidationError ? e.issues.map((i) => i.path).join() : String(e))

  it('records the contact with the victim named, not the first one', async () => {
    const id = await t.services.engagement.submit(idva, incidentId, { personId: people.daughter, values: values() })
    assert.equal((await rowOf(id)).person_id, people.daughter)
  })

  it('asks whom the contact was with, with every other problem, and refuses anyone not a victim here', async () => {
    const before = await t.deps.db.selectFrom('tracker_contact').select('id').execute()
    await assert.rejects(
      t.services.engagement.submit(idva, incidentId, { values: values({ consentToShare: undefined }) }),
      (e: unknown) => paths(e) === 'personId,values.consentToShare',
    )
    await assert.rejects(t.services.engagement.saveDraft(idva, incidentId, { values: {} }), (e: unknown) => {
      assert.ok(e instanceof ValidationError)
      assert.deepEqual(e.issues, [{ path: 'personId', message: 'Choose who the contact was with' }])
      return true
    })
    const notAVictim = [{ path: 'personId', message: 'That person is not a victim on this incident' }]
    for (const personId of [people.suspect, randomUUID()])
      await assert.rejects(
        t.services.engagement.saveDraft(idva, incidentId, { personId, values: {} }),
        (e: unknown) => e instanceof ValidationError && JSON.stringify(e.issues) === JSON.stringify(notAVictim),
      )
    assert.equal((await t.deps.db.selectFrom('tracker_contact').select('id').execute()).length, before.length)
    await assert.rejects(t.services.engagement.form(idva, incidentId, { personId: people.suspect }), NotFoundError)
  })

  it('asks the previous-engagement questions of the victim who is a repeat victim only', async () => {
    const asked = { previousInvestigation: 'no', previousSafeguarding: 'not_known' } as const
    const chooser = await t.services.engagement.form(idva, incidentId, {})
    assert.equal(chooser.victim, null)
    assert.deepEqual(
      chooser.victims.map((v) => [v.name, v.repeat]),
      [
        ['Maria Twovictims', true],
        ['Rosa Twovictims', false],
      ],
    )
    assert.deepEqual(chooser.repeatVictims, ['Maria Twovictims'])
    const mother = await t.services.engagement.form(idva, incidentId, { personId: people.mother })
    assert.deepEqual([mother.victim?.id, mother.repeatVictims], [people.mother, ['Maria Twovictims']])
    const daughter = await t.services.engagement.form(idva, incidentId, { personId: people.daughter })
    assert.deepEqual([daughter.victim?.id, daughter.repeatVictims], [people.daughter, []])

    await assert.rejects(
      t.services.engagement.submit(idva, incidentId, { personId: people.daughter, values: values(asked) }),
      (e: unknown) => paths(e) === 'values.previousInvestigation,values.previousSafeguarding',
    )
    await assert.rejects(
      t.services.engagement.submit(idva, incidentId, { personId: people.mother, values: values() }),
      (e: unknown) => paths(e) === 'values.previousInvestigation,values.previousSafeguarding',
    )
    const id = await t.services.engagement.submit(idva, incidentId, { personId: people.mother, values: values(asked) })
    assert.equal((await rowOf(id)).previous_investigation, 'no')
  })

  it('keeps a draft’s victim until the IDVA chooses someone else, and audits the choice', async () => {
    const draftId = await t.services.engagement.saveDraft(idva, incidentId, { personId: people.mother, values: {} })
    await t.services.engagement.saveDraft(idva, incidentId, { draftId, values: { place: 'home' } })
    assert.equal((await rowOf(draftId)).person_id, people.mother)
    await t.services.engagement.saveDraft(idva, incidentId, { draftId, personId: people.daughter, values: {} })
    assert.equal((await rowOf(draftId)).person_id, people.daughter)
    assert.equal((await t.services.engagement.form(idva, incidentId, { draftId })).victim?.id, people.daughter)
    const audited = await contactAudit(t.deps.db, draftId)
    assert.deepEqual(
      audited.map((a) => a.record_id),
      [people.mother, people.daughter],
    )
    await assert.rejects(
      t.services.engagement.saveDraft(idva, incidentId, { draftId, personId: people.suspect, values: {} }),
      ValidationError,
    )
    const id = await t.services.engagement.submit(idva, incidentId, {
      draftId,
      personId: people.mother,
      values: values({ previousInvestigation: 'yes', previousSafeguarding: 'yes' }),
    })
    assert.equal((await rowOf(id)).person_id, people.mother)
  })

  it('submits a draft once when two submissions of it race, and saves nothing into it afterwards', async () => {
    const draftId = await t.services.engagement.saveDraft(idva, incidentId, { personId: people.daughter, values: {} })
    const submit = () => t.services.engagement.submit(idva, incidentId, { draftId, values: values() })
    const results = await Promise.allSettled([submit(), submit()])
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected'])
    const refused = results.find((r) => r.status === 'rejected')!
    assert.ok(refused.reason instanceof ConflictError, String(refused.reason))
    const row = await rowOf(draftId)
    assert.equal(row.status, 'submitted')
    await assert.rejects(
      t.services.engagement.saveDraft(idva, incidentId, { draftId, values: { place: 'gp' } }),
      ConflictError,
    )
    assert.equal((await rowOf(draftId)).place, row.place)
  })

  it('records a form posted twice (at once, and again later) as one contact', async () => {
    const submissionId = randomUUID()
    const posted = {
      personId: people.daughter,
      draftId: null,
      visitId: null,
      consultationId: null,
      submissionId,
      entries: {
        mode: 'post_incident',
        contactAt: ['23', '11', '2026', '07:00'],
        place: 'home',
        idvaPresent: 'yes',
        officerPresent: 'no',
        supportOffered: ['safety_planning'],
        engagedInvestigation: 'yes',
        engagedSafeguarding: 'yes',
        childrenCount: '0',
        consentToShare: 'no',
      },
    }
    const both = await Promise.all([
      t.services.engagement.submitEntries(idva, incidentId, posted),
      t.services.engagement.submitEntries(idva, incidentId, posted),
    ])
    const ids = both.map((r) => (r.ok ? r.id : 'refused'))
    assert.equal(ids[0], ids[1])
    assert.deepEqual(both.map((r) => r.ok && r.already).sort(), [false, true])
    const again = await t.services.engagement.submitEntries(idva, incidentId, posted)
    assert.deepEqual(again.ok && [again.id, again.already], [ids[0], true])
    const rows = await t.deps.db
      .selectFrom('tracker_contact')
      .select(['id', 'status', 'person_id'])
      .where('submission_id', '=', submissionId)
      .execute()
    assert.deepEqual(rows, [{ id: ids[0], status: 'submitted', person_id: people.daughter }])
    // Not another author's, nor on another incident.
    await assert.rejects(
      t.services.engagement.submitEntries(await t.actor('idva-2'), incidentId, posted),
      ConflictError,
    )
  })
})
