import { fieldsOf, type FieldResource } from './policy.ts'

/** What the field rules let one user see on records they may open. */
export interface FieldAccess {
  /** Health fields leave the server at all. */
  health: boolean
}

/** Stored columns that make up a masked field (an address is shown with its postcode). */
const COLUMNS: Record<string, string[]> = { 'person.address': ['address', 'postcode'] }

export function columnsOf(resource: FieldResource, field: string): string[] {
  return COLUMNS[`${resource}.${field}`] ?? [field]
}

export interface Redacted<T> {
  /** The row without health fields (unless allowed) and with sensitive fields nulled unless revealed. */
  row: T
  /** Sensitive fields that hold a value and are masked. */
  masked: string[]
  /** Fields shown, for the audit row (names only). */
  shown: string[]
}

/**
 * Applies the field rules to one row: health fields are removed unless the user may see health
 * data (removed, not blanked, so they cannot leak through any serialiser); sensitive fields are
 * masked unless revealed in this request.
 */
export function redact<T extends Record<string, unknown>>(
  resource: FieldResource,
  row: T,
  access: FieldAccess,
  revealed: ReadonlySet<string> = new Set(),
): Redacted<T> {
  const out: Record<string, unknown> = { ...row }
  const masked: string[] = []
  if (!access.health) for (const field of fieldsOf(resource, 'health')) delete out[field]
  for (const field of fieldsOf(resource, 'sensitive')) {
    if (revealed.has(field)) continue
    const columns = columnsOf(resource, field)
    if (columns.some((c) => row[c] !== null && row[c] !== undefined && row[c] !== '')) masked.push(field)
    for (const c of columns) if (c in out) out[c] = null
  }
  const hidden = new Set([...masked.flatMap((f) => columnsOf(resource, f))])
  const shown = Object.keys(out).filter((k) => !hidden.has(k) && out[k] !== null && out[k] !== undefined)
  return { row: out as T, masked, shown }
}
