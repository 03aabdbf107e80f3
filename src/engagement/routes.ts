import type { FastifyInstance, FastifyReply } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { RouteContext } from '../server/app.ts'
import type { FieldIssue } from '../common/errors.ts'
import type { Actor } from '../auth/actor.ts'
import { actorOf } from '../server/http.ts'
import { apiErrors, errorSchema, idParams } from '../server/api-schemas.ts'
import { attempt, savedMessage } from '../server/forms.ts'
import { draftSchema, type TrackerForm } from './service.ts'
import { formChoices, postedEntries } from './form.ts'
import { trackerSchema } from './tracker.ts'

const draftParams = z.object({ id: z.uuid(), draftId: z.uuid() })
const contactParams = z.object({ id: z.uuid(), contactId: z.uuid() })
const newQuery = z.object({
  victim: z.uuid().optional(),
  visit: z.uuid().optional(),
  consultation: z.uuid().optional(),
})
// Whom the contact was with: a victim on the incident, needed when it has several; it may change while a draft.
const personId = z.uuid().optional()
// What the contact came from: set when it is first saved, each one of the incident's.
const links = { visitId: z.uuid().optional(), consultationId: z.uuid().optional() }
const draftBody = z.strictObject({ personId, ...links, values: draftSchema })
const submitBody = z.strictObject({ draftId: z.uuid().optional(), personId, ...links, values: trackerSchema })
// The submission as sent, its values unchecked: the service checks them with the rules between fields.
const sentSubmission = submitBody.extend({ values: z.unknown() })
const contactSchema = z.object({
  id: z.string(),
  status: z.enum(['draft', 'submitted']),
  personId: z.string(),
  visitId: z.string().nullable(),
  consultationId: z.string().nullable(),
  recordedBy: z.string(),
  updatedAt: z.string(),
  values: z.record(z.string(), z.unknown()),
})
const iso = (d: Date | null) => (d ? d.toISOString() : null)

const SAVED = { submitted: 'Contact recorded', already: 'Contact already recorded' }

/**
 * The tracker's pages (the form, drafts, a recorded contact) and its API, for tablets and the
 * form's autosave: drafts, submission, an incident's contacts.
 */
export function engagementRoutes(app: FastifyInstance, { services }: RouteContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const engagement = services.engagement

  /**
   * The form, with the safe-contact details of the victim it is for: read alongside it when the
   * request names the victim, else once the form has said who it is (none while the IDVA chooses).
   */
  async function renderForm(
    reply: FastifyReply,
    actor: Actor,
    loading: TrackerForm | Promise<TrackerForm>,
    named: string | null,
    extra: { errors?: FieldIssue[]; received?: boolean } = {},
  ) {
    const safeContactOf = (victimId: string) => services.cases.safeContact(actor, victimId, 'case:view')
    // Someone the incident does not have is the form's to refuse: its error is the one shown.
    const [form, read] = await Promise.all([loading, named ? safeContactOf(named).catch(() => null) : null])
    const victimId = form.victim?.id
    const safeContact = victimId ? (read?.victimId === victimId ? read : await safeContactOf(victimId)) : null
    return reply.render('engagement/views/form.njk', {
      pageTitle: form.draftId ? 'Finish recording a contact' : 'Record a contact',
      form,
      values: form.values,
      safeContact,
      ...formChoices(form.values),
      ...extra,
    })
  }

  // Pages
  app.get('/incidents/:id/tracker/new', { config: { action: 'tracker:record' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const from = newQuery.parse(request.query)
    const actor = actorOf(request)
    const form = engagement.form(actor, id, {
      personId: from.victim,
      visitId: from.visit,
      consultationId: from.consultation,
    })
    return renderForm(reply, actor, form, from.victim ?? null)
  })

  app.get(
    '/incidents/:id/tracker/drafts/:draftId',
    { config: { action: 'tracker:record' } },
    async (request, reply) => {
      const { id, draftId } = draftParams.parse(request.params)
      const actor = actorOf(request)
      return renderForm(reply, actor, engagement.form(actor, id, { draftId }), null)
    },
  )

  app.post('/incidents/:id/tracker', { config: { action: 'tracker:record' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const actor = actorOf(request)
    const done = await engagement.submitEntries(actor, id, postedEntries(request.body))
    if (done.ok)
      return reply.redirect(
        `/incidents/${id}/tracker/contacts/${done.id}?saved=${done.already ? 'already' : 'submitted'}`,
      )
    return renderForm(reply.code(400), actor, done.form, null, {
      errors: done.issues,
      received: done.kept,
    })
  })

  // "Save and finish later", without JavaScript: the form's second button.
  app.post('/incidents/:id/tracker/draft', { config: { action: 'tracker:record' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const actor = actorOf(request)
    const posted = postedEntries(request.body)
    const done = await attempt(() => engagement.saveDraft(actor, id, { ...posted, values: posted.entries }))
    if (done.ok) return reply.redirect('/tracker/drafts?saved=draft')
    const form = engagement.refusedForm(actor, id, posted, done.issues)
    return renderForm(reply.code(400), actor, form, null, { errors: done.issues })
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
        saved: savedMessage(request, SAVED),
      })
    },
  )

  // API

  api.post(
    '/api/v1/incidents/:id/tracker/drafts',
    {
      config: { action: 'tracker:record' },
      schema: {
        summary:
          'Start a tracker draft for a contact with one of the incident’s victims (personId: needed when it has several), with any fields so far',
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
        summary:
          'Save a tracker draft again with what has been entered so far (and personId to change whom it is with)',
        tags: ['engagement'],
        params: draftParams,
        body: draftBody.omit({ visitId: true, consultationId: true }),
        response: { 200: z.object({ id: z.string() }), 409: errorSchema, ...apiErrors },
      },
    },
    async (request) => ({
      id: await engagement.saveDraft(actorOf(request), request.params.id, {
        ...request.body,
        draftId: request.params.draftId,
      }),
    }),
  )

  api.post(
    '/api/v1/incidents/:id/tracker',
    {
      config: { action: 'tracker:record' },
      // A record the schema refuses still reaches the handler, so every problem comes back at once.
      attachValidation: true,
      schema: {
        summary:
          'Submit a tracker record (from a draft, or directly; personId names the victim when the incident has several); refused with every problem at personId and values.<field>, saving nothing; 409 when the draft has already been submitted',
        tags: ['engagement'],
        params: idParams,
        body: submitBody,
        response: { 201: z.object({ id: z.string() }), 409: errorSchema, ...apiErrors },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request)
      const refused = request.validationError
      if (!refused) {
        const { values, ...ids } = request.body
        return reply
          .code(201)
          .send({ id: await engagement.submitRecord(actor, request.params.id, { ...ids, record: values }) })
      }
      if (refused.validationContext !== 'body') throw refused
      // Refused values go to the service as sent: it adds the rules between the fields that are valid.
      const sent = sentSubmission.parse(request.body)
      return reply.code(201).send({ id: await engagement.submit(actor, request.params.id, sent) })
    },
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
        personId: r.person_id,
        visitId: r.visit_id,
        consultationId: r.consultation_id,
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
