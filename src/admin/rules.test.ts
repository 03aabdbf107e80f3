import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { ROLES, type Role } from '../auth/roles.ts'
import {
  AGENCY_KINDS,
  disableIssues,
  roleChangeIssues,
  roleFitsAgency,
  roleIssues,
  rolesForAgency,
  shareIssues,
  teamMemberIssues,
  userTeamIssues,
  usernameIssue,
  type AccountFacts,
  type AgencyKind,
} from './rules.ts'

describe('roles fit the kind of agency', () => {
  // Every role x every kind of agency: the table the rule must follow, written out in full.
  const POLICE_ONLY: Role[] = ['response_officer', 'detective_sergeant', 'op_provide_officer', 'safeguarding_officer']
  const expected = (role: Role, kind: AgencyKind) =>
    POLICE_ONLY.includes(role) ? kind === 'police' : role === 'health_idva' ? kind === 'nhs' : true
  for (const role of ROLES) {
    for (const kind of AGENCY_KINDS) {
      const fits = expected(role, kind)
      it(`${role} ${fits ? 'may' : 'may not'} be held in a ${kind} agency`, () => {
        assert.equal(roleFitsAgency(role, kind), fits)
      })
    }
  }

  it('offers each kind of agency only the roles that fit it', () => {
    assert.deepEqual(rolesForAgency('nhs'), [
      'health_idva',
      'marac_coordinator',
      'analyst',
      'administrator',
      'information_governance',
    ])
    assert.ok(!rolesForAgency('third_sector').includes('health_idva'))
    assert.ok(rolesForAgency('police').includes('detective_sergeant'))
  })

  const cases: { roles: Role[]; kind: AgencyKind; messages: string[] }[] = [
    { roles: [], kind: 'police', messages: ['Choose at least one role'] },
    { roles: ['detective_sergeant'], kind: 'police', messages: [] },
    { roles: ['health_idva', 'administrator'], kind: 'nhs', messages: [] },
    { roles: ['health_idva'], kind: 'police', messages: ['Health IDVA is not a role in a police force'] },
    {
      roles: ['response_officer', 'marac_coordinator'],
      kind: 'third_sector',
      messages: ['Response officer is not a role in a third-sector organisation'],
    },
    {
      roles: ['safeguarding_officer', 'health_idva'],
      kind: 'local_authority',
      messages: [
        'Safeguarding officer is not a role in a local authority',
        'Health IDVA is not a role in a local authority',
      ],
    },
  ]
  for (const c of cases) {
    it(`${c.roles.join(', ') || 'no roles'} in a ${c.kind} agency: ${c.messages.length ? 'refused' : 'allowed'}`, () => {
      assert.deepEqual(
        roleIssues(c.roles, c.kind).map((i) => i.message),
        c.messages,
      )
    })
  }
})

describe('usernames', () => {
  const cases: { username: string; taken?: boolean; ok: boolean }[] = [
    { username: 'sam.example', ok: true },
    { username: 'ds_sam-2', ok: true },
    { username: 'abc', ok: true },
    { username: 'a'.repeat(40), ok: true },
    { username: 'ab', ok: false },
    { username: 'a'.repeat(41), ok: false },
    { username: 'Sam', ok: false },
    { username: 'sam example', ok: false },
    { username: 'sam@example', ok: false },
    { username: 'sám', ok: false },
    { username: '', ok: false },
    { username: 'sam.example', taken: true, ok: false },
  ]
  for (const c of cases) {
    it(`${JSON.stringify(c.username)}${c.taken ? ' (in use)' : ''}: ${c.ok ? 'allowed' : 'refused'}`, () => {
      const issue = usernameIssue(c.username, c.taken ?? false)
      assert.equal(issue === null, c.ok)
      if (c.taken) assert.match(issue!.message, /already in use/)
    })
  }
})

