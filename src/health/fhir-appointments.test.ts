import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  MAX_BUNDLE_ENTRIES,
  NHS_NUMBER_SYSTEM,
  appointmentKey,
  deriveSetting,
  instantProblem,
  otherPatientIssues,
  parseAppointmentBundle,
  unknownPatientIssues,
  type BundleIssue,
  type BundleParseResult,
} from './fhir-appointments.ts'
import { ALEX, JO, SAM, fixture } from './test-fixtures.ts'

const NOW = new Date('2026-06-01T09:00:00Z')

function issuesOf(result: BundleParseResult): BundleIssue[] {
  assert.equal(result.ok, false, `expected issues, got ${JSON.stringify(result)}`)
  return (result as { issues: BundleIssue[] }).issues
}

type Parsed = Extract<BundleParseResult, { ok: true }>

function parsedOf(result: BundleParseResult): Parsed {
  assert.equal(result.ok, true, `expected success, got ${JSON.stringify(result)}`)
  return result as Parsed
}

function appointment(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    resourceType: 'Appointment',
    id: 'a1',
    status: 'booked',
    start: '2026-06-03T10:30:00+01:00',
    end: '2026-06-03T10:40:00+01:00',
    participant: [{ actor: { identifier: { system: NHS_NUMBER_SYSTEM, value: ALEX } }, status: 'accepted' }],
    ...fields,
  }
}

function bundle(...resources: unknown[]): Record<string, unknown> {
  return { resourceType: 'Bundle', type: 'collection', entry: resources.map((resource) => ({ resource })) }
}

const parse = (...resources: unknown[]) => parseAppointmentBundle(bundle(...resources), { now: NOW })

