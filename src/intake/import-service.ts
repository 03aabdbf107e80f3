import type { Database } from '../db/database.ts'
import type { Clock } from '../common/clock.ts'
import { authorId, type Actor } from '../auth/actor.ts'
import { recordAudit } from '../audit/audit.ts'
import { NotFoundError } from '../common/errors.ts'
import type { ImportIssue } from '../db/schema.ts'
import type { IncidentInput } from './incident-schema.ts'
import { csvRecordToIncidentCandidate, mapSchemaPathToColumn } from './csv-format.ts'
import { CsvFileError, readCsvRows } from './csv-reader.ts'
import type { IntakeService } from './service.ts'
import * as repo from './repository.ts'
import * as jobs from './import-repository.ts'

export type ImportMode = 'all_or_nothing' | 'valid_only'

export interface ImportProgress {
  phase: 'validating' | 'importing' | 'done'
  /** 0..1 for the current phase */
  fraction: number
  processedRows: number
  totalRows: number
}

export interface ImportOutcome {
  jobId: string
  status: 'completed' | 'rejected' | 'failed'
  totalRows: number
  importedRows: number
  duplicateRows: number
  errorRows: number
  errors: ImportIssue[]
  failure: string | null
}

const BATCH_SIZE = 500
const LOOKUP_BATCH = 1000
/** The stored report keeps the first errors; the count covers them all. */
export const MAX_REPORTED_ERRORS = 1000

/**
 * Imports a records-system CSV extract in two streamed passes: validate every row (nothing is
 * written), then, unless rows failed and the user asked for all-or-nothing, write the valid rows
 * in one transaction. Re-importing a file skips references already stored.
 */
