import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { incidentInputSchema, type Answer, type IncidentInput } from './incident-schema.ts'
import { checkIncident, normaliseArea, type IncidentRuleContext } from './incident-rules.ts'
import { loadRiskTools } from './risk-tools.ts'

const ctx: IncidentRuleContext = {
  // 00:30 on 16 June in London, still 15 June in UTC: dates of birth compare with the UK date.
  now: new Date('2024-06-15T23:30:00Z'),
  areas: ['Blackpool', 'Fylde', 'Wyre', 'Lancaster and Morecambe'],
  riskTools: loadRiskTools(),
}

const dashIds = ctx.riskTools.get('DASH')!.questions.map((q) => q.id)
const dashAnswers = (yes: number): Record<string, Answer> =>
  Object.fromEntries(dashIds.map((id, i) => [id, i < yes ? 'yes' : 'no']))

// A valid incident (synthetic people); each case changes one thing.
const base = () =>
  incidentInputSchema.parse({
    forceReference: 'LC-20240615-0042',
    reportedAt: '2024-06-15T09:30:00+01:00',
    occurredAt: '2024-06-15T08:45:00+01:00',
    location: { address: '12 Example Street, Blackpool', postcode: 'FY1 1AA', area: 'Blackpool' },
    people: [
      { role: 'victim', firstName: 'Alex', lastName: 'Sample', dateOfBirth: '1990-02-03' },
      {
        role: 'suspect',
        firstName: 'Sam',
        lastName: 'Testperson',
        custody: { arrestedAt: '2024-06-15T10:00:00+01:00', expectedReleaseAt: '2024-06-16T10:00:00+01:00' },
      },
      { role: 'child', firstName: 'Jo', lastName: 'Sample', dateOfBirth: '2015-04-01' },
    ],
    risk: { tool: 'DASH', answers: dashAnswers(15), level: 'high' },
    childrenPresent: true,
  })

type Case = [name: string, change: (i: IncidentInput) => void, expected: [path: string, message: RegExp][]]

