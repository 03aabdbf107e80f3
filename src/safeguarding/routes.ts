import type { FastifyInstance, FastifyReply } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { RouteContext } from '../server/app.ts'
import type { Actor } from '../auth/actor.ts'
import { actorOf } from '../server/http.ts'
import { apiErrors, errorSchema, idParams } from '../server/api-schemas.ts'
import { attempt, dateField, field, form, formDate, formText, savedMessage, type FormBody } from '../server/forms.ts'
import type { FieldIssue } from '../common/errors.ts'
import { formIssues } from '../deployment/rota/form.ts'
import {
  CONSENT_ANSWERS,
  CONTACT_MODES,
  CONTACT_PLACES,
  ENGAGEMENT_ANSWERS,
  SUPPORT_OFFERED,
} from '../engagement/tracker.ts'
import { ACTION_KINDS, ACTION_STATUSES, HANDOVER_SUMMARY_MIN, KIND_RULES, isActionKind } from './rules.ts'
import { LISTS, acceptSchema, handoverSchema, raiseSchema, statusSchema, type ListName } from './service.ts'
import type { ActionRow, HandoverRow } from './repository.ts'

const VIEWS = 'safeguarding/views'
const SAVED = {
  raised: 'Action raised',
  status: 'Status changed',
  assigned: 'The action is assigned to you',
  handed: 'Hand-over sent to the safeguarding team',
  accepted: 'Hand-over accepted',
}
/** Labels and facts the pages share. */
const LABELS = { kinds: ACTION_KINDS, statuses: ACTION_STATUSES, kindRules: KIND_RULES, lists: LISTS }

const raiseForm = form({
  kind: field,
  details: field,
  referredTo: field,
  owner: field,
  assigneeId: field,
  ...dateField('dueOn'),
})
const statusForm = form({ status: field, reason: field, note: field })
const handoverForm = form({ teamId: field, summary: field })
const acceptForm = form({ note: field })
const emptyForm = form({})

const listQuery = z.object({
  list: z.enum(Object.keys(LISTS) as [ListName, ...ListName[]]).default('mine'),
  closed: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => v === 'true' || v === '1')
    .describe('true for the actions closed in the last 14 days instead of the open ones'),
})

const blank = (v: string | undefined) => v?.trim() || undefined

/** The raise form as the service's input: the owner select is 'team:<id>' or 'agency:<id>'. */
function raiseInput(body: FormBody) {
  const due = formDate(body, 'dueOn', 'the due date', false)
  const [ownerKind, ownerId] = formText(body, 'owner').split(':')
  const typed = ['year', 'month', 'day'].map((p) => formText(body, `dueOn-${p}`)).join('-')
  return {
    candidate: {
      kind: blank(formText(body, 'kind')),
      details: formText(body, 'details'),
      referredTo: formText(body, 'referredTo'),
      ownerTeamId: ownerKind === 'team' ? ownerId : undefined,
      ownerAgencyId: ownerKind === 'agency' ? ownerId : undefined,
      assigneeId: blank(formText(body, 'assigneeId')),
      // A date the form cannot read goes on as typed, so the service refuses it and nothing is saved.
      dueOn: due.value ?? (due.issue ? typed : undefined),
    },
    issues: due.issue ? [due.issue] : [],
    covered: due.issue ? ['dueOn'] : [],
  }
}

// API shapes

const actionSchema = z.object({
  id: z.string(),
  incidentId: z.string(),
  forceReference: z.string(),
  victim: z.object({ id: z.string(), name: z.string() }),
  kind: z.string(),
  referral: z.boolean(),
  details: z.string().nullable(),
  referredTo: z.string().nullable(),
  owner: z.object({
    agencyId: z.string(),
    agencyName: z.string(),
    teamId: z.string().nullable(),
    teamName: z.string().nullable(),
  }),
  assignee: z.object({ id: z.string(), name: z.string() }).nullable(),
  dueOn: z.string(),
  overdue: z.boolean(),
  status: z.string(),
  statusReason: z.string().nullable(),
  raisedBy: z.string(),
  raisedAt: z.string(),
  closedAt: z.string().nullable(),
})
const actionDetailSchema = actionSchema.extend({
  history: z.array(z.object({ status: z.string(), note: z.string().nullable(), by: z.string(), at: z.string() })),
  nextStatuses: z.array(z.string()),
  mayUpdate: z.boolean(),
})
const handoverOut = z.object({
  id: z.string(),
  incidentId: z.string(),
  forceReference: z.string(),
  victim: z.object({ id: z.string(), name: z.string() }),
  team: z.object({ id: z.string(), name: z.string() }),
  summary: z.string(),
  handedBy: z.string(),
  handedAt: z.string(),
  acceptedBy: z.string().nullable(),
  acceptedAt: z.string().nullable(),
  acceptNote: z.string().nullable(),
})

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null)
const victimOf = (r: { person_id: string; first_name: string; last_name: string }) => ({
  id: r.person_id,
  name: `${r.first_name} ${r.last_name}`,
})

