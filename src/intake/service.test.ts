import { after, before, it } from 'node:test'
import assert from 'node:assert/strict'
import { describeEachEngine } from '../test-support/db.ts'
import { testContext, type TestContext } from '../test-support/app.ts'
import { anIncident, aPerson, aSuspect } from '../test-support/builders.ts'
import { systemActor } from '../auth/actor.ts'
import { ConflictError, ValidationError } from '../common/errors.ts'

describeEachEngine('IntakeService', (engine) => {
  let t: TestContext
  const actor = systemActor('test')
  before(async () => {
    t = await testContext(engine)
  })
  after(() => t.close())

  it('records an incident with its people, custody and an audit row', async () => {
    const input = anIncident({
      risk: 'high',
      people: [
        aPerson(),
        aSuspect({ custody: { arrestedAt: '2026-11-23T05:00:00Z', expectedReleaseAt: '2026-11-23T17:00:00Z' } }),
      ],
    })
    const { id } = await t.services.intake.create(actor, input, 'api')
    const stored = await t.services.intake.getIncident(await t.actor('sergeant'), id)
    assert.equal(stored.incident.force_reference, input.forceReference)
    assert.equal(stored.incident.risk_level, 'high')
    assert.deepEqual(
      stored.people.map((p) => p.role),
      ['victim', 'suspect'],
    )
    assert.equal(stored.custody.length, 1)
    const audit = await t.deps.db.selectFrom('audit_event').selectAll().where('record_id', '=', id).execute()
    assert.deepEqual(
      audit.map((a) => a.action),
      ['collect', 'consult'],
    )
  })

  it('refuses a second incident with the same force reference and saves nothing', async () => {
    const input = anIncident()
    await t.services.intake.create(actor, input, 'api')
    const before = await t.deps.db
      .selectFrom('audit_event')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    await assert.rejects(t.services.intake.create(actor, { ...input, summary: 'again' }, 'api'), ConflictError)
    const afterCount = await t.deps.db
      .selectFrom('audit_event')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    assert.equal(Number(afterCount.n), Number(before.n))
  })

  it('explains every invalid field', async () => {
    const input = anIncident({ location: { address: '1 Road', postcode: 'FY1 1AA', area: 'Atlantis' } })
    await assert.rejects(
      t.services.intake.create(actor, { ...input, reportedAt: '2030-01-01T00:00:00Z' }, 'api'),
      (e) => {
        assert.ok(e instanceof ValidationError)
        const paths = e.issues.map((i) => i.path)
        assert.ok(paths.includes('location.area'), paths.join())
        assert.ok(paths.includes('reportedAt'), paths.join())
        return true
      },
    )
  })

  it('counts earlier incidents with the same people and at the same address', async () => {
    const location = { address: '7 Repeat Road', postcode: 'FY2 0AA', area: 'Blackpool' }
    const victim = aPerson({ firstName: 'Rita', lastName: 'Repeat', dateOfBirth: '1985-01-01' })
    await t.services.intake.create(actor, anIncident({ location, people: [victim], reportedHoursAgo: 24 * 60 }), 'api')
    await t.services.intake.create(actor, anIncident({ location, people: [victim], reportedHoursAgo: 24 * 30 }), 'api')
    await t.services.intake.create(actor, anIncident({ location, people: [victim], reportedHoursAgo: 24 * 400 }), 'api')
    const { id } = await t.services.intake.create(actor, anIncident({ location, people: [victim] }), 'api')
    const stored = await t.services.intake.getIncident(await t.actor('sergeant'), id)
    assert.equal(stored.incident.prior_same_people_12m, 2)
    assert.equal(stored.incident.prior_same_address_12m, 2)
  })

  it('does not count a namesake without a date of birth as the same person', async () => {
    const noDob = aPerson({ firstName: 'Nora', lastName: 'Nodob', dateOfBirth: undefined })
    await t.services.intake.create(actor, anIncident({ people: [noDob], reportedHoursAgo: 48 }), 'api')
    const { id } = await t.services.intake.create(actor, anIncident({ people: [noDob] }), 'api')
    assert.equal((await t.services.intake.getIncident(await t.actor('sergeant'), id)).incident.prior_same_people_12m, 0)
  })
})
