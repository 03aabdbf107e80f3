import { createHmac, randomBytes } from 'node:crypto'

/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP): HMAC-SHA1, 6 digits, a 30-second
 * step, and one step of clock drift either way. Pure functions: the time is passed in.
 */
export const TOTP_STEP_SECONDS = 30
export const TOTP_DIGITS = 6
/** Steps either side of the current one that are still accepted (clock drift, slow typing). */
export const TOTP_DRIFT_STEPS = 1
export const TOTP_ISSUER = 'Provide'

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/** RFC 4648 base32 without padding, the form authenticator apps take. */
export function base32Encode(bytes: Uint8Array): string {
  let out = ''
  let buffer = 0
  let bits = 0
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31]
      bits -= 5
    }
    buffer &= (1 << bits) - 1
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31]
  return out
}

/** Accepts lower case, spaces and padding, as people copy secrets; throws on anything else. */
export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=-]/g, '').toUpperCase()
  const out: number[] = []
  let buffer = 0
  let bits = 0
  for (const ch of clean) {
    const value = BASE32.indexOf(ch)
    if (value < 0) throw new Error('Not base32')
    buffer = (buffer << 5) | value
    bits += 5
    if (bits >= 8) {
      out.push((buffer >>> (bits - 8)) & 255)
      bits -= 8
    }
    buffer &= (1 << bits) - 1
  }
  return Buffer.from(out)
}

/** A new shared secret: 160 bits, the HMAC-SHA1 block RFC 4226 recommends. */
export function newTotpSecret(): Buffer {
  return randomBytes(20)
}

/** RFC 4226 HOTP: HMAC-SHA1 of the 8-byte counter, dynamically truncated to `digits` digits. */
export function hotp(key: Uint8Array, counter: number, digits = TOTP_DIGITS): string {
  const message = Buffer.alloc(8)
  message.writeBigUInt64BE(BigInt(counter))
  const mac = createHmac('sha1', key).update(message).digest()
  const offset = mac[mac.length - 1]! & 0x0f
  const binary = mac.readUInt32BE(offset) & 0x7fffffff
  return String(binary % 10 ** digits).padStart(digits, '0')
}

/** The time step a moment falls in. */
export function totpStep(at: Date): number {
  return Math.floor(at.getTime() / 1000 / TOTP_STEP_SECONDS)
}

export function totp(key: Uint8Array, at: Date, digits = TOTP_DIGITS): string {
  return hotp(key, totpStep(at), digits)
}

/**
 * The step a code belongs to, if it is right for now or one step either side and newer than the
 * last step used; otherwise null. Storing the returned step as the last used stops replays.
 */
export function matchTotp(key: Uint8Array, code: string, at: Date, lastUsedStep: number | null): number | null {
  const entered = code.replace(/\s/g, '')
  if (!/^\d{6}$/.test(entered)) return null
  const now = totpStep(at)
  let matched: number | null = null
  // Every candidate is computed, so the time taken does not say which step matched.
  for (let step = now - TOTP_DRIFT_STEPS; step <= now + TOTP_DRIFT_STEPS; step++) {
    const same = constantTimeEqual(hotp(key, step), entered)
    if (same && matched === null && (lastUsedStep === null || step > lastUsedStep)) matched = step
  }
  return matched
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

/** The key-URI format authenticator apps read from a QR code. */
export function otpauthUri(secret: Uint8Array, account: string, issuer = TOTP_ISSUER): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`
  const params = new URLSearchParams({
    secret: base32Encode(secret),
    issuer,
    algorithm: 'SHA1',
    digits: String(TOTP_DIGITS),
    period: String(TOTP_STEP_SECONDS),
  })
  return `otpauth://totp/${label}?${params.toString()}`
}

/** The secret as people type it: base32 in groups of four. */
export function groupedSecret(secret: Uint8Array): string {
  return base32Encode(secret)
    .match(/.{1,4}/g)!
    .join(' ')
}
