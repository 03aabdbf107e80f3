import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { localParts } from '../common/uk-time.ts'
import { incidentInputSchema, type IncidentInput, type PersonInput } from '../intake/incident-schema.ts'
import { checkIncident } from '../intake/incident-rules.ts'
import { finalRiskLevel, loadRiskTools } from '../intake/risk-tools.ts'
import { DEMO_AREA_NAMES, DEMO_AREAS } from './areas.ts'
import { createRandom, generateIncidents } from './generator.ts'

const riskTools = loadRiskTools()
const now = new Date('2026-11-23T07:00:00Z')
const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS

const generate = (count: number, seed = 1, spanDays?: number) => [
  ...generateIncidents({ count, seed, now, riskTools, spanDays }),
]
const role = (incident: IncidentInput, r: PersonInput['role']) => incident.people.filter((p) => p.role === r)
const victimOf = (incident: IncidentInput) => role(incident, 'victim')[0] as PersonInput
const share = (xs: IncidentInput[], test: (i: IncidentInput) => boolean) => xs.filter(test).length / xs.length
const levelOf = (i: IncidentInput) => finalRiskLevel(i.risk.level, i.risk.judgementLevel)

function assertBetween(actual: number, min: number, max: number, what: string) {
  assert.ok(actual >= min && actual <= max, `${what}: ${actual.toFixed(3)} not in [${min}, ${max}]`)
}

describe('createRandom', () => {
  it('repeats for a seed and differs between seeds', () => {
    const draws = (seed: number) => Array.from({ length: 5 }, createRandom(seed).next)
    assert.deepEqual(draws(42), draws(42))
    assert.notDeepEqual(draws(42), draws(43))
  })

  it('keeps int inclusive at both ends, and pick and chance in range', () => {
    const rng = createRandom(7)
    const ints = new Set(Array.from({ length: 2000 }, () => rng.int(1, 3)))
    assert.deepEqual([...ints].sort(), [1, 2, 3])
    assert.equal(rng.pick(['only']), 'only')
    assert.throws(() => rng.pick([]), RangeError)
    assert.equal(rng.chance(0), false)
    assert.equal(rng.chance(1), true)
  })
})