describe('parseAppointmentBundle: fixtures', () => {
  it('reads a search result: GP, dental and hospital appointments, patients by identifier, reference and contained', () => {
    const { appointments, ignored, withdrawn } = parsedOf(
      parseAppointmentBundle(fixture('valid-searchset.json'), { now: NOW }),
    )
    assert.deepEqual(appointments, [
      {
        path: 'entry[0]',
        sourceId: 'https://fhir.example.org/Id/appointment|GP-1001',
        nhsNumber: ALEX,
        status: 'booked',
        start: new Date('2026-06-03T09:30:00Z'),
        end: new Date('2026-06-03T09:40:00Z'),
        setting: 'gp',
        description: 'GP review',
        location: { name: 'Exampletown Medical Centre', latitude: null, longitude: null, address: null },
      },
      {
        path: 'entry[1]',
        sourceId: 'https://fhir.example.org/R4/Appointment/dent-2040',
        nhsNumber: SAM,
        status: 'booked',
        start: new Date('2026-06-09T13:00:00Z'),
        end: new Date('2026-06-09T13:30:00Z'),
        setting: 'dental',
        description: 'Dental check-up',
        location: {
          name: 'Fakebridge Dental Practice',
          latitude: 53.7901,
          longitude: -2.6902,
          address: '12 Sample Street, Fakebridge ZZ2 2ZZ',
        },
      },
      {
        path: 'entry[2]',
        sourceId: 'https://fhir.example.org/R4/Appointment/opd-3310',
        nhsNumber: JO,
        status: 'booked',
        start: new Date('2026-06-12T09:15:00Z'),
        end: new Date('2026-06-12T10:00:00Z'),
        setting: 'hospital',
        description: 'Antenatal clinic',
        location: {
          name: "Sample General Hospital, Women's Outpatients",
          latitude: 53.7632,
          longitude: -2.7031,
          address: '1 Example Road, Exampletown, ZZ1 1ZZ',
        },
      },
      {
        path: 'entry[6]',
        sourceId: 'https://fhir.example.org/R4/Appointment/physio-91',
        nhsNumber: SAM,
        status: 'pending',
        start: new Date('2026-06-15T12:00:00Z'),
        end: new Date('2026-06-15T12:45:00Z'),
        setting: 'other',
        description: 'Physiotherapy assessment',
        location: {
          name: 'Community physio room, Exampletown Library',
          latitude: null,
          longitude: null,
          address: null,
        },
      },
    ])
    assert.deepEqual(ignored, [
      { path: 'entry[3]', reason: 'the appointment was cancelled' },
      { path: 'entry[4]', reason: 'the appointment is over: it ended at 2026-05-14T10:10:00+01:00' },
      { path: 'entry[5]', reason: 'the appointment has no date yet (status waitlist)' },
      {
        path: 'entry[10]',
        reason: 'a note from the sending system about the search: Appointments before 2026-05-01 are not included',
      },
    ])
    // The cancelled one and the one back on a waiting list withdraw earlier copies; the one that is over does not.
    assert.deepEqual(withdrawn, [
      { path: 'entry[3]', sourceId: 'https://fhir.example.org/R4/Appointment/gp-1002', nhsNumber: ALEX },
      { path: 'entry[5]', sourceId: 'https://fhir.example.org/R4/Appointment/physio-88', nhsNumber: SAM },
    ])
  })

  it('reads a transaction that refers by urn:uuid fullUrls; an infirmary is a hospital', () => {
    const { appointments, ignored } = parsedOf(parseAppointmentBundle(fixture('valid-transaction.json'), { now: NOW }))
    assert.deepEqual(appointments, [
      {
        path: 'entry[2]',
        sourceId: 'urn:uuid:c1a2b3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
        nhsNumber: JO,
        status: 'booked',
        start: new Date('2026-06-20T07:40:00Z'),
        end: new Date('2026-06-20T08:00:00Z'),
        setting: 'hospital',
        description: 'Fracture clinic follow-up',
        location: {
          name: 'Sample Royal Infirmary, Fracture Clinic',
          latitude: 53.7452,
          longitude: -2.6601,
          address: null,
        },
      },
    ])
    assert.deepEqual(ignored, [])
  })

  it('refuses a lone Appointment that is not in a Bundle', () => {
    assert.deepEqual(issuesOf(parseAppointmentBundle(fixture('not-a-bundle.json'), { now: NOW })), [
      {
        path: '',
        message: 'The file is a FHIR Appointment, not a Bundle; this import takes a Bundle of Appointment resources',
      },
    ])
  })

  it('refuses resources other than appointments and what they refer to, and keeps none of the good appointment', () => {
    const result = parseAppointmentBundle(fixture('bad-resource-types.json'), { now: NOW })
    const takes =
      'this import takes Appointment resources (and the Patient, Location, Practitioner and other participant resources they refer to)'
    assert.deepEqual(issuesOf(result), [
      { path: 'entry[1]', message: `entry[1] is an Observation; ${takes}` },
      { path: 'entry[2]', message: `entry[2] is a MedicationRequest; ${takes}` },
    ])
    assert.equal('appointments' in result, false)
  })

  it('names every malformed or missing date', () => {
    const noZone = (field: string, got: string) =>
      `${field} has no time zone, so the time is ambiguous: add Z for UTC or an offset such as +01:00, like 2026-11-24T10:30:00Z; got '${got}'`
    assert.deepEqual(issuesOf(parseAppointmentBundle(fixture('bad-dates.json'), { now: NOW })), [
      { path: 'entry[0].resource.start', message: noZone('start', '2026-06-03T10:30:00') },
      { path: 'entry[0].resource.end', message: noZone('end', '2026-06-03T10:40:00') },
      {
        path: 'entry[1].resource.start',
        message:
          "start must be a date and time with seconds and a time zone, like 2026-11-24T10:30:00Z; got '03/06/2026'",
      },
      {
        path: 'entry[2].resource.end',
        message: 'end 2026-06-03T09:40:00+01:00 is before start 2026-06-03T10:30:00+01:00',
      },
      { path: 'entry[3].resource.start', message: "start is not a real date and time; got '2026-02-30T10:00:00Z'" },
      { path: 'entry[3].resource.end', message: "end is not a real date and time; got '2026-02-30T10:15:00Z'" },
      { path: 'entry[4].resource.start', message: 'start is missing; a booked appointment needs a start time' },
    ])
  })

  it('names every appointment without a usable patient NHS number, where the fault lies', () => {
    assert.deepEqual(issuesOf(parseAppointmentBundle(fixture('bad-patients.json'), { now: NOW })), [
      {
        path: 'entry[0].resource.participant[0].actor.identifier.value',
        message: "NHS number '9995259657' is not valid: its check digit does not match",
      },
      {
        path: 'entry[1].resource.participant',
        message: `no participant is the patient: add a participant whose actor is the Patient, with their NHS number (system ${NHS_NUMBER_SYSTEM})`,
      },
      {
        path: 'entry[2].resource.participant[0].actor.reference',
        message:
          "reference 'Patient/p-missing' is not in the bundle: include the Patient resource, or give the NHS number as actor.identifier",
      },
      {
        path: 'entry[6].resource.identifier',
        message: `the Patient has no NHS number: add an identifier with system ${NHS_NUMBER_SYSTEM}`,
      },
      { path: 'entry[7].resource.identifier[0].value', message: "an NHS number must be 10 digits; got '999525965'" },
    ])
  })

  it('names unknown codes, a zero duration and a repeated appointment', () => {
    assert.deepEqual(issuesOf(parseAppointmentBundle(fixture('bad-status-and-duplicates.json'), { now: NOW })), [
      {
        path: 'entry[1].resource.status',
        message:
          "status must be one of proposed, pending, booked, arrived, fulfilled, cancelled, noshow, entered-in-error, checked-in, waitlist; got 'confirmed'",
      },
      { path: 'entry[1].resource.minutesDuration', message: 'minutesDuration must be more than 0; got 0' },
      {
        path: 'entry[1].resource.participant[0].status',
        message: "status must be one of accepted, declined, tentative, needs-action; got 'maybe'",
      },
      { path: 'entry[2]', message: "entry[2] is appointment 'gp-1001' again; it is already in entry[0]" },
    ])
  })
})

