import type { FastifyInstance, FastifyReply } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { RouteContext } from '../../server/app.ts'
import { actorOf } from '../../server/http.ts'
import { apiErrors, idParams } from '../../server/api-schemas.ts'
import { attempt, dateField, dateFields, field, fields, form, savedMessage, type FormBody } from '../../server/forms.ts'
import type { Actor } from '../../auth/actor.ts'
import type { FieldIssue } from '../../common/errors.ts'
import {
  baseListSchema,
  baseSchema,
  createBaseSchema,
  createRotationSchema,
  createShiftSchema,
  createVehicleSchema,
  endRotationSchema,
  membersSchema,
  rotationListSchema,
  rotationSchema,
  servedQuerySchema,
  servedSchema,
  shiftListQuerySchema,
  shiftListSchema,
  shiftSchema,
  updateBaseSchema,
  updateShiftSchema,
  updateVehicleSchema,
  vehicleListSchema,
  vehicleSchema,
} from './api-schemas.ts'
import {
  baseFormToInput,
  endRotationFormToInput,
  formIssues,
  membersFormToInput,
  rotationFormToInput,
  shiftFormPath,
  shiftFormToInput,
  shiftFormValues,
  vehicleFormToInput,
  type FormInput,
} from './form.ts'
import { addDays, dayText, SHIFT_PATTERNS, shiftClosedIssue, shiftsByDay, shiftTimesText, ukDate } from './rules.ts'
import type { RotaService, RotaShift } from './service.ts'

const TAGS = ['rota']
const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null)

/** Messages for `?saved=…` after a change. */
const SAVED: Record<string, string> = {
  created: 'Shift added',
  shift: 'Shift changed',
  rota: 'Rota saved',
  cancelled: 'Shift cancelled',
  base: 'Base saved',
  vehicle: 'Vehicle saved',
  rotation: 'Rotation added',
  ended: 'Rotation ended',
}

const shiftForm = form({
  teamId: field,
  ...dateField('date'),
  pattern: field,
  startTime: field,
  endTime: field,
  baseId: field,
  vehicleId: field,
})
const membersForm = form({ officers: fields, idvas: fields })
const baseForm = form({ name: field, area: field, latitude: field, longitude: field, active: field })
const vehicleForm = form({ callSign: field, registration: field, active: field })
const rotationForm = form({ userId: field, homeTeam: field, ...dateField('startsOn'), ...dateField('endsOn') })
const endRotationForm = form(dateField('endsOn'))
const weekQuery = z.strictObject({ from: z.iso.date().optional(), saved: z.string().optional() })

function apiShift(s: RotaShift) {
  return {
    id: s.id,
    teamId: s.teamId,
    teamName: s.teamName,
    agencyId: s.agencyId,
    startsAt: iso(s.startsAt)!,
    endsAt: iso(s.endsAt)!,
    cancelledAt: iso(s.cancelledAt),
    base: {
      id: s.base.id,
      name: s.base.name,
      area: s.base.area,
      latitude: s.base.latitude,
      longitude: s.base.longitude,
    },
    vehicle: s.vehicle,
    members: s.members.map((m) => ({ userId: m.userId, displayName: m.displayName, duty: m.duty })),
    readiness: s.readiness,
  }
}

type BaseRow = Awaited<ReturnType<RotaService['getBase']>>
const apiBase = (b: BaseRow) => ({
  id: b.id,
  agencyId: b.agency_id,
  name: b.name,
  area: b.area,
  latitude: b.latitude,
  longitude: b.longitude,
  active: b.active,
})

type VehicleRow = Awaited<ReturnType<RotaService['getVehicle']>>
const apiVehicle = (v: VehicleRow) => ({
  id: v.id,
  agencyId: v.agency_id,
  callSign: v.call_sign,
  registration: v.registration,
  active: v.active,
})

type RotationRow = Awaited<ReturnType<RotaService['getRotation']>>
const apiRotation = (r: RotationRow) => ({
  id: r.id,
  userId: r.user_id,
  displayName: r.display_name,
  homeTeam: r.home_team,
  startsOn: r.starts_on,
  endsOn: r.ends_on,
})

