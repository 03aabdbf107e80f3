import path from 'node:path'
import { createRequire } from 'node:module'
import nunjucks from 'nunjucks'
import { formatLocal, formatLocalTime } from '../common/uk-time.ts'
import type { FieldIssue } from '../common/errors.ts'
import { errorSummary, errorsByField } from './http.ts'

const require = createRequire(import.meta.url)
const SRC = path.resolve(import.meta.dirname, '..')
const GOVUK = path.dirname(require.resolve('govuk-frontend/package.json'))
const MOJ = path.dirname(require.resolve('@ministryofjustice/frontend/package.json'))

export const ASSET_ROOTS = {
  govuk: path.join(GOVUK, 'dist/govuk'),
  moj: path.join(MOJ, 'moj'),
}

/** Templates are found by capability: `triage/views/queue.njk`, `server/views/layout.njk`. */
export function createViews(): nunjucks.Environment {
  const env = nunjucks.configure([SRC, path.join(GOVUK, 'dist'), MOJ], {
    autoescape: true,
    throwOnUndefined: false,
    noCache: process.env.NODE_ENV === 'development',
  })
  env.addFilter('localDateTime', (d: Date | string | null | undefined) => (d ? formatLocal(new Date(d)) : ''))
  env.addFilter('localTime', (d: Date | string | null | undefined) => (d ? formatLocalTime(new Date(d)) : ''))
  env.addFilter('label', (value: string, labels: Record<string, string>) => labels[value] ?? value)
  env.addFilter('errorSummary', (issues: FieldIssue[] | undefined) => errorSummary(issues ?? []))
  env.addFilter('fieldError', (issues: FieldIssue[] | undefined, path: string) => errorsByField(issues ?? [])[path])
  return env
}
