import { z } from 'zod'
import type { Database, Queryable } from '../db/database.ts'
import type { Clock } from '../common/clock.ts'
import type { Actor } from '../auth/actor.ts'
import type { AccessService } from '../access/service.ts'
import { allows } from '../access/rules.ts'
import { sharingAgencies } from '../access/repository.ts'
import { findUserById } from '../auth/repository.ts'
import { toActor } from '../auth/service.ts'
import { recordAudit, recordAudits, type AuditEntry } from '../audit/audit.ts'
import {
  ConflictError,
  ForbiddenError,
  isUniqueViolation,
  NotFoundError,
  ValidationError,
  type FieldIssue,
  parseInput,
} from '../common/errors.ts'
import { isoDate, localMidnight } from '../common/uk-time.ts'
import { dayText, ukDate } from '../deployment/rota/rules.ts'
import {
  ACTION_KINDS,
  ACTION_STATUSES,
  HANDOVER_SUMMARY_MIN,
  NEXT_STATUSES,
  compareForWorklist,
  defaultDueOn,
  isOverdue,
  mayAccept,
  mayWork,
  raiseIssues,
  statusChangeIssues,
  suggestChildrensServices,
  teamReachIssue,
  type ActionKind,
  type ActionStatus,
} from './rules.ts'
import * as repo from './repository.ts'

/** The "my actions" lists. */
export type ListName = repo.ListName
export const LISTS: Record<ListName, string> = {
  mine: 'Assigned to me',
  team: 'My team’s',
  agency: 'My agency’s',
  raised: 'Raised by me',
}

/** How far back "recently closed" looks. */
const RECENTLY_CLOSED_DAYS = 14
/** The most actions one list shows. */
const LIST_LIMIT = 200

/** Optional text: blank is null. Null is accepted too, so the API's parsed body parses again in the service. */
const optionalText = (max: number, what: string) =>
  z
    .string()
    .trim()
    .max(max, `${what} must be ${max.toLocaleString('en-GB')} characters or fewer`)
    .nullish()
    .transform((v) => v || null)

const ukDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter the due date as YYYY-MM-DD')
  .refine((v) => isoDate(...(v.split('-').map(Number) as [number, number, number])) === v, 'Enter a real due date')

export const raiseSchema = z.strictObject({
  kind: z.enum(Object.keys(ACTION_KINDS) as [ActionKind, ...ActionKind[]], {
    error: 'Choose the kind of action or referral',
  }),
  details: optionalText(2000, 'The details'),
  referredTo: optionalText(200, 'The service referred to').describe(
    'Required for referrals (refuge, third_sector, childrens_services, cid, marac): the service, e.g. "Women’s Aid Preston"',
  ),
  ownerTeamId: z.uuid().optional().describe('The owning team; or ownerAgencyId; neither for the default'),
  ownerAgencyId: z.uuid().optional().describe('The owning agency, when no team owns it'),
  assigneeId: z.uuid().optional().describe('A user of the owning team (or agency when no team)'),
  dueOn: ukDateSchema.optional().describe('UK date, YYYY-MM-DD; the kind’s usual due date when left out'),
})

export const statusSchema = z.strictObject({
  status: z.enum(Object.keys(ACTION_STATUSES) as [ActionStatus, ...ActionStatus[]], {
    error: 'Choose the new status',
  }),
  reason: optionalText(1000, 'The reason').describe('Why it was declined: required to decline'),
  note: optionalText(2000, 'The note'),
})

export const handoverSchema = z.strictObject({
  teamId: z.uuid({ error: 'Choose the safeguarding team to hand over to' }),
  summary: z
    .string({ error: 'Write the hand-over summary' })
    .trim()
    .min(
      HANDOVER_SUMMARY_MIN,
      `Write a summary of at least ${HANDOVER_SUMMARY_MIN} characters: what was done, what is left`,
    )
    .max(4000, 'The summary must be 4,000 characters or fewer'),
})

export const acceptSchema = z.strictObject({ note: optionalText(2000, 'The note') })

