import { after, before, it } from 'node:test'
import assert from 'node:assert/strict'
import { describeEachEngine } from '../test-support/db.ts'
import { testApp, type TestApp } from '../test-support/app.ts'
import { anIncident, aPerson, aSuspect, inCustody } from '../test-support/builders.ts'
import { hoursBefore } from '../test-support/clock.ts'
import { insertAgency } from '../auth/repository.ts'
import { systemActor, type Actor } from '../auth/actor.ts'
import { ROLES, type Role } from '../auth/roles.ts'
import { DEMO_USERS } from '../demo/seed.ts'
import type { RouteEntry } from '../server/app.ts'
import { POLICY } from './policy.ts'
import { reaches, widestScope, type RecordFacts } from './rules.ts'
import { assertRouteGuarded } from '../server/http.ts'

/**
 * The authorisation matrix, generated from the policy and the app's own route table: every route
 * x every role x a record of the user's own agency and one of another agency. Each cell's
 * expectation comes from POLICY; the request goes through the whole app. A route added without
 * an action stops the app starting; a route added without a sample here fails this test.
 */

type Fixture = 'own' | 'other'
type Kind =
  'incident' | 'import_job' | 'shift' | 'plan' | 'consultation' | 'victim' | 'safeguarding_action' | 'handover'

/** Which kind of record a route's `:id` names, by URL prefix. */
const PARAM_KINDS: [RegExp, Kind][] = [
  [/^\/(api\/v1\/)?imports\/:id/, 'import_job'],
  [/^\/(api\/v1\/)?(triage\/)?incidents\/:id/, 'incident'],
  [/^\/(api\/v1\/)?rota\/shifts\/:id/, 'shift'],
  [/^\/(deployment|api\/v1)\/shifts\/:id/, 'plan'],
  [/^\/(api\/v1\/)?consultations\/:id/, 'consultation'],
  [/^\/(api\/v1\/)?victims\/:id/, 'victim'],
  [/^\/(api\/v1\/)?actions\/:id/, 'safeguarding_action'],
  [/^\/(api\/v1\/)?handovers\/:id/, 'handover'],
]

/**
 * Only an action's owners may change it and only the receiving team may accept a hand-over, inside
 * what the policy allows: these cells act on a fresh record the cell's user owns, so a refusal can
 * only be the policy's.
 */
const OWNED_BY_CELL = new Set([
  'POST /actions/:id/status',
  'POST /api/v1/actions/:id/status',
  'POST /actions/:id/assign-to-me',
  'POST /api/v1/actions/:id/assign-to-me',
  'POST /handovers/:id/accept',
  'POST /api/v1/handovers/:id/accept',
])

/** Values for parameters that do not name a record the policy scopes, from the fixtures. */
const ids: Record<string, string> = {}
const PARAM_VALUES: Record<string, () => string> = {
  'GET /incidents/recorded/:reference': () => 'MATRIX-OWN',
  'GET /governance/break-glass/:id': () => ids.grant!,
  'GET /api/v1/governance/break-glass/:id': () => ids.grant!,
  'POST /governance/break-glass/:id/review': () => ids.grant!,
  'POST /api/v1/governance/break-glass/:id/review': () => ids.grant!,
  // The rota's bases, vehicles and rotations are the sergeant's agency's (made in `before`).
  'GET /rota/bases/:id/edit': () => ids.base!,
  'POST /rota/bases/:id/edit': () => ids.base!,
  'PATCH /api/v1/rota/bases/:id': () => ids.base!,
  'GET /rota/vehicles/:id/edit': () => ids.vehicle!,
  'POST /rota/vehicles/:id/edit': () => ids.vehicle!,
  'PATCH /api/v1/rota/vehicles/:id': () => ids.vehicle!,
  'GET /rota/rotations/:id/end': () => ids.rotation!,
  'POST /rota/rotations/:id/end': () => ids.rotation!,
  'POST /api/v1/rota/rotations/:id/end': () => ids.rotation!,
}

/**
 * Administration routes name users, teams and agencies, not records the policy scopes. Each
 * fixture has its own set (made in `before`), and the routes run in the order they are
 * registered, so an administrator's change in one cell (disabling, removing a member, ending an
 * agreement) leaves the next something to act on. Each team keeps a member no route removes, so
 * deleting it is always refused (409) and later cells still find it.
 */
interface AdminFixture {
  agency: string
  partner: string
  user: string
  team: string
}
const ADMIN_PARAMS: [RegExp, (a: AdminFixture) => Record<string, string>][] = [
  [/^\/(api\/v1\/)?admin\/users\/:id/, (a) => ({ id: a.user })],
  [/^\/(api\/v1\/)?admin\/teams\/:id/, (a) => ({ id: a.team, userId: a.user })],
  [/^\/(api\/v1\/)?admin\/agencies\/:id/, (a) => ({ id: a.agency, partnerAgencyId: a.partner, resource: 'incident' })],
]
const adminParams = (url: string, a: AdminFixture) => ADMIN_PARAMS.find(([pattern]) => pattern.test(url))?.[1](a)

