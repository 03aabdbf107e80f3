import { Readable, pipeline } from 'node:stream'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { stringify } from 'csv-stringify'
import { z } from 'zod'
import type { RouteContext } from '../server/app.ts'
import { actorOf } from '../server/http.ts'
import { apiErrors, errorSchema, idParams } from '../server/api-schemas.ts'
import { ConflictError, ValidationError, type FieldIssue } from '../common/errors.ts'
import type { Actor } from '../auth/actor.ts'
import {
  ACCESS_LOG_CSV_COLUMNS,
  AUDIT_ACTIONS,
  AUDIT_ACTION_LABELS,
  REVIEW_OUTCOMES,
  REVIEW_OUTCOME_LABELS,
  accessLogCsvRecord,
  isoDate,
  ukDateText,
} from './rules.ts'
import {
  accessLogQuerySchema,
  grantListQuerySchema,
  personSearchSchema,
  reviewInputSchema,
  type AccessLogQuery,
  type GrantListQuery,
} from './service.ts'
import {
  accessLogResponseSchema,
  grantJson,
  grantListResponseSchema,
  grantResponseSchema,
  logItemJson,
  personJson,
  personSearchResponseSchema,
  policyResponseSchema,
  subjectJson,
} from './api-schemas.ts'

const TAGS = ['governance']

/** The person search page's form: the date of birth comes as three GOV.UK date-input fields. */
const personSearchPageSchema = z.strictObject({
  lastName: z.string().optional(),
  firstName: z.string().optional(),
  'dateOfBirth-day': z.string().optional(),
  'dateOfBirth-month': z.string().optional(),
  'dateOfBirth-year': z.string().optional(),
})

