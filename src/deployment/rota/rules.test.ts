import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { Role } from '../../auth/roles.ts'
import type { ShiftRecord } from './repository.ts'
import {
  addDays,
  baseIssues,
  cancelIssues,
  coordinateIssues,
  describeShift,
  endRotationIssues,
  fitsDuty,
  overlaps,
  rotaIssues,
  rotationIssues,
  servedOfficers,
  shiftClosedIssue,
  shiftReadiness,
  shiftsByDay,
  shiftTimeIssues,
  ukDate,
  ukInstant,
  vehicleIssues,
  weekdayText,
  type PersonFacts,
} from './rules.ts'

// A Monday in UK winter time (GMT), as the suite's fixed clock.
const NOW = new Date('2026-11-23T07:30:00Z')
const at = (iso: string) => new Date(iso)
const shift = (start: string, end: string) => ({ startsAt: at(start), endsAt: at(end) })

describe('shift times', () => {
  const cases: [string, { startsAt: Date; endsAt: Date }, string[]][] = [
    ['the early shift tomorrow', shift('2026-11-24T07:00:00Z', '2026-11-24T15:00:00Z'), []],
    ['the late shift today', shift('2026-11-23T14:00:00Z', '2026-11-23T22:00:00Z'), []],
    ['a shift already under way', shift('2026-11-23T07:00:00Z', '2026-11-23T15:00:00Z'), []],
    ['exactly 1 hour', shift('2026-11-24T09:00:00Z', '2026-11-24T10:00:00Z'), []],
    ['exactly 12 hours, overnight', shift('2026-11-24T20:00:00Z', '2026-11-25T08:00:00Z'), []],
    [
      'an end before the start',
      shift('2026-11-24T15:00:00Z', '2026-11-24T07:00:00Z'),
      ['endsAt: The shift must end after it starts'],
    ],
    [
      'no length at all',
      shift('2026-11-24T07:00:00Z', '2026-11-24T07:00:00Z'),
      ['endsAt: The shift must end after it starts'],
    ],
    [
      '45 minutes',
      shift('2026-11-24T07:00:00Z', '2026-11-24T07:45:00Z'),
      ['endsAt: A shift must be at least 1 hour long: this one is 45 minutes'],
    ],
    [
      '12 and a half hours',
      shift('2026-11-24T07:00:00Z', '2026-11-24T19:30:00Z'),
      ['endsAt: A shift can be at most 12 hours long: this one is 12 hours 30 minutes'],
    ],
    [
      'a shift that is over',
      shift('2026-11-22T07:00:00Z', '2026-11-22T15:00:00Z'),
      ['startsAt: This shift would already be over: it ends 22 Nov 2026, 15:00'],
    ],
    [
      'a mistyped year',
      shift('2028-11-24T07:00:00Z', '2028-11-24T15:00:00Z'),
      ['startsAt: A shift must start within the next 12 months: check the year'],
    ],
  ]
  for (const [name, times, expected] of cases) {
    it(name, () => {
      assert.deepEqual(
        shiftTimeIssues(times, NOW).map((i) => `${i.path}: ${i.message}`),
        expected,
      )
    })
  }

  it('reads UK wall-clock times across the clock change', () => {
    assert.equal(ukInstant('2026-07-01', '07:00').toISOString(), '2026-07-01T06:00:00.000Z')
    assert.equal(ukInstant('2026-11-24', '07:00').toISOString(), '2026-11-24T07:00:00.000Z')
    // The night the clocks go back, 20:00 to 07:00 is 12 hours of real time, not 11.
    const night = { startsAt: ukInstant('2026-10-24', '20:00'), endsAt: ukInstant('2026-10-25', '07:00') }
    assert.equal(night.endsAt.getTime() - night.startsAt.getTime(), 12 * 3_600_000)
    assert.equal(ukDate(at('2026-07-01T23:30:00Z')), '2026-07-02')
  })

  it('names a shift by its team and UK times, with the end’s date when it is another day', () => {
    const s = { teamName: 'Op Provide: Fylde', ...shift('2026-07-01T06:00:00Z', '2026-07-01T14:00:00Z') }
    assert.equal(describeShift(s), 'Op Provide: Fylde, 1 Jul 2026 07:00–15:00')
    const night = { teamName: 'Nights', ...shift('2026-11-24T20:00:00Z', '2026-11-25T06:00:00Z') }
    assert.equal(describeShift(night), 'Nights, 24 Nov 2026 20:00–25 Nov 2026 06:00')
  })

  it('treats shifts that only touch as not overlapping', () => {
    const early = shift('2026-11-24T07:00:00Z', '2026-11-24T15:00:00Z')
    assert.equal(overlaps(early, shift('2026-11-24T14:00:00Z', '2026-11-24T22:00:00Z')), true)
    assert.equal(overlaps(early, shift('2026-11-24T15:00:00Z', '2026-11-24T22:00:00Z')), false)
    assert.equal(overlaps(early, shift('2026-11-24T08:00:00Z', '2026-11-24T09:00:00Z')), true)
  })

  it('keeps ended and cancelled shifts as records', () => {
    const ended = { ...shift('2026-11-22T07:00:00Z', '2026-11-22T15:00:00Z'), cancelledAt: null }
    assert.equal(
      shiftClosedIssue(ended, NOW)?.message,
      'This shift ended 22 Nov 2026, 15:00: its rota is kept as a record',
    )
    const cancelled = {
      ...shift('2026-11-24T07:00:00Z', '2026-11-24T15:00:00Z'),
      cancelledAt: at('2026-11-23T07:00:00Z'),
    }
    assert.equal(shiftClosedIssue(cancelled, NOW)?.message, 'This shift was cancelled 23 Nov 2026, 07:00')
    assert.equal(shiftClosedIssue({ ...cancelled, cancelledAt: null }, NOW), null)
  })

  it('refuses to cancel a shift with planned visits', () => {
    assert.deepEqual(cancelIssues(0), [])
    assert.match(cancelIssues(1)[0]!.message, /has 1 planned visit: drop them/)
    assert.match(cancelIssues(3)[0]!.message, /has 3 planned visits/)
  })

  it('groups shifts by the UK day they start on', () => {
    const late = { id: 'a', ...shift('2026-07-01T23:30:00Z', '2026-07-02T06:00:00Z') }
    const days = shiftsByDay('2026-07-01', '2026-07-03', [late])
    assert.deepEqual(
      days.map((d) => [d.date, d.label, d.shifts.map((s) => s.id)]),
      [
        ['2026-07-01', 'Wednesday 1 Jul 2026', []],
        ['2026-07-02', 'Thursday 2 Jul 2026', ['a']],
        ['2026-07-03', 'Friday 3 Jul 2026', []],
      ],
    )
    assert.equal(weekdayText('2026-11-23'), 'Monday 23 Nov 2026')
    assert.equal(addDays('2026-12-30', 3), '2027-01-02')
  })
})