type BodyFixtures = { personId: string; admin: AdminFixture; incidentId: string; planShiftId: string }
const share = ({ admin }: BodyFixtures) => ({ partnerAgencyId: admin.partner, resource: 'incident' })

/** Bodies for routes that take one: valid, so a refusal can only be the access check's. */
const BODIES: Record<string, (f: BodyFixtures) => Record<string, unknown>> = {
  'POST /api/v1/incidents': () => anIncident(),
  'POST /incidents': () => ({}),
  'POST /imports': () => ({}),
  'POST /triage/incidents/:id/decision': () => ({ decision: 'attend', reasonCode: 'high_risk' }),
  'POST /api/v1/incidents/:id/decisions': () => ({ decision: 'attend', reasonCode: 'high_risk' }),
  'POST /triage/incidents/:id/reveal': (f) => ({ personId: f.personId, field: 'address', reason: 'Planning a visit' }),
  'POST /api/v1/incidents/:id/reveal': (f) => ({ personId: f.personId, field: 'address', reason: 'Planning a visit' }),
  'POST /incidents/:id/break-glass': () => ({ reason: 'Emergency: the victim called 999 from this address' }),
  'POST /api/v1/incidents/:id/break-glass': () => ({ reason: 'Emergency: the victim called 999 from this address' }),
  'POST /sign-out': () => ({}),
  // A wrong code is refused with 400 after the access check, which is all these cells test.
  'POST /account/security/enrol': () => ({ code: '000000' }),
  'POST /account/security/recovery-codes': () => ({ code: '000000' }),
  'POST /account/security/turn-off': () => ({ code: '000000' }),
  'POST /governance/break-glass/:id/review': () => ({ outcome: 'justified' }),
  'POST /api/v1/governance/break-glass/:id/review': () => ({ outcome: 'justified' }),
  // Administration: the second fixture's create finds the name taken (400 or 409), which is fine.
  'POST /admin/users': (f) => ({
    username: 'matrix-new',
    displayName: 'Matrix',
    agencyId: f.admin.agency,
    roles: 'analyst',
  }),
  'POST /admin/users/:id/name': () => ({ displayName: 'Matrix target' }),
  'POST /admin/users/:id/roles': () => ({ roles: ['analyst'] }),
  'POST /admin/users/:id/teams': () => ({ teamIds: [] }),
  'POST /admin/users/:id/disable': () => ({}),
  'POST /admin/users/:id/enable': () => ({}),
  'POST /admin/teams': (f) => ({ agencyId: f.admin.agency, name: 'Matrix page team', areas: ['Blackpool'] }),
  'POST /admin/teams/:id/edit': () => ({ name: 'Matrix team', areas: ['Blackpool', 'Fylde'] }),
  'POST /admin/teams/:id/members': (f) => ({ userId: f.admin.user }),
  'POST /admin/teams/:id/members/:userId/remove': () => ({}),
  'POST /admin/teams/:id/delete': () => ({}),
  'POST /admin/agencies': () => ({ code: 'matrix-page', name: 'Matrix page agency', kind: 'third_sector' }),
  'POST /admin/agencies/:id/edit': () => ({ name: 'Matrix agency' }),
  'POST /admin/agencies/:id/shares': share,
  'POST /admin/agencies/:id/shares/remove': share,
  'POST /api/v1/admin/agencies': () => ({ code: 'matrix-api', name: 'Matrix API agency', kind: 'nhs' }),
  'PATCH /api/v1/admin/agencies/:id': () => ({ name: 'Matrix agency' }),
  'POST /api/v1/admin/agencies/:id/shares': share,
  'DELETE /api/v1/admin/agencies/:id/shares/:partnerAgencyId/:resource': () => ({}),
  'POST /api/v1/admin/teams': (f) => ({ agencyId: f.admin.agency, name: 'Matrix API team', areas: [] }),
  'PATCH /api/v1/admin/teams/:id': () => ({ areas: ['Blackpool'] }),
  'PUT /api/v1/admin/teams/:id/members/:userId': () => ({}),
  'DELETE /api/v1/admin/teams/:id/members/:userId': () => ({}),
  'DELETE /api/v1/admin/teams/:id': () => ({}),
  'POST /api/v1/admin/users': (f) => ({
    username: 'matrix-api',
    displayName: 'Matrix',
    agencyId: f.admin.agency,
    roles: ['analyst'],
  }),
  'PATCH /api/v1/admin/users/:id': () => ({ displayName: 'Matrix target' }),
  'PUT /api/v1/admin/users/:id/roles': () => ({ roles: ['analyst'] }),
  'PUT /api/v1/admin/users/:id/teams': () => ({ teamIds: [] }),
  'POST /api/v1/admin/users/:id/disable': () => ({}),
  'POST /api/v1/admin/users/:id/enable': () => ({}),
  'POST /admin/users/:id/reset-second-factor': () => ({}),
  // Shift plans: the fixture's shift is on now; its visits come and go as the cells run.
  'POST /deployment/shifts/:id/plan': () => ({}),
  'POST /deployment/shifts/:id/candidates/:incidentId/pin': () => ({}),
  'POST /deployment/shifts/:id/candidates/:incidentId/restore': () => ({}),
  'POST /deployment/shifts/:id/candidates/:incidentId/drop': () => ({ reason: 'Matrix drop' }),
  'POST /deployment/shifts/:id/visits/:visitId/unpin': () => ({}),
  'POST /deployment/shifts/:id/visits/:visitId/move': () => ({ direction: 'later' }),
  'POST /deployment/shifts/:id/visits/:visitId/outcome': () => ({ outcome: 'not_at_home' }),
  'POST /incidents/:id/send-live': (f) => ({ shiftId: f.planShiftId }),
  'POST /victims/:id/safe-contact': () => ({ methods: 'text', weekday0: '1', start0: '10:00', end0: '12:00' }),
  'POST /incidents/:id/consultations': () => ({ question: 'Matrix question for the IDVA' }),
  'POST /consultations/:id/advice': () => ({ advice: 'Matrix advice given', minutesTaken: '5' }),
  'POST /api/v1/shifts/:id/plan': () => ({}),
  'POST /api/v1/shifts/:id/plan/pins': (f) => ({ incidentId: f.incidentId }),
  'POST /api/v1/shifts/:id/plan/drops': (f) => ({ incidentId: f.incidentId, reason: 'Matrix drop' }),
  'POST /api/v1/shifts/:id/visits/:visitId/outcome': () => ({ outcome: 'not_at_home' }),
  'POST /api/v1/incidents/:id/live-dispatch': (f) => ({ shiftId: f.planShiftId }),
  'PUT /api/v1/victims/:id/safe-contact': () => ({ methods: ['text'], onlyWhileSuspectInCustody: false, windows: [] }),
  'POST /api/v1/incidents/:id/consultations': () => ({ question: 'Matrix question for the IDVA' }),
  'POST /api/v1/consultations/:id/advice': () => ({ advice: 'Matrix advice given', minutesTaken: 5 }),
  'POST /api/v1/incidents/:id/tracker/drafts': () => ({ values: { place: 'home' } }),
  'PUT /api/v1/incidents/:id/tracker/drafts/:draftId': () => ({ values: { place: 'gp' } }),
  'POST /api/v1/incidents/:id/tracker': () => ({
    values: {
      mode: 'post_incident',
      contactAt: hoursBefore(1).toISOString(),
      place: 'home',
      idvaPresent: true,
      officerPresent: true,
      supportOffered: ['safety_planning'],
      engagedInvestigation: 'yes',
      engagedSafeguarding: 'yes',
      childrenCount: 0,
      consentToShare: 'no',
    },
  }),
  // The rota. Shift changes run on the own agency's fixture shift in route order: once it is
  // cancelled, later changes are refused with 400, which is still past the access check.
  'POST /rota/shifts': () => ({
    teamId: ids.rotaTeam!,
    'date-day': '24',
    'date-month': '11',
    'date-year': '2026',
    pattern: 'late',
    baseId: ids.base!,
  }),
  'POST /api/v1/rota/shifts': () => ({
    teamId: ids.rotaTeam!,
    startsAt: '2026-11-25T07:00:00Z',
    endsAt: '2026-11-25T15:00:00Z',
    baseId: ids.base!,
  }),
  'POST /rota/shifts/:id/edit': () => ({
    'date-day': '26',
    'date-month': '11',
    'date-year': '2026',
    pattern: 'early',
    baseId: ids.base!,
    vehicleId: '',
  }),
  'PATCH /api/v1/rota/shifts/:id': () => ({ vehicleId: null }),
  'POST /rota/shifts/:id/members': () => ({}),
  'PUT /api/v1/rota/shifts/:id/members': () => ({ members: [] }),
  'POST /rota/shifts/:id/cancel': () => ({}),
  'POST /api/v1/rota/shifts/:id/cancel': () => ({}),
  'POST /rota/bases': () => ({ name: 'Matrix page base', area: 'Blackpool', latitude: '53.81', longitude: '-3.05' }),
  'POST /rota/bases/:id/edit': () => ({
    name: 'Matrix base',
    area: 'Blackpool',
    latitude: '53.8143',
    longitude: '-3.0503',
    active: 'yes',
  }),
  'POST /api/v1/rota/bases': () => ({ name: 'Matrix API base', area: 'Fylde', latitude: 53.75, longitude: -2.98 }),
  'PATCH /api/v1/rota/bases/:id': () => ({ active: true }),
  'POST /rota/vehicles': () => ({ callSign: 'Matrix page', registration: '' }),
  'POST /rota/vehicles/:id/edit': () => ({ callSign: 'Matrix vehicle', registration: '', active: 'yes' }),
  'POST /api/v1/rota/vehicles': () => ({ callSign: 'Matrix API' }),
  'PATCH /api/v1/rota/vehicles/:id': () => ({ active: true }),
  'POST /rota/rotations': () => ({
    userId: ids.rotaOfficer!,
    homeTeam: 'Response team A',
    'startsOn-day': '1',
    'startsOn-month': '1',
    'startsOn-year': '2026',
    'endsOn-day': '31',
    'endsOn-month': '1',
    'endsOn-year': '2026',
  }),
  'POST /api/v1/rota/rotations': () => ({
    userId: ids.rotaOfficer!,
    homeTeam: 'Response team A',
    startsOn: '2026-02-01',
    endsOn: '2026-02-28',
  }),
  'POST /rota/rotations/:id/end': () => ({ 'endsOn-day': '30', 'endsOn-month': '11', 'endsOn-year': '2026' }),
  'POST /api/v1/rota/rotations/:id/end': () => ({ endsOn: '2026-11-30' }),
  'POST /incidents/:id/tracker': () => ({
    mode: 'post_incident',
    'contactAt-day': '23',
    'contactAt-month': '11',
    'contactAt-year': '2026',
    contactAtTime: '07:00',
    place: 'home',
    idvaPresent: 'yes',
    officerPresent: 'yes',
    supportOffered: 'safety_planning',
    engagedInvestigation: 'yes',
    engagedSafeguarding: 'yes',
    childrenCount: '0',
    consentToShare: 'no',
  }),
  'POST /incidents/:id/tracker/draft': () => ({ place: 'gp' }),
  // Safeguarding. An unknown team is refused with 400 after the access check.
  'POST /victims/:id/actions/new': () => ({ kind: 'police_alarm' }),
  'POST /api/v1/victims/:id/actions': () => ({ kind: 'police_alarm' }),
  'POST /actions/:id/status': () => ({ status: 'accepted' }),
  'POST /api/v1/actions/:id/status': () => ({ status: 'accepted' }),
  'POST /actions/:id/assign-to-me': () => ({}),
  'POST /api/v1/actions/:id/assign-to-me': () => ({}),
  'POST /victims/:id/handover': () => ({ teamId: MISSING_ID, summary: HANDOVER_SUMMARY }),
  'POST /api/v1/victims/:id/handover': () => ({ teamId: MISSING_ID, summary: HANDOVER_SUMMARY }),
  'POST /handovers/:id/accept': () => ({ note: 'Taken on' }),
  'POST /api/v1/handovers/:id/accept': () => ({ note: 'Taken on' }),
  // NHS appointments: an empty bundle is valid and saves nothing.
  'POST /health/appointments': () => ({}),
  'POST /api/v1/health/appointment-bundles': () => ({ resourceType: 'Bundle', type: 'collection', entry: [] }),
  'POST /victims/:id/appointments/:appointmentId/contact': () => ({ note: 'Matrix note' }),
  'POST /victims/:id/appointments/:appointmentId/contact/cancel': () => ({}),
  'PUT /api/v1/victims/:id/appointments/:appointmentId/contact': () => ({ note: 'Matrix note' }),
  'DELETE /api/v1/victims/:id/appointments/:appointmentId/contact': () => ({}),
}
const MISSING_ID = '00000000-0000-4000-8000-000000000000'
const HANDOVER_SUMMARY = 'Visited with the IDVA; alarm requested; victim wants texts only.'

