import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { describeEachEngine } from '../test-support/db.ts'
import { testApp, type TestApp } from '../test-support/app.ts'
import { anIncident, aPerson, aSuspect } from '../test-support/builders.ts'
import { insertAgency } from '../auth/repository.ts'
import { systemActor } from '../auth/actor.ts'
import { OutOfScopeError, ValidationError } from '../common/errors.ts'
import { FIXED_NOW, hoursAfter } from '../test-support/clock.ts'

const NHS = '9434765919'
const NOTE = 'Insulin-dependent diabetic'
const ADDRESS = '14 Hidden Lane'

describeEachEngine('access control', (engine) => {
  let t: TestApp
  let id: string
  let personId: string
  let otherId: string

  before(async () => {
    t = await testApp(engine)
    const input = anIncident({
      forceReference: 'ACCESS-0001',
      healthNeeds: true,
      healthNeedsNotes: NOTE,
      location: { address: ADDRESS, postcode: 'FY1 1AA', area: 'Lancaster' },
      people: [aPerson({ nhsNumber: NHS, address: ADDRESS, postcode: 'FY1 1AA', phone: '07700900999' }), aSuspect()],
    })
    id = (await t.services.intake.create(await t.actor('sergeant'), input, 'api')).id
    personId = (
      await t.deps.db
        .selectFrom('incident_person')
        .select('id')
        .where('incident_id', '=', id)
        .where('role', '=', 'victim')
        .executeTakeFirstOrThrow()
    ).id
    await insertAgency(t.deps.db, { code: 'other-force', name: 'Another force', kind: 'police' })
    await t.services.auth.createUser(systemActor('test'), {
      username: 'elsewhere',
      displayName: 'DS Elsewhere',
      agencyCode: 'other-force',
      password: null,
      roles: ['detective_sergeant'],
    })
    otherId = (await t.services.intake.create(await t.actor('elsewhere'), anIncident(), 'api')).id
  })
  after(() => t.close())

  describe('health data', () => {
    it('is searchable by NHS number only for health roles', async () => {
      const idva = await t.services.intake.search(await t.actor('idva'), { q: NHS })
      const sergeant = await t.services.intake.search(await t.actor('sergeant'), { q: NHS })
      assert.deepEqual(
        idva.rows.map((r) => r.id),
        [id],
      )
      assert.equal(sergeant.total, 0)
    })

    it('never appears in the CSV export, the search API or the incident API for a sergeant', async () => {
      const token = await t.bearer('sergeant')
      const session = await t.signIn('sergeant')
      const responses = await Promise.all([
        t.app.inject({ url: '/triage/queue.csv', headers: { cookie: session.cookie } }),
        t.app.inject({ url: '/api/v1/incidents?q=ACCESS', headers: { authorization: `Bearer ${token}` } }),
        t.app.inject({ url: `/api/v1/incidents/${id}`, headers: { authorization: `Bearer ${token}` } }),
        t.app.inject({ url: `/triage/incidents/${id}`, headers: { cookie: session.cookie } }),
      ])
      for (const res of responses) {
        assert.equal(res.statusCode, 200, res.body)
        assert.ok(!res.body.includes(NHS) && !res.body.includes(NOTE), res.body.slice(0, 300))
      }
      assert.ok(responses[0]!.body.includes('ACCESS-0001'), 'the export lists the incident')
    })

    it('is in the health panel for an IDVA', async () => {
      const session = await t.signIn('idva')
      const res = await t.app.inject({ url: `/triage/incidents/${id}`, headers: { cookie: session.cookie } })
      assert.ok(res.body.includes('data-testid="health-panel"') && res.body.includes(NHS) && res.body.includes(NOTE))
    })
  })

  describe('masked fields', () => {
    it('hides the address until revealed with a reason, and logs the reason', async () => {
      const sergeant = await t.actor('sergeant')
      const plain = await t.services.intake.getIncident(sergeant, id)
      assert.equal(plain.people[0]!.address, null)
      assert.deepEqual(plain.people[0]!.masked, ['address', 'phone'])
      assert.equal(plain.incident.address, null)
      await assert.rejects(
        t.services.intake.getIncident(sergeant, id, { personId, field: 'address', reason: '' }),
        ValidationError,
      )
      const shown = await t.services.intake.getIncident(sergeant, id, {
        personId,
        field: 'address',
        reason: 'Planning the visit with the IDVA',
      })
      assert.equal(shown.people[0]!.address, ADDRESS)
      assert.equal(shown.people[0]!.phone, null, 'only the field asked for')
      const [row] = await t.deps.db
        .selectFrom('audit_event')
        .selectAll()
        .where('record_type', '=', 'incident_person')
        .where('record_id', '=', personId)
        .execute()
      assert.equal(row!.justification, 'Planning the visit with the IDVA')
      assert.deepEqual(row!.fields, ['address', 'postcode'])
      assert.ok(!JSON.stringify(row).includes(ADDRESS), 'the audit row holds no value')
    })
  })

  describe('break-glass', () => {
    it('opens a record of another agency for an hour, with a reason, and no longer', async () => {
      const sergeant = await t.actor('sergeant')
      await assert.rejects(t.services.intake.getIncident(sergeant, otherId), (e: unknown) => {
        return e instanceof OutOfScopeError && e.breakGlass
      })
      await assert.rejects(
        t.services.access.breakGlass(sergeant, 'incident:view', 'incident', otherId, { reason: 'short' }),
        ValidationError,
      )
      const grant = await t.services.access.breakGlass(sergeant, 'incident:view', 'incident', otherId, {
        reason: 'Victim called 999; the suspect is at the address now',
      })
      const opened = await t.services.intake.getIncident(sergeant, otherId)
      assert.equal(opened.viaBreakGlass, true)
      const row = await t.deps.db
        .selectFrom('audit_event')
        .select(['justification', 'details'])
        .where('record_id', '=', otherId)
        .where('justification', 'is not', null)
        .executeTakeFirstOrThrow()
      assert.equal((row.details as { breakGlassGrantId: string }).breakGlassGrantId, grant.grantId)
      t.clock.set(hoursAfter(1.01))
      try {
        await assert.rejects(t.services.intake.getIncident(sergeant, otherId), OutOfScopeError)
      } finally {
        t.clock.set(FIXED_NOW)
      }
    })

    it('is not offered for deciding, nor to a role that cannot open incidents', async () => {
      const sergeant = await t.actor('sergeant')
      await assert.rejects(
        t.services.triage.decide(sergeant, otherId, { decision: 'attend', reasonCode: 'high_risk' }),
        (e: unknown) => e instanceof OutOfScopeError && !e.breakGlass,
      )
      await assert.rejects(
        t.services.access.breakGlass(await t.actor('analyst'), 'incident:view', 'incident', otherId, {
          reason: 'I would like to see it please',
        }),
        (e: unknown) => e instanceof OutOfScopeError && !e.breakGlass,
      )
    })
  })
})
