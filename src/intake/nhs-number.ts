/**
 * NHS numbers: 10 digits, the last a modulus 11 check digit over the first nine (weights 10 down
 * to 2). Numbers starting 999 are never issued to patients, so synthetic data uses only those.
 */

const NHS_NUMBER = /^[0-9]{10}$/

/** Drops the spaces and hyphens people write NHS numbers with ('943 476 5919', '943-476-5919'). */
export function normaliseNhsNumber(s: string): string {
  return s.replace(/[\s-]/g, '')
}

// The check digit for the first nine digits, or null when the remainder makes a check digit of 10,
// which means no valid NHS number starts with these nine digits.
function checkDigit(firstNine: string): number | null {
  let sum = 0
  for (let i = 0; i < 9; i++) sum += Number(firstNine[i]) * (10 - i)
  const check = 11 - (sum % 11)
  if (check === 11) return 0
  return check === 10 ? null : check
}

export function isValidNhsNumber(s: string): boolean {
  const digits = normaliseNhsNumber(s)
  return NHS_NUMBER.test(digits) && checkDigit(digits.slice(0, 9)) === Number(digits[9])
}

/** A valid NHS number in the 999 test range, for synthetic data; `rand` returns [0, 1) like Math.random. */
export function generateNhsNumber(rand: () => number): string {
  const digit = () => Math.min(9, Math.floor(rand() * 10))
  let body = '999'
  for (let i = 0; i < 5; i++) body += digit()
  // The ninth digit has weight 2, so stepping it moves the sum by 2 (mod 11): at most one of the ten
  // choices gives a check digit of 10, and the next one along always works.
  const start = digit()
  for (let step = 0; ; step++) {
    const candidate = body + ((start + step) % 10)
    const check = checkDigit(candidate)
    if (check !== null) return candidate + check
  }
}
