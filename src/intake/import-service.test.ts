import { after, before, it } from 'node:test'
import assert from 'node:assert/strict'
import { sql } from 'kysely'
import { describeEachEngine } from '../test-support/db.ts'
import { testContext, type TestContext } from '../test-support/app.ts'
import { anIncident, aSuspect, aPerson, inCustody } from '../test-support/builders.ts'
import { systemActor } from '../auth/actor.ts'
import type { ImportMode, ImportProgress } from './import-service.ts'
import { MAX_REPORTED_ERRORS } from './import-service.ts'
import { aCsvRow, csvText, HEADER, REQUIRED_HEADER, scratchDir } from './fixtures/incident-csv.ts'

describeEachEngine('ImportService', (engine) => {
  let t: TestContext
  let files: Awaited<ReturnType<typeof scratchDir>>
  const actor = systemActor('test')
  before(async () => {
    t = await testContext(engine)
    files = await scratchDir()
  })
  after(async () => {
    await t.close()
    await files.remove()
  })

  async function importFile(
    content: string | Buffer,
    mode: ImportMode = 'all_or_nothing',
    onProgress?: (p: ImportProgress) => void,
  ) {
    const file = await files.write(content)
    const jobId = await t.services.imports.createJob(actor, 'extract.csv', mode, await t.services.intake.ownerAgency())
    const outcome = await t.services.imports.run(actor, jobId, file, mode, onProgress)
    const { job } = await t.services.imports.getJob(await t.actor('sergeant'), jobId)
    return { jobId, outcome, job }
  }

  const refsOf = (rows: Record<string, string>[]) => rows.map((r) => r.force_reference!)
  async function storedRefs(refs: string[]): Promise<string[]> {
    const rows = await t.deps.db
      .selectFrom('incident')
      .select('force_reference')
      .where('force_reference', 'in', refs)
      .execute()
    return rows.map((r) => r.force_reference).sort()
  }
  async function incidentCount(): Promise<number> {
    const { n } = await t.deps.db
      .selectFrom('incident')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    return Number(n)
  }

  it('imports every row of a valid file, with people and custody, and records the counts', async () => {
    const rows = [
      aCsvRow(),
      aCsvRow({}, anIncident({ risk: 'high', people: [aPerson(), aSuspect({ custody: inCustody(3, 9) })] })),
      aCsvRow({ victim_nhs_number: '943 476 5919', health_needs: 'Y', health_needs_notes: 'Asthma' }),
    ]
    const { jobId, outcome, job } = await importFile(csvText(rows))
    assert.deepEqual(
      { ...outcome, jobId: undefined },
      {
        jobId: undefined,
        status: 'completed',
        totalRows: 3,
        importedRows: 3,
        duplicateRows: 0,
        errorRows: 0,
        errors: [],
        failure: null,
      },
    )
    assert.equal(job.status, 'completed')
    assert.deepEqual(
      [job.total_rows, job.processed_rows, job.imported_rows, job.duplicate_rows, job.error_rows],
      [3, 3, 3, 0, 0],
    )
    assert.deepEqual(job.errors, [])
    assert.ok(job.finished_at)
    assert.equal(t.services.imports.progress(jobId), undefined, 'a finished job is no longer tracked in memory')

    const stored = await t.deps.db
      .selectFrom('incident')
      .select(['id', 'force_reference', 'source', 'import_id', 'risk_level'])
      .where('import_id', '=', jobId)
      .orderBy('force_reference')
      .execute()
    assert.deepEqual(
      stored.map((s) => [s.force_reference, s.source, s.risk_level]),
      rows.map((r) => [r.force_reference, 'csv', r.risk_level]),
    )
    const custody = await t.deps.db
      .selectFrom('custody_episode')
      .select('incident_id')
      .where('incident_id', '=', stored[1]!.id)
      .execute()
    assert.equal(custody.length, 1)
    const victim = await t.deps.db
      .selectFrom('incident_person')
      .select('nhs_number')
      .where('incident_id', '=', stored[2]!.id)
      .where('role', '=', 'victim')
      .executeTakeFirstOrThrow()
    assert.equal(victim.nhs_number, '9434765919')
  })

  it('accepts a UTF-8 byte order mark, as Excel writes for "CSV UTF-8"', async () => {
    const rows = [aCsvRow(), aCsvRow({ victim_first_name: 'Zoë', victim_last_name: 'Ní Bhriain' })]
    const { outcome } = await importFile(`\uFEFF${csvText(rows)}`)
    assert.equal(outcome.status, 'completed')
    assert.equal(outcome.importedRows, 2)
  })

  it('accepts a file with only the required columns', async () => {
    const rows = [aCsvRow(), aCsvRow()]
    const { outcome } = await importFile(csvText(rows, REQUIRED_HEADER))
    assert.equal(outcome.status, 'completed')
    assert.deepEqual(await storedRefs(refsOf(rows)), refsOf(rows).sort())
  })

  // Row 3 is the second data row: the header is row 1.
  const badRow = { victim_nhs_number: '9434765918' }
  const badRowIssue = {
    row: 3,
    column: 'victim_nhs_number',
    message: 'NHS number must be 10 digits with a valid check digit',
  }

  it('imports nothing in all-or-nothing mode when a row is invalid, naming the row and column', async () => {
    const rows = [aCsvRow(), aCsvRow(badRow), aCsvRow()]
    const before = await incidentCount()
    const { outcome, job } = await importFile(csvText(rows), 'all_or_nothing')
    assert.equal(outcome.status, 'rejected')
    assert.deepEqual([outcome.totalRows, outcome.importedRows, outcome.errorRows, outcome.duplicateRows], [3, 0, 1, 0])
    assert.deepEqual(outcome.errors, [badRowIssue])
    assert.equal(job.status, 'rejected')
    assert.deepEqual(job.errors, [badRowIssue])
    assert.equal(job.error_rows, 1)
    assert.equal(job.imported_rows, 0)
    assert.equal(await incidentCount(), before)
  })

  it('imports the valid rows in valid-only mode and reports the invalid one', async () => {
    const rows = [aCsvRow(), aCsvRow(badRow), aCsvRow()]
    const { outcome, job } = await importFile(csvText(rows), 'valid_only')
    assert.equal(outcome.status, 'completed')
    assert.deepEqual([outcome.totalRows, outcome.importedRows, outcome.errorRows], [3, 2, 1])
    assert.deepEqual(outcome.errors, [badRowIssue])
    assert.deepEqual([job.status, job.imported_rows, job.error_rows], ['completed', 2, 1])
    assert.deepEqual(job.errors, [badRowIssue])
    assert.deepEqual(await storedRefs(refsOf(rows)), [rows[0]!.force_reference, rows[2]!.force_reference].sort())
  })

  it('skips incidents already stored when a file is imported again', async () => {
    const rows = [aCsvRow(), aCsvRow(), aCsvRow()]
    const first = await importFile(csvText(rows))
    assert.equal(first.outcome.importedRows, 3)

    const again = await importFile(csvText(rows))
    assert.deepEqual(
      [again.outcome.status, again.outcome.importedRows, again.outcome.duplicateRows, again.outcome.errorRows],
      ['completed', 0, 3, 0],
    )
    assert.equal(again.job.duplicate_rows, 3)

    // The extract grows between runs: only the new row is imported.
    const grown = await importFile(csvText([...rows, aCsvRow()]))
    assert.deepEqual([grown.outcome.importedRows, grown.outcome.duplicateRows], [1, 3])

    const counts = await t.deps.db
      .selectFrom('incident')
      .select(['force_reference', (eb) => eb.fn.countAll<number>().as('n')])
      .where('force_reference', 'in', refsOf(rows))
      .groupBy('force_reference')
      .execute()
    assert.deepEqual(
      counts.map((c) => Number(c.n)),
      [1, 1, 1],
    )
  })

  it('reports a force reference repeated within the file on its second row', async () => {
    const first = aCsvRow()
    const rows = [first, aCsvRow(), { ...aCsvRow(), force_reference: first.force_reference! }]
    const issue = {
      row: 4,
      column: 'force_reference',
      message: `Force reference ${first.force_reference} appears more than once in this file`,
    }
    const rejected = await importFile(csvText(rows), 'all_or_nothing')
    assert.equal(rejected.outcome.status, 'rejected')
    assert.deepEqual(rejected.outcome.errors, [issue])

    const partial = await importFile(csvText(rows), 'valid_only')
    assert.deepEqual([partial.outcome.importedRows, partial.outcome.errorRows], [2, 1])
    assert.deepEqual(partial.outcome.errors, [issue])
    assert.deepEqual(await storedRefs([first.force_reference!]), [first.force_reference])
  })

  // Each case: one valid row, then a row with these cells changed; the second must be reported alone.
  const rowProblems: [string, Record<string, string>, string, RegExp][] = [
    [
      'an NHS number with a wrong check digit',
      badRow,
      'victim_nhs_number',
      /^NHS number must be 10 digits with a valid check digit$/,
    ],
    [
      'a reported time in the future',
      { reported_at: '2026-12-01T10:00:00Z' },
      'reported_at',
      /^Reported time is in the future$/,
    ],
    [
      'an arrest in the future',
      { suspect_arrested_at: '2026-11-24T10:00:00Z' },
      'suspect_arrested_at',
      /^Arrest time is in the future$/,
    ],
    [
      'an impossible date and time',
      { reported_at: '31/02/2026 10:00' },
      'reported_at',
      /^"31\/02\/2026 10:00" is not a real date and time$/,
    ],
    ['an impossible date of birth', { victim_dob: '31/02/1990' }, 'victim_dob', /^"31\/02\/1990" is not a real date$/],
    ['a time with no zone', { occurred_at: '2026-11-23T04:30:00' }, 'occurred_at', /has no time zone/],
    ['an unknown area', { area: 'Atlantis' }, 'area', /^Unknown area "Atlantis"; use one of: Blackpool, Fylde, /],
    ['a missing risk level', { risk_level: '' }, 'risk_level', /^Required: enter one of standard, medium, high$/],
    ['a risk level no tool gives', { risk_level: 'severe' }, 'risk_level', /^Invalid option: expected one of/],
    [
      'an unknown risk tool',
      { risk_tool: 'ABC' },
      'risk_tool',
      /^Unknown risk tool "ABC"; configured tools: DARA, DASH$/,
    ],
    ['a missing victim name', { victim_last_name: '' }, 'victim_last_name', /^Required: enter a value$/],
    ['a postcode that is not one', { postcode: 'FY1' }, 'postcode', /^Enter a real UK postcode/],
    ['a yes/no cell that is neither', { health_needs: 'maybe' }, 'health_needs', /^Enter Y or N/],
    ['a suspect with no first name', { suspect_first_name: '' }, 'suspect_first_name', /^Required: enter a value$/],
    ['a child over 18', { children: 'Sam Example 2000-01-01', children_present: 'Y' }, 'children', /must be under 18/],
  ]
  for (const [name, cells, column, message] of rowProblems) {
    it(`reports ${name} with its row and column`, async () => {
      const { outcome } = await importFile(csvText([aCsvRow(), aCsvRow(cells)]))
      assert.equal(outcome.status, 'rejected')
      assert.equal(outcome.errors.length, 1, JSON.stringify(outcome.errors))
      const [issue] = outcome.errors
      assert.deepEqual([issue!.row, issue!.column], [3, column])
      assert.match(issue!.message, message)
    })
  }

  it('names each blank required column, even when a whole group (location) is blank', async () => {
    const { outcome } = await importFile(csvText([aCsvRow({ address: '', postcode: '', area: '' })]))
    assert.deepEqual(
      outcome.errors.map((e) => [e.row, e.column, e.message]),
      [
        [2, 'address', 'Required: enter a value'],
        [2, 'postcode', 'Required: enter a value'],
        [2, 'area', 'Required: enter a value'],
      ],
    )
  })

  it('numbers rows as a spreadsheet shows them after a cell written over several lines', async () => {
    const rows = [aCsvRow({ summary: 'Neighbour called.\nVictim spoke to officers.' }), aCsvRow(badRow)]
    const { outcome } = await importFile(csvText(rows))
    assert.deepEqual(outcome.errors, [badRowIssue])
  })

  it('reports a row with too few cells', async () => {
    const text = `${csvText([aCsvRow()])}${aCsvRow().force_reference},2026-11-23T05:30:00Z\n`
    const { outcome } = await importFile(text)
    assert.equal(outcome.status, 'rejected')
    assert.deepEqual(outcome.errors[0], {
      row: 3,
      column: 'row',
      message: `Row has 2 cells but the header has ${HEADER.length}`,
    })
  })

  it('keeps the first errors in the report and counts them all', async () => {
    const rows = Array.from({ length: MAX_REPORTED_ERRORS + 5 }, () => aCsvRow({ area: 'Atlantis' }))
    const { outcome, job } = await importFile(csvText(rows))
    assert.equal(outcome.status, 'rejected')
    assert.equal(outcome.errorRows, MAX_REPORTED_ERRORS + 5)
    assert.equal(outcome.errors.length, MAX_REPORTED_ERRORS)
    assert.equal((job.errors as unknown[]).length, MAX_REPORTED_ERRORS)
    assert.equal(outcome.errors.at(-1)!.row, MAX_REPORTED_ERRORS + 1)
  })

  // A problem with the file as a whole fails the job; no row is looked at further and nothing is saved.
  const valid = () => csvText([aCsvRow(), aCsvRow()])
  const fileProblems: [string, () => string | Buffer, RegExp][] = [
    ['an empty file', () => '', /^The file is empty$/],
    ['a header and no rows', () => `${HEADER.join(',')}\n`, /^The file has a header but no rows$/],
    [
      'Latin-1 text',
      () => Buffer.from(csvText([aCsvRow(), aCsvRow({ victim_first_name: 'Zoé' })]), 'latin1'),
      /not UTF-8 text.*"CSV UTF-8"/,
    ],
    [
      'UTF-16 text',
      () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(valid(), 'utf16le')]),
      /^The file is UTF-16 text/,
    ],
    [
      'a quote that is never closed',
      () =>
        csvText([aCsvRow(), aCsvRow({ summary: 'left, then came back' }), aCsvRow()]).replace(
          'then came back"',
          'then came back',
        ),
      /^The file is not valid CSV: a quoted cell that starts after line 2 is never closed/,
    ],
    [
      'a header missing required columns',
      () =>
        csvText(
          [aCsvRow()],
          HEADER.filter((h) => h !== 'risk_level' && h !== 'victim_last_name'),
        ),
      /^The header row has problems: Required column risk_level is missing; Required column victim_last_name is missing$/,
    ],
  ]
  for (const [name, content, message] of fileProblems) {
    it(`fails the import of ${name} and saves nothing`, async () => {
      const before = await incidentCount()
      const { outcome, job } = await importFile(content())
      assert.equal(outcome.status, 'failed')
      assert.match(outcome.failure ?? '', message)
      assert.equal(outcome.importedRows, 0)
      assert.equal(job.status, 'failed')
      assert.equal(job.failure, outcome.failure)
      assert.ok(job.finished_at)
      assert.equal(await incidentCount(), before)
    })
  }

  it('reports progress while importing, then done', async () => {
    const seen: ImportProgress[] = []
    const { jobId } = await importFile(csvText([aCsvRow(), aCsvRow(), aCsvRow()]), 'all_or_nothing', (p) =>
      seen.push(p),
    )
    const phases = seen.map((p) => p.phase).filter((phase, i, all) => phase !== all[i - 1])
    assert.deepEqual(phases, ['importing', 'done'])
    assert.ok(
      seen.every((p) => p.fraction >= 0 && p.fraction <= 1),
      JSON.stringify(seen),
    )
    assert.deepEqual(seen.at(-1), { phase: 'done', fraction: 1, processedRows: 3, totalRows: 3 })
    assert.equal(t.services.imports.progress(jobId), undefined)
  })

  it('rolls back every row and audit entry of a rejected file', async () => {
    const { jobId } = await importFile(csvText([aCsvRow(), aCsvRow(badRow), aCsvRow()]), 'all_or_nothing')
    const incidents = await t.deps.db.selectFrom('incident').select('id').where('import_id', '=', jobId).execute()
    assert.equal(incidents.length, 0)
    const audits = await t.deps.db
      .selectFrom('audit_event')
      .select('id')
      .where('record_type', '=', 'incident')
      .where(sql<boolean>`details->>'importId' = ${jobId}`)
      .execute()
    assert.equal(audits.length, 0)
  })

  it('writes an audit row for each imported incident and one for the job', async () => {
    const { jobId } = await importFile(csvText([aCsvRow(), aCsvRow(badRow), aCsvRow()]), 'valid_only')
    const incidents = await t.deps.db.selectFrom('incident').select('id').where('import_id', '=', jobId).execute()
    assert.equal(incidents.length, 2)
    const audits = await t.deps.db
      .selectFrom('audit_event')
      .select(['record_id', 'action', 'username', 'details'])
      .where('record_type', '=', 'incident')
      .where(sql<string>`details->>'importId'`, '=', jobId)
      .execute()
    assert.deepEqual(audits.map((a) => a.record_id).sort(), incidents.map((i) => i.id).sort())
    assert.ok(audits.every((a) => a.action === 'collect' && a.username === 'system:test'))
    assert.ok(audits.every((a) => (a.details as { source?: string }).source === 'csv'))

    const jobAudit = await t.deps.db
      .selectFrom('audit_event')
      .select(['action', 'details'])
      .where('record_type', '=', 'import_job')
      .where('record_id', '=', jobId)
      .execute()
    assert.equal(jobAudit.length, 1)
    assert.deepEqual(jobAudit[0]!.details, { rows: 3, imported: 2, duplicates: 0, errorRows: 1, mode: 'valid_only' })
  })

  it('imports a file larger than one write batch, and finds every duplicate on the next run', async () => {
    const rows = Array.from({ length: 1_001 }, () => aCsvRow())
    const first = await importFile(csvText(rows))
    assert.deepEqual([first.outcome.status, first.outcome.importedRows], ['completed', 1_001])
    const again = await importFile(csvText(rows))
    assert.deepEqual([again.outcome.importedRows, again.outcome.duplicateRows], [0, 1_001])
  })
})
