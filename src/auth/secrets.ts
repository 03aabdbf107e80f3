import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { AppConfig } from '../config.ts'

/** Keys derived from the installation's secret key (`PROVIDE_SECRET_KEY` or `<data dir>/secret.key`). */
export interface SecretKeys {
  /** AES-256-GCM key for second-factor secrets at rest. */
  encryption: Buffer
  /** HMAC-SHA256 key for recovery codes, so a copy of the database alone cannot test guesses. */
  hashing: Buffer
}

export const SECRET_KEY_FILE = 'secret.key'
const KEY_BYTES = 32

export const MISSING_KEY_MESSAGE =
  'PROVIDE_SECRET_KEY is not set. With DATABASE_URL, Provide needs PROVIDE_SECRET_KEY: 32 random bytes in ' +
  'base64 (make one with `openssl rand -base64 32`). It encrypts the secrets of two-step sign-in; keep it ' +
  'with your backups, because without it every user has to set up two-step sign-in again.'

/**
 * The installation's secret key: from configuration; else, on the embedded database, from the
 * data directory, generated there (mode 0600) the first time. A server database has no data
 * directory to keep it in, so there the key must be configured and start-up stops without it.
 */
export function loadSecretKey(config: Pick<AppConfig, 'secretKey' | 'databaseUrl' | 'dataDir'>): Buffer {
  if (config.secretKey) return config.secretKey
  if (config.databaseUrl) throw new Error(MISSING_KEY_MESSAGE)
  const file = path.join(config.dataDir, SECRET_KEY_FILE)
  mkdirSync(config.dataDir, { recursive: true })
  try {
    // 'wx': never overwrite a key written by another process starting at the same moment.
    writeFileSync(file, randomBytes(KEY_BYTES).toString('base64') + '\n', { mode: 0o600, flag: 'wx' })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
  const key = parseSecretKey(readFileSync(file, 'utf8'))
  if (!key) throw new Error(`${file} does not hold a secret key (32 bytes in base64)`)
  return key
}

/** 32 bytes in base64, or null. */
export function parseSecretKey(text: string): Buffer | null {
  const trimmed = text.trim()
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) return null
  const key = Buffer.from(trimmed, 'base64')
  return key.length === KEY_BYTES ? key : null
}

/** Separate keys for separate uses, so neither use can weaken the other. */
export function deriveKeys(master: Buffer): SecretKeys {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), info, KEY_BYTES))
  return { encryption: derive('provide/totp-secret/aes-256-gcm'), hashing: derive('provide/recovery-code/hmac') }
}

/**
 * AES-256-GCM with a random 96-bit nonce. `context` (the user id) is authenticated with the
 * ciphertext, so a secret copied onto another user's row does not decrypt.
 */
export function encryptSecret(keys: SecretKeys, plaintext: Buffer, context: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', keys.encryption, iv)
  cipher.setAAD(Buffer.from(context))
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()])
  return `v1.${iv.toString('base64url')}.${body.toString('base64url')}`
}

export function decryptSecret(keys: SecretKeys, stored: string, context: string): Buffer {
  const [version, iv, body] = stored.split('.')
  if (version !== 'v1' || !iv || !body) throw new Error('Unknown secret format')
  const bytes = Buffer.from(body, 'base64url')
  const decipher = createDecipheriv('aes-256-gcm', keys.encryption, Buffer.from(iv, 'base64url'))
  decipher.setAAD(Buffer.from(context))
  decipher.setAuthTag(bytes.subarray(bytes.length - 16))
  return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()])
}

export function keyedHash(keys: SecretKeys, value: string): string {
  return createHmac('sha256', keys.hashing).update(value).digest('hex')
}
