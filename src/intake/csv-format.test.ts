import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { incidentInputSchema } from './incident-schema.ts'
import {
  csvRecordToIncidentCandidate,
  INCIDENT_CSV_COLUMNS,
  incidentToCsvRecord,
  mapSchemaPathToColumn,
  validateHeader,
} from './csv-format.ts'

const HEADER = INCIDENT_CSV_COLUMNS.map((c) => c.name)

// A minimal valid row (synthetic people and places); cases add or change cells.
const row = (cells: Record<string, string> = {}): Record<string, string> => ({
  force_reference: 'LC-20240615-0042',
  reported_at: '2024-06-15T09:30:00+01:00',
  occurred_at: '2024-06-15T08:45:00+01:00',
  address: '12 Example Street, Blackpool',
  postcode: 'FY1 1AA',
  area: 'Blackpool',
  risk_tool: 'DASH',
  risk_level: 'high',
  victim_first_name: 'Alex',
  victim_last_name: 'Sample',
  ...cells,
})

const convert = (cells: Record<string, string>) => csvRecordToIncidentCandidate(row(cells))
const get = (candidate: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], candidate)

describe('INCIDENT_CSV_COLUMNS', () => {
  it('has unique names and the required columns', () => {
    assert.equal(new Set(HEADER).size, HEADER.length)
    assert.deepEqual(
      INCIDENT_CSV_COLUMNS.filter((c) => c.required).map((c) => c.name),
      [
        'force_reference',
        'reported_at',
        'occurred_at',
        'address',
        'postcode',
        'area',
        'risk_tool',
        'risk_level',
        'victim_first_name',
        'victim_last_name',
      ],
    )
  })
})

describe('validateHeader', () => {
  const without = (name: string) => HEADER.filter((h) => h !== name)
  const cases: [string, string[], [string, RegExp][]][] = [
    ['every column', HEADER, []],
    ['only the required columns, in any order', Object.keys(row()).reverse(), []],
    ['a missing required column', without('risk_level'), [['risk_level', /^Required column risk_level is missing$/]]],
    ['a missing optional column', without('summary'), []],
    ['an unknown column', [...HEADER, 'officer_id'], [['officer_id', /^Unknown column "officer_id"$/]]],
    [
      'a near miss',
      [...without('victim_nhs_number'), 'Victim NHS Number'],
      [['Victim NHS Number', /^Unknown column "Victim NHS Number"; did you mean victim_nhs_number\?$/]],
    ],
    [
      'a byte order mark on the first column',
      ['\uFEFFforce_reference', ...without('force_reference')],
      [
        ['\uFEFFforce_reference', /did you mean force_reference\?$/],
        ['force_reference', /^Required column force_reference is missing$/],
      ],
    ],
    ['a duplicate column', [...HEADER, 'area'], [['area', /^Column area appears more than once$/]]],
    ['a blank column', [...HEADER, ''], [['(column 38)', /^Unknown column ""$/]]],
  ]
  for (const [name, header, expected] of cases) {
    it(name, () => {
      const issues = validateHeader(header)
      assert.deepEqual(
        issues.map((i) => i.path),
        expected.map(([path]) => path),
        JSON.stringify(issues),
      )
      issues.forEach((issue, n) => assert.match(issue.message, expected[n]![1]))
    })
  }
})

