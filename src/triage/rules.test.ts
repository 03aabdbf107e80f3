import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { RiskLevel } from '../intake/incident-schema.ts'
import {
  assessEligibility,
  compareForQueue,
  custodyStatus,
  DEFAULT_PRIORITY_WEIGHTS,
  formatDuration,
  priorityScore,
  RISK_RANK,
  type CustodyFacts,
  type QueueRow,
  type TriageFacts,
} from './rules.ts'

// 07:30 GMT on a Monday in November: UK local time equals UTC.
const now = new Date('2026-11-23T07:30:00Z')
const MINUTE = 60_000
const minutesFromNow = (m: number) => new Date(now.getTime() + m * MINUTE)
const hoursFromNow = (h: number) => minutesFromNow(h * 60)

const facts = (over: Partial<TriageFacts> = {}): TriageFacts => ({
  riskLevel: 'standard',
  additionalVulnerabilities: false,
  healthNeeds: false,
  childrenPresent: false,
  priorIncidentsSamePeople12m: 0,
  priorIncidentsSameAddress12m: 0,
  reportedAt: hoursFromNow(-10),
  custody: null,
  ...over,
})

const custody = (over: Partial<CustodyFacts> = {}): CustodyFacts => ({
  arrestedAt: hoursFromNow(-9),
  expectedReleaseAt: null,
  releasedAt: null,
  ...over,
})

describe('assessEligibility', () => {
  const allFactors = {
    additionalVulnerabilities: true,
    healthNeeds: true,
    childrenPresent: true,
    priorIncidentsSamePeople12m: 2,
    priorIncidentsSameAddress12m: 1,
  }
  const cases: { name: string; input: TriageFacts; eligible: boolean; codes: string[] }[] = [
    { name: 'high risk alone', input: facts({ riskLevel: 'high' }), eligible: true, codes: ['high_risk'] },
    {
      name: 'high risk lists every other reason too',
      input: facts({ riskLevel: 'high', ...allFactors }),
      eligible: true,
      codes: [
        'high_risk',
        'additional_vulnerabilities',
        'health_needs',
        'children',
        'repeat_victimisation',
        'potential_escalation',
        'repeat_address',
      ],
    },
    {
      name: 'medium, no factors',
      input: facts({ riskLevel: 'medium' }),
      eligible: false,
      codes: ['low_risk_no_factors'],
    },
    { name: 'standard, no factors', input: facts(), eligible: false, codes: ['low_risk_no_factors'] },
    {
      name: 'standard with additional vulnerabilities',
      input: facts({ additionalVulnerabilities: true }),
      eligible: true,
      codes: ['additional_vulnerabilities'],
    },
    {
      name: 'medium with health needs',
      input: facts({ riskLevel: 'medium', healthNeeds: true }),
      eligible: true,
      codes: ['health_needs'],
    },
    {
      name: 'standard with children present',
      input: facts({ childrenPresent: true }),
      eligible: true,
      codes: ['children'],
    },
    {
      name: 'one earlier incident with the same people',
      input: facts({ priorIncidentsSamePeople12m: 1 }),
      eligible: true,
      codes: ['repeat_victimisation'],
    },
    {
      name: 'two earlier incidents with the same people is possible escalation',
      input: facts({ priorIncidentsSamePeople12m: 2 }),
      eligible: true,
      codes: ['repeat_victimisation', 'potential_escalation'],
    },
    {
      name: 'one earlier incident at the address',
      input: facts({ priorIncidentsSameAddress12m: 1 }),
      eligible: true,
      codes: ['repeat_address'],
    },
    {
      name: 'medium with every factor',
      input: facts({ riskLevel: 'medium', ...allFactors }),
      eligible: true,
      codes: [
        'additional_vulnerabilities',
        'health_needs',
        'children',
        'repeat_victimisation',
        'potential_escalation',
        'repeat_address',
      ],
    },
    {
      name: 'custody and a recent report do not make a standard case eligible',
      input: facts({
        reportedAt: hoursFromNow(-1),
        custody: custody({ expectedReleaseAt: hoursFromNow(2) }),
      }),
      eligible: false,
      codes: ['low_risk_no_factors'],
    },
  ]
  for (const { name, input, eligible, codes } of cases) {
    it(name, () => {
      const result = assessEligibility(input)
      assert.equal(result.eligible, eligible)
      assert.deepEqual(
        result.reasons.map((r) => r.code),
        codes,
      )
    })
  }

  const texts: { name: string; input: TriageFacts; expected: string[] }[] = [
    {
      name: 'high risk',
      input: facts({ riskLevel: 'high' }),
      expected: ['High risk: the programme attends every high-risk victim'],
    },
    {
      name: 'standard, no factors',
      input: facts(),
      expected: ['Standard risk with no additional vulnerabilities, health needs or repeat incidents'],
    },
    {
      name: 'medium, no factors',
      input: facts({ riskLevel: 'medium' }),
      expected: ['Medium risk with no additional vulnerabilities, health needs or repeat incidents'],
    },
    {
      name: 'flags',
      input: facts({ additionalVulnerabilities: true, healthNeeds: true, childrenPresent: true }),
      expected: [
        'Additional vulnerabilities recorded',
        'Health needs identified, which the health IDVA can help with',
        'Children were present, which is an additional vulnerability',
      ],
    },
    {
      name: 'singular counts',
      input: facts({ priorIncidentsSamePeople12m: 1, priorIncidentsSameAddress12m: 1 }),
      expected: [
        'Repeat victimisation: 1 earlier incident involving the same victim or suspect ' + 'in the previous 12 months',
        'Repeat address: 1 earlier incident at the same address in the previous 12 months',
      ],
    },
    {
      name: 'plural counts and escalation counting this incident',
      input: facts({ priorIncidentsSamePeople12m: 5, priorIncidentsSameAddress12m: 4 }),
      expected: [
        'Repeat victimisation: 5 earlier incidents involving the same victim or suspect ' + 'in the previous 12 months',
        'Possible escalation: 6 incidents involving the same people within 12 months, including this one; ' +
          'early intervention may prevent future high harm',
        'Repeat address: 4 earlier incidents at the same address in the previous 12 months',
      ],
    },
  ]
  for (const { name, input, expected } of texts) {
    it(`says it plainly: ${name}`, () => {
      assert.deepEqual(
        assessEligibility(input).reasons.map((r) => r.text),
        expected,
      )
    })
  }
})