export function rotaRoutes(app: FastifyInstance, { services, clock }: RouteContext): void {
  const rota: RotaService = services.rota
  const api = app.withTypeProvider<ZodTypeProvider>()

  const render = (reply: FastifyReply, template: string, context: Record<string, unknown>) =>
    reply.render(`deployment/rota/views/${template}.njk`, {
      patterns: SHIFT_PATTERNS,
      dayText,
      shiftTimesText,
      ...context,
    })

  // Pages: shifts

  app.get('/rota', { config: { action: 'rota:view' } }, async (request, reply) => {
    const actor = actorOf(request)
    const parsed = weekQuery.safeParse(request.query)
    const from = parsed.success ? parsed.data.from : undefined
    const { to, shifts, ...week } = await rota.listShifts(actor, { from })
    return render(reply, 'week', {
      pageTitle: 'Rota',
      section: 'shifts',
      from: week.from,
      to,
      days: shiftsByDay(week.from, to, shifts),
      previous: addDays(week.from, -7),
      next: addDays(week.from, 7),
      today: ukDate(clock.now()),
      saved: savedMessage(request, SAVED),
      filterError: parsed.success ? null : 'That date was not recognised, so this week is shown',
    })
  })

  async function renderShiftForm(
    reply: FastifyReply,
    actor: Actor,
    shift: RotaShift | null,
    values: FormBody,
    issues: FieldIssue[],
  ) {
    return render(reply, 'shift-form', {
      pageTitle: shift ? `Change the shift of ${shift.teamName}` : 'Add a shift',
      section: 'shifts',
      shift,
      values,
      errors: issues.length ? issues : undefined,
      ...(await rota.shiftOptions(actor)),
    })
  }

  app.get('/rota/shifts/new', { config: { action: 'rota:manage' } }, async (request, reply) => {
    const parsed = z.object({ date: z.iso.date() }).safeParse(request.query)
    const date = parsed.success ? parsed.data.date : ukDate(clock.now())
    return renderShiftForm(reply, actorOf(request), null, { ...dateFields('date', date), pattern: 'early' }, [])
  })

  app.post('/rota/shifts', { config: { action: 'rota:manage' } }, async (request, reply) => {
    const actor = actorOf(request)
    const body = shiftForm.parse(request.body ?? {})
    const input = shiftFormToInput(body, true)
    const result = await attempt(() => rota.createShift(actor, input.candidate))
    if (!result.ok) return renderShiftForm(reply.code(400), actor, null, body, shiftIssues(input, result.issues, body))
    return reply.redirect(`/rota/shifts/${result.value.id}?saved=created`)
  })

  app.get('/rota/shifts/:id', { config: { action: 'rota:view' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const shift = await rota.getShift(actorOf(request), id)
    return render(reply, 'shift', {
      pageTitle: `${shift.teamName}: shift`,
      section: 'shifts',
      shift,
      day: ukDate(shift.startsAt),
      closed: shiftClosedIssue(shift, clock.now())?.message ?? null,
      saved: savedMessage(request, SAVED),
    })
  })

  app.get('/rota/shifts/:id/edit', { config: { action: 'rota:manage' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const actor = actorOf(request)
    const shift = await rota.shiftToChange(actor, id)
    return renderShiftForm(reply, actor, shift, shiftFormValues(shift), [])
  })

  app.post('/rota/shifts/:id/edit', { config: { action: 'rota:manage' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const actor = actorOf(request)
    const body = shiftForm.omit({ teamId: true }).parse(request.body ?? {})
    const input = shiftFormToInput(body, false)
    const result = await attempt(() => rota.updateShift(actor, id, input.candidate))
    if (!result.ok) {
      const shift = await rota.shiftToChange(actor, id)
      return renderShiftForm(reply.code(400), actor, shift, body, shiftIssues(input, result.issues, body))
    }
    return reply.redirect(`/rota/shifts/${id}?saved=shift`)
  })

  async function renderMembers(
    reply: FastifyReply,
    actor: Actor,
    id: string,
    chosen: string[] | null,
    issues: FieldIssue[],
  ) {
    const options = await rota.rotaOptions(actor, id)
    return render(reply, 'members', {
      pageTitle: `Who is on the shift: ${options.shift.teamName}`,
      section: 'shifts',
      ...options,
      chosen: chosen ?? options.shift.members.map((m) => m.userId),
      errors: issues.length ? issues : undefined,
    })
  }

  app.get('/rota/shifts/:id/members', { config: { action: 'rota:manage' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    return renderMembers(reply, actorOf(request), id, null, [])
  })

  app.post('/rota/shifts/:id/members', { config: { action: 'rota:manage' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const actor = actorOf(request)
    const body = membersForm.parse(request.body ?? {})
    const result = await attempt(() => rota.setMembers(actor, id, membersFormToInput(body)))
    if (!result.ok) {
      const chosen = [...(body.officers ?? []), ...(body.idvas ?? [])]
      return renderMembers(reply.code(400), actor, id, chosen, result.issues)
    }
    return reply.redirect(`/rota/shifts/${id}?saved=rota`)
  })

  async function renderCancel(reply: FastifyReply, actor: Actor, id: string, issues: FieldIssue[]) {
    const shift = await rota.shiftToChange(actor, id)
    return render(reply, 'cancel', {
      pageTitle: `Cancel the shift of ${shift.teamName}`,
      section: 'shifts',
      shift,
      errors: issues.length ? issues : undefined,
    })
  }

  app.get('/rota/shifts/:id/cancel', { config: { action: 'rota:manage' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    return renderCancel(reply, actorOf(request), id, [])
  })

  app.post('/rota/shifts/:id/cancel', { config: { action: 'rota:manage' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    form({}).parse(request.body ?? {})
    const result = await attempt(() => rota.cancelShift(actorOf(request), id))
    if (!result.ok) return renderCancel(reply.code(400), actorOf(request), id, result.issues)
    return reply.redirect(`/rota/shifts/${id}?saved=cancelled`)
  })

  // Pages: bases

  app.get('/rota/bases', { config: { action: 'rota:view' } }, async (request, reply) =>
    render(reply, 'bases', {
      pageTitle: 'Bases',
      section: 'bases',
      bases: await rota.listBases(actorOf(request)),
      saved: savedMessage(request, SAVED),
    }),
  )

  async function renderBaseForm(reply: FastifyReply, base: BaseRow | null, values: FormBody, issues: FieldIssue[]) {
    return render(reply, 'base-form', {
      pageTitle: base ? `Change ${base.name}` : 'Add a base',
      section: 'bases',
      base,
      values,
      areas: await rota.areas(),
      errors: issues.length ? issues : undefined,
    })
  }

  app.get('/rota/bases/new', { config: { action: 'rota:manage' } }, async (_request, reply) =>
    renderBaseForm(reply, null, {}, []),
  )

  app.post('/rota/bases', { config: { action: 'rota:manage' } }, async (request, reply) => {
    const body = baseForm.omit({ active: true }).parse(request.body ?? {})
    const result = await attempt(() => rota.createBase(actorOf(request), baseFormToInput(body, false)))
    if (!result.ok) return renderBaseForm(reply.code(400), null, body, result.issues)
    return reply.redirect('/rota/bases?saved=base')
  })

  app.get('/rota/bases/:id/edit', { config: { action: 'rota:manage' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const base = await rota.getBase(actorOf(request), id)
    const values = {
      name: base.name,
      area: base.area,
      latitude: String(base.latitude),
      longitude: String(base.longitude),
      active: base.active ? 'yes' : 'no',
    }
    return renderBaseForm(reply, base, values, [])
  })

  app.post('/rota/bases/:id/edit', { config: { action: 'rota:manage' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const body = baseForm.parse(request.body ?? {})
    const result = await attempt(() => rota.updateBase(actorOf(request), id, baseFormToInput(body, true)))
    if (!result.ok) {
      return renderBaseForm(reply.code(400), await rota.getBase(actorOf(request), id), body, result.issues)
    }
    return reply.redirect('/rota/bases?saved=base')
  })

  // Pages: vehicles

  app.get('/rota/vehicles', { config: { action: 'rota:view' } }, async (request, reply) =>
    render(reply, 'vehicles', {
      pageTitle: 'Vehicles',
      section: 'vehicles',
      vehicles: await rota.listVehicles(actorOf(request)),
      saved: savedMessage(request, SAVED),
    }),
  )

  const renderVehicleForm = (reply: FastifyReply, vehicle: VehicleRow | null, values: FormBody, issues: FieldIssue[]) =>
    render(reply, 'vehicle-form', {
      pageTitle: vehicle ? `Change ${vehicle.call_sign}` : 'Add a vehicle',
      section: 'vehicles',
      vehicle,
      values,
      errors: issues.length ? issues : undefined,
    })

  app.get('/rota/vehicles/new', { config: { action: 'rota:manage' } }, async (_request, reply) =>
    renderVehicleForm(reply, null, {}, []),
  )

  app.post('/rota/vehicles', { config: { action: 'rota:manage' } }, async (request, reply) => {
    const body = vehicleForm.omit({ active: true }).parse(request.body ?? {})
    const result = await attempt(() => rota.createVehicle(actorOf(request), vehicleFormToInput(body, false)))
    if (!result.ok) return renderVehicleForm(reply.code(400), null, body, result.issues)
    return reply.redirect('/rota/vehicles?saved=vehicle')
  })

  app.get('/rota/vehicles/:id/edit', { config: { action: 'rota:manage' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const vehicle = await rota.getVehicle(actorOf(request), id)
    const values = {
      callSign: vehicle.call_sign,
      registration: vehicle.registration ?? '',
      active: vehicle.active ? 'yes' : 'no',
    }
    return renderVehicleForm(reply, vehicle, values, [])
  })

  app.post('/rota/vehicles/:id/edit', { config: { action: 'rota:manage' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const body = vehicleForm.parse(request.body ?? {})
    const result = await attempt(() => rota.updateVehicle(actorOf(request), id, vehicleFormToInput(body, true)))
    if (!result.ok) {
      return renderVehicleForm(reply.code(400), await rota.getVehicle(actorOf(request), id), body, result.issues)
    }
    return reply.redirect('/rota/vehicles?saved=vehicle')
  })

  // Pages: rotations

  app.get('/rota/rotations', { config: { action: 'rota:view' } }, async (request, reply) => {
    const actor = actorOf(request)
    const [served, rotations] = await Promise.all([rota.served(actor), rota.listRotations(actor)])
    return render(reply, 'rotations', {
      pageTitle: 'Officer rotations',
      section: 'rotations',
      served,
      rotations,
      today: ukDate(clock.now()),
      saved: savedMessage(request, SAVED),
    })
  })

  async function renderRotationForm(reply: FastifyReply, actor: Actor, values: FormBody, issues: FieldIssue[]) {
    return render(reply, 'rotation-form', {
      pageTitle: 'Add a rotation',
      section: 'rotations',
      officers: await rota.rotationOptions(actor),
      values,
      errors: issues.length ? issues : undefined,
    })
  }

  app.get('/rota/rotations/new', { config: { action: 'rota:manage' } }, async (request, reply) =>
    renderRotationForm(reply, actorOf(request), dateFields('startsOn', ukDate(clock.now())), []),
  )

  app.post('/rota/rotations', { config: { action: 'rota:manage' } }, async (request, reply) => {
    const actor = actorOf(request)
    const body = rotationForm.parse(request.body ?? {})
    const input = rotationFormToInput(body)
    const result = await attempt(() => rota.createRotation(actor, input.candidate))
    if (!result.ok) return renderRotationForm(reply.code(400), actor, body, formIssues(input, result.issues))
    return reply.redirect('/rota/rotations?saved=rotation')
  })

  async function renderEndRotation(
    reply: FastifyReply,
    actor: Actor,
    id: string,
    values: FormBody,
    issues: FieldIssue[],
  ) {
    const rotation = await rota.getRotation(actor, id)
    return render(reply, 'rotation-end', {
      pageTitle: `End the rotation of ${rotation.display_name}`,
      section: 'rotations',
      rotation,
      values,
      errors: issues.length ? issues : undefined,
    })
  }

  app.get('/rota/rotations/:id/end', { config: { action: 'rota:manage' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    return renderEndRotation(reply, actorOf(request), id, dateFields('endsOn', ukDate(clock.now())), [])
  })

  app.post('/rota/rotations/:id/end', { config: { action: 'rota:manage' } }, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const actor = actorOf(request)
    const body = endRotationForm.parse(request.body ?? {})
    const input = endRotationFormToInput(body)
    const result = await attempt(() => rota.endRotation(actor, id, input.candidate))
    if (!result.ok) return renderEndRotation(reply.code(400), actor, id, body, formIssues(input, result.issues))
    return reply.redirect('/rota/rotations?saved=ended')
  })

  // API: shifts

  api.get(
    '/api/v1/rota/shifts',
    {
      config: { action: 'rota:view' },
      schema: {
        summary: 'Shifts starting on a range of UK days, with who is on them and what each still needs',
        description: 'By default today and the next six days. Only shifts your scope reaches are listed.',
        tags: TAGS,
        querystring: shiftListQuerySchema,
        response: { 200: shiftListSchema, ...apiErrors },
      },
    },
    async (request) => {
      const list = await rota.listShifts(actorOf(request), request.query)
      return { from: list.from, to: list.to, items: list.shifts.map(apiShift) }
    },
  )

  api.post(
    '/api/v1/rota/shifts',
    {
      config: { action: 'rota:manage' },
      schema: {
        summary: 'Add a shift for one of your agency’s teams',
        description:
          'Between 1 and 12 hours long, not already over; the standard shifts are 07:00–15:00 and 14:00–22:00 UK time. ' +
          'The base must be in use; the vehicle, if any, must not be out with another shift at the same time.',
        tags: TAGS,
        body: createShiftSchema,
        response: { 201: shiftSchema, ...apiErrors },
      },
    },
    async (request, reply) => {
      const shift = await rota.createShift(actorOf(request), request.body)
      return reply.code(201).header('location', `/api/v1/rota/shifts/${shift.id}`).send(apiShift(shift))
    },
  )

  api.get(
    '/api/v1/rota/shifts/:id',
    {
      config: { action: 'rota:view' },
      schema: {
        summary: 'One shift',
        description: 'Opening a shift is recorded in the audit trail as a consultation.',
        tags: TAGS,
        params: idParams,
        response: { 200: shiftSchema, ...apiErrors },
      },
    },
    async (request) => apiShift(await rota.getShift(actorOf(request), request.params.id)),
  )

  api.patch(
    '/api/v1/rota/shifts/:id',
    {
      config: { action: 'rota:manage' },
      schema: {
        summary: 'Change a shift’s times, base or vehicle (its team does not change)',
        description:
          'New times are checked again against everyone on the shift. Ended and cancelled shifts do not change.',
        tags: TAGS,
        params: idParams,
        body: updateShiftSchema,
        response: { 200: shiftSchema, ...apiErrors },
      },
    },
    async (request) => apiShift(await rota.updateShift(actorOf(request), request.params.id, request.body)),
  )

  api.put(
    '/api/v1/rota/shifts/:id/members',
    {
      config: { action: 'rota:manage' },
      schema: {
        summary: 'Replace who is on a shift, and as what',
        description:
          'An officer needs the Op Provide officer or Response officer role in the team’s force; an IDVA the Health IDVA ' +
          'role at an agency the team’s agency shares incidents with. Nobody may be on two shifts that overlap. ' +
          'A rota without an officer or an IDVA is saved; `readiness` says what the shift still needs.',
        tags: TAGS,
        params: idParams,
        body: membersSchema,
        response: { 200: shiftSchema, ...apiErrors },
      },
    },
    async (request) => apiShift(await rota.setMembers(actorOf(request), request.params.id, request.body)),
  )

  api.post(
    '/api/v1/rota/shifts/:id/cancel',
    {
      config: { action: 'rota:manage' },
      schema: {
        summary: 'Cancel a shift that has not ended and has no planned visits',
        tags: TAGS,
        params: idParams,
        response: { 200: shiftSchema, ...apiErrors },
      },
    },
    async (request) => apiShift(await rota.cancelShift(actorOf(request), request.params.id)),
  )

  // API: bases

  api.get(
    '/api/v1/rota/bases',
    {
      config: { action: 'rota:view' },
      schema: { summary: 'Bases shifts start and end at', tags: TAGS, response: { 200: baseListSchema, ...apiErrors } },
    },
    async (request) => ({ items: (await rota.listBases(actorOf(request))).map(apiBase) }),
  )

  api.post(
    '/api/v1/rota/bases',
    {
      config: { action: 'rota:manage' },
      schema: {
        summary: 'Add a base for your agency',
        description: 'Coordinates must lie in the UK; the area must be one of the installation’s areas.',
        tags: TAGS,
        body: createBaseSchema,
        response: { 201: baseSchema, ...apiErrors },
      },
    },
    async (request, reply) => reply.code(201).send(apiBase(await rota.createBase(actorOf(request), request.body))),
  )

  api.patch(
    '/api/v1/rota/bases/:id',
    {
      config: { action: 'rota:manage' },
      schema: {
        summary: 'Change a base, or take it out of use',
        tags: TAGS,
        params: idParams,
        body: updateBaseSchema,
        response: { 200: baseSchema, ...apiErrors },
      },
    },
    async (request) => apiBase(await rota.updateBase(actorOf(request), request.params.id, request.body)),
  )

  // API: vehicles

  api.get(
    '/api/v1/rota/vehicles',
    {
      config: { action: 'rota:view' },
      schema: { summary: 'Vehicles', tags: TAGS, response: { 200: vehicleListSchema, ...apiErrors } },
    },
    async (request) => ({ items: (await rota.listVehicles(actorOf(request))).map(apiVehicle) }),
  )

  api.post(
    '/api/v1/rota/vehicles',
    {
      config: { action: 'rota:manage' },
      schema: {
        summary: 'Add a vehicle for your agency',
        tags: TAGS,
        body: createVehicleSchema,
        response: { 201: vehicleSchema, ...apiErrors },
      },
    },
    async (request, reply) =>
      reply.code(201).send(apiVehicle(await rota.createVehicle(actorOf(request), request.body))),
  )

  api.patch(
    '/api/v1/rota/vehicles/:id',
    {
      config: { action: 'rota:manage' },
      schema: {
        summary: 'Change a vehicle, or take it out of service',
        tags: TAGS,
        params: idParams,
        body: updateVehicleSchema,
        response: { 200: vehicleSchema, ...apiErrors },
      },
    },
    async (request) => apiVehicle(await rota.updateVehicle(actorOf(request), request.params.id, request.body)),
  )

  // API: rotations

  api.get(
    '/api/v1/rota/rotations',
    {
      config: { action: 'rota:view' },
      schema: {
        summary: 'Officers’ rotations in from response teams, newest first',
        tags: TAGS,
        response: { 200: rotationListSchema, ...apiErrors },
      },
    },
    async (request) => ({ items: (await rota.listRotations(actorOf(request))).map(apiRotation) }),
  )

  api.post(
    '/api/v1/rota/rotations',
    {
      config: { action: 'rota:manage' },
      schema: {
        summary: 'Record a police officer’s rotation with the programme',
        description: 'An officer’s rotations may not overlap.',
        tags: TAGS,
        body: createRotationSchema,
        response: { 201: rotationSchema, ...apiErrors },
      },
    },
    async (request, reply) =>
      reply.code(201).send(apiRotation(await rota.createRotation(actorOf(request), request.body))),
  )

  api.post(
    '/api/v1/rota/rotations/:id/end',
    {
      config: { action: 'rota:manage' },
      schema: {
        summary: 'End an open rotation on a date',
        tags: TAGS,
        params: idParams,
        body: endRotationSchema,
        response: { 200: rotationSchema, ...apiErrors },
      },
    },
    async (request) => apiRotation(await rota.endRotation(actorOf(request), request.params.id, request.body)),
  )

  api.get(
    '/api/v1/rota/served',
    {
      config: { action: 'rota:view' },
      schema: {
        summary: 'How many officers have served with the programme, with counts by month',
        description: 'Distinct officers with a rotation, or a shift on the rota as officer, that started by `asOf`.',
        tags: TAGS,
        querystring: servedQuerySchema,
        response: { 200: servedSchema, ...apiErrors },
      },
    },
    async (request) => rota.served(actorOf(request), request.query),
  )
}

/** A shift form's issues: the form's own, then the service's at the form's fields. */
function shiftIssues(input: FormInput, issues: FieldIssue[], body: FormBody): FieldIssue[] {
  return formIssues(input, issues, (path) => shiftFormPath(path, body))
}
