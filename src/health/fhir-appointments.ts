/**
 * Reads a FHIR R4 Bundle of Appointment resources (JSON) into the upcoming appointments an IDVA can
 * plan a discreet contact at. All or nothing: any problem anywhere gives every problem found and no
 * appointments, so an import never saves part of a bundle. Pure: matching NHS numbers to people on
 * record is the caller's step (see unknownPatientIssues).
 *
 * FHIR requires receivers to tolerate elements they do not use, so resources are read with loose
 * schemas: only the elements read here are checked. README.md beside this file lists the rules.
 */
import { z } from 'zod'
import { isValidNhsNumber, normaliseNhsNumber } from '../intake/nhs-number.ts'

export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number'
export const MAX_BUNDLE_ENTRIES = 5000

// A search result, a file put together by hand, or what an EPR pushes. Documents and messages
// carry a Composition or MessageHeader first, and responses carry outcomes rather than resources.
export const BUNDLE_TYPES = ['searchset', 'collection', 'transaction', 'batch'] as const

export const APPOINTMENT_STATUSES = [
  'proposed',
  'pending',
  'booked',
  'arrived',
  'fulfilled',
  'cancelled',
  'noshow',
  'entered-in-error',
  'checked-in',
  'waitlist',
] as const
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number]

// Statuses that mean the appointment will not happen, so there is nothing to plan around.
const NOT_GOING_AHEAD = {
  cancelled: 'the appointment was cancelled',
  noshow: 'the appointment is marked as a no-show',
  'entered-in-error': 'the appointment was entered in error',
} as const satisfies Partial<Record<AppointmentStatus, string>>
export type UpcomingStatus = Exclude<AppointmentStatus, keyof typeof NOT_GOING_AHEAD>

// R4 invariant app-3: only these may lack a start (cancelled ones are dropped before the check).
const UNSCHEDULED_STATUSES: readonly AppointmentStatus[] = ['proposed', 'waitlist']

const PARTICIPANT_STATUSES = ['accepted', 'declined', 'tentative', 'needs-action'] as const

// What an Appointment's participants may be, and what else a search may include alongside it.
const SUPPORTING_TYPES = new Set([
  'Patient',
  'Location',
  'Practitioner',
  'PractitionerRole',
  'RelatedPerson',
  'Device',
  'HealthcareService',
  'Organization',
  'Slot',
])

export type AppointmentSetting = 'gp' | 'dental' | 'hospital' | 'other'

export interface AppointmentLocation {
  name: string | null
  latitude: number | null
  longitude: number | null
  address: string | null
}

export interface ParsedAppointment {
  /** Where the appointment is in the bundle, e.g. 'entry[3]', for reporting problems found later. */
  path: string
  /** Which appointment this is across imports: see appointmentKey. Null when the bundle gives nothing to tell. */
  sourceId: string | null
  /** Ten digits, no spaces, with a valid check digit. */
  nhsNumber: string
  status: UpcomingStatus
  start: Date
  /** From end, or start plus minutesDuration; null when the bundle gives neither. */
  end: Date | null
  setting: AppointmentSetting
  /** A short label for the IDVA: the service type, else the description. */
  description: string | null
  location: AppointmentLocation | null
}

export interface BundleIssue {
  /** Where in the bundle, e.g. 'entry[3].resource.start'; '' for the file as a whole. */
  path: string
  message: string
}

export interface IgnoredEntry {
  path: string
  reason: string
}

/** An appointment the bundle says will not take place as booked, so an earlier import of it is withdrawn. */
export interface WithdrawnAppointment {
  path: string
  /** See appointmentKey. */
  sourceId: string
  /** The patient's: an import withdraws only their own appointment. */
  nhsNumber: string
}

export type BundleParseResult =
  | { ok: true; appointments: ParsedAppointment[]; ignored: IgnoredEntry[]; withdrawn: WithdrawnAppointment[] }
  | { ok: false; issues: BundleIssue[] }

// ---- Setting: which kind of appointment this is, from codes first and then words. ----

const SERVICE_CATEGORY = 'http://terminology.hl7.org/CodeSystem/service-category'
const SNOMED_CT = 'http://snomed.info/sct'
const V3_ROLE_CODE = 'http://terminology.hl7.org/CodeSystem/v3-RoleCode'