describe('formatDuration', () => {
  const cases = [
    { input: 0, expected: '0m' },
    { input: 1, expected: '1m' },
    { input: 45, expected: '45m' },
    { input: 59, expected: '59m' },
    { input: 60, expected: '1h' },
    { input: 61, expected: '1h 1m' },
    { input: 200, expected: '3h 20m' },
    { input: 1439, expected: '23h 59m' },
    { input: 1440, expected: '1d' },
    { input: 1500, expected: '1d 1h' },
    { input: 3120, expected: '2d 4h' },
    { input: 3179, expected: '2d 4h' },
    { input: 45.9, expected: '45m' },
    { input: -5, expected: '0m' },
  ]
  for (const { input, expected } of cases) {
    it(`${input} minutes is ${expected}`, () => {
      assert.equal(formatDuration(input), expected)
    })
  }
})

describe('custodyStatus', () => {
  const cases: {
    name: string
    input: CustodyFacts | null
    now?: Date
    expected: ReturnType<typeof custodyStatus>
  }[] = [
    {
      name: 'no custody episode',
      input: null,
      expected: { state: 'not_arrested', until: null, minutesLeft: null, text: 'No arrest recorded' },
    },
    {
      name: 'in custody, release time not known',
      input: custody(),
      expected: {
        state: 'in_custody',
        until: null,
        minutesLeft: null,
        text: 'In custody, release time not known',
      },
    },
    {
      name: 'in custody for hours',
      input: custody({ expectedReleaseAt: minutesFromNow(200) }),
      expected: {
        state: 'in_custody',
        until: minutesFromNow(200),
        minutesLeft: 200,
        text: 'Suspect in custody until 10:50 (3h 20m left)',
      },
    },
    {
      name: 'in custody for minutes',
      input: custody({ expectedReleaseAt: minutesFromNow(45) }),
      expected: {
        state: 'in_custody',
        until: minutesFromNow(45),
        minutesLeft: 45,
        text: 'Suspect in custody until 08:15 (45m left)',
      },
    },
    {
      name: 'a second before release rounds up to a minute',
      input: custody({ expectedReleaseAt: new Date(now.getTime() + 1000) }),
      expected: {
        state: 'in_custody',
        until: new Date(now.getTime() + 1000),
        minutesLeft: 1,
        text: 'Suspect in custody until 07:30 (1m left)',
      },
    },
    {
      name: 'exactly at the expected release',
      input: custody({ expectedReleaseAt: now }),
      expected: {
        state: 'release_due_passed',
        until: now,
        minutesLeft: null,
        text: 'Expected release passed at 07:30: check with custody',
      },
    },
    {
      name: 'expected release a minute ago',
      input: custody({ expectedReleaseAt: minutesFromNow(-1) }),
      expected: {
        state: 'release_due_passed',
        until: minutesFromNow(-1),
        minutesLeft: null,
        text: 'Expected release passed at 07:29: check with custody',
      },
    },
    {
      name: 'expected release passed yesterday shows the date',
      input: custody({ expectedReleaseAt: new Date('2026-11-22T23:00:00Z') }),
      expected: {
        state: 'release_due_passed',
        until: new Date('2026-11-22T23:00:00Z'),
        minutesLeft: null,
        text: 'Expected release passed on 22 Nov 2026, 23:00: check with custody',
      },
    },
    {
      name: 'release tomorrow shows the date',
      input: custody({ expectedReleaseAt: new Date('2026-11-24T09:00:00Z') }),
      expected: {
        state: 'in_custody',
        until: new Date('2026-11-24T09:00:00Z'),
        minutesLeft: 25 * 60 + 30,
        text: 'Suspect in custody until 24 Nov 2026, 09:00 (1d 1h left)',
      },
    },
    {
      name: 'released before the expected time',
      input: custody({ expectedReleaseAt: hoursFromNow(6), releasedAt: minutesFromNow(-80) }),
      expected: { state: 'released', until: null, minutesLeft: null, text: 'Suspect released at 06:10' },
    },
    {
      name: 'released after the expected time',
      input: custody({ expectedReleaseAt: hoursFromNow(-3), releasedAt: hoursFromNow(-1) }),
      expected: { state: 'released', until: null, minutesLeft: null, text: 'Suspect released at 06:30' },
    },
    {
      name: 'released with no expected time',
      input: custody({ releasedAt: new Date('2026-11-22T18:00:00Z') }),
      expected: {
        state: 'released',
        until: null,
        minutesLeft: null,
        text: 'Suspect released on 22 Nov 2026, 18:00',
      },
    },
    {
      name: 'times are UK local in summer',
      input: custody({ expectedReleaseAt: new Date('2026-07-15T13:00:00Z') }),
      now: new Date('2026-07-15T07:30:00Z'),
      expected: {
        state: 'in_custody',
        until: new Date('2026-07-15T13:00:00Z'),
        minutesLeft: 330,
        text: 'Suspect in custody until 14:00 (5h 30m left)',
      },
    },
    {
      // 23:30 BST on 15 July to 00:30 BST on 16 July: the same UTC day, but not the same UK day.
      name: 'past UK midnight shows the date',
      input: custody({ expectedReleaseAt: new Date('2026-07-15T23:30:00Z') }),
      now: new Date('2026-07-15T22:30:00Z'),
      expected: {
        state: 'in_custody',
        until: new Date('2026-07-15T23:30:00Z'),
        minutesLeft: 60,
        text: 'Suspect in custody until 16 Jul 2026, 00:30 (1h left)',
      },
    },
  ]
  for (const { name, input, now: at = now, expected } of cases) {
    it(name, () => {
      assert.deepEqual(custodyStatus(input, at), expected)
    })
  }
})

