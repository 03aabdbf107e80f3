import type { FastifyRequest } from 'fastify'
import { z } from 'zod'
import { ValidationError, type FieldIssue } from '../common/errors.ts'
import { isoDate, zonedWallTimeToInstant } from '../common/uk-time.ts'
import { repeated } from './query.ts'

/**
 * Helpers for the pages' form posts: the fields a form accepts, GOV.UK date inputs (with a time), running a
 * change so its validation problems come back to the form, and the message after a change.
 */

/** A form post: only the listed fields and the CSRF token; anything else is refused, not ignored. */
export const form = <T extends z.ZodRawShape>(shape: T) => z.strictObject({ _csrf: z.string().optional(), ...shape })
/** One text field. */
export const field = z.string().max(2000).optional()
/** A field that may be sent more than once (ticked checkboxes), as an array. */
export const fields = repeated(z.string().max(200))
/** The three fields of a GOV.UK date input called `name`: `name-day`, `name-month` and `name-year`. */
export function dateField<N extends string>(name: N) {
  // Computed keys widen to `string`: named, the form's type lists the three fields.
  return { [`${name}-day`]: field, [`${name}-month`]: field, [`${name}-year`]: field } as Record<
    `${N}-${'day' | 'month' | 'year'}`,
    typeof field
  >
}

/** A posted form, field by field. */
export type FormBody = Record<string, string | string[] | undefined>

/** A field's text, trimmed; the first value of a repeated field, '' for a missing one. */
export function formText(body: FormBody, name: string): string {
  const v = body[name]
  return (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).trim()
}

/**
 * A GOV.UK date input `name` as YYYY-MM-DD, with the issue to show at it: `what` names the date in
 * the messages ('the start date'). A blank input is an issue only when the date is `required`.
 */
export function formDate(
  body: FormBody,
  name: string,
  what: string,
  required: boolean,
): { value: string | null; issue: FieldIssue | null } {
  const [d, m, y] = ['day', 'month', 'year'].map((p) => formText(body, `${name}-${p}`))
  if (!d && !m && !y) {
    return { value: null, issue: required ? { path: name, message: `Enter ${what}, like 23 11 2026` } : null }
  }
  if (!/^\d{1,2}$/.test(d!) || !/^\d{1,2}$/.test(m!) || !/^\d{4}$/.test(y!)) {
    return { value: null, issue: { path: name, message: `Enter ${what} as numbers, like 23 11 2026` } }
  }
  const value = isoDate(Number(y), Number(m), Number(d))
  if (!value) return { value: null, issue: { path: name, message: `${capitalise(what)} must be a real date` } }
  return { value, issue: null }
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

/** `HH:MM`, `H.MM` or `HHMM`, 24-hour, as minutes from midnight; null when it is not a time of day. */
function minuteOfDay(text: string): number | null {
  const m = /^(\d{1,2})[:.]?(\d{2})$/.exec(text)
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) return null
  return Number(m[1]) * 60 + Number(m[2])
}

/**
 * A GOV.UK date input `name` and a 24-hour time field `timeName` as an instant in UK local time,
 * with the issue to show at `name`: `what` names the moment in the messages ('the contact' asks
 * for 'the date of the contact'). Blank date and time are no value and no issue (the caller says
 * whether the moment is needed); anything entered needs both.
 */
export function formDateTime(
  body: FormBody,
  name: string,
  timeName: string,
  what: string,
): { value: Date | null; issue: FieldIssue | null } {
  const time = formText(body, timeName)
  // A time needs its date, and a date its time.
  const date = formDate(body, name, `the date of ${what}`, time !== '')
  if (!date.value) return { value: null, issue: date.issue }
  const minute = minuteOfDay(time)
  if (minute === null)
    return { value: null, issue: { path: name, message: `Enter the time of ${what} in 24-hour time, like 14:30` } }
  const [year, month, day] = date.value.split('-').map(Number)
  const hour = Math.floor(minute / 60)
  return {
    value: zonedWallTimeToInstant({ year: year!, month: month!, day: day!, hour, minute: minute % 60 }),
    issue: null,
  }
}

/** The values of a GOV.UK date input `name` showing a YYYY-MM-DD date (none for null). */
export function dateFields(name: string, date: string | null): Record<string, string> {
  if (!date) return {}
  const [y, m, d] = date.split('-')
  return { [`${name}-day`]: String(Number(d)), [`${name}-month`]: String(Number(m)), [`${name}-year`]: y! }
}

/** The form field an issue belongs at: a form has one field per name, so `roles.0` is at `roles`. */
export const formField = (path: string) => path.split('.')[0] || 'form'

export type Attempt<T> = { ok: true; value: T } | { ok: false; issues: FieldIssue[] }

/**
 * Runs a change posted from a form. Validation problems come back as issues at the form's fields;
 * `issuesOf` may turn other errors the form shows (a name already taken) into issues, as they are.
 * Anything else is thrown.
 */
export async function attempt<T>(
  work: () => Promise<T>,
  issuesOf: (error: unknown) => FieldIssue[] | null = () => null,
): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await work() }
  } catch (error) {
    if (error instanceof ValidationError) {
      return { ok: false, issues: error.issues.map((i) => ({ ...i, path: formField(i.path) })) }
    }
    const issues = issuesOf(error)
    if (issues) return { ok: false, issues }
    throw error
  }
}

/**
 * The message for `?saved=…` after a change, from the page's own `messages`: the URL carries only
 * the key, never user content, and a key that is not one of them shows nothing.
 */
export function savedMessage(request: FastifyRequest, messages: Record<string, string>): string | null {
  const key = (request.query as { saved?: unknown }).saved
  return typeof key === 'string' && Object.hasOwn(messages, key) ? messages[key]! : null
}
