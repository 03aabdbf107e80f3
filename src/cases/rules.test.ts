import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  combineSafeContacts,
  describeSafeContact,
  describeWeeklyWindows,
  incidentsInLastYear,
  intersectWeeklyWindows,
  minuteOfClock,
  safeContactIssues,
  safeContactSchema,
  type SafeContactDetails,
  type WeeklyWindow,
} from './rules.ts'

const w = (weekday: number, from: string, to: string): WeeklyWindow => ({
  weekday,
  startMinute: minuteOfClock(from)!,
  endMinute: minuteOfClock(to)!,
})
const details = (o: Partial<SafeContactDetails> = {}): SafeContactDetails => ({
  methods: [],
  onlyWhileSuspectInCustody: false,
  windows: [],
  notes: null,
  ...o,
})
const weekdays = (from: string, to: string) => [1, 2, 3, 4, 5].map((d) => w(d, from, to))

describe('describeWeeklyWindows', () => {
  const cases: { name: string; windows: WeeklyWindow[]; text: string }[] = [
    { name: 'none', windows: [], text: '' },
    {
      name: 'two days, in week order',
      windows: [w(3, '09:00', '10:00'), w(1, '10:00', '24:00')],
      text: 'Mon 10:00–24:00, Wed 09:00–10:00',
    },
    { name: 'weekdays with the same times together', windows: weekdays('10:00', '12:00'), text: 'Mon–Fri 10:00–12:00' },
    {
      name: 'runs and gaps, other times apart',
      windows: [w(1, '10:00', '12:00'), w(2, '10:00', '12:00'), w(4, '10:00', '12:00'), w(1, '14:00', '18:00')],
      text: 'Mon–Tue, Thu 10:00–12:00, Mon 14:00–18:00',
    },
  ]
  for (const c of cases) it(c.name, () => assert.equal(describeWeeklyWindows(c.windows), c.text))
})

describe('describeSafeContact', () => {
  const cases: { name: string; d: SafeContactDetails | null; text: string }[] = [
    { name: 'nothing recorded', d: null, text: 'Not recorded' },
    { name: 'recorded with no limits', d: details(), text: 'Any way; any time' },
    {
      name: 'the issue’s example',
      d: details({ methods: ['text'], windows: weekdays('10:00', '12:00'), notes: 'Never when he is home' }),
      text: 'Text message only; Mon–Fri 10:00–12:00. Never when he is home',
    },
    {
      name: 'several ways, only while in custody',
      d: details({ methods: ['text', 'phone', 'email'], onlyWhileSuspectInCustody: true }),
      text: 'Text message, phone call or e-mail only; only while the suspect is in custody',
    },
    {
      name: 'custody and windows',
      d: details({ onlyWhileSuspectInCustody: true, windows: [w(6, '14:00', '16:00')] }),
      text: 'Any way; only while the suspect is in custody, Sat 14:00–16:00',
    },
  ]
  for (const c of cases) it(c.name, () => assert.equal(describeSafeContact(c.d), c.text))
})

describe('combineSafeContacts', () => {
  const cases: {
    name: string
    victims: (SafeContactDetails | null)[]
    expected: ReturnType<typeof combineSafeContacts>
  }[] = [
    { name: 'no one has details', victims: [null, null], expected: null },
    {
      name: 'one victim: their details',
      victims: [details({ windows: [w(1, '10:00', '12:00')] })],
      expected: { onlyWhileSuspectInCustody: false, windows: [w(1, '10:00', '12:00')] },
    },
    {
      name: 'windows intersect',
      victims: [details({ windows: [w(1, '10:00', '14:00')] }), details({ windows: [w(1, '12:00', '15:00')] })],
      expected: { onlyWhileSuspectInCustody: false, windows: [w(1, '12:00', '14:00')] },
    },
    {
      name: 'a victim without windows does not narrow them; one safe only in custody makes the visit so',
      victims: [details({ windows: [w(2, '09:00', '11:00')] }), details({ onlyWhileSuspectInCustody: true }), null],
      expected: { onlyWhileSuspectInCustody: true, windows: [w(2, '09:00', '11:00')] },
    },
    {
      name: 'windows with no time in common',
      victims: [details({ windows: [w(1, '08:00', '10:00')] }), details({ windows: [w(1, '12:00', '14:00')] })],
      expected: { onlyWhileSuspectInCustody: false, windows: [], noCommonTime: true },
    },
    {
      name: 'overlapping windows of one victim merge before intersecting',
      victims: [
        details({ windows: [w(1, '09:00', '11:00'), w(1, '10:00', '13:00'), w(3, '09:00', '10:00')] }),
        details({ windows: [w(1, '12:00', '16:00'), w(3, '09:30', '12:00')] }),
      ],
      expected: { onlyWhileSuspectInCustody: false, windows: [w(1, '12:00', '13:00'), w(3, '09:30', '10:00')] },
    },
  ]
  for (const c of cases) it(c.name, () => assert.deepEqual(combineSafeContacts(c.victims), c.expected))

  it('intersects day by day', () => {
    assert.deepEqual(intersectWeeklyWindows([w(1, '10:00', '12:00')], [w(2, '10:00', '12:00')]), [])
  })
})

describe('safe-contact input', () => {
  it('names who to go through', () => {
    assert.deepEqual(safeContactIssues(details({ methods: ['professional'] })), [
      { path: 'notes', message: 'Name who to contact through a named professional' },
    ])
    assert.deepEqual(safeContactIssues(details({ methods: ['professional'], notes: 'Her GP, Dr Example' })), [])
    assert.deepEqual(safeContactIssues(details({ methods: ['text'] })), [])
  })

  it('parses the same after parsing, as the API’s route and the service both parse', () => {
    const once = safeContactSchema.parse({ methods: ['text', 'text'], onlyWhileSuspectInCustody: false, windows: [] })
    assert.deepEqual(once, { methods: ['text'], onlyWhileSuspectInCustody: false, notes: null, windows: [] })
    assert.deepEqual(safeContactSchema.parse(once), once)
    assert.equal(safeContactSchema.safeParse({ ...once, methods: ['carrier_pigeon'] }).success, false)
    assert.equal(safeContactSchema.safeParse({ ...once, windows: [w(1, '12:00', '10:00')] }).success, false)
  })

  it('reads clock times', () => {
    assert.equal(minuteOfClock('10:30'), 630)
    assert.equal(minuteOfClock('24:00'), 1440)
    for (const bad of ['24:01', '9', '10:60', '', undefined]) assert.equal(minuteOfClock(bad), null, String(bad))
  })
})

describe('incidentsInLastYear', () => {
  it('counts incidents reported in the 365 days up to now', () => {
    const now = new Date('2026-11-23T07:30:00Z')
    const days = (n: number) => new Date(now.getTime() - n * 24 * 3_600_000)
    assert.equal(incidentsInLastYear([days(0), days(364), days(365), days(366)], now), 3)
  })
})