describe('csvRecordToIncidentCandidate: values', () => {
  const cases: [string, Record<string, string>, string, unknown][] = [
    ['empty cell is absent', { summary: '' }, 'summary', undefined],
    ['cells are trimmed', { summary: '  Argument overheard  ' }, 'summary', 'Argument overheard'],
    ['Y', { health_needs: 'Y' }, 'healthNeeds', true],
    ['n', { health_needs: 'n' }, 'healthNeeds', false],
    ['Yes', { additional_vulnerabilities: 'Yes' }, 'additionalVulnerabilities', true],
    ['FALSE', { children_present: 'FALSE' }, 'childrenPresent', false],
    ['1', { children_present: '1' }, 'childrenPresent', true],
    ['0', { children_present: '0' }, 'childrenPresent', false],
    ['latitude', { latitude: '53.8175' }, 'location.latitude', 53.8175],
    ['negative longitude', { longitude: '-3.0357' }, 'location.longitude', -3.0357],
    ['levels in capitals', { risk_level: 'High', judgement_level: 'HIGH' }, 'risk.judgementLevel', 'high'],
    ['ISO instant kept as given', {}, 'reportedAt', '2024-06-15T09:30:00+01:00'],
    ['UK time in winter (GMT)', { reported_at: '17/03/2024 21:40' }, 'reportedAt', '2024-03-17T21:40:00.000Z'],
    ['UK time in summer (BST)', { reported_at: '1/7/2024 09:05' }, 'reportedAt', '2024-07-01T08:05:00.000Z'],
    ['UK time with seconds', { reported_at: '01/07/2024 09:05:30' }, 'reportedAt', '2024-07-01T08:05:30.000Z'],
    // uk-time policy: a time in the spring gap is the first instant after it, a repeated autumn time the earlier.
    ['UK time in the spring gap', { occurred_at: '31/03/2024 01:30' }, 'occurredAt', '2024-03-31T01:00:00.000Z'],
    ['UK time repeated in autumn', { occurred_at: '27/10/2024 01:30' }, 'occurredAt', '2024-10-27T00:30:00.000Z'],
    [
      'custody time',
      { suspect_arrested_at: '15/06/2024 10:00' },
      'people.1.custody.arrestedAt',
      '2024-06-15T09:00:00.000Z',
    ],
    ['ISO date of birth', { victim_dob: '1990-02-03' }, 'people.0.dateOfBirth', '1990-02-03'],
    ['UK date of birth', { victim_dob: '3/2/1990' }, 'people.0.dateOfBirth', '1990-02-03'],
    [
      'answers',
      { risk_answers: ' q1_injured = YES ; q2_frightened=n;q3_afraid_of=not known; q4_isolated=NK ;' },
      'risk.answers',
      { q1_injured: 'yes', q2_frightened: 'no', q3_afraid_of: 'not_known', q4_isolated: 'not_known' },
    ],
    [
      '__proto__ as a question id is an ordinary key',
      { risk_answers: '__proto__=yes' },
      'risk.answers.__proto__',
      'yes',
    ],
    ['no suspect columns: no suspect', {}, 'people.1', undefined],
    ['suspect from any suspect column', { suspect_phone: '07700 900123' }, 'people.1.role', 'suspect'],
    [
      'children, with and without a date of birth',
      { children: 'Jo Sample 2015-04-01; Mary Jane Sample 12/09/2018;Kit Sample' },
      'people',
      [
        { role: 'victim', firstName: 'Alex', lastName: 'Sample' },
        { role: 'child', firstName: 'Jo', lastName: 'Sample', dateOfBirth: '2015-04-01' },
        { role: 'child', firstName: 'Mary Jane', lastName: 'Sample', dateOfBirth: '2018-09-12' },
        { role: 'child', firstName: 'Kit', lastName: 'Sample' },
      ],
    ],
    [
      'people in order: victim, suspect, children, others; surname with spaces',
      { suspect_first_name: 'Sam', other_people: 'de la Testa, Ana Maria 1960-01-01', children: 'Jo Sample' },
      'people',
      [
        { role: 'victim', firstName: 'Alex', lastName: 'Sample' },
        { role: 'suspect', firstName: 'Sam' },
        { role: 'child', firstName: 'Jo', lastName: 'Sample' },
        { role: 'other', firstName: 'Ana Maria', lastName: 'de la Testa', dateOfBirth: '1960-01-01' },
      ],
    ],
  ]
  for (const [name, cells, path, expected] of cases) {
    it(name, () => {
      const { candidate, issues } = convert(cells)
      assert.deepEqual(issues, [])
      assert.deepEqual(get(candidate, path), expected)
    })
  }

  it('reads a missing column as empty', () => {
    const record = row()
    delete record.summary
    assert.deepEqual(csvRecordToIncidentCandidate(record).issues, [])
  })
})

