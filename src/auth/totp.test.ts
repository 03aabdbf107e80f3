import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  base32Decode,
  base32Encode,
  groupedSecret,
  hotp,
  matchTotp,
  otpauthUri,
  totp,
  totpStep,
  TOTP_STEP_SECONDS,
} from './totp.ts'

// The shared secret of the RFC 4226 and RFC 6238 test vectors (SHA-1): ASCII "12345678901234567890".
const RFC_KEY = Buffer.from('12345678901234567890', 'ascii')
const at = (unixSeconds: number) => new Date(unixSeconds * 1000)

describe('base32 (RFC 4648 section 10 vectors, unpadded)', () => {
  const vectors: [string, string][] = [
    ['', ''],
    ['f', 'MY'],
    ['fo', 'MZXQ'],
    ['foo', 'MZXW6'],
    ['foob', 'MZXW6YQ'],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI'],
  ]
  for (const [plain, encoded] of vectors) {
    it(`"${plain}" <-> "${encoded}"`, () => {
      assert.equal(base32Encode(Buffer.from(plain)), encoded)
      assert.equal(base32Decode(encoded).toString(), plain)
    })
  }

  it('reads secrets as people copy them: lower case, spaces, padding', () => {
    assert.equal(base32Decode('mzxw 6ytb oi======').toString(), 'foobar')
    assert.throws(() => base32Decode('MZXW1'), /Not base32/)
  })

  it('round-trips random secrets', () => {
    for (let n = 0; n < 50; n++) {
      const bytes = Buffer.from(Array.from({ length: n % 23 }, (_, i) => (i * 37 + n) & 255))
      assert.deepEqual(base32Decode(base32Encode(bytes)), bytes)
    }
  })
})

describe('HOTP (RFC 4226 appendix D)', () => {
  const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489']
  expected.forEach((code, counter) => {
    it(`counter ${counter} gives ${code}`, () => assert.equal(hotp(RFC_KEY, counter), code))
  })
})

describe('TOTP (RFC 6238 appendix B, SHA-1)', () => {
  const vectors: { time: number; code: string }[] = [
    { time: 59, code: '94287082' },
    { time: 1111111109, code: '07081804' },
    { time: 1111111111, code: '14050471' },
    { time: 1234567890, code: '89005924' },
    { time: 2000000000, code: '69279037' },
    { time: 20000000000, code: '65353130' },
  ]
  for (const v of vectors) {
    it(`at ${v.time} s: ${v.code} (8 digits), ${v.code.slice(2)} (6 digits)`, () => {
      assert.equal(totp(RFC_KEY, at(v.time), 8), v.code)
      // Six digits are the same number modulo 10^6: the last six of the eight.
      assert.equal(totp(RFC_KEY, at(v.time)), v.code.slice(2))
    })
  }
})

describe('matchTotp', () => {
  const now = at(1234567890)
  const step = totpStep(now)
  const codeAt = (offsetSteps: number) => totp(RFC_KEY, at(1234567890 + offsetSteps * TOTP_STEP_SECONDS))

  const drift: { offset: number; accepted: boolean }[] = [
    { offset: -2, accepted: false },
    { offset: -1, accepted: true },
    { offset: 0, accepted: true },
    { offset: 1, accepted: true },
    { offset: 2, accepted: false },
  ]
  for (const d of drift) {
    it(`${d.accepted ? 'accepts' : 'refuses'} the code of ${d.offset} steps away`, () => {
      assert.equal(matchTotp(RFC_KEY, codeAt(d.offset), now, null), d.accepted ? step + d.offset : null)
    })
  }

  it('refuses a code of the last used step, or an earlier one (replay)', () => {
    assert.equal(matchTotp(RFC_KEY, codeAt(0), now, step), null)
    assert.equal(matchTotp(RFC_KEY, codeAt(-1), now, step - 1), null)
    assert.equal(matchTotp(RFC_KEY, codeAt(0), now, step - 1), step)
    assert.equal(matchTotp(RFC_KEY, codeAt(1), now, step), step + 1)
  })

  it('takes spaces but nothing else that is not six digits', () => {
    const code = codeAt(0)
    assert.equal(matchTotp(RFC_KEY, `${code.slice(0, 3)} ${code.slice(3)}`, now, null), step)
    for (const bad of ['', '12345', '1234567', 'abcdef', `${code}0`, `-${code.slice(1)}`]) {
      assert.equal(matchTotp(RFC_KEY, bad, now, null), null, bad)
    }
  })
})

describe('key URI and the secret as shown', () => {
  it('gives authenticator apps the issuer, account and parameters', () => {
    const uri = new URL(otpauthUri(base32Decode('JBSWY3DPEHPK3PXP'), 'ds.sam@example'))
    assert.equal(uri.protocol, 'otpauth:')
    assert.equal(uri.host, 'totp')
    assert.equal(decodeURIComponent(uri.pathname), '/Provide:ds.sam@example')
    assert.deepEqual(Object.fromEntries(uri.searchParams), {
      secret: 'JBSWY3DPEHPK3PXP',
      issuer: 'Provide',
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    })
  })

  it('shows the secret in groups of four', () => {
    assert.equal(groupedSecret(RFC_KEY), 'GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ')
    assert.deepEqual(base32Decode(groupedSecret(RFC_KEY)), RFC_KEY)
  })
})
