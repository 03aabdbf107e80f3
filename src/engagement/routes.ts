import type { FastifyInstance, FastifyReply } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { RouteContext } from '../server/app.ts'
import type { FieldIssue } from '../common/errors.ts'
import { actorOf } from '../server/http.ts'
import { apiErrors, errorSchema, idParams } from '../server/api-schemas.ts'
import { attempt, savedMessage } from '../server/forms.ts'
import { draftSchema, type TrackerForm } from './service.ts'
import { formChoices, postedEntries } from './form.ts'
import { trackerSchema } from './tracker.ts'

const draftParams = z.object({ id: z.uuid(), draftId: z.uuid() })
const contactParams = z.object({ id: z.uuid(), contactId: z.uuid() })
const newQuery = z.object({ visit: z.uuid().optional(), consultation: z.uuid().optional() })
const draftBody = z.strictObject({ visitId: z.uuid().optional(), values: draftSchema })
const submitBody = z.strictObject({
  draftId: z.uuid().optional(),
  visitId: z.uuid().optional(),
  values: trackerSchema,
})
const contactSchema = z.object({
  id: z.string(),
  status: z.enum(['draft', 'submitted']),
  recordedBy: z.string(),
  updatedAt: z.string(),
  values: z.record(z.string(), z.unknown()),
})
const iso = (d: Date | null) => (d ? d.toISOString() : null)

function renderForm(reply: FastifyReply, form: TrackerForm, extra: { errors?: FieldIssue[]; received?: boolean } = {}) {
  return reply.render('engagement/views/form.njk', {
    pageTitle: form.draftId ? 'Finish recording a contact' : 'Record a contact',
    form,
    values: form.values,
    ...formChoices(form.values),
    ...extra,
  })
}

/**
 * The tracker's pages (the form, drafts, a recorded contact) and its API, for tablets and the
 * form's autosave: drafts, submission, an incident's contacts.
 */
