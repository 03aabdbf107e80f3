import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  appointmentWindow,
  DEFAULT_DEPLOYMENT_SETTINGS,
  DISCREET_PLACE,
  describeChanges,
  mayMeetAtAppointment,
  meetingPlaces,
  outcomeIssues,
  planChanges,
  retryAfter,
  startWindows,
  visitPlace,
  visitWindows,
  weeklyPeriods,
  type WindowFacts,
} from './rules.ts'

const at = (iso: string) => new Date(iso)
// Monday 23 November 2026, UK winter time (UTC+0).
const SHIFT = { shiftStart: at('2026-11-23T07:00:00Z'), shiftEnd: at('2026-11-23T15:00:00Z') }
const facts = (o: Partial<WindowFacts> = {}): WindowFacts => ({
  ...SHIFT,
  now: at('2026-11-23T07:30:00Z'),
  custody: null,
  safeContact: null,
  notBefore: null,
  dispatchedAt: null,
  ...o,
})
const span = (p: { start: Date; end: Date }) =>
  `${p.start.toISOString().slice(11, 16)}-${p.end.toISOString().slice(11, 16)}`
const inCustodyUntil = (iso: string | null) => ({
  arrestedAt: at('2026-11-23T01:00:00Z'),
  expectedReleaseAt: iso ? at(iso) : null,
  releasedAt: null,
})