describe('base and vehicle', () => {
  const base = { name: 'Blackpool police station', agencyId: 'police', active: true }
  it('needs an active base of the team’s agency', () => {
    assert.deepEqual(baseIssues(base, 'police'), [])
    assert.deepEqual(baseIssues(undefined, 'police'), [
      { path: 'baseId', message: 'Choose the base the shift starts and ends at' },
    ])
    assert.equal(baseIssues(base, 'other')[0]!.message, 'Blackpool police station is a base of another agency')
    assert.equal(
      baseIssues({ ...base, active: false }, 'police')[0]!.message,
      'Blackpool police station is no longer in use: choose another base',
    )
  })

  const early = { id: 'new', ...shift('2026-11-24T07:00:00Z', '2026-11-24T15:00:00Z') }
  const vehicle = { callSign: 'Provide 1', agencyId: 'police', active: true, shifts: [] }
  const late = { id: 'late', teamName: 'Op Provide: Fylde', ...shift('2026-11-24T14:00:00Z', '2026-11-24T22:00:00Z') }
  const cases: [string, Parameters<typeof vehicleIssues>[2], string[]][] = [
    ['a free vehicle', vehicle, []],
    ['an unknown vehicle', undefined, ['Choose a vehicle from the list']],
    ['another agency’s', { ...vehicle, agencyId: 'other' }, ['Provide 1 is a vehicle of another agency']],
    ['out of service', { ...vehicle, active: false }, ['Provide 1 is no longer in service']],
    [
      'out with an overlapping shift',
      { ...vehicle, shifts: [late] },
      ['Provide 1 is already out with Op Provide: Fylde, 24 Nov 2026 14:00–22:00, which overlaps this shift'],
    ],
    ['on this same shift already', { ...vehicle, shifts: [{ ...late, id: 'new' }] }, []],
    [
      'on a shift that ends as this starts',
      { ...vehicle, shifts: [{ ...late, ...shift('2026-11-23T23:00:00Z', '2026-11-24T07:00:00Z') }] },
      [],
    ],
  ]
  for (const [name, facts, expected] of cases) {
    it(`vehicle: ${name}`, () => {
      assert.deepEqual(
        vehicleIssues(early, 'police', facts).map((i) => i.message),
        expected,
      )
    })
  }

  it('catches coordinates typed the wrong way round or outside the UK', () => {
    assert.deepEqual(coordinateIssues(53.8143, -3.0503), [])
    assert.match(coordinateIssues(-3.0503, 53.8143)[0]!.message, /look swapped/)
    assert.match(coordinateIssues(48.85, 2.35)[0]!.message, /outside the UK/)
    assert.equal(coordinateIssues(0, 0)[0]!.path, 'latitude')
  })
})

