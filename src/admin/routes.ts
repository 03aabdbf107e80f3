import type { FastifyInstance, FastifyReply } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { RouteContext } from '../server/app.ts'
import { actorOf } from '../server/http.ts'
import { MfaService } from '../auth/mfa-service.ts'
import { apiErrors, errorSchema, idParams } from '../server/api-schemas.ts'
import { attempt as attemptForm, field, fields, form, savedMessage } from '../server/forms.ts'
import { ROLES } from '../auth/roles.ts'
import type { Actor } from '../auth/actor.ts'
import type { FieldIssue } from '../common/errors.ts'
import {
  agencyDetailSchema,
  agencyListSchema,
  agencySchema,
  createAgencySchema,
  createdUserSchema,
  createTeamSchema,
  createUserSchema,
  memberParams,
  shareInputSchema,
  shareParams,
  teamDetailSchema,
  teamListQuerySchema,
  teamListSchema,
  teamSchema,
  updateAgencySchema,
  updateTeamSchema,
  updateUserSchema,
  USER_STATUSES,
  userListQuerySchema,
  userListSchema,
  userRolesSchema,
  userSchema,
  userTeamsSchema,
  type UserListQuery,
} from './api-schemas.ts'
import { FieldConflictError, type AdminService, type AdminTeam, type AdminUser } from './service.ts'
import {
  AGENCY_KIND_LABELS,
  AGENCY_KIND_PHRASES,
  AGENCY_KINDS,
  PASSWORD_MIN_LENGTH,
  ROLE_AGENCY_KINDS,
  rolesForAgency,
  SHAREABLE_RESOURCE_LABELS,
  SHAREABLE_RESOURCES,
} from './rules.ts'

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null)
const errors = { ...apiErrors, 409: errorSchema }

/** Messages for `?saved=…` after a change. */
const SAVED: Record<string, string> = {
  second_factor:
    'Two-step sign-in reset: the user sets it up again at their next sign-in, and is signed out everywhere',
  name: 'Display name changed',
  roles: 'Roles changed. If a role was removed, the user’s sessions have ended.',
  teams: 'Teams changed',
  disabled: 'Account disabled. The user’s sessions and API tokens have been revoked.',
  enabled: 'Account enabled',
  team: 'Team saved',
  member: 'Member added',
  removed: 'Member removed',
  deleted: 'Team deleted',
  agency: 'Agency saved',
  share: 'Sharing agreement added',
  unshared: 'Sharing agreement removed',
}

/** Runs a change; validation problems and duplicates come back as issues for the form. */
const attempt = <T>(work: () => Promise<T>) =>
  attemptForm(work, (error) => (error instanceof FieldConflictError ? [error.issue] : null))

function apiUser(u: AdminUser) {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    agencyId: u.agencyId,
    agencyName: u.agencyName,
    roles: u.roles,
    teams: u.teams,
    enabled: u.enabled,
    disabledAt: iso(u.disabledAt),
    serviceAccount: u.serviceAccount,
    createdAt: iso(u.createdAt)!,
  }
}

function apiTeam(t: AdminTeam) {
  return {
    id: t.id,
    agencyId: t.agencyId,
    agencyName: t.agencyName,
    name: t.name,
    areas: t.areas,
    memberCount: t.memberCount,
    createdAt: iso(t.createdAt)!,
  }
}

function apiAgency(a: {
  id: string
  code: string
  name: string
  kind: (typeof AGENCY_KINDS)[number]
  created_at: Date
}) {
  return { id: a.id, code: a.code, name: a.name, kind: a.kind, createdAt: iso(a.created_at)! }
}

function usersLink(query: UserListQuery, change: Partial<UserListQuery>): string {
  const q = { ...query, ...change }
  const params = new URLSearchParams()
  if (q.q) params.set('q', q.q)
  if (q.agencyId) params.set('agencyId', q.agencyId)
  if (q.role) params.set('role', q.role)
  if (q.status !== 'all') params.set('status', q.status)
  if (q.page > 1) params.set('page', String(q.page))
  const s = params.toString()
  return s ? `/admin/users?${s}` : '/admin/users'
}