/** Why the team's officers could not see the victim, or null when they could. */
const reachIssue = (t: repo.CandidateTeam, victim: repo.Victim) =>
  teamReachIssue(
    {
      name: t.name,
      agencyName: t.agency_name,
      coversArea: Boolean(t.covers_area),
      agencyReceives: Boolean(t.agency_receives),
    },
    victim.area,
  )

const NOT_YOURS = 'Choose a team or agency of yours, or of one sharing incidents with yours'

const ownership = (a: repo.ActionRow) => ({
  ownerAgencyId: a.owner_agency_id,
  ownerTeamId: a.owner_team_id,
  assigneeId: a.assignee_id,
})

/** 'Safeguarding: West division, Lancashire Constabulary', or the agency alone. */
export const ownerName = (a: Pick<repo.ActionRow, 'owner_team_name' | 'owner_agency_name'>) =>
  a.owner_team_name ? `${a.owner_team_name}, ${a.owner_agency_name}` : a.owner_agency_name

/** Actions as pages show them: their owner's name, due date as text and whether they are overdue. */
const shown = (rows: repo.ActionRow[], today: string) =>
  rows.map((r) => ({
    ...r,
    owner: ownerName(r),
    due_text: dayText(r.due_on),
    overdue: isOverdue({ status: r.status, dueOn: r.due_on }, today),
  }))

/** A 'consult' row on the victim for each record shown: an access log by person finds them. */
const consulted = (
  rows: { id: string; person_id: string; incident_id: string }[],
  record: 'safeguardingActionId' | 'handoverId',
  via: string,
): AuditEntry[] =>
  rows.map((r) => ({
    action: 'consult',
    recordType: 'incident_person',
    recordId: r.person_id,
    fields: [record === 'handoverId' ? 'handover' : 'safeguarding_action'],
    details: { incidentId: r.incident_id, [record]: r.id, via },
  }))

/** Who owns an action: a team (of its agency), or an agency with no particular team. */
type Owner = { agencyId: string; teamId: string | null }

/**
 * The owner a raise names (the default when it names none), or why it cannot own the victim's
 * action: it is not of the actor's agency or one sharing with it, or its people could not see it.
 */
function chooseOwner(
  data: Pick<z.output<typeof raiseSchema>, 'ownerTeamId' | 'ownerAgencyId'>,
  owners: {
    candidates: repo.CandidateTeam[]
    agencies: { id: string }[]
    defaultOwner: Owner
  },
  victim: repo.Victim,
): { owner: Owner } | { issue: string } {
  if (data.ownerTeamId && data.ownerAgencyId) return { issue: 'Choose a team or an agency to own it, not both' }
  if (data.ownerTeamId) {
    const team = owners.candidates.find((t) => t.id === data.ownerTeamId)
    if (!team) return { issue: NOT_YOURS }
    const refused = reachIssue(team, victim)
    return refused ? { issue: refused } : { owner: { agencyId: team.agency_id, teamId: team.id } }
  }
  if (data.ownerAgencyId)
    return owners.agencies.some((a) => a.id === data.ownerAgencyId)
      ? { owner: { agencyId: data.ownerAgencyId, teamId: null } }
      : { issue: NOT_YOURS }
  return { owner: owners.defaultOwner }
}

/**
 * Safeguarding actions and onward referrals for a victim, each owned by a team or an agency with
 * a due date and a status history; the "my actions" lists; and the joint team's hand-over of a
 * victim to a safeguarding team. Every change is written with its audit row in one transaction.
 */
