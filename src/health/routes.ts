import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { RouteContext } from '../server/app.ts'
import { actorOf } from '../server/http.ts'
import { apiErrors, errorSchema } from '../server/api-schemas.ts'
import { attempt, field, form } from '../server/forms.ts'
import { safeEqual } from '../auth/tokens.ts'
import { ValidationError, type FieldIssue } from '../common/errors.ts'
import { contactSchema, type AppointmentView, type ImportResult } from './service.ts'
import { contactWarnings, importSummary, parseJsonText } from './rules.ts'
import { MAX_BUNDLE_ENTRIES } from './fhir-appointments.ts'

const victimParams = z.object({ id: z.uuid() })
const appointmentParams = z.object({ id: z.uuid(), appointmentId: z.uuid() })
const contactForm = form({ note: field })

const appointmentApiSchema = z.object({
  id: z.string(),
  setting: z.enum(['gp', 'dental', 'hospital', 'other']),
  status: z.string(),
  start: z.string(),
  end: z.string().nullable(),
  description: z.string().nullable(),
  place: z.object({
    name: z.string().nullable(),
    address: z.string().nullable(),
    latitude: z.number().nullable(),
    longitude: z.number().nullable(),
  }),
  contact: z
    .object({ plannedBy: z.string().nullable(), plannedAt: z.string(), note: z.string().nullable() })
    .nullable(),
})
const toApi = (a: AppointmentView): z.infer<typeof appointmentApiSchema> => ({
  id: a.id,
  setting: a.setting,
  status: a.status,
  start: a.startAt.toISOString(),
  end: a.endAt?.toISOString() ?? null,
  description: a.description,
  place: a.place,
  contact: a.contact && { ...a.contact, plannedAt: a.contact.plannedAt.toISOString() },
})

const importApiSchema = z.object({
  importId: z.string(),
  entries: z.number(),
  appointments: z.number().describe('Appointments saved: new ones and updates of ones imported before'),
  created: z.number(),
  withdrawn: z.number().describe('Earlier appointments withdrawn: the bundle says they will not take place'),
  victims: z.number().describe('Victims with appointments saved'),
  byVictim: z.array(
    z.object({ victimId: z.string(), nhsNumber: z.string(), appointments: z.number(), withdrawn: z.number() }),
  ),
  ignored: z.array(z.object({ path: z.string(), reason: z.string() })),
})
const importToApi = (r: ImportResult): z.infer<typeof importApiSchema> => ({
  importId: r.importId,
  entries: r.entries,
  appointments: r.appointments,
  created: r.created,
  withdrawn: r.withdrawn,
  victims: r.victims,
  byVictim: r.byVictim.map(({ victimId, nhsNumber, appointments, withdrawn }) => ({
    victimId,
    nhsNumber,
    appointments,
    withdrawn,
  })),
  ignored: r.ignored,
})

/** Where a problem lies and what it is, without saying the place twice ('entry[1] is an Observation'). */
const issueText = (i: FieldIssue) => (!i.path || i.message.startsWith(i.path) ? i.message : `${i.path}: ${i.message}`)

/** What the upload form sent: the CSRF token is its first field, so it is checked before the file is read. */
interface BundleForm {
  csrfOk: boolean
  file: { name: string; text: string } | null
  pasted: string
  problem: FieldIssue | null
}

async function readBundleForm(request: FastifyRequest): Promise<BundleForm> {
  const sent: BundleForm = { csrfOk: false, file: null, pasted: '', problem: null }
  try {
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        if (part.fieldname === '_csrf') sent.csrfOk = safeEqual(String(part.value), request.csrfToken ?? '')
        if (part.fieldname === 'bundleText') {
          sent.pasted = String(part.value).trim()
          if (part.valueTruncated) {
            sent.problem = { path: 'bundleText', message: 'The pasted bundle is too long: upload it as a file instead' }
          }
        }
        continue
      }
      if (!sent.csrfOk) {
        part.file.resume()
        continue
      }
      const content = await part.toBuffer()
      // A form sent with no file chosen has an empty file part with no name.
      if (part.filename || content.length) sent.file = { name: part.filename, text: content.toString('utf8') }
    }
  } catch (error) {
    if ((error as { code?: string }).code !== 'FST_REQ_FILE_TOO_LARGE') throw error
    sent.problem = {
      path: 'bundleFile',
      message: `The file is too large to import at once: split the bundle (at most ${MAX_BUNDLE_ENTRIES.toLocaleString('en-GB')} entries each)`,
    }
  }
  return sent
}