describe('parseAppointmentBundle: the file as a whole', () => {
  const notResource = 'The file is not a FHIR resource: expected a JSON object with resourceType Bundle'
  const cases: [string, unknown, BundleIssue[]][] = [
    ['null', null, [{ path: '', message: `${notResource}; got null` }]],
    ['a list', [], [{ path: '', message: `${notResource}; got a list` }]],
    ['text', 'Bundle', [{ path: '', message: `${notResource}; got 'Bundle'` }]],
    ['a number', 42, [{ path: '', message: `${notResource}; got 42` }]],
    [
      'an object without resourceType',
      { type: 'searchset' },
      [
        {
          path: '',
          message:
            'The file is not a FHIR resource: it has no resourceType; expected a JSON object with resourceType Bundle',
        },
      ],
    ],
    [
      'a Patient',
      { resourceType: 'Patient' },
      [
        {
          path: '',
          message: 'The file is a FHIR Patient, not a Bundle; this import takes a Bundle of Appointment resources',
        },
      ],
    ],
    ['a Bundle without type', { resourceType: 'Bundle' }, [{ path: 'type', message: 'type is missing' }]],
    [
      'a document Bundle',
      { resourceType: 'Bundle', type: 'document', entry: [] },
      [{ path: 'type', message: "type must be one of searchset, collection, transaction, batch; got 'document'" }],
    ],
    [
      'entry that is not a list',
      { resourceType: 'Bundle', type: 'collection', entry: {} },
      [{ path: 'entry', message: 'entry must be a list ([ ... ]); got an object' }],
    ],
    [
      'an entry without a resource',
      { resourceType: 'Bundle', type: 'batch', entry: [{ request: { method: 'DELETE', url: 'Appointment/a1' } }] },
      [{ path: 'entry[0].resource', message: 'resource is missing' }],
    ],
    [
      'a resource without resourceType',
      { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { id: 'x' } }] },
      [{ path: 'entry[0].resource.resourceType', message: 'resourceType is missing' }],
    ],
  ]
  for (const [name, json, expected] of cases) {
    it(`refuses ${name}`, () => assert.deepEqual(issuesOf(parseAppointmentBundle(json, { now: NOW })), expected))
  }

  it('accepts an empty search result', () => {
    const result = parseAppointmentBundle({ resourceType: 'Bundle', type: 'searchset', total: 0 }, { now: NOW })
    assert.deepEqual(result, { ok: true, appointments: [], ignored: [], withdrawn: [] })
  })

  it(`takes ${MAX_BUNDLE_ENTRIES} entries`, () => {
    const entries = Array.from({ length: MAX_BUNDLE_ENTRIES }, (_, i) => appointment({ id: `a${i}` }))
    assert.equal(parsedOf(parse(...entries)).appointments.length, MAX_BUNDLE_ENTRIES)
  })

  it('refuses a bigger bundle in one issue, without reading the entries', () => {
    const json = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: Array.from({ length: MAX_BUNDLE_ENTRIES + 1 }, () => 1),
    }
    assert.deepEqual(issuesOf(parseAppointmentBundle(json, { now: NOW })), [
      {
        path: 'entry',
        message: 'The bundle has 5,001 entries; an import takes at most 5,000. Split it into smaller bundles.',
      },
    ])
  })
})

