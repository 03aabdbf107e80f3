import { sql, type SqlBool } from 'kysely'
import type { Queryable } from '../db/database.ts'
import type { ActionStatusCode } from '../db/schema.ts'
import { scopeWhere } from '../access/repository.ts'
import type { ScopeFilter } from '../access/rules.ts'
import { ofCase } from '../cases/repository.ts'

/** A victim on an incident, with what raising an action or handing over needs of the incident. */
export function findVictim(db: Queryable, id: string) {
  return db
    .selectFrom('incident_person as p')
    .innerJoin('incident as i', 'i.id', 'p.incident_id')
    .select([
      'p.id',
      'p.incident_id',
      'p.first_name',
      'p.last_name',
      'p.person_key',
      'i.force_reference',
      'i.area',
      'i.owner_agency_id',
      'i.children_present',
    ])
    .where('p.id', '=', id)
    .where('p.role', '=', 'victim')
    .executeTakeFirst()
}
export type Victim = NonNullable<Awaited<ReturnType<typeof findVictim>>>

/**
 * Whether `agency` (a column) sees incidents of `owner`: it owns them, or `owner` shares its
 * incidents with it (the agencies `scopeWhere` lets a user of `agency` reach).
 */
function receivesIncidentsOf(owner: string, agency: 'a.id' | 't.agency_id') {
  return sql<SqlBool>`(${sql.ref(agency)} = ${owner} or exists (
    select 1 from agency_share s
    where s.owner_agency_id = ${owner} and s.partner_agency_id = ${sql.ref(agency)} and s.resource = 'incident'))`
}

/**
 * Teams of `agencyIds` that might own an action or receive a hand-over for the victim: whether each
 * covers the incident's area, whether its agency sees the incident, and whether it has a
 * safeguarding officer (an enabled user with the role), those first.
 */
export function candidateTeams(db: Queryable, agencyIds: string[], victim: Pick<Victim, 'area' | 'owner_agency_id'>) {
  return db
    .selectFrom('team as t')
    .innerJoin('agency as a', 'a.id', 't.agency_id')
    .select((eb) => [
      't.id',
      't.name',
      't.agency_id',
      'a.name as agency_name',
      eb
        .exists(
          eb
            .selectFrom('team_area as ta')
            .select('ta.team_id')
            .whereRef('ta.team_id', '=', 't.id')
            .where('ta.area', '=', victim.area),
        )
        .as('covers_area'),
      receivesIncidentsOf(victim.owner_agency_id, 't.agency_id').as('agency_receives'),
      eb
        .exists(
          eb
            .selectFrom('team_member as tm')
            .innerJoin('user_role as ur', 'ur.user_id', 'tm.user_id')
            .innerJoin('app_user as u', 'u.id', 'tm.user_id')
            .select('tm.user_id')
            .whereRef('tm.team_id', '=', 't.id')
            .where('ur.role', '=', 'safeguarding_officer')
            .where('u.disabled_at', 'is', null),
        )
        .as('safeguarding'),
    ])
    .where('t.agency_id', 'in', agencyIds)
    .orderBy('safeguarding', 'desc')
    .orderBy('a.name')
    .orderBy('t.name')
    .execute()
}
export type CandidateTeam = Awaited<ReturnType<typeof candidateTeams>>[number]

/** Agencies of `agencyIds` that see the victim's incident, so that its people could work an action. */
export function receivingAgencies(db: Queryable, agencyIds: string[], victim: Pick<Victim, 'owner_agency_id'>) {
  return db
    .selectFrom('agency as a')
    .select(['a.id', 'a.name'])
    .where('a.id', 'in', agencyIds)
    .where(receivesIncidentsOf(victim.owner_agency_id, 'a.id'))
    .orderBy('a.name')
    .execute()
}