describe('generateIncidents', () => {
  it('gives incidents that pass the schema and the intake rules', () => {
    for (const seed of [1, 2]) {
      for (const incident of generate(300, seed)) {
        assert.deepEqual(incidentInputSchema.parse(incident), incident)
        assert.deepEqual(checkIncident(incident, { now, areas: [...DEMO_AREA_NAMES], riskTools }), [])
      }
    }
  })

  it('is deterministic for a seed and differs between seeds', () => {
    assert.deepEqual(generate(200, 5), generate(200, 5))
    assert.notDeepEqual(generate(200, 5), generate(200, 6))
  })

  it('rejects a bad count or span', () => {
    assert.throws(() => generate(-1), RangeError)
    assert.throws(() => generate(10, 1, 0), RangeError)
  })

  it('gives references unique across seeds, dated by the UK day of the report', () => {
    const other = new Set(generate(2_000, 4).map((i) => i.forceReference))
    assert.ok(generate(2_000, 3).every((i) => !other.has(i.forceReference)))
    const incidents = generate(20_000, 3)
    assert.equal(new Set(incidents.map((i) => i.forceReference)).size, incidents.length)
    for (const { forceReference, reportedAt } of incidents.slice(0, 500)) {
      const { year, month, day } = localParts(new Date(reportedAt))
      const date = `${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`
      assert.match(forceReference, new RegExp(`^LC3-${date}-\\d{6}$`))
    }
  })

  it('puts a quarter of a small demo set in the last 24 hours, in reported order', () => {
    const incidents = generate(200, 4)
    assertBetween(
      share(incidents, (i) => now.getTime() - Date.parse(i.reportedAt) < DAY_MS),
      0.18,
      0.32,
      'last 24h',
    )
    const times = incidents.map((i) => Date.parse(i.reportedAt))
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
    )
  })

  it('spreads a year realistically: about 110 a day, busier evenings and weekends', () => {
    const incidents = generate(40_000, 8)
    const lastDay = incidents.filter((i) => now.getTime() - Date.parse(i.reportedAt) < DAY_MS).length
    assertBetween(lastDay, 60, 170, 'incidents in the last 24h')
    const hourOf = (i: IncidentInput) => localParts(new Date(i.reportedAt)).hour
    const evening = share(incidents, (i) => hourOf(i) >= 18)
    const morning = share(incidents, (i) => hourOf(i) >= 6 && hourOf(i) < 12)
    assert.ok(evening > 2 * morning, `evening ${evening} vs morning ${morning}`)
    const weekday = (i: IncidentInput) => {
      const { year, month, day } = localParts(new Date(i.reportedAt))
      return new Date(Date.UTC(year, month - 1, day)).getUTCDay()
    }
    assert.ok(share(incidents, (i) => weekday(i) === 6) > share(incidents, (i) => weekday(i) === 2))

    for (const i of incidents) {
      const reported = Date.parse(i.reportedAt)
      const occurred = Date.parse(i.occurredAt)
      assert.ok(reported <= now.getTime() && reported >= now.getTime() - 365 * DAY_MS, i.reportedAt)
      assert.ok(occurred <= reported && occurred >= reported - 12 * HOUR_MS, `${i.occurredAt} ${i.reportedAt}`)
    }
  })

  it('gives roughly the intended mix', () => {
    const incidents = generate(20_000, 9)
    assertBetween(
      share(incidents, (i) => levelOf(i) === 'high'),
      0.12,
      0.19,
      'high',
    )
    assertBetween(
      share(incidents, (i) => levelOf(i) === 'medium'),
      0.3,
      0.4,
      'medium',
    )
    assertBetween(
      share(incidents, (i) => levelOf(i) === 'standard'),
      0.45,
      0.55,
      'standard',
    )
    assertBetween(
      share(incidents, (i) => i.risk.tool === 'DASH'),
      0.75,
      0.85,
      'DASH',
    )
    assertBetween(
      share(incidents, (i) => i.risk.judgementLevel !== undefined),
      0.03,
      0.07,
      'judgement raised',
    )
    assertBetween(
      share(incidents, (i) => i.childrenPresent),
      0.3,
      0.4,
      'children present',
    )
    assertBetween(
      share(incidents, (i) => i.additionalVulnerabilities),
      0.16,
      0.24,
      'vulnerabilities',
    )
    assertBetween(
      share(incidents, (i) => i.healthNeeds),
      0.12,
      0.18,
      'health needs',
    )
    assertBetween(
      share(incidents, (i) => victimOf(i).nhsNumber !== undefined),
      0.65,
      0.75,
      'victim NHS number',
    )
    assertBetween(
      share(incidents, (i) => role(i, 'suspect').length === 1),
      0.94,
      1,
      'one suspect',
    )
    assertBetween(
      share(incidents, (i) => role(i, 'other').length > 0),
      0.03,
      0.12,
      'other person',
    )

    const arrested = (i: IncidentInput) => role(i, 'suspect').some((s) => s.custody)
    assertBetween(share(incidents, arrested), 0.35, 0.5, 'arrested')
    const arrestRate = (level: string) =>
      share(
        incidents.filter((i) => levelOf(i) === level),
        arrested,
      )
    assert.ok(arrestRate('high') > arrestRate('standard') + 0.2)

    for (const area of DEMO_AREAS) {
      assertBetween(
        share(incidents, (i) => i.location.area === area.name),
        area.weight - 0.02,
        area.weight + 0.02,
        area.name,
      )
    }
  })

  it('keeps incidents internally consistent', () => {
    for (const i of generate(5000, 10)) {
      assert.equal(i.childrenPresent, role(i, 'child').length > 0)
      assert.ok(role(i, 'child').length <= 3)
      assert.equal(i.additionalVulnerabilities, i.vulnerabilityNotes !== undefined)
      assert.equal(i.healthNeeds, i.healthNeedsNotes !== undefined)

      const area = DEMO_AREAS.find((a) => a.name === i.location.area)
      assert.ok(area)
      const { south, west, north, east } = area.bounds
      const { latitude = NaN, longitude = NaN } = i.location
      assert.ok(latitude >= south && latitude <= north && longitude >= west && longitude <= east, i.location.address)
      assert.ok(
        area.districts.some((d) => i.location.postcode.startsWith(`${d.outward} `)),
        i.location.postcode,
      )

      if (i.risk.tool === 'DASH') assert.equal(Object.keys(i.risk.answers ?? {}).length, 24)
      for (const person of i.people) if (person.phone) assert.match(person.phone, /^07700 900\d{3}$/)
      for (const { custody } of role(i, 'suspect')) {
        if (!custody) continue
        const arrestedAt = Date.parse(custody.arrestedAt)
        assert.ok(arrestedAt >= Date.parse(i.occurredAt) && arrestedAt <= now.getTime())
        const hoursHeld = (Date.parse(custody.expectedReleaseAt ?? '') - arrestedAt) / HOUR_MS
        assertBetween(hoursHeld, 12, 36, 'expected release after arrest (h)')
        if (custody.releasedAt) assert.ok(Date.parse(custody.releasedAt) <= now.getTime())
      }
    }
  })

  it('leaves some suspects in custody at now', () => {
    const inCustody = generate(200, 11).filter((i) =>
      role(i, 'suspect').some((s) => s.custody && !s.custody.releasedAt),
    )
    assert.ok(inCustody.length >= 3, `${inCustody.length} in custody`)
  })

  it('brings victims back with the same identity, and some couples escalate', () => {
    const byVictim = new Map<string, IncidentInput[]>()
    let repeats = 0
    let sameAddress = 0
    for (const incident of generate(20_000, 12)) {
      const v = victimOf(incident)
      const key = `${v.firstName} ${v.lastName} ${v.dateOfBirth} ${v.nhsNumber}`
      const earlier = byVictim.get(key)
      if (earlier) {
        repeats++
        const previous = victimOf(earlier.at(-1) as IncidentInput)
        if (!v.address || !previous.address || v.address === previous.address) sameAddress++
        earlier.push(incident)
      } else byVictim.set(key, [incident])
    }
    assertBetween(repeats / 20_000, 0.2, 0.35, 'repeat victims')
    assert.ok(sameAddress / repeats > 0.8, 'repeat victims usually at the same address')

    const order = ['standard', 'medium', 'high']
    const escalating = [...byVictim.values()].filter(
      (chain) =>
        chain.length >= 3 &&
        order.indexOf(levelOf(chain.at(-1) as IncidentInput)) > order.indexOf(levelOf(chain[0] as IncidentInput)),
    )
    assert.ok(escalating.length >= 50, `${escalating.length} escalating chains`)
  })

  // Speed and memory are measured by `npm run bench -- import` (which generates its extract), not
  // timed here: a heap reading in a shared test process depends on when the collector last ran.
  it('streams: incidents come one at a time, so even a vast count starts at once', () => {
    let n = 0
    for (const incident of generateIncidents({ count: 1_000_000_000, seed: 13, now, riskTools })) {
      assert.ok(incident.forceReference)
      if (++n === 5000) break
    }
    assert.equal(n, 5000)
  })
})