describe('parseAppointmentBundle: one appointment', () => {
  const at = (iso: string) => new Date(iso)
  const took = (fields: Record<string, unknown>) => parsedOf(parse(appointment(fields))).appointments[0]

  it('takes the end from start plus minutesDuration when there is no end', () => {
    const a = took({ end: undefined, minutesDuration: 20 })
    assert.deepEqual([a?.start, a?.end], [at('2026-06-03T09:30:00Z'), at('2026-06-03T09:50:00Z')])
  })

  it('prefers end to minutesDuration, which may be an estimate', () => {
    assert.deepEqual(took({ minutesDuration: 90 })?.end, at('2026-06-03T09:40:00Z'))
  })

  it('leaves the end unknown when there is neither', () => {
    assert.equal(took({ end: undefined })?.end, null)
  })

  it('keeps an appointment under way at the import time', () => {
    assert.equal(took({ start: '2026-06-01T08:45:00Z', end: '2026-06-01T09:15:00Z' })?.sourceId, 'a1')
  })

  it('takes NHS numbers written with spaces, and gives them as ten digits', () => {
    const participant = [{ actor: { identifier: { system: NHS_NUMBER_SYSTEM, value: '999 525 9656' } } }]
    assert.equal(took({ participant })?.nhsNumber, ALEX)
  })

  it('falls back to the description, then to nothing, for the label', () => {
    assert.equal(took({ description: '  Smear test  ' })?.description, 'Smear test')
    assert.equal(took({})?.description, null)
  })

  it('gives the entry fullUrl as the source id when the resource has none', () => {
    const json = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [{ fullUrl: 'urn:uuid:1', resource: appointment({ id: undefined }) }],
    }
    assert.equal(parsedOf(parseAppointmentBundle(json, { now: NOW })).appointments[0]?.sourceId, 'urn:uuid:1')
  })

  // The last element: whether the appointment withdraws an earlier import of it (it will not take place as booked).
  const ignoredCases: [string, Record<string, unknown>, string, boolean][] = [
    [
      'ended',
      { start: '2026-05-31T10:00:00Z', end: '2026-05-31T10:30:00Z' },
      'the appointment is over: it ended at 2026-05-31T10:30:00Z',
      false,
    ],
    [
      'started, with no end',
      { start: '2026-06-01T08:59:59Z', end: undefined },
      'the appointment is over: it started at 2026-06-01T08:59:59Z',
      false,
    ],
    [
      'cancelled, without a date',
      { status: 'cancelled', start: undefined, end: undefined },
      'the appointment was cancelled',
      true,
    ],
    ['a no-show', { status: 'noshow' }, 'the appointment is marked as a no-show', true],
    ['entered in error', { status: 'entered-in-error' }, 'the appointment was entered in error', true],
    [
      'proposed, without a date',
      { status: 'proposed', start: undefined, end: undefined },
      'the appointment has no date yet (status proposed)',
      true,
    ],
    [
      'declined by the patient',
      { participant: [{ actor: { identifier: { system: NHS_NUMBER_SYSTEM, value: ALEX } }, status: 'declined' }] },
      'the patient has declined the appointment',
      true,
    ],
  ]
  for (const [name, fields, reason, withdraws] of ignoredCases) {
    it(`passes over an appointment ${name}`, () => {
      assert.deepEqual(parse(appointment(fields)), {
        ok: true,
        appointments: [],
        ignored: [{ path: 'entry[0]', reason }],
        withdrawn: withdraws ? [{ path: 'entry[0]', sourceId: 'a1', nhsNumber: ALEX }] : [],
      })
    })
  }

  it('withdraws a cancelled appointment without an id by its fullUrl, and one without either not at all', () => {
    const json = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { fullUrl: 'urn:uuid:1', resource: appointment({ id: undefined, status: 'cancelled' }) },
        {
          resource: appointment({
            id: undefined,
            status: 'cancelled',
            participant: [{ actor: { display: 'Anyone' } }],
          }),
        },
      ],
    }
    assert.deepEqual(parsedOf(parseAppointmentBundle(json, { now: NOW })).withdrawn, [
      { path: 'entry[0]', sourceId: 'urn:uuid:1', nhsNumber: ALEX },
    ])
  })

  // Withdrawing touches another import's appointment: who it is for is checked as for a booking.
  const withdrawalIssues: [string, Record<string, unknown>, BundleIssue[]][] = [
    [
      'a cancelled appointment with no patient',
      { status: 'cancelled', participant: [{ actor: { display: 'Dr Placeholder' } }] },
      [
        {
          path: 'entry[0].resource.participant',
          message: `no participant is the patient: add a participant whose actor is the Patient, with their NHS number (system ${NHS_NUMBER_SYSTEM})`,
        },
      ],
    ],
    [
      'a proposed appointment without a date, whose NHS number is wrong',
      {
        status: 'proposed',
        start: undefined,
        end: undefined,
        participant: [{ actor: { identifier: { system: NHS_NUMBER_SYSTEM, value: '9995259657' } } }],
      },
      [
        {
          path: 'entry[0].resource.participant[0].actor.identifier.value',
          message: "NHS number '9995259657' is not valid: its check digit does not match",
        },
      ],
    ],
  ]
  for (const [name, fields, expected] of withdrawalIssues) {
    it(`refuses ${name}`, () => assert.deepEqual(issuesOf(parse(appointment(fields))), expected))
  }

  const base = 'entry[0].resource'
  const issueCases: [string, Record<string, unknown>, BundleIssue[]][] = [
    [
      'a date without a time',
      { start: '2026-06-03' },
      [
        {
          path: `${base}.start`,
          message:
            "start must be a date and time with seconds and a time zone, like 2026-11-24T10:30:00Z; got '2026-06-03'",
        },
      ],
    ],
    [
      'a date as a number',
      { start: 20260603 },
      [{ path: `${base}.start`, message: 'start must be text; got 20260603' }],
    ],
    [
      'an end without a start',
      { start: undefined },
      [{ path: `${base}.start`, message: 'start is missing; a booked appointment needs a start time' }],
    ],
    [
      'no participants',
      { participant: [] },
      [{ path: `${base}.participant`, message: 'participant must have at least 1 entry' }],
    ],
    ['a missing status', { status: undefined }, [{ path: `${base}.status`, message: 'status is missing' }]],
    [
      'a patient identified only by a local number',
      { participant: [{ actor: { type: 'Patient', identifier: { system: 'https://example.org/mrn', value: 'M1' } } }] },
      [
        {
          path: `${base}.participant[0].actor`,
          message: `actor identifies the patient in system 'https://example.org/mrn'; this import needs the NHS number (system ${NHS_NUMBER_SYSTEM})`,
        },
      ],
    ],
    [
      'a patient named by type alone',
      { participant: [{ actor: { type: 'Patient', display: 'A patient' } }] },
      [
        {
          path: `${base}.participant[0].actor`,
          message: `actor names a Patient but gives neither a reference nor an NHS number (identifier with system ${NHS_NUMBER_SYSTEM})`,
        },
      ],
    ],
    [
      'an NHS number identifier without a value',
      { participant: [{ actor: { identifier: { system: NHS_NUMBER_SYSTEM } } }] },
      [
        {
          path: `${base}.participant[0].actor.identifier.value`,
          message: 'value is missing: the NHS number identifier has no value',
        },
      ],
    ],
    [
      'two patients',
      {
        participant: [
          { actor: { identifier: { system: NHS_NUMBER_SYSTEM, value: ALEX } } },
          { actor: { identifier: { system: NHS_NUMBER_SYSTEM, value: SAM } } },
        ],
      },
      [
        {
          path: `${base}.participant`,
          message:
            'the appointment has more than one patient (NHS numbers 999 525 9656, 999 890 9228); this import takes one patient per appointment',
        },
      ],
    ],
    [
      'a contained Location with an impossible latitude',
      {
        contained: [{ resourceType: 'Location', id: 'l', position: { latitude: 153.7, longitude: -2.7 } }],
        participant: [
          { actor: { identifier: { system: NHS_NUMBER_SYSTEM, value: ALEX } } },
          { actor: { reference: '#l' } },
        ],
      },
      [{ path: `${base}.contained[0].position.latitude`, message: 'latitude must be at most 90; got 153.7' }],
    ],
  ]
  for (const [name, fields, expected] of issueCases) {
    it(`refuses ${name}`, () => assert.deepEqual(issuesOf(parse(appointment(fields))), expected))
  }

  it('accepts the same patient named twice, by identifier and by reference', () => {
    const patient = { resourceType: 'Patient', id: 'p1', identifier: [{ system: NHS_NUMBER_SYSTEM, value: ALEX }] }
    const participant = [
      { actor: { identifier: { system: NHS_NUMBER_SYSTEM, value: ALEX } } },
      { actor: { reference: 'Patient/p1' } },
    ]
    assert.equal(parsedOf(parse(appointment({ participant }), patient)).appointments[0]?.nhsNumber, ALEX)
  })
})

