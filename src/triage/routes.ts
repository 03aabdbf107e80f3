import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { RouteContext } from '../server/app.ts'
import { actorOf } from '../server/http.ts'
import { apiErrors, idParams } from '../server/api-schemas.ts'
import { z } from 'zod'
import { stringify } from 'csv-stringify/sync'
import { ValidationError } from '../common/errors.ts'
import { formatLocal } from '../common/uk-time.ts'
import { savedMessage } from '../server/forms.ts'
import { RISK_LEVELS } from '../intake/incident-schema.ts'
import { DECISION_LABELS, DECISION_REASONS, DECISIONS } from './decisions.ts'
import { queueQuerySchema, decisionInputSchema, TRIAGE_STATUSES, type QueueQuery } from './service.ts'
import {
  custodyBoardSchema,
  decisionHistorySchema,
  decisionResponseSchema,
  queueResponseSchema,
} from './api-schemas.ts'

const STATUS_LABELS = { undecided: 'Not yet decided', ...DECISION_LABELS }
/** `?saved=…` after a change on the incident page: the key only, never content. */
const SAVED: Record<string, string> = {
  '1': 'Decision recorded',
  consultation: 'Request sent to the health IDVAs on duty',
  live: 'Sent to the team on shift: their plan has been re-made around it',
}
const QUEUE_CSV_HEADER = [
  'Force reference',
  'Reported (UK time)',
  'Area',
  'Postcode',
  'Risk',
  'Meets criteria',
  'Why',
  'Priority',
  'Decision',
  'Custody',
  'Victim',
]
const revealTargetSchema = z.strictObject({
  personId: z.uuid().optional(),
  field: z.enum(['address', 'phone']),
})
const iso = (d: Date | null) => (d ? d.toISOString() : null)

