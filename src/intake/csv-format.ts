import type { FieldIssue } from '../common/errors.ts'
import { zonedWallTimeToInstant } from '../common/uk-time.ts'
import { instantSchema, type Answer, type IncidentInput, type PersonInput } from './incident-schema.ts'

/**
 * A force records-system extract: one row per incident, one victim and at most one suspect, with
 * children and other people as lists in one cell. This module only turns strings into the
 * IncidentInput shape (and back); incidentInputSchema and checkIncident judge the result. Issues
 * are keyed by CSV column so an import report can say "row 17, column suspect_arrested_at: ...".
 */

type ColumnKind = 'text' | 'level' | 'instant' | 'date' | 'boolean' | 'number' | 'answers' | 'people'
type CsvPerson = 'victim' | 'suspect'
type ListRole = 'child' | 'other'

export interface IncidentCsvColumn {
  name: string
  kind: ColumnKind
  required: boolean
  /** Dotted path in IncidentInput, or within the person for victim_ and suspect_ columns. */
  path: string
  person?: CsvPerson
  /** For list columns: the role every entry gets. */
  listRole?: ListRole
}

const column = (
  name: string,
  kind: ColumnKind,
  path: string,
  extra: Partial<IncidentCsvColumn> = {},
): IncidentCsvColumn => ({ name, kind, path, required: false, ...extra })
const required = { required: true }
const victim = { person: 'victim' } as const
const suspect = { person: 'suspect' } as const

export const INCIDENT_CSV_COLUMNS: readonly IncidentCsvColumn[] = [
  column('force_reference', 'text', 'forceReference', required),
  column('reported_at', 'instant', 'reportedAt', required),
  column('occurred_at', 'instant', 'occurredAt', required),
  column('address', 'text', 'location.address', required),
  column('postcode', 'text', 'location.postcode', required),
  column('area', 'text', 'location.area', required),
  column('latitude', 'number', 'location.latitude'),
  column('longitude', 'number', 'location.longitude'),
  column('risk_tool', 'text', 'risk.tool', required),
  column('risk_level', 'level', 'risk.level', required),
  column('risk_answers', 'answers', 'risk.answers'),
  column('judgement_level', 'level', 'risk.judgementLevel'),
  column('judgement_reason', 'text', 'risk.judgementReason'),
  column('additional_vulnerabilities', 'boolean', 'additionalVulnerabilities'),
  column('vulnerability_notes', 'text', 'vulnerabilityNotes'),
  column('health_needs', 'boolean', 'healthNeeds'),
  column('health_needs_notes', 'text', 'healthNeedsNotes'),
  column('children_present', 'boolean', 'childrenPresent'),
  column('summary', 'text', 'summary'),
  column('victim_first_name', 'text', 'firstName', { ...victim, ...required }),
  column('victim_last_name', 'text', 'lastName', { ...victim, ...required }),
  column('victim_dob', 'date', 'dateOfBirth', victim),
  column('victim_address', 'text', 'address', victim),
  column('victim_postcode', 'text', 'postcode', victim),
  column('victim_phone', 'text', 'phone', victim),
  column('victim_nhs_number', 'text', 'nhsNumber', victim),
  column('suspect_first_name', 'text', 'firstName', suspect),
  column('suspect_last_name', 'text', 'lastName', suspect),
  column('suspect_dob', 'date', 'dateOfBirth', suspect),
  column('suspect_address', 'text', 'address', suspect),
  column('suspect_postcode', 'text', 'postcode', suspect),
  column('suspect_phone', 'text', 'phone', suspect),
  column('suspect_arrested_at', 'instant', 'custody.arrestedAt', suspect),
  column('suspect_expected_release_at', 'instant', 'custody.expectedReleaseAt', suspect),
  column('suspect_released_at', 'instant', 'custody.releasedAt', suspect),
  column('children', 'people', 'people', { listRole: 'child' }),
  column('other_people', 'people', 'people', { listRole: 'other' }),
]

const COLUMN_NAMES = new Set(INCIDENT_CSV_COLUMNS.map((c) => c.name))

// The spelling a header cell probably meant: BOM, case, spaces and hyphens forgiven.
const headerKey = (name: string) =>
  name
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_')

