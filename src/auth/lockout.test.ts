import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { afterFailure, isLocked, lockoutDelayMs, FAILURE_MEMORY_MS, type ThrottleState } from './lockout.ts'
import { FIXED_NOW } from '../test-support/clock.ts'

const MINUTE = 60_000
const later = (ms: number) => new Date(FIXED_NOW.getTime() + ms)

describe('lockout rules', () => {
  const delays: { failures: number; minutes: number }[] = [
    { failures: 0, minutes: 0 },
    { failures: 4, minutes: 0 },
    { failures: 5, minutes: 1 },
    { failures: 6, minutes: 2 },
    { failures: 7, minutes: 4 },
    { failures: 8, minutes: 8 },
    { failures: 9, minutes: 15 },
    { failures: 50, minutes: 15 },
  ]
  for (const d of delays) {
    it(`waits ${d.minutes} minutes after ${d.failures} consecutive failures`, () => {
      assert.equal(lockoutDelayMs(d.failures), d.minutes * MINUTE)
    })
  }

  it('counts failures and locks from the fifth', () => {
    let state: ThrottleState | undefined
    for (let n = 1; n <= 5; n++) {
      state = afterFailure(state, FIXED_NOW)
      assert.equal(state.failures, n)
      assert.equal(isLocked(state, FIXED_NOW), n === 5)
    }
    assert.equal(state!.lockedUntil?.getTime(), later(MINUTE).getTime())
    assert.equal(isLocked(state, later(MINUTE - 1)), true)
    assert.equal(isLocked(state, later(MINUTE)), false)
  })

  it('forgets failures after a day without one', () => {
    const old: ThrottleState = { failures: 8, lastFailureAt: FIXED_NOW, lockedUntil: later(8 * MINUTE) }
    assert.equal(afterFailure(old, later(FAILURE_MEMORY_MS - 1)).failures, 9)
    assert.deepEqual(afterFailure(old, later(FAILURE_MEMORY_MS)), {
      failures: 1,
      lastFailureAt: later(FAILURE_MEMORY_MS),
      lockedUntil: null,
    })
  })

  it('is not locked without a counter', () => {
    assert.equal(isLocked(undefined, FIXED_NOW), false)
  })
})
