/** A one-line progress display on stderr for long jobs; plain lines when not a terminal (CI, logs). */
export function progressReporter(label: string): (done: number, total: number, unit?: string) => void {
  const tty = process.stderr.isTTY
  let lastPct = -1
  let lastAt = 0
  return (done, total, unit = 'rows') => {
    const pct = total > 0 ? Math.floor((done / total) * 100) : 0
    const now = Date.now()
    if (pct === lastPct && done !== total) return
    if (!tty && now - lastAt < 2000 && done !== total) return
    lastPct = pct
    lastAt = now
    const counts = unit === '%' ? '' : ` (${done.toLocaleString('en-GB')} of ${total.toLocaleString('en-GB')} ${unit})`
    const line = `${label}: ${pct}%${counts}`
    if (tty) process.stderr.write(`\r${line}${done === total ? '\n' : ''}`)
    else process.stderr.write(`${line}\n`)
  }
}
