/**
 * Sets up what tests and benchmarks need on a machine of this kind: Debian's Chromium and a
 * throwaway PostgreSQL server. Installs with apt-get when run as root; otherwise fails loudly.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, chmodSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

function fail(message: string): never {
  console.error(`\nCannot set up: ${message}\n`)
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

export function ensureChromium(): void {
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
export async function startPostgres(): Promise<{ url: string; stop: () => void }> {
  const bin = postgresBin()
  const dir = mkdtempSync(path.join(tmpdir(), 'provide-pg-'))
  chmodSync(dir, 0o777)
  const dataDir = path.join(dir, 'data')
  const port = await freePort()
  const asPg = (cmd: string, args: string[]) => {
    const [file, argv] = isRoot
      ? ['runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args]]
      : [path.join(bin, cmd), args]
    execFileSync(file as string, argv as string[], { stdio: 'pipe' })
  }
  try {
    asPg('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'])
    asPg('pg_ctl', [
      '-D',
      dataDir,
      '-l',
      path.join(dir, 'log'),
      '-w',
      '-t',
      '60',
      'start',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200`,
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
