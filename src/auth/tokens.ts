import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** Random secrets for cookies and API tokens; only their SHA-256 hashes are stored. */
export function newSecret(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url')
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex')
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a)
  const bb = Buffer.from(b)
  return ab.length === bb.length && timingSafeEqual(ab, bb)
}

export const API_TOKEN_PREFIX = 'prv_'
