import { after, before, it } from 'node:test'
import assert from 'node:assert/strict'
import { describeEachEngine } from '../test-support/db.ts'
import { testContext, type TestContext } from '../test-support/app.ts'
import { writeDemoIncidents } from './seed.ts'
import { seedDemoDeployment } from './deployment.ts'
import { seedDemoVictimRecord } from './victim-record.ts'

describeEachEngine('demo victim record', (engine) => {
  let t: TestContext
  before(async () => {
    t = await testContext(engine)
    await writeDemoIncidents(t.deps.db, t.clock, t.services.intake, { incidents: 400, seed: 1 })
    await seedDemoDeployment(t.deps.db, t.clock, t.services.triage)
    await seedDemoVictimRecord(t.deps.db, t.clock, t.services)
  })
  after(() => t.close())

  it('gives the demo a victim with a contact, actions, a hand-over waiting and NHS appointments', async () => {
    const count = async (table: 'tracker_contact' | 'safeguarding_action' | 'handover' | 'nhs_appointment') =>
      Number(
        (
          await t.deps.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )
    assert.equal(await count('tracker_contact'), 1)
    assert.ok((await count('safeguarding_action')) >= 2)
    assert.equal(await count('handover'), 1)
    assert.ok((await count('nhs_appointment')) >= 1)
    const safeguarding = await t.actor('safeguarding')
    const list = await t.services.safeguarding.worklist(safeguarding, { list: 'team', closed: false })
    assert.ok(list.items.length >= 2)
    assert.equal(list.handovers.length, 1)
  })
})
