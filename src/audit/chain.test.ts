import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import {
  GENESIS_HASH,
  canonicalJson,
  canonicalRow,
  canonicalUuid,
  isoMicros,
  rowHash,
  type ChainedRow,
} from './chain.ts'
import { parseAnchor } from './verify.ts'

const row: ChainedRow = {
  seq: 7,
  prev_hash: GENESIS_HASH,
  at: '2026-11-23T07:30:00.123000Z',
  request_id: 'req-1',
  user_id: '6f1c1b8e-0a4e-4a57-9a53-0c1f6a3d2b10',
  username: 'sergeant',
  agency_id: null,
  roles: ['detective_sergeant'],
  action: 'consult',
  record_type: 'incident',
  record_id: 'abc',
  fields: ['address', 'phone'],
  details: { z: 1, a: [true, null, 'x'], '10': 'ten', '9': 'nine' },
  justification: 'Safeguarding visit today',
  recipients: ['MARAC'],
}

describe('canonicalJson', () => {
  const cases: [string, unknown, string][] = [
    ['keys sorted, nested too', { b: 1, a: { d: 2, c: 3 } }, '{"a":{"c":3,"d":2},"b":1}'],
    ['integer-like keys sort as strings', { '9': 1, '10': 2, a: 3 }, '{"10":2,"9":1,"a":3}'],
    ['arrays keep their order', [3, 1, 2], '[3,1,2]'],
    ['undefined members dropped, undefined items null', { a: undefined, b: [undefined] }, '{"b":[null]}'],
    ['non-finite numbers null', [NaN, Infinity], '[null,null]'],
    ['dates by toJSON', { at: new Date('2026-01-02T03:04:05.006Z') }, '{"at":"2026-01-02T03:04:05.006Z"}'],
    ['unicode and escapes as JSON.stringify', { s: 'Zoë "q" \n ☃ 𝄞' }, `{"s":${JSON.stringify('Zoë "q" \n ☃ 𝄞')}}`],
    ['numbers as JSON.stringify', [1e21, 1e-7, -0, 0.1], '[1e+21,1e-7,0,0.1]'],
    ['empty object', {}, '{}'],
    ['null', null, 'null'],
  ]
  for (const [name, value, expected] of cases) {
    it(name, () => assert.equal(canonicalJson(value), expected))
  }

  it('is unchanged by a JSON round trip (jsonb stores, the driver parses)', () => {
    for (const [, value] of cases) {
      const canonical = canonicalJson(value)
      assert.equal(canonicalJson(JSON.parse(canonical)), canonical)
    }
  })
})

describe('canonicalRow', () => {
  it('is the sorted-key JSON of the row', () => {
    assert.equal(canonicalRow(row), canonicalJson(row))
  })

  it('is the same with details given already canonical', () => {
    assert.equal(canonicalRow(row, canonicalJson(row.details)), canonicalRow(row))
  })

  it('hashes with SHA-256 to 64 hex digits, over prev_hash as well', () => {
    assert.equal(rowHash(row), createHash('sha256').update(canonicalJson(row)).digest('hex'))
    assert.match(rowHash(row), /^[0-9a-f]{64}$/)
    assert.notEqual(rowHash({ ...row, prev_hash: 'f'.repeat(64) }), rowHash(row))
  })

  it('changes with every stored column', () => {
    const changes: Partial<ChainedRow>[] = [
      { seq: 8 },
      { at: '2026-11-23T07:30:00.123001Z' },
      { request_id: null },
      { user_id: null },
      { username: 'officer' },
      { agency_id: '00000000-0000-0000-0000-000000000001' },
      { roles: [] },
      { action: 'disclose' },
      { record_type: 'person' },
      { record_id: 'abd' },
      { fields: ['address'] },
      { details: { z: 2 } },
      { justification: null },
      { recipients: [] },
    ]
    const hashes = new Set(changes.map((c) => rowHash({ ...row, ...c })))
    assert.equal(hashes.size, changes.length)
    assert.ok(!hashes.has(rowHash(row)))
  })
})

describe('stored forms', () => {
  it('writes times with six fraction digits, in UTC', () => {
    assert.equal(isoMicros(new Date('2026-03-29T01:00:00.5+01:00')), '2026-03-29T00:00:00.500000Z')
  })

  const uuids: [string | null, string | null][] = [
    ['6F1C1B8E-0A4E-4A57-9A53-0C1F6A3D2B10', '6f1c1b8e-0a4e-4a57-9a53-0c1f6a3d2b10'],
    ['{6f1c1b8e0a4e4a579a530c1f6a3d2b10}', '6f1c1b8e-0a4e-4a57-9a53-0c1f6a3d2b10'],
    ['not-a-uuid', 'not-a-uuid'],
    [null, null],
  ]
  for (const [input, expected] of uuids) {
    it(`uuid ${input} is stored as ${expected}`, () => assert.equal(canonicalUuid(input), expected))
  }

  it('reads an anchor as SEQ:HASH', () => {
    const hash = 'AB'.repeat(32)
    assert.deepEqual(parseAnchor(`12:${hash}`), { seq: 12, hash: hash.toLowerCase() })
    for (const bad of ['12', `x:${hash}`, `12:${hash.slice(2)}`, `-1:${hash}`])
      assert.equal(parseAnchor(bad), undefined)
  })
})