describe('who is on a shift', () => {
  const theShift = {
    id: 'new',
    teamAgencyName: 'Lancashire Constabulary',
    ...shift('2026-11-24T07:00:00Z', '2026-11-24T15:00:00Z'),
  }
  const person = (name: string, roles: Role[], o: Partial<PersonFacts> = {}): PersonFacts => ({
    displayName: name,
    agencyKind: roles.includes('health_idva') ? 'nhs' : 'police',
    roles,
    disabled: false,
    agency: roles.includes('health_idva') ? 'partner' : 'team',
    shifts: [],
    ...o,
  })
  const people = new Map<string, PersonFacts>([
    ['jo', person('PC Jo', ['op_provide_officer'])],
    ['alex', person('PC Alex', ['response_officer'])],
    ['chris', person('Chris (IDVA)', ['health_idva'])],
    ['sam', person('DS Sam', ['detective_sergeant'])],
    ['pat', person('Pat (MARAC)', ['marac_coordinator'], { agencyKind: 'third_sector', agency: 'other' })],
    ['kim', person('Kim (IDVA)', ['health_idva'], { agency: 'other' })],
    ['lee', person('PC Lee', ['op_provide_officer'], { agency: 'partner' })],
    ['off', person('PC Off', ['op_provide_officer'], { disabled: true })],
    [
      'busy',
      person('Robin (IDVA)', ['health_idva'], {
        shifts: [
          { id: 'late', teamName: 'Op Provide: Fylde', ...shift('2026-11-24T14:00:00Z', '2026-11-24T22:00:00Z') },
          { id: 'new', teamName: 'This one', ...shift('2026-11-24T07:00:00Z', '2026-11-24T15:00:00Z') },
        ],
      }),
    ],
  ])
  const cases: [string, [string, 'officer' | 'idva'][], string[]][] = [
    [
      'an officer and an IDVA',
      [
        ['jo', 'officer'],
        ['chris', 'idva'],
      ],
      [],
    ],
    ['a response officer rotating in', [['alex', 'officer']], []],
    ['nobody yet (readiness says what is missing)', [], []],
    [
      'an IDVA as the officer',
      [['chris', 'officer']],
      [
        'Chris (IDVA) cannot be on as a police officer: that needs the Op Provide officer or Response officer role in a police force',
      ],
    ],
    [
      'an officer as the IDVA',
      [['jo', 'idva']],
      ['PC Jo cannot be on as a health IDVA: that needs the Health IDVA role'],
    ],
    [
      'a sergeant as officer',
      [['sam', 'officer']],
      [
        'DS Sam cannot be on as a police officer: that needs the Op Provide officer or Response officer role in a police force',
      ],
    ],
    [
      'someone listed twice',
      [
        ['jo', 'officer'],
        ['jo', 'idva'],
      ],
      ['PC Jo is listed more than once: choose one duty for them'],
    ],
    ['an unknown person', [['ghost', 'officer']], ['Choose people from the list']],
    ['a disabled account', [['off', 'officer']], ['PC Off’s account is disabled']],
    [
      'an officer of another force',
      [['lee', 'officer']],
      ['PC Lee works for another police force, so cannot be on this team’s shift'],
    ],
    [
      'an IDVA whose trust does not receive the force’s incidents',
      [['kim', 'idva']],
      [
        'Kim (IDVA) works for an agency that Lancashire Constabulary does not share incidents with, so could not open the records of the shift’s visits',
      ],
    ],
    [
      'an IDVA already on an overlapping shift',
      [['busy', 'idva']],
      ['Robin (IDVA) is already on Op Provide: Fylde, 24 Nov 2026 14:00–22:00, which overlaps this shift'],
    ],
  ]
  for (const [name, entries, expected] of cases) {
    it(name, () => {
      const issues = rotaIssues(
        theShift,
        entries.map(([userId, duty]) => ({ userId, duty })),
        people,
      )
      assert.deepEqual(
        issues.map((i) => i.message),
        expected,
      )
      assert.ok(issues.every((i) => i.path === 'members'))
    })
  }

  it('fits duties to roles and police forces', () => {
    assert.equal(fitsDuty('officer', ['op_provide_officer'], 'police'), true)
    assert.equal(fitsDuty('officer', ['response_officer'], 'nhs'), false)
    assert.equal(fitsDuty('idva', ['health_idva'], 'nhs'), true)
    assert.equal(fitsDuty('idva', ['safeguarding_officer'], 'police'), false)
  })
})