export function governanceRoutes(app: FastifyInstance, { services }: RouteContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const governance = services.governance

  // Pages

  app.get('/governance', { config: { action: 'policy:view' } }, async (request, reply) => {
    const start = await governance.startPage(actorOf(request))
    return reply.render('governance/views/start.njk', { pageTitle: 'Information governance', ...start })
  })

  app.get('/governance/policy', { config: { action: 'policy:view' } }, async (request, reply) => {
    return reply.render('governance/views/policy.njk', {
      pageTitle: 'Access policy',
      policy: governance.policy(actorOf(request)),
    })
  })

  app.get('/governance/access-log', { config: { action: 'audit:view' } }, async (request, reply) => {
    const actor = actorOf(request)
    const raw = (request.query ?? {}) as Record<string, unknown>
    const agencies = await governance.agencies()
    const common = {
      pageTitle: 'Access log',
      agencies,
      actions: AUDIT_ACTIONS,
      actionLabels: AUDIT_ACTION_LABELS,
      form: formValues(raw),
      ukDate,
    }
    try {
      const log = await governance.accessLog(actor, raw)
      return reply.render('governance/views/access-log.njk', {
        ...common,
        log,
        pageLink: (page: number) => logLink('/governance/access-log', log.query, page),
        csvLink: logLink('/governance/access-log.csv', log.query, 1),
        incidentLink: (id: string) => `/governance/access-log?record=${encodeURIComponent(id)}`,
        personLink: (id: string) => `/governance/access-log?person=${encodeURIComponent(id)}`,
      })
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      return reply.code(400).render('governance/views/access-log.njk', { ...common, errors: error.issues })
    }
  })

  app.get('/governance/access-log.csv', { config: { action: 'audit:view' } }, async (request, reply) => {
    const exported = await governance.exportAccessLog(actorOf(request), request.query)
    const rows = Readable.from(
      (async function* () {
        for await (const item of exported.items) yield accessLogCsvRecord(item)
      })(),
    )
    // pipeline, not pipe: a client that goes away stops the reading, and a failed read ends the response.
    const csv = pipeline(rows, stringify({ header: true, columns: [...ACCESS_LOG_CSV_COLUMNS] }), (error) => {
      if (error) request.log.warn({ err: error }, 'access log export ended early')
    })
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${exported.filename}"`)
      .header('cache-control', 'no-store')
      .send(csv)
  })

  app.get('/governance/people', { config: { action: 'audit:view' } }, async (request, reply) => {
    const form = personSearchPageSchema.safeParse(request.query ?? {})
    const values = form.success ? form.data : {}
    const render = (extra: Record<string, unknown>, status = 200) =>
      reply.code(status).render('governance/views/people.njk', {
        pageTitle: 'Find a person',
        form: values,
        ukDate,
        personLink: (id: string) => `/governance/access-log?person=${encodeURIComponent(id)}`,
        incidentLink: (id: string) => `/governance/access-log?record=${encodeURIComponent(id)}`,
        ...extra,
      })
    if (!form.success) return render({ errors: [{ path: 'lastName', message: 'Use the form to search' }] }, 400)
    if (Object.values(values).every((v) => v === undefined)) return render({})
    const { candidate, issues } = personSearchCandidate(values)
    if (issues.length > 0) return render({ errors: issues }, 400)
    try {
      const found = await governance.findPeople(actorOf(request), candidate)
      return render({ found })
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      return render({ errors: error.issues }, 400)
    }
  })

  app.get('/governance/break-glass', { config: { action: 'breakglass:review' } }, async (request, reply) => {
    const parsed = grantListQuerySchema.safeParse(request.query ?? {})
    const list = await governance.breakGlassList(actorOf(request), parsed.success ? parsed.data : {})
    return reply.render('governance/views/break-glass.njk', {
      pageTitle: 'Break-glass access',
      list,
      filterError: parsed.success ? null : 'Some filters were not recognised and have been cleared',
      outcomeLabels: REVIEW_OUTCOME_LABELS,
      statusLink: (status: GrantListQuery['status']) => grantLink(status, 1),
      pageLink: (page: number) => grantLink(list.query.status, page),
    })
  })

  app.get('/governance/break-glass/:id', { config: { action: 'breakglass:review' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const { reviewed } = (request.query ?? {}) as { reviewed?: string }
    return renderGrant(reply, actorOf(request), id, { reviewed: reviewed === '1' })
  })

  app.post(
    '/governance/break-glass/:id/review',
    { config: { action: 'breakglass:review' } },
    async (request, reply) => {
      const { id } = idParams.parse(request.params)
      const body = (request.body ?? {}) as Record<string, unknown>
      const form = {
        outcome: typeof body.outcome === 'string' && body.outcome ? body.outcome : undefined,
        notes: typeof body.notes === 'string' ? body.notes : undefined,
      }
      try {
        await governance.reviewBreakGlass(actorOf(request), id, form)
      } catch (error) {
        if (error instanceof ValidationError) {
          return renderGrant(reply.code(400), actorOf(request), id, { errors: error.issues, form })
        }
        if (error instanceof ConflictError) {
          return renderGrant(reply.code(409), actorOf(request), id, {
            errors: [{ path: 'outcome', message: error.message }],
            form,
          })
        }
        throw error
      }
      return reply.redirect(`/governance/break-glass/${id}?reviewed=1`)
    },
  )

  async function renderGrant(reply: FastifyReply, actor: Actor, id: string, extra: Record<string, unknown>) {
    const grant = await governance.breakGlassGrant(actor, id)
    return reply.render('governance/views/break-glass-grant.njk', {
      pageTitle: `Break-glass access to ${grant.record.label}`,
      grant,
      outcomes: REVIEW_OUTCOMES,
      outcomeLabels: REVIEW_OUTCOME_LABELS,
      actionLabels: AUDIT_ACTION_LABELS,
      incidentLink: (recordId: string) => `/governance/access-log?record=${encodeURIComponent(recordId)}`,
      ...extra,
    })
  }

  // API

  api.get(
    '/api/v1/governance/policy',
    {
      config: { action: 'policy:view' },
      schema: {
        summary: 'The access policy: which roles may take each action, over which records, and the field rules',
        description: 'Generated from the same policy table the server enforces on every request.',
        tags: TAGS,
        response: { 200: policyResponseSchema, ...apiErrors },
      },
    },
    async (request) => {
      const p = governance.policy(actorOf(request))
      return {
        roles: p.roles,
        scopes: p.scopes,
        resources: p.resources,
        actions: p.rows.map((r) => ({
          id: r.action,
          label: r.label,
          resource: r.resource,
          recordLevel: r.recordLevel,
          breakGlass: r.breakGlass,
          roles: Object.fromEntries(r.cells.filter((c) => c.scope).map((c) => [c.role, c.scope!])),
        })),
        fieldRules: {
          health: p.fieldRules.health,
          sensitive: p.fieldRules.sensitive,
          healthRoles: p.fieldRules.healthRoles.map(({ role, scope }) => ({ role, scope })),
          revealRoles: p.fieldRules.revealRoles.map(({ role, scope }) => ({ role, scope })),
        },
      }
    },
  )

  api.get(
    '/api/v1/governance/access-log',
    {
      config: { action: 'audit:view' },
      schema: {
        summary: 'Who consulted, changed or disclosed a record or a person’s records, newest first',
        description:
          'Filter by an incident (`record`: ID or force reference, with the people on it) or a person ' +
          '(`person`: every record with the same exact identity key, and their incidents), and by user, ' +
          'agency, action and UK dates. Reading an access log is itself recorded in the audit trail. ' +
          'The same filters export CSV at `/governance/access-log.csv`.',
        tags: TAGS,
        querystring: accessLogQuerySchema,
        response: { 200: accessLogResponseSchema, ...apiErrors },
      },
    },
    async (request) => {
      const log = await governance.accessLog(actorOf(request), request.query)
      return {
        subject: subjectJson(log.subject),
        total: log.total,
        totalIsCapped: log.totalIsCapped,
        page: log.page,
        pageSize: log.pageSize,
        pageCount: log.pageCount,
        items: log.items.map(logItemJson),
      }
    },
  )

  api.get(
    '/api/v1/governance/people',
    {
      config: { action: 'audit:view' },
      schema: {
        summary: 'Find a person on incidents by name and date of birth, to read their access log',
        description:
          'Last name exact, first name by its start, both ignoring case. Records with the same exact identity ' +
          'key are grouped as one person. Each person listed is recorded as consulted.',
        tags: TAGS,
        querystring: personSearchSchema,
        response: { 200: personSearchResponseSchema, ...apiErrors },
      },
    },
    async (request) => {
      const found = await governance.findPeople(actorOf(request), request.query)
      return {
        truncated: found.truncated,
        people: found.people.map((p) => ({ ...p, records: p.records.map(personJson) })),
      }
    },
  )

  api.get(
    '/api/v1/governance/break-glass',
    {
      config: { action: 'breakglass:review' },
      schema: {
        summary: 'Break-glass access grants, unreviewed first',
        tags: TAGS,
        querystring: grantListQuerySchema,
        response: { 200: grantListResponseSchema, ...apiErrors },
      },
    },
    async (request) => {
      const list = await governance.breakGlassList(actorOf(request), request.query)
      return {
        counts: list.counts,
        total: list.total,
        page: list.page,
        pageSize: list.pageSize,
        pageCount: list.pageCount,
        items: list.items.map(grantJson),
      }
    },
  )

  api.get(
    '/api/v1/governance/break-glass/:id',
    {
      config: { action: 'breakglass:review' },
      schema: {
        summary: 'One break-glass grant, with what was opened under it',
        tags: TAGS,
        params: idParams,
        response: { 200: grantResponseSchema, ...apiErrors },
      },
    },
    async (request) => grantJson(await governance.breakGlassGrant(actorOf(request), request.params.id)),
  )

  api.post(
    '/api/v1/governance/break-glass/:id/review',
    {
      config: { action: 'breakglass:review' },
      schema: {
        summary: 'Mark a break-glass grant reviewed, with the outcome and notes',
        description: 'Notes are required when the access was not justified. A grant is reviewed once (409 after).',
        tags: TAGS,
        params: idParams,
        body: reviewInputSchema,
        response: { 200: grantResponseSchema, 409: errorSchema, ...apiErrors },
      },
    },
    async (request) => {
      const actor = actorOf(request)
      await governance.reviewBreakGlass(actor, request.params.id, request.body)
      return grantJson(await governance.breakGlassGrant(actor, request.params.id))
    },
  )
}

/** A stored date of birth ('1990-05-17') as UK users read it. */
const ukDate = (iso: string | null) => (iso ? ukDateText(iso) : '')

/** The access log's filters as the form shows them: dates back in UK form. */
function formValues(raw: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') out[k] = v
  for (const k of ['from', 'to']) {
    const v = out[k]
    if (v && /^\d{4}-\d{2}-\d{2}$/.test(v)) out[k] = ukDateText(v)
  }
  return out
}

function logLink(path: string, q: AccessLogQuery, page: number): string {
  const params = new URLSearchParams()
  for (const key of ['record', 'person', 'user', 'agency', 'action', 'from', 'to'] as const) {
    const v = q[key]
    if (v) params.set(key, v)
  }
  if (page > 1) params.set('page', String(page))
  const s = params.toString()
  return s ? `${path}?${s}` : path
}

function grantLink(status: GrantListQuery['status'], page: number): string {
  const params = new URLSearchParams()
  if (status !== 'all') params.set('status', status)
  if (page > 1) params.set('page', String(page))
  const s = params.toString()
  return s ? `/governance/break-glass?${s}` : '/governance/break-glass'
}

/** The person search form as the service's input: the three date fields as one date. */
function personSearchCandidate(form: z.infer<typeof personSearchPageSchema>): {
  candidate: Record<string, string | undefined>
  issues: FieldIssue[]
} {
  const [day, month, year] = (['dateOfBirth-day', 'dateOfBirth-month', 'dateOfBirth-year'] as const).map((k) =>
    (form[k] ?? '').trim(),
  )
  const issues: FieldIssue[] = []
  let dateOfBirth: string | undefined
  if (day || month || year) {
    const d = /^\d{1,4}$/.test(day!) && /^\d{1,2}$/.test(month!) && /^\d{4}$/.test(year!)
    dateOfBirth = (d && isoDate(Number(year), Number(month), Number(day))) || undefined
    if (!dateOfBirth) issues.push({ path: 'dateOfBirth-day', message: 'Enter a real date of birth, like 17 5 1990' })
  }
  return { candidate: { lastName: form.lastName ?? '', firstName: form.firstName, dateOfBirth }, issues }
}