/**
 * Problems with a header row: unknown, duplicated or missing required columns. Names must match
 * exactly; each message names its column, so the messages read on their own.
 */
export function validateHeader(header: string[]): FieldIssue[] {
  const issues: FieldIssue[] = []
  const seen = new Set<string>()
  header.forEach((name, i) => {
    if (seen.has(name)) {
      issues.push({ path: name, message: `Column ${name} appears more than once` })
    } else if (!COLUMN_NAMES.has(name)) {
      const meant = COLUMN_NAMES.has(headerKey(name)) ? `; did you mean ${headerKey(name)}?` : ''
      const path = name || `(column ${i + 1})`
      issues.push({ path, message: `Unknown column ${JSON.stringify(name)}${meant}` })
    }
    seen.add(name)
  })
  for (const { name, required } of INCIDENT_CSV_COLUMNS) {
    if (required && !seen.has(name)) issues.push({ path: name, message: `Required column ${name} is missing` })
  }
  return issues
}

// Maps, not object literals, so a cell reading 'constructor' finds nothing.
const BOOLEANS = new Map<string, boolean>([
  ...['y', 'yes', 'true', '1'].map((word) => [word, true] as const),
  ...['n', 'no', 'false', '0'].map((word) => [word, false] as const),
])
const ANSWER_WORDS = new Map<string, Answer>([
  ['yes', 'yes'],
  ['y', 'yes'],
  ['no', 'no'],
  ['n', 'no'],
  ['not_known', 'not_known'],
  ['not known', 'not_known'],
  ['nk', 'not_known'],
])
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)$/
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const UK_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/
const UK_DATE_TIME = /^(\d{1,2})\/(\d{1,2})\/(\d{4})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/
const ISO_WITHOUT_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/
const DATE_LIKE = /^(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}\/\d{1,2}\/\d{4})$/

type Fail = (message: string) => void
const pad = (n: number, width = 2) => String(n).padStart(width, '0')

const splitList = (raw: string) =>
  raw
    .split(';')
    .map((item) => item.trim())
    .filter(Boolean)

