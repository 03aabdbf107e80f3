import type { z } from 'zod'
import type { FieldIssue } from '../common/errors.ts'
import { incidentInputSchema, type IncidentInput } from './incident-schema.ts'
import { checkIncident, normaliseArea, type IncidentRuleContext } from './incident-rules.ts'

export type Validated = { ok: true; input: IncidentInput } | { ok: false; issues: FieldIssue[] }

// A blank CSV cell or form field arrives as undefined: say so, not "expected string, received undefined".
// Messages a schema sets itself (postcode, NHS number) still win.
const blankIsRequired: z.core.$ZodErrorMap = (issue) => {
  if (issue.input !== undefined) return undefined
  if (issue.code === 'invalid_value') return `Required: enter one of ${issue.values.join(', ')}`
  return 'Required: enter a value'
}

/** The one validation path for every incident, whichever way it arrives (API, CSV row, form). */
export function validateIncident(candidate: unknown, ctx: IncidentRuleContext): Validated {
  const parsed = incidentInputSchema.safeParse(candidate, { error: blankIsRequired })
  if (!parsed.success) {
    return { ok: false, issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) }
  }
  const issues = checkIncident(parsed.data, ctx)
  if (issues.length > 0) return { ok: false, issues }
  const area = normaliseArea(parsed.data.location.area, ctx.areas) ?? parsed.data.location.area
  return { ok: true, input: { ...parsed.data, location: { ...parsed.data.location, area } } }
}
