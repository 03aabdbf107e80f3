import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { newRecoveryCode, newRecoveryCodes, normaliseRecoveryCode, RECOVERY_CODE_COUNT } from './recovery-codes.ts'

describe('recovery codes', () => {
  it('are 12 characters of Crockford base32 in groups of four, all different', () => {
    const codes = newRecoveryCodes()
    assert.equal(codes.length, RECOVERY_CODE_COUNT)
    assert.equal(new Set(codes).size, codes.length)
    for (const c of codes) assert.match(c, /^[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}$/)
  })

  const cases: { entered: string; stored: string | null }[] = [
    { entered: '7kq2-mv9x-3hcd', stored: '7kq2mv9x3hcd' },
    { entered: ' 7KQ2 MV9X 3HCD ', stored: '7kq2mv9x3hcd' },
    { entered: 'oil0-0000-0000', stored: '011000000000' }, // letters people confuse with digits
    { entered: '7kq2-mv9x-3hc', stored: null },
    { entered: '7kq2-mv9x-3hcdd', stored: null },
    { entered: '7kq2-mv9x-3hcu', stored: null }, // u is not in the alphabet
    { entered: '123456', stored: null }, // an app code is not a recovery code
  ]
  for (const c of cases) {
    it(`reads "${c.entered}" as ${c.stored ?? 'no code'}`, () => {
      assert.equal(normaliseRecoveryCode(c.entered), c.stored)
    })
  }

  it('reads every new code back as itself', () => {
    for (let i = 0; i < 100; i++) {
      const code = newRecoveryCode()
      assert.equal(normaliseRecoveryCode(code), code.replace(/-/g, ''))
    }
  })
})