describe('csvRecordToIncidentCandidate: bad values', () => {
  const cases: [Record<string, string>, string, RegExp][] = [
    [{ health_needs: 'maybe' }, 'health_needs', /^Enter Y or N \(or yes\/no, true\/false, 1\/0\), not "maybe"$/],
    [{ children_present: 'constructor' }, 'children_present', /^Enter Y or N/],
    [{ latitude: '53,8' }, 'latitude', /^Enter a number, like 53.8175, not "53,8"$/],
    [{ longitude: '3W' }, 'longitude', /^Enter a number/],
    [{ reported_at: 'yesterday' }, 'reported_at', /^Enter a date and time like 17\/03\/2024 21:40 \(UK time\)/],
    [{ reported_at: '2024-06-15T09:30:00' }, 'reported_at', /has no time zone; add Z or an offset/],
    [{ occurred_at: '31/02/2024 10:00' }, 'occurred_at', /^"31\/02\/2024 10:00" is not a real date and time$/],
    [{ occurred_at: '15/06/2024 24:00' }, 'occurred_at', /is not a real date and time$/],
    [{ suspect_released_at: '2024-06-15 10:00' }, 'suspect_released_at', /^Enter a date and time/],
    [{ victim_dob: '1990-02-30' }, 'victim_dob', /^"1990-02-30" is not a real date$/],
    [{ victim_dob: '03-02-1990' }, 'victim_dob', /^Enter a date like 01\/04\/2015 or 2015-04-01/],
    [{ risk_answers: 'q1_injured' }, 'risk_answers', /^"q1_injured" should be question=answer/],
    [{ risk_answers: 'q1_injured=yes=no' }, 'risk_answers', /should be question=answer/],
    [{ risk_answers: '=yes' }, 'risk_answers', /should be question=answer/],
    [
      { risk_answers: 'q1_injured=probably' },
      'risk_answers',
      /^q1_injured: answer yes, no or not_known, not "probably"$/,
    ],
    [{ risk_answers: 'q1_injured=yes;Q1_INJURED=no' }, 'risk_answers', /^q1_injured is answered more than once$/],
    [{ children: 'Jo Sample 2015-04-01; Kit' }, 'children', /^Entry 2 \("Kit"\): give a first and last name/],
    [
      { children: 'Jo Sample 2015-13-01' },
      'children',
      /^Entry 1 \("Jo Sample 2015-13-01"\): "2015-13-01" is not a real date$/,
    ],
    [{ other_people: 'Testa, 1960-01-01' }, 'other_people', /^Entry 1 .*give a first and last name/],
  ]
  for (const [cells, column, message] of cases) {
    it(`${column} = ${JSON.stringify(Object.values(cells)[0])}`, () => {
      const { issues } = convert(cells)
      assert.equal(issues.length, 1, JSON.stringify(issues))
      assert.equal(issues[0]!.path, column)
      assert.match(issues[0]!.message, message)
    })
  }
})

describe('mapSchemaPathToColumn', () => {
  const cases: [string, string][] = [
    ['forceReference', 'force_reference'],
    ['location.postcode', 'postcode'],
    ['location.latitude', 'latitude'],
    ['risk.tool', 'risk_tool'],
    ['risk.answers.q1_injured', 'risk_answers'],
    ['risk.judgementReason', 'judgement_reason'],
    ['childrenPresent', 'children_present'],
    ['people.0.firstName', 'victim_first_name'],
    ['people.0.nhsNumber', 'victim_nhs_number'],
    ['people.0', 'victim_first_name'],
    ['people.1.custody.arrestedAt', 'suspect_arrested_at'],
    ['people.1.custody.releasedAt', 'suspect_released_at'],
    ['people.1.custody', 'suspect_arrested_at'],
    ['people.1.dateOfBirth', 'suspect_dob'],
    ['people.0.custody', 'people.0.custody'], // no column holds a victim's custody
    ['people.4.firstName', 'people.4.firstName'], // unknown role without the candidate
    ['people', 'people'],
    ['nonsense.path', 'nonsense.path'],
  ]
  for (const [path, column] of cases) {
    it(`${path} -> ${column}`, () => assert.equal(mapSchemaPathToColumn(path), column))
  }

  const { candidate } = convert({ children: 'Jo Sample 2000-01-01', other_people: 'Pat Example' })
  const withCandidate: [string, string][] = [
    ['people.0.lastName', 'victim_last_name'],
    ['people.1.dateOfBirth', 'children'], // no suspect in this row, so people.1 is the child
    ['people.2.firstName', 'other_people'],
  ]
  for (const [path, column] of withCandidate) {
    it(`${path} -> ${column} with the candidate`, () => assert.equal(mapSchemaPathToColumn(path, candidate), column))
  }

  it('maps schema errors on a converted row back to its columns', () => {
    const { candidate, issues } = convert({ postcode: 'NOT A POSTCODE', victim_nhs_number: '9434765918' })
    assert.deepEqual(issues, [])
    const result = incidentInputSchema.safeParse(candidate)
    assert.ok(!result.success)
    assert.deepEqual(
      result.error.issues.map((i) => mapSchemaPathToColumn(i.path.join('.'), candidate)),
      ['postcode', 'victim_nhs_number'],
    )
  })
})

