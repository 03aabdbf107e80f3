import { randomBytes } from 'node:crypto'

/** How many recovery codes a user gets at a time. */
export const RECOVERY_CODE_COUNT = 10

// Crockford's base32: no I, L, O or U, so codes read aloud or copied by hand survive.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'

/** A code of 12 characters (60 random bits) in groups of four: `7kq2-mv9x-3hcd`. */
export function newRecoveryCode(): string {
  const bytes = randomBytes(12)
  let code = ''
  for (const b of bytes) code += ALPHABET[b & 31] // 256 is a multiple of 32: every character equally likely
  return code.match(/.{4}/g)!.join('-')
}

export function newRecoveryCodes(n = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: n }, newRecoveryCode)
}

/**
 * The code as stored: case, spaces and dashes ignored, and the letters people confuse with
 * digits read as those digits. Null if it cannot be a recovery code.
 */
export function normaliseRecoveryCode(entered: string): string | null {
  const code = entered.toLowerCase().replace(/[\s-]/g, '').replace(/o/g, '0').replace(/[il]/g, '1')
  if (code.length !== 12) return null
  for (const ch of code) if (!ALPHABET.includes(ch)) return null
  return code
}
