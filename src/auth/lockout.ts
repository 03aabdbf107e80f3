/**
 * Slowing down password guessing without locking the account's owner out for long: after
 * FREE_FAILURES consecutive failures, each further attempt must wait a delay that doubles with
 * every failure, from one minute up to fifteen. Attempts during the wait are refused without
 * counting, so an attacker cannot push the wait past the cap; a success clears the count, and a
 * day without failures forgets it. Pure rules: the caller passes `now` and the stored counter.
 */
export const FREE_FAILURES = 5
export const FIRST_DELAY_MS = 60_000
export const MAX_DELAY_MS = 15 * 60_000
export const FAILURE_MEMORY_MS = 24 * 60 * 60_000

export interface ThrottleState {
  failures: number
  lastFailureAt: Date
  lockedUntil: Date | null
}

/** The wait that follows a given number of consecutive failures. */
export function lockoutDelayMs(failures: number): number {
  if (failures < FREE_FAILURES) return 0
  return Math.min(FIRST_DELAY_MS * 2 ** (failures - FREE_FAILURES), MAX_DELAY_MS)
}

/** Whether attempts are refused at `now`, whatever the password. */
export function isLocked(state: ThrottleState | undefined, now: Date): boolean {
  return !!state?.lockedUntil && now < state.lockedUntil
}

/** The counter after one more failure at `now`. */
export function afterFailure(state: ThrottleState | undefined, now: Date): ThrottleState {
  const remembered = state && now.getTime() - state.lastFailureAt.getTime() < FAILURE_MEMORY_MS
  const failures = (remembered ? state.failures : 0) + 1
  const delay = lockoutDelayMs(failures)
  return { failures, lastFailureAt: now, lockedUntil: delay > 0 ? new Date(now.getTime() + delay) : null }
}
