import { z } from 'zod'
import { OUTCOMES } from './rules.ts'
import { outcomeSchema, type DeploymentService } from './service.ts'

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null)

export const pinBodySchema = z.strictObject({ incidentId: z.uuid() })
export const dropBodySchema = z.strictObject({ incidentId: z.uuid(), reason: z.string().max(500) })
export const dispatchBodySchema = z.strictObject({ shiftId: z.uuid() })
export const outcomeBodySchema = z.strictObject({
  outcome: z.enum(OUTCOMES),
  notes: z.string().max(2000).optional(),
  followUpAfter: z.iso.datetime({ offset: true }).optional(),
}) satisfies z.ZodType<z.input<typeof outcomeSchema>>

const changesSchema = z.object({
  scoreBefore: z.number().nullable(),
  scoreAfter: z.number(),
  added: z.array(z.object({ incidentId: z.string(), reference: z.string() })),
  removed: z.array(z.object({ incidentId: z.string(), reference: z.string(), why: z.string() })),
  moved: z.array(z.object({ incidentId: z.string(), reference: z.string(), minutes: z.number() })),
})

export const changeResponseSchema = z.object({
  shiftId: z.string(),
  changes: changesSchema,
  /** The changes in sentences: what the team's choice cost. */
  summary: z.array(z.string()),
})

const stopSchema = z.object({
  visitId: z.string(),
  incidentId: z.string(),
  /** An incident the caller may not open: its place and times only. */
  restricted: z.boolean(),
  reference: z.string(),
  area: z.string(),
  postcode: z.string(),
  place: z
    .string()
    .nullable()
    .describe('Where the visit is when not at the incident’s address (a discreet place arranged by the IDVA)'),
  victimName: z.string().nullable(),
  kind: z.enum(['post_incident', 'follow_up', 'live']),
  position: z.number(),
  plannedArrival: z.string(),
  plannedStart: z.string(),
  plannedEnd: z.string(),
  travelMinutes: z.number(),
  pinned: z.boolean(),
  fixedRank: z.number().nullable(),
  chosenBecause: z.string(),
  outcome: z.enum(OUTCOMES).nullable(),
  outcomeNotes: z.string().nullable(),
  outcomeAt: z.string().nullable(),
})

export const planResponseSchema = z.object({
  shift: z.object({
    id: z.string(),
    team: z.string(),
    startsAt: z.string(),
    endsAt: z.string(),
    base: z.string(),
    vehicle: z.string().nullable(),
    members: z.array(z.object({ name: z.string(), duty: z.enum(['officer', 'idva']) })),
  }),
  readiness: z.array(z.string()),
  planned: z.array(stopSchema),
  completed: z.array(stopSchema),
  leftOut: z.array(
    z.object({
      incidentId: z.string(),
      reference: z.string(),
      area: z.string(),
      reason: z.string(),
      detail: z.string(),
    }),
  ),
  dropped: z.array(
    z.object({ incidentId: z.string(), reference: z.string(), reason: z.string(), droppedAt: z.string() }),
  ),
  plannedByOtherTeams: z.number(),
  revisions: z.array(
    z.object({
      madeAt: z.string(),
      by: z.string().nullable(),
      cause: z.string(),
      summary: z.array(z.string()),
      warnings: z.array(z.string()),
    }),
  ),
})

type Plan = Awaited<ReturnType<DeploymentService['view']>>

export function toPlanResponse(plan: Plan): z.infer<typeof planResponseSchema> {
  const stop = (v: Plan['completed'][number]) => ({
    visitId: v.id,
    incidentId: v.incident_id,
    restricted: v.restricted,
    reference: v.reference,
    area: v.area,
    postcode: v.postcode,
    place: v.place,
    victimName: v.victimName,
    kind: v.kind,
    position: v.position,
    plannedArrival: iso(v.planned_arrival)!,
    plannedStart: iso(v.planned_start)!,
    plannedEnd: iso(v.planned_end)!,
    travelMinutes: v.travel_minutes,
    pinned: v.pinned,
    fixedRank: v.fixed_rank,
    chosenBecause: v.chosen_because,
    outcome: v.outcome,
    outcomeNotes: v.outcome_notes,
    outcomeAt: iso(v.outcome_at),
  })
  return {
    shift: {
      id: plan.shift.id,
      team: plan.shift.teamName,
      startsAt: iso(plan.shift.startsAt)!,
      endsAt: iso(plan.shift.endsAt)!,
      base: plan.shift.base.name,
      vehicle: plan.shift.vehicle?.callSign ?? null,
      members: plan.shift.members.map((m) => ({ name: m.displayName, duty: m.duty })),
    },
    readiness: plan.readiness,
    planned: plan.planned.map(stop),
    completed: plan.completed.map(stop),
    leftOut: plan.excluded.map((e) => ({
      incidentId: e.incident_id,
      reference: e.reference,
      area: e.area,
      reason: e.reason,
      detail: e.detail,
    })),
    dropped: plan.dropped.map((d) => ({
      incidentId: d.incident_id,
      reference: d.reference,
      reason: d.reason,
      droppedAt: iso(d.dropped_at)!,
    })),
    plannedByOtherTeams: plan.plannedElsewhere,
    revisions: plan.revisions.map((r) => ({
      madeAt: iso(r.made_at)!,
      by: r.display_name,
      cause: r.cause,
      summary: r.lines,
      warnings: r.warnings,
    })),
  }
}