describe('readiness', () => {
  const record = (o: Partial<ShiftRecord> = {}): ShiftRecord => ({
    id: 's',
    teamId: 't',
    teamName: 'Op Provide',
    agencyId: 'a',
    ...shift('2026-11-24T07:00:00Z', '2026-11-24T15:00:00Z'),
    cancelledAt: null,
    createdBy: null,
    base: { id: 'b', name: 'Base', area: 'Blackpool', areaKind: 'urban', latitude: 53.8, longitude: -3.05 },
    vehicle: { id: 'v', callSign: 'Provide 1', registration: null },
    members: [
      { userId: 'jo', displayName: 'PC Jo', duty: 'officer', roles: ['op_provide_officer'] },
      { userId: 'chris', displayName: 'Chris', duty: 'idva', roles: ['health_idva'] },
    ],
    areas: ['Blackpool'],
    ...o,
  })
  const NO_OFFICER = 'No police officer is on this shift’s rota: a joint visit needs one'
  const NO_IDVA = 'No health IDVA is on this shift’s rota: a joint visit needs one'
  const NO_VEHICLE = 'No vehicle is assigned to this shift: the team needs one to make visits'
  const cases: [string, Partial<ShiftRecord>, string[]][] = [
    ['a full joint team', {}, []],
    ['no IDVA', { members: record().members.slice(0, 1) }, [NO_IDVA]],
    ['nobody and no vehicle', { members: [], vehicle: null }, [NO_OFFICER, NO_IDVA, NO_VEHICLE]],
    ['cancelled', { cancelledAt: at('2026-11-23T07:00:00Z'), vehicle: null }, ['This shift is cancelled']],
    [
      'an officer who has since lost the role',
      {
        members: [
          { userId: 'jo', displayName: 'PC Jo', duty: 'officer', roles: ['analyst'] },
          { userId: 'chris', displayName: 'Chris', duty: 'idva', roles: ['health_idva'] },
        ],
      },
      ['PC Jo is on as a police officer but no longer holds a role for it', NO_OFFICER],
    ],
  ]
  for (const [name, o, expected] of cases) {
    it(name, () => assert.deepEqual(shiftReadiness(record(o)), expected))
  }
})

