import { after, before, it } from 'node:test'
import assert from 'node:assert/strict'
import { describeEachEngine } from '../test-support/db.ts'
import { testContext, type TestContext } from '../test-support/app.ts'
import { anIncident, aPerson, aSuspect } from '../test-support/builders.ts'
import { FIXED_NOW } from '../test-support/clock.ts'
import { aShift } from '../test-support/deployment.ts'
import { insertAgency } from '../auth/repository.ts'
import { systemActor } from '../auth/actor.ts'
import { victimOn } from '../cases/test-data.ts'
import { ValidationError } from '../common/errors.ts'

describeEachEngine('safe-contact details the shift’s team cannot see', (engine) => {
  let t: TestContext
  before(async () => {
    t = await testContext(engine)
  })
  after(() => t.close())

  it('keeps the victim safe by details another agency recorded on an incident the team cannot open', async () => {
    const system = systemActor('test')
    const people = () => [
      aPerson({ firstName: 'Rhea', lastName: 'Scopewell', dateOfBirth: '1985-03-04' }),
      aSuspect({ dateOfBirth: undefined }),
    ]
    const earlier = await t.services.intake.create(
      system,
      anIncident({ people: people(), reportedHoursAgo: 24 * 40 }),
      'api',
    )
    const { id: today } = await t.services.intake.create(
      system,
      anIncident({
        people: people(),
        risk: 'high',
        location: {
          address: '1 Plan Street',
          postcode: 'FY1 1AA',
          area: 'Blackpool',
          latitude: 53.82,
          longitude: -3.04,
        },
      }),
      'api',
    )
    await t.services.triage.decide(await t.actor('sergeant'), today, { decision: 'attend', reasonCode: 'high_risk' })
    // The earlier incident is another force's, shared with nobody; it says: only while he is in custody.
    const other = await insertAgency(t.deps.db, { code: 'other-force', name: 'Other Constabulary', kind: 'police' })
    await t.deps.db.updateTable('incident').set({ owner_agency_id: other }).where('id', '=', earlier.id).execute()
    const victimId = await victimOn(t.deps.db, earlier.id)
    const { person_key } = await t.deps.db
      .selectFrom('incident_person')
      .select('person_key')
      .where('id', '=', victimId)
      .executeTakeFirstOrThrow()
    await t.deps.db
      .insertInto('victim_safe_contact')
      .values({
        incident_id: earlier.id,
        person_id: victimId,
        person_key,
        methods: ['text'],
        only_while_suspect_in_custody: true,
        windows: '[]',
        notes: 'Never when he is home',
        recorded_at: FIXED_NOW,
      })
      .execute()

    const officer = await t.actor('provide-officer')
    const shift = await aShift(t.deps.db)
    await t.services.deployment.replan(officer, shift)
    const plan = await t.services.deployment.view(officer, shift)
    assert.equal(
      plan.planned.find((v) => v.incidentId === today),
      undefined,
      'no visit while the suspect is free',
    )
    // The team is told newer details exist and whose they are, not what they say.
    const [shown] = await t.services.cases.safeContactsForIncident(officer, today)
    assert.equal(shown!.safeContact.line, 'Not recorded')
    assert.equal(shown!.safeContact.newerElsewhere?.agency, 'Other Constabulary')
    await assert.rejects(
      t.services.deployment.setSafeContact(officer, await victimOn(t.deps.db, today), {
        methods: ['phone'],
        onlyWhileSuspectInCustody: false,
        windows: [],
      }),
      (e: unknown) =>
        e instanceof ValidationError && /^Newer details were recorded by Other Constabulary/.test(e.issues[0]!.message),
    )
  })
})
