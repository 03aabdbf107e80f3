import path from 'node:path'
import { z } from 'zod'
import { parseSecretKey } from './auth/secrets.ts'

/** Everything read from the environment, validated once at start-up. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('localhost'),
  DATABASE_URL: z
    .string()
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  PROVIDE_DATA_DIR: z.string().default(path.resolve('data')),
  PROVIDE_RISK_TOOLS_DIR: z.string().default(path.resolve('config/risk-tools')),
  /** Secure cookies are on unless explicitly disabled (plain HTTP on a non-local address). */
  COOKIE_SECURE: z.enum(['true', 'false']).default('true'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
  PROVIDE_UPLOAD_LIMIT_MB: z.coerce.number().positive().default(50),
  /** Areas a new installation starts with, comma-separated. */
  PROVIDE_AREAS: z.string().default('Blackpool,Fylde,Wyre,Lancaster,Morecambe'),
  /**
   * 32 random bytes in base64 that encrypt two-step sign-in secrets. Required with DATABASE_URL;
   * on the embedded database it is generated into the data directory when unset.
   */
  PROVIDE_SECRET_KEY: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v) return undefined
      const key = parseSecretKey(v)
      if (!key) ctx.addIssue({ code: 'custom', message: 'must be 32 bytes in base64 (openssl rand -base64 32)' })
      return key ?? undefined
    }),
  /** An OSRM road router (`http://host:5000`) for travel times; unset: straight-line estimates. */
  PROVIDE_OSRM_URL: z
    .string()
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** Sign-in attempts (password or code) a client address may make a minute. */
  PROVIDE_SIGN_IN_RATE_LIMIT: z.coerce.number().int().positive().default(20),
  /** API requests a bearer token (or, without one, a client address) may make a minute. */
  PROVIDE_API_RATE_LIMIT: z.coerce.number().int().positive().default(600),
})

export interface AppConfig {
  port: number
  host: string
  databaseUrl: string | undefined
  dataDir: string
  riskToolsDir: string
  cookieSecure: boolean
  logLevel: string
  uploadLimitBytes: number
  areas: string[]
  /** Unset means: generate one into the data directory (embedded database only); see `src/auth/secrets.ts`. */
  secretKey: Buffer | undefined
  signInRateLimitPerMinute: number
  apiRateLimitPerMinute: number
  osrmUrl: string | undefined
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
    throw new Error(`Invalid environment: ${problems}`)
  }
  const e = parsed.data
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.PROVIDE_DATA_DIR,
    riskToolsDir: e.PROVIDE_RISK_TOOLS_DIR,
    cookieSecure: e.COOKIE_SECURE === 'true',
    logLevel: e.LOG_LEVEL,
    uploadLimitBytes: Math.round(e.PROVIDE_UPLOAD_LIMIT_MB * 1024 * 1024),
    areas: e.PROVIDE_AREAS.split(',')
      .map((a) => a.trim())
      .filter(Boolean),
    secretKey: e.PROVIDE_SECRET_KEY,
    signInRateLimitPerMinute: e.PROVIDE_SIGN_IN_RATE_LIMIT,
    apiRateLimitPerMinute: e.PROVIDE_API_RATE_LIMIT,
    osrmUrl: e.PROVIDE_OSRM_URL,
  }
}

export function pgliteDir(config: AppConfig): string {
  return path.join(config.dataDir, 'pglite')
}