/** Most specific first: a dental clinic in a hospital is dental, and a GP in a hospital is GP. */
export const SETTING_PRECEDENCE = ['dental', 'gp', 'hospital'] as const

/**
 * Codes read from serviceCategory, serviceType, specialty, appointmentType and the Location's type.
 * The service-category codes are FHIR R4's example set; specialties are SNOMED CT practice settings.
 */
export const SETTING_CODES: readonly { setting: AppointmentSetting; system: string; code: string; meaning: string }[] =
  [
    { setting: 'dental', system: SERVICE_CATEGORY, code: '10', meaning: 'Dental' },
    { setting: 'dental', system: SNOMED_CT, code: '394812008', meaning: 'Dental medicine specialties' },
    { setting: 'gp', system: SERVICE_CATEGORY, code: '17', meaning: 'General Practice' },
    { setting: 'gp', system: SNOMED_CT, code: '394814009', meaning: 'General practice (specialty)' },
    { setting: 'gp', system: SNOMED_CT, code: '408443003', meaning: 'General medical practice' },
    { setting: 'hospital', system: SERVICE_CATEGORY, code: '14', meaning: 'Emergency Department' },
    { setting: 'hospital', system: SERVICE_CATEGORY, code: '26', meaning: 'Specialist Clinical Pathology' },
    { setting: 'hospital', system: SERVICE_CATEGORY, code: '27', meaning: 'Specialist Medical' },
    { setting: 'hospital', system: SERVICE_CATEGORY, code: '28', meaning: 'Specialist Obstetrics & Gynecology' },
    { setting: 'hospital', system: SERVICE_CATEGORY, code: '29', meaning: 'Specialist Paediatric' },
    { setting: 'hospital', system: SERVICE_CATEGORY, code: '30', meaning: 'Specialist Radiology/Imaging' },
    { setting: 'hospital', system: SERVICE_CATEGORY, code: '31', meaning: 'Specialist Surgical' },
    { setting: 'hospital', system: V3_ROLE_CODE, code: 'HOSP', meaning: 'Hospital (location type)' },
    { setting: 'hospital', system: V3_ROLE_CODE, code: 'GACH', meaning: 'General acute care hospital (location type)' },
    { setting: 'hospital', system: V3_ROLE_CODE, code: 'ER', meaning: 'Emergency room (location type)' },
  ]

/** When no code decides: words in the same elements' text and display, the description and the Location's name. */
export const SETTING_WORDS: readonly { setting: AppointmentSetting; pattern: RegExp }[] = [
  { setting: 'dental', pattern: /\b(dental|dentist|dentistry|orthodontics?|orthodontist)\b/i },
  { setting: 'gp', pattern: /\b(gp|general practice|general practitioner)\b/i },
  { setting: 'hospital', pattern: /\b(hospital|infirmary|outpatients?|out-patients?)\b/i },
]

interface Coding {
  system?: string | undefined
  code?: string | undefined
  display?: string | undefined
}
interface Concept {
  coding?: Coding[] | undefined
  text?: string | undefined
}

/** The setting the concepts and texts point to; 'other' when nothing in the tables matches. */
export function deriveSetting(
  concepts: readonly Concept[],
  texts: readonly (string | null | undefined)[],
): AppointmentSetting {
  const coded = new Set<AppointmentSetting>()
  for (const coding of concepts.flatMap((c) => c.coding ?? [])) {
    const rule = SETTING_CODES.find((r) => r.system === coding.system && r.code === coding.code)
    if (rule) coded.add(rule.setting)
  }
  const fromCodes = SETTING_PRECEDENCE.find((s) => coded.has(s))
  if (fromCodes) return fromCodes
  const words = [...concepts.flatMap((c) => [c.text, ...(c.coding ?? []).map((k) => k.display)]), ...texts].filter(
    (t): t is string => !!t,
  )
  const worded = new Set(SETTING_WORDS.filter((r) => words.some((w) => r.pattern.test(w))).map((r) => r.setting))
  return SETTING_PRECEDENCE.find((s) => worded.has(s)) ?? 'other'
}

// ---- Dates: FHIR's instant is a date and time to the second with a time zone. ----