describe('visitWindows', () => {
  const cases: { name: string; facts: WindowFacts; periods: string[]; blocked?: RegExp; constraint?: RegExp }[] = [
    { name: 'no constraints: from now to the shift end', facts: facts(), periods: ['07:30-15:00'] },
    {
      name: 'before the shift starts: from the start',
      facts: facts({ now: at('2026-11-23T06:00:00Z') }),
      periods: ['07:00-15:00'],
    },
    {
      name: 'suspect in custody until 11:00: finish by 10:30',
      facts: facts({ custody: inCustodyUntil('2026-11-23T11:00:00Z') }),
      periods: ['07:30-10:30'],
      constraint: /Finish by 10:30: suspect due for release at 11:00/,
    },
    {
      name: 'release too soon: blocked',
      facts: facts({ custody: inCustodyUntil('2026-11-23T07:45:00Z') }),
      periods: [],
      blocked: /due for release at 07:45/,
    },
    {
      name: 'in custody since 01:00, release not recorded: assumed 24 hours after arrest',
      facts: facts({ custody: inCustodyUntil(null) }),
      periods: ['07:30-15:00'],
    },
    {
      name: 'arrested yesterday, release not recorded: assumed at 24 hours, so finish by 08:30',
      facts: facts({ custody: { arrestedAt: at('2026-11-22T09:00:00Z'), expectedReleaseAt: null, releasedAt: null } }),
      periods: ['07:30-08:30'],
      constraint: /release time not recorded, so assumed 24 hours after arrest, at 09:00/,
    },
    {
      name: 'safe only in custody, arrested long ago with no release recorded: blocked',
      facts: facts({
        custody: { arrestedAt: at('2026-11-21T09:00:00Z'), expectedReleaseAt: null, releasedAt: null },
        safeContact: { onlyWhileSuspectInCustody: true, windows: [] },
      }),
      periods: [],
      blocked: /only while the suspect is in custody/,
    },
    {
      name: 'safe only while in custody, suspect never arrested: blocked',
      facts: facts({ safeContact: { onlyWhileSuspectInCustody: true, windows: [] } }),
      periods: [],
      blocked: /only while the suspect is in custody/,
    },
    {
      name: 'safe only while in custody, suspect in custody until 12:00',
      facts: facts({
        custody: inCustodyUntil('2026-11-23T12:00:00Z'),
        safeContact: { onlyWhileSuspectInCustody: true, windows: [] },
      }),
      periods: ['07:30-11:30'],
    },
    {
      name: 'weekly windows on Monday 10:00-12:00 and 14:00-18:00',
      facts: facts({
        safeContact: {
          onlyWhileSuspectInCustody: false,
          windows: [
            { weekday: 1, startMinute: 600, endMinute: 720 },
            { weekday: 1, startMinute: 840, endMinute: 1080 },
            { weekday: 2, startMinute: 600, endMinute: 720 },
          ],
        },
      }),
      periods: ['10:00-12:00', '14:00-15:00'],
      constraint: /Safe-contact times: Mon–Tue 10:00–12:00, Mon 14:00–18:00/,
    },
    {
      name: 'weekly windows only on Tuesday: blocked on a Monday',
      facts: facts({
        safeContact: { onlyWhileSuspectInCustody: false, windows: [{ weekday: 2, startMinute: 600, endMinute: 720 }] },
      }),
      periods: [],
      blocked: /None of the victim's safe-contact times \(Tue 10:00–12:00\)/,
    },
    {
      name: 'two victims whose windows share no time: blocked',
      facts: facts({ safeContact: { onlyWhileSuspectInCustody: false, windows: [], noCommonTime: true } }),
      periods: [],
      blocked: /safe-contact times have no time in common/,
    },
    {
      name: 'custody and weekly windows together',
      facts: facts({
        custody: inCustodyUntil('2026-11-23T11:00:00Z'),
        safeContact: { onlyWhileSuspectInCustody: false, windows: [{ weekday: 1, startMinute: 600, endMinute: 720 }] },
      }),
      periods: ['10:00-10:30'],
    },
    {
      name: 'not before 10:00 after a failed attempt',
      facts: facts({ notBefore: at('2026-11-23T10:00:00Z') }),
      periods: ['10:00-15:00'],
    },
    {
      name: 'not before tomorrow: blocked',
      facts: facts({ notBefore: at('2026-11-24T10:00:00Z') }),
      periods: [],
      blocked: /Not to be tried again before 24 Nov 2026, 10:00, after this shift/,
    },
    {
      name: 'live incident sent at 07:20: attend by 08:20, so over by 09:50',
      facts: facts({ dispatchedAt: at('2026-11-23T07:20:00Z') }),
      periods: ['07:30-09:50'],
      constraint: /attend by 08:20/,
    },
    {
      name: 'live incident whose response time has passed: attend now',
      facts: facts({ now: at('2026-11-23T09:00:00Z'), dispatchedAt: at('2026-11-23T07:20:00Z') }),
      periods: ['09:00-11:30'],
      constraint: /response time passed at 08:20; attend now, by 10:00/,
    },
    {
      name: 'shift over: blocked',
      facts: facts({ now: at('2026-11-23T15:00:00Z') }),
      periods: [],
      blocked: /The shift has ended/,
    },
  ]
  for (const c of cases) {
    it(c.name, () => {
      const w = visitWindows(c.facts, DEFAULT_DEPLOYMENT_SETTINGS)
      assert.deepEqual(w.periods.map(span), c.periods)
      if (c.blocked) assert.match(w.blocked ?? '', c.blocked)
      else assert.equal(w.blocked, null)
      if (c.constraint)
        assert.ok(
          w.constraints.some((x) => c.constraint!.test(x)),
          w.constraints.join(' | '),
        )
    })
  }
})