/** Query strings for routes that need one to list anything. */
const QUERIES: Record<string, string> = {
  'GET /incidents': '?q=MATRIX',
  'GET /api/v1/incidents': '?q=MATRIX',
  'GET /triage/incidents/:id/reveal': '?field=address',
}

/** Lists that show records: the fixture's marker must appear exactly when its scope reaches it. */
const LISTS: Record<string, Kind> = {
  'GET /triage': 'incident',
  'GET /api/v1/triage/queue': 'incident',
  'GET /triage/queue.csv': 'incident',
  'GET /custody': 'incident',
  'GET /api/v1/custody': 'incident',
  'GET /incidents': 'incident',
  'GET /api/v1/incidents': 'incident',
  'GET /imports': 'import_job',
  'GET /rota': 'shift',
  'GET /api/v1/rota/shifts': 'shift',
  'GET /consultations': 'consultation',
  'GET /api/v1/consultations': 'consultation',
}

/** Routes that end the session or grant access run after every other cell. */
const LAST = new Set(['POST /sign-out', 'POST /incidents/:id/break-glass', 'POST /api/v1/incidents/:id/break-glass'])
const BREAK_GLASS = new Set(['POST /incidents/:id/break-glass', 'POST /api/v1/incidents/:id/break-glass'])

const HEALTH_NOTE = 'MATRIXHEALTHNOTE'
const NHS = { own: '9434765919', other: '4010232137' }
const ADDRESS = { own: '1 Matrixown Road', other: '2 Matrixother Road' }

