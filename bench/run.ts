/**
 * Benchmarks: `npm run bench -- <name> [options]`, each printing its figures.
 *   triage   triage queue latency (API, page, direct query) at --incidents N on --engine
 *   import   CSV import throughput and peak memory for --rows N on --engine
 *   startup  fresh start to a usable sign-in page (after npm install)
 *   access   what a record-level access check and its audit row add to a request
 *   audit    audit trail: bulk writes, hash-chain verification rows/s, one audit write p50/p95
 *   planner  the shift planner on TOPTW instances (gap to proven optima, time) and a realistic shift
 *   tracker  the IDVA's tracker: a draft save and a submission, p50/p95
 *   case     a victim's case page with 50 incidents and 200 events, rendered in the server, p50/p95
 */
import { triageBench } from './triage-queue.ts'
import { importBench } from './csv-import.ts'
import { startupBench } from './startup.ts'
import { accessBench } from './access-check.ts'
import { auditBench } from './audit-chain.ts'
import { plannerBench } from './planner.ts'
import { trackerBench } from './tracker-save.ts'
import { caseBench } from './case-page.ts'

const benches: Record<string, () => Promise<void>> = {
  triage: triageBench,
  import: importBench,
  startup: startupBench,
  access: accessBench,
  audit: auditBench,
  planner: plannerBench,
  tracker: trackerBench,
  case: caseBench,
}
const name = process.argv[2] ?? ''
const bench = benches[name]
if (!bench) {
  console.error(`Usage: npm run bench -- <${Object.keys(benches).join('|')}> [options]`)
  process.exit(2)
}
await bench()
