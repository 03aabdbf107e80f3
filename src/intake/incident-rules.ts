import type { FieldIssue } from '../common/errors.ts'
import { localParts } from '../common/uk-time.ts'
import type { IncidentInput } from './incident-schema.ts'
import { finalRiskLevel, scoreAssessment, type RiskToolDefinition } from './risk-tools.ts'

/**
 * The checks on a schema-valid incident that need the clock or configuration. Each returns issues
 * with dotted paths into IncidentInput ('people.1.custody.releasedAt') so any front end (form,
 * API, CSV import) can put the message beside the field it came from.
 */

export type { FieldIssue }

export interface IncidentRuleContext {
  now: Date
  areas: string[]
  riskTools: Map<string, RiskToolDefinition>
}

// Officers' devices and force systems disagree about the time by a minute or two.
const CLOCK_SKEW_MS = 5 * 60_000
const DAY_MS = 24 * 60 * 60_000
const EARLIEST_INCIDENT = new Date('1990-01-01T00:00:00Z')
const EARLIEST_BIRTH_DATE = '1900-01-01'
const ADULT_AGE = 18

/** The configured spelling of an area, matched ignoring case and extra spaces; undefined if unknown. */
export function normaliseArea(input: string, areas: string[]): string | undefined {
  const key = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase()
  return areas.find((area) => key(area) === key(input))
}

// Dates of birth are UK calendar dates, so compare them with the UK date of an instant.
function ukDate(at: Date): string {
  const { year, month, day } = localParts(at)
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

// Plain string comparison on YYYY-MM-DD also puts a 29 February birthday on 1 March in other years.
function isUnder(age: number, dateOfBirth: string, onDate: string): boolean {
  const birthday = `${String(Number(dateOfBirth.slice(0, 4)) + age).padStart(4, '0')}${dateOfBirth.slice(4)}`
  return onDate < birthday
}

export function checkIncident(input: IncidentInput, ctx: IncidentRuleContext): FieldIssue[] {
  const issues: FieldIssue[] = []
  const add = (path: string, message: string) => issues.push({ path, message })
  const latest = ctx.now.getTime() + CLOCK_SKEW_MS

  const reportedAt = new Date(input.reportedAt)
  const occurredAt = new Date(input.occurredAt)
  for (const [path, at, what] of [
    ['reportedAt', reportedAt, 'Reported'],
    ['occurredAt', occurredAt, 'Occurred'],
  ] as const) {
    if (at.getTime() > latest) add(path, `${what} time is in the future`)
    if (at < EARLIEST_INCIDENT) add(path, `${what} time is before 1990; check the year`)
  }
  if (occurredAt > reportedAt) add('occurredAt', 'Occurred time is after the reported time')

  if (!normaliseArea(input.location.area, ctx.areas)) {
    add('location.area', `Unknown area "${input.location.area}"; use one of: ${ctx.areas.join(', ')}`)
  }

  checkRisk(input.risk, ctx.riskTools, add)

  if (!input.people.some((p) => p.role === 'victim')) add('people', 'At least one person must be the victim')
  const today = ukDate(ctx.now)
  const occurredOn = ukDate(occurredAt)
  input.people.forEach((person, i) => {
    const at = `people.${i}`
    if (person.dateOfBirth) {
      if (person.dateOfBirth > today) add(`${at}.dateOfBirth`, 'Date of birth is in the future')
      else if (person.dateOfBirth < EARLIEST_BIRTH_DATE) add(`${at}.dateOfBirth`, 'Date of birth is before 1900')
      else if (person.role === 'child' && !isUnder(ADULT_AGE, person.dateOfBirth, occurredOn)) {
        add(`${at}.dateOfBirth`, 'A child must be under 18 when the incident happened; list an adult as other')
      }
    }
    if (!person.custody) return
    if (person.role !== 'suspect') {
      add(`${at}.custody`, 'Only a suspect can have a custody record')
      return
    }
    const { arrestedAt, expectedReleaseAt, releasedAt } = person.custody
    const arrested = new Date(arrestedAt)
    if (arrested.getTime() > latest) add(`${at}.custody.arrestedAt`, 'Arrest time is in the future')
    // Arrests can follow an earlier report, but not precede the incident by more than a day.
    if (arrested.getTime() < occurredAt.getTime() - DAY_MS) {
      add(`${at}.custody.arrestedAt`, 'Arrest time is more than a day before the incident')
    }
    if (expectedReleaseAt && new Date(expectedReleaseAt) < arrested) {
      add(`${at}.custody.expectedReleaseAt`, 'Expected release is before the arrest')
    }
    if (releasedAt) {
      if (new Date(releasedAt) < arrested) add(`${at}.custody.releasedAt`, 'Release is before the arrest')
      if (new Date(releasedAt).getTime() > latest) {
        add(`${at}.custody.releasedAt`, 'Release time is in the future; record it as the expected release')
      }
    }
  })

  if (input.people.some((p) => p.role === 'child') && !input.childrenPresent) {
    add('childrenPresent', 'Children are listed, so children present must be yes')
  }
  return issues
}

function checkRisk(
  risk: IncidentInput['risk'],
  riskTools: Map<string, RiskToolDefinition>,
  add: (path: string, message: string) => void,
): void {
  if (risk.judgementLevel && finalRiskLevel(risk.level, risk.judgementLevel) !== risk.judgementLevel) {
    add('risk.judgementLevel', 'Professional judgement may raise the risk level, never lower it')
  }
  if (risk.judgementLevel && !risk.judgementReason) {
    add('risk.judgementReason', 'Give the reason for the professional judgement level')
  }

  const tool = riskTools.get(risk.tool)
  if (!tool) {
    add('risk.tool', `Unknown risk tool "${risk.tool}"; configured tools: ${[...riskTools.keys()].sort().join(', ')}`)
    return
  }
  const score = scoreAssessment(tool, risk.answers)
  for (const id of score.unknownQuestionIds) add(`risk.answers.${id}`, `"${id}" is not a ${tool.code} question`)
  if (score.level && score.level !== risk.level) {
    const answers = score.yesCount === 1 ? 'answer gives' : 'answers give'
    add('risk.level', `${tool.code}: ${score.yesCount} "yes" ${answers} ${score.level}, but ${risk.level} was recorded`)
  }
}
