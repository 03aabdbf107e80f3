/**
 * `npm test`: sets up what the suite needs (Chromium, a throwaway PostgreSQL server), then runs
 * every test file with node's test runner against both the embedded database and the server.
 * It fails loudly, never skips, when something cannot be set up.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, chmodSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'

const ROOT = path.resolve(import.meta.dirname, '..')
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

function fail(message: string): never {
  console.error(`\nnpm test cannot run: ${message}\n`)
  process.exit(1)
}

const isRoot = process.getuid?.() === 0

function aptInstall(pkgs: string[]): void {
  if (!isRoot) fail(`${pkgs.join(', ')} missing and this user cannot install them (run as root or install them)`)
  console.log(`Installing ${pkgs.join(', ')} with apt-get…`)
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' })
  const install = spawnSync('apt-get', ['install', '-y', '-qq', ...pkgs], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  })
  if (update.status !== 0 || install.status !== 0) fail(`apt-get could not install ${pkgs.join(', ')}`)
}

function ensureChromium(): void {
  if (!existsSync(CHROMIUM)) aptInstall(['chromium'])
  if (!existsSync(CHROMIUM)) fail(`Chromium is not at ${CHROMIUM}`)
}

function postgresBin(): string {
  const base = '/usr/lib/postgresql'
  const find = () =>
    existsSync(base)
      ? readdirSync(base)
          .map((v) => path.join(base, v, 'bin'))
          .find((dir) => existsSync(path.join(dir, 'initdb')))
      : undefined
  const found = find()
  if (found) return found
  aptInstall(['postgresql'])
  return find() ?? fail('PostgreSQL was installed but initdb was not found')
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
    srv.on('error', reject)
  })
}

/** initdb refuses to run as root, so the throwaway cluster belongs to the postgres user. */
async function startPostgres(): Promise<{ url: string; stop: () => void }> {
  const bin = postgresBin()
  const dir = mkdtempSync(path.join(tmpdir(), 'provide-pg-'))
  chmodSync(dir, 0o777)
  const dataDir = path.join(dir, 'data')
  const port = await freePort()
  const asPg = (cmd: string, args: string[]) => {
    const [file, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args]] : [path.join(bin, cmd), args]
    execFileSync(file as string, argv as string[], { stdio: 'pipe' })
  }
  try {
    asPg('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'])
    asPg('pg_ctl', [
      '-D', dataDir, '-l', path.join(dir, 'log'), '-w', '-t', '60', 'start',
      '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200`,
    ])
  } catch (error) {
    const e = error as { stderr?: Buffer; message: string }
    fail(`could not start a throwaway PostgreSQL server: ${e.stderr?.toString() || e.message}`)
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      try {
        asPg('pg_ctl', ['-D', dataDir, '-m', 'immediate', 'stop'])
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}

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
if (files.length === 0) fail('no test files found')

ensureChromium()
const server = process.env.TEST_DATABASE_URL ? null : await startPostgres()
const env = { ...process.env, TEST_DATABASE_URL: process.env.TEST_DATABASE_URL ?? server!.url, CHROMIUM_PATH: CHROMIUM, TZ: 'UTC' }
console.log(`Running ${files.length} test files on PGlite and PostgreSQL (${server ? 'throwaway server' : 'TEST_DATABASE_URL'})`)

const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  cwd: ROOT,
  env,
  stdio: 'inherit',
})
const code: number = await new Promise((resolve) => child.on('exit', (c) => resolve(c ?? 1)))
server?.stop()
process.exit(code)