export function adminRoutes(app: FastifyInstance, { services, db, clock, config }: RouteContext): void {
  const mfa = MfaService.fromConfig(db, clock, config)
  const admin: AdminService = services.admin
  const api = app.withTypeProvider<ZodTypeProvider>()

  const render = (reply: FastifyReply, template: string, context: Record<string, unknown>) =>
    reply.render(`admin/views/${template}.njk`, {
      roleOptions: ROLES,
      agencyKindLabels: AGENCY_KIND_LABELS,
      agencyKindPhrases: AGENCY_KIND_PHRASES,
      resourceLabels: SHAREABLE_RESOURCE_LABELS,
      ...context,
    })

  // Pages: users

  app.get('/admin', { config: { action: 'user:manage' } }, async (_request, reply) => reply.redirect('/admin/users'))

  app.get('/admin/users', { config: { action: 'user:manage' } }, async (request, reply) => {
    const actor = actorOf(request)
    const parsed = userListQuerySchema.safeParse(request.query)
    const query = parsed.success ? parsed.data : userListQuerySchema.parse({})
    const [list, agencies] = await Promise.all([admin.listUsers(actor, query), admin.agencyOptions(actor)])
    return render(reply, 'users', {
      pageTitle: 'Users',
      section: 'users',
      list,
      query: list.query,
      agencies,
      statuses: USER_STATUSES,
      filterError: parsed.success ? null : 'Some filters were not recognised and have been cleared',
      pageLink: (page: number) => usersLink(list.query, { page }),
    })
  })

  const newUserForm = form({
    username: field,
    displayName: field,
    agencyId: field,
    roles: fields,
    password: field,
  })
  type NewUserForm = z.infer<typeof newUserForm>

  async function renderNewUser(reply: FastifyReply, actor: Actor, values: Partial<NewUserForm>, issues: FieldIssue[]) {
    return render(reply, 'user-new', {
      pageTitle: 'Add a user',
      section: 'users',
      values: { ...values, password: '' },
      errors: issues.length ? issues : undefined,
      agencies: await admin.agencyOptions(actor),
      roleAgencyKinds: ROLE_AGENCY_KINDS,
      passwordMin: PASSWORD_MIN_LENGTH,
    })
  }

  app.get('/admin/users/new', { config: { action: 'user:manage' } }, async (request, reply) =>
    renderNewUser(reply, actorOf(request), {}, []),
  )

  app.post('/admin/users', { config: { action: 'user:manage' } }, async (request, reply) => {
    const actor = actorOf(request)
    const body = newUserForm.parse(request.body ?? {})
    const result = await attempt(() =>
      admin.createUser(actor, {
        username: body.username ?? '',
        displayName: body.displayName ?? '',
        agencyId: body.agencyId ?? '',
        roles: body.roles ?? [],
        // A blank password means "generate one".
        ...(body.password ? { password: body.password } : {}),
      }),
    )
    if (!result.ok) return renderNewUser(reply.code(400), actor, body, result.issues)
    return render(reply, 'user-created', {
      pageTitle: 'User added',
      section: 'users',
      user: result.value.user,
      temporaryPassword: result.value.temporaryPassword,
    })
  })

  app.get('/admin/users/:id', { config: { action: 'user:manage' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const user = await admin.getUser(actorOf(request), id)
    return render(reply, 'user', {
      pageTitle: user.displayName,
      section: 'users',
      user,
      saved: savedMessage(request, SAVED),
      self: user.id === actorOf(request).userId,
    })
  })

  async function userPage(
    reply: FastifyReply,
    actor: Actor,
    id: string,
    template: string,
    extra: Record<string, unknown> = {},
  ) {
    const user = await admin.getUser(actor, id)
    return render(reply, template, { section: 'users', user, pageTitle: user.displayName, ...extra })
  }

  const nameForm = form({ displayName: field })
  app.get('/admin/users/:id/name', { config: { action: 'user:manage' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    return userPage(reply, actorOf(request), id, 'user-name')
  })
  app.post('/admin/users/:id/name', { config: { action: 'user:manage' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const body = nameForm.parse(request.body ?? {})
    const result = await attempt(() => admin.updateUser(actorOf(request), id, { displayName: body.displayName ?? '' }))
    if (!result.ok) {
      return userPage(reply.code(400), actorOf(request), id, 'user-name', { errors: result.issues, values: body })
    }
    return reply.redirect(`/admin/users/${id}?saved=name`)
  })

  const rolesForm = form({ roles: fields })
  async function renderRoles(
    reply: FastifyReply,
    actor: Actor,
    id: string,
    extra: { errors?: FieldIssue[]; chosen?: string[] },
  ) {
    const user = await admin.getUser(actor, id)
    return render(reply, 'user-roles', {
      section: 'users',
      user,
      pageTitle: `Roles of ${user.displayName}`,
      allowedRoles: rolesForAgency(user.agencyKind),
      chosen: extra.chosen ?? user.roles,
      errors: extra.errors,
    })
  }
  app.get('/admin/users/:id/roles', { config: { action: 'user:manage' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    return renderRoles(reply, actorOf(request), id, {})
  })
  app.post('/admin/users/:id/roles', { config: { action: 'user:manage' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const body = rolesForm.parse(request.body ?? {})
    const result = await attempt(() => admin.setRoles(actorOf(request), id, { roles: body.roles ?? [] }))
    if (!result.ok) {
      return renderRoles(reply.code(400), actorOf(request), id, { errors: result.issues, chosen: body.roles ?? [] })
    }
    return reply.redirect(`/admin/users/${id}?saved=roles`)
  })

  const teamsForm = form({ teamIds: fields })
  async function renderTeams(
    reply: FastifyReply,
    actor: Actor,
    id: string,
    extra: { errors?: FieldIssue[]; chosen?: string[] },
  ) {
    const user = await admin.getUser(actor, id)
    return render(reply, 'user-teams', {
      section: 'users',
      user,
      pageTitle: `Teams of ${user.displayName}`,
      teams: await admin.teamOptions(actor, user.agencyId),
      chosen: extra.chosen ?? user.teams.map((t) => t.id),
      errors: extra.errors,
    })
  }
  app.get('/admin/users/:id/teams', { config: { action: 'user:manage' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    return renderTeams(reply, actorOf(request), id, {})
  })
  app.post('/admin/users/:id/teams', { config: { action: 'user:manage' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const body = teamsForm.parse(request.body ?? {})
    const result = await attempt(() => admin.setTeams(actorOf(request), id, { teamIds: body.teamIds ?? [] }))
    if (!result.ok) {
      return renderTeams(reply.code(400), actorOf(request), id, { errors: result.issues, chosen: body.teamIds ?? [] })
    }
    return reply.redirect(`/admin/users/${id}?saved=teams`)
  })

  const confirmForm = form({})
  app.get('/admin/users/:id/disable', { config: { action: 'user:manage' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    return userPage(reply, actorOf(request), id, 'user-disable')
  })
  app.post('/admin/users/:id/disable', { config: { action: 'user:manage' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    confirmForm.parse(request.body ?? {})
    const result = await attempt(() => admin.disableUser(actorOf(request), id))
    if (!result.ok) return userPage(reply.code(400), actorOf(request), id, 'user-disable', { errors: result.issues })
    return reply.redirect(`/admin/users/${id}?saved=disabled`)
  })
  app.post('/admin/users/:id/enable', { config: { action: 'user:manage' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    confirmForm.parse(request.body ?? {})
    const result = await attempt(() => admin.enableUser(actorOf(request), id))
    if (!result.ok) {
      const user = await admin.getUser(actorOf(request), id)
      return render(reply.code(400), 'user', {
        pageTitle: user.displayName,
        section: 'users',
        user,
        errors: result.issues,
      })
    }
    return reply.redirect(`/admin/users/${id}?saved=enabled`)
  })

  // For a user who has lost both their authenticator and their recovery codes.
  app.post('/admin/users/:id/reset-second-factor', { config: { action: 'user:manage' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    confirmForm.parse(request.body ?? {})
    await mfa.resetForUser(actorOf(request), id)
    return reply.redirect(`/admin/users/${id}?saved=second_factor`)
  })

  // Pages: teams

  app.get('/admin/teams', { config: { action: 'team:manage' } }, async (request, reply) => {
    const actor = actorOf(request)
    const parsed = teamListQuerySchema.safeParse(request.query)
    const query = parsed.success ? parsed.data : {}
    const [teams, agencies] = await Promise.all([admin.listTeams(actor, query), admin.agencyOptions(actor)])
    return render(reply, 'teams', {
      pageTitle: 'Teams',
      section: 'teams',
      teams,
      agencies,
      query,
      saved: savedMessage(request, SAVED),
      filterError: parsed.success ? null : 'Some filters were not recognised and have been cleared',
    })
  })

  const teamForm = form({ agencyId: field, name: field, areas: fields })
  type TeamForm = z.infer<typeof teamForm>
  async function renderTeamForm(
    reply: FastifyReply,
    actor: Actor,
    team: AdminTeam | null,
    values: Partial<TeamForm>,
    issues: FieldIssue[],
  ) {
    return render(reply, 'team-form', {
      pageTitle: team ? `Change ${team.name}` : 'Add a team',
      section: 'teams',
      team,
      values,
      errors: issues.length ? issues : undefined,
      agencies: await admin.agencyOptions(actor),
      areas: await admin.areas(),
    })
  }

  app.get('/admin/teams/new', { config: { action: 'team:manage' } }, async (request, reply) =>
    renderTeamForm(reply, actorOf(request), null, { areas: [] }, []),
  )
  app.post('/admin/teams', { config: { action: 'team:manage' } }, async (request, reply) => {
    const actor = actorOf(request)
    const body = teamForm.parse(request.body ?? {})
    const result = await attempt(() =>
      admin.createTeam(actor, { agencyId: body.agencyId ?? '', name: body.name ?? '', areas: body.areas ?? [] }),
    )
    if (!result.ok) return renderTeamForm(reply.code(400), actor, null, body, result.issues)
    return reply.redirect(`/admin/teams/${result.value.id}?saved=team`)
  })

  app.get('/admin/teams/:id', { config: { action: 'team:manage' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const team = await admin.getTeam(actorOf(request), id)
    return render(reply, 'team', { pageTitle: team.name, section: 'teams', team, saved: savedMessage(request, SAVED) })
  })

  const teamEditForm = form({ name: field, areas: fields })
  app.get('/admin/teams/:id/edit', { config: { action: 'team:manage' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const team = await admin.getTeam(actorOf(request), id)
    return renderTeamForm(reply, actorOf(request), team, { name: team.name, areas: team.areas }, [])
  })
  app.post('/admin/teams/:id/edit', { config: { action: 'team:manage' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const actor = actorOf(request)
    const body = teamEditForm.parse(request.body ?? {})
    const result = await attempt(() => admin.updateTeam(actor, id, { name: body.name ?? '', areas: body.areas ?? [] }))
    if (!result.ok) {
      return renderTeamForm(reply.code(400), actor, await admin.getTeam(actor, id), body, result.issues)
    }
    return reply.redirect(`/admin/teams/${id}?saved=team`)
  })

  const memberForm = form({ userId: field })
  app.post('/admin/teams/:id/members', { config: { action: 'team:manage' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const actor = actorOf(request)
    const body = memberForm.parse(request.body ?? {})
    const result = await attempt(() => admin.addTeamMember(actor, id, body.userId ?? ''))
    if (!result.ok) {
      const team = await admin.getTeam(actor, id)
      return render(reply.code(400), 'team', { pageTitle: team.name, section: 'teams', team, errors: result.issues })
    }
    return reply.redirect(`/admin/teams/${id}?saved=member`)
  })
  app.post('/admin/teams/:id/members/:userId/remove', { config: { action: 'team:manage' } }, async (request, reply) => {
    const { id, userId } = memberParams.parse(request.params)
    confirmForm.parse(request.body ?? {})
    await admin.removeTeamMember(actorOf(request), id, userId)
    return reply.redirect(`/admin/teams/${id}?saved=removed`)
  })

  app.get('/admin/teams/:id/delete', { config: { action: 'team:manage' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const team = await admin.getTeam(actorOf(request), id)
    return render(reply, 'team-delete', { pageTitle: `Delete ${team.name}`, section: 'teams', team })
  })
  app.post('/admin/teams/:id/delete', { config: { action: 'team:manage' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const actor = actorOf(request)
    confirmForm.parse(request.body ?? {})
    const result = await attempt(() => admin.deleteTeam(actor, id))
    if (!result.ok) {
      const team = await admin.getTeam(actor, id)
      return render(reply.code(409), 'team-delete', {
        pageTitle: `Delete ${team.name}`,
        section: 'teams',
        team,
        errors: result.issues,
      })
    }
    return reply.redirect('/admin/teams?saved=deleted')
  })

  // Pages: agencies

  app.get('/admin/agencies', { config: { action: 'agency:manage' } }, async (request, reply) => {
    const agencies = await admin.listAgencies(actorOf(request))
    return render(reply, 'agencies', { pageTitle: 'Agencies', section: 'agencies', agencies })
  })

  const agencyForm = form({ code: field, name: field, kind: field })
  type AgencyForm = z.infer<typeof agencyForm>
  const renderAgencyForm = (
    reply: FastifyReply,
    agency: { id: string; name: string } | null,
    values: Partial<AgencyForm>,
    issues: FieldIssue[],
  ) =>
    render(reply, 'agency-form', {
      pageTitle: agency ? `Change ${agency.name}` : 'Add an agency',
      section: 'agencies',
      agency,
      values,
      kinds: AGENCY_KINDS,
      errors: issues.length ? issues : undefined,
    })

  app.get('/admin/agencies/new', { config: { action: 'agency:manage' } }, async (_request, reply) =>
    renderAgencyForm(reply, null, {}, []),
  )
  app.post('/admin/agencies', { config: { action: 'agency:manage' } }, async (request, reply) => {
    const body = agencyForm.parse(request.body ?? {})
    const result = await attempt(() =>
      admin.createAgency(actorOf(request), { code: body.code ?? '', name: body.name ?? '', kind: body.kind ?? '' }),
    )
    if (!result.ok) return renderAgencyForm(reply.code(400), null, body, result.issues)
    return reply.redirect(`/admin/agencies/${result.value.id}?saved=agency`)
  })

  async function renderAgency(reply: FastifyReply, actor: Actor, id: string, extra: Record<string, unknown> = {}) {
    const [agency, all] = await Promise.all([admin.getAgency(actor, id), admin.listAgencies(actor)])
    return render(reply, 'agency', {
      pageTitle: agency.name,
      section: 'agencies',
      agency,
      partners: all.filter((a) => a.id !== id),
      resources: SHAREABLE_RESOURCES,
      ...extra,
    })
  }

  app.get('/admin/agencies/:id', { config: { action: 'agency:manage' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    return renderAgency(reply, actorOf(request), id, { saved: savedMessage(request, SAVED) })
  })

  const agencyNameForm = form({ name: field })
  app.get('/admin/agencies/:id/edit', { config: { action: 'agency:manage' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const agency = await admin.getAgency(actorOf(request), id)
    return renderAgencyForm(reply, agency, { name: agency.name }, [])
  })
  app.post('/admin/agencies/:id/edit', { config: { action: 'agency:manage' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const actor = actorOf(request)
    const body = agencyNameForm.parse(request.body ?? {})
    const result = await attempt(() => admin.renameAgency(actor, id, { name: body.name ?? '' }))
    if (!result.ok) return renderAgencyForm(reply.code(400), await admin.getAgency(actor, id), body, result.issues)
    return reply.redirect(`/admin/agencies/${id}?saved=agency`)
  })

  const shareForm = form({ partnerAgencyId: field, resource: field })
  app.post('/admin/agencies/:id/shares', { config: { action: 'agency:manage' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const actor = actorOf(request)
    const body = shareForm.parse(request.body ?? {})
    const result = await attempt(() =>
      admin.addShare(actor, id, { partnerAgencyId: body.partnerAgencyId ?? '', resource: body.resource ?? '' }),
    )
    if (!result.ok) return renderAgency(reply.code(400), actor, id, { errors: result.issues, values: body })
    return reply.redirect(`/admin/agencies/${id}?saved=share`)
  })
  app.post('/admin/agencies/:id/shares/remove', { config: { action: 'agency:manage' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const body = shareForm.parse(request.body ?? {})
    const share = shareInputSchema.parse({ partnerAgencyId: body.partnerAgencyId, resource: body.resource })
    await admin.removeShare(actorOf(request), id, share)
    return reply.redirect(`/admin/agencies/${id}?saved=unshared`)
  })

  // API: agencies

  api.get(
    '/api/v1/admin/agencies',
    {
      config: { action: 'agency:manage' },
      schema: { summary: 'Every agency', tags: ['admin'], response: { 200: agencyListSchema, ...errors } },
    },
    async (request) => ({ items: (await admin.listAgencies(actorOf(request))).map(apiAgency) }),
  )

  api.post(
    '/api/v1/admin/agencies',
    {
      config: { action: 'agency:manage' },
      schema: {
        summary: 'Add an agency',
        description: 'A code already in use gives 409. The kind decides which roles its staff may hold.',
        tags: ['admin'],
        body: createAgencySchema,
        response: { 201: agencySchema, ...errors },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request)
      const { id } = await admin.createAgency(actor, request.body)
      return reply.code(201).send(apiAgency(await admin.getAgency(actor, id)))
    },
  )

  const agencyDetail = async (actor: Actor, id: string) => {
    const a = await admin.getAgency(actor, id)
    const share = (s: (typeof a.sharesGiven)[number]) => ({ ...s, createdAt: iso(s.createdAt)! })
    return { ...apiAgency(a), sharesGiven: a.sharesGiven.map(share), sharesReceived: a.sharesReceived.map(share) }
  }

  api.get(
    '/api/v1/admin/agencies/:id',
    {
      config: { action: 'agency:manage' },
      schema: {
        summary: 'One agency with its information-sharing agreements',
        tags: ['admin'],
        params: idParams,
        response: { 200: agencyDetailSchema, ...errors },
      },
    },
    async (request) => agencyDetail(actorOf(request), request.params.id),
  )

  api.patch(
    '/api/v1/admin/agencies/:id',
    {
      config: { action: 'agency:manage' },
      schema: {
        summary: 'Rename an agency (its code and kind do not change)',
        tags: ['admin'],
        params: idParams,
        body: updateAgencySchema,
        response: { 200: agencyDetailSchema, ...errors },
      },
    },
    async (request) => {
      await admin.renameAgency(actorOf(request), request.params.id, request.body)
      return agencyDetail(actorOf(request), request.params.id)
    },
  )

  api.post(
    '/api/v1/admin/agencies/:id/shares',
    {
      config: { action: 'agency:manage' },
      schema: {
        summary: 'Add an information-sharing agreement',
        description:
          'Staff of the partner agency see this agency’s records of the resource as if they were their own agency’s, ' +
          'within what their roles allow. An agreement that already exists gives 409.',
        tags: ['admin'],
        params: idParams,
        body: shareInputSchema,
        response: { 201: agencyDetailSchema, ...errors },
      },
    },
    async (request, reply) => {
      await admin.addShare(actorOf(request), request.params.id, request.body)
      return reply.code(201).send(await agencyDetail(actorOf(request), request.params.id))
    },
  )

  api.delete(
    '/api/v1/admin/agencies/:id/shares/:partnerAgencyId/:resource',
    {
      config: { action: 'agency:manage' },
      schema: {
        summary: 'End an information-sharing agreement',
        tags: ['admin'],
        params: shareParams,
        response: { 204: z.null().describe('Ended'), ...errors },
      },
    },
    async (request, reply) => {
      const { id, partnerAgencyId, resource } = request.params
      await admin.removeShare(actorOf(request), id, { partnerAgencyId, resource })
      return reply.code(204).send(null)
    },
  )

  // API: teams

  api.get(
    '/api/v1/admin/teams',
    {
      config: { action: 'team:manage' },
      schema: {
        summary: 'Teams, with their agency, areas and member count',
        tags: ['admin'],
        querystring: teamListQuerySchema,
        response: { 200: teamListSchema, ...errors },
      },
    },
    async (request) => ({ items: (await admin.listTeams(actorOf(request), request.query)).map(apiTeam) }),
  )

  api.post(
    '/api/v1/admin/teams',
    {
      config: { action: 'team:manage' },
      schema: {
        summary: 'Add a team to an agency',
        description: 'A name the agency already uses gives 409.',
        tags: ['admin'],
        body: createTeamSchema,
        response: { 201: teamSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { id } = await admin.createTeam(actorOf(request), request.body)
      return reply.code(201).send(apiTeam(await admin.getTeam(actorOf(request), id)))
    },
  )

  const teamDetail = async (actor: Actor, id: string) => {
    const t = await admin.getTeam(actor, id)
    return { ...apiTeam(t), members: t.members }
  }

  api.get(
    '/api/v1/admin/teams/:id',
    {
      config: { action: 'team:manage' },
      schema: {
        summary: 'One team with its members',
        tags: ['admin'],
        params: idParams,
        response: { 200: teamDetailSchema, ...errors },
      },
    },
    async (request) => teamDetail(actorOf(request), request.params.id),
  )

  api.patch(
    '/api/v1/admin/teams/:id',
    {
      config: { action: 'team:manage' },
      schema: {
        summary: 'Rename a team or replace its areas (its agency does not change)',
        tags: ['admin'],
        params: idParams,
        body: updateTeamSchema,
        response: { 200: teamDetailSchema, ...errors },
      },
    },
    async (request) => {
      await admin.updateTeam(actorOf(request), request.params.id, request.body)
      return teamDetail(actorOf(request), request.params.id)
    },
  )

  api.put(
    '/api/v1/admin/teams/:id/members/:userId',
    {
      config: { action: 'team:manage' },
      schema: {
        summary: 'Add a member to a team; they must work for the team’s agency',
        tags: ['admin'],
        params: memberParams,
        response: { 200: teamDetailSchema, ...errors },
      },
    },
    async (request) => {
      await admin.addTeamMember(actorOf(request), request.params.id, request.params.userId)
      return teamDetail(actorOf(request), request.params.id)
    },
  )

  api.delete(
    '/api/v1/admin/teams/:id/members/:userId',
    {
      config: { action: 'team:manage' },
      schema: {
        summary: 'Remove a member from a team',
        tags: ['admin'],
        params: memberParams,
        response: { 200: teamDetailSchema, ...errors },
      },
    },
    async (request) => {
      await admin.removeTeamMember(actorOf(request), request.params.id, request.params.userId)
      return teamDetail(actorOf(request), request.params.id)
    },
  )

  api.delete(
    '/api/v1/admin/teams/:id',
    {
      config: { action: 'team:manage' },
      schema: {
        summary: 'Delete a team that has no members (409 otherwise)',
        tags: ['admin'],
        params: idParams,
        response: { 204: z.null().describe('Deleted'), ...errors },
      },
    },
    async (request, reply) => {
      await admin.deleteTeam(actorOf(request), request.params.id)
      return reply.code(204).send(null)
    },
  )

  // API: users

  api.get(
    '/api/v1/admin/users',
    {
      config: { action: 'user:manage' },
      schema: {
        summary: 'Users, filtered and a page at a time',
        description: 'Listing users is recorded in the audit trail as a consultation.',
        tags: ['admin'],
        querystring: userListQuerySchema,
        response: { 200: userListSchema, ...errors },
      },
    },
    async (request) => {
      const list = await admin.listUsers(actorOf(request), request.query)
      return {
        total: list.total,
        page: list.page,
        pageSize: list.pageSize,
        pageCount: list.pageCount,
        items: list.items.map(apiUser),
      }
    },
  )

  api.post(
    '/api/v1/admin/users',
    {
      config: { action: 'user:manage' },
      schema: {
        summary: 'Add a user to an agency with roles and a temporary password',
        description:
          'Roles must suit the agency’s kind (police roles in police forces, health IDVAs in NHS organisations). ' +
          'Without a password, one is generated and returned once in `temporaryPassword`. A username in use gives 409.',
        tags: ['admin'],
        body: createUserSchema,
        response: { 201: createdUserSchema, ...errors },
      },
    },
    async (request, reply) => {
      const created = await admin.createUser(actorOf(request), request.body)
      return reply
        .code(201)
        .header('location', `/api/v1/admin/users/${created.user.id}`)
        .send({ user: apiUser(created.user), temporaryPassword: created.temporaryPassword })
    },
  )

  api.get(
    '/api/v1/admin/users/:id',
    {
      config: { action: 'user:manage' },
      schema: { summary: 'One user', tags: ['admin'], params: idParams, response: { 200: userSchema, ...errors } },
    },
    async (request) => apiUser(await admin.getUser(actorOf(request), request.params.id)),
  )

  api.patch(
    '/api/v1/admin/users/:id',
    {
      config: { action: 'user:manage' },
      schema: {
        summary: 'Change a user’s display name (username and agency do not change)',
        tags: ['admin'],
        params: idParams,
        body: updateUserSchema,
        response: { 200: userSchema, ...errors },
      },
    },
    async (request) => apiUser(await admin.updateUser(actorOf(request), request.params.id, request.body)),
  )

  api.put(
    '/api/v1/admin/users/:id/roles',
    {
      config: { action: 'user:manage' },
      schema: {
        summary: 'Replace a user’s roles',
        description:
          'At least one role, each suiting the agency. Removing a role ends the user’s sessions. ' +
          'Administrators cannot remove their own administrator role, nor the last enabled administrator’s.',
        tags: ['admin'],
        params: idParams,
        body: userRolesSchema,
        response: { 200: userSchema, ...errors },
      },
    },
    async (request) => apiUser(await admin.setRoles(actorOf(request), request.params.id, request.body)),
  )

  api.put(
    '/api/v1/admin/users/:id/teams',
    {
      config: { action: 'user:manage' },
      schema: {
        summary: 'Replace a user’s teams (teams of their agency)',
        tags: ['admin'],
        params: idParams,
        body: userTeamsSchema,
        response: { 200: userSchema, ...errors },
      },
    },
    async (request) => apiUser(await admin.setTeams(actorOf(request), request.params.id, request.body)),
  )

  api.post(
    '/api/v1/admin/users/:id/disable',
    {
      config: { action: 'user:manage' },
      schema: {
        summary: 'Disable an account now: its sessions and API tokens are revoked',
        description: 'Administrators cannot disable themselves, nor the last enabled administrator.',
        tags: ['admin'],
        params: idParams,
        response: { 200: userSchema, ...errors },
      },
    },
    async (request) => apiUser(await admin.disableUser(actorOf(request), request.params.id)),
  )

  api.post(
    '/api/v1/admin/users/:id/enable',
    {
      config: { action: 'user:manage' },
      schema: {
        summary: 'Enable a disabled account (revoked API tokens stay revoked)',
        tags: ['admin'],
        params: idParams,
        response: { 200: userSchema, ...errors },
      },
    },
    async (request) => apiUser(await admin.enableUser(actorOf(request), request.params.id)),
  )
}