describe('administrators cannot lock the programme out', () => {
  const facts = (o: Partial<AccountFacts> = {}): AccountFacts => ({
    actorId: 'me',
    targetId: 'them',
    targetRoles: ['detective_sergeant'],
    targetDisabled: false,
    enabledAdministrators: 2,
    ...o,
  })

  const disabling: { name: string; facts: AccountFacts; message: string | null }[] = [
    { name: 'another user', facts: facts(), message: null },
    {
      name: 'another administrator while another remains',
      facts: facts({ targetRoles: ['administrator'] }),
      message: null,
    },
    { name: 'themselves', facts: facts({ targetId: 'me', targetRoles: ['administrator'] }), message: 'own account' },
    {
      name: 'the last enabled administrator',
      facts: facts({ targetRoles: ['administrator', 'analyst'], enabledAdministrators: 1 }),
      message: 'last enabled administrator',
    },
    {
      name: 'a user when only one administrator is left (not them)',
      facts: facts({ enabledAdministrators: 1 }),
      message: null,
    },
    { name: 'an account already disabled', facts: facts({ targetDisabled: true }), message: 'already disabled' },
  ]
  for (const c of disabling) {
    it(`disabling ${c.name}: ${c.message ? 'refused' : 'allowed'}`, () => {
      const issues = disableIssues(c.facts)
      if (c.message === null) assert.deepEqual(issues, [])
      else assert.match(issues[0]!.message, new RegExp(c.message))
    })
  }

  const changing: { name: string; facts: AccountFacts; roles: Role[]; message: string | null }[] = [
    {
      name: 'adding a role',
      facts: facts({ targetRoles: ['administrator'] }),
      roles: ['administrator', 'analyst'],
      message: null,
    },
    {
      name: 'removing another administrator’s role while another remains',
      facts: facts({ targetRoles: ['administrator'] }),
      roles: ['analyst'],
      message: null,
    },
    {
      name: 'removing their own administrator role',
      facts: facts({ targetId: 'me', targetRoles: ['administrator', 'analyst'] }),
      roles: ['analyst'],
      message: 'own administrator role',
    },
    {
      name: 'changing their own other roles',
      facts: facts({ targetId: 'me', targetRoles: ['administrator', 'analyst'], enabledAdministrators: 1 }),
      roles: ['administrator'],
      message: null,
    },
    {
      name: 'removing the last enabled administrator’s role',
      facts: facts({ targetRoles: ['administrator'], enabledAdministrators: 1 }),
      roles: ['analyst'],
      message: 'last enabled administrator',
    },
    {
      name: 'removing the role from a disabled administrator',
      facts: facts({ targetRoles: ['administrator'], targetDisabled: true, enabledAdministrators: 1 }),
      roles: ['analyst'],
      message: null,
    },
  ]
  for (const c of changing) {
    it(`${c.name}: ${c.message ? 'refused' : 'allowed'}`, () => {
      const issues = roleChangeIssues(c.facts, c.roles)
      if (c.message === null) assert.deepEqual(issues, [])
      else assert.match(issues[0]!.message, new RegExp(c.message))
    })
  }
})

describe('teams and sharing', () => {
  it('admits only staff of the team’s agency', () => {
    const users = [
      { id: 'u1', username: 'sam', agencyId: 'police' },
      { id: 'u2', username: 'chris', agencyId: 'nhs' },
    ]
    assert.deepEqual(teamMemberIssues('police', users.slice(0, 1)), [])
    assert.deepEqual(
      teamMemberIssues('police', users).map((i) => i.message),
      ['chris works for another agency, so cannot join this team'],
    )
  })

  it('gives a user only teams of their agency', () => {
    const teams = [
      { id: 't1', name: 'Blackpool', agencyId: 'police' },
      { id: 't2', name: 'Health IDVAs', agencyId: 'nhs' },
    ]
    assert.deepEqual(userTeamIssues('police', teams.slice(0, 1)), [])
    assert.deepEqual(
      userTeamIssues('police', teams).map((i) => i.message),
      ['Health IDVAs is a team of another agency'],
    )
  })

  it('refuses an agency sharing with itself', () => {
    assert.deepEqual(shareIssues('a', 'b'), [])
    assert.equal(shareIssues('a', 'a').length, 1)
  })
})
