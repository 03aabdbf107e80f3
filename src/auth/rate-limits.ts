import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppConfig } from '../config.ts'
import { sha256 } from './tokens.ts'

const MINUTE_MS = 60_000
/** Above this many keys, windows that have ended are swept out, so memory stays bounded. */
const SWEEP_AT = 10_000

export interface RateDecision {
  allowed: boolean
  /** Whole seconds until the window ends (for Retry-After). */
  retryAfterSeconds: number
}

/**
 * Fixed-window counters in memory: at most `limit` hits per key per window. Per process: behind
 * several app instances each counts its own share (the account lockout, which matters more, is
 * in the database).
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>()

  constructor(
    readonly limit: number,
    readonly windowMs: number = MINUTE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  hit(key: string): RateDecision {
    const now = this.now()
    let w = this.windows.get(key)
    if (!w || now - w.start >= this.windowMs) {
      if (!w && this.windows.size >= SWEEP_AT) this.sweep(now)
      w = { start: now, count: 0 }
      this.windows.set(key, w)
    }
    w.count++
    return {
      allowed: w.count <= this.limit,
      retryAfterSeconds: Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000)),
    }
  }

  get size(): number {
    return this.windows.size
  }

  private sweep(now: number): void {
    for (const [key, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(key)
  }
}

/** The pages that check a password or a second-factor code. */
export const SIGN_IN_ROUTES = new Set(['/sign-in', '/sign-in/verify', '/sign-in/enrol'])

/**
 * Rate limits, as one onRequest hook on the app (call before the routes are registered, and
 * ideally before the hook that resolves sessions and tokens, so refused requests cost no query):
 * - POSTs to the sign-in pages, per client address (`PROVIDE_SIGN_IN_RATE_LIMIT` a minute);
 * - the API, per bearer token, or per client address without one (`PROVIDE_API_RATE_LIMIT`).
 * Over the limit: 429 with Retry-After, as JSON for the API and the error page for pages.
 */
export async function registerRateLimits(
  app: FastifyInstance,
  config: AppConfig,
  now: () => number = Date.now,
): Promise<void> {
  const signIn = new RateLimiter(config.signInRateLimitPerMinute, MINUTE_MS, now)
  const api = new RateLimiter(config.apiRateLimitPerMinute, MINUTE_MS, now)

  app.addHook('onRequest', async (request, reply) => {
    if (request.method === 'POST' && SIGN_IN_ROUTES.has(request.routeOptions.url ?? '')) {
      const decision = signIn.hit(`ip:${request.ip}`)
      if (!decision.allowed) return tooMany(request, reply, decision, false)
    } else if (request.url.startsWith('/api/')) {
      const auth = request.headers.authorization
      // The token is hashed: the limiter's memory never holds a usable credential.
      const key = auth?.startsWith('Bearer ') ? `token:${sha256(auth.slice(7).trim())}` : `ip:${request.ip}`
      const decision = api.hit(key)
      if (!decision.allowed) return tooMany(request, reply, decision, true)
    }
  })
}

function tooMany(request: FastifyRequest, reply: FastifyReply, decision: RateDecision, isApi: boolean) {
  const wait = decision.retryAfterSeconds
  reply.code(429).header('retry-after', String(wait))
  const seconds = `${wait} ${wait === 1 ? 'second' : 'seconds'}`
  if (isApi) {
    return reply.send({
      error: 'rate_limited',
      message: `Too many requests. Wait ${seconds} and try again.`,
      retryAfterSeconds: wait,
    })
  }
  // This hook may run before the one that gives each request its script nonce.
  if (!request.cspNonce) request.cspNonce = randomBytes(16).toString('base64')
  return reply.render('server/views/error.njk', {
    statusCode: 429,
    message: `Too many sign-in attempts from your network. Wait ${seconds} and try again.`,
    requestId: request.id,
  })
}