const INSTANT =
  /^(?<year>\d{4})-(?<month>\d{2})-(?<day>\d{2})T(?<hour>\d{2}):(?<minute>\d{2}):(?<second>\d{2})(\.\d+)?(Z|[+-](?<offsetHour>\d{2}):(?<offsetMinute>\d{2}))$/
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/
const EXAMPLE_INSTANT = '2026-11-24T10:30:00Z'

/** What is wrong with a FHIR instant, or null when it is one. Leap seconds (:60) are not accepted. */
export function instantProblem(s: string): string | null {
  const m = INSTANT.exec(s)
  if (!m) {
    if (LOCAL_DATE_TIME.test(s)) {
      return `has no time zone, so the time is ambiguous: add Z for UTC or an offset such as +01:00, like ${EXAMPLE_INSTANT}; got '${s}'`
    }
    return `must be a date and time with seconds and a time zone, like ${EXAMPLE_INSTANT}; got '${s}'`
  }
  const n = (name: string) => Number(m.groups?.[name] ?? 0) // a missing offset is Z
  const daysInMonth = new Date(Date.UTC(n('year'), n('month'), 0)).getUTCDate()
  const real =
    n('month') >= 1 &&
    n('month') <= 12 &&
    n('day') >= 1 &&
    n('day') <= daysInMonth &&
    n('hour') <= 23 &&
    n('minute') <= 59 &&
    n('second') <= 59 &&
    n('offsetHour') * 60 + n('offsetMinute') <= 14 * 60
  return real ? null : `is not a real date and time; got '${s}'`
}

// ---- Schemas for the elements read here; anything else in a resource passes untouched. ----

const instant = z.string().superRefine((s, ctx) => {
  const problem = instantProblem(s)
  if (problem) ctx.addIssue({ code: 'custom', message: problem })
})
const coding = z.looseObject({
  system: z.string().optional(),
  code: z.string().optional(),
  display: z.string().optional(),
})
const concept = z.looseObject({ coding: z.array(coding).optional(), text: z.string().optional() })
const identifier = z.looseObject({ system: z.string().optional(), value: z.string().optional() })
const reference = z.looseObject({
  reference: z.string().optional(),
  type: z.string().optional(),
  identifier: identifier.optional(),
  display: z.string().optional(),
})
const resourceHead = z.looseObject({ resourceType: z.string(), id: z.string().optional() })

const bundleSchema = z.looseObject({
  resourceType: z.literal('Bundle'),
  type: z.enum(BUNDLE_TYPES),
  entry: z.array(z.unknown()).optional(),
})
const entrySchema = z.looseObject({
  fullUrl: z.string().optional(),
  resource: resourceHead,
  search: z.looseObject({ mode: z.string().optional() }).optional(),
})
const appointmentSchema = z.looseObject({
  id: z.string().optional(),
  identifier: z.array(identifier).optional(),
  status: z.enum(APPOINTMENT_STATUSES),
  serviceCategory: z.array(concept).optional(),
  serviceType: z.array(concept).optional(),
  specialty: z.array(concept).optional(),
  appointmentType: concept.optional(),
  description: z.string().optional(),
  start: instant.optional(),
  end: instant.optional(),
  minutesDuration: z.int().positive().optional(),
  // R4 makes participant.status required; it is only read here to spot a patient who declined.
  participant: z
    .array(z.looseObject({ actor: reference.optional(), status: z.enum(PARTICIPANT_STATUSES).optional() }))
    .min(1),
  contained: z.array(resourceHead).optional(),
})
const patientSchema = z.looseObject({ identifier: z.array(identifier).optional() })
const locationSchema = z.looseObject({
  name: z.string().optional(),
  type: z.array(concept).optional(),
  address: z
    .looseObject({
      text: z.string().optional(),
      line: z.array(z.string()).optional(),
      city: z.string().optional(),
      district: z.string().optional(),
      postalCode: z.string().optional(),
    })
    .optional(),
  position: z
    .looseObject({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) })
    .optional(),
})
const operationOutcomeSchema = z.looseObject({
  issue: z
    .array(
      z.looseObject({
        severity: z.string().optional(),
        diagnostics: z.string().optional(),
        details: concept.optional(),
      }),
    )
    .optional(),
})

type Appointment = z.infer<typeof appointmentSchema>
type Reference = z.infer<typeof reference>

// ---- Turning schema failures into sentences. ----

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object ({ ... })',
  array: 'a list ([ ... ])',
}

