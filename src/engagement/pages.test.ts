import { after, before, it } from 'node:test'
import assert from 'node:assert/strict'
import { describeEachEngine } from '../test-support/db.ts'
import { testApp, type TestApp } from '../test-support/app.ts'
import { anIncident, aPerson, aSuspect } from '../test-support/builders.ts'
import { systemActor } from '../auth/actor.ts'
import { aSeenVisit, contactAudit, peopleOn, safeContactSaying } from './test-fixtures.ts'
import { createViews } from '../server/views.ts'
import { FIXED_NOW } from '../test-support/clock.ts'

type Session = { cookie: string; csrf: string }

/** A complete contact as the form posts it, after the visit's defaults. */
const complete = (o: Record<string, string | string[]> = {}) => ({
  mode: 'post_incident',
  'contactAt-day': '23',
  'contactAt-month': '11',
  'contactAt-year': '2026',
  contactAtTime: '07:15',
  place: 'home',
  placeOther: '',
  idvaPresent: 'yes',
  officerPresent: 'yes',
  othersPresent: '',
  supportOffered: ['safety_planning', 'other'],
  supportNotes: 'Helped with a housing form',
  engagedInvestigation: 'yes',
  engagedInvestigationReason: '',
  engagedSafeguarding: 'not_asked',
  engagedSafeguardingReason: 'Suspect’s mother arrived',
  childrenCount: '1',
  childrenNeeds: 'School place',
  consentToShare: 'yes',
  shareWith: 'third_sector',
  ...o,
})