export function healthRoutes(app: FastifyInstance, ctx: RouteContext): void {
  pageRoutes(app, ctx)
  // FHIR servers send bundles as application/fhir+json: read as JSON, for these routes only.
  void app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/fhir+json',
      { parseAs: 'string' },
      scope.getDefaultJsonParser('error', 'error'),
    )
    apiRoutes(scope, ctx)
  })
}

function pageRoutes(app: FastifyInstance, { services }: RouteContext): void {
  const health = services.health

  async function renderImport(
    request: FastifyRequest,
    reply: FastifyReply,
    extra: {
      result?: ImportResult
      errors?: FieldIssue[]
      /** Where the bundle came from, so its problems link to that field. */
      source?: 'bundleFile' | 'bundleText'
      pasted?: string
    } = {},
  ) {
    const { result, errors = [], source = 'bundleFile', pasted } = extra
    const formProblems = errors.every((e) => e.path === 'bundleFile' || e.path === 'bundleText')
    const fieldErrors: Record<string, { text: string }> = {}
    if (formProblems) for (const e of errors) fieldErrors[e.path] ??= { text: e.message }
    else {
      const n = errors.length
      fieldErrors[source] = {
        text: `Nothing was saved: the bundle has ${n === 1 ? 'a problem' : `${n} problems`}, listed above`,
      }
    }
    return reply.render('health/views/appointments.njk', {
      pageTitle: 'NHS appointments',
      maxEntries: MAX_BUNDLE_ENTRIES,
      planned: await health.plannedContacts(actorOf(request)),
      result,
      summary: result && importSummary({ ...result, ignored: result.ignored.length }),
      errors: errors.length ? errors : undefined,
      errorList: errors.map((e) => ({ text: issueText(e), href: `#${formProblems ? e.path : source}` })),
      fieldErrors,
      pasted,
    })
  }

  app.get('/health/appointments', { config: { action: 'health:import' } }, (request, reply) =>
    renderImport(request, reply),
  )

  app.post('/health/appointments', { config: { action: 'health:import', upload: true } }, async (request, reply) => {
    const sent = await readBundleForm(request)
    if (!sent.csrfOk) {
      const message = 'The form has expired. Go back, reload the page and try again.'
      return reply.code(403).render('server/views/error.njk', { statusCode: 403, message, requestId: request.id })
    }
    let problem = sent.problem
    if (!problem && sent.file && sent.pasted)
      problem = { path: 'bundleFile', message: 'Upload a file or paste a bundle, not both' }
    if (!problem && !sent.file && !sent.pasted)
      problem = { path: 'bundleFile', message: 'Select a FHIR bundle file (JSON), or paste a bundle' }
    if (problem) return renderImport(request, reply.code(400), { errors: [problem], pasted: sent.pasted })

    const source = sent.file ? 'bundleFile' : 'bundleText'
    try {
      const json = parseJsonText(sent.file?.text ?? sent.pasted, sent.file ? 'The file' : 'The pasted text')
      const result = await health.importBundle(actorOf(request), { json, fileName: sent.file?.name ?? null })
      return renderImport(request, reply, { result })
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      return renderImport(request, reply.code(400), { errors: error.issues, source, pasted: sent.pasted })
    }
  })

  // The safe-contact details beside the appointment: the IDVA reads them before arranging to meet there.
  const renderPlan = async (request: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}) => {
    const { id, appointmentId } = appointmentParams.parse(request.params)
    const actor = actorOf(request)
    const [appointment, safeContact] = await Promise.all([
      health.appointmentToPlan(actor, id, appointmentId),
      services.cases.safeContact(actor, id, 'case:view'),
    ])
    return reply.render('health/views/plan-contact.njk', {
      pageTitle: 'Plan a discreet contact',
      victimId: id,
      appointment,
      safeContact,
      warnings: contactWarnings(appointment, safeContact),
      ...extra,
    })
  }

  app.get(
    '/victims/:id/appointments/:appointmentId/contact',
    { config: { action: 'health:plan-contact' } },
    (request, reply) => renderPlan(request, reply),
  )

  app.post(
    '/victims/:id/appointments/:appointmentId/contact',
    { config: { action: 'health:plan-contact' } },
    async (request, reply) => {
      const { id, appointmentId } = appointmentParams.parse(request.params)
      const body = contactForm.parse(request.body ?? {})
      const done = await attempt(() => health.planContact(actorOf(request), id, appointmentId, { note: body.note }))
      if (!done.ok) return renderPlan(request, reply.code(400), { errors: done.issues, note: body.note })
      return reply.redirect(`/victims/${id}?saved=contact-planned#nhs-appointments`)
    },
  )

  app.post(
    '/victims/:id/appointments/:appointmentId/contact/cancel',
    { config: { action: 'health:plan-contact' } },
    async (request, reply) => {
      const { id, appointmentId } = appointmentParams.parse(request.params)
      form({}).parse(request.body ?? {})
      await health.cancelContact(actorOf(request), id, appointmentId)
      return reply.redirect(`/victims/${id}?saved=contact-cancelled#nhs-appointments`)
    },
  )
}