/** Enabled people in the teams, with their teams, as assignees to choose from. */
export function teamMembers(db: Queryable, teamIds: string[]) {
  if (teamIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('team_member as tm')
    .innerJoin('app_user as u', 'u.id', 'tm.user_id')
    .innerJoin('team as t', 't.id', 'tm.team_id')
    .select(['u.id', 'u.display_name', 't.id as team_id', 't.name as team_name'])
    .where('tm.team_id', 'in', teamIds)
    .where('u.disabled_at', 'is', null)
    .where('u.is_service_account', '=', false)
    .orderBy('u.display_name')
    .orderBy('t.name')
    .execute()
}

/** Whether the user can be given an action of the owner: a member of its team, or of its agency when no team owns it. */
export async function isAssignable(
  db: Queryable,
  userId: string,
  owner: { agencyId: string; teamId: string | null },
): Promise<boolean> {
  let q = db
    .selectFrom('app_user as u')
    .select('u.id')
    .where('u.id', '=', userId)
    .where('u.disabled_at', 'is', null)
    .where('u.is_service_account', '=', false)
  q = owner.teamId
    ? q.innerJoin('team_member as tm', 'tm.user_id', 'u.id').where('tm.team_id', '=', owner.teamId)
    : q.where('u.agency_id', '=', owner.agencyId)
  return (await q.executeTakeFirst()) !== undefined
}

/** Kinds and statuses of the incident's actions, for the children's services suggestion. */
export function incidentActionKinds(db: Queryable, incidentId: string) {
  return db.selectFrom('safeguarding_action').select(['kind', 'status']).where('incident_id', '=', incidentId).execute()
}

export async function insertAction(
  db: Queryable,
  a: {
    victim: Pick<Victim, 'id' | 'incident_id' | 'person_key'>
    kind: string
    details: string | null
    referredTo: string | null
    ownerAgencyId: string
    ownerTeamId: string | null
    assigneeId: string | null
    dueOn: string
    by: string
    at: Date
  },
): Promise<string> {
  const row = await db
    .insertInto('safeguarding_action')
    .values({
      incident_id: a.victim.incident_id,
      person_id: a.victim.id,
      person_key: a.victim.person_key,
      kind: a.kind,
      details: a.details,
      referred_to: a.referredTo,
      owner_agency_id: a.ownerAgencyId,
      owner_team_id: a.ownerTeamId,
      assignee_id: a.assigneeId,
      due_on: a.dueOn,
      status: 'requested',
      raised_by: a.by,
      raised_at: a.at,
      updated_at: a.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await insertEvent(db, { actionId: row.id, status: 'requested', note: null, by: a.by, at: a.at })
  return row.id
}

export async function insertEvent(
  db: Queryable,
  e: { actionId: string; status: ActionStatusCode; note: string | null; by: string; at: Date },
) {
  await db
    .insertInto('safeguarding_action_event')
    .values({ action_id: e.actionId, status: e.status, note: e.note, by_user_id: e.by, at: e.at })
    .execute()
}

/** Moves an action on from `from`; false when someone changed it meanwhile. */
export async function changeStatus(
  db: Queryable,
  c: { id: string; from: ActionStatusCode; to: ActionStatusCode; reason: string | null; closed: boolean; at: Date },
): Promise<boolean> {
  const r = await db
    .updateTable('safeguarding_action')
    .set({ status: c.to, status_reason: c.reason, updated_at: c.at, closed_at: c.closed ? c.at : null })
    .where('id', '=', c.id)
    .where('status', '=', c.from)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/** Gives an open action to a user; false when it was closed or given to them meanwhile. */
export async function assign(db: Queryable, a: { id: string; userId: string; at: Date }): Promise<boolean> {
  const r = await db
    .updateTable('safeguarding_action')
    .set({ assignee_id: a.userId, updated_at: a.at })
    .where('id', '=', a.id)
    .where('closed_at', 'is', null)
    .where((eb) => eb.or([eb('assignee_id', 'is', null), eb('assignee_id', '<>', a.userId)]))
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/** Actions with what a page shows of them: the victim, the incident, the owner and the people. */
function actions(db: Queryable) {
  return db
    .selectFrom('safeguarding_action as a')
    .innerJoin('incident as i', 'i.id', 'a.incident_id')
    .innerJoin('incident_person as p', 'p.id', 'a.person_id')
    .innerJoin('agency as oa', 'oa.id', 'a.owner_agency_id')
    .leftJoin('team as ot', 'ot.id', 'a.owner_team_id')
    .leftJoin('app_user as au', 'au.id', 'a.assignee_id')
    .innerJoin('app_user as rb', 'rb.id', 'a.raised_by')
    .select([
      'a.id',
      'a.incident_id',
      'a.person_id',
      'i.force_reference',
      'p.first_name',
      'p.last_name',
      'a.kind',
      'a.details',
      'a.referred_to',
      'a.owner_agency_id',
      'oa.name as owner_agency_name',
      'a.owner_team_id',
      'ot.name as owner_team_name',
      'a.assignee_id',
      'au.display_name as assignee_name',
      'a.due_on',
      'a.status',
      'a.status_reason',
      'rb.display_name as raised_by_name',
      'a.raised_at',
      'a.updated_at',
      'a.closed_at',
    ])
}
export type ActionRow = NonNullable<Awaited<ReturnType<typeof findAction>>>

export function findAction(db: Queryable, id: string) {
  return actions(db).where('a.id', '=', id).executeTakeFirst()
}

export function history(db: Queryable, actionId: string) {
  return db
    .selectFrom('safeguarding_action_event as e')
    .innerJoin('app_user as u', 'u.id', 'e.by_user_id')
    .select(['e.id', 'e.status', 'e.note', 'e.at', 'u.display_name as by_name'])
    .where('e.action_id', '=', actionId)
    .orderBy('e.seq', 'desc')
    .execute()
}

export type ListName = 'mine' | 'team' | 'agency' | 'raised'

/**
 * Which actions each list holds for a user: given to them, owned by their teams, owned by their
 * agency, or raised by them (an IDVA follows the referrals they made to other agencies).
 */
function inList(list: ListName, user: { userId: string; agencyId: string; teamIds: readonly string[] }) {
  switch (list) {
    case 'mine':
      return sql<SqlBool>`a.assignee_id = ${user.userId}`
    case 'team':
      return user.teamIds.length ? sql<SqlBool>`a.owner_team_id in (${sql.join(user.teamIds)})` : sql<SqlBool>`false`
    case 'agency':
      return sql<SqlBool>`a.owner_agency_id = ${user.agencyId}`
    case 'raised':
      return sql<SqlBool>`a.raised_by = ${user.userId}`
  }
}

/**
 * A user's list of actions on incidents in their scope: the open ones soonest due first, or those
 * closed since `closedSince`, the latest first. At most `limit`.
 */
export function worklist(
  db: Queryable,
  w: {
    list: ListName
    user: { userId: string; agencyId: string; teamIds: readonly string[] }
    scope: ScopeFilter
    closedSince: Date | null
    limit: number
  },
) {
  const q = actions(db).where(scopeWhere(w.scope, 'i')).where(inList(w.list, w.user))
  return (
    w.closedSince
      ? q.where('a.closed_at', '>=', w.closedSince).orderBy('a.closed_at', 'desc')
      : q.where('a.closed_at', 'is', null).orderBy('a.due_on').orderBy('a.raised_at', 'desc')
  )
    .limit(w.limit)
    .execute()
}

/** Open actions in each list, and how many of the chosen list are overdue or due today. */
export async function worklistCounts(
  db: Queryable,
  w: {
    list: ListName
    user: { userId: string; agencyId: string; teamIds: readonly string[] }
    scope: ScopeFilter
    today: string
  },
) {
  const current = inList(w.list, w.user)
  const { rows } = await sql<{
    mine: number
    team: number
    agency: number
    raised: number
    overdue: number
    due_today: number
  }>`select
      count(*) filter (where ${inList('mine', w.user)}) as mine,
      count(*) filter (where ${inList('team', w.user)}) as team,
      count(*) filter (where ${inList('agency', w.user)}) as agency,
      count(*) filter (where ${inList('raised', w.user)}) as raised,
      count(*) filter (where ${current} and a.due_on < ${w.today}) as overdue,
      count(*) filter (where ${current} and a.due_on = ${w.today}) as due_today
    from safeguarding_action a join incident i on i.id = a.incident_id
    where a.closed_at is null and ${scopeWhere(w.scope, 'i')}`.execute(db)
  const r = rows[0]!
  return {
    lists: { mine: Number(r.mine), team: Number(r.team), agency: Number(r.agency), raised: Number(r.raised) },
    overdue: Number(r.overdue),
    dueToday: Number(r.due_today),
  }
}

/** Open actions of the victim's case on incidents in scope, soonest due first. */
export function openCaseActions(db: Queryable, victim: Pick<Victim, 'id' | 'person_key'>, scope: ScopeFilter) {
  return actions(db)
    .where(ofCase(victim, 'a.person_key', 'a.person_id'))
    .where(scopeWhere(scope, 'i'))
    .where('a.closed_at', 'is', null)
    .orderBy('a.due_on')
    .execute()
}

/** The incident's open actions, for its page. */
export function openIncidentActions(db: Queryable, incidentId: string) {
  return actions(db)
    .where('a.incident_id', '=', incidentId)
    .where('a.closed_at', 'is', null)
    .orderBy('a.due_on')
    .execute()
}

/** The latest submitted tracker contact of the victim's case on incidents in scope. */
export function latestContact(db: Queryable, victim: Pick<Victim, 'id' | 'person_key'>, scope: ScopeFilter) {
  return db
    .selectFrom('tracker_contact as c')
    .innerJoin('incident as i', 'i.id', 'c.incident_id')
    .innerJoin('incident_person as p', 'p.id', 'c.person_id')
    .innerJoin('app_user as u', 'u.id', 'c.created_by')
    .select([
      'c.id',
      'i.force_reference',
      'c.mode',
      'c.contact_at',
      'c.place',
      'c.support_offered',
      'c.support_notes',
      'c.engaged_investigation',
      'c.engaged_safeguarding',
      'c.children_count',
      'c.children_needs',
      'c.consent_to_share',
      'u.display_name as by_name',
    ])
    .where(ofCase(victim, 'p.person_key', 'p.id'))
    .where(scopeWhere(scope, 'i'))
    .where('c.status', '=', 'submitted')
    .orderBy('c.contact_at', 'desc')
    .limit(1)
    .executeTakeFirst()
}

// Hand-overs

export async function insertHandover(
  db: Queryable,
  h: {
    victim: Pick<Victim, 'id' | 'incident_id' | 'person_key'>
    toTeamId: string
    summary: string
    by: string
    at: Date
  },
): Promise<string> {
  const row = await db
    .insertInto('handover')
    .values({
      incident_id: h.victim.incident_id,
      person_id: h.victim.id,
      person_key: h.victim.person_key,
      to_team_id: h.toTeamId,
      summary: h.summary,
      handed_by: h.by,
      handed_at: h.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/** Accepts a waiting hand-over; false when it was accepted already. */
export async function acceptHandover(db: Queryable, a: { id: string; by: string; at: Date; note: string | null }) {
  const r = await db
    .updateTable('handover')
    .set({ accepted_by: a.by, accepted_at: a.at, accept_note: a.note })
    .where('id', '=', a.id)
    .where('accepted_at', 'is', null)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

function handovers(db: Queryable) {
  return db
    .selectFrom('handover as h')
    .innerJoin('incident as i', 'i.id', 'h.incident_id')
    .innerJoin('incident_person as p', 'p.id', 'h.person_id')
    .innerJoin('team as t', 't.id', 'h.to_team_id')
    .innerJoin('app_user as hb', 'hb.id', 'h.handed_by')
    .leftJoin('app_user as ab', 'ab.id', 'h.accepted_by')
    .select([
      'h.id',
      'h.incident_id',
      'h.person_id',
      'i.force_reference',
      'p.first_name',
      'p.last_name',
      'h.to_team_id',
      't.name as team_name',
      't.agency_id as team_agency_id',
      'h.summary',
      'hb.display_name as handed_by_name',
      'h.handed_at',
      'ab.display_name as accepted_by_name',
      'h.accepted_at',
      'h.accept_note',
    ])
}
export type HandoverRow = NonNullable<Awaited<ReturnType<typeof findHandover>>>

export function findHandover(db: Queryable, id: string) {
  return handovers(db).where('h.id', '=', id).executeTakeFirst()
}

/**
 * The hand-over of the victim's case still waiting to be accepted, on any of their incidents: the
 * unique index `handover_one_waiting` keeps one per person.
 */
export function waitingHandoverOf(db: Queryable, victim: Pick<Victim, 'id' | 'person_key'>, scope: ScopeFilter) {
  return handovers(db)
    .where(ofCase(victim, 'h.person_key', 'h.person_id'))
    .where('h.accepted_at', 'is', null)
    .where(scopeWhere(scope, 'i'))
    .executeTakeFirst()
}

/**
 * Hand-overs waiting for the user's teams or, for a sergeant (`agencyId`), for any team of their
 * agency, on incidents in scope, oldest first.
 */
export function waitingHandovers(
  db: Queryable,
  w: { teamIds: readonly string[]; agencyId: string | null; scope: ScopeFilter },
) {
  return handovers(db)
    .where('h.accepted_at', 'is', null)
    .where(scopeWhere(w.scope, 'i'))
    .where((eb) =>
      eb.or([
        ...(w.teamIds.length ? [eb('h.to_team_id', 'in', [...w.teamIds])] : []),
        ...(w.agencyId ? [eb('t.agency_id', '=', w.agencyId)] : []),
        sql<SqlBool>`false`,
      ]),
    )
    .orderBy('h.handed_at')
    .limit(200)
    .execute()
}

export function incidentHandovers(db: Queryable, incidentId: string) {
  return handovers(db).where('h.incident_id', '=', incidentId).orderBy('h.handed_at', 'desc').execute()
}

/** The incident's victims, in the order recorded. */
export function incidentVictims(db: Queryable, incidentId: string) {
  return db
    .selectFrom('incident_person')
    .select(['id', 'first_name', 'last_name'])
    .where('incident_id', '=', incidentId)
    .where('role', '=', 'victim')
    .orderBy('position')
    .execute()
}
