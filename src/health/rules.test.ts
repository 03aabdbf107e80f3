import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { WeeklyWindow } from '../cases/rules.ts'
import { contactWarnings, importAudit, movesContact, type ChangedAppointment } from './rules.ts'

// Tuesday 9 June 2026, 14:00 to 14:30 UK time (BST): 13:00 to 13:30 UTC.
const START = new Date('2026-06-09T13:00:00Z')
const END = new Date('2026-06-09T13:30:00Z')
const TUESDAY = 2
const window = (weekday: number, from: string, to: string): WeeklyWindow => {
  const minute = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3))
  return { weekday, startMinute: minute(from), endMinute: minute(to) }
}
const CUSTODY =
  'The safe-contact details say contact only while the suspect is in custody: the shift planner will not place a visit at this appointment unless the suspect is in custody then.'
const outside = (when: string, windows: string) =>
  `The appointment, ${when}, is not within the safe-contact times (${windows}): the shift planner will not place a visit outside them.`

describe('contactWarnings', () => {
  const cases: [string, { windows: WeeklyWindow[]; custody?: boolean; end?: Date | null }, string[]][] = [
    ['no details: any time', { windows: [] }, []],
    ['a window around the appointment and the minutes before it', { windows: [window(TUESDAY, '13:00', '16:00')] }, []],
    [
      'windows that meet, covering it between them',
      { windows: [window(TUESDAY, '13:00', '14:10'), window(TUESDAY, '14:10', '15:00')] },
      [],
    ],
    [
      'a window opening at the appointment, too late for the visit before it',
      { windows: [window(TUESDAY, '14:00', '16:00')] },
      [outside('9 Jun 2026, 14:00 to 14:30', 'Tue 14:00–16:00')],
    ],
    [
      'a window closing before the appointment ends',
      { windows: [window(TUESDAY, '13:00', '14:15')] },
      [outside('9 Jun 2026, 14:00 to 14:30', 'Tue 13:00–14:15')],
    ],
    [
      'windows on other days only',
      { windows: [window(1, '10:00', '12:00'), window(3, '10:00', '12:00')] },
      [outside('9 Jun 2026, 14:00 to 14:30', 'Mon, Wed 10:00–12:00')],
    ],
    ['with no end, the minutes before the start', { windows: [window(TUESDAY, '13:45', '14:00')], end: null }, []],
    ['only while the suspect is in custody', { windows: [], custody: true }, [CUSTODY]],
    [
      'both',
      { windows: [window(1, '10:00', '12:00')], custody: true },
      [CUSTODY, outside('9 Jun 2026, 14:00 to 14:30', 'Mon 10:00–12:00')],
    ],
  ]
  for (const [name, { windows, custody = false, end = END }, expected] of cases) {
    it(name, () =>
      assert.deepEqual(
        contactWarnings({ startAt: START, endAt: end }, { windows, onlyWhileSuspectInCustody: custody }),
        expected,
      ),
    )
  }
})

describe('movesContact', () => {
  const stored = {
    status: 'booked',
    start_at: START,
    latitude: 53.79,
    longitude: -2.69,
    contact_planned_at: new Date('2026-06-01T09:00:00Z'),
  }
  const same = { start: START, location: { latitude: 53.79, longitude: -2.69 } }
  const cases: [string, Parameters<typeof movesContact>[0], Parameters<typeof movesContact>[1], boolean][] = [
    ['the same time and place', stored, same, false],
    ['no contact planned', { ...stored, contact_planned_at: null }, { ...same, start: END }, false],
    ['a new time', stored, { ...same, start: END }, true],
    ['a new place', stored, { ...same, location: { latitude: 53.8, longitude: -2.69 } }, true],
    ['the place no longer given', stored, { ...same, location: null }, true],
    ['booked again after it was withdrawn', { ...stored, status: 'withdrawn' }, same, true],
  ]
  for (const [name, before, after, expected] of cases) {
    it(`${name}: ${expected}`, () => assert.equal(movesContact(before, after), expected))
  }
})

describe('importAudit', () => {
  it('writes a row per victim record of each patient, listing the changes, and one per appointment of nobody on record', () => {
    const changed: ChangedAppointment[] = [
      { id: 'a1', nhs_number: 'n1', change: 'created' },
      { id: 'a2', nhs_number: 'n1', change: 'withdrawn' },
      { id: 'a3', nhs_number: 'n2', change: 'updated' },
      { id: 'a4', nhs_number: 'n3', change: 'withdrawn' },
    ]
    const victims = [
      { id: 'v1', incident_id: 'i1', nhs_number: 'n1' },
      { id: 'v2', incident_id: 'i2', nhs_number: 'n1' },
      { id: 'v3', incident_id: 'i3', nhs_number: 'n2' },
      { id: 'v4', incident_id: 'i4', nhs_number: 'n9' },
    ]
    const row = (recordId: string, details: Record<string, unknown>) => ({
      action: 'collect',
      recordType: 'incident_person',
      recordId,
      fields: ['nhs_appointment'],
      details: { importId: 'imp', ...details },
    })
    assert.deepEqual(importAudit('imp', changed, victims), [
      row('v1', { incidentId: 'i1', created: ['a1'], updated: [], withdrawn: ['a2'] }),
      row('v2', { incidentId: 'i2', created: ['a1'], updated: [], withdrawn: ['a2'] }),
      row('v3', { incidentId: 'i3', created: [], updated: ['a3'], withdrawn: [] }),
      {
        action: 'collect',
        recordType: 'nhs_appointment',
        recordId: 'a4',
        fields: ['nhs_appointment'],
        details: { importId: 'imp', change: 'withdrawn' },
      },
    ])
  })
})
