import { loadConfig, type AppConfig } from '../src/config.ts'
import { openRuntime, type Runtime } from '../src/server/runtime.ts'
import { startPostgres } from '../scripts/postgres.ts'
import { mkdtempSync, rmSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import path from 'node:path'

export type Engine = 'postgresql' | 'pglite'

/**
 * A runtime on a fresh database for one benchmark: a throwaway PostgreSQL server (or
 * BENCH_DATABASE_URL), or PGlite in a temporary folder, as a newcomer's default install has.
 */
export async function benchRuntime(
  engine: Engine,
): Promise<{ rt: Runtime; config: AppConfig; cleanup: () => Promise<void> }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'provide-bench-'))
  const server = engine === 'postgresql' && !process.env.BENCH_DATABASE_URL ? await startPostgres() : null
  const url = engine === 'postgresql' ? (process.env.BENCH_DATABASE_URL ?? server!.url) : undefined
  const config = {
    ...loadConfig({ PROVIDE_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }),
    databaseUrl: url,
    // A throwaway key for the throwaway database: two-step sign-in secrets need one.
    secretKey: randomBytes(32),
  }
  const rt = await openRuntime(config)
  return {
    rt,
    config,
    cleanup: async () => {
      await rt.close()
      server?.stop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return NaN
  const i = Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1)
  return sortedMs[Math.max(0, i)]!
}

export async function timeRuns(
  n: number,
  fn: () => Promise<unknown>,
): Promise<{ p50: number; p95: number; max: number }> {
  const times: number[] = []
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint()
    await fn()
    times.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  times.sort((a, b) => a - b)
  return { p50: percentile(times, 50), p95: percentile(times, 95), max: times[times.length - 1]! }
}

export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback
}

export const fmt = (ms: number) => `${ms.toFixed(1)} ms`