describe('priorityScore', () => {
  const cases: { name: string; input: TriageFacts; expected: [code: string, points: number][] }[] = [
    { name: 'standard risk only', input: facts(), expected: [['risk', 10]] },
    { name: 'medium risk only', input: facts({ riskLevel: 'medium' }), expected: [['risk', 30]] },
    { name: 'high risk only', input: facts({ riskLevel: 'high' }), expected: [['risk', 60]] },
    {
      name: 'flags',
      input: facts({
        riskLevel: 'high',
        additionalVulnerabilities: true,
        healthNeeds: true,
        childrenPresent: true,
      }),
      expected: [
        ['risk', 60],
        ['additional_vulnerabilities', 15],
        ['health_needs', 15],
        ['children', 10],
      ],
    },
    {
      name: 'one prior with the same people',
      input: facts({ priorIncidentsSamePeople12m: 1 }),
      expected: [
        ['risk', 10],
        ['repeat_victimisation', 5],
      ],
    },
    {
      name: 'three priors with the same people is the cap',
      input: facts({ priorIncidentsSamePeople12m: 3 }),
      expected: [
        ['risk', 10],
        ['repeat_victimisation', 15],
      ],
    },
    {
      name: 'more priors with the same people score no more',
      input: facts({ priorIncidentsSamePeople12m: 9 }),
      expected: [
        ['risk', 10],
        ['repeat_victimisation', 15],
      ],
    },
    {
      name: 'two priors at the address',
      input: facts({ priorIncidentsSameAddress12m: 2 }),
      expected: [
        ['risk', 10],
        ['repeat_address', 6],
      ],
    },
    {
      name: 'priors at the address are capped',
      input: facts({ priorIncidentsSameAddress12m: 7 }),
      expected: [
        ['risk', 10],
        ['repeat_address', 9],
      ],
    },
    {
      name: 'in custody, release time not known',
      input: facts({ custody: custody() }),
      expected: [
        ['risk', 10],
        ['suspect_in_custody', 10],
      ],
    },
    {
      name: 'in custody, release in 5 hours',
      input: facts({ custody: custody({ expectedReleaseAt: hoursFromNow(5) }) }),
      expected: [
        ['risk', 10],
        ['suspect_in_custody', 10],
      ],
    },
    {
      name: 'in custody, release in exactly 4 hours',
      input: facts({ custody: custody({ expectedReleaseAt: hoursFromNow(4) }) }),
      expected: [
        ['risk', 10],
        ['suspect_in_custody', 10],
        ['release_soon', 5],
      ],
    },
    {
      name: 'in custody, release in 1 hour',
      input: facts({ custody: custody({ expectedReleaseAt: hoursFromNow(1) }) }),
      expected: [
        ['risk', 10],
        ['suspect_in_custody', 10],
        ['release_soon', 5],
      ],
    },
    {
      name: 'exactly at the expected release scores nothing for custody',
      input: facts({ custody: custody({ expectedReleaseAt: now }) }),
      expected: [['risk', 10]],
    },
    {
      name: 'released scores nothing for custody',
      input: facts({
        custody: custody({ expectedReleaseAt: hoursFromNow(2), releasedAt: hoursFromNow(-1) }),
      }),
      expected: [['risk', 10]],
    },
    {
      name: 'reported exactly 6 hours ago is recent',
      input: facts({ reportedAt: hoursFromNow(-6) }),
      expected: [
        ['risk', 10],
        ['recent', 5],
      ],
    },
    {
      name: 'reported 6 hours and a minute ago is not recent',
      input: facts({ reportedAt: minutesFromNow(-361) }),
      expected: [['risk', 10]],
    },
    {
      name: 'reported a minute ago',
      input: facts({ reportedAt: minutesFromNow(-1) }),
      expected: [
        ['risk', 10],
        ['recent', 5],
      ],
    },
  ]
  for (const { name, input, expected } of cases) {
    it(name, () => {
      const score = priorityScore(input, now)
      assert.deepEqual(
        score.parts.map((p) => [p.code, p.points]),
        expected,
      )
      assert.equal(
        score.total,
        expected.reduce((sum, [, points]) => sum + points, 0),
      )
    })
  }

  it('explains every part of the top score', () => {
    const input = facts({
      riskLevel: 'high',
      additionalVulnerabilities: true,
      healthNeeds: true,
      childrenPresent: true,
      priorIncidentsSamePeople12m: 5,
      priorIncidentsSameAddress12m: 1,
      reportedAt: hoursFromNow(-2),
      custody: custody({ expectedReleaseAt: hoursFromNow(2) }),
    })
    assert.deepEqual(priorityScore(input, now), {
      total: 138,
      parts: [
        { code: 'risk', label: 'High risk', points: 60 },
        { code: 'additional_vulnerabilities', label: 'Additional vulnerabilities', points: 15 },
        { code: 'health_needs', label: 'Health needs', points: 15 },
        { code: 'children', label: 'Children present', points: 10 },
        {
          code: 'repeat_victimisation',
          label: '5 earlier incidents with the same people (3 counted)',
          points: 15,
        },
        { code: 'repeat_address', label: '1 earlier incident at the same address', points: 3 },
        { code: 'suspect_in_custody', label: 'Suspect in custody now', points: 10 },
        { code: 'release_soon', label: 'Release expected within 4 hours', points: 5 },
        { code: 'recent', label: 'Reported within the last 6 hours', points: 5 },
      ],
    })
  })

  it('uses a force’s own weights', () => {
    const weights = {
      ...DEFAULT_PRIORITY_WEIGHTS,
      risk: { high: 100, medium: 20, standard: 0 },
      releaseSoonHours: 8,
      recentReportHours: 1,
    }
    const input = facts({
      reportedAt: minutesFromNow(-30),
      custody: custody({ expectedReleaseAt: hoursFromNow(5) }),
    })
    assert.deepEqual(priorityScore(input, now, weights), {
      total: 20,
      parts: [
        { code: 'suspect_in_custody', label: 'Suspect in custody now', points: 10 },
        { code: 'release_soon', label: 'Release expected within 8 hours', points: 5 },
        { code: 'recent', label: 'Reported within the last 1 hour', points: 5 },
      ],
    })
  })
})

