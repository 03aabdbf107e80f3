import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { loadConfig, type AppConfig } from '../config.ts'
import { buildApp, createServices, type AppDeps, type Services } from '../server/app.ts'
import { loadRiskTools } from '../intake/risk-tools.ts'
import { seedAreas, seedDemoUsers, DEMO_PASSWORD } from '../demo/seed.ts'
import { systemActor, type Actor } from '../auth/actor.ts'
import { findUserByUsername } from '../auth/repository.ts'
import { toActor } from '../auth/service.ts'
import { testDatabase, type Engine, type TestDatabase } from './db.ts'
import { testClock } from './clock.ts'

export const RISK_TOOLS = loadRiskTools()
export const TEST_SECRET_KEY = randomBytes(32)

export interface TestContext {
  /** A demo user as an actor, for calling services directly. */
  actor(username: string): Promise<Actor>
  deps: AppDeps
  services: Services
  database: TestDatabase
  clock: ReturnType<typeof testClock>
  close(): Promise<void>
}

/**
 * Services on a fresh database with the demo agencies, areas and one user per role.
 * `overrides` replaces settings a test is about, such as a small upload limit.
 */
export async function testContext(engine: Engine, overrides: Partial<AppConfig> = {}): Promise<TestContext> {
  const database = await testDatabase(engine)
  const clock = testClock()
  const config: AppConfig = {
    ...loadConfig({}),
    logLevel: 'silent',
    cookieSecure: false,
    // A key for two-step sign-in secrets, so no test writes one into ./data.
    secretKey: TEST_SECRET_KEY,
    // Suites sign in and call the API far faster than people; rate-limit tests set their own limits.
    signInRateLimitPerMinute: 1_000_000,
    apiRateLimitPerMinute: 1_000_000,
    ...overrides,
  }
  const deps: AppDeps = { config, db: database.db, clock, riskTools: RISK_TOOLS }
  const services = createServices(deps)
  await seedAreas(database.db, config.areas)
  await seedDemoUsers(database.db, services.auth)
  const actor = async (username: string): Promise<Actor> => {
    const u = await findUserByUsername(database.db, username)
    if (!u) throw new Error(`no user ${username}`)
    return toActor(u, 'session', null)
  }
  return { actor, deps, services, database, clock, close: () => database.close() }
}

export interface TestApp extends TestContext {
  app: FastifyInstance
  /** A signed-in browser-like session: cookie header and the page's CSRF token. */
  signIn(username: string): Promise<{ cookie: string; csrf: string }>
  bearer(username: string): Promise<string>
}

export async function testApp(engine: Engine, overrides: Partial<AppConfig> = {}): Promise<TestApp> {
  const ctx = await testContext(engine, overrides)
  const app = await buildApp(ctx.deps)
  return {
    ...ctx,
    app,
    async signIn(username) {
      const res = await app.inject({
        method: 'POST',
        url: '/sign-in',
        payload: { username, password: DEMO_PASSWORD },
      })
      const cookie = String(res.headers['set-cookie']).split(';')[0]!
      if (res.statusCode !== 302 || !cookie) throw new Error(`sign-in as ${username} failed: ${res.statusCode}`)
      const page = await app.inject({ method: 'GET', url: '/', headers: { cookie } })
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1]
      if (!csrf) throw new Error('no CSRF token on the home page')
      return { cookie, csrf }
    },
    async bearer(username) {
      const t = await ctx.services.auth.createApiToken(systemActor('test'), {
        username,
        name: 'test',
        expiresInDays: 30,
      })
      return t.token
    },
    async close() {
      await app.close()
      await ctx.close()
    },
  }
}