describe('parseAppointmentBundle: the bundle around the appointments', () => {
  it('lists a Patient that no appointment refers to as ignored', () => {
    const stray = { resourceType: 'Patient', id: 'p9', identifier: [{ system: NHS_NUMBER_SYSTEM, value: SAM }] }
    assert.deepEqual(parsedOf(parse(appointment(), stray)).ignored, [
      { path: 'entry[1]', reason: 'a Patient that no appointment refers to' },
    ])
  })

  it('counts a Patient only a cancelled appointment refers to as referred to', () => {
    const patient = { resourceType: 'Patient', id: 'p1', identifier: [{ system: NHS_NUMBER_SYSTEM, value: SAM }] }
    const cancelled = appointment({ status: 'cancelled', participant: [{ actor: { reference: 'Patient/p1' } }] })
    assert.deepEqual(parsedOf(parse(cancelled, patient)).ignored, [
      { path: 'entry[0]', reason: 'the appointment was cancelled' },
    ])
  })

  it('reports a faulty Patient once however many appointments refer to it', () => {
    const patient = {
      resourceType: 'Patient',
      id: 'p1',
      identifier: [{ system: NHS_NUMBER_SYSTEM, value: '9995259657' }],
    }
    const refersToIt = (id: string) => appointment({ id, participant: [{ actor: { reference: 'Patient/p1' } }] })
    assert.deepEqual(issuesOf(parse(refersToIt('a1'), refersToIt('a2'), patient)), [
      {
        path: 'entry[2].resource.identifier[0].value',
        message: "NHS number '9995259657' is not valid: its check digit does not match",
      },
    ])
  })

  it('refuses two supporting resources with one fullUrl', () => {
    const patient = { resourceType: 'Patient', id: 'p1', identifier: [{ system: NHS_NUMBER_SYSTEM, value: ALEX }] }
    const json = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { resource: appointment({ participant: [{ actor: { reference: 'urn:uuid:p' } }] }) },
        { fullUrl: 'urn:uuid:p', resource: patient },
        { fullUrl: 'urn:uuid:p', resource: { ...patient, id: 'p2' } },
      ],
    }
    assert.deepEqual(issuesOf(parseAppointmentBundle(json, { now: NOW })), [
      { path: 'entry[2].fullUrl', message: "fullUrl 'urn:uuid:p' is also used by entry[1]" },
    ])
  })

  it('refuses a search that the sending system says failed', () => {
    const json = {
      resourceType: 'Bundle',
      type: 'searchset',
      entry: [
        {
          resource: {
            resourceType: 'OperationOutcome',
            issue: [{ severity: 'error', diagnostics: 'Too many matches' }],
          },
          search: { mode: 'outcome' },
        },
      ],
    }
    assert.deepEqual(issuesOf(parseAppointmentBundle(json, { now: NOW })), [
      { path: 'entry[0]', message: 'The sending system reported that the search failed: Too many matches' },
    ])
  })

  it('lists problems in bundle order, whichever appointment found them', () => {
    const badPatient = { resourceType: 'Patient', id: 'p1', identifier: [{ system: NHS_NUMBER_SYSTEM, value: '1' }] }
    const json = bundle(
      { resourceType: 'Observation' },
      badPatient,
      appointment({ participant: [{ actor: { reference: 'Patient/p1' } }] }),
    )
    assert.deepEqual(
      issuesOf(parseAppointmentBundle(json, { now: NOW })).map((i) => i.path),
      ['entry[0]', 'entry[1].resource.identifier[0].value'],
    )
  })
})