describe('incidentToCsvRecord', () => {
  const full = incidentInputSchema.parse({
    forceReference: 'LC/2024/0615/0042',
    reportedAt: '2024-06-15T09:30:00+01:00',
    occurredAt: '2024-06-15T08:45:00.000Z',
    location: {
      address: '12 Example Street, Blackpool',
      postcode: 'fy11aa',
      area: 'Blackpool',
      latitude: 53.8175,
      longitude: -3.0357,
    },
    people: [
      {
        role: 'victim',
        firstName: 'Alex',
        lastName: 'Sample',
        dateOfBirth: '1990-02-03',
        address: 'Flat 2, 12 Example Street',
        postcode: 'FY1 1AA',
        phone: '+44 7700 900123',
        nhsNumber: '999 000 0018',
      },
      {
        role: 'suspect',
        firstName: 'Sam',
        lastName: 'Testperson',
        dateOfBirth: '1988-11-30',
        address: '3 Nowhere Road',
        postcode: 'FY2 0AA',
        phone: '07700 900456',
        custody: {
          arrestedAt: '2024-06-15T10:00:00+01:00',
          expectedReleaseAt: '2024-06-16T10:00:00+01:00',
          releasedAt: '2024-06-15T22:15:00Z',
        },
      },
      { role: 'child', firstName: 'Jo', lastName: 'Sample', dateOfBirth: '2015-04-01' },
      { role: 'child', firstName: 'Mary Jane', lastName: 'Sample' },
      { role: 'other', firstName: 'Ana Maria', lastName: 'de la Testa', dateOfBirth: '1960-01-01' },
    ],
    risk: {
      tool: 'DASH',
      answers: { q1_injured: 'yes', q2_frightened: 'no', q3_afraid_of: 'not_known' },
      level: 'standard',
      judgementLevel: 'high',
      judgementReason: 'Strangulation disclosed; recent separation',
    },
    additionalVulnerabilities: true,
    vulnerabilityNotes: 'Hearing impaired',
    healthNeeds: true,
    healthNeedsNotes: 'Misses antenatal appointments',
    childrenPresent: true,
    summary: 'Neighbour called 999, "shouting and a crash"',
  })
  const minimal = incidentInputSchema.parse(csvRecordToIncidentCandidate(row()).candidate)

  const roundTrips: [string, typeof full][] = [
    ['every column filled', full],
    ['only the required columns', minimal],
  ]
  for (const [name, input] of roundTrips) {
    it(`round-trips with ${name}`, () => {
      const record = incidentToCsvRecord(input)
      assert.deepEqual(Object.keys(record), HEADER)
      const { candidate, issues } = csvRecordToIncidentCandidate(record)
      assert.deepEqual(issues, [])
      assert.deepEqual(incidentInputSchema.parse(candidate), input)
    })
  }

  it('writes lists, answers and booleans in the documented forms', () => {
    const record = incidentToCsvRecord(full)
    assert.equal(record.children, 'Jo Sample 2015-04-01; Mary Jane Sample')
    assert.equal(record.other_people, 'de la Testa, Ana Maria 1960-01-01')
    assert.equal(record.risk_answers, 'q1_injured=yes;q2_frightened=no;q3_afraid_of=not_known')
    assert.equal(record.health_needs, 'Y')
    assert.equal(incidentToCsvRecord(minimal).health_needs, 'N')
    assert.equal(record.victim_nhs_number, '9990000018')
    assert.equal(record.postcode, 'FY1 1AA')
  })

  const unwritable: [string, (i: typeof full) => void, RegExp][] = [
    ['two victims', (i) => i.people.push({ ...i.people[0]! }), /exactly one victim/],
    ['no victim', (i) => (i.people = i.people.slice(1)), /exactly one victim/],
    ['two suspects', (i) => i.people.push({ ...i.people[1]! }), /at most one suspect/],
    ['a suspect NHS number', (i) => (i.people[1]!.nhsNumber = '9990000018'), /people\.1\.nhsNumber has no column/],
    ['a child phone number', (i) => (i.people[2]!.phone = '07700 900789'), /people\.2\.phone has no column/],
    [
      'a victim custody record',
      (i) => (i.people[0]!.custody = { arrestedAt: '2024-06-15T10:00:00Z' }),
      /people\.0\.custody has no column/,
    ],
    ['a ; in a child name', (i) => (i.people[2]!.firstName = 'Jo;Kit'), /people\.2 has a ; or , in a name/],
  ]
  for (const [name, change, message] of unwritable) {
    it(`refuses ${name}`, () => {
      const input = structuredClone(full)
      change(input)
      assert.throws(() => incidentToCsvRecord(input), message)
    })
  }
})