function shown(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`
  if (Array.isArray(value)) return 'a list'
  if (value === null) return 'null'
  if (typeof value === 'object') return 'an object'
  return String(value)
}

function joinPath(base: string, segments: readonly PropertyKey[]): string {
  let path = base
  for (const s of segments) path += typeof s === 'number' ? `[${s}]` : `${path ? '.' : ''}${String(s)}`
  return path
}

function sentence(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input
  switch (issue.code) {
    case 'invalid_type':
      return input === undefined
        ? 'is missing'
        : `must be ${EXPECTED[issue.expected] ?? issue.expected}; got ${shown(input)}`
    case 'invalid_value':
      if (input === undefined) return 'is missing'
      return issue.values.length === 1
        ? `must be ${shown(issue.values[0])}; got ${shown(input)}`
        : `must be one of ${issue.values.join(', ')}; got ${shown(input)}`
    case 'too_small':
      if (issue.origin === 'array')
        return `must have at least ${issue.minimum} ${issue.minimum === 1 ? 'entry' : 'entries'}`
      return `must be ${issue.inclusive ? 'at least' : 'more than'} ${issue.minimum}; got ${shown(input)}`
    case 'too_big':
      return `must be ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}; got ${shown(input)}`
    default:
      return issue.message
  }
}

function schemaIssues(base: string, error: z.ZodError): BundleIssue[] {
  return error.issues.map((issue) => {
    const field = [...issue.path].reverse().find((s) => typeof s === 'string')
    const message = sentence(issue)
    return { path: joinPath(base, issue.path), message: field ? `${String(field)} ${message}` : message }
  })
}

function read<T>(schema: z.ZodType<T>, value: unknown, path: string, issues: BundleIssue[]): T | null {
  const result = schema.safeParse(value, { reportInput: true })
  if (result.success) return result.data
  issues.push(...schemaIssues(path, result.error))
  return null
}

// ---- References between resources in the bundle. ----

interface Target {
  /** The resource's own path: 'entry[4].resource', or 'entry[2].resource.contained[0]'. */
  path: string
  resource: z.infer<typeof resourceHead>
}

// 'Patient/p1', 'Patient/p1/_history/2' or an absolute URL ending in either.
const TYPED_REFERENCE = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/

class BundleIndex {
  private readonly byFullUrl = new Map<string, Target>()
  private readonly byTypeAndId = new Map<string, Target>()
  readonly referenced = new Set<string>()

  /** Returns the path of an earlier resource with the same fullUrl, if any. */
  add(fullUrl: string | undefined, target: Target): string | null {
    if (fullUrl) {
      const earlier = this.byFullUrl.get(fullUrl)
      if (earlier) return earlier.path
      this.byFullUrl.set(fullUrl, target)
    }
    const { resourceType, id } = target.resource
    if (id && !this.byTypeAndId.has(`${resourceType}/${id}`)) this.byTypeAndId.set(`${resourceType}/${id}`, target)
    return null
  }

  /**
   * Resolves a reference the way FHIR resolves one inside a bundle, simplified: '#id' is a contained
   * resource, then an exact fullUrl, then the resource with that type and id (assumes one server's ids).
   */
  resolve(ref: string, contained: readonly Target[]): Target | null {
    let target: Target | null = null
    if (ref.startsWith('#')) target = contained.find((t) => t.resource.id === ref.slice(1)) ?? null
    else {
      const typed = TYPED_REFERENCE.exec(ref)
      target = this.byFullUrl.get(ref) ?? (typed ? this.byTypeAndId.get(`${typed[1]}/${typed[2]}`) : undefined) ?? null
    }
    if (target) this.referenced.add(target.path)
    return target
  }
}

/** The resource type an actor names, resolved or not. */
function actorType(actor: Reference, target: Target | null): string | null {
  if (target) return target.resource.resourceType
  if (actor.type) return actor.type
  if (actor.identifier?.system === NHS_NUMBER_SYSTEM) return 'Patient'
  return (actor.reference && TYPED_REFERENCE.exec(actor.reference)?.[1]) ?? null
}

// ---- Which appointment is which, across imports from several systems. ----

// An absolute URI: a scheme, then a colon ('https://...', 'urn:uuid:...').
const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:/

/**
 * The key an appointment is recognised by when imported again, most stable first: its first
 * business identifier with a system ('system|value'); the entry's fullUrl when it is a URL (the
 * resource's identity on its server); Appointment.id; and last a `urn:` fullUrl, which in a
 * transaction or batch is a placeholder valid inside that bundle only, so senders change it every
 * time. An id alone is unique only within its server: two systems' ids can meet, which is why the
 * importer also refuses to move an appointment to another patient. Null when the bundle gives none.
 */
export function appointmentKey(
  fullUrl: string | undefined,
  appointment: {
    id?: string | undefined
    identifier?: { system?: string | undefined; value?: string | undefined }[] | undefined
  },
): string | null {
  const identifier = appointment.identifier?.find((i) => i.system && i.value)
  if (identifier) return `${identifier.system}|${identifier.value}`
  if (fullUrl && /^https?:\/\//i.test(fullUrl)) return fullUrl
  return appointment.id ?? (fullUrl && ABSOLUTE_URI.test(fullUrl) ? fullUrl : null)
}

// ---- The bundle. ----

export function parseAppointmentBundle(json: unknown, opts: { now: Date }): BundleParseResult {
  const shapeProblem = notABundle(json)
  if (shapeProblem) return { ok: false, issues: [{ path: '', message: shapeProblem }] }
  const { entry: entries } = json as { entry?: unknown }
  if (Array.isArray(entries) && entries.length > MAX_BUNDLE_ENTRIES) {
    const message =
      `The bundle has ${entries.length.toLocaleString('en-GB')} entries; an import takes at most ` +
      `${MAX_BUNDLE_ENTRIES.toLocaleString('en-GB')}. Split it into smaller bundles.`
    return { ok: false, issues: [{ path: 'entry', message }] }
  }
  const issues: BundleIssue[] = []
  const bundle = read(bundleSchema, json, '', issues)
  if (!bundle) return { ok: false, issues }

  const index = new BundleIndex()
  const ignored: IgnoredEntry[] = []
  const appointmentEntries: { path: string; fullUrl: string | undefined; resource: unknown }[] = []
  const supporting: Target[] = []
  ;(bundle.entry ?? []).forEach((raw, i) => {
    const path = `entry[${i}]`
    const entry = read(entrySchema, raw, path, issues)
    if (!entry) return
    const { resourceType } = entry.resource
    const target = { path: `${path}.resource`, resource: entry.resource }
    if (resourceType === 'Appointment') {
      appointmentEntries.push({ path, fullUrl: entry.fullUrl, resource: entry.resource })
    } else if (SUPPORTING_TYPES.has(resourceType)) {
      const earlier = index.add(entry.fullUrl, target)
      if (earlier) {
        issues.push({
          path: `${path}.fullUrl`,
          message: `fullUrl '${entry.fullUrl}' is also used by ${entryOf(earlier)}`,
        })
      } else supporting.push(target)
    } else if (resourceType === 'OperationOutcome' && entry.search?.mode === 'outcome') {
      readSearchOutcome(path, entry.resource, issues, ignored)
    } else {
      issues.push({
        path,
        message:
          `${path} is ${article(resourceType)} ${resourceType}; this import takes Appointment resources ` +
          '(and the Patient, Location, Practitioner and other participant resources they refer to)',
      })
    }
  })

  const appointments: ParsedAppointment[] = []
  const withdrawn: WithdrawnAppointment[] = []
  const firstBySourceId = new Map<string, string>()
  for (const { path, fullUrl, resource } of appointmentEntries) {
    const base = `${path}.resource`
    const appointment = read(appointmentSchema, resource, base, issues)
    if (!appointment) continue
    const sourceId = appointmentKey(fullUrl, appointment)
    if (sourceId !== null) {
      const first = firstBySourceId.get(sourceId)
      if (first) {
        issues.push({ path, message: `${path} is appointment '${sourceId}' again; it is already in ${first}` })
        continue
      }
      firstBySourceId.set(sourceId, path)
    }
    const outcome = readAppointment(appointment, { path, base, sourceId, index, now: opts.now })
    if ('issues' in outcome) issues.push(...outcome.issues)
    else if ('ignored' in outcome) {
      ignored.push({ path, reason: outcome.ignored })
      if (outcome.withdraws !== null && sourceId !== null)
        withdrawn.push({ path, sourceId, nhsNumber: outcome.withdraws })
    } else appointments.push(outcome.appointment)
  }

  for (const { path, resource } of supporting) {
    if (!index.referenced.has(path)) {
      ignored.push({
        path: entryOf(path),
        reason: `${article(resource.resourceType)} ${resource.resourceType} that no appointment refers to`,
      })
    }
  }
  if (issues.length > 0) return { ok: false, issues: inBundleOrder(distinct(issues)) }
  return { ok: true, appointments, ignored: inBundleOrder(ignored), withdrawn }
}

function notABundle(json: unknown): string | null {
  const expected = 'expected a JSON object with resourceType Bundle'
  if (json === null || typeof json !== 'object')
    return `The file is not a FHIR resource: ${expected}; got ${shown(json)}`
  if (Array.isArray(json)) return `The file is not a FHIR resource: ${expected}; got a list`
  const { resourceType } = json as { resourceType?: unknown }
  if (typeof resourceType !== 'string') return `The file is not a FHIR resource: it has no resourceType; ${expected}`
  if (resourceType !== 'Bundle') {
    return `The file is a FHIR ${resourceType}, not a Bundle; this import takes a Bundle of Appointment resources`
  }
  return null
}

// A search may report warnings or a failure as an OperationOutcome entry beside its matches.
function readSearchOutcome(path: string, resource: unknown, issues: BundleIssue[], ignored: IgnoredEntry[]): void {
  const outcome = read(operationOutcomeSchema, resource, `${path}.resource`, issues)
  if (!outcome) return
  const said = (outcome.issue ?? []).map((i) => i.diagnostics ?? i.details?.text).filter((t): t is string => !!t)
  const text = said.length > 0 ? `: ${said.join('; ')}` : ''
  if ((outcome.issue ?? []).some((i) => i.severity === 'error' || i.severity === 'fatal')) {
    issues.push({ path, message: `The sending system reported that the search failed${text}` })
  } else ignored.push({ path, reason: `a note from the sending system about the search${text}` })
}

interface AppointmentContext {
  path: string
  base: string
  sourceId: string | null
  index: BundleIndex
  now: Date
}

interface Actor {
  participant: Appointment['participant'][number]
  path: string
  target: Target | null
}

// `withdraws`: when the appointment will not take place as booked (unlike one that is over), the
// patient's NHS number, so that an earlier copy of theirs is withdrawn; otherwise null.
type AppointmentOutcome =
  { appointment: ParsedAppointment } | { ignored: string; withdraws: string | null } | { issues: BundleIssue[] }

function readAppointment(a: Appointment, ctx: AppointmentContext): AppointmentOutcome {
  const { base, index } = ctx
  const contained = (a.contained ?? []).map((resource, k) => ({ path: `${base}.contained[${k}]`, resource }))
  // Resolve every actor first, so resources only a cancelled appointment refers to still count as referred to.
  const actors = a.participant.map((p, j): Actor => {
    const target = p.actor?.reference ? index.resolve(p.actor.reference, contained) : null
    return { participant: p, path: `${base}.participant[${j}].actor`, target }
  })
  const patients = actors.filter(
    ({ participant, target }) => participant.actor && actorType(participant.actor, target) === 'Patient',
  )
  // A withdrawal touches only the same patient's appointment, so it must say who they are, as a booking does.
  const withdrawal = (reason: string): AppointmentOutcome => {
    if (ctx.sourceId === null) return { ignored: reason, withdraws: null }
    const issues: BundleIssue[] = []
    const nhsNumber = appointmentPatient(patients, base, issues)
    return nhsNumber ? { ignored: reason, withdraws: nhsNumber } : { issues }
  }

  const notGoingAhead = (NOT_GOING_AHEAD as Partial<Record<AppointmentStatus, string>>)[a.status]
  if (notGoingAhead) return withdrawal(notGoingAhead)
  const status = a.status as UpcomingStatus
  const issues: BundleIssue[] = []
  if (!a.start) {
    if (UNSCHEDULED_STATUSES.includes(status)) return withdrawal(`the appointment has no date yet (status ${status})`)
    issues.push({ path: `${base}.start`, message: `start is missing; a ${status} appointment needs a start time` })
  }
  const start = a.start ? new Date(a.start) : null
  let end = a.end ? new Date(a.end) : null
  if (start && end && end < start) {
    issues.push({ path: `${base}.end`, message: `end ${a.end} is before start ${a.start}` })
  }
  if (start && !end && a.minutesDuration) end = new Date(start.getTime() + a.minutesDuration * 60_000)

  const nhsNumber = appointmentPatient(patients, base, issues)
  const location = appointmentLocation(actors, issues)
  if (issues.length > 0 || !start || !nhsNumber) return { issues }

  if (patients.some(({ participant }) => participant.status === 'declined'))
    return { ignored: 'the patient has declined the appointment', withdraws: nhsNumber }
  const over = end ?? start
  if (over < ctx.now)
    return {
      ignored: `the appointment is over: it ${end ? 'ended' : 'started'} at ${(end ? a.end : a.start)!}`,
      withdraws: null,
    }

  const concepts = [...(a.serviceType ?? []), ...(a.specialty ?? []), ...(a.serviceCategory ?? [])]
  if (a.appointmentType) concepts.push(a.appointmentType)
  return {
    appointment: {
      path: ctx.path,
      sourceId: ctx.sourceId,
      nhsNumber,
      status,
      start,
      end,
      setting: deriveSetting([...concepts, ...(location?.types ?? [])], [a.description, location?.place.name]),
      description: label(a.serviceType?.[0]) ?? (a.description?.trim() || null),
      location: location?.place ?? null,
    },
  }
}

/** The one patient's valid NHS number, or null after recording why there is none. */
function appointmentPatient(patients: Actor[], base: string, issues: BundleIssue[]): string | null {
  const before = issues.length
  const nhsNumbers = new Set<string>()
  for (const { participant, path, target } of patients) {
    const found = patientNhsNumber(participant.actor!, path, target, issues)
    if (found) nhsNumbers.add(found)
  }
  if (patients.length === 0) {
    issues.push({
      path: `${base}.participant`,
      message: `no participant is the patient: add a participant whose actor is the Patient, with their NHS number (system ${NHS_NUMBER_SYSTEM})`,
    })
  } else if (nhsNumbers.size > 1) {
    issues.push({
      path: `${base}.participant`,
      message: `the appointment has more than one patient (NHS numbers ${[...nhsNumbers].map(spaced).join(', ')}); this import takes one patient per appointment`,
    })
  }
  return issues.length === before && nhsNumbers.size === 1 ? [...nhsNumbers][0]! : null
}

/** The valid NHS number an actor gives for the patient, or null after recording why there is none. */
function patientNhsNumber(actor: Reference, path: string, target: Target | null, issues: BundleIssue[]): string | null {
  if (actor.identifier?.system === NHS_NUMBER_SYSTEM) {
    return checkedNhsNumber(actor.identifier.value, `${path}.identifier.value`, issues)
  }
  if (target) {
    const patient = read(patientSchema, target.resource, target.path, issues)
    if (!patient) return null
    const k = (patient.identifier ?? []).findIndex((i) => i.system === NHS_NUMBER_SYSTEM)
    if (k >= 0) return checkedNhsNumber(patient.identifier![k]!.value, `${target.path}.identifier[${k}].value`, issues)
    issues.push({
      path: `${target.path}.identifier`,
      message: `the Patient has no NHS number: add an identifier with system ${NHS_NUMBER_SYSTEM}`,
    })
    return null
  }
  if (actor.reference) {
    issues.push({
      path: `${path}.reference`,
      message: `reference '${actor.reference}' is not in the bundle: include the Patient resource, or give the NHS number as actor.identifier`,
    })
    return null
  }
  issues.push({
    path,
    message: actor.identifier?.system
      ? `actor identifies the patient in system '${actor.identifier.system}'; this import needs the NHS number (system ${NHS_NUMBER_SYSTEM})`
      : `actor names a Patient but gives neither a reference nor an NHS number (identifier with system ${NHS_NUMBER_SYSTEM})`,
  })
  return null
}

function checkedNhsNumber(value: string | undefined, path: string, issues: BundleIssue[]): string | null {
  if (value === undefined) {
    issues.push({ path, message: 'value is missing: the NHS number identifier has no value' })
    return null
  }
  const digits = normaliseNhsNumber(value)
  if (isValidNhsNumber(digits)) return digits
  issues.push({
    path,
    message: /^[0-9]{10}$/.test(digits)
      ? `NHS number '${value}' is not valid: its check digit does not match`
      : `an NHS number must be 10 digits; got '${value}'`,
  })
  return null
}

/** The first Location among the participants, with its type codes for the setting. */
function appointmentLocation(
  actors: Actor[],
  issues: BundleIssue[],
): { place: AppointmentLocation; types: Concept[] } | null {
  const found = actors.find(
    ({ participant, target }) => participant.actor && actorType(participant.actor, target) === 'Location',
  )
  if (!found) return null
  const display = found.participant.actor?.display?.trim() || null
  if (!found.target) {
    return display ? { place: { name: display, latitude: null, longitude: null, address: null }, types: [] } : null
  }
  const loc = read(locationSchema, found.target.resource, found.target.path, issues)
  if (!loc) return null
  const parts = [...(loc.address?.line ?? []), loc.address?.city, loc.address?.district, loc.address?.postalCode]
  const address = loc.address?.text?.trim() || parts.filter((p) => p?.trim()).join(', ') || null
  return {
    place: {
      name: loc.name?.trim() || display,
      latitude: loc.position?.latitude ?? null,
      longitude: loc.position?.longitude ?? null,
      address,
    },
    types: loc.type ?? [],
  }
}

function label(c: Concept | undefined): string | null {
  return c?.text?.trim() || c?.coding?.find((k) => k.display?.trim())?.display?.trim() || null
}

/**
 * Issues for parsed appointments, and withdrawals, whose NHS number matches no victim the importer
 * may see; run after parsing, with the caller's lookup, and refuse the whole import when any come
 * back. The message is the same whether the number is on nobody's record or on one the importer
 * cannot open, so an import never tells anyone that a person is known elsewhere.
 */
export function unknownPatientIssues(
  entries: readonly { path: string; nhsNumber: string }[],
  isKnown: (nhsNumber: string) => boolean,
): BundleIssue[] {
  return inBundleOrder(
    entries
      .filter((a) => !isKnown(a.nhsNumber))
      .map((a) => ({
        path: a.path,
        message: `NHS number ${spaced(a.nhsNumber)} does not match a victim on any incident you can open: check the number, or add it to the victim's details first`,
      })),
  )
}

