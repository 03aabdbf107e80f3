import { z } from 'zod'
import type { Database, Queryable } from '../db/database.ts'
import type { Clock } from '../common/clock.ts'
import type { Actor } from '../auth/actor.ts'
import type { VisitKind } from '../db/schema.ts'
import { recordAudit, recordAudits } from '../audit/audit.ts'
import { authorId } from '../auth/actor.ts'
import type { AccessService } from '../access/service.ts'
import { incidentFactsMany, sharingAgencies } from '../access/repository.ts'
import { reaches, type ScopeFilter } from '../access/rules.ts'
import { ConflictError, NotFoundError, ValidationError, fieldIssues } from '../common/errors.ts'
import { formatLocal, localMidnight } from '../common/uk-time.ts'
import { readSettings } from '../settings/settings.ts'
import { factsOf } from '../triage/service.ts'
import { localWhen, priorityScore } from '../triage/rules.ts'
import { queueDisplayRows } from '../triage/repository.ts'
import { getShift, type ShiftRecord } from './rota/repository.ts'
import { shiftReadiness } from './rota/rules.ts'
import { plan } from './planner/solver.ts'
import { checkPlan } from './planner/check.ts'
import type { PlannerInput, PlannerVisit, PlannerRoute } from './planner/types.ts'
import { travelTimeSource, type GeoPoint } from './travel/travel.ts'
import {
  appointmentWindow,
  chosenBecause,
  describeChanges,
  DISCREET_PLACE,
  meetingPlaces,
  OUTCOME_LABELS,
  VISIT_KIND_LABELS,
  outcomeIssues,
  OUTCOMES,
  planChanges,
  retryAfter,
  startWindows,
  visitPlace,
  visitWindows,
  type DiscreetContactFacts,
  type Interval,
  type PlanChanges,
  type PlanSnapshot,
} from './rules.ts'
import {
  combineSafeContacts,
  recordedDetails,
  safeContactIssues,
  safeContactSchema,
  victimSafeContact,
  type SafeContactDetails,
  type VictimSafeContact,
} from '../cases/rules.ts'
import * as cases from '../cases/repository.ts'
import { plannedContactsForIncidents } from '../health/repository.ts'
import * as repo from './repository.ts'

const MINUTE_MS = 60_000
const DAY_MS = 24 * 60 * MINUTE_MS

/** Why a candidate is not in the plan, beyond the planner's own reasons. */
export type LeftOutReason =
  'no_location' | 'no_window' | 'cannot_fit_any_shift' | 'outscored' | 'pinned_conflict' | 'no_allowed_route'

export const LEFT_OUT_LABELS: Record<LeftOutReason, string> = {
  no_location: 'No map position',
  no_window: 'No safe time in this shift',
  cannot_fit_any_shift: 'Cannot fit in the shift',
  outscored: 'Not enough time: others have higher priority',
  pinned_conflict: 'Pinned, but cannot fit',
  no_allowed_route: 'Outside the team’s areas',
}

export const outcomeSchema = z.strictObject({
  outcome: z.enum(OUTCOMES, { error: 'Choose what happened' }),
  notes: z
    .string()
    .trim()
    .max(2000, 'Notes must be 2,000 characters or fewer')
    .optional()
    .transform((v) => v || null),
  followUpAfter: z.iso
    .datetime({ offset: true, error: 'Enter the rescheduled time as a date and time' })
    .optional()
    .transform((v) => (v ? new Date(v) : null)),
})

export const dropSchema = z.strictObject({
  reason: z
    .string({ error: 'Say why the team is dropping this visit' })
    .trim()
    .min(3, 'Say why the team is dropping this visit')
    .max(500, 'The reason must be 500 characters or fewer'),
})

/** Minutes since local midnight of the shift's day: what the planner works in (see planner/types.ts). */
function timeBase(shiftStart: Date) {
  const origin = localMidnight(shiftStart)
  return {
    toMinutes: (d: Date) => (d.getTime() - origin.getTime()) / MINUTE_MS,
    toDate: (m: number) => new Date(origin.getTime() + Math.round(m * 60) * 1000),
  }
}

/** A discreet contact an IDVA planned at a victim's appointment: another place the visit can be made. */
interface DiscreetPlace extends DiscreetContactFacts {
  appointmentId: string
  /** The victim row on the candidate's incident, whom the audit row names. */
  victimId: string
  start: Date
  point: GeoPoint
}

interface Candidate {
  incidentId: string
  reference: string
  area: string
  postcode: string
  victimName: string | null
  point: GeoPoint | null
  /** Discreet contacts with a map position in the shift (health data: never shown, only planned around). */
  discreet: DiscreetPlace[]
  kind: VisitKind
  prize: number
  because: string
  constraints: string[]
  blocked: string | null
  periods: { start: Date; end: Date }[]
  serviceMinutes: number
  /** Shifts whose teams may make the visit. */
  shiftIds: string[]
  lastOutcome: { outcome: string; at: Date; notes: string | null } | null
}

/** A plan's incident as a viewer sees it: details only where they may open the incident. */
interface Shown {
  incidentId: string
  restricted: boolean
  reference: string
  area: string
  postcode: string
  victimName: string | null
  latitude: number | null
  longitude: number | null
  /** Each victim's safe-contact details: how and when the crew may make contact. */
  safeContacts: VictimSafeContact[]
}

interface ChangeOptions {
  /** Cause of the first plan of a shift, when it differs ('Plan made' for 'Re-planned'). */
  firstCause?: string
  /** The change is refused, with the planner's reason, unless this incident ends up on the plan. */
  mustPlan?: string
  /** A live incident sent to the team, for the audit row. */
  live?: string
  /** Work after the re-plan, in the same transaction (re-planning a shift that lost a visit). */
  after?: (trx: Queryable, shift: ShiftRecord) => Promise<unknown>
}

/**
 * Shift plans: the candidates a team could visit, the planner's proposal and the team's changes to
 * it, live incidents sent to a team, and visit outcomes. Every change re-plans in one transaction
 * with its audit row and a revision saying what the change cost.
 */
