/**
 * CSV import: writes a synthetic records-system extract, then imports it through the same
 * service the CLI and upload page use, reporting throughput and peak memory.
 *   npm run bench -- import [--rows 100000] [--engine postgresql|pglite]
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { systemActor } from '../src/auth/actor.ts'
import { progressReporter } from '../src/cli/progress.ts'
import { benchRuntime, arg, type Engine } from './support.ts'

export async function importBench(): Promise<void> {
  const rows = Number(arg('rows', '100000'))
  const engine = arg('engine', 'postgresql') as Engine
  const dir = mkdtempSync(path.join(tmpdir(), 'provide-import-bench-'))
  const file = path.join(dir, 'extract.csv')
  // Written by a separate process, so its memory does not count against the import's.
  execFileSync(
    process.execPath,
    [path.resolve('bin/provide.js'), 'demo-data', '--incidents', String(rows), '--seed', '11', '--csv', file],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  )
  const { rt, cleanup } = await benchRuntime(engine)
  try {
    const actor = systemActor('bench')
    const jobId = await rt.services.imports.createJob(
      actor,
      'extract.csv',
      'all_or_nothing',
      await rt.services.intake.ownerAgency(),
    )
    let peakRss = process.memoryUsage().rss
    const baseRss = peakRss
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50)
    const report = progressReporter('Importing')
    const start = Date.now()
    const outcome = await rt.services.imports.run(actor, jobId, file, 'all_or_nothing', (p) => {
      if (p.phase === 'importing') report(Math.round(p.fraction * 100), 100, '%')
    })
    const seconds = (Date.now() - start) / 1000
    clearInterval(sampler)
    const mb = (b: number) => `${(b / 1048576).toFixed(0)} MB`
    console.log(
      JSON.stringify({
        bench: 'csv-import',
        engine,
        rows,
        status: outcome.status,
        seconds,
        peakRssMb: Math.round(peakRss / 1048576),
      }),
    )
    console.log(
      `file: ${rows.toLocaleString('en-GB')} rows, ${mb(statSync(file).size)}; status ${outcome.status}, imported ${outcome.importedRows}, errors ${outcome.errorRows}`,
    )
    console.log(
      `time: ${seconds.toFixed(1)} s (${Math.round(rows / seconds).toLocaleString('en-GB')} rows/s) on ${engine}`,
    )
    console.log(`memory: peak RSS ${mb(peakRss)} (started at ${mb(baseRss)})`)
    if (outcome.status !== 'completed') console.log(outcome.errors.slice(0, 5))
  } finally {
    await cleanup()
    rmSync(dir, { recursive: true, force: true })
  }
}