/**
 * Issues for appointments, and withdrawals, whose key the importer's agency already holds for
 * another patient: an import never moves an appointment from one patient to another (two systems'
 * ids can meet, and the first patient's planned contact and history would go with it). Run in the
 * saving transaction, with the NHS numbers stored under each key.
 */
export function otherPatientIssues(
  entries: readonly { path: string; sourceId: string | null; nhsNumber: string }[],
  storedNhsNumber: (sourceId: string) => string | undefined,
): BundleIssue[] {
  return inBundleOrder(
    entries
      .filter((a) => a.sourceId !== null && (storedNhsNumber(a.sourceId) ?? a.nhsNumber) !== a.nhsNumber)
      .map((a) => ({
        path: a.path,
        message: `${a.path} is appointment '${a.sourceId}', imported before for another patient: an import cannot move an appointment to another patient. Remove the entry and check it with the sending system`,
      })),
  )
}

function spaced(nhsNumber: string): string {
  return `${nhsNumber.slice(0, 3)} ${nhsNumber.slice(3, 6)} ${nhsNumber.slice(6)}`
}

function article(word: string): string {
  return /^[AEIOU]/i.test(word) ? 'an' : 'a'
}

function entryOf(path: string): string {
  return /^entry\[\d+\]/.exec(path)?.[0] ?? path
}

// Problems found while reading an appointment can lie in a Patient further on: list them as the bundle runs.
function inBundleOrder<T extends { path: string }>(items: T[]): T[] {
  const entryNumber = (path: string) => Number(/^entry\[(\d+)\]/.exec(path)?.[1] ?? -1)
  return items.sort((a, b) => entryNumber(a.path) - entryNumber(b.path))
}

// Several appointments can refer to one faulty Patient: say so once.
function distinct(issues: BundleIssue[]): BundleIssue[] {
  const seen = new Set<string>()
  return issues.filter((i) => {
    const key = `${i.path}\n${i.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
