import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  compareForWorklist,
  defaultDueOn,
  dueDateIssues,
  isOverdue,
  mayAccept,
  mayWork,
  raiseIssues,
  statusChangeIssues,
  suggestChildrensServices,
  teamReachIssue,
  type ActionStatus,
  type StatusChange,
} from './rules.ts'

describe('safeguarding action rules', () => {
  const changes: { change: StatusChange; issue: RegExp | null }[] = [
    { change: { from: 'requested', to: 'accepted', reason: null }, issue: null },
    { change: { from: 'requested', to: 'in_progress', reason: null }, issue: null },
    { change: { from: 'requested', to: 'done', reason: null }, issue: /can become accepted, in progress or declined/ },
    { change: { from: 'accepted', to: 'done', reason: null }, issue: null },
    { change: { from: 'in_progress', to: 'declined', reason: null }, issue: /Say why it was declined/ },
    { change: { from: 'in_progress', to: 'declined', reason: '  ' }, issue: /Say why it was declined/ },
    { change: { from: 'in_progress', to: 'declined', reason: 'Victim moved to another force area' }, issue: null },
    { change: { from: 'done', to: 'in_progress', reason: null }, issue: /is closed: raise a new one/ },
    { change: { from: 'declined', to: 'accepted', reason: null }, issue: /is closed/ },
    { change: { from: 'accepted', to: 'accepted', reason: null }, issue: /already accepted/ },
  ]
  for (const { change, issue } of changes) {
    it(`${change.from} → ${change.to}${change.reason ? ' with a reason' : ''}`, () => {
      const found = statusChangeIssues(change)
      if (issue === null) assert.deepEqual(found, [])
      else assert.match(found[0]?.message ?? '', issue)
    })
  }

  const overdue: { status: ActionStatus; dueOn: string; today: string; overdue: boolean }[] = [
    { status: 'requested', dueOn: '2026-11-22', today: '2026-11-23', overdue: true },
    { status: 'in_progress', dueOn: '2026-11-23', today: '2026-11-23', overdue: false },
    { status: 'accepted', dueOn: '2026-11-24', today: '2026-11-23', overdue: false },
    { status: 'done', dueOn: '2026-11-01', today: '2026-11-23', overdue: false },
    { status: 'declined', dueOn: '2026-11-01', today: '2026-11-23', overdue: false },
  ]
  for (const c of overdue) {
    it(`${c.status} due ${c.dueOn} on ${c.today} is ${c.overdue ? '' : 'not '}overdue`, () =>
      assert.equal(isOverdue(c, c.today), c.overdue))
  }

  it('checks due dates', () => {
    assert.match(dueDateIssues('2026-11-22', '2026-11-23')[0]!.message, /cannot be in the past/)
    assert.deepEqual(dueDateIssues('2026-11-23', '2026-11-23'), [])
    assert.match(dueDateIssues('2027-11-24', '2026-11-23')[0]!.message, /within a year/)
  })

  it('puts overdue actions first, then the soonest due', () => {
    const at = new Date('2026-11-20T10:00:00Z')
    const items = [
      { id: 'later', status: 'requested' as const, dueOn: '2026-11-30', requestedAt: at },
      { id: 'overdue', status: 'accepted' as const, dueOn: '2026-11-21', requestedAt: at },
      { id: 'soon', status: 'in_progress' as const, dueOn: '2026-11-24', requestedAt: at },
      { id: 'done-long-ago', status: 'done' as const, dueOn: '2026-11-01', requestedAt: at },
    ]
    items.sort((a, b) => compareForWorklist(a, b, '2026-11-23'))
    assert.deepEqual(
      items.map((i) => i.id),
      ['overdue', 'done-long-ago', 'soon', 'later'],
    )
  })

  it('sets the usual due date per kind', () => {
    assert.equal(defaultDueOn('police_alarm', '2026-11-23'), '2026-11-25')
    assert.equal(defaultDueOn('marac', '2026-11-23'), '2026-11-30')
    assert.equal(defaultDueOn('third_sector', '2026-12-25'), '2027-01-08')
  })

  it('asks a referral for the service it goes to', () => {
    const today = '2026-11-23'
    assert.match(
      raiseIssues({ kind: 'third_sector', referredTo: ' ', dueOn: today }, today)[0]!.message,
      /service it is referred to/,
    )
    assert.deepEqual(raiseIssues({ kind: 'third_sector', referredTo: 'Women’s Aid Preston', dueOn: today }, today), [])
    assert.deepEqual(raiseIssues({ kind: 'police_alarm', referredTo: null, dueOn: today }, today), [])
    assert.deepEqual(
      raiseIssues({ kind: 'marac', referredTo: null, dueOn: '2026-11-01' }, today).map((i) => i.path),
      ['dueOn', 'referredTo'],
    )
  })

  it("suggests a children's services referral when children were there and none is open or done", () => {
    assert.equal(suggestChildrensServices(false, []), false)
    assert.equal(suggestChildrensServices(true, [{ kind: 'police_alarm', status: 'requested' }]), true)
    assert.equal(suggestChildrensServices(true, [{ kind: 'childrens_services', status: 'declined' }]), true)
    assert.equal(suggestChildrensServices(true, [{ kind: 'childrens_services', status: 'done' }]), false)
  })

  it('lets the owning team, the assignee and a sergeant of the owning agency work an action', () => {
    const police = 'agency-police'
    const owned = { ownerAgencyId: police, ownerTeamId: 'team-safeguarding', assigneeId: null }
    const worker = (w: Partial<Parameters<typeof mayWork>[0]>) => ({
      userId: 'u1',
      agencyId: police,
      teamIds: [],
      roles: ['safeguarding_officer' as const],
      ...w,
    })
    assert.equal(mayWork(worker({ teamIds: ['team-safeguarding'] }), owned), true)
    assert.equal(mayWork(worker({ teamIds: ['team-other'] }), owned), false)
    assert.equal(mayWork(worker({ roles: ['detective_sergeant'] }), owned), true)
    assert.equal(mayWork(worker({ roles: ['detective_sergeant'], agencyId: 'agency-nhs' }), owned), false)
    assert.equal(mayWork(worker({ agencyId: 'agency-nhs' }), { ...owned, assigneeId: 'u1' }), true)
    // An agency with no team owns it: anyone of that agency.
    assert.equal(mayWork(worker({}), { ...owned, ownerTeamId: null }), true)
    assert.equal(mayWork(worker({ agencyId: 'agency-nhs' }), { ...owned, ownerTeamId: null }), false)
  })

  it('lets the receiving team or a sergeant of its agency accept a hand-over', () => {
    const handover = { toTeamId: 'team-safeguarding', teamAgencyId: 'agency-police' }
    const base = { userId: 'u1', agencyId: 'agency-police', teamIds: [] as string[] }
    assert.equal(
      mayAccept({ ...base, teamIds: ['team-safeguarding'], roles: ['safeguarding_officer'] }, handover),
      true,
    )
    assert.equal(mayAccept({ ...base, roles: ['safeguarding_officer'] }, handover), false)
    assert.equal(mayAccept({ ...base, roles: ['detective_sergeant'] }, handover), true)
    assert.equal(mayAccept({ ...base, agencyId: 'agency-nhs', roles: ['detective_sergeant'] }, handover), false)
  })

  it('gives work only to a team whose officers could see the victim: its agency is shared the incident, it covers the area', () => {
    const team = {
      name: 'Safeguarding: North division',
      agencyName: 'Lancashire Constabulary',
      coversArea: true,
      agencyReceives: true,
    }
    assert.equal(teamReachIssue(team, 'Blackpool'), null)
    assert.equal(
      teamReachIssue({ ...team, coversArea: false }, 'Blackpool'),
      'Safeguarding: North division does not cover Blackpool, so its officers could not see this victim',
    )
    assert.equal(
      teamReachIssue({ ...team, agencyReceives: false, coversArea: false }, 'Blackpool'),
      'Lancashire Constabulary is not shared this incident, so Safeguarding: North division could not see this victim',
    )
  })
})