describe('deriveSetting', () => {
  const category = (code: string) => ({
    coding: [{ system: 'http://terminology.hl7.org/CodeSystem/service-category', code }],
  })
  const snomed = (code: string) => ({ coding: [{ system: 'http://snomed.info/sct', code }] })
  const locationType = (code: string) => ({
    coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code }],
  })
  const cases: [string, Parameters<typeof deriveSetting>[0], string[], string][] = [
    ['service category Dental', [category('10')], [], 'dental'],
    ['service category General Practice', [category('17')], [], 'gp'],
    ['service category Specialist Medical', [category('27')], [], 'hospital'],
    ['service category Emergency Department', [category('14')], [], 'hospital'],
    ['SNOMED general practice specialty', [snomed('394814009')], [], 'gp'],
    ['SNOMED dental specialties', [snomed('394812008')], [], 'dental'],
    ['a Location of type hospital', [locationType('HOSP')], [], 'hospital'],
    ['a dental service in a hospital', [category('10'), locationType('HOSP')], [], 'dental'],
    ['a GP code beside hospital words', [category('17')], ['Sample Hospital'], 'gp'],
    ['a code from another system', [{ coding: [{ system: 'https://example.org/codes', code: '10' }] }], [], 'other'],
    ['a dentist in free text', [{ text: 'Dentist' }], [], 'dental'],
    ['GP in a display', [{ coding: [{ code: 'x', display: 'GP appointment' }] }], [], 'gp'],
    ['an outpatients location name', [], ['Women’s Outpatients'], 'hospital'],
    ['a dental hospital', [], ['Sample Dental Hospital'], 'dental'],
    ['GPS, which is not GP', [{ text: 'GPS tracker fitting' }], [], 'other'],
    ['nothing recognisable', [{ text: 'Physiotherapy' }], ['Library'], 'other'],
    ['nothing at all', [], [], 'other'],
  ]
  for (const [name, concepts, texts, expected] of cases) {
    it(`${name} -> ${expected}`, () => assert.equal(deriveSetting(concepts, texts), expected))
  }
})

