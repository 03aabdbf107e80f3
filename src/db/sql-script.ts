import { sql, type Kysely } from 'kysely'

/**
 * Runs a script of several statements one at a time: PGlite's query protocol takes a single
 * statement per call. Splits on semicolons at the end of a line, outside dollar-quoted bodies.
 */
export async function runSqlScript(db: Kysely<unknown>, script: string): Promise<void> {
  for (const statement of splitStatements(script)) await sql.raw(statement).execute(db)
}

export function splitStatements(script: string): string[] {
  const statements: string[] = []
  let current = ''
  let inDollar = false
  for (const line of script.split('\n')) {
    if (!inDollar && line.trim().startsWith('--')) continue
    current += line + '\n'
    if ((line.match(/\$\$/g) ?? []).length % 2 === 1) inDollar = !inDollar
    if (!inDollar && line.trimEnd().endsWith(';')) {
      statements.push(current.trim())
      current = ''
    }
  }
  if (current.trim()) statements.push(current.trim())
  return statements
}