export class ImportService {
  /** Progress of running jobs, kept in memory: the import transaction holds the only PGlite connection. */
  private readonly running = new Map<string, ImportProgress>()

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly intake: IntakeService,
  ) {}

  async createJob(actor: Actor, filename: string, mode: ImportMode): Promise<string> {
    const id = await jobs.insertJob(this.db, {
      kind: 'incidents_csv',
      filename,
      mode,
      status: 'validating',
      created_by: authorId(actor),
      started_at: this.clock.now(),
    })
    this.running.set(id, { phase: 'validating', fraction: 0, processedRows: 0, totalRows: 0 })
    return id
  }

  progress(jobId: string): ImportProgress | undefined {
    return this.running.get(jobId)
  }

  async run(
    actor: Actor,
    jobId: string,
    filePath: string,
    mode: ImportMode,
    onProgress: (p: ImportProgress) => void = () => undefined,
  ): Promise<ImportOutcome> {
    const report = (p: ImportProgress) => {
      this.running.set(jobId, p)
      onProgress(p)
    }
    try {
      const outcome = await this.execute(actor, jobId, filePath, mode, report)
      report({ phase: 'done', fraction: 1, processedRows: outcome.totalRows, totalRows: outcome.totalRows })
      return outcome
    } catch (error) {
      const failure = error instanceof CsvFileError ? error.message : `The import failed: ${(error as Error).message}`
      await jobs.finishJob(this.db, jobId, {
        status: 'failed',
        failure,
        finished_at: this.clock.now(),
      })
      if (!(error instanceof CsvFileError)) throw error
      return {
        jobId,
        status: 'failed',
        totalRows: 0,
        importedRows: 0,
        duplicateRows: 0,
        errorRows: 0,
        errors: [],
        failure,
      }
    } finally {
      this.running.delete(jobId)
    }
  }

  private async execute(
    actor: Actor,
    jobId: string,
    filePath: string,
    mode: ImportMode,
    report: (p: ImportProgress) => void,
  ): Promise<ImportOutcome> {
    const ctx = await this.intake.ruleContext()
    const errors: ImportIssue[] = []
    let errorRows = 0
    let totalRows = 0
    const seen = new Set<string>()
    const existing = new Set<string>()
    let pendingLookup: string[] = []
    const lookUp = async () => {
      for (const ref of await repo.findExistingReferences(this.db, pendingLookup)) existing.add(ref)
      pendingLookup = []
    }

    // Pass 1: validate every row, nothing written.
    for await (const { row, record, issues } of readCsvRows(filePath, (read, size) =>
      report({ phase: 'validating', fraction: read / size, processedRows: totalRows, totalRows: 0 }),
    )) {
      totalRows++
      const rowIssues = [...issues.map((i) => ({ row, column: i.path, message: i.message }))]
      const { candidate, issues: cellIssues } = csvRecordToIncidentCandidate(record)
      rowIssues.push(...cellIssues.map((i) => ({ row, column: i.path, message: i.message })))
      if (cellIssues.length === 0) {
        const result = this.intake.validate(candidate, ctx)
        if (!result.ok) {
          rowIssues.push(...result.issues.map((i) => ({ row, column: mapSchemaPathToColumn(i.path, candidate), message: i.message })))
        } else if (seen.has(result.input.forceReference)) {
          rowIssues.push({
            row,
            column: 'force_reference',
            message: `Force reference ${result.input.forceReference} appears more than once in this file`,
          })
        } else {
          seen.add(result.input.forceReference)
          pendingLookup.push(result.input.forceReference)
          if (pendingLookup.length >= LOOKUP_BATCH) await lookUp()
        }
      }
      if (rowIssues.length > 0) {
        errorRows++
        for (const issue of rowIssues) if (errors.length < MAX_REPORTED_ERRORS) errors.push(issue)
      }
    }
    await lookUp()
    if (totalRows === 0) throw new CsvFileError('The file has a header but no rows')

    const duplicateRows = existing.size
    if (errorRows > 0 && mode === 'all_or_nothing') {
      await jobs.finishJob(this.db, jobId, {
        status: 'rejected',
        total_rows: totalRows,
        processed_rows: totalRows,
        error_rows: errorRows,
        duplicate_rows: duplicateRows,
        errors: JSON.stringify(errors),
        finished_at: this.clock.now(),
      })
      return { jobId, status: 'rejected', totalRows, importedRows: 0, duplicateRows, errorRows, errors, failure: null }
    }

    // Pass 2: write the valid, new rows in one transaction, so a failure part-way saves nothing.
    await jobs.finishJob(this.db, jobId, { status: 'importing', total_rows: totalRows })
    let processed = 0
    let imported = 0
    await this.db.transaction().execute(async (trx) => {
      let batch: IncidentInput[] = []
      const flush = async () => {
        const r = await this.intake.writeBatch(trx, actor, batch, {
          source: 'csv',
          importId: jobId,
          createdBy: authorId(actor),
        })
        imported += r.inserted.length
        batch = []
      }
      for await (const { record, issues: rowIssues } of readCsvRows(filePath)) {
        processed++
        const { candidate, issues } = csvRecordToIncidentCandidate(record)
        if (rowIssues.length > 0 || issues.length > 0) continue
        const result = this.intake.validate(candidate, ctx)
        if (!result.ok || existing.has(result.input.forceReference) || !seen.delete(result.input.forceReference)) continue
        batch.push(result.input)
        if (batch.length >= BATCH_SIZE) {
          await flush()
          report({ phase: 'importing', fraction: processed / totalRows, processedRows: processed, totalRows })
        }
      }
      if (batch.length > 0) await flush()
      await recordAudit(trx, actor, this.clock.now(), {
        action: 'collect',
        recordType: 'import_job',
        recordId: jobId,
        details: { rows: totalRows, imported, duplicates: duplicateRows, errorRows, mode },
      })
    })
    await jobs.finishJob(this.db, jobId, {
      status: 'completed',
      total_rows: totalRows,
      processed_rows: totalRows,
      imported_rows: imported,
      duplicate_rows: duplicateRows,
      error_rows: errorRows,
      errors: JSON.stringify(errors),
      finished_at: this.clock.now(),
    })
    return { jobId, status: 'completed', totalRows, importedRows: imported, duplicateRows, errorRows, errors, failure: null }
  }

  async getJob(jobId: string) {
    const job = await jobs.findJob(this.db, jobId)
    if (!job) throw new NotFoundError('No import with that id')
    return { job, progress: this.running.get(jobId) ?? null }
  }

  listJobs() {
    return jobs.listJobs(this.db, 50)
  }
}
