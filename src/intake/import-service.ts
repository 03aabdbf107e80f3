import type { Database } from '../db/database.ts'
import type { Clock } from '../common/clock.ts'
import { authorId, type Actor } from '../auth/actor.ts'
import { recordAudit, recordAudits, type AuditEntry } from '../audit/audit.ts'
import { NotFoundError } from '../common/errors.ts'
import type { ImportIssue } from '../db/schema.ts'
import type { IncidentInput } from './incident-schema.ts'
import { csvRecordToIncidentCandidate, mapSchemaPathToColumn } from './csv-format.ts'
import { CsvFileError, readCsvRows } from './csv-reader.ts'
import type { IntakeService } from './service.ts'
import type { AccessService } from '../access/service.ts'
import * as jobs from './import-repository.ts'

export type ImportMode = 'all_or_nothing' | 'valid_only'

export interface ImportProgress {
  phase: 'importing' | 'done'
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
/** The stored report keeps the first errors; the count covers them all. */
export const MAX_REPORTED_ERRORS = 1000

/**
 * Imports a records-system CSV extract in one streamed pass and one transaction: all or nothing,
 * or the valid rows only when the user asks. Re-importing a file skips references already stored.
 */
export class ImportService {
  /** Progress of running jobs, kept in memory: the import transaction holds the only PGlite connection. */
  private readonly running = new Map<string, ImportProgress>()

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly intake: IntakeService,
    private readonly access: AccessService,
  ) {}

  /** `ownerAgencyId`: the agency whose records the imported incidents become. */
  async createJob(actor: Actor, filename: string, mode: ImportMode, ownerAgencyId: string): Promise<string> {
    const id = await jobs.insertJob(this.db, {
      kind: 'incidents_csv',
      filename,
      mode,
      status: 'importing',
      created_by: authorId(actor),
      owner_agency_id: ownerAgencyId,
      started_at: this.clock.now(),
    })
    this.running.set(id, { phase: 'importing', fraction: 0, processedRows: 0, totalRows: 0 })
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
    let duplicateRows = 0
    const insertedIds: string[] = []
    const seen = new Set<string>()
    const job = await jobs.findJob(this.db, jobId)
    if (!job?.owner_agency_id) throw new NotFoundError('No import with that id')
    const auditSink: AuditEntry[] = []
    const writeCtx = {
      source: 'csv' as const,
      importId: jobId,
      createdBy: authorId(actor),
      ownerAgencyId: job.owner_agency_id,
      auditSink,
    }

    // One streamed pass inside one transaction: rows are checked and written as they come, and
    // the transaction is rolled back at the end if the user wanted all or nothing and a row failed.
    const rejected = new Error('rejected')
    try {
      await this.db.transaction().execute(async (trx) => {
        let batch: IncidentInput[] = []
        const flush = async () => {
          const r = await this.intake.storeBatch(trx, actor, batch, writeCtx)
          for (const row of r.inserted) insertedIds.push(row.id)
          duplicateRows += r.duplicates.length
          batch = []
        }
        for await (const { row, record, issues } of readCsvRows(filePath, (read, size) =>
          report({ phase: 'importing', fraction: read / size, processedRows: totalRows, totalRows: 0 }),
        )) {
          totalRows++
          const rowIssues = issues.map((i) => ({ row, column: i.path, message: i.message }))
          const { candidate, issues: cellIssues } = csvRecordToIncidentCandidate(record)
          rowIssues.push(...cellIssues.map((i) => ({ row, column: i.path, message: i.message })))
          if (rowIssues.length === 0) {
            const result = this.intake.validate(candidate, ctx)
            if (!result.ok) {
              const column = (path: string) => mapSchemaPathToColumn(path, candidate)
              rowIssues.push(...result.issues.map((i) => ({ row, column: column(i.path), message: i.message })))
            } else if (seen.has(result.input.forceReference)) {
              rowIssues.push({
                row,
                column: 'force_reference',
                message: `Force reference ${result.input.forceReference} appears more than once in this file`,
              })
            } else {
              seen.add(result.input.forceReference)
              batch.push(result.input)
              if (batch.length >= BATCH_SIZE) await flush()
            }
          }
          if (rowIssues.length > 0) {
            errorRows++
            for (const issue of rowIssues) if (errors.length < MAX_REPORTED_ERRORS) errors.push(issue)
          }
        }
        if (totalRows === 0) throw new CsvFileError('The file has a header but no rows')
        if (errorRows > 0 && mode === 'all_or_nothing') throw rejected
        if (batch.length > 0) await flush()
        report({ phase: 'importing', fraction: 1, processedRows: totalRows, totalRows })
        await this.intake.countRepeats(trx, insertedIds)
        await recordAudits(trx, actor, this.clock.now(), auditSink)
        await recordAudit(trx, actor, this.clock.now(), {
          action: 'collect',
          recordType: 'import_job',
          recordId: jobId,
          details: { rows: totalRows, imported: insertedIds.length, duplicates: duplicateRows, errorRows, mode },
        })
      })
    } catch (error) {
      if (error !== rejected) throw error
      await jobs.finishJob(this.db, jobId, {
        status: 'rejected',
        total_rows: totalRows,
        processed_rows: totalRows,
        error_rows: errorRows,
        errors: JSON.stringify(errors),
        finished_at: this.clock.now(),
      })
      return {
        jobId,
        status: 'rejected',
        totalRows,
        importedRows: 0,
        duplicateRows: 0,
        errorRows,
        errors,
        failure: null,
      }
    }
    const importedRows = insertedIds.length
    await jobs.finishJob(this.db, jobId, {
      status: 'completed',
      total_rows: totalRows,
      processed_rows: totalRows,
      imported_rows: importedRows,
      duplicate_rows: duplicateRows,
      error_rows: errorRows,
      errors: JSON.stringify(errors),
      finished_at: this.clock.now(),
    })
    return { jobId, status: 'completed', totalRows, importedRows, duplicateRows, errorRows, errors, failure: null }
  }

  async getJob(actor: Actor, jobId: string) {
    await this.access.check(actor, 'incident:import', 'import_job', jobId)
    const job = await jobs.findJob(this.db, jobId)
    if (!job) throw new NotFoundError('No import with that id')
    return { job, progress: this.running.get(jobId) ?? null }
  }

  async listJobs(actor: Actor) {
    return jobs.listJobs(this.db, 50, await this.access.filter(actor, 'incident:import'))
  }
}
