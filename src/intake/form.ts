import type { FieldIssue } from '../common/errors.ts'
import { csvRecordToIncidentCandidate, mapSchemaPathToColumn } from './csv-format.ts'

/**
 * The response officer's form uses the extract's column names as field names, so a form
 * submission goes through the same conversion and validation as a CSV row. Dates come as GOV.UK
 * date inputs (day, month, year) plus a 24-hour time, in UK local time.
 */
export const FORM_INSTANTS = [
  'reported_at',
  'occurred_at',
  'suspect_arrested_at',
  'suspect_expected_release_at',
] as const
export const FORM_DATES = ['victim_dob', 'suspect_dob'] as const

export type FormBody = Record<string, string | undefined>

function datePart(body: FormBody, name: string): string {
  const [d, m, y] = ['day', 'month', 'year'].map((p) => (body[`${name}-${p}`] ?? '').trim())
  if (!d && !m && !y) return ''
  return `${d}/${m}/${y}`
}

export function formToRecord(body: FormBody): Record<string, string> {
  const record: Record<string, string> = {}
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'string' && !key.includes('-') && key !== '_csrf') record[key] = value.trim()
  }
  for (const name of FORM_DATES) record[name] = datePart(body, name)
  for (const name of FORM_INSTANTS) {
    const date = datePart(body, name)
    const time = (body[`${name}-time`] ?? '').trim()
    record[name] = date && time ? `${date} ${time}` : date ? `${date} missing-time` : time ? `missing-date ${time}` : ''
  }
  if (body.suspect_in_custody !== 'yes') {
    record.suspect_arrested_at = ''
    record.suspect_expected_release_at = ''
  }
  delete record.suspect_in_custody
  for (const flag of ['additional_vulnerabilities', 'health_needs', 'children_present']) {
    record[flag] = body[flag] === 'yes' ? 'yes' : 'no'
  }
  return record
}

const DATE_PARTS = ['day', 'month', 'year'] as const
const isDateField = (name: string): boolean => (FORM_DATES as readonly string[]).includes(name)
const isInstantField = (name: string): boolean => (FORM_INSTANTS as readonly string[]).includes(name)

// The CSV parser's messages ask for CSV formats (and would show formToRecord's placeholders): say which box to fix.
function dateFieldMessage(body: FormBody, name: string): string | undefined {
  if (!isDateField(name) && !isInstantField(name)) return undefined
  const parts = DATE_PARTS.map((p) => (body[`${name}-${p}`] ?? '').trim())
  const missing = DATE_PARTS.filter((_, i) => !parts[i])
  const time = (body[`${name}-time`] ?? '').trim()
  if (missing.length === DATE_PARTS.length) return 'Enter the date, like 23 11 2026'
  if (missing.length > 0) return `The date must include a ${missing.join(' and ')}`
  if (!/^\d{1,2}$/.test(parts[0]!) || !/^\d{1,2}$/.test(parts[1]!) || !/^\d{4}$/.test(parts[2]!)) {
    return 'Enter the date as numbers, like 23 11 2026'
  }
  if (!isInstantField(name)) return undefined
  if (!time) return 'Enter the time, like 21:30'
  if (!/^\d{1,2}:\d{2}$/.test(time)) return 'Enter the time in 24-hour format, like 21:30'
  return undefined
}

/** Converts a form post to an incident candidate; issues are keyed by form field name. */
export function formToCandidate(body: FormBody): { candidate: unknown; issues: FieldIssue[] } {
  const { candidate, issues } = csvRecordToIncidentCandidate(formToRecord(body))
  return { candidate, issues: issues.map((i) => ({ ...i, message: dateFieldMessage(body, i.path) ?? i.message })) }
}

export function issuesToFields(issues: FieldIssue[], candidate: unknown): FieldIssue[] {
  return issues.map((i) => ({ path: mapSchemaPathToColumn(i.path, candidate), message: i.message }))
}
