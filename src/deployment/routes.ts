import type { FastifyInstance, FastifyReply } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { RouteContext } from '../server/app.ts'
import { actorOf } from '../server/http.ts'
import { apiErrors, idParams } from '../server/api-schemas.ts'
import type { Actor } from '../auth/actor.ts'
import { ConflictError, ValidationError, type FieldIssue } from '../common/errors.ts'
import { attempt, formDateTime, formText, savedMessage, type FormBody } from '../server/forms.ts'
import { shiftPlanMap } from './map.ts'
import { OUTCOME_LABELS, OUTCOMES, VISIT_KIND_LABELS } from './rules.ts'
import type { DeploymentService } from './service.ts'
import {
  changeResponseSchema,
  dispatchBodySchema,
  dropBodySchema,
  outcomeBodySchema,
  pinBodySchema,
  planResponseSchema,
  toPlanResponse,
} from './api-schemas.ts'

const shiftIncident = z.strictObject({ id: z.uuid(), incidentId: z.uuid() })
const shiftVisit = z.strictObject({ id: z.uuid(), visitId: z.uuid() })
const moveSchema = z.enum(['earlier', 'later'])
const body = (request: { body: unknown }) => (request.body ?? {}) as FormBody

/** Messages for `?saved=…` after a change to the plan. */
const SAVED: Record<string, string> = {
  planned: 'Plan updated',
  pinned: 'Visit pinned: the plan keeps it',
  unpinned: 'Visit unpinned',
  moved: 'Order changed: the plan keeps the team’s order',
  dropped: 'Visit dropped from this shift',
  restored: 'Visit returned to the candidates',
  outcome: 'Outcome recorded',
  live: 'Live incident sent: the plan has been re-made around it',
}

/** The rescheduled time from the outcome form's date input and time field, in UK local time. */
function followUpFrom(form: FormBody): { value?: string; issue?: FieldIssue } {
  const at = formDateTime(form, 'followUp', 'followUpTime', 'the rescheduled visit')
  // The form shows one message for both parts, at its date input (whose id is followUpAfter).
  if (at.issue) return { issue: { path: 'followUpAfter', message: 'Enter the new date, and a time like 14:30' } }
  return { value: at.value?.toISOString() }
}