function apiRoutes(app: FastifyInstance, { services, config }: RouteContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const health = services.health

  api.post(
    '/api/v1/health/appointment-bundles',
    {
      config: { action: 'health:import' },
      bodyLimit: config.uploadLimitBytes,
      schema: {
        summary: "Import victims' upcoming NHS appointments from a FHIR R4 Bundle",
        description:
          'The body is a FHIR R4 Bundle (searchset, collection, transaction or batch) of Appointment resources, ' +
          'as application/fhir+json or application/json. Each patient is matched by NHS number to a victim on ' +
          'an incident you can open. All or nothing: any problem gives 400 with every problem and its path in ' +
          'the bundle, and nothing is saved. Appointments imported before (the same absolute fullUrl, else ' +
          'identifier, else id) are updated, never moved to another patient; cancelled ones are withdrawn.',
        tags: ['health'],
        consumes: ['application/fhir+json', 'application/json'],
        body: z.unknown().describe('A FHIR R4 Bundle of Appointment resources'),
        response: { 201: importApiSchema, ...apiErrors },
      },
    },
    async (request, reply) =>
      reply.code(201).send(importToApi(await health.importBundle(actorOf(request), { json: request.body }))),
  )

  api.get(
    '/api/v1/victims/:id/appointments',
    {
      config: { action: 'health:view' },
      schema: {
        summary: "A victim's upcoming NHS appointments, across their case, soonest first",
        tags: ['health'],
        params: victimParams,
        response: { 200: z.object({ appointments: z.array(appointmentApiSchema) }), ...apiErrors },
      },
    },
    async (request) => ({
      appointments: (await health.appointmentsOf(actorOf(request), request.params.id)).map(toApi),
    }),
  )

  api.put(
    '/api/v1/victims/:id/appointments/:appointmentId/contact',
    {
      config: { action: 'health:plan-contact' },
      schema: {
        summary: "Plan a discreet contact at one of the victim's upcoming NHS appointments",
        tags: ['health'],
        params: appointmentParams,
        body: contactSchema,
        response: { 200: appointmentApiSchema, 409: errorSchema, ...apiErrors },
      },
    },
    async (request) =>
      toApi(await health.planContact(actorOf(request), request.params.id, request.params.appointmentId, request.body)),
  )

  api.delete(
    '/api/v1/victims/:id/appointments/:appointmentId/contact',
    {
      config: { action: 'health:plan-contact' },
      schema: {
        summary: 'Cancel the discreet contact planned at an appointment',
        tags: ['health'],
        params: appointmentParams,
        response: { 200: appointmentApiSchema, ...apiErrors },
      },
    },
    async (request) =>
      toApi(await health.cancelContact(actorOf(request), request.params.id, request.params.appointmentId)),
  )
}
