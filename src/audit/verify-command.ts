import { InvalidArgumentError } from 'commander'
import type { Queryable } from '../db/database.ts'
import { progressReporter } from '../cli/progress.ts'
import { parseAnchor, verifyAuditChain, type ChainHead } from './verify.ts'

/** commander's parser for `--anchor SEQ:HASH`. */
export function anchorOption(value: string): ChainHead {
  const anchor = parseAnchor(value)
  if (!anchor) throw new InvalidArgumentError('Give the head as SEQ:HASH, as `provide audit verify` prints it')
  return anchor
}

/**
 * `provide audit verify`: progress on stderr; rows, speed, the head and the verdict on stdout.
 * Returns false when the chain is broken or the anchor is not in it.
 */
export async function auditVerifyCommand(
  db: Queryable,
  anchor: ChainHead | undefined,
  print: (line: string) => void = console.log,
): Promise<boolean> {
  const report = progressReporter('Verifying the audit trail')
  const started = process.hrtime.bigint()
  const result = await verifyAuditChain(db, { anchor, onProgress: (done, total) => report(done, total) })
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const rate = seconds > 0 ? Math.round(result.rows / seconds) : result.rows
  print(
    `Checked ${result.rows.toLocaleString('en-GB')} rows in ${seconds.toFixed(2)} s (${rate.toLocaleString('en-GB')} rows/s)`,
  )
  const label = result.firstBroken ? 'Last intact row' : 'Head'
  print(`${label}: seq ${result.head.seq}, hash ${result.head.hash}`)
  if (!result.firstBroken)
    print(`  (record it elsewhere; check it later with --anchor ${result.head.seq}:${result.head.hash})`)
  if (result.anchor)
    print(`Anchor ${result.anchor.seq}: ${result.anchor.ok ? 'ok' : 'FAILED'}: ${result.anchor.reason}`)
  if (result.firstBroken) {
    const { seq, id, reason } = result.firstBroken
    print(`AUDIT TRAIL BROKEN at seq ${seq} (audit_event id ${id}): ${reason}`)
  } else if (result.ok) {
    print('audit trail intact')
  } else {
    print('AUDIT TRAIL BROKEN: the recorded anchor is not in the chain')
  }
  return result.ok
}
