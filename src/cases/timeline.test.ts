import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { timelineOf, type TimelineFacts, type TimelineKind } from './timeline.ts'

const at = (hhmm: string) => new Date(`2026-11-23T${hhmm}:00Z`)
const NONE: TimelineFacts = {
  incidents: [],
  decisions: [],
  visits: [],
  consultations: [],
  contacts: [],
  actionEvents: [],
  handovers: [],
  safeContacts: [],
}
const incident = {
  id: 'i1',
  force_reference: 'LAN-1',
  reported_at: at('06:00'),
  area: 'Blackpool',
  risk_level: 'high',
  risk_tool: 'DASH',
} as const
const decision = {
  incident_id: 'i1',
  decision: 'attend',
  reason_code: 'other',
  reason_text: 'Escalating',
  decided_at: at('07:00'),
  decided_by_name: 'DS Demo',
} as const
const visit = {
  incident_id: 'i1',
  kind: 'post_incident',
  planned_start: at('10:00'),
  planned_end: at('11:00'),
  outcome: null,
  outcome_notes: null,
  outcome_at: null,
  follow_up_after: null,
  team_name: 'Op Provide',
  outcome_by_name: null,
} as const
const action = {
  action_id: 'a1',
  incident_id: 'i1',
  status: 'requested',
  note: null,
  at: at('08:00'),
  kind: 'third_sector',
  details: null,
  referred_to: 'Fylde Coast Women’s Aid',
  due_on: '2026-11-30',
  owner_agency_name: 'Police',
  owner_team_name: 'Safeguarding',
  by_name: 'PC Demo',
}

/** Each item as 'kind: title | line | line', newest first. */
const shown = (facts: Partial<TimelineFacts>, kinds?: TimelineKind[]) =>
  timelineOf({ ...NONE, incidents: [incident], ...facts }, kinds).items.map((i) =>
    [`${i.kind}: ${i.title}`, ...i.lines].join(' | '),
  )

