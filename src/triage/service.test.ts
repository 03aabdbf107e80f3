import { after, before, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { describeEachEngine } from '../test-support/db.ts'
import { testContext, type TestContext } from '../test-support/app.ts'
import { anIncident, aPerson, aSuspect, inCustody } from '../test-support/builders.ts'
import { FIXED_NOW, hoursBefore } from '../test-support/clock.ts'
import { systemActor, type Actor } from '../auth/actor.ts'
import { NotFoundError, ValidationError } from '../common/errors.ts'
import { writeSetting } from '../settings/settings.ts'
import { DEFAULT_PRIORITY_WEIGHTS } from './rules.ts'
import type { PersonInput } from '../intake/incident-schema.ts'
import { queueQuerySchema, type QueueQuery } from './service.ts'

const MINUTE_MS = 60_000

/** A victim and suspect without dates of birth: no identity key, so no incident counts as a repeat of another. */
function strangers(suspect: Partial<PersonInput> = {}): PersonInput[] {
  return [aPerson({ dateOfBirth: undefined }), aSuspect({ dateOfBirth: undefined, ...suspect })]
}

const query = (q: Partial<QueueQuery> = {}): QueueQuery => queueQuerySchema.parse(q)

describeEachEngine('TriageService', (engine) => {
  let t: TestContext
  let sergeant: Actor
  const system = systemActor('test')

  async function add(o: Parameters<typeof anIncident>[0] = {}): Promise<string> {
    return (await t.services.intake.create(system, anIncident({ people: strangers(), ...o }), 'api')).id
  }

  async function auditRows(action: string, recordType: string) {
    return t.deps.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', action)
      .where('record_type', '=', recordType)
      .orderBy('id')
      .execute()
  }

  before(async () => {
    t = await testContext(engine)
    const token = await t.services.auth.signIn('sergeant', 'provide-demo', null)
    sergeant = (await t.services.auth.resolveSession(token!, null))!.actor
  })
  after(() => t.close())
  // Each test sees only its own incidents and the default settings.
  beforeEach(async () => {
    t.clock.set(FIXED_NOW)
    await t.deps.db.deleteFrom('incident').execute()
    await t.deps.db.deleteFrom('setting').execute()
  })

  describe('queue window', () => {
    it('holds incidents reported in the last 24 hours by default', async () => {
      const inside = await add({ reportedHoursAgo: 23 })
      await add({ reportedHoursAgo: 25 })
      const q = await t.services.triage.queue(sergeant, query())
      assert.equal(q.window.hours, 24)
      assert.deepEqual(
        q.items.map((i) => i.id),
        [inside],
      )
      assert.equal(q.total, 1)
    })

    it('follows the triage.windowHours setting', async () => {
      const ids = [await add({ reportedHoursAgo: 23 }), await add({ reportedHoursAgo: 25 })]
      await add({ reportedHoursAgo: 49 })
      await writeSetting(t.deps.db, 'triage.windowHours', 48)
      const q = await t.services.triage.queue(sergeant, query())
      assert.equal(q.window.hours, 48)
      assert.deepEqual(q.items.map((i) => i.id).sort(), ids.sort())
    })

    it('starts the window at the same UK wall-clock time the day before', async () => {
      const { start, end } = await t.services.triage.window()
      assert.equal(end.toISOString(), FIXED_NOW.toISOString())
      assert.equal(start.toISOString(), hoursBefore(24).toISOString()) // no clock change that night
    })
  })

  describe('eligibility and priority', () => {
    const cases: {
      name: string
      incident: Parameters<typeof anIncident>[0]
      eligible: boolean
      reason: string
    }[] = [
      { name: 'high risk', incident: { risk: 'high' }, eligible: true, reason: 'high_risk' },
      {
        name: 'standard risk, no factors',
        incident: { risk: 'standard' },
        eligible: false,
        reason: 'low_risk_no_factors',
      },
      { name: 'medium risk, no factors', incident: { risk: 'medium' }, eligible: false, reason: 'low_risk_no_factors' },
      {
        name: 'medium risk with health needs',
        incident: { risk: 'medium', healthNeeds: true },
        eligible: true,
        reason: 'health_needs',
      },
      {
        name: 'standard risk with additional vulnerabilities',
        incident: { risk: 'standard', additionalVulnerabilities: true },
        eligible: true,
        reason: 'additional_vulnerabilities',
      },
    ]
    for (const c of cases) {
      it(`${c.name}: ${c.eligible ? 'eligible' : 'not eligible'} because ${c.reason}`, async () => {
        const id = await add(c.incident)
        const [item] = (await t.services.triage.queue(sergeant, query())).items
        assert.equal(item?.id, id)
        assert.equal(item.eligibility.eligible, c.eligible)
        assert.ok(
          item.eligibility.reasons.some((r) => r.code === c.reason),
          item.eligibility.reasons.map((r) => r.code).join(),
        )
        assert.ok(item.eligibility.reasons.every((r) => r.text.length > 0))
      })
    }

    it('counts a victim seen before (same name and date of birth) as a repeat: higher priority, eligible', async () => {
      const victim = aPerson({ firstName: 'Rhea', lastName: 'Peat', dateOfBirth: '1991-03-04' })
      await add({ reportedHoursAgo: 24 * 40, people: [victim, aSuspect({ dateOfBirth: undefined })] })
      const repeat = await add({ people: [victim, aSuspect({ dateOfBirth: undefined })] })
      const firstTime = await add()
      const items = (await t.services.triage.queue(sergeant, query())).items
      const byId = new Map(items.map((i) => [i.id, i]))
      const r = byId.get(repeat)!
      const f = byId.get(firstTime)!
      assert.equal(r.eligibility.eligible, true)
      assert.ok(r.eligibility.reasons.some((x) => x.code === 'repeat_victimisation'))
      assert.equal(f.eligibility.eligible, false)
      assert.deepEqual(
        r.priority.parts.find((p) => p.code === 'repeat_victimisation'),
        { code: 'repeat_victimisation', label: '1 earlier incident with the same people', points: 5 },
      )
      assert.equal(r.priority.total, f.priority.total + 5)
      assert.deepEqual(
        items.map((i) => i.id),
        [repeat, firstTime],
      )
    })

    it('shows a suspect in custody, with the time left and the points it earns', async () => {
      const id = await add({ people: strangers({ custody: inCustody(2, 3) }) })
      const free = await add()
      const items = (await t.services.triage.queue(sergeant, query())).items
      const held = items.find((i) => i.id === id)!
      assert.equal(held.custody.state, 'in_custody')
      assert.equal(held.custody.minutesLeft, 180)
      assert.match(held.custody.text, /^Suspect in custody until 10:30 \(3h left\)$/)
      const codes = held.priority.parts.map((p) => `${p.code}:${p.points}`)
      assert.ok(codes.includes('suspect_in_custody:10'), codes.join())
      assert.ok(codes.includes('release_soon:5'), codes.join())
      assert.equal(items.find((i) => i.id === free)!.custody.state, 'not_arrested')
      assert.equal(items[0]!.id, id)
    })
  })

  describe('settings', () => {
    it('scores with the triage.priorityWeights setting', async () => {
      await writeSetting(t.deps.db, 'triage.priorityWeights', {
        ...DEFAULT_PRIORITY_WEIGHTS,
        risk: { high: 100, medium: 30, standard: 10 },
      })
      const id = await add({ risk: 'high' })
      const [item] = (await t.services.triage.queue(sergeant, query())).items
      assert.equal(item?.priority.total, 100 + DEFAULT_PRIORITY_WEIGHTS.recentReport)
      assert.equal((await t.services.triage.assessment(sergeant, id)).priority.total, item.priority.total)
    })

    it('refuses setting values the queue cannot use', async () => {
      const { healthNeeds: _, ...missing } = DEFAULT_PRIORITY_WEIGHTS
      const bad: [Parameters<typeof writeSetting>[1], unknown][] = [
        ['triage.priorityWeights', missing],
        ['triage.priorityWeights', { ...DEFAULT_PRIORITY_WEIGHTS, recentReport: -5 }],
        ['triage.priorityWeights', { ...DEFAULT_PRIORITY_WEIGHTS, risk: { high: 60 } }],
        ['triage.priorityWeights', { ...DEFAULT_PRIORITY_WEIGHTS, typo: 1 }],
        ['triage.windowHours', 0],
        ['triage.windowHours', 1.5],
        ['triage.pageSize', 1000],
      ]
      for (const [key, value] of bad) {
        await assert.rejects(writeSetting(t.deps.db, key, value), /Invalid value/, `${key} ${JSON.stringify(value)}`)
      }
      // Nothing was stored, so the queue still works on the defaults.
      await add({ risk: 'high' })
      const q = await t.services.triage.queue(sergeant, query())
      assert.deepEqual([q.window.hours, q.pageSize, q.items[0]?.priority.total], [24, 25, 65])
    })
  })

  describe('sorting', () => {
    // Scores: A 70 (medium + three factors), B 60 (high), C 15 (standard, recent). Risk and report time disagree.
    let a: string, b: string, c: string
    beforeEach(async () => {
      a = await add({
        risk: 'medium',
        reportedHoursAgo: 10,
        healthNeeds: true,
        additionalVulnerabilities: true,
        childrenPresent: true,
      })
      b = await add({ risk: 'high', reportedHoursAgo: 12 })
      c = await add({ risk: 'standard', reportedHoursAgo: 1 })
    })
    const sorts: { sort: QueueQuery['sort']; order: string }[] = [
      { sort: 'priority', order: 'abc' },
      { sort: 'risk', order: 'bac' },
      { sort: 'reported', order: 'cab' },
    ]
    for (const s of sorts) {
      it(`sorts by ${s.sort}`, async () => {
        const names = new Map([
          [a, 'a'],
          [b, 'b'],
          [c, 'c'],
        ])
        const q = await t.services.triage.queue(sergeant, query({ sort: s.sort }))
        assert.equal(q.items.map((i) => names.get(i.id)).join(''), s.order)
        if (s.sort === 'priority') {
          assert.deepEqual(
            q.items.map((i) => i.priority.total),
            [70, 60, 15],
          )
        }
      })
    }
  })

  describe('filters', () => {
    let fyldeHigh: string, blackpoolStandard: string, blackpoolMedium: string
    beforeEach(async () => {
      fyldeHigh = await add({
        risk: 'high',
        location: { address: '1 Filter Lane', postcode: 'FY8 1AA', area: 'Fylde' },
      })
      blackpoolStandard = await add({ risk: 'standard' })
      blackpoolMedium = await add({ risk: 'medium', healthNeeds: true })
      await t.services.triage.decide(sergeant, fyldeHigh, { decision: 'attend', reasonCode: 'high_risk' })
    })
    const ids = async (q: Partial<QueueQuery>) =>
      (await t.services.triage.queue(sergeant, query(q))).items.map((i) => i.id).sort()

    it('by area', async () => {
      assert.deepEqual(await ids({ area: ['Fylde'] }), [fyldeHigh])
      assert.deepEqual(await ids({ area: ['Blackpool'] }), [blackpoolStandard, blackpoolMedium].sort())
      assert.deepEqual(await ids({ area: ['Wyre'] }), [])
    })

    it('by risk level, one or several', async () => {
      assert.deepEqual(await ids({ risk: ['high'] }), [fyldeHigh])
      assert.deepEqual(await ids({ risk: ['high', 'medium'] }), [fyldeHigh, blackpoolMedium].sort())
    })

    it('by decision status', async () => {
      assert.deepEqual(await ids({ status: ['attend'] }), [fyldeHigh])
      assert.deepEqual(await ids({ status: ['undecided'] }), [blackpoolStandard, blackpoolMedium].sort())
      assert.deepEqual(await ids({ status: ['not_for_programme'] }), [])
    })

    it('by eligibility', async () => {
      assert.deepEqual(await ids({ eligibility: 'eligible' }), [fyldeHigh, blackpoolMedium].sort())
      assert.deepEqual(await ids({ eligibility: 'not_eligible' }), [blackpoolStandard])
      assert.equal((await ids({ eligibility: 'all' })).length, 3)
    })

    it('combines filters', async () => {
      assert.deepEqual(await ids({ area: ['Blackpool'], eligibility: 'eligible' }), [blackpoolMedium])
      assert.deepEqual(await ids({ area: ['Fylde'], status: ['undecided'] }), [])
    })

    it('counts eligible incidents among those the filters keep', async () => {
      const q = await t.services.triage.queue(sergeant, query({ area: ['Blackpool'] }))
      assert.equal(q.total, 2)
      assert.equal(q.eligibleCount, 1)
    })
  })

  describe('pagination', () => {
    it('pages by the triage.pageSize setting and clamps a page beyond the end', async () => {
      await writeSetting(t.deps.db, 'triage.pageSize', 5)
      const all: string[] = []
      for (let i = 0; i < 7; i++) all.push(await add({ reportedHoursAgo: 1 + i }))
      const p1 = await t.services.triage.queue(sergeant, query({ sort: 'reported' }))
      const p2 = await t.services.triage.queue(sergeant, query({ sort: 'reported', page: 2 }))
      const beyond = await t.services.triage.queue(sergeant, query({ sort: 'reported', page: 9 }))
      assert.deepEqual([p1.total, p1.pageSize, p1.pageCount, p1.page, p1.items.length], [7, 5, 2, 1, 5])
      assert.deepEqual([p2.page, p2.items.length], [2, 2])
      assert.deepEqual(
        [...p1.items, ...p2.items].map((i) => i.id),
        all,
      )
      assert.equal(beyond.page, 2)
      assert.deepEqual(
        beyond.items.map((i) => i.id),
        p2.items.map((i) => i.id),
      )
    })

    it('has one empty page when nothing is in the window', async () => {
      const q = await t.services.triage.queue(sergeant, query({ page: 3 }))
      assert.deepEqual([q.total, q.page, q.pageCount, q.items.length], [0, 1, 1, 0])
    })

    it('uses 25 a page by default', async () => {
      assert.equal((await t.services.triage.queue(sergeant, query())).pageSize, 25)
    })
  })

  describe('queue audit', () => {
    it("writes one consult row per incident shown, so each person's access log includes the listing", async () => {
      await writeSetting(t.deps.db, 'triage.pageSize', 5)
      for (let i = 0; i < 6; i++) await add({ reportedHoursAgo: 1 + i })
      const before = (await auditRows('consult', 'incident')).length
      const q = await t.services.triage.queue(sergeant, query({ sort: 'reported' }))
      const rows = (await auditRows('consult', 'incident')).slice(before)
      assert.deepEqual(
        rows.map((r) => r.record_id),
        q.items.map((i) => i.id),
      )
      assert.equal(rows.length, 5)
      const row = rows[0]!
      assert.equal(row.user_id, sergeant.userId)
      assert.equal(row.username, 'sergeant')
      assert.deepEqual(row.roles, ['detective_sergeant'])
      assert.equal(new Date(row.at).toISOString(), FIXED_NOW.toISOString())
      assert.equal((row.details as { view: string }).view, 'triage_queue')
      assert.ok(row.fields.includes('victim_name'))
    })
  })

  describe('decide', () => {
    it('records a decision and sets the status', async () => {
      const id = await add({ risk: 'high' })
      const { id: decisionId } = await t.services.triage.decide(sergeant, id, {
        decision: 'attend',
        reasonCode: 'high_risk',
      })
      const a = await t.services.triage.assessment(sergeant, id)
      assert.equal(a.status, 'attend')
      assert.equal(a.history.length, 1)
      const h = a.history[0]!
      assert.deepEqual(
        [h.id, h.decision, h.reason_code, h.reason_text, h.decided_by_name],
        [decisionId, 'attend', 'high_risk', null, 'DS Sam Demo'],
      )
      assert.equal(new Date(h.decided_at).toISOString(), FIXED_NOW.toISOString())
    })

    it('keeps the history when a decision changes, newest first', async () => {
      const id = await add({ risk: 'high' })
      await t.services.triage.decide(sergeant, id, { decision: 'attend', reasonCode: 'high_risk' })
      t.clock.advance(10 * MINUTE_MS)
      await t.services.triage.decide(sergeant, id, {
        decision: 'consultation',
        reasonCode: 'victim_declined',
        reasonText: '  Victim asked for phone advice only  ',
      })
      const a = await t.services.triage.assessment(sergeant, id)
      assert.equal(a.status, 'consultation')
      assert.deepEqual(
        a.history.map((h) => [h.decision, h.reason_text]),
        [
          ['consultation', 'Victim asked for phone advice only'],
          ['attend', null],
        ],
      )
      const audit = (await auditRows('alter', 'incident')).filter((r) => r.record_id === id)
      assert.deepEqual(
        audit.map((r) => (r.details as { previous: string }).previous),
        ['undecided', 'attend'],
      )
    })

    const invalid: { name: string; risk: 'high' | 'standard'; input: Record<string, unknown>; path: string }[] = [
      {
        name: '"other" without text',
        risk: 'standard',
        input: { decision: 'attend', reasonCode: 'other' },
        path: 'reasonText',
      },
      {
        name: '"other" with only spaces',
        risk: 'standard',
        input: { decision: 'attend', reasonCode: 'other', reasonText: '   ' },
        path: 'reasonText',
      },
      {
        name: 'an eligible incident judged not for the programme without text',
        risk: 'high',
        input: { decision: 'not_for_programme', reasonCode: 'victim_declined' },
        path: 'reasonText',
      },
      {
        name: 'an unknown decision',
        risk: 'high',
        input: { decision: 'maybe', reasonCode: 'high_risk' },
        path: 'decision',
      },
      {
        name: 'an unknown reason',
        risk: 'high',
        input: { decision: 'attend', reasonCode: 'hunch' },
        path: 'reasonCode',
      },
      { name: 'no decision', risk: 'high', input: { reasonCode: 'high_risk' }, path: 'decision' },
    ]
    for (const c of invalid) {
      it(`refuses ${c.name} and saves nothing`, async () => {
        const id = await add({ risk: c.risk })
        await assert.rejects(t.services.triage.decide(sergeant, id, c.input), (e) => {
          assert.ok(e instanceof ValidationError)
          assert.deepEqual(
            e.issues.map((i) => i.path),
            [c.path],
          )
          return true
        })
        const a = await t.services.triage.assessment(sergeant, id)
        assert.deepEqual([a.status, a.history.length], ['undecided', 0])
      })
    }

    it('accepts an eligible incident judged not for the programme when explained', async () => {
      const id = await add({ risk: 'high' })
      await t.services.triage.decide(sergeant, id, {
        decision: 'not_for_programme',
        reasonCode: 'already_supported',
        reasonText: 'Open case with the community IDVA',
      })
      assert.equal((await t.services.triage.assessment(sergeant, id)).status, 'not_for_programme')
    })

    it('accepts an ineligible incident judged not for the programme without text', async () => {
      const id = await add({ risk: 'standard' })
      await t.services.triage.decide(sergeant, id, { decision: 'not_for_programme', reasonCode: 'low_risk_no_factors' })
      assert.equal((await t.services.triage.assessment(sergeant, id)).status, 'not_for_programme')
    })

    it('refuses an unknown incident', async () => {
      await assert.rejects(
        t.services.triage.decide(sergeant, randomUUID(), { decision: 'attend', reasonCode: 'high_risk' }),
        NotFoundError,
      )
      await assert.rejects(t.services.triage.assessment(sergeant, randomUUID()), NotFoundError)
    })

    it('writes an alter audit row naming the decision', async () => {
      const id = await add({ risk: 'high' })
      const { id: decisionId } = await t.services.triage.decide(sergeant, id, {
        decision: 'attend_live',
        reasonCode: 'high_risk',
      })
      const rows = (await auditRows('alter', 'incident')).filter((r) => r.record_id === id)
      assert.equal(rows.length, 1)
      assert.equal(rows[0]!.user_id, sergeant.userId)
      assert.deepEqual(rows[0]!.fields, ['triage_decision'])
      assert.deepEqual(rows[0]!.details, {
        decisionId,
        decision: 'attend_live',
        reasonCode: 'high_risk',
        previous: 'undecided',
      })
    })

    it('audits nothing and changes nothing when the decision cannot be stored', async () => {
      const id = await add({ risk: 'high' })
      // No app_user has this id, so the decision row breaks its foreign key.
      const ghost: Actor = { ...sergeant, userId: randomUUID() }
      await assert.rejects(t.services.triage.decide(ghost, id, { decision: 'attend', reasonCode: 'high_risk' }))
      const a = await t.services.triage.assessment(sergeant, id)
      assert.deepEqual([a.status, a.history.length], ['undecided', 0])
      assert.equal((await auditRows('alter', 'incident')).filter((r) => r.record_id === id).length, 0)
    })

    it('stores no decision when its audit row cannot be written', async () => {
      const id = await add({ risk: 'high' })
      // Triggers are the owner's to create: the app's role cannot.
      const owner = (statement: string) => t.database.asOwner((db) => sql.raw(statement).execute(db))
      await owner(
        `create function test_refuse_alter() returns trigger language plpgsql as $$
         begin if new.action = 'alter' then raise exception 'audit unavailable'; end if; return new; end $$`,
      )
      const trigger = 'before insert on audit_event for each row execute function test_refuse_alter()'
      await owner(`create trigger test_refuse_alter ${trigger}`)
      try {
        await assert.rejects(
          t.services.triage.decide(sergeant, id, { decision: 'attend', reasonCode: 'high_risk' }),
          /audit unavailable/,
        )
      } finally {
        await owner('drop trigger test_refuse_alter on audit_event')
        await owner('drop function test_refuse_alter()')
      }
      const a = await t.services.triage.assessment(sergeant, id)
      assert.deepEqual([a.status, a.history.length], ['undecided', 0])
    })
  })

  describe('custodyBoard', () => {
    it('lists unreleased suspects on window incidents, soonest release first', async () => {
      const later = await add({ people: strangers({ firstName: 'Later', custody: inCustody(2, 5) }) })
      const sooner = await add({ people: strangers({ firstName: 'Sooner', custody: inCustody(1, 2) }) })
      const unknown = await add({ people: strangers({ firstName: 'Unknown', custody: inCustody(1, null) }) })
      const overdue = await add({
        reportedHoursAgo: 6,
        people: strangers({ firstName: 'Overdue', custody: inCustody(5, -1) }),
      })
      await add({
        people: strangers({
          firstName: 'Released',
          custody: { arrestedAt: hoursBefore(2).toISOString(), releasedAt: hoursBefore(1).toISOString() },
        }),
      })
      await add({ reportedHoursAgo: 30, people: strangers({ firstName: 'Old', custody: inCustody(2, 1) }) })
      await add({ people: strangers() })

      const board = await t.services.triage.custodyBoard(sergeant)
      assert.deepEqual(
        board.rows.map((r) => [r.incident_id, r.first_name, r.custody.state]),
        [
          [overdue, 'Overdue', 'release_due_passed'],
          [sooner, 'Sooner', 'in_custody'],
          [later, 'Later', 'in_custody'],
          [unknown, 'Unknown', 'in_custody'],
        ],
      )
      assert.equal(board.rows[1]!.custody.minutesLeft, 120)
      assert.equal(board.rows[3]!.custody.until, null)
      assert.equal(board.window.hours, 24)
    })
  })
})