export class DeploymentService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly access: AccessService,
    private readonly options: { osrmUrl?: string; fetch?: typeof fetch; plannerTimeLimitMs?: number } = {},
  ) {}

  /** Today's (UK local day's) shifts the actor is on, and their teams' other shifts. */
  async myShifts(actor: Actor) {
    const now = this.clock.now()
    const ids = await repo.shiftsForUser(this.db, {
      userId: actor.userId,
      from: localMidnight(now),
      to: localMidnight(now, 1),
    })
    const shifts = (await Promise.all(ids.map((id) => getShift(this.db, id)))).filter(
      (s): s is ShiftRecord => s !== undefined,
    )
    const onRota = (s: ShiftRecord) => s.members.some((m) => m.userId === actor.userId)
    return { mine: shifts.filter(onRota), team: shifts.filter((s) => !onRota(s)) }
  }

  /**
   * The shift's plan as a viewer sees it, read in one transaction. Incidents the viewer may not
   * open keep their place and times but not their details; each incident shown is a consultation
   * in the audit trail.
   */
  async view(actor: Actor, shiftId: string) {
    await this.access.check(actor, 'plan:view', 'shift', shiftId)
    const now = this.clock.now()
    const viewer = await this.access.filter(actor, 'incident:view')
    return this.db.transaction().execute(async (trx) => {
      const shift = await this.shift(shiftId, trx)
      const [visits, excluded, dropped, history, settings, scope] = await Promise.all([
        repo.shiftVisits(trx, shiftId),
        repo.exclusions(trx, shiftId),
        repo.drops(trx, shiftId),
        repo.revisions(trx, shiftId),
        readSettings(trx, ['deployment.candidateDays']),
        this.shiftScope(trx, shift),
      ])
      const since = new Date(now.getTime() - settings['deployment.candidateDays'] * DAY_MS)
      const plannedElsewhere = await repo.countPlannedElsewhere(trx, {
        shiftId,
        areas: shift.areas,
        since,
        now,
        scope,
      })
      const ids = [
        ...new Set([
          ...visits.map((v) => v.incident_id),
          ...excluded.map((e) => e.incident_id),
          ...dropped.map((d) => d.incident_id),
        ]),
      ]
      const [display, facts] = await Promise.all([queueDisplayRows(trx, ids), incidentFactsMany(trx, ids)])
      const displayOf = new Map(display.map((d) => [d.id, d]))
      const opens = (id: string) => facts.has(id) && reaches(viewer, facts.get(id)!)
      const safe = await cases.latestSafeContacts(trx, { incidentIds: ids.filter(opens), scope: viewer })
      const describe = (id: string): Shown => {
        const d = displayOf.get(id)
        if (!d || !opens(id))
          return {
            incidentId: id,
            restricted: true,
            reference: 'An incident you cannot open',
            area: '',
            postcode: '',
            victimName: null,
            latitude: null,
            longitude: null,
            safeContacts: [],
          }
        return {
          incidentId: id,
          restricted: false,
          reference: d.force_reference,
          area: d.area,
          postcode: d.postcode,
          victimName: d.victim_name,
          latitude: d.latitude,
          longitude: d.longitude,
          safeContacts: safe.filter((s) => s.incident_id === id).map(victimSafeContact),
        }
      }
      /** A visit as the viewer sees it; one at a discreet place is mapped there, and only that is said of it. */
      const shown = ({ place_latitude, place_longitude, ...v }: repo.VisitRow) => {
        const incident = describe(v.incident_id)
        const away = !incident.restricted && place_latitude !== null && place_longitude !== null
        return {
          ...v,
          ...incident,
          ...(away ? { latitude: place_latitude, longitude: place_longitude } : {}),
          place: incident.restricted ? null : visitPlace(v.option_label),
        }
      }
      await recordAudits(
        trx,
        actor,
        now,
        ids.filter(opens).map((id) => ({
          action: 'consult' as const,
          recordType: 'incident',
          recordId: id,
          fields: ['force_reference', 'victim_name', 'area', 'postcode', 'location', 'safe_contact'],
          details: { via: 'shift_plan', shiftId },
        })),
      )
      const planned = visits.filter((v) => v.status === 'planned')
      // The rota may change a shift after its plan was made: say so rather than show a plan that no longer fits.
      const outside = planned.some(
        (v) => v.planned_start > now && (v.planned_start < shift.startsAt || v.planned_end > shift.endsAt),
      )
      return {
        now,
        shift,
        readiness: shiftReadiness(shift),
        stale: outside
          ? 'The shift’s times changed after this plan was made: some visits fall outside them. Re-plan.'
          : null,
        planned: planned.map((v) => ({ ...shown(v), started: v.planned_start <= now })),
        completed: visits.filter((v) => v.status === 'completed').map(shown),
        excluded: excluded
          .map((e) => ({
            ...e,
            ...describe(e.incident_id),
            label: LEFT_OUT_LABELS[e.reason as LeftOutReason] ?? e.reason,
          }))
          .sort((a, b) => a.reference.localeCompare(b.reference)),
        dropped: dropped.map((d) => ({ ...d, ...describe(d.incident_id) })),
        plannedElsewhere,
        revisions: history.map((r) => ({
          ...r,
          lines: describeChanges(r.changes as PlanChanges),
          warnings: r.warnings,
        })),
        hasPlan: history.length > 0,
      }
    })
  }

  /** Makes or re-makes the plan (and, the first time, the plans of crews on the same shift with it). */
  async replan(actor: Actor, shiftId: string) {
    return this.change(actor, shiftId, 'plan:edit', 'Re-planned', async () => {}, { firstCause: 'Plan made' })
  }

  /**
   * Pins a planned visit, or a candidate the planner left out, to this shift's plan. Refused, with
   * the reason, when the plan cannot take it.
   */
  async pin(actor: Actor, shiftId: string, incidentId: string) {
    return this.change(
      actor,
      shiftId,
      'plan:edit',
      'Pinned a visit',
      async (trx, shift) => {
        await this.access.check(actor, 'incident:view', 'incident', incidentId, trx)
        const visit = (await repo.shiftVisits(trx, shift.id)).find(
          (v) => v.incident_id === incidentId && v.status === 'planned',
        )
        if (visit) return repo.setPinned(trx, visit.id, true)
        const left = (await repo.exclusions(trx, shift.id)).some((e) => e.incident_id === incidentId)
        if (!left)
          throw new ValidationError([
            { path: 'incidentId', message: 'That incident is not a candidate for this shift' },
          ])
        // A placeholder the re-plan that follows places, or the change is refused.
        const now = this.clock.now()
        await guardBooking(() =>
          repo.insertPlannedVisit(trx, {
            shiftId: shift.id,
            incidentId,
            at: now,
            pinned: true,
            chosenBecause: 'Pinned by the team',
          }),
        )
      },
      { mustPlan: incidentId },
    )
  }

  async unpin(actor: Actor, shiftId: string, visitId: string) {
    return this.change(actor, shiftId, 'plan:edit', 'Unpinned a visit', async (trx, shift) => {
      const visit = await this.plannedVisit(trx, shift.id, visitId)
      if (visit.kind === 'live')
        throw new ValidationError([
          { path: 'visitId', message: 'A live incident stays pinned until it has an outcome' },
        ])
      await repo.setPinned(trx, visit.id, false)
    })
  }

  /** Drops a candidate or a visit not yet started from this shift, with the team's reason; it stays listed. */
  async drop(actor: Actor, shiftId: string, incidentId: string, input: unknown) {
    const parsed = dropSchema.safeParse(input)
    if (!parsed.success) throw new ValidationError(fieldIssues(parsed.error))
    return this.change(actor, shiftId, 'plan:edit', 'Dropped a visit', async (trx, shift) => {
      await this.access.check(actor, 'incident:view', 'incident', incidentId, trx)
      const now = this.clock.now()
      const visits = await repo.shiftVisits(trx, shift.id)
      const visit = visits.find((v) => v.incident_id === incidentId && v.status === 'planned')
      if (visit?.kind === 'live')
        throw new ValidationError([
          { path: 'reason', message: 'A live incident cannot be dropped; record its outcome' },
        ])
      if (visit && visit.planned_start <= now)
        throw new ValidationError([
          { path: 'reason', message: 'This visit has started: record its outcome instead of dropping it' },
        ])
      const candidate = visit || (await repo.exclusions(trx, shift.id)).some((e) => e.incident_id === incidentId)
      if (!candidate)
        throw new ValidationError([{ path: 'reason', message: 'That incident is not a candidate for this shift' }])
      await repo.insertDrop(trx, {
        shiftId: shift.id,
        incidentId,
        reason: parsed.data.reason,
        by: actor.userId,
        at: now,
      })
      if (visit) await repo.deletePlannedVisit(trx, shift.id, incidentId)
    })
  }

  /** Returns a dropped candidate to the shift's candidates. */
  async restore(actor: Actor, shiftId: string, incidentId: string) {
    return this.change(actor, shiftId, 'plan:edit', 'Restored a dropped visit', async (trx, shift) => {
      await this.access.check(actor, 'incident:view', 'incident', incidentId, trx)
      if (!(await repo.deleteDrop(trx, shift.id, incidentId)))
        throw new ValidationError([{ path: 'incidentId', message: 'That visit was not dropped from this shift' }])
    })
  }

  /**
   * Moves a planned visit one place earlier or later among those not yet started. The team's
   * order is then kept: those visits are pinned in the new order and the planner fits others around them.
   */
  async move(actor: Actor, shiftId: string, visitId: string, direction: 'earlier' | 'later') {
    return this.change(actor, shiftId, 'plan:edit', `Moved a visit ${direction}`, async (trx, shift) => {
      const now = this.clock.now()
      const planned = (await repo.shiftVisits(trx, shift.id)).filter(
        (v) => v.status === 'planned' && v.planned_start > now,
      )
      const index = planned.findIndex((v) => v.id === visitId)
      if (index < 0)
        throw new ValidationError([{ path: 'direction', message: 'That visit has started or is not planned' }])
      const target = direction === 'earlier' ? index - 1 : index + 1
      if (target < 0 || target >= planned.length)
        throw new ValidationError([
          {
            path: 'direction',
            message: `That visit is already the ${direction === 'earlier' ? 'first' : 'last'} still to come`,
          },
        ])
      const order = [...planned]
      ;[order[index], order[target]] = [order[target]!, order[index]!]
      await repo.setFixedRanks(
        trx,
        order.map((v, rank) => ({ visitId: v.id, rank })),
      )
    })
  }

  /** Records what happened at a visit. A victim not seen returns to the candidates, with the reason. */
  async recordOutcome(actor: Actor, shiftId: string, visitId: string, input: unknown) {
    const parsed = outcomeSchema.safeParse(input)
    if (!parsed.success) throw new ValidationError(fieldIssues(parsed.error))
    const now = this.clock.now()
    const issues = outcomeIssues(parsed.data, now)
    if (issues.length) throw new ValidationError(issues)
    await this.access.check(actor, 'plan:record-outcome', 'shift', shiftId)
    return this.db.transaction().execute(async (trx) => {
      await repo.lockShifts(trx, [shiftId])
      const visit = await this.plannedVisit(trx, shiftId, visitId)
      await this.access.check(actor, 'incident:view', 'incident', visit.incident_id, trx)
      await repo.completeVisit(trx, {
        visitId,
        outcome: parsed.data.outcome,
        notes: parsed.data.notes,
        followUpAfter: retryAfter(parsed.data, now),
        by: actor.userId,
        at: now,
      })
      await recordAudit(trx, actor, now, {
        action: 'collect',
        recordType: 'incident',
        recordId: visit.incident_id,
        fields: [
          'visit_outcome',
          ...(parsed.data.notes ? ['visit_notes'] : []),
          ...(parsed.data.followUpAfter ? ['follow_up_after'] : []),
        ],
        details: { shiftId, visitId, outcome: parsed.data.outcome },
      })
      return { incidentId: visit.incident_id, outcome: parsed.data.outcome }
    })
  }

  /**
   * Shifts on now whose teams cover the incident's area, of agencies that may see it: where a live
   * incident can go. Only what choosing one needs: team, vehicle, times, base and readiness.
   */
  async dispatchTargets(actor: Actor, incidentId: string) {
    await this.access.check(actor, 'plan:dispatch-live', 'incident', incidentId)
    const incident = await this.db
      .selectFrom('incident')
      .select(['area', 'force_reference'])
      .where('id', '=', incidentId)
      .executeTakeFirstOrThrow()
    const ids = await repo.shiftsOnAt(this.db, { now: this.clock.now(), area: incident.area, incidentId })
    const shifts = (await Promise.all(ids.map((id) => getShift(this.db, id)))).filter((s): s is ShiftRecord => !!s)
    return {
      reference: incident.force_reference,
      area: incident.area,
      shifts: shifts.map((s) => ({
        id: s.id,
        teamName: s.teamName,
        vehicle: s.vehicle,
        startsAt: s.startsAt,
        endsAt: s.endsAt,
        base: s.base,
        readiness: shiftReadiness(s),
      })),
    }
  }

  /**
   * Sends a live incident to a team on shift: it is pinned and the plan re-made around it, or the
   * dispatch is refused with the reason (no map position, no time left) so another team can be
   * chosen. An incident on another team's plan moves to this team, and that plan is re-made too.
   */
  async dispatchLive(actor: Actor, incidentId: string, shiftId: string) {
    const targets = await this.dispatchTargets(actor, incidentId)
    const target = targets.shifts.find((s) => s.id === shiftId)
    if (!target)
      throw new ValidationError([
        { path: 'shiftId', message: 'Choose a team on shift now that covers the incident’s area' },
      ])
    let previous: string | null = null
    return this.change(
      actor,
      shiftId,
      null,
      `Live incident ${targets.reference} sent to the team`,
      async (trx, shift) => {
        const now = this.clock.now()
        const planned = await repo.plannedVisitOf(trx, incidentId)
        if (planned?.shift_id === shift.id)
          return repo.makeLive(trx, { visitId: planned.id, by: actor.userId, at: now })
        if (planned) {
          if (planned.planned_start <= now)
            throw new ValidationError([
              {
                path: 'shiftId',
                message: 'Another team is with this victim now: ask them, or record their visit first',
              },
            ])
          await repo.lockShifts(trx, [planned.shift_id])
          await repo.deletePlannedVisit(trx, planned.shift_id, incidentId)
          previous = planned.shift_id
        }
        const settings = await readSettings(trx, ['deployment.rules'])
        await guardBooking(() =>
          repo.insertLiveVisit(trx, {
            shiftId: shift.id,
            incidentId,
            by: actor.userId,
            at: now,
            serviceMinutes: settings['deployment.rules'].visitMinutes.live,
          }),
        )
      },
      {
        live: incidentId,
        mustPlan: incidentId,
        after: async (trx, shift) => {
          if (previous)
            await this.replanOther(
              trx,
              actor,
              previous,
              `Live incident ${targets.reference} sent to ${crewName(shift)}`,
            )
        },
      },
    )
  }

  /** The incident page's joint-team panel: visits so far. */
  async forIncident(actor: Actor, incidentId: string) {
    await this.access.check(actor, 'incident:view', 'incident', incidentId)
    const visits = await repo.visitsForIncident(this.db, incidentId)
    return {
      visits: visits.map((v) => ({
        ...v,
        teamName: v.team_name,
        kindLabel: VISIT_KIND_LABELS[v.kind],
        outcomeLabel: v.outcome
          ? OUTCOME_LABELS[v.outcome]
          : v.status === 'lapsed'
            ? 'Not made: the shift ended'
            : null,
      })),
    }
  }

  /**
   * Records how and when it is safe to contact a victim: a new row for their case, the latest of
   * which applies on every incident of theirs. Plans that already have a visit to any of those
   * incidents are re-made in the same transaction, so no plan keeps a visit now known to be unsafe.
   */
  async setSafeContact(actor: Actor, victimId: string, input: unknown) {
    await this.access.check(actor, 'safecontact:edit', 'victim', victimId)
    const parsed = safeContactSchema.safeParse(input)
    if (!parsed.success) throw new ValidationError(fieldIssues(parsed.error))
    const issues = safeContactIssues(parsed.data)
    if (issues.length) throw new ValidationError(issues)
    const now = this.clock.now()
    await this.db
      .transaction()
      .execute(async (trx) => {
        const victim = await cases.findVictim(trx, victimId)
        if (!victim) throw new NotFoundError('No victim with that id')
        // Newer details the recorder cannot see may be stricter: they are replaced only once the
        // recorder says they have checked with whoever holds them.
        const scope = await this.access.filter(actor, 'incident:view', trx)
        const [current] = await cases.latestSafeContacts(trx, { victimIds: [victimId], scope })
        const newer = current && victimSafeContact(current).safeContact.newerElsewhere
        const { replacesNewer, ...details } = parsed.data
        if (newer && !replacesNewer)
          throw new ValidationError([
            {
              path: 'replacesNewer',
              message: `Newer details were recorded by ${newer.agency} on ${formatLocal(newer.recordedAt)}, on an incident you cannot open: check with them, then confirm these replace theirs`,
            },
          ])
        const id = await cases.insertSafeContact(trx, {
          incidentId: victim.incident_id,
          personId: victim.id,
          personKey: victim.person_key,
          ...details,
          by: authorId(actor),
          at: now,
        })
        await recordAudit(trx, actor, now, {
          action: 'collect',
          recordType: 'incident_person',
          recordId: victimId,
          fields: ['safe_contact'],
          details: {
            safeContactId: id,
            incidentId: victim.incident_id,
            methods: parsed.data.methods,
            windows: parsed.data.windows.length,
            onlyWhileSuspectInCustody: parsed.data.onlyWhileSuspectInCustody,
            ...(newer ? { replacesNewerFrom: newer.agency } : {}),
          },
        })
        const incidents = await cases.caseIncidents(trx, victim, { kind: 'all' })
        await this.replanVisitsTo(
          trx,
          actor,
          incidents.map((i) => i.id),
          'Safe-contact details changed',
        )
      })
      .catch((error: unknown) => {
        throw asConflict(error)
      })
  }

  /**
   * Re-makes, in the caller's transaction, every plan holding a visit to one of these incidents,
   * after something about their victims changed: their safe-contact details, or a discreet contact
   * planned, cancelled or withdrawn (the cause must not say which: police officers read it).
   */
  async replanVisitsTo(trx: Queryable, actor: Actor, incidentIds: string[], cause: string) {
    const shifts = await repo.plannedShifts(trx, incidentIds)
    await repo.lockShifts(trx, shifts)
    for (const shiftId of shifts) await this.replanOther(trx, actor, shiftId, cause)
  }

  private async shift(id: string, db: Queryable = this.db): Promise<ShiftRecord> {
    const shift = await getShift(db, id)
    if (!shift) throw new NotFoundError('No shift with that id')
    return shift
  }

  private async plannedVisit(db: Queryable, shiftId: string, visitId: string) {
    const visit = await repo.findVisit(db, visitId)
    if (!visit || visit.shift_id !== shiftId) throw new NotFoundError('No visit with that id on this shift')
    if (visit.status !== 'planned') throw new ConflictError('That visit already has an outcome')
    return visit
  }

  /**
   * The incidents a shift's plan may hold, whoever presses the button: those of the team's agency
   * and of agencies sharing incidents with it (its areas are applied separately).
   */
  private async shiftScope(db: Queryable, shift: ShiftRecord): Promise<ScopeFilter> {
    return { kind: 'agency', agencyIds: [shift.agencyId, ...(await sharingAgencies(db, shift.agencyId, 'incident'))] }
  }

  /** Visits left planned on ended or cancelled shifts lapse, so their victims are candidates again. */
  private async lapse(trx: Queryable, actor: Actor, now: Date) {
    const lapsed = await repo.lapseEndedVisits(trx, now)
    await recordAudits(
      trx,
      actor,
      now,
      lapsed.map((v) => ({
        action: 'alter' as const,
        recordType: 'incident',
        recordId: v.incident_id,
        fields: ['visit_status'],
        details: { visitId: v.id, shiftId: v.shift_id, status: 'lapsed' },
      })),
    )
  }

  /**
   * One change to a plan: access check, locks, the change, the re-plan and its revision and audit
   * rows, in one transaction. `action` null: the caller checked access another way (a live dispatch).
   */
  private async change(
    actor: Actor,
    shiftId: string,
    action: 'plan:edit' | null,
    cause: string,
    apply: (trx: Queryable, shift: ShiftRecord) => Promise<unknown>,
    options: ChangeOptions = {},
  ) {
    if (action) await this.access.check(actor, action, 'shift', shiftId)
    const now = this.clock.now()
    return this.db
      .transaction()
      .execute(async (trx) => {
        // A first plan is made with the unplanned crews beside it: lock them all at once, in id
        // order, then look again, as another crew may have planned them meanwhile.
        const unlocked = await this.shift(shiftId, trx)
        const siblingIds = (await repo.hasRevision(trx, shiftId))
          ? []
          : await repo.unplannedSiblingShifts(trx, {
              id: unlocked.id,
              startsAt: unlocked.startsAt,
              endsAt: unlocked.endsAt,
              areas: unlocked.areas,
            })
        await repo.lockShifts(trx, [shiftId, ...siblingIds])
        await this.lapse(trx, actor, now)
        const shift = await this.ready(trx, shiftId, now)
        const before = await this.snapshot(trx, shift.id)
        const first = before === null
        await apply(trx, shift)
        const siblings = first ? await this.siblingsToPlan(trx, actor, siblingIds, now) : []
        const result = await this.planAndRecord(trx, actor, [shift, ...siblings], now, before, {
          ...options,
          cause: first && options.firstCause ? options.firstCause : cause,
        })
        await options.after?.(trx, shift)
        return result
      })
      .catch((error: unknown) => {
        throw asConflict(error)
      })
  }

  /** The shift, if a plan can be made for it now; otherwise why not. */
  private async ready(trx: Queryable, shiftId: string, now: Date): Promise<ShiftRecord> {
    const shift = await this.shift(shiftId, trx)
    if (shift.cancelledAt) throw new ValidationError([{ path: 'shift', message: 'This shift was cancelled' }])
    if (shift.endsAt <= now)
      throw new ValidationError([{ path: 'shift', message: 'This shift has ended: its plan can no longer change' }])
    const missing = shiftReadiness(shift)
    if (missing.length) throw new ValidationError(missing.map((message) => ({ path: 'shift', message })))
    return shift
  }

  /**
   * Re-makes another shift's plan inside the caller's transaction, after a change elsewhere took
   * one of its visits or changed a victim's safe times. A shift that cannot be planned now (ended,
   * not ready) is left as it is: its visits lapse at its end, or wait for the team.
   */
  private async replanOther(trx: Queryable, actor: Actor, shiftId: string, cause: string) {
    const now = this.clock.now()
    await repo.lockShifts(trx, [shiftId])
    let shift: ShiftRecord
    try {
      shift = await this.ready(trx, shiftId, now)
    } catch (error) {
      if (error instanceof ValidationError) return
      throw error
    }
    const before = await this.snapshot(trx, shift.id)
    await this.planAndRecord(trx, actor, [shift], now, before, { cause })
  }

  /** Plans the shifts, checks a required visit is on the lead's plan, and records revisions and audit rows. */
  private async planAndRecord(
    trx: Queryable,
    actor: Actor,
    shifts: ShiftRecord[],
    now: Date,
    before: PlanSnapshot | null,
    options: Pick<ChangeOptions, 'mustPlan' | 'live'> & { cause: string },
  ) {
    const lead = shifts[0]!
    const result = await this.makePlans(trx, shifts, now, before)
    const mine = result.plans.get(lead.id)!
    if (options.mustPlan && !mine.incidentIds.includes(options.mustPlan)) {
      const why = result.leftOut.get(options.mustPlan)
      throw new ValidationError([
        {
          path: 'incidentId',
          message: `This plan cannot take that visit: ${why?.detail ?? 'it is not a candidate for this shift'}`,
        },
      ])
    }
    const causeOf = (s: ShiftRecord) => (s.id === lead.id ? options.cause : `Planned with ${crewName(lead)}`)
    for (const s of shifts) {
      const r = result.plans.get(s.id)!
      await repo.insertRevision(trx, {
        shiftId: s.id,
        at: now,
        by: actor.userId,
        cause: causeOf(s),
        score: r.changes.scoreAfter,
        changes: r.changes,
        source: result.source,
        warnings: result.warnings,
      })
    }
    await recordAudits(trx, actor, now, [
      ...shifts.map((s) => ({
        action: 'alter' as const,
        recordType: 'shift',
        recordId: s.id,
        fields: ['plan'],
        details: {
          cause: causeOf(s),
          incidents: result.plans.get(s.id)!.incidentIds,
          ...(options.live ? { liveIncidentId: options.live } : {}),
        },
      })),
      // The place and time of a victim's appointment go to the team as a visit at a discreet place.
      ...shifts.flatMap((s) =>
        result.plans.get(s.id)!.discreet.map((d) => ({
          action: 'disclose' as const,
          recordType: 'incident_person',
          recordId: d.victimId,
          fields: ['nhs_appointment.location', 'nhs_appointment.start_at'],
          details: { via: 'shift_plan', shiftId: s.id, appointmentId: d.appointmentId },
          recipients: [s.teamName],
        })),
      ),
    ])
    return { shift: lead, changes: mine.changes, lines: describeChanges(mine.changes) }
  }

  /** Sibling shifts (locked by the caller) still unplanned, that the actor may plan and that are ready. */
  private async siblingsToPlan(trx: Queryable, actor: Actor, ids: string[], now: Date): Promise<ShiftRecord[]> {
    const siblings: ShiftRecord[] = []
    for (const id of ids) {
      if (await repo.hasRevision(trx, id)) continue
      if (!(await this.access.permits(actor, 'plan:edit', 'shift', id, trx))) continue
      const s = await getShift(trx, id)
      if (s && !s.cancelledAt && s.endsAt > now && shiftReadiness(s).length === 0) siblings.push(s)
    }
    return siblings
  }

  /** The shift's current plan for comparison: null before its first plan. */
  private async snapshot(trx: Queryable, shiftId: string): Promise<PlanSnapshot | null> {
    const score = await repo.latestScore(trx, shiftId)
    if (score === undefined) return null
    const planned = (await repo.shiftVisits(trx, shiftId)).filter((v) => v.status === 'planned')
    const refs = new Map(
      (
        await queueDisplayRows(
          trx,
          planned.map((v) => v.incident_id),
        )
      ).map((d) => [d.id, d.force_reference]),
    )
    const excluded = await repo.exclusions(trx, shiftId)
    return {
      score,
      stops: planned.map((v) => ({
        incidentId: v.incident_id,
        reference: refs.get(v.incident_id) ?? '',
        start: v.planned_start,
      })),
      excluded: new Map(excluded.map((e) => [e.incident_id, e.detail])),
    }
  }

  /**
   * Gathers candidates, asks the planner, checks its answer and writes each shift's plan. Visits
   * whose time has come (started) stay as they are until their outcome is recorded, and the route
   * goes on from them; a live incident is never dropped silently.
   */
  private async makePlans(trx: Queryable, shifts: ShiftRecord[], now: Date, before: PlanSnapshot | null) {
    const settings = await readSettings(trx, [
      'deployment.rules',
      'deployment.candidateDays',
      'deployment.travel',
      'triage.priorityWeights',
    ])
    const rules = settings['deployment.rules']
    const since = new Date(now.getTime() - settings['deployment.candidateDays'] * DAY_MS)
    const lead = shifts[0]!
    const time = timeBase(lead.startsAt)

    // Candidates: each shift's own, plus what is already on its plan (pins, a live incident).
    const factRows = new Map<string, Awaited<ReturnType<typeof repo.incidentFacts>>[number]>()
    const shiftsOf = new Map<string, Set<string>>()
    const existing = new Map<string, repo.VisitRow>()
    const started = new Map<string, repo.VisitRow[]>()
    const lastDone = new Map<string, repo.VisitRow | undefined>()
    /** Each candidate's victims' details; a candidate several shifts share has each shift's view. */
    const safeOf = new Map<string, (SafeContactDetails | null)[]>()
    for (const s of shifts) {
      const visits = await repo.shiftVisits(trx, s.id)
      const planned = visits.filter((v) => v.status === 'planned')
      started.set(
        s.id,
        planned.filter((v) => v.planned_start <= now),
      )
      lastDone.set(
        s.id,
        visits
          .filter((v) => v.status === 'completed')
          .sort((a, b) => b.outcome_at!.getTime() - a.outcome_at!.getTime())[0],
      )
      const waiting = planned.filter((v) => v.planned_start > now)
      for (const v of waiting) existing.set(v.incident_id, v)
      const onPlan = await repo.incidentFacts(
        trx,
        waiting.map((v) => v.incident_id),
      )
      const scope = await this.shiftScope(trx, s)
      const open = await repo.candidateFacts(trx, { shiftId: s.id, areas: s.areas, since, scope })
      const busy = new Set(started.get(s.id)!.map((v) => v.incident_id))
      const mine = [...open, ...onPlan].filter((row) => !busy.has(row.id))
      for (const row of mine) {
        factRows.set(row.id, row)
        if (!shiftsOf.has(row.id)) shiftsOf.set(row.id, new Set())
        shiftsOf.get(row.id)!.add(s.id)
      }
    }
    const ids = [...factRows.keys()]
    // Every victim's latest details from any of their incidents, whoever holds it: a rule another
    // agency recorded still keeps the victim safe, and the plan shows only the times it allows.
    for (const row of await cases.latestSafeContacts(trx, { incidentIds: ids, scope: null })) {
      const list = safeOf.get(row.incident_id) ?? []
      list.push(recordedDetails(row))
      safeOf.set(row.incident_id, list)
    }
    const [display, outcomes, kinds, contacts, idvas] = await Promise.all([
      queueDisplayRows(trx, ids),
      repo.lastOutcomes(trx, ids),
      repo.areaKinds(trx),
      plannedContactsForIncidents(trx, ids, lead.startsAt, lead.endsAt),
      repo.idvaAgencies(
        trx,
        shifts.map((s) => s.id),
      ),
    ])
    const displayOf = new Map(display.map((d) => [d.id, d]))
    const kindOf = new Map(kinds.map((k) => [k.name, k.kind]))
    const outcomeOf = new Map(outcomes.map((o) => [o.incident_id, o]))
    // Discreet contacts at the victims' appointments in the shift, where the bundle gave the place.
    const discreetOf = new Map<string, DiscreetPlace[]>()
    for (const a of contacts) {
      if (a.latitude === null || a.longitude === null) continue
      const areaKind = kindOf.get(displayOf.get(a.incident_id)!.area) ?? 'urban'
      discreetOf.set(a.incident_id, [
        ...(discreetOf.get(a.incident_id) ?? []),
        {
          appointmentId: a.appointment_id,
          victimId: a.victim_id,
          agencyId: a.agency_id,
          victims: a.victims,
          start: a.start_at,
          point: { latitude: a.latitude, longitude: a.longitude, areaKind },
        },
      ])
    }
    const candidates: Candidate[] = ids.map((id) => {
      const facts = factsOf(factRows.get(id)!)
      const d = displayOf.get(id)!
      const visit = existing.get(id)
      const last = outcomeOf.get(id)
      const kind: VisitKind = visit?.kind === 'live' ? 'live' : last ? 'follow_up' : 'post_incident'
      const windows = visitWindows(
        {
          shiftStart: lead.startsAt,
          shiftEnd: lead.endsAt,
          now,
          custody: facts.custody,
          safeContact: combineSafeContacts(safeOf.get(id) ?? []),
          notBefore: last?.follow_up_after ?? null,
          dispatchedAt: visit?.kind === 'live' ? visit.dispatched_at : null,
        },
        rules,
      )
      const priority = priorityScore(facts, now, settings['triage.priorityWeights'])
      return {
        incidentId: id,
        reference: d.force_reference,
        area: d.area,
        postcode: d.postcode,
        victimName: d.victim_name,
        point:
          d.latitude === null || d.longitude === null
            ? null
            : { latitude: d.latitude, longitude: d.longitude, areaKind: kindOf.get(d.area) ?? 'urban' },
        // A live incident is attended where it happens.
        discreet: kind === 'live' ? [] : (discreetOf.get(id) ?? []),
        kind,
        prize: Math.max(1, priority.total),
        because:
          kind === 'live'
            ? `Live incident. ${windows.constraints.join('. ')}.`
            : chosenBecause(priority, windows.constraints),
        constraints: windows.constraints,
        blocked: windows.blocked,
        periods: windows.periods,
        serviceMinutes: rules.visitMinutes[kind],
        shiftIds: [...shiftsOf.get(id)!],
        lastOutcome: last?.outcome ? { outcome: last.outcome, at: last.outcome_at!, notes: last.outcome_notes } : null,
      }
    })

    // Where each route starts: after a visit under way, where the team last finished one, or the base.
    const points: GeoPoint[] = []
    const routes: PlannerRoute[] = []
    for (const s of shifts) {
      const base: GeoPoint = { latitude: s.base.latitude, longitude: s.base.longitude, areaKind: s.base.areaKind }
      const current = started.get(s.id)!.sort((a, b) => b.planned_start.getTime() - a.planned_start.getTime())[0]
      const from = current ?? (now > s.startsAt ? lastDone.get(s.id) : undefined)
      let start = base
      if (from) {
        const at = await repo.visitPoint(trx, from.id)
        if (at?.latitude != null && at.longitude != null)
          start = { latitude: at.latitude, longitude: at.longitude, areaKind: at.kind }
      }
      const leaves = [s.startsAt, now, ...(current ? [current.planned_end] : [])].reduce((a, b) => (b > a ? b : a))
      points.push(start, base)
      routes.push({
        id: s.id,
        label: crewName(s),
        startLocation: points.length - 2,
        endLocation: points.length - 1,
        startTime: time.toMinutes(leaves),
        endTime: time.toMinutes(s.endsAt),
      })
    }

    const leftOut = new Map<string, { reason: LeftOutReason; detail: string }>()
    const visits: PlannerVisit[] = []
    /** Each planner visit's options in order: null for the incident's location, else the discreet contact. */
    const placesOf = new Map<string, (DiscreetPlace | null)[]>()
    const candidateOf = new Map(candidates.map((c) => [c.incidentId, c]))
    const inMinutes = (w: Interval) => ({ open: time.toMinutes(w.start), close: time.toMinutes(w.end) })
    const idvaAgenciesOf = (shiftId: string) => idvas.filter((m) => m.shift_id === shiftId).map((m) => m.agency_id)
    for (const c of candidates) {
      const visit = existing.get(c.incidentId)
      const owner = visit ? visit.shift_id : undefined
      // Met at a discreet contact only by a crew that may meet them there; the place is not mentioned otherwise.
      const meeting = meetingPlaces(owner ? [owner] : c.shiftIds, c.point !== null, c.discreet, idvaAgenciesOf)
      if (!c.point && meeting.contacts.length === 0) {
        leftOut.set(c.incidentId, {
          reason: 'no_location',
          detail:
            'The incident has no map position (coordinates), so travel to it cannot be planned. Add them to the incident record, or arrange the visit outside the plan.',
        })
        continue
      }
      if (c.blocked) {
        leftOut.set(c.incidentId, { reason: 'no_window', detail: c.blocked })
        continue
      }
      // At home, or at a discreet contact in the minutes before the appointment: within the safe periods either way.
      const options = [
        ...(c.point ? [{ place: null, point: c.point, windows: startWindows(c.periods, c.serviceMinutes) }] : []),
        ...meeting.contacts.map((d) => ({
          place: d,
          point: d.point,
          windows: startWindows(c.periods, c.serviceMinutes, appointmentWindow(d.start)),
        })),
      ].filter((o) => o.windows.length > 0)
      if (options.length === 0) {
        const limits = c.constraints.length ? ` (${c.constraints.join('; ')})` : ''
        leftOut.set(c.incidentId, {
          reason: 'no_window',
          detail: c.point
            ? `No safe time in this shift is long enough for a ${c.serviceMinutes}-minute visit${limits}`
            : `The incident has no map position (coordinates), and no safe time in this shift fits a ${c.serviceMinutes}-minute visit at ${DISCREET_PLACE}${limits}. Add coordinates to the incident record, or arrange the visit outside the plan.`,
        })
        continue
      }
      visits.push({
        id: c.incidentId,
        label: c.reference,
        prize: c.prize,
        options: options.map((o) => {
          points.push(o.point)
          return {
            location: points.length - 1,
            windows: o.windows.map(inMinutes),
            serviceMinutes: c.serviceMinutes,
            label: o.place ? DISCREET_PLACE : 'home',
          }
        }),
        routeIds: meeting.crews,
        ...(visit?.pinned && owner ? { pinnedTo: owner } : {}),
      })
      placesOf.set(
        c.incidentId,
        options.map((o) => o.place),
      )
    }
    for (const r of routes) {
      const fixed = [...existing.values()]
        .filter((v) => v.shift_id === r.id && v.fixed_rank !== null && visits.some((p) => p.id === v.incident_id))
        .sort((a, b) => a.fixed_rank! - b.fixed_rank!)
        .map((v) => v.incident_id)
      if (fixed.length) r.fixedOrder = fixed
    }

    const source = travelTimeSource(
      { ...settings['deployment.travel'], osrmUrl: this.options.osrmUrl ?? null },
      this.options.fetch ?? fetch,
    )
    const matrix = await source.matrix(points)
    const input: PlannerInput = {
      travel: matrix.minutes,
      routes,
      visits,
      options: {
        ...(this.options.plannerTimeLimitMs ? { timeLimitMs: this.options.plannerTimeLimitMs } : {}),
        seed: 1,
        // Reasons in wall-clock time, right on a clock-change day and past midnight.
        formatTime: (minutes) => localWhen(time.toDate(minutes), lead.startsAt),
      },
    }
    const result = plan(input)
    const violations = checkPlan(input, result)
    // Never store a plan that breaks a window or the shift end: that is a planner bug, not a plan.
    if (violations.length)
      throw new Error(`The planner returned a plan that breaks its rules: ${violations.join('; ')}`)
    const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)
    for (const e of result.excluded) leftOut.set(e.visitId, { reason: e.reason, detail: sentence(e.detail) })

    // A live incident the plan cannot keep is not dropped quietly: the change is refused.
    for (const v of existing.values()) {
      if (v.kind === 'live' && leftOut.has(v.incident_id)) {
        const c = candidateOf.get(v.incident_id)
        throw new ValidationError([
          {
            path: 'shift',
            message: `The live incident ${c?.reference ?? ''} would no longer fit: ${leftOut.get(v.incident_id)!.detail}. Record its outcome, or send it to another team.`,
          },
        ])
      }
    }

    const plans = new Map<string, { changes: PlanChanges; incidentIds: string[]; discreet: DiscreetPlace[] }>()
    for (const route of result.routes) {
      const kept = started.get(route.routeId)!.sort((a, b) => a.planned_start.getTime() - b.planned_start.getTime())
      const writes = [
        ...kept.map((v, position) => ({
          incidentId: v.incident_id,
          kind: v.kind,
          position,
          optionLabel: v.option_label,
          place:
            v.place_latitude === null || v.place_longitude === null
              ? null
              : { latitude: v.place_latitude, longitude: v.place_longitude },
          arrival: v.planned_arrival,
          start: v.planned_start,
          end: v.planned_end,
          travelMinutes: v.travel_minutes,
          pinned: v.pinned,
          fixedRank: v.fixed_rank,
          chosenBecause: v.chosen_because,
        })),
        ...route.stops.map((stop, i) => {
          const c = candidateOf.get(stop.visitId)!
          const visit = existing.get(stop.visitId)
          const place = placesOf.get(stop.visitId)![stop.option] ?? null
          return {
            incidentId: stop.visitId,
            kind: c.kind,
            position: kept.length + i,
            optionLabel: visits.find((v) => v.id === stop.visitId)!.options[stop.option]!.label,
            place: place ? { latitude: place.point.latitude, longitude: place.point.longitude } : null,
            arrival: time.toDate(stop.arrival),
            start: time.toDate(stop.start),
            end: time.toDate(stop.end),
            travelMinutes: Math.round(stop.travelFromPrevious * 10) / 10,
            pinned: visit?.shift_id === route.routeId ? visit.pinned : false,
            fixedRank: visit?.shift_id === route.routeId ? visit.fixed_rank : null,
            chosenBecause: c.because,
          }
        }),
      ]
      await guardBooking(() => repo.replacePlannedVisits(trx, route.routeId, writes))
      const mine = candidates.filter((c) => c.shiftIds.includes(route.routeId) && leftOut.has(c.incidentId))
      await repo.replaceExclusions(
        trx,
        route.routeId,
        mine.map((c) => ({ incidentId: c.incidentId, ...leftOut.get(c.incidentId)! })),
      )
      const drops = await repo.drops(trx, route.routeId)
      const refOf = (id: string) =>
        candidateOf.get(id)?.reference ?? before?.stops.find((s) => s.incidentId === id)?.reference ?? ''
      // Sibling shifts are planned for the first time here: nothing to compare with.
      const changes = planChanges(route.routeId === lead.id ? before : null, {
        score: route.score,
        stops: writes.map((w) => ({ incidentId: w.incidentId, reference: refOf(w.incidentId), start: w.start })),
        excluded: new Map([
          ...[...leftOut].map(([id, l]) => [id, l.detail] as const),
          ...drops.map((d) => [d.incident_id, `dropped by the team: ${d.reason}`] as const),
        ]),
      })
      plans.set(route.routeId, {
        changes,
        incidentIds: writes.map((w) => w.incidentId),
        discreet: route.stops.flatMap((stop) => placesOf.get(stop.visitId)![stop.option] ?? []),
      })
    }
    return { plans, leftOut, source: matrix.source, warnings: matrix.warnings }
  }
}

/** How a crew is named to teams: its team, and its vehicle where two crews share a team. */
function crewName(s: Pick<ShiftRecord, 'teamName' | 'vehicle'>): string {
  return `${s.teamName}${s.vehicle ? ` (${s.vehicle.callSign})` : ''}`
}

/** Writes a booking; the database refuses a victim booked by two teams at once. */
async function guardBooking<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write()
  } catch (error) {
    throw asConflict(error)
  }
}

/** Two teams planning at once: a refused double booking or a deadlock, either way "try again". */
export function asConflict(error: unknown): unknown {
  const code = (error as { code?: string }).code
  if (code === '23505' || code === '40P01')
    return new ConflictError(
      'Another team has just changed a plan with one of these visits. Open the plan again to see the latest.',
    )
  return error
}
