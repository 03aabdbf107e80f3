import { after, before, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describeEachEngine } from '../test-support/db.ts'
import { testApp, type TestApp } from '../test-support/app.ts'
import { anIncident, aPerson, aSuspect, inCustody } from '../test-support/builders.ts'
import { FIXED_NOW } from '../test-support/clock.ts'
import { systemActor } from '../auth/actor.ts'
import type { PersonInput } from '../intake/incident-schema.ts'

type Session = { cookie: string; csrf: string }

// No dates of birth, so no incident counts as a repeat of another.
const strangers = (suspect: Partial<PersonInput> = {}): PersonInput[] => [
  aPerson({ dateOfBirth: undefined }),
  aSuspect({ dateOfBirth: undefined, ...suspect }),
]

const rowReferences = (html: string) =>
  [...html.matchAll(/data-testid="queue-row" data-reference="([^"]+)"/g)].map((m) => m[1])

describeEachEngine('triage routes', (engine) => {
  let t: TestApp
  let sergeant: Session, idva: Session, officer: Session
  let sergeantToken: string, idvaToken: string
  const ref: Record<string, { id: string; forceReference: string }> = {}

  const add = (o: Parameters<typeof anIncident>[0] = {}) =>
    t.services.intake.create(systemActor('test'), anIncident({ people: strangers(), ...o }), 'api')

  const page = (url: string, s?: Session) =>
    t.app.inject({ method: 'GET', url, headers: { accept: 'text/html', ...(s ? { cookie: s.cookie } : {}) } })
  const api = (method: 'GET' | 'POST', url: string, token: string | null, payload?: object) =>
    t.app.inject({ method, url, payload, headers: token ? { authorization: `Bearer ${token}` } : {} })
  const postDecision = (id: string, s: Session, form: Record<string, string>) =>
    t.app.inject({
      method: 'POST',
      url: `/triage/incidents/${id}/decision`,
      headers: { cookie: s.cookie, accept: 'text/html' },
      payload: form,
    })

  before(async () => {
    t = await testApp(engine)
    sergeant = await t.signIn('sergeant')
    idva = await t.signIn('idva')
    officer = await t.signIn('officer')
    sergeantToken = await t.bearer('sergeant')
    idvaToken = await t.bearer('idva')
  })
  after(() => t.close())
  beforeEach(async () => {
    t.clock.set(FIXED_NOW)
    await t.deps.db.deleteFrom('incident').execute()
    ref.high = await add({
      risk: 'high',
      reportedHoursAgo: 3,
      people: strangers({ firstName: 'Held', custody: inCustody(1, 3) }),
    })
    ref.medium = await add({ risk: 'medium', healthNeeds: true })
    ref.standard = await add({
      risk: 'standard',
      reportedHoursAgo: 1,
      location: { address: '9 Quiet Road', postcode: 'FY8 2AB', area: 'Fylde' },
    })
  })

  describe('GET /triage', () => {
    it('shows the queue to a detective sergeant, highest priority first', async () => {
      const res = await page('/triage', sergeant)
      assert.equal(res.statusCode, 200)
      assert.match(String(res.headers['content-type']), /^text\/html/)
      assert.deepEqual(
        rowReferences(res.body),
        [ref.high, ref.medium, ref.standard].map((r) => r!.forceReference),
      )
      assert.match(res.body, /data-testid="total">3</)
      assert.match(res.body, /Suspect in custody until 10:30/)
    })

    it('refuses a response officer', async () => {
      const res = await page('/triage', officer)
      assert.equal(res.statusCode, 403)
      assert.match(res.body, /You do not have access/)
      assert.doesNotMatch(res.body, new RegExp(ref.high!.forceReference))
    })

    it('sends a visitor who is not signed in to the sign-in page, to come back after', async () => {
      const res = await page('/triage?risk=high')
      assert.equal(res.statusCode, 302)
      assert.equal(res.headers.location, `/sign-in?returnTo=${encodeURIComponent('/triage?risk=high')}`)
    })

    const filters: { url: string; keys: string[] }[] = [
      { url: '/triage?risk=high', keys: ['high'] },
      { url: '/triage?risk=high&risk=standard', keys: ['high', 'standard'] },
      { url: '/triage?area=Fylde', keys: ['standard'] },
      { url: '/triage?eligibility=not_eligible', keys: ['standard'] },
      { url: '/triage?sort=reported&eligibility=eligible', keys: ['medium', 'high'] },
      { url: '/triage?status=attend', keys: [] },
    ]
    for (const f of filters) {
      it(`applies ${f.url}`, async () => {
        const res = await page(f.url, sergeant)
        assert.equal(res.statusCode, 200)
        const expected = f.keys.map((k) => ref[k]!.forceReference)
        if (f.url.includes('sort=')) assert.deepEqual(rowReferences(res.body), expected)
        else assert.deepEqual(rowReferences(res.body).sort(), expected.sort())
        if (expected.length === 0) assert.match(res.body, /data-testid="empty"/)
      })
    }

    it('clears unrecognised filters and says so', async () => {
      const res = await page('/triage?risk=extreme', sergeant)
      assert.equal(res.statusCode, 200)
      assert.match(res.body, /Some filters were not recognised and have been cleared/)
      assert.equal(rowReferences(res.body).length, 3)
    })
  })

  describe('GET /triage/incidents/:id', () => {
    it('shows the decision form to a detective sergeant', async () => {
      const res = await page(`/triage/incidents/${ref.high!.id}`, sergeant)
      assert.equal(res.statusCode, 200)
      assert.match(res.body, /data-testid="decision-form"/)
      assert.match(res.body, new RegExp(`name="_csrf" value="${sergeant.csrf}"`))
      assert.match(res.body, /Meets the criteria to attend/)
    })

    it('shows the incident without the form to a health IDVA', async () => {
      const res = await page(`/triage/incidents/${ref.high!.id}`, idva)
      assert.equal(res.statusCode, 200)
      assert.match(res.body, new RegExp(`Incident ${ref.high!.forceReference}`))
      assert.doesNotMatch(res.body, /data-testid="decision-form"/)
    })

    it('refuses a response officer and answers 404 for an unknown incident', async () => {
      assert.equal((await page(`/triage/incidents/${ref.high!.id}`, officer)).statusCode, 403)
      assert.equal((await page(`/triage/incidents/${randomUUID()}`, sergeant)).statusCode, 404)
    })
  })

  describe('POST /triage/incidents/:id/decision', () => {
    it('records the decision and shows it in the history', async () => {
      const id = ref.high!.id
      const res = await postDecision(id, sergeant, {
        _csrf: sergeant.csrf,
        decision: 'attend',
        reasonCode: 'high_risk',
      })
      assert.equal(res.statusCode, 302)
      assert.equal(res.headers.location, `/triage/incidents/${id}?saved=1`)
      const shown = await page(res.headers.location, sergeant)
      assert.match(shown.body, /Decision recorded: Attend \(post-incident visit\)/)
      const history = /data-testid="history"[\s\S]*?<\/ol>/.exec(shown.body)?.[0] ?? ''
      assert.match(history, /<strong>Attend \(post-incident visit\)<\/strong>: High risk/)
      assert.match(history, /DS Sam Demo/)
    })

    it('refuses a form without the CSRF token, or with another session’s', async () => {
      const id = ref.high!.id
      for (const csrf of [undefined, idva.csrf, '']) {
        const form: Record<string, string> = { decision: 'attend', reasonCode: 'high_risk' }
        if (csrf !== undefined) form._csrf = csrf
        const res = await postDecision(id, sergeant, form)
        assert.equal(res.statusCode, 403, `csrf ${csrf}`)
      }
      assert.equal((await t.services.triage.assessment(await t.actor('sergeant'), id)).history.length, 0)
    })

    it('shows the errors on the form and keeps what was entered', async () => {
      const cases: { form: Record<string, string>; message: RegExp }[] = [
        { form: { reasonCode: 'high_risk' }, message: /Choose a decision/ },
        {
          form: { decision: 'attend', reasonCode: 'other', reasonText: ' ' },
          message: /Explain the reason when you choose/,
        },
        {
          form: { decision: 'not_for_programme', reasonCode: 'victim_declined' },
          message: /explain why it is not for the programme/,
        },
      ]
      for (const c of cases) {
        const res = await postDecision(ref.high!.id, sergeant, { _csrf: sergeant.csrf, ...c.form })
        assert.equal(res.statusCode, 400)
        assert.match(res.body, /govuk-error-summary/)
        assert.match(res.body, /There is a problem/)
        assert.match(res.body, c.message)
        if (c.form.decision) assert.match(res.body, new RegExp(`value="${c.form.decision}" checked`))
      }
      assert.equal((await t.services.triage.assessment(await t.actor('sergeant'), ref.high!.id)).history.length, 0)
    })

    it('refuses a health IDVA', async () => {
      const res = await postDecision(ref.high!.id, idva, {
        _csrf: idva.csrf,
        decision: 'attend',
        reasonCode: 'high_risk',
      })
      assert.equal(res.statusCode, 403)
      assert.equal((await t.services.triage.assessment(await t.actor('sergeant'), ref.high!.id)).history.length, 0)
    })
  })

  describe('GET /custody', () => {
    it('lists suspects in custody for a health IDVA', async () => {
      const res = await page('/custody', idva)
      assert.equal(res.statusCode, 200)
      assert.equal([...res.body.matchAll(/data-testid="custody-row"/g)].length, 1)
      assert.match(res.body, /Held Sample/)
    })
  })

  describe('API', () => {
    it('GET /api/v1/triage/queue gives items with reasons, priority parts and custody', async () => {
      const res = await api('GET', '/api/v1/triage/queue', sergeantToken)
      assert.equal(res.statusCode, 200)
      assert.equal(res.headers['cache-control'], 'no-store')
      const body = res.json()
      assert.deepEqual([body.total, body.eligibleCount, body.page, body.pageCount, body.window.hours], [3, 2, 1, 1, 24])
      const high = body.items[0]
      assert.equal(high.id, ref.high!.id)
      assert.equal(high.eligible, true)
      assert.ok(high.reasons.some((r: { code: string }) => r.code === 'high_risk'))
      assert.deepEqual(
        high.priority.parts.map((p: { code: string }) => p.code),
        ['risk', 'suspect_in_custody', 'release_soon', 'recent'],
      )
      assert.equal(high.priority.total, 60 + 10 + 5 + 5)
      assert.deepEqual(
        { state: high.custody.state, until: high.custody.until, minutesLeft: high.custody.minutesLeft },
        { state: 'in_custody', until: '2026-11-23T10:30:00.000Z', minutesLeft: 180 },
      )
      assert.equal(body.items[2].eligible, false)
      assert.equal(body.items[2].custody.state, 'not_arrested')
    })

    it('GET /api/v1/triage/queue filters like the page and rejects unknown parameters', async () => {
      const res = await api('GET', '/api/v1/triage/queue?risk=high&risk=medium&sort=reported', sergeantToken)
      assert.equal(res.statusCode, 200)
      assert.deepEqual(
        res
          .json()
          .items.map((i: { id: string }) => i.id)
          .sort(),
        [ref.high!.id, ref.medium!.id].sort(),
      )
      assert.equal((await api('GET', '/api/v1/triage/queue?risk=extreme', sergeantToken)).statusCode, 400)
      assert.equal((await api('GET', '/api/v1/triage/queue?colour=red', sergeantToken)).statusCode, 400)
    })

    it('GET /api/v1/triage/queue needs a bearer token with a triage role', async () => {
      assert.equal((await api('GET', '/api/v1/triage/queue', null)).statusCode, 401)
      assert.equal((await api('GET', '/api/v1/triage/queue', await t.bearer('officer'))).statusCode, 403)
      assert.equal((await api('GET', '/api/v1/triage/queue', idvaToken)).statusCode, 200)
    })

    it('POST /api/v1/incidents/:id/decisions records a decision (201)', async () => {
      const res = await api('POST', `/api/v1/incidents/${ref.high!.id}/decisions`, sergeantToken, {
        decision: 'attend_live',
        reasonCode: 'suspect_in_custody',
      })
      assert.equal(res.statusCode, 201)
      const { id } = res.json()
      const a = await t.services.triage.assessment(await t.actor('sergeant'), ref.high!.id)
      assert.deepEqual([a.status, a.history[0]!.id], ['attend_live', id])
    })

    const bad: { name: string; body: object; path: string }[] = [
      { name: '"other" without text', body: { decision: 'attend', reasonCode: 'other' }, path: 'reasonText' },
      { name: 'an unknown decision', body: { decision: 'maybe', reasonCode: 'high_risk' }, path: 'decision' },
      { name: 'an unexpected field', body: { decision: 'attend', reasonCode: 'high_risk', urgent: true }, path: '' },
    ]
    for (const c of bad) {
      it(`POST /api/v1/incidents/:id/decisions refuses ${c.name} (400)`, async () => {
        const res = await api('POST', `/api/v1/incidents/${ref.high!.id}/decisions`, sergeantToken, c.body)
        assert.equal(res.statusCode, 400)
        const body = res.json()
        assert.equal(body.error, 'validation')
        assert.ok(
          body.issues.some((i: { path: string }) => i.path === c.path),
          JSON.stringify(body.issues),
        )
      })
    }

    it('POST /api/v1/incidents/:id/decisions refuses a health IDVA (403) and an unknown incident (404)', async () => {
      const body = { decision: 'attend', reasonCode: 'high_risk' }
      assert.equal((await api('POST', `/api/v1/incidents/${ref.high!.id}/decisions`, idvaToken, body)).statusCode, 403)
      assert.equal(
        (await api('POST', `/api/v1/incidents/${randomUUID()}/decisions`, sergeantToken, body)).statusCode,
        404,
      )
      assert.equal((await t.services.triage.assessment(await t.actor('sergeant'), ref.high!.id)).history.length, 0)
    })

    it('a signed-in browser session must send the CSRF header to the API', async () => {
      const url = `/api/v1/incidents/${ref.high!.id}/decisions`
      const payload = { decision: 'attend', reasonCode: 'high_risk' }
      const without = await t.app.inject({ method: 'POST', url, payload, headers: { cookie: sergeant.cookie } })
      assert.equal(without.statusCode, 403)
      const withHeader = await t.app.inject({
        method: 'POST',
        url,
        payload,
        headers: { cookie: sergeant.cookie, 'x-csrf-token': sergeant.csrf },
      })
      assert.equal(withHeader.statusCode, 201)
    })

    it('GET /api/v1/incidents/:id/decisions gives the history, newest first', async () => {
      const url = `/api/v1/incidents/${ref.high!.id}/decisions`
      await api('POST', url, sergeantToken, { decision: 'attend', reasonCode: 'high_risk' })
      t.clock.advance(5 * 60_000)
      await api('POST', url, sergeantToken, {
        decision: 'consultation',
        reasonCode: 'other',
        reasonText: 'Victim abroad',
      })
      const res = await api('GET', url, idvaToken)
      assert.equal(res.statusCode, 200)
      const body = res.json()
      assert.equal(body.status, 'consultation')
      assert.deepEqual(
        body.history.map((h: { decision: string; reasonText: string | null; decidedBy: string; decidedAt: string }) => [
          h.decision,
          h.reasonText,
          h.decidedBy,
          h.decidedAt,
        ]),
        [
          ['consultation', 'Victim abroad', 'DS Sam Demo', '2026-11-23T07:35:00.000Z'],
          ['attend', null, 'DS Sam Demo', '2026-11-23T07:30:00.000Z'],
        ],
      )
      assert.equal((await api('GET', `/api/v1/incidents/${randomUUID()}/decisions`, idvaToken)).statusCode, 404)
    })

    it('GET /api/v1/custody lists suspects in custody', async () => {
      const res = await api('GET', '/api/v1/custody', idvaToken)
      assert.equal(res.statusCode, 200)
      const body = res.json()
      assert.equal(body.items.length, 1)
      const item = body.items[0]
      assert.deepEqual(
        [item.incidentId, item.suspectName, item.expectedReleaseAt, item.custody.state, item.custody.minutesLeft],
        [ref.high!.id, 'Held Sample', '2026-11-23T10:30:00.000Z', 'in_custody', 180],
      )
      assert.equal((await api('GET', '/api/v1/custody', await t.bearer('officer'))).statusCode, 403)
    })
  })
})
