import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { CsvFileError, readCsvRows, type CsvRow } from './csv-reader.ts'
import { REQUIRED_HEADER, scratchDir } from './fixtures/incident-csv.ts'

// Ten cells that pass the header check; the reader does not judge the values.
const HEADER_LINE = REQUIRED_HEADER.join(',')
const line = (ref: string) => [ref, ...REQUIRED_HEADER.slice(1).map((_, i) => `v${i}`)].join(',')

describe('readCsvRows', () => {
  let files: Awaited<ReturnType<typeof scratchDir>>
  before(async () => {
    files = await scratchDir()
  })
  after(() => files.remove())

  async function read(content: string | Buffer): Promise<CsvRow[]> {
    const rows: CsvRow[] = []
    for await (const row of readCsvRows(await files.write(content))) rows.push(row)
    return rows
  }

  it('numbers rows as a spreadsheet does: the header is row 1', async () => {
    const rows = await read([HEADER_LINE, line('A1'), line('A2'), line('A3'), ''].join('\n'))
    assert.deepEqual(
      rows.map((r) => [r.row, r.record.force_reference]),
      [
        [2, 'A1'],
        [3, 'A2'],
        [4, 'A3'],
      ],
    )
    assert.ok(rows.every((r) => r.issues.length === 0))
  })

  it('counts blank lines, and a quoted cell over several lines as one row', async () => {
    const multiLine = line('B3').replace(',v0,', ',"first line\nsecond line",')
    const rows = await read([HEADER_LINE, line('B1'), '', multiLine, line('B4')].join('\r\n'))
    assert.deepEqual(
      rows.map((r) => [r.row, r.record.force_reference]),
      [
        [2, 'B1'],
        [4, 'B3'],
        [5, 'B4'],
      ],
    )
    assert.equal(rows[1]!.record.reported_at, 'first line\nsecond line')
  })

  it('keys cells by header name, trimmed, whatever the header case', async () => {
    const header = REQUIRED_HEADER.map((h) => ` ${h.toUpperCase()} `).join(',')
    const [row] = await read(
      `${header}\n  REF-1 ,${REQUIRED_HEADER.slice(1)
        .map(() => ' x ')
        .join(',')}\n`,
    )
    assert.equal(row!.record.force_reference, 'REF-1')
    assert.equal(row!.record.victim_last_name, 'x')
  })

  it('reports a row with too few or too many cells, and still yields it', async () => {
    const rows = await read([HEADER_LINE, 'C1,only,three', line('C2'), `${line('C3')},extra`].join('\n'))
    assert.deepEqual(
      rows.map((r) => [r.row, r.issues]),
      [
        [2, [{ path: 'row', message: `Row has 3 cells but the header has ${REQUIRED_HEADER.length}` }]],
        [3, []],
        [
          4,
          [
            {
              path: 'row',
              message: `Row has ${REQUIRED_HEADER.length + 1} cells but the header has ${REQUIRED_HEADER.length}`,
            },
          ],
        ],
      ],
    )
    // Missing cells read as empty, so the row's own checks can name them.
    assert.equal(rows[0]!.record.victim_last_name, '')
  })

  it('strips a UTF-8 byte order mark before the header', async () => {
    const rows = await read(`\uFEFF${HEADER_LINE}\n${line('D1')}\n`)
    assert.equal(rows.length, 1)
    assert.equal(rows[0]!.record.force_reference, 'D1')
    assert.deepEqual(rows[0]!.issues, [])
  })

  it('reads UTF-8 text beyond ASCII', async () => {
    const [row] = await read(`${HEADER_LINE}\n${line('E1').replace('v7', 'Zoë').replace('v8', 'Ní Bhriain')}\n`)
    assert.equal(row!.record.victim_first_name, 'Zoë')
    assert.equal(row!.record.victim_last_name, 'Ní Bhriain')
  })

  it('yields nothing for a header with no rows (the import decides what that means)', async () => {
    assert.deepEqual(await read(`${HEADER_LINE}\n`), [])
  })

  it('reports bytes read against the file size', async () => {
    const content = [HEADER_LINE, line('F1'), line('F2')].join('\n')
    const seen: [number, number][] = []
    for await (const _ of readCsvRows(await files.write(content), (read, size) => seen.push([read, size]))) {
      // draining
    }
    assert.ok(seen.length > 0)
    assert.deepEqual(seen.at(-1), [Buffer.byteLength(content), Buffer.byteLength(content)])
  })

  const latin1 = Buffer.from(`${HEADER_LINE}\n${line('G1').replace('v7', 'Zoé')}\n`, 'latin1')
  const utf16le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${HEADER_LINE}\n${line('G2')}\n`, 'utf16le')])
  const utf16be = Buffer.from(utf16le).swap16()
  // A bad byte past the first 64 KiB read: the check must follow the stream, not just its start.
  const lateLatin1 = Buffer.concat([
    Buffer.from(`${HEADER_LINE}\n${`${line('G3')}\n`.repeat(3000)}`),
    Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x0a]),
  ])
  const fileErrors: [string, string | Buffer, RegExp][] = [
    ['an empty file', '', /^The file is empty$/],
    ['only blank lines', '\n\n\r\n', /^The file has no header row$/],
    ['Latin-1 text (0xE9 for é)', latin1, /^The file is not UTF-8 text .*Save the extract as "CSV UTF-8"/],
    [
      'an invalid byte after the first read',
      lateLatin1,
      /^The file is not UTF-8 text \(an invalid byte within bytes 65536-/,
    ],
    ['UTF-16 little-endian', utf16le, /^The file is UTF-16 text\. Save the extract as "CSV UTF-8"/],
    ['UTF-16 big-endian', utf16be, /^The file is UTF-16 text/],
    [
      'a UTF-8 character cut off at the end',
      Buffer.concat([Buffer.from(HEADER_LINE), Buffer.from([0xc3])]),
      /part-way through a UTF-8 character/,
    ],
    [
      'a header missing required columns',
      `${REQUIRED_HEADER.filter((h) => h !== 'risk_level' && h !== 'area').join(',')}\n`,
      /^The header row has problems: Required column area is missing; Required column risk_level is missing$/,
    ],
    ['an unknown column', `${HEADER_LINE},officer_id\n`, /^The header row has problems: Unknown column "officer_id"$/],
    ['a repeated column', `${HEADER_LINE},area\n`, /Column area appears more than once/],
    // The unclosed quote swallows the rest of the file, so the message points at where it opened.
    [
      'a quote that is never closed',
      [HEADER_LINE, line('H1'), line('H2').replace('v3', '"unclosed'), line('H3'), line('H4')].join('\n'),
      /^The file is not valid CSV: a quoted cell that starts after line 2 is never closed\. Check that row/,
    ],
    [
      'text after a closing quote',
      [HEADER_LINE, line('H6'), line('H7').replace('v3', '"quoted" then more'), line('H8')].join('\n'),
      /^The file is not valid CSV near line 3: Invalid Closing Quote/,
    ],
    [
      'a quote in the header that is never closed',
      `"${HEADER_LINE}\n${line('H5')}\n`,
      /a quoted cell in the header row is never closed/,
    ],
  ]
  for (const [name, content, message] of fileErrors) {
    it(`rejects ${name} as a whole`, async () => {
      await assert.rejects(read(content), (e) => {
        assert.ok(e instanceof CsvFileError, String(e))
        assert.match(e.message, message)
        return true
      })
    })
  }
})
