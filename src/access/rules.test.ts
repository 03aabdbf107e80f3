import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { Role } from '../auth/roles.ts'
import { POLICY, type Action, type Scope } from './policy.ts'
import { decideRecordAccess, reaches, scopeFilter, widestScope, type RecordFacts } from './rules.ts'
import { redact } from './fields.ts'

const ME = { userId: 'u-me', agencyId: 'police', roles: [] as Role[], teamAreas: ['Blackpool'] }
const POLICE_AND_SHARERS = ['police', 'sharing-agency']
const record = (o: Partial<RecordFacts> = {}): RecordFacts => ({
  ownerAgencyId: 'police',
  createdBy: 'u-colleague',
  area: 'Lancaster',
  ...o,
})

describe('widestScope', () => {
  const cases: [string, Role[], Action, Scope | null][] = [
    ['no roles', [], 'incident:view', null],
    ['a role without the action', ['analyst'], 'incident:view', null],
    ['one role', ['op_provide_officer'], 'incident:view', 'team'],
    ['the wider of two roles', ['response_officer', 'detective_sergeant'], 'incident:view', 'agency'],
    ['health data for an IDVA', ['health_idva'], 'health:view', 'agency'],
    ['no health data for a sergeant', ['detective_sergeant'], 'health:view', null],
    ['every role reaches the start page', ['analyst'], 'reference:view', 'all'],
  ]
  for (const [name, roles, action, expected] of cases) {
    it(name, () => assert.equal(widestScope(roles, action), expected))
  }
})

describe('reaches', () => {
  const cases: [string, Scope, Partial<RecordFacts>, boolean][] = [
    ['all: another agency', 'all', { ownerAgencyId: 'elsewhere' }, true],
    ['agency: own agency', 'agency', {}, true],
    ['agency: an agency sharing with mine', 'agency', { ownerAgencyId: 'sharing-agency' }, true],
    ['agency: an agency not sharing', 'agency', { ownerAgencyId: 'elsewhere' }, false],
    ['team: in a team area', 'team', { area: 'Blackpool' }, true],
    ['team: outside the team areas', 'team', { area: 'Lancaster' }, false],
    ['team: outside the areas but mine', 'team', { createdBy: 'u-me' }, true],
    ['team: team area of an agency not sharing', 'team', { area: 'Blackpool', ownerAgencyId: 'elsewhere' }, false],
    ['own: mine', 'own', { createdBy: 'u-me' }, true],
    ['own: a colleague’s', 'own', { area: 'Blackpool' }, false],
    ['own: created by the system', 'own', { createdBy: null }, false],
  ]
  for (const [name, scope, facts, expected] of cases) {
    it(name, () => assert.equal(reaches(scopeFilter(ME, scope, POLICE_AND_SHARERS), record(facts)), expected))
  }
})

describe('decideRecordAccess', () => {
  const own = scopeFilter(ME, 'own', [])
  it('allows by policy', () => {
    assert.deepEqual(decideRecordAccess('incident:view', own, record({ createdBy: 'u-me' }), false), {
      allowed: true,
      via: 'policy',
    })
  })
  it('offers break-glass on an action that has it', () => {
    assert.deepEqual(decideRecordAccess('incident:view', own, record(), false), { allowed: false, breakGlass: true })
  })
  it('opens the record with a grant', () => {
    assert.deepEqual(decideRecordAccess('incident:view', own, record(), true), { allowed: true, via: 'break_glass' })
  })
  it('never breaks glass on an action without it, even with a grant', () => {
    const agency = scopeFilter(ME, 'agency', ['police'])
    assert.deepEqual(decideRecordAccess('triage:decide', agency, record({ ownerAgencyId: 'x' }), true), {
      allowed: false,
      breakGlass: false,
    })
  })
  it('never breaks glass for a role without the action', () => {
    assert.deepEqual(decideRecordAccess('incident:view', null, record(), true), { allowed: false, breakGlass: false })
  })
})

describe('the policy', () => {
  it('gives health data to health roles only', () => {
    assert.deepEqual(Object.keys(POLICY['health:view'].roles), ['health_idva'])
  })
  it('gives every record-level action a scope for each role it names', () => {
    for (const [action, def] of Object.entries(POLICY)) {
      for (const scope of Object.values(def.roles)) assert.ok(scope, action)
    }
  })
})

describe('redact', () => {
  const person = { id: 'p', first_name: 'A', address: '1 Road', postcode: 'FY1 1AA', phone: '0770', nhs_number: '943' }
  it('removes health fields without health access and masks sensitive ones', () => {
    const r = redact('person', person, { health: false })
    assert.equal(Object.hasOwn(r.row, 'nhs_number'), false)
    assert.deepEqual([r.row.address, r.row.postcode, r.row.phone], [null, null, null])
    assert.deepEqual(r.masked, ['address', 'phone'])
    assert.deepEqual(r.shown, ['id', 'first_name'])
  })
  it('keeps health fields for health access, still masking addresses', () => {
    const r = redact('person', person, { health: true })
    assert.equal(r.row.nhs_number, '943')
    assert.equal(r.row.address, null)
  })
  it('shows a revealed field, and does not list empty fields as masked', () => {
    const r = redact('person', { ...person, phone: null }, { health: false }, new Set(['address']))
    assert.deepEqual([r.row.address, r.row.postcode], ['1 Road', 'FY1 1AA'])
    assert.deepEqual(r.masked, [])
  })
})