const actionToApi = (a: ActionRow & { overdue: boolean }) => ({
  id: a.id,
  incidentId: a.incident_id,
  forceReference: a.force_reference,
  victim: victimOf(a),
  kind: a.kind,
  referral: isActionKind(a.kind) && KIND_RULES[a.kind].referral,
  details: a.details,
  referredTo: a.referred_to,
  owner: {
    agencyId: a.owner_agency_id,
    agencyName: a.owner_agency_name,
    teamId: a.owner_team_id,
    teamName: a.owner_team_name,
  },
  assignee: a.assignee_id ? { id: a.assignee_id, name: a.assignee_name ?? '' } : null,
  dueOn: a.due_on,
  overdue: a.overdue,
  status: a.status,
  statusReason: a.status_reason,
  raisedBy: a.raised_by_name,
  raisedAt: iso(a.raised_at)!,
  closedAt: iso(a.closed_at),
})

const handoverToApi = (h: HandoverRow) => ({
  id: h.id,
  incidentId: h.incident_id,
  forceReference: h.force_reference,
  victim: victimOf(h),
  team: { id: h.to_team_id, name: h.team_name },
  summary: h.summary,
  handedBy: h.handed_by_name,
  handedAt: iso(h.handed_at)!,
  acceptedBy: h.accepted_by_name,
  acceptedAt: iso(h.accepted_at),
  acceptNote: h.accept_note,
})

