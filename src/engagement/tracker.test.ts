import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { TRACKER_FIELDS, trackerIssues, trackerSchema, type TrackerInput } from './tracker.ts'
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

function issuesOf(input: TrackerInput, repeatVictim = false): string[] {
  const parsed = trackerSchema.safeParse(input)
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
  return trackerIssues(parsed.data, { repeatVictim, now: NOW }).map((i) => `${i.path}: ${i.message}`)
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
  ]
  for (const c of cases) {
    it(c.name, () => {
      const found = issuesOf(c.input, c.repeat)
      assert.equal(found.length, c.issues.length, found.join(' | '))
      c.issues.forEach((pattern, i) => assert.match(found[i]!, pattern))
    })
  }

  it('removes repeated codes', () => {
    const parsed = trackerSchema.parse(aContact({ supportOffered: ['safety_planning', 'safety_planning'] }))
    assert.deepEqual(parsed.supportOffered, ['safety_planning'])
  })

  it('documents every field and code in docs/data-dictionary.md, as generated', () => {
    const doc = readFileSync(path.resolve(import.meta.dirname, '../../docs/data-dictionary.md'), 'utf8')
    assert.equal(doc, renderDataDictionary(), 'run npm run docs:data-dictionary')
    for (const field of TRACKER_FIELDS) assert.ok(doc.includes(`\`${field.name}\``), field.name)
    assert.deepEqual(
      TRACKER_FIELDS.map((f) => f.name).sort(),
      Object.keys(trackerSchema.shape).sort(),
      'TRACKER_FIELDS and the schema list the same fields',
    )
  })
})
