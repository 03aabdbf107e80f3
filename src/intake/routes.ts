import { mkdtemp, rm } from 'node:fs/promises'
import { createWriteStream } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { RouteContext } from '../server/app.ts'
import { actorOf } from '../server/http.ts'
import { apiErrors, idParams } from '../server/api-schemas.ts'
import { safeEqual } from '../auth/tokens.ts'
import { ConflictError, ValidationError, type FieldIssue } from '../common/errors.ts'
import { RISK_LEVELS, incidentInputSchema } from './incident-schema.ts'
import { formToCandidate, issuesToFields, type FormBody } from './form.ts'
import { INCIDENT_CSV_COLUMNS } from './csv-format.ts'
import type { ImportMode } from './import-service.ts'
import {
  incidentDetailSchema,
  toIncidentDetail,
  searchResponseSchema,
  toSearchResponse,
  breakGlassResponseSchema,
} from './api-schemas.ts'
import { revealSchema, searchQuerySchema } from './service.ts'
import { BREAK_GLASS_MINUTES, breakGlassSchema } from '../access/service.ts'

const createdSchema = z.object({ id: z.string().uuid(), forceReference: z.string() })

// '50 MB', '1.5 MB', or KB under a megabyte, so a small limit never reads '0 MB'.
const sizeText = (bytes: number) =>
  bytes >= 1048576 ? `${Number((bytes / 1048576).toFixed(1))} MB` : `${Math.ceil(bytes / 1024)} KB`

