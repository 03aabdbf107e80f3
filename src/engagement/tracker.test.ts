import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import {
  checkTracker,
  TRACKER_FIELDS,
  trackerIssues,
  trackerSchema,
  type TrackerInput,
  type TrackerRecord,
} from './tracker.ts'
import { renderDataDictionary } from './data-dictionary.ts'

const NOW = new Date('2026-11-23T12:00:00Z')

/** A valid first-time victim's post-incident visit; pass only what the test is about. */
function aContact(overrides: Partial<TrackerInput> = {}): TrackerInput {
  return {
    mode: 'post_incident',
    contactAt: '2026-11-23T10:30:00Z',
    place: 'custody_window',
    idvaPresent: true,
    officerPresent: true,
    supportOffered: ['risk_assessment', 'safety_planning'],
    engagedInvestigation: 'yes',
    engagedSafeguarding: 'yes',
    childrenCount: 0,
    consentToShare: 'no',
    ...overrides,
  }
}

function issuesOf(input: unknown, repeatVictim = false): string[] {
  const checked = checkTracker(input, { repeatVictim, now: NOW })
  return checked.ok ? [] : checked.issues.map((i) => `${i.path}: ${i.message}`)
}

describe('tracker', () => {
  const cases: { name: string; input: TrackerInput; repeat?: boolean; issues: RegExp[] }[] = [
    { name: 'a complete first contact', input: aContact(), issues: [] },
    {
      name: 'a repeat victim must be asked about before',
      input: aContact(),
      repeat: true,
      issues: [/^previousInvestigation: Ask a repeat victim/, /^previousSafeguarding: Ask a repeat victim/],
    },
    {
      name: 'a repeat victim who answered',
      input: aContact({ previousInvestigation: 'no', previousSafeguarding: 'not_known' }),
      repeat: true,
      issues: [],
    },
    {
      name: 'a first-time victim has no previous engagement',
      input: aContact({ previousInvestigation: 'yes' }),
      issues: [/^previousInvestigation: Only for repeat victims/],
    },
    {
      name: 'not asked needs a reason',
      input: aContact({
        engagedInvestigation: 'not_asked',
        engagedSafeguarding: 'not_asked',
        engagedSafeguardingReason: 'Suspect arrived',
      }),
      issues: [/^engagedInvestigationReason: Say why/],
    },
    { name: 'other support needs notes', input: aContact({ supportOffered: ['other'] }), issues: [/^supportNotes: /] },
    {
      name: 'no support chosen',
      input: aContact({ supportOffered: [] }),
      issues: [/^supportOffered: Choose the support offered, at least one/],
    },
    {
      name: 'an unknown support code',
      input: aContact({ supportOffered: ['cake' as never] }),
      issues: [/^supportOffered.0: Choose the support offered from the list/],
    },
    {
      name: 'another safe place needs saying',
      input: aContact({ place: 'other_safe_place' }),
      issues: [/^placeOther: /],
    },
    {
      name: 'in the future',
      input: aContact({ contactAt: '2026-11-23T13:00:00Z' }),
      issues: [/^contactAt: The contact cannot be in the future/],
    },
    {
      name: 'a date without a time zone',
      input: aContact({ contactAt: '2026-11-23 10:30' }),
      issues: [/^contactAt: Enter the date and time/],
    },
    { name: 'consent needs who', input: aContact({ consentToShare: 'yes' }), issues: [/^shareWith: Choose who/] },
    {
      name: 'who without consent',
      input: aContact({ consentToShare: 'no', shareWith: ['police'] }),
      issues: [/^shareWith: Only with consent/],
    },
    {
      name: 'consent with who',
      input: aContact({ consentToShare: 'yes', shareWith: ['police', 'third_sector', 'police'] }),
      issues: [],
    },
    {
      name: 'children needs without children',
      input: aContact({ childrenNeeds: 'School worries' }),
      issues: [/^childrenNeeds: /],
    },
    {
      name: 'a negative number of children',
      input: aContact({ childrenCount: -1 }),
      issues: [/^childrenCount: Enter 0 or more/],
    },
    { name: 'a visit without the IDVA', input: aContact({ idvaPresent: false }), issues: [/^idvaPresent: /] },
    {
      name: 'a consultation by phone',
      input: aContact({ mode: 'consultation', idvaPresent: false, officerPresent: true }),
      issues: [],
    },
    { name: 'an unknown field', input: { ...aContact(), mood: 'fine' } as TrackerInput, issues: [/Unrecognized key/i] },
    // Every problem at once: the rules between fields run on the fields that are valid.
    {
      name: 'a missing answer and other support without notes',
      input: aContact({ supportOffered: ['other'], engagedSafeguarding: undefined }),
      issues: [/^supportNotes: Describe the other support/, /^engagedSafeguarding: Say whether/],
    },
    {
      name: 'not asked without a reason, and no answer on consent',
      input: aContact({ engagedInvestigation: 'not_asked', consentToShare: undefined }),
      issues: [/^engagedInvestigationReason: Say why/, /^consentToShare: Say whether/],
    },
    {
      name: 'consent without who, and no number of children',
      input: aContact({ consentToShare: 'yes', childrenCount: undefined }),
      issues: [/^childrenCount: Enter the number/, /^shareWith: Choose who/],
    },
    {
      name: 'in the future, with an unknown mode and another place unsaid',
      input: aContact({ contactAt: '2026-11-23T13:00:00Z', mode: 'phone' as never, place: 'other_safe_place' }),
      issues: [/^mode: Choose the mode/, /^contactAt: The contact cannot be in the future/, /^placeOther: Say what/],
    },
    {
      name: 'an unknown support code and consent without who',
      input: aContact({ supportOffered: ['cake' as never], consentToShare: 'yes' }),
      issues: [/^supportOffered.0: Choose the support offered from the list/, /^shareWith: Choose who/],
    },
    {
      name: 'a repeat victim with an unknown previous answer: its own problem, not the rule’s too',
      input: aContact({ previousInvestigation: 'maybe' as never }),
      repeat: true,
      issues: [/^previousInvestigation: Choose yes, no or not known/, /^previousSafeguarding: Ask a repeat victim/],
    },
    {
      name: 'a reason too long: its own problem, not the rule’s too',
      input: aContact({ engagedInvestigation: 'not_asked', engagedInvestigationReason: 'x'.repeat(501) }),
      issues: [/^engagedInvestigationReason: The reason must be 500 characters or fewer/],
    },
    {
      name: 'no rule on a field that is not valid: no mode, no IDVA',
      input: aContact({ mode: undefined, idvaPresent: false }),
      issues: [/^mode: Choose the mode/],
    },
    {
      name: 'no support chosen, "other" unknowable: no rule on the notes',
      input: aContact({ supportOffered: [], supportNotes: undefined }),
      issues: [/^supportOffered: Choose the support offered, at least one/],
    },
    { name: 'not a record at all', input: 'a contact' as never, issues: [/^: Invalid input: expected object/] },
  ]
  for (const c of cases) {
    it(c.name, () => {
      const found = issuesOf(c.input, c.repeat)
      assert.equal(found.length, c.issues.length, found.join(' | '))
      c.issues.forEach((pattern, i) => assert.match(found[i]!, pattern))
    })
  }

  it('gives back the record when there is no problem', () => {
    const checked = checkTracker(aContact(), { repeatVictim: false, now: NOW })
    assert.ok(checked.ok)
    assert.equal(checked.record.contactAt.toISOString(), '2026-11-23T10:30:00.000Z')
  })

  it('removes repeated codes', () => {
    const parsed = trackerSchema.parse(aContact({ supportOffered: ['safety_planning', 'safety_planning'] }))
    assert.deepEqual(parsed.supportOffered, ['safety_planning'])
  })

  it('documents every field, link and code in docs/data-dictionary.md, as generated', () => {
    const doc = readFileSync(path.resolve(import.meta.dirname, '../../docs/data-dictionary.md'), 'utf8')
    assert.equal(doc, renderDataDictionary(), 'run npm run docs:data-dictionary')
    for (const field of TRACKER_FIELDS) assert.ok(doc.includes(`\`${field.name}\``), field.name)
    for (const link of ['visit_id', 'consultation_id']) assert.ok(doc.includes(`| \`${link}\` |`), link)
    assert.deepEqual(
      TRACKER_FIELDS.map((f) => f.name).sort(),
      Object.keys(trackerSchema.shape).sort(),
      'TRACKER_FIELDS and the schema list the same fields',
    )
  })
})

