import { after, before, it } from 'node:test'
import assert from 'node:assert/strict'
import { describeEachEngine } from '../test-support/db.ts'
import { testContext, type TestContext } from '../test-support/app.ts'
import { aPerson, aSuspect } from '../test-support/builders.ts'
import { FIXED_NOW } from '../test-support/clock.ts'
import { aTeam, aVictim } from './test-fixtures.ts'
import { insertAgency } from '../auth/repository.ts'
import { insertHandover } from './repository.ts'

describeEachEngine('hand-overs of one person by agencies that share nothing', (engine) => {
  let t: TestContext
  before(async () => {
    t = await testContext(engine)
  })
  after(() => t.close())

  it('neither shows nor is blocked by a hand-over on an incident the joint team cannot open', async () => {
    const sergeant = await t.actor('sergeant')
    const people = () => [aPerson({ firstName: 'Jane', lastName: 'Secret' }), aSuspect()]
    const jane = await aVictim(t, { people: people() })
    const elsewhere = await aVictim(t, { reportedHoursAgo: 48, people: people() })
    // Her earlier incident is another force's, which shares nothing, and is waiting with its own team.
    const north = await insertAgency(t.deps.db, { code: 'north-force', name: 'Northshire Police', kind: 'police' })
    await t.deps.db
      .updateTable('incident')
      .set({ owner_agency_id: north, created_by: null })
      .where('id', '=', elsewhere.incidentId)
      .execute()
    const liaison = await aTeam(t, {
      agencyId: north,
      name: 'Northshire Refuge Liaison',
      areas: ['Blackpool'],
      members: [],
    })
    const row = await t.deps.db
      .selectFrom('incident_person')
      .select(['id', 'incident_id', 'person_key'])
      .where('id', '=', elsewhere.id)
      .executeTakeFirstOrThrow()
    const summary = 'Seen with the IDVA at her sister’s; safety plan made; she wants a call before 10am.'
    await insertHandover(t.deps.db, { victim: row, toTeamId: liaison, summary, by: sergeant.userId, at: FIXED_NOW })
    assert.equal(await t.services.access.permits(sergeant, 'incident:view', 'incident', elsewhere.incidentId), false)

    const form = await t.services.safeguarding.handoverForm(sergeant, jane.id)
    assert.equal(form.waiting, null, 'nothing of the other force’s hand-over is shown')
    const west = form.teams.find((team) => team.name === 'Safeguarding: West division')!
    await t.services.safeguarding.handOver(sergeant, jane.id, { teamId: west.id, summary })
    const waiting = await t.deps.db
      .selectFrom('handover')
      .select('to_team_id')
      .where('accepted_at', 'is', null)
      .execute()
    assert.deepEqual(waiting.map((h) => h.to_team_id).sort(), [liaison, west.id].sort())
  })
})
