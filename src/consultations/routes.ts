import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { RouteContext } from '../server/app.ts'
import { actorOf } from '../server/http.ts'
import { apiErrors, errorSchema, idParams } from '../server/api-schemas.ts'
import { attempt, savedMessage } from '../server/forms.ts'
import { adviceSchema, requestSchema } from './service.ts'

const iso = (d: Date | null) => (d ? d.toISOString() : null)
const consultationSchema = z.object({
  id: z.string(),
  incidentId: z.string(),
  reference: z.string(),
  requestedAt: z.string(),
  requestedBy: z.string(),
  question: z.string(),
  answeredAt: z.string().nullable(),
  answeredBy: z.string().nullable(),
  advice: z.string().nullable(),
  minutesTaken: z.number().nullable(),
  responseMinutes: z.number().nullable(),
})
const toApi = (r: {
  id: string
  incident_id: string
  force_reference: string
  requested_at: Date
  requested_by_name: string
  question: string
  answered_at: Date | null
  answered_by_name: string | null
  advice: string | null
  minutes_taken: number | null
  responseMinutes?: number | null
}) => ({
  id: r.id,
  incidentId: r.incident_id,
  reference: r.force_reference,
  requestedAt: r.requested_at.toISOString(),
  requestedBy: r.requested_by_name,
  question: r.question,
  answeredAt: iso(r.answered_at),
  answeredBy: r.answered_by_name,
  advice: r.advice,
  minutesTaken: r.minutes_taken,
  responseMinutes: r.responseMinutes ?? null,
})

export function consultationRoutes(app: FastifyInstance, { services }: RouteContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const consultations = services.consultations
  const form = (request: { body: unknown }) => (request.body ?? {}) as Record<string, string | undefined>

  app.get('/consultations', { config: { action: 'consultation:answer' } }, async (request, reply) => {
    const list = await consultations.list(actorOf(request))
    return reply.render('consultations/views/list.njk', {
      pageTitle: 'Consultations',
      list,
      saved: savedMessage(request, { advice: 'Advice recorded against the incident' }),
    })
  })

  app.get('/consultations/:id', { config: { action: 'consultation:answer' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const consultation = await consultations.get(actorOf(request), id)
    return reply.render('consultations/views/answer.njk', { pageTitle: 'Give advice', consultation })
  })

  app.post('/consultations/:id/advice', { config: { action: 'consultation:answer' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const body = form(request)
    const done = await attempt(() =>
      consultations.answer(actorOf(request), id, { advice: body.advice, minutesTaken: body.minutesTaken || undefined }),
    )
    if (!done.ok) {
      const consultation = await consultations.get(actorOf(request), id)
      return reply.code(400).render('consultations/views/answer.njk', {
        pageTitle: 'Give advice',
        consultation,
        errors: done.issues,
        form: body,
      })
    }
    return reply.redirect('/consultations?saved=advice')
  })

  app.get(
    '/incidents/:id/consultations/new',
    { config: { action: 'consultation:request' } },
    async (request, reply) => {
      const { id } = idParams.parse(request.params)
      const actor = actorOf(request)
      await services.access.check(actor, 'consultation:request', 'incident', id)
      const safeContacts = await services.cases.safeContactsForIncident(actor, id)
      return reply.render('consultations/views/request.njk', { pageTitle: 'Ask an IDVA for advice', id, safeContacts })
    },
  )

  app.post('/incidents/:id/consultations', { config: { action: 'consultation:request' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const body = form(request)
    const done = await attempt(() => consultations.request(actorOf(request), id, { question: body.question }))
    if (!done.ok) {
      return reply.code(400).render('consultations/views/request.njk', {
        pageTitle: 'Ask an IDVA for advice',
        id,
        errors: done.issues,
        question: body.question,
        safeContacts: await services.cases.safeContactsForIncident(actorOf(request), id),
      })
    }
    return reply.redirect(`/triage/incidents/${id}?saved=consultation`)
  })

  api.post(
    '/api/v1/incidents/:id/consultations',
    {
      config: { action: 'consultation:request' },
      schema: {
        summary: 'Ask a health IDVA for advice on an incident',
        tags: ['consultations'],
        params: idParams,
        body: requestSchema,
        response: { 201: z.object({ id: z.string() }), ...apiErrors },
      },
    },
    async (request, reply) =>
      reply.code(201).send({ id: await consultations.request(actorOf(request), request.params.id, request.body) }),
  )

  api.get(
    '/api/v1/consultations',
    {
      config: { action: 'consultation:answer' },
      schema: {
        summary: 'Open consultations, and those answered in the last day',
        tags: ['consultations'],
        response: {
          200: z.object({ open: z.array(consultationSchema), answered: z.array(consultationSchema) }),
          ...apiErrors,
        },
      },
    },
    async (request) => {
      const list = await consultations.list(actorOf(request))
      return { open: list.open.map(toApi), answered: list.answered.map(toApi) }
    },
  )

  api.post(
    '/api/v1/consultations/:id/advice',
    {
      config: { action: 'consultation:answer' },
      schema: {
        summary: 'Record the advice given and the minutes it took',
        tags: ['consultations'],
        params: idParams,
        body: adviceSchema,
        response: { 200: consultationSchema, 409: errorSchema, ...apiErrors },
      },
    },
    async (request) => toApi(await consultations.answer(actorOf(request), request.params.id, request.body)),
  )
}