describe('the rules between fields, on the valid fields of a refused record', () => {
  const facts = (repeatVictim = false) => ({ repeatVictim, now: NOW })
  const cases: { name: string; record: Partial<TrackerRecord>; repeat?: boolean; paths: string[] }[] = [
    { name: 'nothing valid, a first-time victim', record: {}, paths: [] },
    {
      name: 'nothing valid, a repeat victim',
      record: {},
      repeat: true,
      paths: ['previousInvestigation', 'previousSafeguarding'],
    },
    { name: 'other support, notes not valid', record: { supportOffered: ['other'] }, paths: [] },
    {
      name: 'other support without notes',
      record: { supportOffered: ['other'], supportNotes: null },
      paths: ['supportNotes'],
    },
    { name: 'not asked, reason not valid', record: { engagedSafeguarding: 'not_asked' }, paths: [] },
    {
      name: 'not asked without a reason',
      record: { engagedSafeguarding: 'not_asked', engagedSafeguardingReason: null },
      paths: ['engagedSafeguardingReason'],
    },
    { name: 'consent, who not valid', record: { consentToShare: 'yes' }, paths: [] },
    { name: 'consent without who', record: { consentToShare: 'yes', shareWith: [] }, paths: ['shareWith'] },
    {
      name: 'who without consent',
      record: { consentToShare: 'not_asked', shareWith: ['police'] },
      paths: ['shareWith'],
    },
    { name: 'no IDVA, mode not valid', record: { idvaPresent: false }, paths: [] },
    { name: 'no IDVA at a visit', record: { idvaPresent: false, mode: 'live' }, paths: ['idvaPresent'] },
    { name: 'in the future', record: { contactAt: new Date('2026-11-23T12:01:00Z') }, paths: ['contactAt'] },
    { name: 'needs, count not valid', record: { childrenNeeds: 'School' }, paths: [] },
    { name: 'needs without children', record: { childrenCount: 0, childrenNeeds: 'School' }, paths: ['childrenNeeds'] },
    { name: 'another place, what not valid', record: { place: 'other_safe_place' }, paths: [] },
  ]
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(
        trackerIssues(c.record, facts(c.repeat)).map((i) => i.path),
        c.paths,
      )
    })
  }
})
