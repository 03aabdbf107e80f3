import { sql } from 'kysely'
import { after, before, it } from 'node:test'
import assert from 'node:assert/strict'
import { describeEachEngine } from '../test-support/db.ts'
import { testContext, type TestContext } from '../test-support/app.ts'
import { anIncident, aPerson, aSuspect } from '../test-support/builders.ts'
import { FIXED_NOW } from '../test-support/clock.ts'
import { systemActor, type Actor } from '../auth/actor.ts'
import { ConflictError, NotFoundError, OutOfScopeError, ValidationError } from '../common/errors.ts'
import type { TrackerInput } from './tracker.ts'

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
    const audit = await t.deps.db
      .selectFrom('audit_event')
      .select(['action', 'fields'])
      .where('record_type', '=', 'incident_person')
      .where(sql`details->>'contactId'`, '=', id)
      .orderBy('seq')
      .execute()
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
        e instanceof ValidationError && e.issues.map((i) => i.path).join() === 'engagedInvestigationReason,shareWith',
    )
    await assert.rejects(
      t.services.engagement.saveDraft(idva, incidentId, { values: { colour: 'blue' } }),
      ValidationError,
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
