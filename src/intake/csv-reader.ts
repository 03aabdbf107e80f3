import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { pipeline, Transform, type TransformCallback } from 'node:stream'
import { parse } from 'csv-parse'
import type { FieldIssue } from '../common/errors.ts'
import { validateHeader } from './csv-format.ts'

// The parts of csv-parse's per-record info this reader uses; counts include the header.
interface CsvInfo {
  lines: number
  records: number
  empty_lines: number
}

/** A problem with the file as a whole: nothing in it can be trusted row by row. */
export class CsvFileError extends Error {}

export interface CsvRow {
  /** The row number a spreadsheet shows: the header is row 1, blank lines count, a multi-line cell is one row. */
  row: number
  record: Record<string, string>
  issues: FieldIssue[]
}

/**
 * Streams a CSV extract row by row with bounded memory. Rejects files that are not UTF-8 text,
 * have a bad header or broken quoting; rows with the wrong number of cells come back with an issue.
 */
export async function* readCsvRows(
  filePath: string,
  onBytes?: (bytesRead: number, totalBytes: number) => void,
): AsyncGenerator<CsvRow> {
  const { size } = await stat(filePath)
  if (size === 0) throw new CsvFileError('The file is empty')
  let bytesRead = 0
  const source = createReadStream(filePath)
  source.on('data', (chunk) => {
    bytesRead += chunk.length
    onBytes?.(bytesRead, size)
  })
  // pipeline() carries an encoding error from the check into the parser, so the loop below sees it.
  const parser = pipeline(
    source,
    new Utf8Check(),
    parse({ bom: true, relax_column_count: true, skip_empty_lines: true, trim: true, info: true }),
    () => undefined,
  )
  let header: string[] | null = null
  let lastLine = 0
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: CsvInfo }>) {
      lastLine = info.lines
      if (!header) {
        header = record.map((h) => h.trim().toLowerCase())
        const problems = validateHeader(header)
        if (problems.length > 0) {
          throw new CsvFileError(`The header row has problems: ${problems.map((p) => p.message).join('; ')}`)
        }
        continue
      }
      const issues: FieldIssue[] = []
      if (record.length !== header.length) {
        issues.push({ path: 'row', message: `Row has ${record.length} cells but the header has ${header.length}` })
      }
      const fields: Record<string, string> = {}
      header.forEach((name, i) => {
        fields[name] = record[i] ?? ''
      })
      // Not info.lines: that is the line a record ends on, which a quoted cell over several lines pushes on.
      yield { row: info.records + info.empty_lines, record: fields, issues }
    }
  } catch (error) {
    if (error instanceof CsvFileError) throw error
    const e = error as { code?: string; lines?: number; message: string }
    // An unclosed quote runs to the end of the file, so csv-parse's line is the last one: say where it opened.
    if (e.code === 'CSV_QUOTE_NOT_CLOSED') {
      const where = lastLine === 0 ? 'in the header row' : `that starts after line ${lastLine}`
      throw new CsvFileError(
        `The file is not valid CSV: a quoted cell ${where} is never closed. Check that row for a stray " character.`,
      )
    }
    if (e.code?.startsWith('CSV_'))
      throw new CsvFileError(`The file is not valid CSV near line ${e.lines ?? '?'}: ${e.message}`)
    throw error
  } finally {
    source.destroy()
  }
  if (!header) throw new CsvFileError('The file has no header row')
}

/** Fails on the first byte sequence that is not UTF-8, naming where it is. */
class Utf8Check extends Transform {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true })
  private offset = 0
  private first = true

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.first) {
      this.first = false
      if ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff)) {
        return done(new CsvFileError('The file is UTF-16 text. Save the extract as "CSV UTF-8" and try again.'))
      }
    }
    try {
      this.decoder.decode(chunk, { stream: true })
    } catch {
      return done(
        new CsvFileError(
          `The file is not UTF-8 text (an invalid byte within bytes ${this.offset}-${this.offset + chunk.length}). ` +
            'Save the extract as "CSV UTF-8" and try again.',
        ),
      )
    }
    this.offset += chunk.length
    done(null, chunk)
  }

  override _flush(done: TransformCallback): void {
    try {
      this.decoder.decode()
      done()
    } catch {
      done(new CsvFileError('The file ends part-way through a UTF-8 character. Save the extract as "CSV UTF-8".'))
    }
  }
}