describeEachEngine('authorisation matrix', (engine) => {
  let t: TestApp
  const users = new Map<Role, { actor: Actor; cookie: string; csrf: string; token: string }>()
  const records: Record<Kind, Record<Fixture, { id: string; marker: string; facts: RecordFacts }>> = {
    incident: {} as never,
    import_job: {} as never,
    shift: {} as never,
    plan: {} as never,
    consultation: {} as never,
    victim: {} as never,
    safeguarding_action: {} as never,
    handover: {} as never,
  }
  const appointmentIds = {} as Record<Fixture, string>
  const contactIds = {} as Record<Fixture, string>
  let receivingTeams = 0
  const personIds: Record<Fixture, string> = { own: '', other: '' }
  const admins = {} as Record<Fixture, AdminFixture>

  before(async () => {
    t = await testApp(engine)
    const otherForce = await insertAgency(t.deps.db, { code: 'other-force', name: 'Another force', kind: 'police' })
    await t.services.auth.createUser(systemActor('test'), {
      username: 'other-sergeant',
      displayName: 'DS Other',
      agencyCode: 'other-force',
      password: null,
      roles: ['detective_sergeant'],
    })
    const creators: Record<Fixture, Actor> = { own: await t.actor('officer'), other: await t.actor('other-sergeant') }
    for (const f of ['own', 'other'] as const) {
      const input = anIncident({
        forceReference: `MATRIX-${f.toUpperCase()}`,
        risk: 'high',
        healthNeeds: true,
        healthNeedsNotes: `${HEALTH_NOTE} ${f}`,
        location: { address: ADDRESS[f], postcode: 'FY1 1AA', area: 'Blackpool' },
        people: [
          aPerson({ nhsNumber: NHS[f], address: ADDRESS[f], postcode: 'FY1 1AA', phone: '07700900123' }),
          aSuspect({ custody: inCustody(1, 4) }),
        ],
      })
      const { id } = await t.services.intake.create(creators[f], input, 'api')
      const facts = await t.deps.db
        .selectFrom('incident')
        .select(['owner_agency_id', 'created_by', 'area'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
      records.incident[f] = {
        id,
        marker: input.forceReference,
        facts: { ownerAgencyId: facts.owner_agency_id, createdBy: facts.created_by, area: facts.area },
      }
      const person = await t.deps.db
        .selectFrom('incident_person')
        .select('id')
        .where('incident_id', '=', id)
        .where('role', '=', 'victim')
        .executeTakeFirstOrThrow()
      personIds[f] = person.id
    }
    const sergeant = await t.actor('sergeant')
    for (const [f, actor, agency] of [
      ['own', sergeant, sergeant.agencyId],
      ['other', creators.other, otherForce],
    ] as const) {
      const filename = `matrix-${f}-import.csv`
      const id = await t.services.imports.createJob(actor, filename, 'all_or_nothing', agency)
      records.import_job[f] = {
        id,
        marker: filename,
        facts: { ownerAgencyId: agency, createdBy: actor.userId, area: null },
      }
    }
    const grant = await t.deps.db
      .insertInto('break_glass_grant')
      .values({
        user_id: creators.other.userId,
        action: 'incident:view',
        resource: 'incident',
        record_id: records.incident.own.id,
        reason: 'Matrix fixture',
        granted_at: new Date(),
        expires_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    ids.grant = grant.id
    // The rota: a team, base and shift in each fixture agency (the shift's team name is its marker
    // on the week view), and the sergeant's agency's vehicle and an officer's open rotation.
    for (const [f, actor] of [
      ['own', sergeant],
      ['other', creators.other],
    ] as const) {
      const marker = `Matrix rota ${f}`
      const team = await t.deps.db
        .insertInto('team')
        .values({ agency_id: actor.agencyId, name: marker })
        .returning('id')
        .executeTakeFirstOrThrow()
      const base = await t.services.rota.createBase(actor, {
        name: `Matrix base ${f}`,
        area: 'Blackpool',
        latitude: 53.8143,
        longitude: -3.0503,
      })
      const shift = await t.services.rota.createShift(actor, {
        teamId: team.id,
        startsAt: '2026-11-26T07:00:00Z',
        endsAt: '2026-11-26T15:00:00Z',
        baseId: base.id,
      })
      records.shift[f] = {
        id: shift.id,
        marker,
        facts: { ownerAgencyId: actor.agencyId, createdBy: actor.userId, area: 'Blackpool' },
      }
      if (f === 'own') Object.assign(ids, { rotaTeam: team.id, base: base.id })
    }
    const officerIds = await t.deps.db
      .selectFrom('app_user')
      .select(['id', 'username'])
      .where('username', 'in', ['officer', 'provide-officer'])
      .execute()
    ids.rotaOfficer = officerIds.find((u) => u.username === 'provide-officer')!.id
    ids.vehicle = (await t.services.rota.createVehicle(sergeant, { callSign: 'Matrix vehicle' })).id
    ids.rotation = (
      await t.services.rota.createRotation(sergeant, {
        userId: officerIds.find((u) => u.username === 'officer')!.id,
        homeTeam: 'Response team C, Blackpool',
        startsOn: '2025-01-01',
      })
    ).id
    // Shift plans: a shift on now in each fixture agency, with a joint team and a vehicle, and a
    // consultation on each fixture incident (its question is the marker on the IDVA's list).
    for (const [f, actor] of [
      ['own', sergeant],
      ['other', creators.other],
    ] as const) {
      const team = await t.deps.db
        .insertInto('team')
        .values({ agency_id: actor.agencyId, name: `Matrix plan ${f}` })
        .returning('id')
        .executeTakeFirstOrThrow()
      await t.deps.db.insertInto('team_area').values({ team_id: team.id, area: 'Blackpool' }).execute()
      const base = await t.services.rota.createBase(actor, {
        name: `Matrix plan base ${f}`,
        area: 'Blackpool',
        latitude: 53.8143,
        longitude: -3.0503,
      })
      const vehicle = await t.services.rota.createVehicle(actor, { callSign: `Matrix plan ${f}` })
      const shift = await t.deps.db
        .insertInto('shift')
        .values({
          team_id: team.id,
          starts_at: hoursBefore(0.5),
          ends_at: hoursBefore(-7.5),
          base_id: base.id,
          vehicle_id: vehicle.id,
          created_by: actor.userId,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      const crew = await t.deps.db
        .selectFrom('app_user')
        .select(['id', 'username'])
        .where('username', 'in', ['provide-officer', 'idva'])
        .execute()
      await t.deps.db
        .insertInto('shift_member')
        .values(
          crew.map(
            (u) => ({ shift_id: shift.id, user_id: u.id, duty: u.username === 'idva' ? 'idva' : 'officer' }) as const,
          ),
        )
        .execute()
      records.plan[f] = {
        id: shift.id,
        marker: `Matrix plan ${f}`,
        facts: { ownerAgencyId: actor.agencyId, createdBy: actor.userId, area: 'Blackpool' },
      }
      const question = `MATRIX-QUESTION-${f}`
      const consultation = await t.deps.db
        .insertInto('consultation')
        .values({
          incident_id: records.incident[f].id,
          requested_by: actor.userId,
          requested_at: hoursBefore(1),
          question,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      records.consultation[f] = { id: consultation.id, marker: question, facts: records.incident[f].facts }
    }
    // The victim's record: each fixture incident's victim, an action and a hand-over on it, and an
    // NHS appointment of the victim's held by the IDVAs' trust.
    const safeguardingTeam = await t.deps.db
      .selectFrom('team')
      .select('id')
      .where('name', '=', 'Safeguarding: West division')
      .executeTakeFirstOrThrow()
    const idvaAgency = (await t.actor('idva')).agencyId
    for (const [f, actor] of [
      ['own', sergeant],
      ['other', creators.other],
    ] as const) {
      const facts = records.incident[f].facts
      records.victim[f] = { id: personIds[f], marker: records.incident[f].marker, facts }
      records.safeguarding_action[f] = {
        id: await ownedAction(f, actor),
        marker: `MATRIX-ACTION-${f}`,
        facts,
      }
      records.handover[f] = { id: await handoverTo(f, safeguardingTeam.id, actor), marker: `MATRIX-HANDOVER`, facts }
      contactIds[f] = (
        await t.deps.db
          .insertInto('tracker_contact')
          .values({
            incident_id: records.incident[f].id,
            person_id: personIds[f],
            status: 'submitted',
            mode: 'post_incident',
            contact_at: hoursBefore(2),
            place: 'home',
            idva_present: true,
            officer_present: true,
            support_offered: ['safety_planning'],
            engaged_investigation: 'yes',
            engaged_safeguarding: 'yes',
            children_count: 0,
            consent_to_share: 'no',
            share_with: [],
            created_by: (await t.actor('idva')).userId,
            created_at: hoursBefore(2),
            updated_at: hoursBefore(2),
            submitted_at: hoursBefore(2),
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id
      const bundle = await t.deps.db
        .insertInto('nhs_appointment_import')
        .values({
          agency_id: idvaAgency,
          entries: 1,
          appointments: 1,
          ignored: 0,
          imported_by: (await t.actor('idva')).userId,
          imported_at: hoursBefore(1),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      appointmentIds[f] = (
        await t.deps.db
          .insertInto('nhs_appointment')
          .values({
            agency_id: idvaAgency,
            import_id: bundle.id,
            source_id: `matrix-${f}`,
            nhs_number: NHS[f],
            status: 'booked',
            start_at: hoursBefore(-24),
            end_at: hoursBefore(-23.5),
            setting: 'gp',
            updated_at: hoursBefore(1),
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id
    }
    const administrator = await t.actor('admin')
    for (const f of ['own', 'other'] as const) {
      const agency = await insertAgency(t.deps.db, { code: `matrix-${f}`, name: `Matrix ${f}`, kind: 'police' })
      const partner = await insertAgency(t.deps.db, {
        code: `matrix-${f}-partner`,
        name: `Matrix ${f} partner`,
        kind: 'nhs',
      })
      const [user, stayer] = await Promise.all(
        ['target', 'stayer'].map((who) =>
          t.services.auth.createUser(systemActor('test'), {
            username: `matrix-${f}-${who}`,
            displayName: `Matrix ${who}`,
            agencyCode: `matrix-${f}`,
            password: null,
            roles: ['analyst'],
          }),
        ),
      )
      const { id: team } = await t.services.admin.createTeam(administrator, {
        agencyId: agency,
        name: 'Matrix team',
        areas: [],
      })
      await t.services.admin.addTeamMember(administrator, team, stayer!)
      admins[f] = { agency, partner, user: user!, team }
    }
    for (const role of ROLES) {
      const username = DEMO_USERS.find((u) => u.roles.includes(role))!.username
      const session = await t.signIn(username)
      users.set(role, { actor: await t.actor(username), ...session, token: await t.bearer(username) })
    }
  })
  after(() => t.close())

  it('has a user for every role and refuses to register a route with no action', () => {
    assert.deepEqual([...users.keys()].sort(), [...ROLES].sort())
    assert.throws(() => assertRouteGuarded({ method: 'GET', url: '/forgotten' }), /names no policy action/)
  })

  it('names a policy action for every route that is not public', () => {
    // Public: the health check and the sign-in steps before a session exists.
    const unguarded = t.app.routeTable.filter((r) => r.action === null).map((r) => r.url)
    assert.deepEqual(
      unguarded.filter((url) => url !== '/health' && !url.startsWith('/sign-in')),
      [],
    )
  })

  it('allows and refuses every route for every role, on records of their own agency and another', async () => {
    const routes = t.app.routeTable.filter((r) => r.action !== null)
    const ordered = [
      ...routes.filter((r) => !LAST.has(key(r))),
      ...routes.filter((r) => LAST.has(key(r)) && !r.url.includes('sign-out')),
      ...routes.filter((r) => r.url.includes('sign-out')),
    ]
    const failures: string[] = []
    let cells = 0
    for (const route of ordered) {
      const k = key(route)
      if (route.method !== 'GET' && !BODIES[k]) {
        failures.push(`${k}: add a valid sample body to BODIES in src/access/matrix.test.ts`)
        continue
      }
      const kind = paramKind(route.url)
      if (route.url.includes(':') && !kind && !PARAM_VALUES[k] && !adminParams(route.url, admins.own)) {
        failures.push(`${k}: add its parameter to PARAM_KINDS in src/access/matrix.test.ts`)
        continue
      }
      // A route without a record runs once per role; lists check both agencies' records in one response.
      const fixtures = kind ? (['own', 'other'] as const) : (['own'] as const)
      for (const role of ROLES) {
        for (const fixture of fixtures) {
          cells++
          const outcome = await runCell(route, role, fixture, kind)
          if (outcome) failures.push(`${k} as ${role} on ${fixture} agency's record: ${outcome}`)
        }
      }
    }
    assert.ok(cells > 200, `only ${cells} cells`)
    assert.equal(failures.length, 0, `${failures.length} cells failed:\n${failures.join('\n')}`)
  })

  function key(r: Pick<RouteEntry, 'method' | 'url'>) {
    return `${r.method} ${r.url}`
  }

  function fill(url: string, value: string) {
    return url.replace(/:[A-Za-z]+/, value)
  }

  function paramKind(url: string): Kind | null {
    return PARAM_KINDS.find(([pattern]) => pattern.test(url))?.[1] ?? null
  }

  /** A visit planned on the fixture's shift for `:visitId`: earlier cells complete or remove them. */
  async function fillVisit(path: string, fixture: Fixture): Promise<string> {
    if (!path.includes(':visitId')) return path
    const shiftId = records.plan[fixture].id
    const incidentId = records.incident[fixture].id
    const planned = await t.deps.db
      .selectFrom('visit')
      .select(['id', 'shift_id'])
      .where('incident_id', '=', incidentId)
      .where('status', '=', 'planned')
      .executeTakeFirst()
    const id =
      planned?.shift_id === shiftId
        ? planned.id
        : (
            await t.deps.db
              .insertInto('visit')
              .values({
                shift_id: shiftId,
                incident_id: incidentId,
                kind: 'post_incident',
                position: 0,
                option_label: 'home',
                planned_arrival: hoursBefore(-1),
                planned_start: hoursBefore(-1),
                planned_end: hoursBefore(-2),
                travel_minutes: 5,
                chosen_because: 'Matrix fixture',
              })
              .returning('id')
              .executeTakeFirstOrThrow()
          ).id
    return path.replace(':visitId', id)
  }

  /** A tracker draft of the fixture's incident for `:draftId`, the IDVA's (the only role that records). */
  async function fillDraft(path: string, fixture: Fixture): Promise<string> {
    if (!path.includes(':draftId')) return path
    const incidentId = records.incident[fixture].id
    const idva = users.get('health_idva')!.actor
    const existing = await t.deps.db
      .selectFrom('tracker_contact')
      .select('id')
      .where('incident_id', '=', incidentId)
      .where('created_by', '=', idva.userId)
      .where('status', '=', 'draft')
      .executeTakeFirst()
    const id =
      existing?.id ??
      (
        await t.deps.db
          .insertInto('tracker_contact')
          .values({
            incident_id: incidentId,
            person_id: personIds[fixture],
            status: 'draft',
            draft: '{}',
            created_by: idva.userId,
            created_at: hoursBefore(1),
            updated_at: hoursBefore(1),
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id
    return path.replace(':draftId', id)
  }

  /** An action on the fixture's victim that `owner` works on (their agency's, assigned to them). */
  async function ownedAction(fixture: Fixture, owner: Actor): Promise<string> {
    const at = hoursBefore(1)
    const row = await t.deps.db
      .insertInto('safeguarding_action')
      .values({
        incident_id: records.incident[fixture].id,
        person_id: personIds[fixture],
        person_key: null,
        kind: 'police_alarm',
        details: `MATRIX-ACTION-${fixture}`,
        owner_agency_id: owner.agencyId,
        assignee_id: owner.userId,
        due_on: '2026-11-30',
        status: 'requested',
        raised_by: owner.userId,
        raised_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await t.deps.db
      .insertInto('safeguarding_action_event')
      .values({ action_id: row.id, status: 'requested', by_user_id: owner.userId, at })
      .execute()
    return row.id
  }

  /** A hand-over of the fixture's victim to `teamId`, the only one waiting. */
  async function handoverTo(fixture: Fixture, teamId: string, by: Actor): Promise<string> {
    const at = hoursBefore(1)
    await t.deps.db
      .updateTable('handover')
      .set({ accepted_by: by.userId, accepted_at: at })
      .where('person_id', '=', personIds[fixture])
      .where('accepted_at', 'is', null)
      .execute()
    const row = await t.deps.db
      .insertInto('handover')
      .values({
        incident_id: records.incident[fixture].id,
        person_id: personIds[fixture],
        to_team_id: teamId,
        summary: HANDOVER_SUMMARY,
        handed_by: by.userId,
        handed_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return row.id
  }

  /** For OWNED_BY_CELL routes: a fresh action the user owns, or a hand-over to a team of theirs. */
  async function ownedByCell(url: string, fixture: Fixture, user: Actor): Promise<string> {
    if (url.includes('/actions/')) return ownedAction(fixture, user)
    const team = await t.deps.db
      .insertInto('team')
      .values({ agency_id: user.agencyId, name: `Matrix receiving ${++receivingTeams}` })
      .returning('id')
      .executeTakeFirstOrThrow()
    await t.deps.db.insertInto('team_member').values({ team_id: team.id, user_id: user.userId }).execute()
    return handoverTo(fixture, team.id, user)
  }

  /** Returns null when the cell behaves as the policy says, or what went wrong. */
  async function runCell(route: RouteEntry, role: Role, fixture: Fixture, kind: Kind | null): Promise<string | null> {
    const user = users.get(role)!
    const k = key(route)
    const action = route.action!
    const record = kind ? records[kind][fixture] : null
    const named = adminParams(route.url, admins[fixture])
    const path = record
      ? route.url
          .replace(':id', OWNED_BY_CELL.has(k) ? await ownedByCell(route.url, fixture, user.actor) : record.id)
          .replace(':appointmentId', appointmentIds[fixture])
          .replace(':contactId', contactIds[fixture])
      : named
        ? route.url.replace(/:([A-Za-z]+)/g, (_, name: string) => named[name]!)
        : PARAM_VALUES[k]
          ? fill(route.url, PARAM_VALUES[k]!())
          : route.url
    const url =
      (await fillDraft(await fillVisit(path.replace(':incidentId', records.incident[fixture].id), fixture), fixture)) +
      (QUERIES[k] ?? '')
    const isApi = url.startsWith('/api/')
    const body = BODIES[k]?.({
      personId: personIds[fixture],
      admin: admins[fixture],
      incidentId: records.incident[fixture].id,
      planShiftId: records.plan[fixture].id,
    })
    const res = await t.app.inject({
      method: route.method as 'GET' | 'POST',
      url,
      headers: isApi
        ? { authorization: `Bearer ${user.token}` }
        : { cookie: user.cookie, accept: 'text/html', 'x-csrf-token': user.csrf },
      ...(body ? { payload: isApi ? body : { ...body, _csrf: user.csrf } } : {}),
    })

    const scope = widestScope(user.actor.roles, action)
    let allowed = scope !== null
    if (allowed && record && POLICY[action].recordLevel && !BREAK_GLASS.has(k)) {
      allowed = reaches(await t.services.access.filter(user.actor, action), record.facts)
    }
    if (res.statusCode >= 500) return `server error ${res.statusCode}: ${res.body.slice(0, 200)}`
    if (!allowed) return res.statusCode === 403 ? null : `expected 403, got ${res.statusCode}`
    if ([401, 403, 404].includes(res.statusCode))
      return `expected access, got ${res.statusCode}: ${res.body.slice(0, 160)}`

    // Health data never leaves the server for roles without health:view, on any route.
    if (widestScope(user.actor.roles, 'health:view') === null) {
      for (const secret of [HEALTH_NOTE, NHS.own, NHS.other]) {
        if (res.body.includes(secret)) return `health data (${secret}) in the response`
      }
    }
    // Addresses stay masked everywhere except the reveal routes.
    if (!k.includes('/reveal') && (res.body.includes(ADDRESS.own) || res.body.includes(ADDRESS.other))) {
      return 'a masked address in the response'
    }
    const listed = LISTS[k]
    if (listed && res.statusCode === 200) {
      for (const f of ['own', 'other'] as const) {
        const target = records[listed][f]
        const shouldSee = reaches(await t.services.access.filter(user.actor, action), target.facts)
        if (res.body.includes(target.marker) !== shouldSee) {
          return `${shouldSee ? 'missing' : 'lists'} the ${f} agency's ${listed} ${target.marker}`
        }
      }
    }
    return null
  }
})