export class SafeguardingService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly access: AccessService,
  ) {}

  private today() {
    return ukDate(this.clock.now())
  }

  private async victim(db: Queryable, victimId: string) {
    const victim = await repo.findVictim(db, victimId)
    if (!victim) throw new NotFoundError('No victim with that id')
    return victim
  }

  /** Agencies an actor may give work to: their own and those sharing incidents with it. */
  private async agencyIds(db: Queryable, actor: Actor) {
    return [actor.agencyId, ...(await sharingAgencies(db, actor.agencyId, 'incident'))]
  }

  /**
   * Who could own an action for the victim: the teams whose officers could see it (safeguarding
   * teams first) and the agencies that see its incident, of the actor's agency and those sharing
   * with it; and the default, the first safeguarding team among them. `candidates` are all the
   * teams looked at, to say why one was refused.
   */
  private async owners(db: Queryable, actor: Actor, victim: repo.Victim) {
    const agencyIds = await this.agencyIds(db, actor)
    const [candidates, agencies] = await Promise.all([
      repo.candidateTeams(db, agencyIds, victim),
      repo.receivingAgencies(db, agencyIds, victim),
    ])
    const teams = candidates.filter((t) => reachIssue(t, victim) === null)
    const team = teams.find((t) => t.safeguarding)
    const defaultOwner: Owner = team
      ? { agencyId: team.agency_id, teamId: team.id }
      : { agencyId: actor.agencyId, teamId: null }
    return { candidates, teams, agencies, defaultOwner }
  }

  /**
   * Why the user could not work on the victim's actions (null when they could): the access rules
   * decide as they would for the user's own requests, so an action is never given to someone who
   * would not see it.
   */
  private async blindTo(db: Queryable, userId: string, victimId: string): Promise<string | null> {
    const user = await findUserById(db, userId)
    if (!user) return 'Choose someone in the team or agency that owns it'
    const sees = await this.access.permits(
      toActor(user, 'session', null),
      'safeguarding:update',
      'victim',
      victimId,
      db,
    )
    return sees ? null : `${user.display_name} could not see this victim, so would never see the action`
  }

  /** What the raise page offers: owners, assignees, and whether to suggest a children's services referral. */
  async raiseForm(actor: Actor, victimId: string) {
    await this.access.check(actor, 'safeguarding:raise', 'victim', victimId)
    const victim = await this.victim(this.db, victimId)
    const { teams, agencies, defaultOwner } = await this.owners(this.db, actor, victim)
    const [members, kinds] = await Promise.all([
      repo.teamMembers(
        this.db,
        teams.map((t) => t.id),
      ),
      repo.incidentActionKinds(this.db, victim.incident_id),
    ])
    const assignees = new Map<string, { id: string; name: string; teams: string[] }>()
    for (const m of members) {
      const a = assignees.get(m.id) ?? { id: m.id, name: m.display_name, teams: [] }
      a.teams.push(m.team_name)
      assignees.set(m.id, a)
    }
    const blind = await Promise.all([...assignees.keys()].map((id) => this.blindTo(this.db, id, victimId)))
    return {
      victim,
      teams,
      agencies,
      defaultOwner,
      assignees: [...assignees.values()].filter((_, i) => blind[i] === null),
      suggestChildrensServices: suggestChildrensServices(victim.children_present, kinds),
    }
  }

  /** Raises an action or a referral for a victim, with its first history row and an audit row. */
  async raise(actor: Actor, victimId: string, input: unknown): Promise<string> {
    await this.access.check(actor, 'safeguarding:raise', 'victim', victimId)
    const data = parseInput(raiseSchema, input)
    const now = this.clock.now()
    const today = ukDate(now)
    return this.db.transaction().execute(async (trx) => {
      const victim = await this.victim(trx, victimId)
      const chosen = chooseOwner(data, await this.owners(trx, actor, victim), victim)
      const issues: FieldIssue[] = 'issue' in chosen ? [{ path: 'owner', message: chosen.issue }] : []
      const owner = 'owner' in chosen ? chosen.owner : null
      const dueOn = data.dueOn ?? defaultDueOn(data.kind, today)
      issues.push(...raiseIssues({ kind: data.kind, referredTo: data.referredTo, dueOn }, today))
      if (owner && data.assigneeId) {
        const blind = (await repo.isAssignable(trx, data.assigneeId, owner))
          ? await this.blindTo(trx, data.assigneeId, victimId)
          : 'Choose someone in the team or agency that owns it'
        if (blind) issues.push({ path: 'assigneeId', message: blind })
      }
      if (issues.length || !owner) throw new ValidationError(issues)
      const id = await repo.insertAction(trx, {
        victim,
        kind: data.kind,
        details: data.details,
        referredTo: data.referredTo,
        ownerAgencyId: owner.agencyId,
        ownerTeamId: owner.teamId,
        assigneeId: data.assigneeId ?? null,
        dueOn,
        by: actor.userId,
        at: now,
      })
      await recordAudit(trx, actor, now, {
        action: 'collect',
        recordType: 'incident_person',
        recordId: victim.id,
        fields: ['safeguarding_action'],
        details: { incidentId: victim.incident_id, safeguardingActionId: id, kind: data.kind },
      })
      return id
    })
  }

  /** One action with its history, and what the reader may do with it. */
  async get(actor: Actor, id: string) {
    await this.access.check(actor, 'safeguarding:view', 'safeguarding_action', id)
    const row = await repo.findAction(this.db, id)
    if (!row) throw new NotFoundError('No action with that id')
    const history = await repo.history(this.db, id)
    await recordAudits(this.db, actor, this.clock.now(), consulted([row], 'safeguardingActionId', 'action_page'))
    const [action] = shown([row], this.today())
    const open = NEXT_STATUSES[row.status].length > 0
    const mayUpdate =
      open &&
      mayWork(actor, ownership(row)) &&
      (await this.access.permits(actor, 'safeguarding:update', 'safeguarding_action', id))
    return {
      action: action!,
      history,
      nextStatuses: NEXT_STATUSES[row.status],
      mayUpdate,
      mayTake: mayUpdate && row.assignee_id !== actor.userId,
    }
  }

  /** The action, if the actor may work it; a clear 403 for someone who may update actions, but not this one. */
  private async workable(db: Queryable, actor: Actor, id: string) {
    await this.access.check(actor, 'safeguarding:update', 'safeguarding_action', id, db)
    const row = await repo.findAction(db, id)
    if (!row) throw new NotFoundError('No action with that id')
    if (!mayWork(actor, ownership(row)))
      throw new ForbiddenError(
        `This action belongs to ${ownerName(row)}: only its team, the person it is assigned to or a detective sergeant of ${row.owner_agency_name} can update it.`,
      )
    return row
  }

  /** Moves an action on (NEXT_STATUSES); declining needs a reason. Appends a history row. */
  async changeStatus(actor: Actor, id: string, input: unknown) {
    const now = this.clock.now()
    await this.db.transaction().execute(async (trx) => {
      const row = await this.workable(trx, actor, id)
      const data = parseInput(statusSchema, input)
      const declined = data.status === 'declined'
      const issues = statusChangeIssues({ from: row.status, to: data.status, reason: data.reason })
      if (issues.length) throw new ValidationError(issues)
      const closed = NEXT_STATUSES[data.status].length === 0
      const reason = declined ? data.reason : null
      if (!(await repo.changeStatus(trx, { id, from: row.status, to: data.status, reason, closed, at: now })))
        throw new ConflictError('Someone updated this action meanwhile: reload it and try again')
      // The history is append-only and self-contained: a decline's row carries its reason.
      const note = [reason, data.note].filter(Boolean).join('\n\n') || null
      await repo.insertEvent(trx, { actionId: id, status: data.status, note, by: actor.userId, at: now })
      await recordAudit(trx, actor, now, {
        action: 'alter',
        recordType: 'incident_person',
        recordId: row.person_id,
        fields: ['safeguarding_action.status', ...(note ? ['safeguarding_action_event.note'] : [])],
        details: { incidentId: row.incident_id, safeguardingActionId: id, from: row.status, to: data.status },
      })
    })
    return this.get(actor, id)
  }

  /** Makes the actor the action's assignee. */
  async assignToMe(actor: Actor, id: string) {
    const now = this.clock.now()
    await this.db.transaction().execute(async (trx) => {
      const row = await this.workable(trx, actor, id)
      if (row.closed_at) throw new ConflictError('This action is closed')
      if (row.assignee_id === actor.userId) throw new ConflictError('This action is already assigned to you')
      if (!(await repo.assign(trx, { id, userId: actor.userId, at: now })))
        throw new ConflictError('Someone updated this action meanwhile: reload it and try again')
      await recordAudit(trx, actor, now, {
        action: 'alter',
        recordType: 'incident_person',
        recordId: row.person_id,
        fields: ['safeguarding_action.assignee_id'],
        details: { incidentId: row.incident_id, safeguardingActionId: id },
      })
    })
    return this.get(actor, id)
  }

  /**
   * A "my actions" list on incidents the actor may open: the open ones overdue first then soonest
   * due, or those closed in the last fortnight; the counts of each list; and the hand-overs
   * waiting for the actor's teams (for a sergeant, any team of their agency).
   */
  async worklist(actor: Actor, query: { list: ListName; closed: boolean }) {
    const now = this.clock.now()
    const today = ukDate(now)
    const scope = await this.access.filter(actor, 'safeguarding:view')
    const sergeant = actor.roles.includes('detective_sergeant')
    const [rows, counts, handovers] = await Promise.all([
      repo.worklist(this.db, {
        list: query.list,
        user: actor,
        scope,
        closedSince: query.closed ? localMidnight(now, -RECENTLY_CLOSED_DAYS) : null,
        limit: LIST_LIMIT,
      }),
      repo.worklistCounts(this.db, { list: query.list, user: actor, scope, today }),
      repo.waitingHandovers(this.db, { teamIds: actor.teamIds, agencyId: sergeant ? actor.agencyId : null, scope }),
    ])
    if (!query.closed)
      rows.sort((a, b) =>
        compareForWorklist(
          { status: a.status, dueOn: a.due_on, requestedAt: a.raised_at },
          { status: b.status, dueOn: b.due_on, requestedAt: b.raised_at },
          today,
        ),
      )
    await recordAudits(this.db, actor, now, [
      ...consulted(rows, 'safeguardingActionId', 'worklist'),
      ...consulted(handovers, 'handoverId', 'worklist'),
    ])
    return {
      ...query,
      items: shown(rows, today),
      counts,
      handovers,
      today,
    }
  }

  /** What the hand-over page shows: safeguarding teams, the case's open actions and latest tracker contact. */
  async handoverForm(actor: Actor, victimId: string) {
    await this.access.check(actor, 'safeguarding:handover', 'victim', victimId)
    const victim = await this.victim(this.db, victimId)
    const agencyIds = await this.agencyIds(this.db, actor)
    const [teams, actions, contact, waiting] = await Promise.all([
      repo.candidateTeams(this.db, agencyIds, victim),
      allows(actor, 'safeguarding:view')
        ? repo.openCaseActions(this.db, victim, await this.access.filter(actor, 'safeguarding:view'))
        : [],
      allows(actor, 'tracker:view')
        ? repo.latestContact(this.db, victim, await this.access.filter(actor, 'tracker:view'))
        : undefined,
      repo.waitingHandoverOf(this.db, victim, await this.access.filter(actor, 'safeguarding:view')),
    ])
    const now = this.clock.now()
    await recordAudits(this.db, actor, now, [
      ...consulted(actions, 'safeguardingActionId', 'handover_page'),
      ...(contact
        ? [
            {
              action: 'consult' as const,
              recordType: 'incident_person',
              recordId: victim.id,
              fields: ['tracker_contact'],
              details: { via: 'handover_page', contactId: contact.id },
            },
          ]
        : []),
    ])
    return {
      victim,
      teams: teams.filter((t) => t.safeguarding && reachIssue(t, victim) === null),
      actions: shown(actions, ukDate(now)),
      contact: contact ?? null,
      waiting: waiting ?? null,
    }
  }

  /** Hands the victim over to a safeguarding team with a summary; one waiting hand-over at a time. */
  async handOver(actor: Actor, victimId: string, input: unknown): Promise<string> {
    await this.access.check(actor, 'safeguarding:handover', 'victim', victimId)
    const data = parseInput(handoverSchema, input)
    const now = this.clock.now()
    return this.db.transaction().execute(async (trx) => {
      const victim = await this.victim(trx, victimId)
      const teams = await repo.candidateTeams(trx, await this.agencyIds(trx, actor), victim)
      const team = teams.find((t) => t.id === data.teamId)
      const refused = !team?.safeguarding ? 'Choose a team with safeguarding officers' : reachIssue(team, victim)
      if (refused) throw new ValidationError([{ path: 'teamId', message: refused }])
      // One waiting per person: a hand-over made on another of their incidents the actor can see
      // counts too (the unique index settles the rest, per team).
      const waiting = await repo.waitingHandoverOf(
        trx,
        victim,
        await this.access.filter(actor, 'safeguarding:view', trx),
      )
      if (waiting)
        throw new ConflictError(
          `${victim.first_name} ${victim.last_name} has already been handed over to ${waiting.team_name}, who have not accepted yet`,
        )
      const id = await repo
        .insertHandover(trx, { victim, toTeamId: data.teamId, summary: data.summary, by: actor.userId, at: now })
        .catch((error: unknown) => {
          // The unique index settles two hand-overs made at the same moment.
          if (isUniqueViolation(error))
            throw new ConflictError('This victim has already been handed over to that team, who have not accepted yet')
          throw error
        })
      await recordAudit(trx, actor, now, {
        action: 'collect',
        recordType: 'incident_person',
        recordId: victim.id,
        fields: ['handover'],
        details: { incidentId: victim.incident_id, handoverId: id, toTeamId: data.teamId },
      })
      return id
    })
  }

  /** A hand-over, and whether the reader may accept it. */
  async getHandover(actor: Actor, id: string) {
    await this.access.check(actor, 'safeguarding:view', 'handover', id)
    const row = await repo.findHandover(this.db, id)
    if (!row) throw new NotFoundError('No hand-over with that id')
    await recordAudits(this.db, actor, this.clock.now(), consulted([row], 'handoverId', 'handover_page'))
    const mayTakeIn =
      !row.accepted_at &&
      mayAccept(actor, { toTeamId: row.to_team_id, teamAgencyId: row.team_agency_id }) &&
      (await this.access.permits(actor, 'safeguarding:accept', 'handover', id))
    return { handover: row, mayAccept: mayTakeIn }
  }

  /** The receiving team accepts a hand-over, once. */
  async accept(actor: Actor, id: string, input: unknown) {
    await this.access.check(actor, 'safeguarding:accept', 'handover', id)
    const data = parseInput(acceptSchema, input)
    const now = this.clock.now()
    await this.db.transaction().execute(async (trx) => {
      const row = await repo.findHandover(trx, id)
      if (!row) throw new NotFoundError('No hand-over with that id')
      if (!mayAccept(actor, { toTeamId: row.to_team_id, teamAgencyId: row.team_agency_id }))
        throw new ForbiddenError(
          `This hand-over is to ${row.team_name}: only its members or a detective sergeant of its agency can accept it.`,
        )
      if (!(await repo.acceptHandover(trx, { id, by: actor.userId, at: now, note: data.note })))
        throw new ConflictError('This hand-over has already been accepted')
      await recordAudit(trx, actor, now, {
        action: 'alter',
        recordType: 'incident_person',
        recordId: row.person_id,
        fields: ['handover.accepted', ...(data.note ? ['handover.accept_note'] : [])],
        details: { incidentId: row.incident_id, handoverId: id },
      })
    })
    return (await this.getHandover(actor, id)).handover
  }

  /**
   * For the incident page: each victim's open actions and hand-overs on this incident, and whether
   * the reader may raise actions and hand over. Null when the reader may not see safeguarding work.
   */
  async forIncident(actor: Actor, incidentId: string) {
    if (!(await this.access.permits(actor, 'safeguarding:view', 'incident', incidentId))) return null
    const [victims, actions, handovers, canRaise, canHandOver] = await Promise.all([
      repo.incidentVictims(this.db, incidentId),
      repo.openIncidentActions(this.db, incidentId),
      repo.incidentHandovers(this.db, incidentId),
      this.access.permits(actor, 'safeguarding:raise', 'incident', incidentId),
      this.access.permits(actor, 'safeguarding:handover', 'incident', incidentId),
    ])
    await recordAudits(this.db, actor, this.clock.now(), [
      ...consulted(actions, 'safeguardingActionId', 'incident_page'),
      ...consulted(handovers, 'handoverId', 'incident_page'),
    ])
    const today = this.today()
    return {
      labels: { kinds: ACTION_KINDS, statuses: ACTION_STATUSES },
      canRaise,
      canHandOver,
      victims: victims.map((v) => ({
        ...v,
        actions: shown(
          actions.filter((a) => a.person_id === v.id),
          today,
        ),
        handovers: handovers.filter((h) => h.person_id === v.id),
      })),
    }
  }
}