export function triageRoutes(app: FastifyInstance, { services }: RouteContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>()

  // Pages
  app.get('/triage', { config: { action: 'triage:view' } }, async (request, reply) => {
    const parsed = queueQuerySchema.safeParse(request.query)
    const query: QueueQuery = parsed.success ? parsed.data : queueQuerySchema.parse({})
    const [queue, areas] = await Promise.all([services.triage.queue(actorOf(request), query), services.intake.areas()])
    return reply.render('triage/views/queue.njk', {
      pageTitle: 'Triage queue',
      queue,
      query,
      areas,
      riskLevels: RISK_LEVELS,
      statuses: TRIAGE_STATUSES,
      statusLabels: STATUS_LABELS,
      filterError: parsed.success ? null : 'Some filters were not recognised and have been cleared',
      pageLink: (page: number) => queueLink(query, { page }),
      sortLink: (sort: QueueQuery['sort']) => queueLink(query, { sort, page: 1 }),
    })
  })

  app.get('/triage/queue.csv', { config: { action: 'triage:export' } }, async (request, reply) => {
    const parsed = queueQuerySchema.safeParse(request.query)
    const query: QueueQuery = parsed.success ? parsed.data : queueQuerySchema.parse({})
    const queue = await services.triage.queue(actorOf(request), query, { export: true })
    const rows = queue.items.map((i) => [
      i.forceReference,
      formatLocal(i.reportedAt),
      i.area,
      i.postcode,
      i.riskLevel,
      i.eligibility.eligible ? 'yes' : 'no',
      i.eligibility.reasons.map((r) => r.text).join('; '),
      i.total,
      STATUS_LABELS[i.status],
      i.custody.text,
      i.victimName ?? '',
    ])
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="triage-queue-${queue.now.toISOString().slice(0, 10)}.csv"`)
      .send(stringify([QUEUE_CSV_HEADER, ...rows]))
  })

  app.get('/triage/incidents/:id', { config: { action: 'incident:view' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    return renderIncident(reply, id, actorOf(request), { saved: savedMessage(request, SAVED) })
  })

  // Revealing a masked field: a form asking the reason, then the incident page with the field shown.
  app.get('/triage/incidents/:id/reveal', { config: { action: 'person:reveal' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const target = revealTargetSchema.parse(request.query)
    await services.access.check(actorOf(request), 'person:reveal', 'incident', id)
    return reply.render('triage/views/reveal.njk', { pageTitle: 'Why do you need to see this?', id, target })
  })

  app.post('/triage/incidents/:id/reveal', { config: { action: 'person:reveal' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const body = (request.body ?? {}) as Record<string, string>
    const target = revealTargetSchema.parse({ personId: body.personId || undefined, field: body.field })
    try {
      return await renderIncident(reply, id, actorOf(request), {}, { ...target, reason: body.reason })
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      return reply.code(400).render('triage/views/reveal.njk', {
        pageTitle: 'Why do you need to see this?',
        id,
        target,
        errors: error.issues.map((i) => ({ ...i, path: 'reason' })),
        reason: body.reason,
      })
    }
  })

  app.post('/triage/incidents/:id/decision', { config: { action: 'triage:decide' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const body = (request.body ?? {}) as Record<string, string>
    const form = {
      decision: body.decision || undefined,
      reasonCode: body.reasonCode || undefined,
      reasonText: body.reasonText,
    }
    try {
      await services.triage.decide(actorOf(request), id, form)
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      return renderIncident(reply.code(400), id, actorOf(request), { errors: error.issues, form })
    }
    return reply.redirect(`/triage/incidents/${id}?saved=1`)
  })

  app.get('/custody', { config: { action: 'custody:view' } }, async (request, reply) => {
    const board = await services.triage.custodyBoard(actorOf(request))
    return reply.render('triage/views/custody.njk', { pageTitle: 'Custody board', board, statusLabels: STATUS_LABELS })
  })

  async function renderIncident(
    reply: import('fastify').FastifyReply,
    id: string,
    actor: ReturnType<typeof actorOf>,
    extra: Record<string, unknown>,
    reveal?: unknown,
  ) {
    const record = await services.intake.getIncident(actor, id, reveal)
    const [assessment, deployment, consultations, safeContacts, tracker, safeguarding] = await Promise.all([
      services.triage.assessment(actor, id),
      services.deployment.forIncident(actor, id),
      services.consultations.forIncident(actor, id),
      services.cases.safeContactsForIncident(actor, id),
      services.engagement.incidentPanel(actor, id),
      services.safeguarding.forIncident(actor, id),
    ])
    return reply.render('triage/views/incident.njk', {
      pageTitle: `Incident ${record.incident.force_reference}`,
      record,
      assessment,
      deployment,
      consultations,
      safeContacts,
      tracker,
      safeguarding,
      decisions: DECISIONS,
      decisionLabels: DECISION_LABELS,
      reasons: DECISION_REASONS,
      statusLabels: STATUS_LABELS,
      ...extra,
    })
  }

  // API
  api.get(
    '/api/v1/triage/queue',
    {
      config: { action: 'triage:view' },
      schema: {
        summary: 'The triage queue: incidents reported in the window, scored and explained',
        tags: ['triage'],
        querystring: queueQuerySchema,
        response: { 200: queueResponseSchema, ...apiErrors },
      },
    },
    async (request) => {
      const q = await services.triage.queue(actorOf(request), request.query)
      return {
        window: { start: q.window.start.toISOString(), end: q.window.end.toISOString(), hours: q.window.hours },
        total: q.total,
        eligibleCount: q.eligibleCount,
        page: q.page,
        pageSize: q.pageSize,
        pageCount: q.pageCount,
        items: q.items.map((i) => ({
          id: i.id,
          forceReference: i.forceReference,
          reportedAt: i.reportedAt.toISOString(),
          area: i.area,
          postcode: i.postcode,
          riskLevel: i.riskLevel,
          riskTool: i.riskTool,
          victimName: i.victimName,
          status: i.status,
          eligible: i.eligibility.eligible,
          reasons: i.eligibility.reasons,
          priority: i.priority,
          custody: { ...i.custody, until: iso(i.custody.until) },
        })),
      }
    },
  )

  api.post(
    '/api/v1/incidents/:id/decisions',
    {
      config: { action: 'triage:decide' },
      schema: {
        summary: 'Record a triage decision; earlier decisions are kept in the history',
        tags: ['triage'],
        params: idParams,
        body: decisionInputSchema,
        response: { 201: decisionResponseSchema, ...apiErrors },
      },
    },
    async (request, reply) => {
      const result = await services.triage.decide(actorOf(request), request.params.id, request.body)
      return reply.code(201).send(result)
    },
  )

  api.get(
    '/api/v1/incidents/:id/decisions',
    {
      config: { action: 'triage:view' },
      schema: {
        summary: "An incident's triage status and decision history, newest first",
        tags: ['triage'],
        params: idParams,
        response: { 200: decisionHistorySchema, ...apiErrors },
      },
    },
    async (request) => {
      const a = await services.triage.assessment(actorOf(request), request.params.id)
      return {
        status: a.status,
        history: a.history.map((h) => ({
          id: h.id,
          decision: h.decision,
          reasonCode: h.reason_code,
          reasonText: h.reason_text,
          decidedAt: h.decided_at.toISOString(),
          decidedBy: h.decided_by_name,
        })),
      }
    },
  )

  api.get(
    '/api/v1/custody',
    {
      config: { action: 'custody:view' },
      schema: {
        summary: 'Suspects in custody on incidents in the triage window, soonest release first',
        tags: ['triage'],
        response: { 200: custodyBoardSchema, ...apiErrors },
      },
    },
    async (request) => {
      const b = await services.triage.custodyBoard(actorOf(request))
      return {
        window: { start: b.window.start.toISOString(), end: b.window.end.toISOString(), hours: b.window.hours },
        items: b.rows.map((r) => ({
          incidentId: r.incident_id,
          forceReference: r.force_reference,
          area: r.area,
          riskLevel: r.risk_level,
          status: r.triage_status,
          suspectName: `${r.first_name} ${r.last_name}`,
          arrestedAt: r.arrested_at.toISOString(),
          expectedReleaseAt: iso(r.expected_release_at),
          custody: { ...r.custody, until: iso(r.custody.until) },
        })),
      }
    },
  )
}

function queueLink(query: QueueQuery, change: Partial<QueueQuery>): string {
  const q = { ...query, ...change }
  const params = new URLSearchParams()
  for (const a of q.area ?? []) params.append('area', a)
  for (const r of q.risk ?? []) params.append('risk', r)
  for (const s of q.status ?? []) params.append('status', s)
  if (q.eligibility !== 'all') params.set('eligibility', q.eligibility)
  if (q.sort !== 'priority') params.set('sort', q.sort)
  if (q.page > 1) params.set('page', String(q.page))
  const s = params.toString()
  return s ? `/triage?${s}` : '/triage'
}