export function engagementRoutes(app: FastifyInstance, { services }: RouteContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const engagement = services.engagement

  // Pages
  app.get('/incidents/:id/tracker/new', { config: { action: 'tracker:record' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const from = newQuery.parse(request.query)
    const form = await engagement.form(actorOf(request), id, { visitId: from.visit, consultationId: from.consultation })
    return renderForm(reply, form)
  })

  app.get(
    '/incidents/:id/tracker/drafts/:draftId',
    { config: { action: 'tracker:record' } },
    async (request, reply) => {
      const { id, draftId } = draftParams.parse(request.params)
      return renderForm(reply, await engagement.form(actorOf(request), id, { draftId }))
    },
  )

  app.post('/incidents/:id/tracker', { config: { action: 'tracker:record' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const done = await engagement.submitEntries(actorOf(request), id, postedEntries(request.body))
    if (done.ok) return reply.redirect(`/incidents/${id}/tracker/contacts/${done.id}?saved=submitted`)
    return renderForm(reply.code(400), done.form, { errors: done.issues, received: done.kept })
  })

  // "Save and finish later", without JavaScript: the form's second button.
  app.post('/incidents/:id/tracker/draft', { config: { action: 'tracker:record' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const posted = postedEntries(request.body)
    const done = await attempt(() => engagement.saveDraft(actorOf(request), id, { ...posted, values: posted.entries }))
    if (done.ok) return reply.redirect('/tracker/drafts?saved=draft')
    return renderForm(reply.code(400), await engagement.form(actorOf(request), id, posted), { errors: done.issues })
  })

  app.get('/tracker/drafts', { config: { action: 'tracker:record' } }, async (request, reply) => {
    const saved = savedMessage(request, { draft: 'Draft saved. Continue it from this list when you are ready.' })
    return reply.render('engagement/views/drafts.njk', {
      pageTitle: 'Your tracker drafts',
      drafts: await engagement.myDrafts(actorOf(request)),
      saved,
    })
  })

  app.get(
    '/incidents/:id/tracker/contacts/:contactId',
    { config: { action: 'tracker:view' } },
    async (request, reply) => {
      const { id, contactId } = contactParams.parse(request.params)
      const contact = await engagement.contact(actorOf(request), id, contactId)
      return reply.render('engagement/views/contact.njk', {
        pageTitle: 'Contact with the victim',
        contact,
        saved: savedMessage(request, { submitted: 'Contact recorded' }),
      })
    },
  )

  // API

  api.post(
    '/api/v1/incidents/:id/tracker/drafts',
    {
      config: { action: 'tracker:record' },
      schema: {
        summary: 'Start a tracker draft for a contact with the incident’s victim (any fields so far)',
        tags: ['engagement'],
        params: idParams,
        body: draftBody,
        response: { 201: z.object({ id: z.string() }), ...apiErrors },
      },
    },
    async (request, reply) =>
      reply.code(201).send({ id: await engagement.saveDraft(actorOf(request), request.params.id, request.body) }),
  )

  api.put(
    '/api/v1/incidents/:id/tracker/drafts/:draftId',
    {
      config: { action: 'tracker:record' },
      schema: {
        summary: 'Save a tracker draft again with what has been entered so far',
        tags: ['engagement'],
        params: draftParams,
        body: draftBody.omit({ visitId: true }),
        response: { 200: z.object({ id: z.string() }), 409: errorSchema, ...apiErrors },
      },
    },
    async (request) => ({
      id: await engagement.saveDraft(actorOf(request), request.params.id, {
        draftId: request.params.draftId,
        values: request.body.values,
      }),
    }),
  )

  api.post(
    '/api/v1/incidents/:id/tracker',
    {
      config: { action: 'tracker:record' },
      schema: {
        summary: 'Submit a tracker record (from a draft, or directly); refused field by field, saving nothing',
        tags: ['engagement'],
        params: idParams,
        body: submitBody,
        response: { 201: z.object({ id: z.string() }), 409: errorSchema, ...apiErrors },
      },
    },
    async (request, reply) =>
      reply.code(201).send({
        id: await engagement.submitRecord(actorOf(request), request.params.id, {
          draftId: request.body.draftId ?? null,
          visitId: request.body.visitId ?? null,
          record: request.body.values,
        }),
      }),
  )

  api.get(
    '/api/v1/incidents/:id/tracker',
    {
      config: { action: 'tracker:view' },
      schema: {
        summary: 'The incident’s submitted tracker records, and the caller’s own drafts',
        tags: ['engagement'],
        params: idParams,
        response: {
          200: z.object({ submitted: z.array(contactSchema), drafts: z.array(contactSchema) }),
          ...apiErrors,
        },
      },
    },
    async (request) => {
      const { submitted, drafts } = await engagement.forIncident(actorOf(request), request.params.id)
      const toApi = (r: (typeof submitted)[number]) => ({
        id: r.id,
        status: r.status,
        recordedBy: r.recorded_by,
        updatedAt: r.updated_at.toISOString(),
        values:
          r.status === 'draft'
            ? (r.draft ?? {})
            : {
                mode: r.mode,
                contactAt: iso(r.contact_at),
                place: r.place,
                placeOther: r.place_other,
                idvaPresent: r.idva_present,
                officerPresent: r.officer_present,
                othersPresent: r.others_present,
                supportOffered: r.support_offered,
                supportNotes: r.support_notes,
                engagedInvestigation: r.engaged_investigation,
                engagedInvestigationReason: r.engaged_investigation_reason,
                engagedSafeguarding: r.engaged_safeguarding,
                engagedSafeguardingReason: r.engaged_safeguarding_reason,
                previousInvestigation: r.previous_investigation,
                previousSafeguarding: r.previous_safeguarding,
                childrenCount: r.children_count,
                childrenNeeds: r.children_needs,
                consentToShare: r.consent_to_share,
                shareWith: r.share_with,
              },
      })
      return { submitted: submitted.map(toApi), drafts: drafts.map(toApi) }
    },
  )
}
