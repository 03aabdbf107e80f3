import type { FastifyInstance, FastifyReply } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { RouteContext } from '../server/app.ts'
import { actorOf } from '../server/http.ts'
import { apiErrors, idParams } from '../server/api-schemas.ts'
import type { Actor } from '../auth/actor.ts'
import { ValidationError, type FieldIssue } from '../common/errors.ts'
import { attempt, field, fields, form, formText, savedMessage, type FormBody } from '../server/forms.ts'
import {
  CONTACT_METHODS,
  WEEKDAYS,
  clockText,
  minuteOfClock,
  MAX_WINDOWS,
  safeContactSchema,
  type SafeContactView,
} from './rules.ts'
import { TIMELINE_KINDS } from './timeline.ts'
import { caseQuerySchema } from './service.ts'
import { caseResponseSchema, safeContactResponseSchema, toCaseResponse, toSafeContactResponse } from './api-schemas.ts'

/** Rows of weekly windows the form reads; it shows the recorded ones and a few empty. */
const WINDOW_ROWS = Array.from({ length: MAX_WINDOWS }, (_, i) => i)
const EMPTY_ROWS_SHOWN = 3

const safeContactForm = form({
  methods: fields,
  onlyWhileSuspectInCustody: field,
  notes: field,
  replacesNewer: field,
  ...Object.fromEntries(WINDOW_ROWS.flatMap((i) => [`weekday${i}`, `start${i}`, `end${i}`].map((n) => [n, field]))),
})

const SAVED: Record<string, string> = {
  'safe-contact': 'Safe-contact details saved. Plans with a visit to this victim have been re-made to respect them.',
  'contact-planned': 'Discreet contact planned',
  'contact-cancelled': 'Planned contact cancelled',
}

/** The weekly windows as the form posts them, with a problem for each row that is not a window. */
function windowsFrom(body: FormBody) {
  const rows = WINDOW_ROWS.map((i) => ({
    weekday: formText(body, `weekday${i}`),
    start: formText(body, `start${i}`),
    end: formText(body, `end${i}`),
  }))
  const issues: FieldIssue[] = []
  const windows = rows.flatMap((r, i) => {
    if (!r.weekday && !r.start && !r.end) return []
    const start = minuteOfClock(r.start)
    const end = minuteOfClock(r.end)
    if (!r.weekday || start === null || end === null || end <= start) {
      issues.push({
        path: `window${i}`,
        message: `Window ${i + 1}: choose a day and enter times like 10:00 and 12:00, the end after the start`,
      })
      return []
    }
    return [{ weekday: Number(r.weekday), startMinute: start, endMinute: end }]
  })
  return { rows, windows, issues }
}

type WindowRow = { weekday: string; start: string; end: string }

/** The rows a form shows: those filled in and a few empty ones (at least a week's worth in all). */
function shownRows(rows: WindowRow[]): WindowRow[] {
  const filled = rows.reduce((n, r, i) => (r.weekday || r.start || r.end ? i + 1 : n), 0)
  return rows.slice(0, Math.min(MAX_WINDOWS, Math.max(7, filled + EMPTY_ROWS_SHOWN)))
}

/** The form's rows showing the current windows. */
function rowsOf(windows: SafeContactView['windows']) {
  return shownRows(
    WINDOW_ROWS.map((i) => {
      const w = windows[i]
      return w
        ? { weekday: String(w.weekday), start: clockText(w.startMinute), end: clockText(w.endMinute) }
        : { weekday: '', start: '', end: '' }
    }),
  )
}