describeEachEngine('engagement tracker pages', (engine) => {
  let t: TestApp
  let incidentId: string
  let visitId: string
  let idva: Session

  before(async () => {
    t = await testApp(engine)
    const seen = await aSeenVisit(t, {
      victim: { firstName: 'Alex', lastName: 'Tracker' },
      others: [aPerson({ role: 'child', firstName: 'Sam', lastName: 'Tracker', dateOfBirth: '2019-04-02' })],
      childrenPresent: true,
    })
    incidentId = seen.incidentId
    visitId = seen.visitId
    idva = await t.signIn('idva')
  })
  after(() => t.close())

  const page = (url: string, who: Session = idva) =>
    t.app.inject({ method: 'GET', url, headers: { cookie: who.cookie, accept: 'text/html' } })
  const post = (url: string, payload: Record<string, string | string[]>, who: Session = idva) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      payload: new URLSearchParams(
        Object.entries({ ...payload, _csrf: who.csrf }).flatMap(([k, v]) => [v].flat().map((x) => [k, x])),
      ).toString(),
    })
  const contacts = () => t.deps.db.selectFrom('tracker_contact').selectAll().orderBy('created_at').execute()
  /** An incident's victims' ids, in the order recorded. */
  const victims = async (id: string) =>
    (await peopleOn(t.deps.db, id)).filter((p) => p.role === 'victim').map((p) => p.id)
  /** The error summary's links: each field and its message, in order. */
  const errorList = (body: string) => {
    const summary = /govuk-error-summary__list">([\s\S]*?)<\/ul>/.exec(body)?.[1] ?? ''
    return [...summary.matchAll(/href="#([^"]+)">([^<]+)</g)].map((m) => [m[1], m[2]!.trim()])
  }
  const checked = (body: string, name: string, value: string) =>
    new RegExp(`name="${name}" type="(radio|checkbox)" value="${value}" checked`).test(body)
  const inputValue = (body: string, name: string) =>
    new RegExp(`name="${name}" type="text"[^>]*? value="([^"]*)"`).exec(body)?.[1]

  it('shows the form with defaults from the visit, and creates nothing', async () => {
    const before = await contacts()
    const res = await page(`/incidents/${incidentId}/tracker/new?visit=${visitId}`)
    assert.equal(res.statusCode, 200, res.body)
    assert.match(res.body, /With <strong>Alex Tracker<\/strong>, after the post-incident visit/)
    assert.ok(checked(res.body, 'mode', 'post_incident'), 'post-incident mode')
    assert.ok(checked(res.body, 'place', 'home'), 'at home')
    assert.ok(checked(res.body, 'idvaPresent', 'yes'), 'the IDVA attended')
    assert.ok(checked(res.body, 'officerPresent', 'yes'), 'a joint visit')
    // The outcome was recorded at the fixed clock's now, 07:30 UK time.
    assert.deepEqual(
      ['contactAt-day', 'contactAt-month', 'contactAt-year', 'contactAtTime'].map((n) => inputValue(res.body, n)),
      ['23', '11', '2026', '07:30'],
    )
    assert.equal(inputValue(res.body, 'childrenCount'), '1')
    assert.doesNotMatch(res.body, /name="previousInvestigation"/, 'not a repeat victim')
    assert.match(res.body, new RegExp(`name="visitId" value="${visitId}"`))
    const [personId] = await victims(incidentId)
    assert.match(res.body, new RegExp(`name="personId" value="${personId}"`), 'the only victim is the contact’s')
    assert.match(res.body, /name="submissionId" value="[0-9a-f-]{36}"/)
    assert.match(res.body, new RegExp(`data-user="${(await t.actor('idva')).userId}"`))
    assert.match(res.body, /aria-live="polite"/)
    assert.match(res.body, /<script type="module" src="\/assets\/app\/tracker.js" nonce="/)
    assert.equal((await contacts()).length, before.length)
  })

  it('asks a repeat victim about their engagement before', async () => {
    // The same victim (by identity key) on an incident a month earlier.
    const earlier = await t.services.intake.create(
      systemActor('test'),
      anIncident({ reportedHoursAgo: 24 * 30, people: [aPerson({ firstName: 'Alex', lastName: 'Tracker' })] }),
      'api',
    )
    const key = await t.deps.db
      .selectFrom('incident_person')
      .select('person_key')
      .where('incident_id', '=', earlier.id)
      .executeTakeFirstOrThrow()
    const victim = t.deps.db
      .updateTable('incident_person')
      .where('incident_id', '=', incidentId)
      .where('role', '=', 'victim')
    await victim.set({ person_key: key.person_key }).execute()
    const res = await page(`/incidents/${incidentId}/tracker/new`)
    await victim.set({ person_key: null }).execute()
    assert.match(res.body, /A victim on another incident in the 12 months before this one/)
    assert.match(res.body, /name="previousInvestigation"/)
    assert.match(res.body, /name="previousSafeguarding"/)
    assert.ok(!checked(res.body, 'mode', 'post_incident'), 'no visit, no mode chosen')
  })

  it('starts a consultation’s contact from the advice given', async () => {
    const consultation = await t.services.consultations.request(await t.actor('sergeant'), incidentId, {
      question: 'Is a refuge place an option tonight?',
    })
    t.clock.set(new Date('2026-11-23T07:20:00Z'))
    await t.services.consultations.answer(await t.actor('idva'), consultation, {
      advice: 'A refuge place is an option',
      minutesTaken: 10,
    })
    t.clock.set(FIXED_NOW)
    const res = await page(`/incidents/${incidentId}/tracker/new?consultation=${consultation}`)
    assert.equal(res.statusCode, 200, res.body)
    assert.ok(checked(res.body, 'mode', 'consultation'))
    assert.ok(!checked(res.body, 'idvaPresent', 'yes'), 'no one attended a consultation')
    assert.ok(!checked(res.body, 'place', 'home'))
    assert.equal(inputValue(res.body, 'contactAtTime'), '07:20')
    assert.match(res.body, /after the consultation \(advice given 23 Nov 2026, 07:20\)/)
    assert.match(res.body, new RegExp(`name="consultationId" value="${consultation}"`))
    assert.match(res.body, new RegExp(`data-consultation-id="${consultation}"`))
  })

  it('shows a draft an API client saved in the record’s own shape', async () => {
    const draftId = await t.services.engagement.saveDraft(await t.actor('idva'), incidentId, {
      values: { idvaPresent: false, childrenCount: 3, contactAt: '2026-06-01T13:05:00Z', shareWith: ['police'] },
    })
    const res = await page(`/incidents/${incidentId}/tracker/drafts/${draftId}`)
    assert.ok(checked(res.body, 'idvaPresent', 'no'))
    assert.equal(inputValue(res.body, 'childrenCount'), '3')
    // 13:05 UTC is 14:05 in UK summer time.
    assert.deepEqual(
      ['contactAt-day', 'contactAt-month', 'contactAt-year', 'contactAtTime'].map((n) => inputValue(res.body, n)),
      ['1', '6', '2026', '14:05'],
    )
    assert.ok(checked(res.body, 'shareWith', 'police'))
    await t.deps.db.deleteFrom('tracker_contact').where('id', '=', draftId).execute()
  })

  it('refuses a contact with a missing answer, keeps every answer as the form and as a draft', async () => {
    const res = await post(`/incidents/${incidentId}/tracker`, {
      ...complete({ consentToShare: '', shareWith: [], contactAtTime: '7.15pm' }),
      visitId,
    })
    assert.equal(res.statusCode, 400, res.body)
    assert.match(res.body, /govuk-error-summary/)
    assert.match(res.body, /Enter the time of the contact in 24-hour time, like 14:30/)
    assert.match(res.body, /Say whether the victim consented to share information/)
    assert.ok(res.body.indexOf('24-hour time') < res.body.indexOf('consented to share'), 'errors in form order')
    assert.equal(inputValue(res.body, 'contactAtTime'), '7.15pm')
    assert.ok(checked(res.body, 'supportOffered', 'other'))
    assert.match(res.body, /Helped with a housing form/)
    assert.match(res.body, /Suspect’s mother arrived/)
    const [draft] = (await contacts()).filter((c) => c.status === 'draft')
    assert.ok(draft, 'kept as a draft')
    assert.equal(draft.visit_id, visitId)
    assert.deepEqual(draft.draft?.supportOffered, ['safety_planning', 'other'])
    assert.deepEqual(draft.draft?.contactAt, ['23', '11', '2026', '7.15pm'])
    assert.match(res.body, new RegExp(`name="draftId" value="${draft.id}"`))
    assert.match(res.body, /data-tracker-received/, 'the device copy can go: the server kept it')
  })

  it('resumes the draft, lists it, and submits it with an audit row', async () => {
    const [draft] = (await contacts()).filter((c) => c.status === 'draft')
    const resumed = await page(`/incidents/${incidentId}/tracker/drafts/${draft!.id}`)
    assert.equal(resumed.statusCode, 200)
    assert.match(resumed.body, /Finish recording a contact/)
    assert.equal(inputValue(resumed.body, 'contactAtTime'), '7.15pm')
    assert.match(resumed.body, /after the post-incident visit/)
    const list = await page('/tracker/drafts')
    assert.match(list.body, new RegExp(`/incidents/${incidentId}/tracker/drafts/${draft!.id}`))
    assert.match(list.body, /Alex Tracker/)

    const res = await post(`/incidents/${incidentId}/tracker`, { ...complete(), draftId: draft!.id, visitId })
    assert.equal(res.statusCode, 302, res.body)
    assert.equal(res.headers.location, `/incidents/${incidentId}/tracker/contacts/${draft!.id}?saved=submitted`)
    const row = (await contacts()).find((c) => c.id === draft!.id)!
    assert.equal(row.status, 'submitted')
    assert.equal(row.contact_at?.toISOString(), '2026-11-23T07:15:00.000Z')
    assert.deepEqual(row.support_offered, ['safety_planning', 'other'])
    assert.equal(row.engaged_safeguarding_reason, 'Suspect’s mother arrived')
    assert.deepEqual(row.share_with, ['third_sector'])
    const audit = await contactAudit(t.deps.db, row.id)
    assert.deepEqual(
      audit.map((a) => [a.action, (a.details as { status: string }).status]),
      [
        ['collect', 'draft'],
        ['collect', 'submitted'],
      ],
    )

    const shown = await page(res.headers.location as string)
    assert.equal(shown.statusCode, 200)
    assert.match(shown.body, /Contact recorded/)
    assert.match(shown.body, /data-tracker-received/)
    assert.match(shown.body, /Safety planning, Other/)
    assert.match(shown.body, /Not asked: Suspect’s mother arrived/)
    assert.match((await page('/tracker/drafts')).body, /data-testid="no-drafts"/)
    assert.equal(
      (await post(`/incidents/${incidentId}/tracker`, { ...complete(), draftId: draft!.id })).statusCode,
      409,
    )
  })

  it('saves and finishes later without JavaScript', async () => {
    const res = await post(`/incidents/${incidentId}/tracker/draft`, {
      ...complete({ engagedInvestigation: '', shareWith: [] }),
      visitId,
    })
    assert.equal(res.statusCode, 302, res.body)
    assert.equal(res.headers.location, '/tracker/drafts?saved=draft')
    const list = await page(res.headers.location as string)
    assert.match(list.body, /Draft saved/)
    assert.equal((await list.body.match(/data-testid="draft"/g))?.length, 1)
    const draft = (await contacts()).find((c) => c.status === 'draft')!
    assert.equal(draft.draft?.engagedInvestigation, null)
    assert.equal(draft.draft?.supportNotes, 'Helped with a housing form')
  })

  it('keeps a draft to its author', async () => {
    const draft = (await contacts()).find((c) => c.status === 'draft')!
    const other = await t.signIn('idva-2')
    assert.equal((await page(`/incidents/${incidentId}/tracker/drafts/${draft.id}`, other)).statusCode, 404)
    assert.doesNotMatch((await page('/tracker/drafts', other)).body, new RegExp(draft.id))
    const taken = await post(`/incidents/${incidentId}/tracker`, { ...complete(), draftId: draft.id }, other)
    assert.equal(taken.statusCode, 404)
  })

  it('refuses a police officer', async () => {
    const officer = await t.signIn('officer')
    assert.equal((await page(`/incidents/${incidentId}/tracker/new`, officer)).statusCode, 403)
    assert.equal((await post(`/incidents/${incidentId}/tracker`, complete(), officer)).statusCode, 403)
    assert.equal((await post(`/incidents/${incidentId}/tracker/draft`, complete(), officer)).statusCode, 403)
    assert.equal((await page('/tracker/drafts', officer)).statusCode, 403)
  })

  it('shows every problem at once: a missing answer, and the rules between the other answers', async () => {
    const before = await contacts()
    const res = await post(`/incidents/${incidentId}/tracker`, {
      ...complete({ engagedInvestigation: '', supportNotes: '', shareWith: [] }),
      visitId,
    })
    assert.equal(res.statusCode, 400, res.body)
    assert.deepEqual(errorList(res.body), [
      ['supportNotes', 'Describe the other support'],
      ['engagedInvestigation', 'Say whether the victim engaged with the investigation'],
      ['shareWith', 'Choose who the victim consented to share information with'],
    ])
    const kept = (await contacts()).filter((c) => !before.some((b) => b.id === c.id))
    await t.deps.db
      .deleteFrom('tracker_contact')
      .where(
        'id',
        'in',
        kept.map((c) => c.id),
      )
      .execute()
  })

  it('links the contact to the consultation it came from, through its draft', async () => {
    const consultation = await t.services.consultations.request(await t.actor('sergeant'), incidentId, {
      question: 'Should the IDVA visit tomorrow?',
    })
    const posted = {
      ...complete({ mode: 'consultation', consentToShare: '', shareWith: [] }),
      consultationId: consultation,
    }
    const refused = await post(`/incidents/${incidentId}/tracker`, posted)
    assert.equal(refused.statusCode, 400, refused.body)
    const draft = (await contacts()).find((c) => c.status === 'draft' && c.consultation_id === consultation)
    assert.ok(draft, 'the refused answers kept as a draft, with the link')
    const resumed = await page(`/incidents/${incidentId}/tracker/drafts/${draft.id}`)
    assert.match(resumed.body, new RegExp(`name="consultationId" value="${consultation}"`))
    const done = await post(`/incidents/${incidentId}/tracker`, { ...posted, consentToShare: 'no', draftId: draft.id })
    assert.equal(done.statusCode, 302, done.body)
    const row = (await contacts()).find((c) => c.id === draft.id)!
    assert.deepEqual([row.status, row.consultation_id, row.visit_id], ['submitted', consultation, null])
  })

  it('records a form posted twice (a double click without JavaScript) once, and shows it already recorded', async () => {
    const before = await contacts()
    const form = await page(`/incidents/${incidentId}/tracker/new?visit=${visitId}`)
    const submissionId = /name="submissionId" value="([^"]+)"/.exec(form.body)![1]!
    assert.equal((await contacts()).length, before.length, 'the form’s id is not a record')
    const posted = { ...complete(), visitId, submissionId }
    const [first, second] = await Promise.all([
      post(`/incidents/${incidentId}/tracker`, posted),
      post(`/incidents/${incidentId}/tracker`, posted),
    ])
    const again = await post(`/incidents/${incidentId}/tracker`, posted)
    const added = (await contacts()).filter((c) => !before.some((b) => b.id === c.id))
    assert.equal(added.length, 1, 'one contact')
    assert.deepEqual([added[0]!.status, added[0]!.submission_id], ['submitted', submissionId])
    const shown = `/incidents/${incidentId}/tracker/contacts/${added[0]!.id}`
    assert.deepEqual([first, second, again].map((r) => [r.statusCode, r.headers.location]).sort(), [
      [302, `${shown}?saved=already`],
      [302, `${shown}?saved=already`],
      [302, `${shown}?saved=submitted`],
    ])
    const already = await page(`${shown}?saved=already`)
    assert.match(already.body, /Contact already recorded/)
    assert.match(already.body, /data-tracker-received/)
    // A new form is a new contact.
    const next = await page(`/incidents/${incidentId}/tracker/new?visit=${visitId}`)
    assert.notEqual(/name="submissionId" value="([^"]+)"/.exec(next.body)![1], submissionId)
    await t.deps.db.deleteFrom('tracker_contact').where('id', '=', added[0]!.id).execute()
  })

  it('shows how and when it is safe to contact the victim', async () => {
    const [victim] = await victims(incidentId)
    await t.services.deployment.setSafeContact(
      await t.actor('idva'),
      victim!,
      safeContactSaying('Text first; never when he is home'),
    )
    const res = await page(`/incidents/${incidentId}/tracker/new`)
    assert.match(res.body, new RegExp(`data-testid="safe-contact" data-victim-id="${victim}"`))
    assert.match(res.body, /data-testid="safe-contact-line">[^<]*Text first; never when he is home</)
    assert.doesNotMatch(res.body, /\/safe-contact">(Change|Record)/, 'no link to change them here')
  })

  it('records a contact with the victim chosen on an incident with two, and asks which when none is named', async () => {
    const { id: two } = await t.services.intake.create(
      systemActor('test'),
      anIncident({
        people: [
          aPerson({ firstName: 'Maria', lastName: 'Twovictims', dateOfBirth: undefined }),
          aPerson({ firstName: 'Rosa', lastName: 'Twovictims', dateOfBirth: undefined }),
          aSuspect({ dateOfBirth: undefined }),
        ],
      }),
      'api',
    )
    const [mother, daughter] = await victims(two)
    await t.services.deployment.setSafeContact(
      await t.actor('idva'),
      daughter!,
      safeContactSaying('Only on her work phone'),
    )

    const asks = await page(`/incidents/${two}/tracker/new`)
    assert.equal(asks.statusCode, 200, asks.body)
    assert.match(asks.body, /With one of the victims on this incident/)
    const question = asks.body.indexOf('Who was the contact with?')
    assert.ok(question > 0 && question < asks.body.indexOf('name="mode"'), 'the first question')
    assert.ok(asks.body.includes(`name="personId" type="radio" value="${mother}"`))
    assert.ok(asks.body.includes(`name="personId" type="radio" value="${daughter}"`))
    assert.doesNotMatch(asks.body, /data-testid="safe-contact"/, 'no one’s details until the choice')

    const named = await page(`/incidents/${two}/tracker/new?victim=${daughter}`)
    assert.match(named.body, /With <strong>Rosa Twovictims<\/strong>/)
    assert.match(named.body, new RegExp(`<input type="hidden" name="personId" value="${daughter}">`))
    assert.match(named.body, new RegExp(`data-person-id="${daughter}"`))
    assert.match(named.body, /Only on her work phone/)
    const suspect = (await peopleOn(t.deps.db, two)).find((p) => p.role === 'suspect')!
    const nobody = await page(`/incidents/${two}/tracker/new?victim=${suspect.id}`)
    assert.equal(nobody.statusCode, 404)
    assert.match(nobody.body, /That person is not a victim on this incident/)

    const before = await contacts()
    const unnamed = await post(`/incidents/${two}/tracker`, complete({ consentToShare: '', shareWith: [] }))
    assert.equal(unnamed.statusCode, 400, unnamed.body)
    assert.deepEqual(errorList(unnamed.body), [
      ['personId', 'Choose who the contact was with'],
      ['consentToShare', 'Say whether the victim consented to share information'],
    ])
    assert.match(unnamed.body, /Helped with a housing form/, 'the answers as entered')
    assert.equal((await contacts()).length, before.length, 'nothing kept: a draft is someone’s')

    const done = await post(`/incidents/${two}/tracker`, { ...complete(), personId: daughter! })
    assert.equal(done.statusCode, 302, done.body)
    const recorded = (await contacts()).find((c) => !before.some((b) => b.id === c.id))!
    assert.equal(recorded.person_id, daughter)
    const shown = await page(done.headers.location as string)
    assert.match(shown.body, /With <strong>Rosa Twovictims<\/strong>/)
    assert.ok(shown.body.includes(`/incidents/${two}/tracker/new?victim=${daughter}">Record another contact with Rosa`))

    const views = createViews()
    const panel = views.render('engagement/views/_incident-panel.njk', {
      tracker: await t.services.engagement.incidentPanel(await t.actor('idva'), two),
      can: () => true,
    })
    assert.deepEqual(
      [...panel.matchAll(/href="([^"]+)" data-testid="record-contact">([^<]+)</g)].map((m) => [m[1], m[2]]),
      [
        [`/incidents/${two}/tracker/new?victim=${mother}`, 'Record a contact with Maria Twovictims'],
        [`/incidents/${two}/tracker/new?victim=${daughter}`, 'Record a contact with Rosa Twovictims'],
      ],
    )
    assert.match(panel, /Post-incident visit with Rosa Twovictims, recorded by/)
  })

  it('gives the incident page a panel of its contacts, and nothing to those who may not see them', async () => {
    const views = createViews()
    const render = (tracker: unknown, can: (a: string) => boolean) =>
      views.render('engagement/views/_incident-panel.njk', { tracker, can })
    const panel = await t.services.engagement.incidentPanel(await t.actor('idva'), incidentId)
    const html = render(panel, () => true)
    assert.match(html, /Tracker contacts/)
    assert.match(html, /23 Nov 2026, 07:15: Post-incident visit, recorded by Chris Demo \(Health IDVA\)/)
    assert.match(html, /Engaged with the criminal investigation[\s\S]*Yes/)
    assert.match(html, /Third-sector support/)
    assert.match(html, /Record a contact/)
    assert.match(html, /Your draft, saved/)
    const sergeant = await t.services.engagement.incidentPanel(await t.actor('sergeant'), incidentId)
    assert.doesNotMatch(
      render(sergeant, (a) => a === 'tracker:view'),
      /Record a contact|Your draft/,
    )
    assert.equal(await t.services.engagement.incidentPanel(await t.actor('officer'), incidentId), null)
    assert.equal(render(null, () => false).trim(), '')
  })
})