describe('compareForQueue', () => {
  const row = (total: number, riskLevel: RiskLevel, reportedHoursAgo: number): QueueRow => ({
    total,
    riskLevel,
    reportedAt: hoursFromNow(-reportedHoursAgo),
  })
  const cases = [
    { name: 'higher total first', a: row(80, 'medium', 2), b: row(70, 'medium', 2), expected: -1 },
    { name: 'total beats risk', a: row(70, 'high', 2), b: row(90, 'standard', 2), expected: 1 },
    { name: 'then higher risk', a: row(70, 'high', 5), b: row(70, 'medium', 1), expected: -1 },
    { name: 'then the newer report', a: row(70, 'medium', 5), b: row(70, 'medium', 1), expected: 1 },
    { name: 'identical rows tie', a: row(70, 'medium', 2), b: row(70, 'medium', 2), expected: 0 },
  ]
  for (const { name, a, b, expected } of cases) {
    it(name, () => {
      assert.equal(Math.sign(compareForQueue(a, b)), expected)
      assert.equal(Math.sign(compareForQueue(b, a)), -expected || 0)
    })
  }

  it('sorts a queue', () => {
    const rows = [row(40, 'standard', 1), row(75, 'medium', 3), row(75, 'high', 8), row(75, 'medium', 1)]
    assert.deepEqual(rows.sort(compareForQueue), [
      row(75, 'high', 8),
      row(75, 'medium', 1),
      row(75, 'medium', 3),
      row(40, 'standard', 1),
    ])
  })
})

describe('risk helpers', () => {
  it('ranks standard below medium below high', () => {
    assert.ok(RISK_RANK.standard < RISK_RANK.medium && RISK_RANK.medium < RISK_RANK.high)
  })
})