export function safeguardingRoutes(app: FastifyInstance, { services }: RouteContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const safeguarding = services.safeguarding
  /** The victim's safe-contact details, for the pages from which someone may contact them. */
  const safeContactOf = (actor: Actor, victimId: string) => services.cases.safeContact(actor, victimId, 'case:view')
  const TAGS = ['safeguarding']

  async function renderRaise(reply: FastifyReply, actor: Actor, id: string, values: FormBody, errors: FieldIssue[]) {
    const page = await safeguarding.raiseForm(actor, id)
    const owner = page.defaultOwner.teamId ? `team:${page.defaultOwner.teamId}` : `agency:${page.defaultOwner.agencyId}`
    return reply.render(`${VIEWS}/raise.njk`, {
      pageTitle: 'Raise an action or referral',
      ...LABELS,
      page,
      form: { owner, ...values },
      errors,
    })
  }

  async function renderAction(reply: FastifyReply, actor: Actor, id: string, extra: Record<string, unknown>) {
    const view = await safeguarding.get(actor, id)
    // The victim is known once the action is read.
    const safeContact = await safeContactOf(actor, view.action.person_id)
    return reply.render(`${VIEWS}/action.njk`, {
      pageTitle: `${isActionKind(view.action.kind) ? ACTION_KINDS[view.action.kind] : view.action.kind}: ${view.action.first_name} ${view.action.last_name}`,
      ...LABELS,
      view,
      safeContact,
      ...extra,
    })
  }

  async function renderHandover(reply: FastifyReply, actor: Actor, id: string, values: FormBody, errors: FieldIssue[]) {
    const [page, safeContact] = await Promise.all([safeguarding.handoverForm(actor, id), safeContactOf(actor, id)])
    return reply.render(`${VIEWS}/handover.njk`, {
      pageTitle: 'Hand over to the safeguarding team',
      ...LABELS,
      page,
      safeContact,
      form: { teamId: page.teams[0]?.id, ...values },
      summaryMin: HANDOVER_SUMMARY_MIN,
      tracker: {
        modes: CONTACT_MODES,
        places: CONTACT_PLACES,
        support: SUPPORT_OFFERED,
        answers: ENGAGEMENT_ANSWERS,
        consent: CONSENT_ANSWERS,
      },
      errors,
    })
  }

  async function renderHandoverPage(reply: FastifyReply, actor: Actor, id: string, extra: Record<string, unknown>) {
    const view = await safeguarding.getHandover(actor, id)
    const safeContact = await safeContactOf(actor, view.handover.person_id)
    return reply.render(`${VIEWS}/handover-view.njk`, {
      pageTitle: 'Hand-over',
      ...LABELS,
      view,
      safeContact,
      ...extra,
    })
  }

  // Pages

  app.get('/actions', { config: { action: 'safeguarding:view' } }, async (request, reply) => {
    const list = await safeguarding.worklist(actorOf(request), listQuery.parse(request.query))
    return reply.render(`${VIEWS}/list.njk`, { pageTitle: 'Actions and referrals', ...LABELS, list })
  })

  app.get('/victims/:id/actions/new', { config: { action: 'safeguarding:raise' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    return renderRaise(reply, actorOf(request), id, {}, [])
  })

  app.post('/victims/:id/actions/new', { config: { action: 'safeguarding:raise' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const actor = actorOf(request)
    const body = raiseForm.parse(request.body ?? {})
    const input = raiseInput(body)
    const done = await attempt(() => safeguarding.raise(actor, id, input.candidate))
    if (!done.ok) return renderRaise(reply.code(400), actor, id, body, formIssues(input, done.issues))
    return reply.redirect(`/actions/${done.value}?saved=raised`)
  })

  app.get('/actions/:id', { config: { action: 'safeguarding:view' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    return renderAction(reply, actorOf(request), id, { saved: savedMessage(request, SAVED) })
  })

  app.post('/actions/:id/status', { config: { action: 'safeguarding:update' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const actor = actorOf(request)
    const body = statusForm.parse(request.body ?? {})
    const done = await attempt(() =>
      safeguarding.changeStatus(actor, id, {
        status: blank(body.status),
        reason: body.reason,
        note: body.note,
      }),
    )
    if (!done.ok) return renderAction(reply.code(400), actor, id, { errors: done.issues, form: body })
    return reply.redirect(`/actions/${id}?saved=status`)
  })

  app.post('/actions/:id/assign-to-me', { config: { action: 'safeguarding:update' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    emptyForm.parse(request.body ?? {})
    await safeguarding.assignToMe(actorOf(request), id)
    return reply.redirect(`/actions/${id}?saved=assigned`)
  })

  app.get('/victims/:id/handover', { config: { action: 'safeguarding:handover' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    return renderHandover(reply, actorOf(request), id, {}, [])
  })

  app.post('/victims/:id/handover', { config: { action: 'safeguarding:handover' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const actor = actorOf(request)
    const body = handoverForm.parse(request.body ?? {})
    const done = await attempt(() =>
      safeguarding.handOver(actor, id, { teamId: blank(body.teamId), summary: body.summary ?? '' }),
    )
    if (!done.ok) return renderHandover(reply.code(400), actor, id, body, done.issues)
    return reply.redirect(`/handovers/${done.value}?saved=handed`)
  })

  app.get('/handovers/:id', { config: { action: 'safeguarding:view' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    return renderHandoverPage(reply, actorOf(request), id, { saved: savedMessage(request, SAVED) })
  })

  app.post('/handovers/:id/accept', { config: { action: 'safeguarding:accept' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const actor = actorOf(request)
    const body = acceptForm.parse(request.body ?? {})
    const done = await attempt(() => safeguarding.accept(actor, id, { note: body.note }))
    if (!done.ok) return renderHandoverPage(reply.code(400), actor, id, { errors: done.issues, form: body })
    return reply.redirect(`/handovers/${id}?saved=accepted`)
  })

  // API

  api.get(
    '/api/v1/actions',
    {
      config: { action: 'safeguarding:view' },
      schema: {
        summary:
          'A "my actions" list: assigned to me, my teams’, my agency’s, raised by me; with hand-overs waiting for my teams',
        tags: TAGS,
        querystring: listQuery,
        response: {
          200: z.object({
            list: z.string(),
            closed: z.boolean(),
            today: z.string(),
            counts: z.object({
              lists: z.object({ mine: z.number(), team: z.number(), agency: z.number(), raised: z.number() }),
              overdue: z.number(),
              dueToday: z.number(),
            }),
            items: z.array(actionSchema),
            handovers: z.array(handoverOut),
          }),
          ...apiErrors,
        },
      },
    },
    async (request) => {
      const list = await safeguarding.worklist(actorOf(request), request.query)
      return {
        list: list.list,
        closed: list.closed,
        today: list.today,
        counts: list.counts,
        items: list.items.map(actionToApi),
        handovers: list.handovers.map(handoverToApi),
      }
    },
  )

  api.post(
    '/api/v1/victims/:id/actions',
    {
      config: { action: 'safeguarding:raise' },
      schema: {
        summary: 'Raise a safeguarding action or an onward referral for a victim (an incident_person id)',
        tags: TAGS,
        params: idParams,
        body: raiseSchema,
        response: { 201: z.object({ id: z.string() }), ...apiErrors },
      },
    },
    async (request, reply) =>
      reply.code(201).send({ id: await safeguarding.raise(actorOf(request), request.params.id, request.body) }),
  )

  const detail = (view: Awaited<ReturnType<typeof safeguarding.get>>) => ({
    ...actionToApi(view.action),
    history: view.history.map((h) => ({ status: h.status, note: h.note, by: h.by_name, at: iso(h.at)! })),
    nextStatuses: view.mayUpdate ? [...view.nextStatuses] : [],
    mayUpdate: view.mayUpdate,
  })

  api.get(
    '/api/v1/actions/:id',
    {
      config: { action: 'safeguarding:view' },
      schema: {
        summary: 'An action or referral with its history',
        tags: TAGS,
        params: idParams,
        response: { 200: actionDetailSchema, ...apiErrors },
      },
    },
    async (request) => detail(await safeguarding.get(actorOf(request), request.params.id)),
  )

  api.post(
    '/api/v1/actions/:id/status',
    {
      config: { action: 'safeguarding:update' },
      schema: {
        summary: 'Change the status of an action or referral (declining needs a reason)',
        tags: TAGS,
        params: idParams,
        body: statusSchema,
        response: { 200: actionDetailSchema, 409: errorSchema, ...apiErrors },
      },
    },
    async (request) => detail(await safeguarding.changeStatus(actorOf(request), request.params.id, request.body)),
  )

  api.post(
    '/api/v1/actions/:id/assign-to-me',
    {
      config: { action: 'safeguarding:update' },
      schema: {
        summary: 'Assign an open action to yourself',
        tags: TAGS,
        params: idParams,
        response: { 200: actionDetailSchema, 409: errorSchema, ...apiErrors },
      },
    },
    async (request) => detail(await safeguarding.assignToMe(actorOf(request), request.params.id)),
  )

  api.post(
    '/api/v1/victims/:id/handover',
    {
      config: { action: 'safeguarding:handover' },
      schema: {
        summary: 'Hand a victim (an incident_person id) over to a safeguarding team, with a summary',
        tags: TAGS,
        params: idParams,
        body: handoverSchema,
        response: { 201: z.object({ id: z.string() }), 409: errorSchema, ...apiErrors },
      },
    },
    async (request, reply) =>
      reply.code(201).send({ id: await safeguarding.handOver(actorOf(request), request.params.id, request.body) }),
  )

  api.get(
    '/api/v1/handovers/:id',
    {
      config: { action: 'safeguarding:view' },
      schema: { summary: 'A hand-over', tags: TAGS, params: idParams, response: { 200: handoverOut, ...apiErrors } },
    },
    async (request) => handoverToApi((await safeguarding.getHandover(actorOf(request), request.params.id)).handover),
  )

  api.post(
    '/api/v1/handovers/:id/accept',
    {
      config: { action: 'safeguarding:accept' },
      schema: {
        summary: 'Accept a hand-over made to your team (once)',
        tags: TAGS,
        params: idParams,
        body: acceptSchema,
        response: { 200: handoverOut, 409: errorSchema, ...apiErrors },
      },
    },
    async (request) => handoverToApi(await safeguarding.accept(actorOf(request), request.params.id, request.body)),
  )
}
