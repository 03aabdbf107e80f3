import path from 'node:path'
import { z } from 'zod'

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
  }
}

export function pgliteDir(config: AppConfig): string {
  return path.join(config.dataDir, 'pglite')
}