describe('startWindows', () => {
  const periods = [
    { start: at('2026-11-23T07:30:00Z'), end: at('2026-11-23T09:00:00Z') },
    { start: at('2026-11-23T13:00:00Z'), end: at('2026-11-23T15:00:00Z') },
  ]

  it('lets a visit start where all of it fits in a safe period', () => {
    assert.deepEqual(startWindows(periods, 60).map(span), ['07:30-08:00', '13:00-14:00'])
    assert.deepEqual(startWindows(periods, 100).map(span), ['13:00-13:20'])
  })

  it('starts a visit at an appointment in the minutes before it, and only inside the safe periods', () => {
    assert.equal(span(appointmentWindow(at('2026-11-23T10:00:00Z'))), '09:45-10:00')
    const starts = (hhmm: string) =>
      startWindows(periods, 60, appointmentWindow(at(`2026-11-23T${hhmm}:00Z`))).map(span)
    assert.deepEqual(starts('07:55'), ['07:40-07:55'])
    assert.deepEqual(starts('08:10'), ['07:55-08:00'], 'over before the period ends')
    assert.deepEqual(starts('13:05'), ['13:00-13:05'], 'not before the period opens')
    assert.deepEqual(starts('10:00'), [], 'outside every safe period')
  })

  it('names the place of a discreet contact, and nothing else', () => {
    assert.equal(visitPlace(DISCREET_PLACE), 'At a discreet place arranged by the IDVA')
    assert.equal(visitPlace('home'), null)
    assert.equal(visitPlace('incident location'), null)
  })
})

describe('mayMeetAtAppointment', () => {
  const cases: [string, { agencyId: string; victims: number }, string[], boolean][] = [
    ['the one victim, with an IDVA of the trust', { agencyId: 'trust', victims: 1 }, ['trust'], true],
    ['with IDVAs of the trust and another', { agencyId: 'trust', victims: 1 }, ['other', 'trust'], true],
    ['one of two victims: the other is not there', { agencyId: 'trust', victims: 2 }, ['trust'], false],
    ['with an IDVA of another trust only', { agencyId: 'trust', victims: 1 }, ['other'], false],
    ['with no IDVA', { agencyId: 'trust', victims: 1 }, [], false],
  ]
  for (const [name, contact, idvas, expected] of cases) {
    it(`${name}: ${expected}`, () => assert.equal(mayMeetAtAppointment(contact, idvas), expected))
  }
})

describe('meetingPlaces', () => {
  const idvas: Record<string, string[]> = { a: ['trust'], b: ['trust'], c: ['other'] }
  const of = (crew: string) => idvas[crew] ?? []
  const trust = { id: 't', agencyId: 'trust', victims: 1 }
  const other = { id: 'o', agencyId: 'other', victims: 1 }
  const shared = { id: 's', agencyId: 'trust', victims: 2 }
  const cases: [string, string[], boolean, (typeof trust)[], { crews: string[]; contacts: string[] }][] = [
    ['every crew may meet them there', ['a', 'b'], true, [trust], { crews: ['a', 'b'], contacts: ['t'] }],
    ['not every crew may, and home is an option', ['a', 'c'], true, [trust], { crews: ['a', 'c'], contacts: [] }],
    ['not every crew may, and there is no other place', ['a', 'c'], false, [trust], { crews: ['a'], contacts: ['t'] }],
    ['no crew may', ['c'], false, [trust], { crews: ['c'], contacts: [] }],
    ['one of two victims', ['a'], false, [shared], { crews: ['a'], contacts: [] }],
    [
      'two trusts’ contacts, no other place: the first any crew may use',
      ['a', 'c'],
      false,
      [trust, other],
      { crews: ['a'], contacts: ['t'] },
    ],
    [
      'the contact every crew may use, though another suits fewer',
      ['a', 'b'],
      false,
      [other, trust],
      { crews: ['a', 'b'], contacts: ['t'] },
    ],
  ]
  for (const [name, crews, atHome, contacts, expected] of cases) {
    it(name, () => {
      const result = meetingPlaces(crews, atHome, contacts, of)
      assert.deepEqual({ crews: result.crews, contacts: result.contacts.map((c) => c.id) }, expected)
    })
  }
})