describe('timelineOf', () => {
  const cases: { name: string; facts: Partial<TimelineFacts>; kinds?: TimelineKind[]; expected: string[] }[] = [
    {
      name: 'an incident: its risk, tool and area',
      facts: {},
      expected: ['incident: Incident LAN-1 reported | High risk (DASH), Blackpool'],
    },
    {
      name: 'newest first; a decision with its reason',
      facts: { decisions: [decision] },
      expected: [
        'decision: Triage decision: Attend (post-incident visit) | Other (explain): Escalating',
        'incident: Incident LAN-1 reported | High risk (DASH), Blackpool',
      ],
    },
    {
      name: 'at the same time, what follows in a case comes first',
      facts: { decisions: [{ ...decision, decided_at: incident.reported_at }] },
      expected: [
        'decision: Triage decision: Attend (post-incident visit) | Other (explain): Escalating',
        'incident: Incident LAN-1 reported | High risk (DASH), Blackpool',
      ],
    },
    {
      name: 'visits: one to come at its planned time, one made at its outcome, one lapsed at its end',
      facts: {
        visits: [
          { ...visit, status: 'planned' },
          {
            ...visit,
            status: 'completed',
            planned_start: at('07:00'),
            planned_end: at('08:00'),
            outcome: 'not_at_home',
            outcome_notes: 'No answer',
            outcome_at: at('07:40'),
            follow_up_after: at('09:40'),
            outcome_by_name: 'IDVA Demo',
          },
          { ...visit, status: 'lapsed', planned_start: at('06:10'), planned_end: at('06:20') },
        ],
      },
      kinds: ['visit'],
      expected: [
        'visit: Visit planned | Post-incident visit by Op Provide, planned 23 Nov 2026, 10:00–11:00',
        'visit: Visit: Not at home | Post-incident visit by Op Provide, planned 23 Nov 2026, 07:00–08:00 | No answer | To try again from 23 Nov 2026, 09:40',
        'visit: Visit not made: the shift ended | Post-incident visit by Op Provide, planned 23 Nov 2026, 06:10–06:20',
      ],
    },
    {
      name: 'a referral: the request with its owner and due date, then each change',
      facts: {
        actionEvents: [action, { ...action, status: 'declined', note: 'She is already supported', at: at('09:00') }],
      },
      kinds: ['action'],
      expected: [
        'action: Third-sector support (for example Women’s Aid): declined | She is already supported',
        'action: Third-sector support (for example Women’s Aid): requested | Referred to Fylde Coast Women’s Aid | Owner: Safeguarding (Police); due 30 Nov 2026',
      ],
    },
    {
      name: 'a hand-over, and its acceptance when there is one',
      facts: {
        handovers: [
          {
            incident_id: 'i1',
            summary: 'Alarm fitted',
            handed_at: at('09:00'),
            accepted_at: at('09:30'),
            accept_note: null,
            team_name: 'Safeguarding: West',
            handed_by_name: 'PC Demo',
            accepted_by_name: 'DC Demo',
          },
        ],
      },
      kinds: ['handover'],
      expected: [
        'handover: Hand-over accepted by Safeguarding: West',
        'handover: Handed over to Safeguarding: West | Alarm fitted',
      ],
    },
    {
      name: 'a tracker contact in the tracker’s own words; a consultation waiting',
      facts: {
        contacts: [
          {
            incident_id: 'i1',
            mode: 'post_incident',
            contact_at: at('09:00'),
            place: 'other_safe_place',
            place_other: 'Library',
            support_offered: ['safety_planning', 'other'],
            engaged_investigation: 'no',
            engaged_investigation_reason: null,
            engaged_safeguarding: 'not_asked',
            engaged_safeguarding_reason: 'Children present',
            consent_to_share: 'yes',
            share_with: ['health', 'marac'],
            recorded_by: 'IDVA Demo',
          },
        ],
        consultations: [
          {
            incident_id: 'i1',
            requested_at: at('08:00'),
            question: 'Refuge?',
            requested_by_name: 'PC Demo',
            answered_at: null,
            advice: null,
            minutes_taken: null,
            answered_by_name: null,
          },
        ],
      },
      kinds: ['contact', 'consultation'],
      expected: [
        'contact: Contact: Post-incident visit | Where: Other safe place (Library) | Support offered: Safety planning, Other | Engaged with the investigation: No | Engaged with safeguarding advice: Not asked (Children present) | Consent to share: Yes (Health services, MARAC)',
        'consultation: Consultation: waiting for an IDVA | Asked: Refuge?',
      ],
    },
    {
      name: 'safe-contact changes in one line each',
      facts: {
        safeContacts: [
          {
            incident_id: 'i1',
            methods: ['text'],
            only_while_suspect_in_custody: false,
            windows: [{ weekday: 1, startMinute: 600, endMinute: 720 }],
            notes: null,
            recorded_at: at('07:10'),
            recorded_by_name: 'DS Demo',
          },
        ],
      },
      kinds: ['safe_contact'],
      expected: ['safe_contact: Safe-contact details recorded | Text message only; Mon 10:00–12:00'],
    },
  ]
  for (const c of cases) it(c.name, () => assert.deepEqual(shown(c.facts, c.kinds), c.expected))

  it('counts every kind whatever the filter shows', () => {
    const { items, counts } = timelineOf({ ...NONE, incidents: [incident], decisions: [decision] }, ['decision'])
    assert.equal(items.length, 1)
    assert.equal(counts.incident, 1)
    assert.equal(counts.decision, 1)
    assert.equal(counts.visit, 0)
  })

  it('links incidents and actions to their pages', () => {
    const { items } = timelineOf({ ...NONE, incidents: [incident], actionEvents: [action] })
    assert.deepEqual(
      items.map((i) => [i.reference, i.link?.href]),
      [
        ['LAN-1', '/actions/a1'],
        ['LAN-1', '/triage/incidents/i1'],
      ],
    )
  })
})
