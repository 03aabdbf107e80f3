import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { generateNhsNumber, isValidNhsNumber, normaliseNhsNumber } from './nhs-number.ts'

describe('normaliseNhsNumber', () => {
  const cases: [string, string][] = [
    ['9434765919', '9434765919'],
    ['943 476 5919', '9434765919'],
    ['943-476-5919', '9434765919'],
    [' 943 - 476 - 5919 ', '9434765919'],
    ['943.476.5919', '943.476.5919'], // only spaces and hyphens are separators
  ]
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} -> ${expected}`, () => assert.equal(normaliseNhsNumber(input), expected))
  }
})

describe('isValidNhsNumber', () => {
  const cases: [string, boolean, string][] = [
    ['9434765919', true, 'check digit 9'],
    ['9434765918', false, 'wrong check digit'],
    ['943 476 5919', true, 'spaced'],
    ['943-476-5919', true, 'hyphenated'],
    ['9990000018', true, 'test range, check digit 8'],
    ['9990000026', true, 'test range, check digit 6'],
    ['9990000050', true, 'remainder 0: check digit 11 becomes 0'],
    ['9990000051', false, 'remainder 0 needs check digit 0'],
    ['9990000000', false, 'first nine give a check digit of 10: never valid'],
    ['9990000001', false, 'first nine give a check digit of 10, any last digit'],
    ['943476591', false, 'nine digits'],
    ['94347659190', false, 'eleven digits'],
    ['943476591a', false, 'letter'],
    ['', false, 'empty'],
    ['943.476.5919', false, 'dots are not separators'],
  ]
  for (const [input, expected, why] of cases) {
    it(`${input || '(empty)'}: ${why}`, () => assert.equal(isValidNhsNumber(input), expected))
  }
})

describe('generateNhsNumber', () => {
  it('skips a first nine that would need a check digit of 10', () => {
    // rand() = 0 gives 999000000, whose check digit would be 10.
    assert.equal(
      generateNhsNumber(() => 0),
      '9990000018',
    )
  })

  it('copes with rand() at the top of its range', () => {
    assert.equal(
      generateNhsNumber(() => 0.999999),
      '9999999999',
    )
  })

  it('always gives a valid number in the 999 test range', () => {
    let seed = 42
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    for (let i = 0; i < 2000; i++) {
      const n = generateNhsNumber(rand)
      assert.match(n, /^999[0-9]{7}$/)
      assert.ok(isValidNhsNumber(n), n)
    }
  })
})
