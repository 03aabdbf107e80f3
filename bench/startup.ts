/**
 * First start on a fresh data folder to a usable page: runs `provide start --demo` as a newcomer's
 * `npm start` does and times until /sign-in answers 200.
 *   npm run bench -- startup
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

export async function startupBench(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'provide-startup-'))
  const port = 3900 + Math.floor(Math.random() * 90)
  const start = Date.now()
  const child = spawn(process.execPath, [path.resolve('bin/provide.js'), 'start', '--demo'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', PROVIDE_DATA_DIR: dataDir, DATABASE_URL: '' },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  try {
    for (;;) {
      if (Date.now() - start > 120_000) throw new Error('not ready after 120 s')
      try {
        const res = await fetch(`http://127.0.0.1:${port}/sign-in`)
        if (res.status === 200) break
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100))
    }
    const seconds = (Date.now() - start) / 1000
    console.log(JSON.stringify({ bench: 'startup', seconds }))
    console.log(`fresh start (migrations, demo logins, 2,000 demo incidents) to a usable page: ${seconds.toFixed(1)} s`)
  } finally {
    child.kill('SIGTERM')
    await new Promise((r) => child.on('exit', r))
    rmSync(dataDir, { recursive: true, force: true })
  }
}
