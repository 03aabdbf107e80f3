import argon2 from 'argon2'

// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
const OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, OPTIONS)
}

export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  // A missing hash still costs one verification, so timing does not reveal which usernames exist.
  const target = hash ?? DUMMY_HASH
  try {
    const ok = await argon2.verify(target, password)
    return ok && hash !== null
  } catch {
    return false
  }
}

const DUMMY_HASH = await argon2.hash('provide-dummy-password', OPTIONS)
