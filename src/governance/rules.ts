import { ROLES, ROLE_LABELS, type Role } from '../auth/roles.ts'
import {
  ACTIONS,
  FIELD_RULES,
  POLICY,
  RESOURCES,
  SCOPES,
  SCOPE_LABELS,
  resourceOf,
  type Action,
  type Scope,
} from '../access/policy.ts'
import type { AuditAction } from '../audit/audit.ts'
import { formatLocal, isoDate } from '../common/uk-time.ts'

// Now in common/uk-time.ts; exported here too while governance's other modules import them from here.
export { isoDate, ukDateRange } from '../common/uk-time.ts'

/**
 * Pure rules for the information-governance pages: the policy as a table, audit action labels,
 * UK date parsing for filters and keeping exported text safe for spreadsheets.
 */

/** Every kind of audit row, labelled. A new AuditAction fails the typecheck here until it is labelled. */
export const AUDIT_ACTION_LABELS: Record<AuditAction, string> = {
  collect: 'Collected',
  alter: 'Changed',
  consult: 'Consulted (viewed)',
  disclose: 'Disclosed',
  combine: 'Combined',
  erase: 'Erased',
  sign_in: 'Signed in',
  sign_in_failed: 'Sign-in failed',
  sign_out: 'Signed out',
  token_created: 'API token created',
  token_revoked: 'API token revoked',
}
export const AUDIT_ACTIONS = Object.keys(AUDIT_ACTION_LABELS) as [AuditAction, ...AuditAction[]]

export const REVIEW_OUTCOMES = ['justified', 'not_justified'] as const
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number]
export const REVIEW_OUTCOME_LABELS: Record<ReviewOutcome, string> = {
  justified: 'Justified',
  not_justified: 'Not justified',
}

export interface PolicyCell {
  role: Role
  scope: Scope | null
  /** The scope's label, or an em dash when the role may not take the action. */
  text: string
}

export interface PolicyRow {
  action: Action
  label: string
  resource: string
  resourceLabel: string
  recordLevel: boolean
  breakGlass: boolean
  cells: PolicyCell[]
}

export interface PolicyTable {
  roles: { id: Role; label: string }[]
  scopes: { id: Scope; label: string; definition: string }[]
  resources: { id: string; label: string }[]
  rows: PolicyRow[]
  fieldRules: {
    health: { resource: string; field: string; label: string }[]
    sensitive: { resource: string; field: string; label: string }[]
    /** Roles allowed `health:view`, with their scope. */
    healthRoles: RoleScope[]
    /** Roles allowed `person:reveal`, with their scope. */
    revealRoles: RoleScope[]
  }
}

export interface RoleScope {
  role: Role
  label: string
  scope: Scope
  scopeLabel: string
}

/**
 * What each scope reaches, in words, as `reaches` and the repositories' filters in
 * src/access/rules.ts decide it. A new scope fails the typecheck here until it is described.
 */
export const SCOPE_DEFINITIONS: Record<Scope, string> = {
  own: 'Records the user created.',
  team: "Records of the user's agency, or shared with it, in the areas the user's teams cover; and the user's own.",
  agency:
    "Records the user's agency owns, or that another agency shares with it under an information-sharing agreement.",
  all: 'Every record.',
}

function rolesFor(action: Action): RoleScope[] {
  const granted: Partial<Record<Role, Scope>> = POLICY[action].roles
  return ROLES.filter((r) => granted[r]).map((r) => ({
    role: r,
    label: ROLE_LABELS[r],
    scope: granted[r]!,
    scopeLabel: SCOPE_LABELS[granted[r]!],
  }))
}

