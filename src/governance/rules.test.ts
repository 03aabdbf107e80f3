import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { ROLES, ROLE_LABELS } from '../auth/roles.ts'
import { ACTIONS, FIELD_RULES, POLICY, SCOPES, SCOPE_LABELS } from '../access/policy.ts'
import {
  ACCESS_LOG_CSV_COLUMNS,
  accessLogCsvRecord,
  isoDate,
  parseUkDate,
  policyTable,
  spreadsheetSafe,
  ukDateRange,
  ukDateText,
} from './rules.ts'

describe('policyTable', () => {
  const table = policyTable()

  it('has a row for every action and a column for every role, in the policy’s order', () => {
    assert.deepEqual(
      table.rows.map((r) => r.action),
      ACTIONS,
    )
    assert.deepEqual(
      table.roles.map((r) => r.id),
      [...ROLES],
    )
    assert.deepEqual(
      table.roles.map((r) => r.label),
      ROLES.map((r) => ROLE_LABELS[r]),
    )
  })

  it('fills each cell from the policy: the scope label, or an em dash', () => {
    for (const row of table.rows) {
      assert.equal(row.label, POLICY[row.action].label)
      const granted: Partial<Record<string, string>> = POLICY[row.action].roles
      assert.equal(row.cells.length, ROLES.length)
      for (const cell of row.cells) {
        const scope = granted[cell.role]
        assert.equal(cell.scope, scope ?? null, `${row.action} × ${cell.role}`)
        assert.equal(cell.text, scope ? SCOPE_LABELS[scope as keyof typeof SCOPE_LABELS] : '—')
      }
    }
  })

  it('lists the scopes narrowest first, and the field rules with the roles they depend on', () => {
    assert.deepEqual(
      table.scopes.map((s) => s.id),
      [...SCOPES],
    )
    assert.ok(table.scopes.every((s) => s.definition.length > 0))
    assert.equal(
      table.fieldRules.health.length + table.fieldRules.sensitive.length,
      FIELD_RULES.length,
      'every field rule is shown',
    )
    assert.deepEqual(
      table.fieldRules.healthRoles.map((r) => r.role),
      ROLES.filter((r) => r in POLICY['health:view'].roles),
    )
    assert.deepEqual(
      table.fieldRules.revealRoles.map((r) => r.role),
      ROLES.filter((r) => r in POLICY['person:reveal'].roles),
    )
  })
})

describe('parseUkDate', () => {
  const cases: [string, string | null][] = [
    ['23/11/2026', '2026-11-23'],
    ['1/2/2026', '2026-02-01'],
    [' 01-02-2026 ', '2026-02-01'],
    ['01.02.2026', '2026-02-01'],
    ['2026-11-23', '2026-11-23'],
    ['29/02/2028', '2028-02-29'],
    ['29/02/2026', null],
    ['31/04/2026', null],
    ['11/23/2026', null],
    ['23/11/26', null],
    ['yesterday', null],
    ['', null],
    ['00/01/2026', null],
  ]
  for (const [text, expected] of cases) {
    it(`reads ${JSON.stringify(text)} as ${expected}`, () => assert.equal(parseUkDate(text), expected))
  }

  it('round-trips through the UK form', () => {
    assert.equal(ukDateText('2026-02-01'), '01/02/2026')
    assert.equal(parseUkDate(ukDateText('2026-02-01')), '2026-02-01')
    assert.equal(isoDate(1899, 12, 31), null)
  })
})

describe('ukDateRange', () => {
  const cases: { from?: string; to?: string; start?: string; end?: string; why: string }[] = [
    {
      from: '2026-11-23',
      to: '2026-11-23',
      start: '2026-11-23T00:00:00.000Z',
      end: '2026-11-24T00:00:00.000Z',
      why: 'winter: UK midnight is UTC midnight',
    },
    {
      from: '2026-07-01',
      to: '2026-07-01',
      start: '2026-06-30T23:00:00.000Z',
      end: '2026-07-01T23:00:00.000Z',
      why: 'summer: UK midnight is 23:00 UTC',
    },
    {
      from: '2026-03-29',
      to: '2026-03-29',
      start: '2026-03-29T00:00:00.000Z',
      end: '2026-03-29T23:00:00.000Z',
      why: 'the spring-forward day is 23 hours',
    },
    {
      from: '2026-10-25',
      to: '2026-10-25',
      start: '2026-10-24T23:00:00.000Z',
      end: '2026-10-26T00:00:00.000Z',
      why: 'the autumn day is 25 hours',
    },
    {
      to: '2026-12-31',
      end: '2027-01-01T00:00:00.000Z',
      why: 'an open start; "to" includes the whole day across a year end',
    },
    { why: 'no dates, no bounds' },
  ]
  for (const c of cases) {
    it(c.why, () => {
      const { start, end } = ukDateRange(c.from, c.to)
      assert.equal(start?.toISOString(), c.start)
      assert.equal(end?.toISOString(), c.end)
    })
  }
})

describe('spreadsheetSafe', () => {
  const cases: [string, string][] = [
    ['=HYPERLINK("http://example.test")', `'=HYPERLINK("http://example.test")`],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tTab', "'\tTab"],
    ['Welfare check after a call', 'Welfare check after a call'],
    ['', ''],
  ]
  for (const [input, expected] of cases) {
    it(`makes ${JSON.stringify(input)} safe`, () => assert.equal(spreadsheetSafe(input), expected))
  }
})

describe('accessLogCsvRecord', () => {
  it('gives one value per column, with UK and UTC times, role labels and safe text', () => {
    const record = accessLogCsvRecord({
      seq: 42,
      at: new Date('2026-07-01T08:05:09.123Z'),
      requestId: 'req-1',
      user: { username: 'idva', displayName: 'Chris Demo', agencyName: 'NHS (demo)', roles: ['health_idva'] },
      action: 'consult',
      record: { type: 'incident_person', id: 'p-1', label: 'Jane Example (victim), TEST-1' },
      fields: ['address', 'phone'],
      justification: '=cmd',
      recipients: [],
      details: { incidentId: 'i-1' },
    })
    assert.equal(record.length, ACCESS_LOG_CSV_COLUMNS.length)
    assert.deepEqual(record, [
      '1 Jul 2026, 09:05',
      '2026-07-01T08:05:09.123Z',
      'idva',
      'Chris Demo',
      'NHS (demo)',
      'Health IDVA',
      'Consulted (viewed)',
      'incident_person',
      'p-1',
      'Jane Example (victim), TEST-1',
      'address; phone',
      "'=cmd",
      '',
      'req-1',
      '{"incidentId":"i-1"}',
      '42',
    ])
  })
})