const cases: Case[] = [
  ['the valid base incident', () => {}, []],
  ['report 4 minutes ahead is clock skew', (i) => (i.reportedAt = '2024-06-15T23:34:00Z'), []],
  [
    'report 6 minutes ahead',
    (i) => (i.reportedAt = '2024-06-15T23:36:00Z'),
    [['reportedAt', /^Reported time is in the future$/]],
  ],
  [
    'occurred in the future, and so after the report',
    (i) => (i.occurredAt = '2024-06-16T08:00:00Z'),
    [
      ['occurredAt', /^Occurred time is in the future$/],
      ['occurredAt', /^Occurred time is after the reported time$/],
    ],
  ],
  [
    'occurred before 1990',
    (i) => (i.occurredAt = '1989-12-31T23:59:00Z'),
    [['occurredAt', /before 1990; check the year/]],
  ],
  [
    'reported before 1990',
    (i) => {
      i.occurredAt = '1989-12-31T22:00:00Z'
      i.reportedAt = '1989-12-31T23:00:00Z'
    },
    [
      ['reportedAt', /^Reported time is before 1990/],
      ['occurredAt', /^Occurred time is before 1990/],
    ],
  ],
  ['occurred at the moment of the report', (i) => (i.occurredAt = i.reportedAt), []],
  [
    'occurred a minute after the report',
    (i) => (i.occurredAt = '2024-06-15T09:31:00+01:00'),
    [['occurredAt', /after the reported time/]],
  ],
  ['area in another case with extra spaces', (i) => (i.location.area = ' lancaster   AND morecambe '), []],
  [
    'unknown area',
    (i) => (i.location.area = 'Preston'),
    [['location.area', /^Unknown area "Preston"; use one of: Blackpool, Fylde, Wyre, Lancaster and Morecambe$/]],
  ],
  [
    'no victim',
    (i) => (i.people = i.people.filter((p) => p.role !== 'victim')),
    [['people', /^At least one person must be the victim$/]],
  ],
  [
    'unknown risk tool',
    (i) => (i.risk.tool = 'ODARA'),
    [['risk.tool', /^Unknown risk tool "ODARA"; configured tools: DARA, DASH$/]],
  ],
  [
    'answers that are not DASH questions',
    (i) => (i.risk.answers = { ...dashAnswers(15), d3_monitors: 'yes', q25_extra: 'no' }),
    [
      ['risk.answers.d3_monitors', /^"d3_monitors" is not a DASH question$/],
      ['risk.answers.q25_extra', /^"q25_extra" is not a DASH question$/],
    ],
  ],
  [
    'DASH level lower than the answers give',
    (i) => (i.risk.level = 'medium'),
    [['risk.level', /^DASH: 15 "yes" answers give high, but medium was recorded$/]],
  ],
  [
    'DASH level higher than the answers give',
    (i) => (i.risk.answers = dashAnswers(1)),
    [['risk.level', /^DASH: 1 "yes" answer gives standard, but high was recorded$/]],
  ],
  [
    'DASH with no answers: the recorded level stands',
    (i) => {
      delete i.risk.answers
      i.risk.level = 'standard'
    },
    [],
  ],
  [
    'DARA: the officer records the level',
    (i) => {
      i.risk = { tool: 'DARA', answers: { d1_injury_now: 'yes', d13_threats_to_kill: 'yes' }, level: 'high' }
    },
    [],
  ],
  [
    'judgement raises the level, with a reason',
    (i) => {
      i.risk.answers = dashAnswers(10)
      i.risk.level = 'medium'
      i.risk.judgementLevel = 'high'
      i.risk.judgementReason = 'Recent strangulation and separation'
    },
    [],
  ],
  [
    'judgement equal to the level',
    (i) => Object.assign(i.risk, { judgementLevel: 'high', judgementReason: 'Agree with DASH' }),
    [],
  ],
  [
    'judgement lowers the level',
    (i) => Object.assign(i.risk, { judgementLevel: 'medium', judgementReason: 'Victim minimised' }),
    [['risk.judgementLevel', /^Professional judgement may raise the risk level, never lower it$/]],
  ],
  [
    'judgement without a reason',
    (i) => {
      i.risk.answers = dashAnswers(10)
      i.risk.level = 'medium'
      i.risk.judgementLevel = 'high'
    },
    [['risk.judgementReason', /^Give the reason/]],
  ],
  [
    'custody on a victim',
    (i) => (i.people[0]!.custody = { arrestedAt: '2024-06-15T10:00:00+01:00' }),
    [['people.0.custody', /^Only a suspect can have a custody record$/]],
  ],
  [
    'released before arrest, and expected release before arrest',
    (i) =>
      (i.people[1]!.custody = {
        arrestedAt: '2024-06-15T10:00:00+01:00',
        expectedReleaseAt: '2024-06-15T09:00:00+01:00',
        releasedAt: '2024-06-15T09:59:00+01:00',
      }),
    [
      ['people.1.custody.expectedReleaseAt', /^Expected release is before the arrest$/],
      ['people.1.custody.releasedAt', /^Release is before the arrest$/],
    ],
  ],
  [
    'released in the future',
    (i) => (i.people[1]!.custody!.releasedAt = '2024-06-16T01:00:00+01:00'),
    [['people.1.custody.releasedAt', /^Release time is in the future/]],
  ],
  [
    'arrested in the future',
    (i) => (i.people[1]!.custody = { arrestedAt: '2024-06-16T00:36:00+01:00' }),
    [['people.1.custody.arrestedAt', /^Arrest time is in the future$/]],
  ],
  [
    'arrested exactly a day before the incident',
    (i) => (i.people[1]!.custody = { arrestedAt: '2024-06-14T08:45:00+01:00' }),
    [],
  ],
  [
    'arrested more than a day before the incident',
    (i) => (i.people[1]!.custody = { arrestedAt: '2024-06-14T08:44:00+01:00' }),
    [['people.1.custody.arrestedAt', /^Arrest time is more than a day before the incident$/]],
  ],
  [
    'date of birth in the future',
    (i) => (i.people[0]!.dateOfBirth = '2024-06-17'),
    [['people.0.dateOfBirth', /^Date of birth is in the future$/]],
  ],
  ['date of birth today in the UK, tomorrow in UTC', (i) => (i.people[2]!.dateOfBirth = '2024-06-16'), []],
  [
    'date of birth before 1900',
    (i) => (i.people[0]!.dateOfBirth = '1899-12-31'),
    [['people.0.dateOfBirth', /^Date of birth is before 1900$/]],
  ],
  ['child the day before their 18th birthday', (i) => (i.people[2]!.dateOfBirth = '2006-06-16'), []],
  [
    'child on their 18th birthday',
    (i) => (i.people[2]!.dateOfBirth = '2006-06-15'),
    [['people.2.dateOfBirth', /^A child must be under 18 when the incident happened/]],
  ],
  [
    'child born 29 February is 18 on 1 March',
    (i) => {
      i.people[2]!.dateOfBirth = '2004-02-29'
      i.occurredAt = '2022-02-28T12:00:00Z'
    },
    [],
  ],
  [
    'child born 29 February, incident on 1 March of their 18th year',
    (i) => {
      i.people[2]!.dateOfBirth = '2004-02-29'
      i.occurredAt = '2022-03-01T12:00:00Z'
      i.people[1]!.custody!.arrestedAt = '2022-03-01T13:00:00Z'
    },
    [['people.2.dateOfBirth', /^A child must be under 18/]],
  ],
  ['adults as other people may be any age', (i) => (i.people[2]!.role = 'other'), []],
  ['child with no date of birth', (i) => delete i.people[2]!.dateOfBirth, []],
  [
    'child listed but children present is no',
    (i) => (i.childrenPresent = false),
    [['childrenPresent', /^Children are listed, so children present must be yes$/]],
  ],
  ['children present with none listed', (i) => (i.people = i.people.filter((p) => p.role !== 'child')), []],
]

describe('checkIncident', () => {
  for (const [name, change, expected] of cases) {
    it(name, () => {
      const input = base()
      change(input)
      const issues = checkIncident(input, ctx)
      assert.deepEqual(
        issues.map((i) => i.path),
        expected.map(([path]) => path),
        JSON.stringify(issues),
      )
      issues.forEach((issue, n) => assert.match(issue.message, expected[n]![1]))
    })
  }
})

describe('normaliseArea', () => {
  const cases: [string, string | undefined][] = [
    ['Blackpool', 'Blackpool'],
    ['BLACKPOOL', 'Blackpool'],
    ['  fylde ', 'Fylde'],
    ['lancaster  and  morecambe', 'Lancaster and Morecambe'],
    ['Lancaster', undefined],
    ['', undefined],
  ]
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} -> ${expected}`, () => assert.equal(normaliseArea(input, ctx.areas), expected))
  }
})