/** The access policy as a table, generated from POLICY, SCOPES and FIELD_RULES so the page cannot drift. */
export function policyTable(): PolicyTable {
  return {
    roles: ROLES.map((id) => ({ id, label: ROLE_LABELS[id] })),
    scopes: SCOPES.map((id) => ({ id, label: SCOPE_LABELS[id], definition: SCOPE_DEFINITIONS[id] })),
    resources: Object.entries(RESOURCES).map(([id, label]) => ({ id, label })),
    rows: ACTIONS.map((action) => {
      const def = POLICY[action]
      const granted: Partial<Record<Role, Scope>> = def.roles
      return {
        action,
        label: def.label,
        resource: resourceOf(action),
        resourceLabel: RESOURCES[resourceOf(action)],
        recordLevel: def.recordLevel,
        breakGlass: 'breakGlass' in def && def.breakGlass === true,
        cells: ROLES.map((role) => {
          const scope = granted[role] ?? null
          return { role, scope, text: scope ? SCOPE_LABELS[scope] : '—' }
        }),
      }
    }),
    fieldRules: {
      health: FIELD_RULES.filter((r) => r.kind === 'health').map(({ resource, field, label }) => ({
        resource,
        field,
        label,
      })),
      sensitive: FIELD_RULES.filter((r) => r.kind === 'sensitive').map(({ resource, field, label }) => ({
        resource,
        field,
        label,
      })),
      healthRoles: rolesFor('health:view'),
      revealRoles: rolesFor('person:reveal'),
    },
  }
}

const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/
const UK_DATE = /^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})$/

/**
 * A calendar date typed the UK way ('23/11/2026', '23-11-2026', '23.11.2026') or as ISO 8601
 * ('2026-11-23'), as 'YYYY-MM-DD'; null when it is not a real date.
 */
export function parseUkDate(text: string): string | null {
  const s = text.trim()
  const iso = ISO_DATE.exec(s)
  const uk = UK_DATE.exec(s)
  const [year, month, day] = iso
    ? [Number(iso[1]), Number(iso[2]), Number(iso[3])]
    : uk
      ? [Number(uk[3]), Number(uk[2]), Number(uk[1])]
      : [NaN, NaN, NaN]
  return isoDate(year, month, day)
}

/** '2026-11-23' as '23/11/2026', the way UK users type dates. */
export function ukDateText(iso: string): string {
  const [y, m, d] = iso.split('-')
  return `${d}/${m}/${y}`
}

/**
 * Text a spreadsheet would run as a formula (starting =, +, -, @, tab or carriage return) gets a
 * leading apostrophe, so an exported justification cannot become a formula when opened.
 */
export function spreadsheetSafe(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
export const isUuid = (s: string | null | undefined): s is string => typeof s === 'string' && UUID.test(s)

/** An access log row as exported: the columns of the CSV, in order. */
export const ACCESS_LOG_CSV_COLUMNS = [
  'Time (UK)',
  'Time (UTC)',
  'Username',
  'Name',
  'Agency',
  'Roles',
  'Action',
  'Record type',
  'Record ID',
  'Record',
  'Fields',
  'Justification',
  'Recipients',
  'Request ID',
  'Details',
  'Sequence',
] as const

export interface CsvLogItem {
  seq: number | null
  at: Date
  requestId: string | null
  user: { username: string | null; displayName: string | null; agencyName: string | null; roles: string[] }
  action: string
  record: { type: string; id: string | null; label: string }
  fields: string[]
  justification: string | null
  recipients: string[]
  details: Record<string, unknown>
}

/** One CSV record for one audit row; free text is made safe to open in a spreadsheet. */
export function accessLogCsvRecord(i: CsvLogItem): string[] {
  const safe = (s: string | null | undefined) => spreadsheetSafe(s ?? '')
  return [
    formatLocal(i.at),
    i.at.toISOString(),
    safe(i.user.username),
    safe(i.user.displayName),
    safe(i.user.agencyName),
    i.user.roles.map((r) => ROLE_LABELS[r as Role] ?? r).join('; '),
    AUDIT_ACTION_LABELS[i.action as AuditAction] ?? i.action,
    i.record.type,
    i.record.id ?? '',
    safe(i.record.label),
    i.fields.join('; '),
    safe(i.justification),
    safe(i.recipients.join('; ')),
    i.requestId ?? '',
    Object.keys(i.details).length > 0 ? safe(JSON.stringify(i.details)) : '',
    i.seq === null ? '' : String(i.seq),
  ]
}