function parseDate(raw: string, fail: Fail): string | undefined {
  const ymd = ISO_DATE.exec(raw)?.slice(1) ?? UK_DATE.exec(raw)?.slice(1).reverse()
  if (!ymd) {
    fail(`Enter a date like 01/04/2015 or 2015-04-01, not "${raw}"`)
    return undefined
  }
  const [year, month, day] = ymd.map(Number) as [number, number, number]
  const check = new Date(Date.UTC(year, month - 1, day))
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    fail(`"${raw}" is not a real date`)
    return undefined
  }
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`
}

function parseInstant(raw: string, fail: Fail): string | undefined {
  if (instantSchema.safeParse(raw).success) return raw
  const uk = UK_DATE_TIME.exec(raw)
  if (uk) {
    const [day, month, year, hour, minute, second] = uk.slice(1).map((part) => Number(part ?? 0)) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ]
    try {
      return zonedWallTimeToInstant({ year, month, day, hour, minute, second }).toISOString()
    } catch {
      fail(`"${raw}" is not a real date and time`)
      return undefined
    }
  }
  // A time with no zone is ambiguous for half the year: say so rather than guess.
  fail(
    ISO_WITHOUT_OFFSET.test(raw)
      ? `"${raw}" has no time zone; add Z or an offset like +01:00, or use 17/03/2024 21:40`
      : `Enter a date and time like 17/03/2024 21:40 (UK time) or 2024-03-17T21:40:00Z, not "${raw}"`,
  )
  return undefined
}

function parseAnswers(raw: string, fail: Fail): Record<string, Answer> | undefined {
  const answers = new Map<string, Answer>()
  for (const part of splitList(raw)) {
    const [id, word, ...extra] = part.split('=').map((s) => s.trim().toLowerCase())
    const answer = word === undefined ? undefined : ANSWER_WORDS.get(word)
    if (!id || word === undefined || extra.length > 0) {
      fail(`"${part}" should be question=answer, like q1_injured=yes`)
    } else if (!answer) {
      fail(`${id}: answer yes, no or not_known, not "${word}"`)
    } else if (answers.has(id)) {
      fail(`${id} is answered more than once`)
    } else answers.set(id, answer)
  }
  // fromEntries defines own properties, so an id like __proto__ stays an ordinary key.
  return answers.size > 0 ? Object.fromEntries(answers) : undefined
}

// 'First Last 2015-04-01' or, for a surname with spaces, 'Last, First 2015-04-01'; the date is optional.
function parsePeople(raw: string, role: ListRole, fail: Fail): Record<string, unknown>[] {
  const people: Record<string, unknown>[] = []
  splitList(raw).forEach((entry, n) => {
    const entryFail: Fail = (message) => fail(`Entry ${n + 1} ("${entry}"): ${message}`)
    const words = entry.split(/\s+/)
    const dateOfBirth = DATE_LIKE.test(words.at(-1)!) ? parseDate(words.pop()!, entryFail) : undefined
    const name = words.join(' ')
    const comma = name.indexOf(',')
    const [firstName, lastName] =
      comma >= 0
        ? [name.slice(comma + 1).trim(), name.slice(0, comma).trim()]
        : [words.slice(0, -1).join(' '), words.at(-1)]
    if (!firstName || !lastName) {
      entryFail('give a first and last name, like "Jo Bloggs 2015-04-01"')
      return
    }
    people.push({ role, firstName, lastName, ...(dateOfBirth && { dateOfBirth }) })
  })
  return people
}

function parseValue(kind: Exclude<ColumnKind, 'people'>, raw: string, fail: Fail): unknown {
  switch (kind) {
    case 'text':
      return raw
    case 'level':
      return raw.toLowerCase()
    case 'instant':
      return parseInstant(raw, fail)
    case 'date':
      return parseDate(raw, fail)
    case 'answers':
      return parseAnswers(raw, fail)
    case 'number':
      if (NUMBER.test(raw)) return Number(raw)
      fail(`Enter a number, like 53.8175, not "${raw}"`)
      return undefined
    case 'boolean': {
      const value = BOOLEANS.get(raw.toLowerCase())
      if (value === undefined) fail(`Enter Y or N (or yes/no, true/false, 1/0), not "${raw}"`)
      return value
    }
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.')
  let node = target
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>
  node[keys.at(-1)!] = value
}

/**
 * One CSV row as an unvalidated IncidentInput: people are the victim, then the suspect if any
 * suspect_ column has a value, then children, then other people. Empty cells are left out. A value
 * that cannot be converted is reported and left out, so the schema may then also report that
 * field as missing: an import report should show one issue per column.
 */
export function csvRecordToIncidentCandidate(record: Record<string, string>): {
  candidate: unknown
  issues: FieldIssue[]
} {
  const issues: FieldIssue[] = []
  // Present even when all their cells are blank, so the schema names each missing column, not 'location'.
  const incident: Record<string, unknown> = { location: {}, risk: {} }
  const named: Record<CsvPerson, Record<string, unknown>> = {
    victim: { role: 'victim' },
    suspect: { role: 'suspect' },
  }
  const listed: Record<ListRole, Record<string, unknown>[]> = { child: [], other: [] }
  let hasSuspect = false
  for (const col of INCIDENT_CSV_COLUMNS) {
    const raw = (record[col.name] ?? '').trim()
    if (raw === '') continue
    const fail: Fail = (message) => issues.push({ path: col.name, message })
    if (col.kind === 'people') {
      listed[col.listRole!] = parsePeople(raw, col.listRole!, fail)
      continue
    }
    if (col.person === 'suspect') hasSuspect = true
    const value = parseValue(col.kind, raw, fail)
    if (value !== undefined) setPath(col.person ? named[col.person] : incident, col.path, value)
  }
  incident.people = [named.victim, ...(hasSuspect ? [named.suspect] : []), ...listed.child, ...listed.other]
  return { candidate: incident, issues }
}

const INCIDENT_COLUMN_BY_PATH = new Map(
  INCIDENT_CSV_COLUMNS.filter((c) => !c.person && !c.listRole).map((c) => [c.path, c.name]),
)
const LIST_COLUMN_BY_ROLE = new Map(INCIDENT_CSV_COLUMNS.filter((c) => c.listRole).map((c) => [c.listRole, c.name]))

function roleAt(candidate: unknown, index: number): unknown {
  const people = (candidate as { people?: unknown } | undefined)?.people
  return Array.isArray(people) ? (people[index] as { role?: unknown } | undefined)?.role : undefined
}

/**
 * The CSV column for a schema or rule path ('people.1.custody.arrestedAt' -> 'suspect_arrested_at').
 * Pass the candidate (or parsed incident) so people map by role; without it people.0 is taken as
 * the victim and people.1 as the suspect. A path no column holds is returned unchanged.
 */
export function mapSchemaPathToColumn(path: string, candidate?: unknown): string {
  const person = /^people\.(\d+)(?:\.(.+))?$/.exec(path)
  if (person) {
    const index = Number(person[1])
    const field = person[2] ?? 'firstName'
    const role = roleAt(candidate, index) ?? ['victim', 'suspect'][index]
    const list = LIST_COLUMN_BY_ROLE.get(role as ListRole)
    if (list) return list
    const col = INCIDENT_CSV_COLUMNS.find(
      (c) =>
        c.person !== undefined &&
        c.person === role &&
        (field === c.path || field.startsWith(`${c.path}.`) || c.path.startsWith(`${field}.`)),
    )
    return col?.name ?? path
  }
  // Longest matching prefix, so 'risk.answers.q1_injured' maps to risk_answers.
  for (let keys = path.split('.'); keys.length > 0; keys.pop()) {
    const name = INCIDENT_COLUMN_BY_PATH.get(keys.join('.'))
    if (name) return name
  }
  return path
}

function getPath(source: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], source)
}

function formatValue(value: unknown): string {
  if (value === undefined) return ''
  if (typeof value === 'boolean') return value ? 'Y' : 'N'
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value)
      .map(([id, answer]) => `${id}=${answer}`)
      .join(';')
  }
  return String(value)
}

const LIST_FIELDS = new Set(['role', 'firstName', 'lastName', 'dateOfBirth'])

function formatPeople(people: PersonInput[]): string {
  return people
    .map((p) => {
      const name = /\s/.test(p.lastName) ? `${p.lastName}, ${p.firstName}` : `${p.firstName} ${p.lastName}`
      return p.dateOfBirth ? `${name} ${p.dateOfBirth}` : name
    })
    .join('; ')
}

/**
 * The CSV row for an incident (dates stay as given, booleans as Y/N), for demo extracts. Throws if
 * the incident holds something the format cannot, rather than silently dropping it.
 */
export function incidentToCsvRecord(input: IncidentInput): Record<string, string> {
  const problems: string[] = []
  const byRole = (role: PersonInput['role']) => input.people.filter((p) => p.role === role)
  const named: Record<CsvPerson, PersonInput | undefined> = {
    victim: byRole('victim')[0],
    suspect: byRole('suspect')[0],
  }
  if (byRole('victim').length !== 1) problems.push('it needs exactly one victim')
  if (byRole('suspect').length > 1) problems.push('it holds at most one suspect')
  input.people.forEach((p, i) => {
    const held = LIST_COLUMN_BY_ROLE.has(p.role as ListRole)
      ? LIST_FIELDS
      : new Set(['role', ...INCIDENT_CSV_COLUMNS.filter((c) => c.person === p.role).map((c) => c.path.split('.')[0])])
    for (const [key, value] of Object.entries(p)) {
      if (value !== undefined && !held.has(key)) problems.push(`people.${i}.${key} has no column`)
    }
    if (held === LIST_FIELDS && /[;,]/.test(p.firstName + p.lastName)) {
      problems.push(`people.${i} has a ; or , in a name, which the list format uses`)
    }
  })
  if (problems.length > 0) {
    throw new Error(`Incident ${input.forceReference} cannot be written as CSV: ${problems.join('; ')}`)
  }

  const record: Record<string, string> = {}
  for (const col of INCIDENT_CSV_COLUMNS) {
    if (col.listRole) record[col.name] = formatPeople(byRole(col.listRole))
    else record[col.name] = formatValue(getPath(col.person ? named[col.person] : input, col.path))
  }
  return record
}
