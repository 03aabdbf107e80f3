import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  baseFormToInput,
  formIssues,
  membersFormToInput,
  parseTime,
  rotationFormToInput,
  shiftFormPath,
  shiftFormToInput,
} from './form.ts'

const day = (d: string, m: string, y: string) => ({ 'date-day': d, 'date-month': m, 'date-year': y })

describe('shift form', () => {
  const cases: [string, Record<string, string>, { startsAt?: string; endsAt?: string; issues: string[] }][] = [
    [
      'the early shift in winter',
      { ...day('24', '11', '2026'), pattern: 'early' },
      { startsAt: '2026-11-24T07:00:00.000Z', endsAt: '2026-11-24T15:00:00.000Z', issues: [] },
    ],
    [
      'the late shift in summer (BST)',
      { ...day('1', '7', '2026'), pattern: 'late' },
      { startsAt: '2026-07-01T13:00:00.000Z', endsAt: '2026-07-01T21:00:00.000Z', issues: [] },
    ],
    [
      'other times',
      { ...day('24', '11', '2026'), pattern: 'other', startTime: '9:30', endTime: '1700' },
      { startsAt: '2026-11-24T09:30:00.000Z', endsAt: '2026-11-24T17:00:00.000Z', issues: [] },
    ],
    [
      'a night shift ends the next day',
      { ...day('24', '11', '2026'), pattern: 'other', startTime: '22:00', endTime: '06:00' },
      { startsAt: '2026-11-24T22:00:00.000Z', endsAt: '2026-11-25T06:00:00.000Z', issues: [] },
    ],
    [
      'the same start and end stays zero-length, for the rules to refuse',
      { ...day('24', '11', '2026'), pattern: 'other', startTime: '07:00', endTime: '07:00' },
      { startsAt: '2026-11-24T07:00:00.000Z', endsAt: '2026-11-24T07:00:00.000Z', issues: [] },
    ],
    ['no date', { pattern: 'early' }, { issues: ['date: Enter the date of the shift, like 23 11 2026'] }],
    [
      'an impossible date',
      { ...day('31', '2', '2026'), pattern: 'early' },
      { issues: ['date: The date of the shift must be a real date'] },
    ],
    ['no pattern', day('24', '11', '2026'), { issues: ['pattern: Choose the shift: early, late or other times'] }],
    [
      'times that are not times',
      { ...day('24', '11', '2026'), pattern: 'other', startTime: '7am', endTime: '25:00' },
      {
        issues: [
          'startTime: Enter the start time in 24-hour format, like 07:00',
          'endTime: Enter the end time in 24-hour format, like 15:00',
        ],
      },
    ],
  ]
  for (const [name, body, expected] of cases) {
    it(name, () => {
      const { candidate, issues, covered } = shiftFormToInput({ teamId: 't', baseId: 'b', ...body }, true)
      assert.deepEqual(
        issues.map((i) => `${i.path}: ${i.message}`),
        expected.issues,
      )
      assert.equal(candidate.startsAt, expected.startsAt)
      assert.equal(candidate.endsAt, expected.endsAt)
      assert.deepEqual(covered, issues.length ? ['startsAt', 'endsAt'] : [])
    })
  }

  it('sends no vehicle as null and leaves the team out of a change', () => {
    const { candidate } = shiftFormToInput(
      { ...day('24', '11', '2026'), pattern: 'early', baseId: 'b', vehicleId: '' },
      false,
    )
    assert.equal(candidate.vehicleId, null)
    assert.equal('teamId' in candidate, false)
  })

  it('puts the service’s issues on the form’s fields, without repeating its own', () => {
    const other = { pattern: 'other' }
    assert.equal(shiftFormPath('startsAt', other), 'date')
    assert.equal(shiftFormPath('endsAt', other), 'endTime')
    assert.equal(shiftFormPath('endsAt', { pattern: 'early' }), 'pattern')
    assert.equal(shiftFormPath('baseId', other), 'baseId')
    const input = shiftFormToInput({ pattern: 'early', baseId: '' }, true)
    const merged = formIssues(
      input,
      [
        { path: 'startsAt', message: 'Enter the start as a date and time' },
        { path: 'baseId', message: 'Choose the base' },
      ],
      (p) => shiftFormPath(p, { pattern: 'early' }),
    )
    assert.deepEqual(
      merged.map((i) => i.path),
      ['date', 'baseId'],
    )
  })

  it('reads 24-hour times', () => {
    assert.equal(parseTime('7:00'), '07:00')
    assert.equal(parseTime('0700'), '07:00')
    assert.equal(parseTime('23:59'), '23:59')
    assert.equal(parseTime('24:00'), null)
    assert.equal(parseTime('7'), null)
  })
})

describe('other forms', () => {
  it('turns ticked officers and IDVAs into duties', () => {
    assert.deepEqual(membersFormToInput({ officers: 'a', idvas: ['b', 'c'] }).members, [
      { userId: 'a', duty: 'officer' },
      { userId: 'b', duty: 'idva' },
      { userId: 'c', duty: 'idva' },
    ])
    assert.deepEqual(membersFormToInput({}).members, [])
  })

  it('reads coordinates as numbers, leaving words for the schema to refuse', () => {
    const input = baseFormToInput({ name: ' Base ', area: 'Blackpool', latitude: '53.8143', longitude: 'west' }, true)
    assert.equal(input.name, 'Base')
    assert.equal(input.latitude, 53.8143)
    assert.ok(Number.isNaN(input.longitude))
    assert.equal(input.active, true)
    assert.equal(baseFormToInput({ latitude: '' }, false).latitude, undefined)
  })

  it('keeps a rotation with a bad end date from being saved open-ended', () => {
    const input = rotationFormToInput({
      userId: 'u',
      homeTeam: 'Response team C',
      'startsOn-day': '1',
      'startsOn-month': '12',
      'startsOn-year': '2026',
      'endsOn-day': '40',
      'endsOn-month': '12',
      'endsOn-year': '2026',
    })
    assert.equal(input.candidate.startsOn, '2026-12-01')
    assert.equal(input.candidate.endsOn, '')
    assert.deepEqual(input.covered, ['endsOn'])
    assert.equal(
      rotationFormToInput({ 'startsOn-day': '1', 'startsOn-month': '12', 'startsOn-year': '2026' }).candidate.endsOn,
      null,
    )
  })
})