export function deploymentRoutes(app: FastifyInstance, { services }: RouteContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const deployment: DeploymentService = services.deployment

  // Pages
  app.get('/deployment', { config: { action: 'plan:view' } }, async (request, reply) => {
    const shifts = await deployment.myShifts(actorOf(request))
    return reply.render('deployment/views/my-shifts.njk', { pageTitle: 'Your shifts today', shifts })
  })

  app.get('/deployment/shifts/:id', { config: { action: 'plan:view' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    return renderPlan(reply, actorOf(request), id, { done: savedMessage(request, SAVED) })
  })

  app.get('/deployment/shifts/:id/print', { config: { action: 'plan:view' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const plan = await deployment.view(actorOf(request), id)
    return reply.render('deployment/views/print.njk', {
      pageTitle: `Plan for ${plan.shift.teamName}`,
      plan,
      map: shiftPlanMap(plan),
      kindLabels: VISIT_KIND_LABELS,
    })
  })

  app.post('/deployment/shifts/:id/plan', { config: { action: 'plan:edit' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    return changeThenShow(reply, actorOf(request), id, 'planned', (actor) => deployment.replan(actor, id))
  })

  app.post(
    '/deployment/shifts/:id/candidates/:incidentId/pin',
    { config: { action: 'plan:edit' } },
    async (request, reply) => {
      const { id, incidentId } = shiftIncident.parse(request.params)
      return changeThenShow(reply, actorOf(request), id, 'pinned', (actor) => deployment.pin(actor, id, incidentId))
    },
  )

  app.post(
    '/deployment/shifts/:id/candidates/:incidentId/restore',
    { config: { action: 'plan:edit' } },
    async (request, reply) => {
      const { id, incidentId } = shiftIncident.parse(request.params)
      return changeThenShow(reply, actorOf(request), id, 'restored', (actor) =>
        deployment.restore(actor, id, incidentId),
      )
    },
  )

  app.get(
    '/deployment/shifts/:id/candidates/:incidentId/drop',
    { config: { action: 'plan:edit' } },
    async (request, reply) => {
      const { id, incidentId } = shiftIncident.parse(request.params)
      const plan = await deployment.view(actorOf(request), id)
      return reply.render('deployment/views/drop.njk', {
        pageTitle: 'Drop this visit',
        plan,
        target: findCandidate(plan, incidentId),
      })
    },
  )

  app.post(
    '/deployment/shifts/:id/candidates/:incidentId/drop',
    { config: { action: 'plan:edit' } },
    async (request, reply) => {
      const { id, incidentId } = shiftIncident.parse(request.params)
      const form = body(request)
      const done = await attempt(() =>
        deployment.drop(actorOf(request), id, incidentId, { reason: formText(form, 'reason') }),
      )
      if (!done.ok) {
        const plan = await deployment.view(actorOf(request), id)
        return reply.code(400).render('deployment/views/drop.njk', {
          pageTitle: 'Drop this visit',
          plan,
          target: findCandidate(plan, incidentId),
          errors: done.issues,
          reason: formText(form, 'reason'),
        })
      }
      return reply.redirect(`/deployment/shifts/${id}?saved=dropped`)
    },
  )

  app.post(
    '/deployment/shifts/:id/visits/:visitId/unpin',
    { config: { action: 'plan:edit' } },
    async (request, reply) => {
      const { id, visitId } = shiftVisit.parse(request.params)
      return changeThenShow(reply, actorOf(request), id, 'unpinned', (actor) => deployment.unpin(actor, id, visitId))
    },
  )

  app.post(
    '/deployment/shifts/:id/visits/:visitId/move',
    { config: { action: 'plan:edit' } },
    async (request, reply) => {
      const { id, visitId } = shiftVisit.parse(request.params)
      const direction = moveSchema.safeParse(formText(body(request), 'direction'))
      if (!direction.success) throw new ValidationError([{ path: 'direction', message: 'Choose earlier or later' }])
      return changeThenShow(reply, actorOf(request), id, 'moved', (actor) =>
        deployment.move(actor, id, visitId, direction.data),
      )
    },
  )

  app.get(
    '/deployment/shifts/:id/visits/:visitId/outcome',
    { config: { action: 'plan:record-outcome' } },
    async (request, reply) => {
      const { id, visitId } = shiftVisit.parse(request.params)
      const plan = await deployment.view(actorOf(request), id)
      return reply.render('deployment/views/outcome.njk', outcomeModel(plan, visitId, {}))
    },
  )

  app.post(
    '/deployment/shifts/:id/visits/:visitId/outcome',
    { config: { action: 'plan:record-outcome' } },
    async (request, reply) => {
      const { id, visitId } = shiftVisit.parse(request.params)
      const form = body(request)
      const followUp = followUpFrom(form)
      const done = await attempt(async () => {
        if (followUp.issue) throw new ValidationError([followUp.issue])
        return deployment.recordOutcome(actorOf(request), id, visitId, {
          outcome: formText(form, 'outcome') || undefined,
          notes: formText(form, 'notes'),
          followUpAfter: followUp.value,
        })
      })
      if (!done.ok) {
        const plan = await deployment.view(actorOf(request), id)
        return reply
          .code(400)
          .render('deployment/views/outcome.njk', outcomeModel(plan, visitId, { errors: done.issues, form }))
      }
      return reply.redirect(`/deployment/shifts/${id}?saved=outcome`)
    },
  )

  app.get('/incidents/:id/send-live', { config: { action: 'plan:dispatch-live' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    return renderSendLive(reply, actorOf(request), id, {})
  })

  app.post('/incidents/:id/send-live', { config: { action: 'plan:dispatch-live' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const shiftId = formText(body(request), 'shiftId')
    const actor = actorOf(request)
    const done = await attempt(() => deployment.dispatchLive(actor, id, shiftId), conflictIssue)
    // Whoever sent it may not see the team's plan (a response officer): they go back to the incident.
    if (done.ok)
      return reply.redirect(
        (await services.access.permits(actor, 'plan:view', 'shift', done.value.shift.id))
          ? `/deployment/shifts/${done.value.shift.id}?saved=live`
          : `/triage/incidents/${id}?saved=live`,
      )
    return renderSendLive(reply.code(400), actor, id, { errors: done.issues })
  })

  // API
  api.get(
    '/api/v1/shifts/:id/plan',
    {
      config: { action: 'plan:view' },
      schema: {
        summary: 'A shift’s visit plan, what it left out and why, and its history',
        tags: ['deployment'],
        params: idParams,
        response: { 200: planResponseSchema, ...apiErrors },
      },
    },
    async (request) => toPlanResponse(await deployment.view(actorOf(request), request.params.id)),
  )

  api.post(
    '/api/v1/shifts/:id/plan',
    {
      config: { action: 'plan:edit' },
      schema: {
        summary: 'Re-make the plan (the first time, with the other teams on the same shift)',
        tags: ['deployment'],
        params: idParams,
        response: { 200: changeResponseSchema, ...apiErrors },
      },
    },
    async (request) => changeResponse(await deployment.replan(actorOf(request), request.params.id)),
  )

  api.post(
    '/api/v1/shifts/:id/plan/pins',
    {
      config: { action: 'plan:edit' },
      schema: {
        summary: 'Pin a visit to the plan and re-plan around it',
        tags: ['deployment'],
        params: idParams,
        body: pinBodySchema,
        response: { 200: changeResponseSchema, ...apiErrors },
      },
    },
    async (request) =>
      changeResponse(await deployment.pin(actorOf(request), request.params.id, request.body.incidentId)),
  )

  api.post(
    '/api/v1/shifts/:id/plan/drops',
    {
      config: { action: 'plan:edit' },
      schema: {
        summary: 'Drop a candidate from this shift, with the reason, and re-plan',
        tags: ['deployment'],
        params: idParams,
        body: dropBodySchema,
        response: { 200: changeResponseSchema, ...apiErrors },
      },
    },
    async (request) =>
      changeResponse(
        await deployment.drop(actorOf(request), request.params.id, request.body.incidentId, {
          reason: request.body.reason,
        }),
      ),
  )

  api.post(
    '/api/v1/shifts/:id/visits/:visitId/outcome',
    {
      config: { action: 'plan:record-outcome' },
      schema: {
        summary: 'Record what happened at a visit',
        tags: ['deployment'],
        params: shiftVisit,
        body: outcomeBodySchema,
        response: { 200: z.object({ incidentId: z.string(), outcome: z.enum(OUTCOMES) }), ...apiErrors },
      },
    },
    async (request) =>
      deployment.recordOutcome(actorOf(request), request.params.id, request.params.visitId, request.body),
  )

  api.post(
    '/api/v1/incidents/:id/live-dispatch',
    {
      config: { action: 'plan:dispatch-live' },
      schema: {
        summary: 'Send a live incident to a team on shift; its plan is re-made around it',
        tags: ['deployment'],
        params: idParams,
        body: dispatchBodySchema,
        response: { 200: changeResponseSchema, ...apiErrors },
      },
    },
    async (request) =>
      changeResponse(await deployment.dispatchLive(actorOf(request), request.params.id, request.body.shiftId)),
  )

  /** Whoever sends the team reads how and when it is safe to contact the victims first. */
  async function renderSendLive(reply: FastifyReply, actor: Actor, id: string, extra: { errors?: FieldIssue[] }) {
    const [targets, safeContacts] = await Promise.all([
      deployment.dispatchTargets(actor, id),
      services.cases.safeContactsForIncident(actor, id),
    ])
    return reply.render('deployment/views/send-live.njk', {
      pageTitle: 'Send to a team on shift',
      id,
      targets,
      safeContacts,
      ...extra,
    })
  }

  async function renderPlan(reply: FastifyReply, actor: Actor, id: string, extra: Record<string, unknown>) {
    const plan = await deployment.view(actor, id)
    return reply.render('deployment/views/plan.njk', {
      pageTitle: `Plan: ${plan.shift.teamName}`,
      plan,
      map: shiftPlanMap(plan),
      kindLabels: VISIT_KIND_LABELS,
      outcomeLabels: OUTCOME_LABELS,
      ...extra,
    })
  }

  /** Runs a change and shows the plan with what it changed; a refused change shows why, on the plan. */
  async function changeThenShow(
    reply: FastifyReply,
    actor: Actor,
    id: string,
    saved: string,
    work: (actor: Actor) => Promise<unknown>,
  ) {
    const done = await attempt(() => work(actor), conflictIssue)
    if (!done.ok) return renderPlan(reply.code(400), actor, id, { errors: done.issues })
    return reply.redirect(`/deployment/shifts/${id}?saved=${saved}`)
  }
}

/** Another team changed a plan meanwhile: shown on the form like any other problem. */
function conflictIssue(error: unknown): FieldIssue[] | null {
  return error instanceof ConflictError ? [{ path: 'form', message: error.message }] : null
}

type Plan = Awaited<ReturnType<DeploymentService['view']>>

function findCandidate(plan: Plan, incidentId: string) {
  const target = [...plan.planned, ...plan.excluded].find((c) => c.incidentId === incidentId)
  if (!target)
    throw new ValidationError([{ path: 'incidentId', message: 'That incident is not a candidate for this shift' }])
  return target
}

function outcomeModel(plan: Plan, visitId: string, extra: { errors?: FieldIssue[]; form?: Record<string, unknown> }) {
  const visit = plan.planned.find((v) => v.id === visitId)
  if (!visit) throw new ValidationError([{ path: 'visitId', message: 'That visit is not planned on this shift' }])
  return {
    pageTitle: `What happened at ${visit.reference}?`,
    plan,
    visit,
    outcomes: OUTCOMES,
    outcomeLabels: OUTCOME_LABELS,
    ...extra,
  }
}

function changeResponse(r: Awaited<ReturnType<DeploymentService['replan']>>) {
  return { shiftId: r.shift.id, changes: r.changes, summary: r.lines }
}