describe('weeklyPeriods', () => {
  it('follows UK local time across the change to summer time', () => {
    // Sunday 29 March 2026 clocks go forward; Monday 30 March 10:00 BST is 09:00 UTC.
    const periods = weeklyPeriods(
      [{ weekday: 1, startMinute: 600, endMinute: 720 }],
      at('2026-03-28T00:00:00Z'),
      at('2026-03-31T00:00:00Z'),
    )
    assert.deepEqual(
      periods.map((p) => [p.start.toISOString(), p.end.toISOString()]),
      [['2026-03-30T09:00:00.000Z', '2026-03-30T11:00:00.000Z']],
    )
  })

  it('merges touching windows and runs to midnight', () => {
    const periods = weeklyPeriods(
      [
        { weekday: 1, startMinute: 1200, endMinute: 1440 },
        { weekday: 2, startMinute: 0, endMinute: 60 },
      ],
      at('2026-11-23T00:00:00Z'),
      at('2026-11-25T00:00:00Z'),
    )
    assert.deepEqual(periods.map(span), ['20:00-01:00'])
  })
})

describe('outcomes', () => {
  const now = at('2026-11-23T10:00:00Z')
  const cases: { name: string; input: Parameters<typeof outcomeIssues>[0]; paths: string[] }[] = [
    { name: 'seen', input: { outcome: 'seen', notes: null, followUpAfter: null }, paths: [] },
    {
      name: 'rescheduled without a time',
      input: { outcome: 'rescheduled', notes: null, followUpAfter: null },
      paths: ['followUpAfter'],
    },
    {
      name: 'rescheduled into the past',
      input: { outcome: 'rescheduled', notes: null, followUpAfter: at('2026-11-23T09:00:00Z') },
      paths: ['followUpAfter'],
    },
    {
      name: 'rescheduled beyond 28 days',
      input: { outcome: 'rescheduled', notes: null, followUpAfter: at('2027-01-01T09:00:00Z') },
      paths: ['followUpAfter'],
    },
    {
      name: 'a new time on a visit that was not rescheduled',
      input: { outcome: 'seen', notes: null, followUpAfter: at('2026-11-24T09:00:00Z') },
      paths: ['followUpAfter'],
    },
    {
      name: 'unsafe without a reason',
      input: { outcome: 'unsafe_to_engage', notes: null, followUpAfter: null },
      paths: ['notes'],
    },
    {
      name: 'declined with a reason',
      input: { outcome: 'declined', notes: 'Not today', followUpAfter: null },
      paths: [],
    },
  ]
  for (const c of cases) {
    it(c.name, () =>
      assert.deepEqual(
        outcomeIssues(c.input, now).map((i) => i.path),
        c.paths,
      ),
    )
  }

  it('returns a victim not seen to the candidates after a wait, or at the agreed time', () => {
    assert.equal(retryAfter({ outcome: 'seen', notes: null, followUpAfter: null }, now), null)
    assert.equal(
      retryAfter({ outcome: 'not_at_home', notes: null, followUpAfter: null }, now)?.toISOString(),
      '2026-11-23T12:00:00.000Z',
    )
    const agreed = at('2026-11-25T14:00:00Z')
    assert.equal(retryAfter({ outcome: 'rescheduled', notes: null, followUpAfter: agreed }, now), agreed)
  })
})

describe('planChanges', () => {
  const stop = (id: string, time: string) => ({
    incidentId: id,
    reference: id.toUpperCase(),
    start: at(`2026-11-23T${time}:00Z`),
  })
  it('reports the first plan', () => {
    const c = planChanges(null, { score: 120, stops: [stop('a', '08:00')], excluded: new Map() })
    assert.deepEqual(describeChanges(c), ['Plan made: total priority 120'])
  })

  it('says what a change cost: who no longer fits and why, who moved', () => {
    const c = planChanges(
      { score: 150, stops: [stop('a', '08:00'), stop('b', '09:30'), stop('c', '11:00')], excluded: new Map() },
      {
        score: 130,
        stops: [stop('d', '08:00'), stop('a', '09:10'), stop('b', '09:32')],
        excluded: new Map([['c', 'its window closes at 11:30']]),
      },
    )
    assert.deepEqual(describeChanges(c), [
      'Total priority 150 → 130 (−20)',
      'Added D',
      'No longer fits: C (its window closes at 11:30)',
      'A moved 70 min later',
    ])
  })
})