describe('instantProblem', () => {
  const general = (s: string) =>
    `must be a date and time with seconds and a time zone, like 2026-11-24T10:30:00Z; got '${s}'`
  const noZone = (s: string) =>
    `has no time zone, so the time is ambiguous: add Z for UTC or an offset such as +01:00, like 2026-11-24T10:30:00Z; got '${s}'`
  const unreal = (s: string) => `is not a real date and time; got '${s}'`
  const cases: [string, string | null][] = [
    ['2026-11-24T10:30:00Z', null],
    ['2026-11-24T10:30:00.123+01:00', null],
    ['2026-11-24T10:30:00-05:00', null],
    ['2026-11-24T10:30:00+14:00', null],
    ['2028-02-29T00:00:00Z', null],
    ['2026-11-24T10:30:00', noZone('2026-11-24T10:30:00')],
    ['2026-11-24T10:30', noZone('2026-11-24T10:30')],
    ['2026-11-24', general('2026-11-24')],
    ['2026-11-24 10:30:00Z', general('2026-11-24 10:30:00Z')],
    ['2026-11-24T10:30Z', general('2026-11-24T10:30Z')],
    ['24/11/2026', general('24/11/2026')],
    ['', general('')],
    ['2026-02-29T00:00:00Z', unreal('2026-02-29T00:00:00Z')],
    ['2026-13-01T00:00:00Z', unreal('2026-13-01T00:00:00Z')],
    ['2026-11-24T24:00:00Z', unreal('2026-11-24T24:00:00Z')],
    ['2026-11-24T10:30:60Z', unreal('2026-11-24T10:30:60Z')],
    ['2026-11-24T10:30:00+14:30', unreal('2026-11-24T10:30:00+14:30')],
  ]
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} -> ${expected === null ? 'ok' : 'problem'}`, () =>
      assert.equal(instantProblem(input), expected))
  }
})

describe('appointmentKey', () => {
  const identifier = [
    { value: 'no-system' },
    { system: 'https://gp.example/Id/appointment', value: 'A-1' },
    { system: 'https://gp.example/Id/other', value: 'B-2' },
  ]
  const cases: [string, string | undefined, Parameters<typeof appointmentKey>[1], string | null][] = [
    [
      'a business identifier, before all else',
      'https://gp.example/fhir/Appointment/1',
      { id: '1', identifier },
      'https://gp.example/Id/appointment|A-1',
    ],
    [
      'a URL fullUrl, without an identifier',
      'https://gp.example/fhir/Appointment/1',
      { id: '1' },
      'https://gp.example/fhir/Appointment/1',
    ],
    [
      // A transaction's urn:uuid is valid inside that bundle only: the next one names it anew.
      'the id before a urn:uuid fullUrl',
      'urn:uuid:7d4b1c0e-2a51-4f0e-8e3a-5b9f2c6d8a01',
      { id: '1' },
      '1',
    ],
    [
      'a urn:uuid fullUrl, when there is nothing else',
      'urn:uuid:7d4b1c0e-2a51-4f0e-8e3a-5b9f2c6d8a01',
      {},
      'urn:uuid:7d4b1c0e-2a51-4f0e-8e3a-5b9f2c6d8a01',
    ],
    [
      'the first identifier with a system, without a fullUrl',
      undefined,
      { id: '1', identifier },
      'https://gp.example/Id/appointment|A-1',
    ],
    [
      'an identifier, when the fullUrl is relative',
      'Appointment/1',
      { id: '1', identifier },
      'https://gp.example/Id/appointment|A-1',
    ],
    ['the id, when there is nothing else', undefined, { id: '1', identifier: [{ value: 'no-system' }] }, '1'],
    ['nothing, without any', 'Appointment/1', {}, null],
  ]
  for (const [name, fullUrl, resource, expected] of cases) {
    it(name, () => assert.equal(appointmentKey(fullUrl, resource), expected))
  }

  it('tells apart two systems’ appointments with the same id', () => {
    const json = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { fullUrl: 'https://gp-one.example/fhir/Appointment/1', resource: appointment({ id: '1' }) },
        { fullUrl: 'https://gp-two.example/fhir/Appointment/1', resource: appointment({ id: '1' }) },
      ],
    }
    assert.deepEqual(
      parsedOf(parseAppointmentBundle(json, { now: NOW })).appointments.map((a) => a.sourceId),
      ['https://gp-one.example/fhir/Appointment/1', 'https://gp-two.example/fhir/Appointment/1'],
    )
  })
})

describe('otherPatientIssues', () => {
  it('names each appointment or withdrawal whose key is held for another patient', () => {
    const stored = new Map([
      ['k1', ALEX],
      ['k2', SAM],
    ])
    const entries = [
      { path: 'entry[2]', sourceId: 'k2', nhsNumber: JO },
      { path: 'entry[0]', sourceId: 'k1', nhsNumber: ALEX },
      { path: 'entry[1]', sourceId: 'k3', nhsNumber: JO },
      { path: 'entry[3]', sourceId: null, nhsNumber: JO },
    ]
    assert.deepEqual(
      otherPatientIssues(entries, (k) => stored.get(k)),
      [
        {
          path: 'entry[2]',
          message:
            "entry[2] is appointment 'k2', imported before for another patient: an import cannot move an appointment to another patient. Remove the entry and check it with the sending system",
        },
      ],
    )
  })
})

describe('unknownPatientIssues', () => {
  it('names each appointment and withdrawal, in bundle order, whose NHS number matches no victim the importer can see', () => {
    const { appointments, withdrawn } = parsedOf(parseAppointmentBundle(fixture('valid-searchset.json'), { now: NOW }))
    const onRecord = new Set([ALEX, JO])
    assert.deepEqual(
      unknownPatientIssues([...appointments, ...withdrawn], (n) => onRecord.has(n)),
      ['entry[1]', 'entry[5]', 'entry[6]'].map((path) => ({
        path,
        message:
          "NHS number 999 890 9228 does not match a victim on any incident you can open: check the number, or add it to the victim's details first",
      })),
    )
  })
})
