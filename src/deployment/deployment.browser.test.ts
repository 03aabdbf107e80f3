import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { systemActor } from '../auth/actor.ts'
import { testContext, type TestContext } from '../test-support/app.ts'
import { anIncident, aPerson, aSuspect } from '../test-support/builders.ts'
import { browserSession, checkTab, type BrowserSession, type BrowserTab } from '../test-support/browser.ts'
import { aShift } from '../test-support/deployment.ts'
import { SignInPage } from '../test-support/pages/sign-in.ts'
import { ShiftPlanPage } from '../test-support/pages/shift-plan.ts'

const SURNAMES = ['Ashby', 'Baxter', 'Chapman', 'Dixon', 'Ellis', 'Foster', 'Gibson', 'Harper', 'Irwin', 'Jarvis']

// PGlite only, as the other browser suites: the service tests run every query on both engines.
describe('a joint team’s shift in the browser [pglite]', () => {
  let ctx: TestContext
  let session: BrowserSession
  let team: BrowserTab
  let sergeant: BrowserTab
  let plan: ShiftPlanPage
  let shift: string
  let live: { id: string; ref: string }

  before(async () => {
    ctx = await testContext('pglite')
    const decider = await ctx.actor('sergeant')
    const add = async (i: number, decide: boolean) => {
      const input = anIncident({
        risk: 'high',
        people: [aPerson({ dateOfBirth: undefined, lastName: SURNAMES[i]! }), aSuspect({ dateOfBirth: undefined })],
        location: {
          address: `${i} Browser Street`,
          postcode: 'FY1 4AB',
          area: 'Blackpool',
          latitude: 53.8 + (i % 5) * 0.01,
          longitude: -3.05 + Math.floor(i / 5) * 0.015,
        },
      })
      const { id } = await ctx.services.intake.create(systemActor('test'), input, 'api')
      if (decide) await ctx.services.triage.decide(decider, id, { decision: 'attend', reasonCode: 'high_risk' })
      return { id, ref: input.forceReference }
    }
    // More victims than one shift can see, so the plan leaves some out.
    for (let i = 0; i < 9; i++) await add(i, true)
    live = await add(9, false)
    shift = await aShift(ctx.deps.db)
    session = await browserSession(ctx)
    team = await session.tab()
    sergeant = await session.tab()
    plan = new ShiftPlanPage(team.page, session.baseUrl)
  })

  after(async () => {
    await (session ? session.close() : ctx?.close())
  })

  it('opens the team’s shift and makes the plan', async () => {
    await new SignInPage(team.page, session.baseUrl).goto().then((p) => p.signIn('provide-officer'))
    await plan.openFromMyShifts('Op Provide: Blackpool, Fylde and Wyre')
    assert.equal(await plan.heading(), 'Plan: Op Provide: Blackpool, Fylde and Wyre')
    await checkTab(team, 'shift plan before planning')
    await plan.makePlan()
    const planned = await plan.planned()
    assert.ok(planned.length >= 4 && planned.length < 9, `${planned.length} visits planned`)
    const left = await plan.leftOut()
    assert.equal(planned.length + left.length, 9, 'every candidate is planned or listed with a reason')
    assert.ok(left.every((l) => /Not enough time/.test(l.text)))
    assert.match(await plan.whatChanged(), /Plan made: total priority/)
    assert.equal(await team.page.locator('svg[role="img"] > title').count(), 1, 'a map of the stops')
    await checkTab(team, 'shift plan')
  })

  it('pins a left-out visit and shows what it cost', async () => {
    const [left] = await plan.leftOut()
    await plan.pinLeftOut(left!.reference)
    const planned = await plan.planned()
    assert.ok(planned.find((p) => p.reference === left!.reference)?.pinned, 'pinned and planned')
    const changed = await plan.whatChanged()
    assert.match(changed, new RegExp(`Added ${left!.reference}`))
    assert.match(changed, /No longer fits: /)
    await checkTab(team, 'shift plan after pinning')
  })

  it('receives a live incident sent by the sergeant, and sees what moved', async () => {
    await new SignInPage(sergeant.page, session.baseUrl).goto().then((p) => p.signIn('sergeant'))
    await sergeant.page.goto(`${session.baseUrl}/triage/incidents/${live.id}`)
    await sergeant.page.getByTestId('send-live').click()
    await sergeant.page.waitForURL(/send-live$/)
    await checkTab(sergeant, 'send a live incident')
    await sergeant.page.getByLabel('Op Provide: Blackpool, Fylde and Wyre').check()
    await Promise.all([
      sergeant.page.waitForURL(/saved=live/),
      sergeant.page.getByRole('button', { name: 'Send to the team' }).click(),
    ])

    await plan.goto(shift)
    const planned = await plan.planned()
    const liveRow = planned.find((p) => p.reference === live.ref)
    assert.ok(liveRow?.text.includes('Live incident'), 'the live incident is on the plan')
    const changed = await plan.whatChanged()
    assert.match(changed, new RegExp(`Live incident ${live.ref} sent to the team`))
    assert.match(changed, new RegExp(`Added ${live.ref}`))
    await checkTab(team, 'shift plan after a live incident')
  })

  it('records outcomes; a victim not at home goes back to the candidates', async () => {
    const [first, second] = await plan.planned()
    await plan.recordOutcome(first!.reference, 'Seen')
    await checkTab(team, 'plan after an outcome')
    await plan.recordOutcome(second!.reference, 'Not at home', 'No answer at the door')
    const done = await plan.completed()
    assert.deepEqual(done.map((d) => d.reference).sort(), [first!.reference, second!.reference].sort())
    assert.match(
      done.find((d) => d.reference === second!.reference)!.text,
      /Not at home: No answer at the door[\s\S]*Back among the candidates/,
    )
    assert.ok(!(await plan.planned()).some((p) => p.reference === first!.reference))
  })

  it('checks the outcome form and the printable plan', async () => {
    const [next] = await plan.planned()
    await team.page.getByRole('link', { name: `Outcome of ${next!.reference}` }).click()
    await team.page.getByRole('button', { name: 'Record the outcome' }).click()
    await team.page.getByText('Choose what happened').first().waitFor()
    await checkTab(team, 'outcome form with an error')
    await team.page.goto(`${session.baseUrl}/deployment/shifts/${shift}/print`)
    assert.match(await team.page.getByRole('heading', { level: 1 }).innerText(), /Visit plan/)
    await checkTab(team, 'printable plan')
  })
})
