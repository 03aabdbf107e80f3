import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { loadConfig } from '../config.ts'
import {
  decryptSecret,
  deriveKeys,
  encryptSecret,
  keyedHash,
  loadSecretKey,
  MISSING_KEY_MESSAGE,
  SECRET_KEY_FILE,
} from './secrets.ts'

describe('secret key and encryption at rest', () => {
  const dirs: string[] = []
  const tempDir = () => {
    const d = mkdtempSync(path.join(tmpdir(), 'provide-key-'))
    dirs.push(d)
    return d
  }
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

  it('reads PROVIDE_SECRET_KEY as 32 bytes of base64, and refuses anything else', () => {
    const key = randomBytes(32)
    assert.deepEqual(loadConfig({ PROVIDE_SECRET_KEY: key.toString('base64') }).secretKey, key)
    assert.equal(loadConfig({}).secretKey, undefined)
    for (const bad of [randomBytes(16).toString('base64'), 'not base64!', randomBytes(33).toString('base64')]) {
      assert.throws(() => loadConfig({ PROVIDE_SECRET_KEY: bad }), /PROVIDE_SECRET_KEY: must be 32 bytes in base64/)
    }
    // The message names the variable, never its value.
    const bad = randomBytes(20).toString('base64')
    assert.throws(
      () => loadConfig({ PROVIDE_SECRET_KEY: bad }),
      (e: Error) => !e.message.includes(bad),
    )
  })

  it('uses the configured key', () => {
    const key = randomBytes(32)
    assert.equal(loadSecretKey({ secretKey: key, databaseUrl: 'postgres://x/y', dataDir: '/nonexistent' }), key)
  })

  it('refuses to start on a server database without a configured key', () => {
    assert.throws(
      () => loadSecretKey({ secretKey: undefined, databaseUrl: 'postgres://db/provide', dataDir: tempDir() }),
      (e: Error) => e.message === MISSING_KEY_MESSAGE && /PROVIDE_SECRET_KEY/.test(e.message),
    )
  })

  it('on the embedded database, generates a key into the data directory once (mode 0600) and reuses it', () => {
    const dataDir = path.join(tempDir(), 'data')
    const config = { secretKey: undefined, databaseUrl: undefined, dataDir }
    const first = loadSecretKey(config)
    assert.equal(first.length, 32)
    const file = path.join(dataDir, SECRET_KEY_FILE)
    assert.equal(statSync(file).mode & 0o777, 0o600)
    assert.equal(readFileSync(file, 'utf8').trim(), first.toString('base64'))
    assert.deepEqual(loadSecretKey(config), first)
  })

  it('refuses a damaged key file rather than replacing it', () => {
    const dataDir = tempDir()
    writeFileSync(path.join(dataDir, SECRET_KEY_FILE), 'short\n')
    assert.throws(
      () => loadSecretKey({ secretKey: undefined, databaseUrl: undefined, dataDir }),
      /does not hold a secret key/,
    )
    assert.equal(readFileSync(path.join(dataDir, SECRET_KEY_FILE), 'utf8'), 'short\n')
  })

  it('encrypts with AES-256-GCM bound to the user: a copy on another row or a changed byte does not decrypt', () => {
    const keys = deriveKeys(randomBytes(32))
    const secret = randomBytes(20)
    const stored = encryptSecret(keys, secret, 'user-a')
    assert.match(stored, /^v1\.[\w-]{16}\.[\w-]+$/)
    assert.ok(!stored.includes(secret.toString('base64url')))
    assert.deepEqual(decryptSecret(keys, stored, 'user-a'), secret)
    assert.notEqual(encryptSecret(keys, secret, 'user-a'), stored) // a fresh nonce each time
    assert.throws(() => decryptSecret(keys, stored, 'user-b'))
    const body = stored.split('.')[2]!
    const flipped = (body[0] === 'A' ? 'B' : 'A') + body.slice(1)
    assert.throws(() => decryptSecret(keys, `v1.${stored.split('.')[1]}.${flipped}`, 'user-a'))
    assert.throws(() => decryptSecret(deriveKeys(randomBytes(32)), stored, 'user-a'))
  })

  it('derives different keys for encryption and hashing', () => {
    const keys = deriveKeys(randomBytes(32))
    assert.notDeepEqual(keys.encryption, keys.hashing)
    assert.equal(keyedHash(keys, 'abc'), keyedHash(keys, 'abc'))
    assert.notEqual(keyedHash(keys, 'abc'), keyedHash(deriveKeys(randomBytes(32)), 'abc'))
  })
})