export function caseRoutes(app: FastifyInstance, { services }: RouteContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const cases = services.cases

  // Pages
  app.get('/victims/:id', { config: { action: 'case:view' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const actor = actorOf(request)
    // Health data is a separate service so that other roles' pages never query it.
    const [record, nhsAppointments] = await Promise.all([
      cases.view(actor, id, request.query),
      services.health.forVictim(actor, id),
    ])
    return reply.render('cases/views/case.njk', {
      pageTitle: `${record.victim.name}: victim’s record`,
      record,
      nhsAppointments,
      kindLabels: TIMELINE_KINDS,
      saved: savedMessage(request, SAVED),
    })
  })

  app.get('/victims/:id/safe-contact', { config: { action: 'safecontact:edit' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    return renderSafeContact(reply, actorOf(request), id, {})
  })

  app.post('/victims/:id/safe-contact', { config: { action: 'safecontact:edit' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const body = safeContactForm.parse(request.body ?? {})
    const { rows, windows, issues } = windowsFrom(body)
    const input = {
      methods: body.methods ?? [],
      onlyWhileSuspectInCustody: body.onlyWhileSuspectInCustody === 'yes',
      notes: formText(body, 'notes'),
      windows,
      replacesNewer: body.replacesNewer === 'yes',
    }
    const done = await attempt(async () => {
      if (issues.length) throw new ValidationError(issues)
      return services.deployment.setSafeContact(actorOf(request), id, input)
    })
    if (!done.ok)
      return renderSafeContact(reply.code(400), actorOf(request), id, {
        form: { ...input, rows: shownRows(rows) },
        errors: done.issues,
      })
    return reply.redirect(`/victims/${id}?saved=safe-contact`)
  })

  async function renderSafeContact(
    reply: FastifyReply,
    actor: Actor,
    id: string,
    extra: {
      form?: { methods: string[]; onlyWhileSuspectInCustody: boolean; notes: string; rows: ReturnType<typeof rowsOf> }
      errors?: FieldIssue[]
    },
  ) {
    const current = await cases.safeContact(actor, id, 'safecontact:edit')
    return reply.render('cases/views/safe-contact.njk', {
      pageTitle: `How and when is it safe to contact ${current.victimName}?`,
      id,
      current,
      form: extra.form ?? {
        methods: current.methods,
        onlyWhileSuspectInCustody: current.onlyWhileSuspectInCustody,
        notes: current.notes ?? '',
        rows: rowsOf(current.windows),
      },
      errors: extra.errors,
      methodLabels: CONTACT_METHODS,
      weekdays: WEEKDAYS,
    })
  }

  // API
  api.get(
    '/api/v1/victims/:id',
    {
      config: { action: 'case:view' },
      schema: {
        summary:
          'A victim’s record: their incidents the caller may open, current risk, open actions, safe-contact details and timeline (newest first)',
        tags: ['cases'],
        params: idParams,
        querystring: caseQuerySchema,
        response: { 200: caseResponseSchema, ...apiErrors },
      },
    },
    async (request) => toCaseResponse(await cases.view(actorOf(request), request.params.id, request.query)),
  )

  api.get(
    '/api/v1/victims/:id/safe-contact',
    {
      config: { action: 'case:view' },
      schema: {
        summary: 'How and when it is safe to contact the victim: the latest details for their case',
        tags: ['cases'],
        params: idParams,
        response: { 200: safeContactResponseSchema, ...apiErrors },
      },
    },
    async (request) => toSafeContactResponse(await cases.safeContact(actorOf(request), request.params.id, 'case:view')),
  )

  api.put(
    '/api/v1/victims/:id/safe-contact',
    {
      config: { action: 'safecontact:edit' },
      schema: {
        summary:
          'Record how and when it is safe to contact the victim (methods, weekly windows, only while the suspect is in custody); plans with a visit to them are re-made',
        tags: ['cases'],
        params: idParams,
        body: safeContactSchema,
        response: { 200: safeContactResponseSchema, ...apiErrors },
      },
    },
    async (request) => {
      const actor = actorOf(request)
      await services.deployment.setSafeContact(actor, request.params.id, request.body)
      return toSafeContactResponse(await cases.safeContact(actor, request.params.id, 'safecontact:edit'))
    },
  )
}