describe('rotations', () => {
  const officer = { displayName: 'PC Alex', roles: ['response_officer'] as Role[], agencyKind: 'police' as const }
  const existing = [{ startsOn: '2026-09-01', endsOn: '2026-10-31', homeTeam: 'Response team C, Blackpool' }]
  const cases: [string, { startsOn: string; endsOn: string | null }, string[]][] = [
    ['after the last one', { startsOn: '2026-11-01', endsOn: null }, []],
    ['before it, ending the day before', { startsOn: '2026-08-01', endsOn: '2026-08-31' }, []],
    [
      'overlapping its last day',
      { startsOn: '2026-10-31', endsOn: null },
      [
        'startsOn: PC Alex already has a rotation from 1 Sep 2026 to 31 Oct 2026 (Response team C, Blackpool), which overlaps these dates',
      ],
    ],
    [
      'open-ended from before it',
      { startsOn: '2026-01-01', endsOn: null },
      [
        'startsOn: PC Alex already has a rotation from 1 Sep 2026 to 31 Oct 2026 (Response team C, Blackpool), which overlaps these dates',
      ],
    ],
    [
      'ending before it starts',
      { startsOn: '2026-12-01', endsOn: '2026-11-30' },
      ['endsOn: The end date must be the same as or after the start date'],
    ],
    ['a one-day rotation', { startsOn: '2026-12-01', endsOn: '2026-12-01' }, []],
  ]
  for (const [name, dates, expected] of cases) {
    it(name, () => {
      assert.deepEqual(
        rotationIssues(dates, officer, existing).map((i) => `${i.path}: ${i.message}`),
        expected,
      )
    })
  }

  it('is for police officers only', () => {
    const idva = { displayName: 'Chris', roles: ['health_idva'] as Role[], agencyKind: 'nhs' as const }
    assert.deepEqual(
      rotationIssues({ startsOn: '2026-12-01', endsOn: null }, idva, []).map((i) => i.message),
      ['Chris is not a police officer: a rotation is for officers joining from response teams'],
    )
    assert.deepEqual(
      rotationIssues({ startsOn: '2026-12-01', endsOn: null }, undefined, []).map((i) => i.message),
      ['Choose the officer from the list'],
    )
  })

  it('an open-ended overlap with an open-ended one', () => {
    const open = [{ startsOn: '2026-01-01', endsOn: null, homeTeam: 'Response team A' }]
    assert.match(
      rotationIssues({ startsOn: '2027-01-01', endsOn: null }, officer, open)[0]!.message,
      /with no end date/,
    )
  })

  it('ends an open rotation on or after its start', () => {
    assert.deepEqual(endRotationIssues({ startsOn: '2026-09-01', endsOn: null }, '2026-09-01'), [])
    assert.match(
      endRotationIssues({ startsOn: '2026-09-01', endsOn: null }, '2026-08-31')[0]!.message,
      /on or after the start date, 1 Sep 2026/,
    )
    assert.match(
      endRotationIssues({ startsOn: '2026-09-01', endsOn: '2026-10-01' }, '2026-11-01')[0]!.message,
      /already ended on 1 Oct 2026/,
    )
  })
})

describe('officers who have served', () => {
  const periods = [
    // Alex: two rotations, counted once.
    { userId: 'alex', from: '2026-06-15', to: '2026-07-15' },
    { userId: 'alex', from: '2026-10-01', to: null },
    // Jo: no rotation, but on shifts as officer.
    { userId: 'jo', from: '2026-09-03', to: '2026-09-03' },
    { userId: 'jo', from: '2026-11-20', to: '2026-11-20' },
    // Sam starts after the report's date: not counted yet.
    { userId: 'sam', from: '2026-11-30', to: null },
  ]

  it('counts distinct officers who started on or before the date, by month', () => {
    const report = servedOfficers(periods, '2026-11-23', 6)
    assert.equal(report.total, 2)
    assert.deepEqual(
      report.periods.map((p) => [p.month, p.label, p.serving, p.joined, p.cumulative]),
      [
        ['2026-06', 'June 2026', 1, 1, 1],
        ['2026-07', 'July 2026', 1, 0, 1],
        ['2026-08', 'August 2026', 0, 0, 1],
        ['2026-09', 'September 2026', 1, 1, 2],
        ['2026-10', 'October 2026', 1, 0, 2],
        ['2026-11', 'November 2026', 2, 0, 2],
      ],
    )
  })

  it('counts up to the date, and across a year end', () => {
    assert.equal(servedOfficers(periods, '2026-11-30', 1).total, 3)
    assert.equal(servedOfficers(periods, '2026-06-14', 1).total, 0)
    const report = servedOfficers([{ userId: 'a', from: '2026-12-31', to: '2027-01-01' }], '2027-01-10', 2)
    assert.deepEqual(
      report.periods.map((p) => [p.month, p.serving, p.joined, p.cumulative]),
      [
        ['2026-12', 1, 1, 1],
        ['2027-01', 1, 0, 1],
      ],
    )
  })
})
