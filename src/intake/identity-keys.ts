/**
 * Exact keys used to count repeat incidents (same people, same address). They are deliberately
 * strict: a person without a date of birth gets no key, so two different people are never
 * counted as one. Probabilistic record linkage is a separate, reviewed step.
 */
function fold(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
}

export function personKey(p: { firstName: string; lastName: string; dateOfBirth?: string | undefined }): string | null {
  if (!p.dateOfBirth) return null
  return `${fold(p.firstName)}|${fold(p.lastName)}|${p.dateOfBirth}`
}

export function addressKey(address: string, postcode: string): string {
  return `${postcode.replace(/\s+/g, '').toUpperCase()}|${fold(address)}`
}
