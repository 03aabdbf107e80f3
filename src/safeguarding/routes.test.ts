import { after, before, it } from 'node:test'
import assert from 'node:assert/strict'
import { describeEachEngine } from '../test-support/db.ts'
import { testApp, type TestApp } from '../test-support/app.ts'
import { aPerson, aSuspect } from '../test-support/builders.ts'
import { aVictim } from './test-fixtures.ts'

type Session = { cookie: string; csrf: string }

const SAFE_CONTACT = 'Text message only; any time. Never when he is home'
/** The safe-contact line a page shows, or null. */
const safeContactOn = (body: string) => /data-testid="safe-contact-line">([^<]*)</.exec(body)?.[1] ?? null

describeEachEngine('safeguarding pages and API', (engine) => {
  let t: TestApp
  let victimId: string
  let safeguardingTeamId: string

  before(async () => {
    t = await testApp(engine)
    ;({ id: victimId } = await aVictim(t, {
      childrenPresent: true,
      people: [aPerson({ firstName: 'Jane', lastName: 'Ashworth' }), aSuspect()],
    }))
    const team = await t.deps.db
      .selectFrom('team')
      .select('id')
      .where('name', '=', 'Safeguarding: West division')
      .executeTakeFirstOrThrow()
    safeguardingTeamId = team.id
    await t.services.deployment.setSafeContact(await t.actor('idva'), victimId, {
      methods: ['text'],
      onlyWhileSuspectInCustody: false,
      windows: [],
      notes: 'Never when he is home',
    })
  })
  after(() => t.close())

  const page = (url: string, who: Session) =>
    t.app.inject({ method: 'GET', url, headers: { cookie: who.cookie, accept: 'text/html' } })
  const post = (url: string, payload: Record<string, string>, who: Session) =>
    t.app.inject({ method: 'POST', url, headers: { cookie: who.cookie }, payload: { ...payload, _csrf: who.csrf } })
  const api = async (method: 'GET' | 'POST', url: string, username: string, payload?: Record<string, unknown>) =>
    t.app.inject({ method, url, headers: { authorization: `Bearer ${await t.bearer(username)}` }, payload })

  it('lets an IDVA raise a referral on a form, and the safeguarding officer find and complete it', async () => {
    const idva = await t.signIn('idva')
    const form = await page(`/victims/${victimId}/actions/new`, idva)
    assert.equal(form.statusCode, 200)
    assert.match(form.body, /Raise an action or referral/)
    assert.match(form.body, /data-testid="suggest-childrens-services"/)
    assert.match(form.body, new RegExp(`<option value="team:${safeguardingTeamId}" selected>`))

    const missing = await post(
      `/victims/${victimId}/actions/new`,
      { kind: 'third_sector', owner: `team:${safeguardingTeamId}`, 'dueOn-day': '31', 'dueOn-month': '2' },
      idva,
    )
    assert.equal(missing.statusCode, 400)
    assert.match(missing.body, /Enter the due date as numbers/)
    const noService = await post(
      `/victims/${victimId}/actions/new`,
      { kind: 'third_sector', owner: `team:${safeguardingTeamId}`, details: 'Kept on error' },
      idva,
    )
    assert.equal(noService.statusCode, 400)
    assert.match(noService.body, /Enter the service it is referred to/)
    assert.match(noService.body, /Kept on error/)

    const raised = await post(
      `/victims/${victimId}/actions/new`,
      {
        kind: 'third_sector',
        referredTo: 'Women’s Aid Preston',
        owner: `team:${safeguardingTeamId}`,
        assigneeId: '',
        'dueOn-day': '1',
        'dueOn-month': '12',
        'dueOn-year': '2026',
      },
      idva,
    )
    assert.equal(raised.statusCode, 302)
    const actionUrl = raised.headers.location!.replace(/\?.*/, '')
    assert.match(actionUrl, /^\/actions\/[0-9a-f-]{36}$/)

    const officer = await t.signIn('safeguarding')
    const list = await page('/actions?list=team', officer)
    assert.equal(list.statusCode, 200)
    assert.match(list.body, /Jane Ashworth/)
    assert.match(list.body, new RegExp(`href="${actionUrl}"`))
    const view = await page(actionUrl, officer)
    assert.match(view.body, new RegExp(`href="/victims/${victimId}"`))
    assert.equal(safeContactOn(view.body), SAFE_CONTACT, 'read before contacting her about the action')
    assert.match(view.body, new RegExp(`href="/victims/${victimId}/safe-contact"`))
    assert.match(view.body, /1 Dec 2026/)
    assert.match(view.body, /data-testid="status-form"/)

    const noReason = await post(`${actionUrl}/status`, { status: 'declined', reason: '', note: '' }, officer)
    assert.equal(noReason.statusCode, 400)
    assert.match(noReason.body, /Say why it was declined/)
    assert.equal((await post(`${actionUrl}/assign-to-me`, {}, officer)).statusCode, 302)
    assert.equal((await post(`${actionUrl}/status`, { status: 'accepted', note: '' }, officer)).statusCode, 302)
    const done = await post(`${actionUrl}/status`, { status: 'done', note: 'Referral made by phone' }, officer)
    assert.equal(done.statusCode, 302)
    const closed = await page(actionUrl, officer)
    assert.match(closed.body, /Referral made by phone/)
    assert.match(closed.body, /DC Lee Demo/)
    assert.doesNotMatch(closed.body, /data-testid="status-form"/)
    assert.match((await page('/actions?list=mine&closed=true', officer)).body, /Women’s Aid Preston/)

    // An Op Provide officer may update actions, but not the safeguarding team's.
    const provide = await t.signIn('provide-officer')
    const other = await api('POST', `/api/v1/victims/${victimId}/actions`, 'idva', { kind: 'police_alarm' })
    const refused = await post(`/actions/${other.json().id}/status`, { status: 'accepted' }, provide)
    assert.equal(refused.statusCode, 403)
    assert.match(refused.body, /This action belongs to Safeguarding: West division/)
  })

  it('refuses the pages to roles without the action', async () => {
    const analyst = await t.signIn('analyst')
    assert.equal((await page('/actions', analyst)).statusCode, 403)
    const response = await t.signIn('officer')
    assert.equal((await page(`/victims/${victimId}/actions/new`, response)).statusCode, 403)
    assert.equal((await post(`/victims/${victimId}/actions/new`, { kind: 'police_alarm' }, response)).statusCode, 403)
    const idva = await t.signIn('idva')
    const handover = await t.signIn('safeguarding')
    assert.equal((await page(`/victims/${victimId}/handover`, handover)).statusCode, 403)
    assert.equal((await api('GET', '/api/v1/actions', 'marac')).statusCode, 403)
    assert.equal(
      (await api('POST', `/api/v1/victims/${victimId}/actions`, 'officer', { kind: 'other' })).statusCode,
      403,
    )
    assert.equal((await page('/actions', idva)).statusCode, 200)
  })

  it('raises, reads and updates actions through the API', async () => {
    const bad = await api('POST', `/api/v1/victims/${victimId}/actions`, 'idva', { kind: 'marac' })
    assert.equal(bad.statusCode, 400)
    assert.deepEqual(
      bad.json().issues.map((i: { path: string }) => i.path),
      ['referredTo'],
    )
    const raised = await api('POST', `/api/v1/victims/${victimId}/actions`, 'idva', {
      kind: 'marac',
      referredTo: 'Blackpool MARAC',
      ownerTeamId: safeguardingTeamId,
      dueOn: '2026-11-30',
    })
    assert.equal(raised.statusCode, 201)
    const { id } = raised.json()
    const read = await api('GET', `/api/v1/actions/${id}`, 'safeguarding')
    assert.equal(read.statusCode, 200)
    assert.equal(read.json().victim.name, 'Jane Ashworth')
    assert.equal(read.json().referral, true)
    assert.deepEqual(read.json().nextStatuses, ['accepted', 'in_progress', 'declined'])
    const declined = await api('POST', `/api/v1/actions/${id}/status`, 'safeguarding', {
      status: 'declined',
      reason: 'Does not meet the MARAC threshold',
    })
    assert.equal(declined.statusCode, 200)
    assert.equal(declined.json().statusReason, 'Does not meet the MARAC threshold')
    assert.equal(declined.json().history.length, 2)
    const list = await api('GET', '/api/v1/actions?list=team&closed=true', 'safeguarding')
    assert.equal(list.statusCode, 200)
    assert.ok(list.json().items.some((a: { id: string }) => a.id === id))
    const open = await api('GET', '/api/v1/actions?list=agency', 'sergeant')
    assert.equal(open.json().list, 'agency')
    assert.equal(typeof open.json().counts.overdue, 'number')
  })

  it('hands a victim over on the page and accepts it through the API, once', async () => {
    const provide = await t.signIn('provide-officer')
    const form = await page(`/victims/${victimId}/handover`, provide)
    assert.equal(form.statusCode, 200)
    assert.match(form.body, /Safeguarding: West division/)
    assert.match(form.body, /data-testid="open-actions"/)
    assert.equal(safeContactOn(form.body), SAFE_CONTACT)
    const short = await post(`/victims/${victimId}/handover`, { teamId: safeguardingTeamId, summary: 'Short' }, provide)
    assert.equal(short.statusCode, 400)
    assert.match(short.body, /Write a summary of at least/)
    const handed = await post(
      `/victims/${victimId}/handover`,
      {
        teamId: safeguardingTeamId,
        summary: 'Visited tonight with the IDVA; refuge referral made; victim wants texts only.',
      },
      provide,
    )
    assert.equal(handed.statusCode, 302)
    const handoverId = /\/handovers\/([0-9a-f-]{36})/.exec(handed.headers.location!)![1]!
    const officer = await t.signIn('safeguarding')
    const list = await page('/actions', officer)
    assert.match(list.body, /data-testid="handovers-waiting"/)
    const handover = await page(`/handovers/${handoverId}`, officer)
    assert.match(handover.body, /data-testid="accept-form"/)
    assert.equal(safeContactOn(handover.body), SAFE_CONTACT, 'the receiving team reads it before their first call')
    const again = await api('POST', `/api/v1/victims/${victimId}/handover`, 'provide-officer', {
      teamId: safeguardingTeamId,
      summary: 'A second hand-over while the first is waiting to be accepted.',
    })
    assert.equal(again.statusCode, 409)
    assert.equal((await api('POST', `/api/v1/handovers/${handoverId}/accept`, 'idva', {})).statusCode, 403)
    const accepted = await api('POST', `/api/v1/handovers/${handoverId}/accept`, 'safeguarding', { note: 'Taken on' })
    assert.equal(accepted.statusCode, 200)
    assert.equal(accepted.json().acceptedBy, 'DC Lee Demo')
    assert.equal((await api('POST', `/api/v1/handovers/${handoverId}/accept`, 'safeguarding', {})).statusCode, 409)
    assert.equal((await post(`/handovers/${handoverId}/accept`, { note: '' }, officer)).statusCode, 409)
    assert.equal((await api('GET', `/api/v1/handovers/${handoverId}`, 'sergeant')).json().acceptNote, 'Taken on')
  })

  it('describes its API routes in the OpenAPI document', async () => {
    const doc = await api('GET', '/api/v1/openapi.json', 'idva')
    assert.equal(doc.statusCode, 200)
    const paths = Object.keys(doc.json().paths)
    for (const path of [
      '/api/v1/actions',
      '/api/v1/actions/{id}',
      '/api/v1/actions/{id}/status',
      '/api/v1/victims/{id}/actions',
      '/api/v1/victims/{id}/handover',
      '/api/v1/handovers/{id}/accept',
    ])
      assert.ok(paths.includes(path), path)
  })
})