export function intakeRoutes(app: FastifyInstance, { services, config }: RouteContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>()

  api.post(
    '/api/v1/incidents',
    {
      config: { action: 'incident:create' },
      schema: {
        summary: 'Record a domestic abuse incident',
        description:
          'Validated by the same rules as the form and CSV import. A force reference already stored gives 409.',
        tags: ['incidents'],
        body: incidentInputSchema,
        response: { 201: createdSchema, 409: apiErrors[400], ...apiErrors },
      },
    },
    async (request, reply) => {
      const created = await services.intake.create(actorOf(request), request.body, 'api')
      return reply.code(201).header('location', `/api/v1/incidents/${created.id}`).send(created)
    },
  )

  api.get(
    '/api/v1/incidents/:id',
    {
      config: { action: 'incident:view' },
      schema: {
        summary: 'One incident with its people and custody; health details only for health roles',
        tags: ['incidents'],
        params: idParams,
        response: { 200: incidentDetailSchema, ...apiErrors },
      },
    },
    async (request) => toIncidentDetail(await services.intake.getIncident(actorOf(request), request.params.id)),
  )

  api.get(
    '/api/v1/incidents',
    {
      config: { action: 'incident:view' },
      schema: {
        summary: 'Search incidents you may open by force reference, person name or postcode',
        description:
          'Health roles may also search by NHS number. Results never include health data, addresses or phone numbers.',
        tags: ['incidents'],
        querystring: searchQuerySchema,
        response: { 200: searchResponseSchema, ...apiErrors },
      },
    },
    async (request) => toSearchResponse(await services.intake.search(actorOf(request), request.query)),
  )

  api.post(
    '/api/v1/incidents/:id/reveal',
    {
      config: { action: 'person:reveal' },
      schema: {
        summary: 'Reveal a masked field of an incident or one of its people, giving a reason',
        description:
          'The reveal is logged as a consultation with its reason. Returns the incident with the field shown.',
        tags: ['incidents'],
        params: idParams,
        body: revealSchema,
        response: { 200: incidentDetailSchema, ...apiErrors },
      },
    },
    async (request) =>
      toIncidentDetail(await services.intake.getIncident(actorOf(request), request.params.id, request.body)),
  )

  api.post(
    '/api/v1/incidents/:id/break-glass',
    {
      config: { action: 'incident:view' },
      schema: {
        summary: 'Open an incident outside your scope in an emergency, giving a reason',
        description: `The grant lasts ${BREAK_GLASS_MINUTES} minutes and is reviewed by the information-governance lead.`,
        tags: ['incidents'],
        params: idParams,
        body: breakGlassSchema,
        response: { 201: breakGlassResponseSchema, ...apiErrors },
      },
    },
    async (request, reply) => {
      const grant = await services.access.breakGlass(
        actorOf(request),
        'incident:view',
        'incident',
        request.params.id,
        request.body,
      )
      return reply.code(201).send({ grantId: grant.grantId, expiresAt: grant.expiresAt.toISOString() })
    },
  )

  app.get('/incidents', { config: { action: 'incident:view' } }, async (request, reply) => {
    const query = request.query as Record<string, unknown>
    if (query.q === undefined) return reply.render('intake/views/search.njk', { pageTitle: 'Find an incident' })
    try {
      const result = await services.intake.search(actorOf(request), query)
      return reply.render('intake/views/search.njk', { pageTitle: 'Find an incident', result })
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      return reply.code(400).render('intake/views/search.njk', {
        pageTitle: 'Find an incident',
        errors: error.issues.map((i) => ({ ...i, path: 'q' })),
        q: query.q,
      })
    }
  })

  app.post('/incidents/:id/break-glass', { config: { action: 'incident:view' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const body = (request.body ?? {}) as Record<string, string>
    try {
      await services.access.breakGlass(actorOf(request), 'incident:view', 'incident', id, { reason: body.reason })
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      return reply.code(400).render('server/views/break-glass.njk', {
        pageTitle: 'Open this record in an emergency',
        recordId: id,
        action: `/incidents/${id}/break-glass`,
        minutes: BREAK_GLASS_MINUTES,
        errors: error.issues,
        reason: body.reason,
      })
    }
    return reply.redirect(`/triage/incidents/${id}`)
  })

  app.get('/incidents/new', { config: { action: 'incident:create' } }, async (_request, reply) => {
    return renderForm(reply, {}, [])
  })

  app.post('/incidents', { config: { action: 'incident:create' } }, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody
    const { candidate, issues } = formToCandidate(body)
    if (issues.length > 0) return renderForm(reply.code(400), body, issues)
    try {
      const created = await services.intake.create(actorOf(request), candidate, 'form')
      return reply.redirect(`/incidents/recorded/${encodeURIComponent(created.forceReference)}`)
    } catch (error) {
      if (error instanceof ValidationError)
        return renderForm(reply.code(400), body, issuesToFields(error.issues, candidate))
      if (error instanceof ConflictError) {
        return renderForm(reply.code(409), body, [{ path: 'force_reference', message: error.message }])
      }
      throw error
    }
  })

  app.get('/incidents/recorded/:reference', { config: { action: 'incident:create' } }, async (request, reply) => {
    const { reference } = z.object({ reference: z.string().max(40) }).parse(request.params)
    return reply.render('intake/views/recorded.njk', { pageTitle: 'Incident recorded', reference })
  })

  async function renderForm(reply: FastifyReply, values: FormBody, errors: FieldIssue[]) {
    return reply.render('intake/views/form.njk', {
      pageTitle: 'Record a domestic abuse incident',
      values,
      errors: errors.length ? errors : undefined,
      areas: await services.intake.areas(),
      riskTools: [...services.intake.riskTools.values()],
      riskLevels: RISK_LEVELS,
    })
  }

  // Imports
  app.get('/imports', { config: { action: 'incident:import' } }, async (request, reply) => {
    return reply.render('intake/views/imports.njk', {
      pageTitle: 'Imports',
      jobs: await services.imports.listJobs(actorOf(request)),
    })
  })

  app.get('/imports/new', { config: { action: 'incident:import' } }, async (_request, reply) => {
    return renderUpload(reply, [])
  })

  function renderUpload(reply: FastifyReply, errors: FieldIssue[]) {
    return reply.render('intake/views/upload.njk', {
      pageTitle: 'Import incidents',
      errors: errors.length ? errors : undefined,
      columns: INCIDENT_CSV_COLUMNS,
      limit: sizeText(config.uploadLimitBytes),
    })
  }

  app.post('/imports', { config: { action: 'incident:import', upload: true } }, async (request, reply) => {
    const actor = actorOf(request)
    const dir = await mkdtemp(path.join(tmpdir(), 'provide-upload-'))
    const filePath = path.join(dir, 'upload.csv')
    let filename = ''
    let mode: ImportMode = 'all_or_nothing'
    let csrfOk = false
    let truncated = false
    try {
      // The CSRF field comes before the file in the form, so it is checked before the upload is read.
      for await (const part of request.parts()) {
        if (part.type === 'field') {
          if (part.fieldname === '_csrf') csrfOk = safeEqual(String(part.value), request.csrfToken ?? '')
          if (part.fieldname === 'mode' && part.value === 'valid_only') mode = 'valid_only'
          continue
        }
        if (!csrfOk) {
          part.file.resume()
          await rm(dir, { recursive: true, force: true })
          const message = 'The form has expired. Go back, reload the page and try again.'
          return reply.code(403).render('server/views/error.njk', { statusCode: 403, message, requestId: request.id })
        }
        filename = part.filename
        await pipeline(part.file, createWriteStream(filePath))
        truncated = part.file.truncated
      }
    } catch (error) {
      await rm(dir, { recursive: true, force: true })
      if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') truncated = true
      else throw error
    }
    const errors: FieldIssue[] = []
    if (!csrfOk) errors.push({ path: 'file', message: 'The form has expired. Reload the page and try again.' })
    else if (truncated) {
      errors.push({ path: 'file', message: `The file is larger than ${sizeText(config.uploadLimitBytes)}` })
    } else if (!filename) errors.push({ path: 'file', message: 'Select a CSV file' })
    else if (!/\.csv$/i.test(filename)) errors.push({ path: 'file', message: 'The selected file must be a CSV' })
    if (errors.length) {
      await rm(dir, { recursive: true, force: true })
      return renderUpload(reply.code(400), errors)
    }
    const jobId = await services.imports.createJob(actor, filename, mode, actor.agencyId)
    // The import runs after the response; the job page shows its progress.
    void services.imports
      .run(actor, jobId, filePath, mode)
      .catch((error) => request.log.error({ err: error, jobId }, 'import failed'))
      .finally(() => rm(dir, { recursive: true, force: true }))
    return reply.redirect(`/imports/${jobId}`)
  })

  app.get('/imports/:id', { config: { action: 'incident:import' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const { job, progress } = await services.imports.getJob(actorOf(request), id)
    return reply.render('intake/views/import-job.njk', { pageTitle: `Import of ${job.filename}`, job, progress })
  })

  api.get(
    '/api/v1/imports/:id',
    {
      config: { action: 'incident:import' },
      schema: {
        summary: 'An import job: status, progress and row-by-row errors',
        tags: ['incidents'],
        params: idParams,
      },
    },
    async (request) => services.imports.getJob(actorOf(request), request.params.id),
  )
}
