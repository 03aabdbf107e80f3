/**
 * `npm test`: sets up what the suite needs (Chromium, a throwaway PostgreSQL server), then runs
 * every test file with node's test runner against both the embedded database and the server.
 * It fails loudly, never skips, when something cannot be set up.
 */
import { spawn } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { ensureChromium, startPostgres, CHROMIUM } from './postgres.ts'

const ROOT = path.resolve(import.meta.dirname, '..')
function testFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name)
    if (statSync(full).isDirectory()) testFiles(full, out)
    else if (name.endsWith('.test.ts')) out.push(path.relative(ROOT, full))
  }
  return out.sort()
}

const only = process.argv.slice(2)
const files = only.length > 0 ? only : [...testFiles(path.join(ROOT, 'src')), ...testFiles(path.join(ROOT, 'scripts'))]
if (files.length === 0) throw new Error('no test files found')

ensureChromium()
const server = process.env.TEST_DATABASE_URL ? null : await startPostgres()
const env = {
  ...process.env,
  TEST_DATABASE_URL: process.env.TEST_DATABASE_URL ?? server!.url,
  CHROMIUM_PATH: CHROMIUM,
  TZ: 'UTC',
}
console.log(
  `Running ${files.length} test files on PGlite and PostgreSQL (${server ? 'throwaway server' : 'TEST_DATABASE_URL'})`,
)

const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  cwd: ROOT,
  env,
  stdio: 'inherit',
})
const code: number = await new Promise((resolve) => child.on('exit', (c) => resolve(c ?? 1)))
server?.stop()
process.exit(code)
