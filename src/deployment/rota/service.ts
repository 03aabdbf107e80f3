import type { Database, Queryable } from '../../db/database.ts'
import type { Clock } from '../../common/clock.ts'
import { authorId, type Actor } from '../../auth/actor.ts'
import type { Role } from '../../auth/roles.ts'
import type { AccessService } from '../../access/service.ts'
import { reaches, type RecordFacts, type ScopeFilter } from '../../access/rules.ts'
import type { Action } from '../../access/policy.ts'
import { recordAudit } from '../../audit/audit.ts'
import { NotFoundError, OutOfScopeError, ValidationError, type FieldIssue, parseInput } from '../../common/errors.ts'
import { ukDateRange } from '../../common/uk-time.ts'
import { activeAreas } from '../../admin/repository.ts'
import {
  createBaseSchema,
  createRotationSchema,
  createShiftSchema,
  createVehicleSchema,
  endRotationSchema,
  membersSchema,
  servedQuerySchema,
  shiftListQuerySchema,
  updateBaseSchema,
  updateShiftSchema,
  updateVehicleSchema,
} from './api-schemas.ts'
import {
  addDays,
  baseIssues,
  cancelIssues,
  coordinateIssues,
  daysBetween,
  DUTY_ROLES,
  endRotationIssues,
  MAX_LIST_DAYS,
  rotaIssues,
  rotationIssues,
  servedOfficers,
  shiftClosedIssue,
  shiftReadiness,
  shiftTimeIssues,
  ukDate,
  vehicleIssues,
  type OtherShift,
  type PersonFacts,
  type RotaEntry,
  type ServicePeriod,
} from './rules.ts'
import * as repo from './repository.ts'
import type { ShiftRecord } from './repository.ts'

export type RotaShift = ShiftRecord & { readiness: string[] }

function fail(issues: FieldIssue[]): void {
  if (issues.length > 0) throw new ValidationError(issues)
}

/** Reference data (bases, vehicles, rotations) of the agencies a scope reaches: null for every agency. */
function agenciesOf(filter: ScopeFilter): string[] | null {
  if (filter.kind === 'all') return null
  return filter.kind === 'own' ? [] : filter.agencyIds
}

const withReadiness = (s: ShiftRecord): RotaShift => ({ ...s, readiness: shiftReadiness(s) })

const toOther = (r: { id: string; team_name: string; starts_at: Date; ends_at: Date }): OtherShift => ({
  id: r.id,
  teamName: r.team_name,
  startsAt: r.starts_at,
  endsAt: r.ends_at,
})

const OFFICER_AND_IDVA_ROLES: Role[] = [...DUTY_ROLES.officer, ...DUTY_ROLES.idva]

/**
 * The rota: shifts (times, base, vehicle), who is on them as officer or IDVA, the bases and
 * vehicles, and officers' rotations in from response teams. Lists are filtered in SQL by the
 * actor's `rota:view` scope; each change is checked against `rota:manage` and written with its
 * audit row in one transaction, under one lock so overlapping bookings cannot slip in side by side.
 */
export class RotaService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly access: AccessService,
  ) {}

  // Shifts

  /** Shifts starting on UK days [from, to]: by default today and the next six days. */
  async listShifts(actor: Actor, query: unknown = {}): Promise<{ from: string; to: string; shifts: RotaShift[] }> {
    const q = parseInput(shiftListQuerySchema, query)
    const from = q.from ?? ukDate(this.clock.now())
    const to = q.to ?? addDays(from, 6)
    if (to < from) throw new ValidationError([{ path: 'to', message: 'The last day must be on or after the first' }])
    if (daysBetween(from, to) >= MAX_LIST_DAYS) {
      throw new ValidationError([{ path: 'to', message: `List at most ${MAX_LIST_DAYS} days at a time` }])
    }
    const { start, end } = ukDateRange(from, to)
    const scope = await this.access.filter(actor, 'rota:view')
    const shifts = await repo.loadShifts(this.db, { start, end, scope })
    return { from, to, shifts: shifts.map(withReadiness) }
  }

  /** One shift, as the week view and the planner see it. Opening it is audited as a consultation. */
  async getShift(actor: Actor, id: string): Promise<RotaShift> {
    return this.readShift(actor, 'rota:view', id, 'shift')
  }

  /** A shift for its change forms (edit, rota, cancel): for those who manage the rota. */
  async shiftToChange(actor: Actor, id: string): Promise<RotaShift> {
    return this.readShift(actor, 'rota:manage', id, 'shift_change')
  }

  private async readShift(actor: Actor, action: Action, id: string, view: string): Promise<RotaShift> {
    const { via } = await this.access.check(actor, action, 'shift', id)
    const shift = await repo.getShift(this.db, id)
    if (!shift) throw new NotFoundError('No shift with that id')
    await recordAudit(this.db, actor, this.clock.now(), {
      action: 'consult',
      recordType: 'shift',
      recordId: id,
      fields: ['team', 'starts_at', 'ends_at', 'base', 'vehicle', 'members'],
      details: via === 'break_glass' ? { view, breakGlass: true } : { view },
    })
    return withReadiness(shift)
  }

  /** The teams, bases and vehicles of the actor's agency a new or changed shift may use. */
  async shiftOptions(actor: Actor) {
    await this.access.filter(actor, 'rota:manage')
    const [teams, bases, vehicles] = await Promise.all([
      repo.teamsOfAgency(this.db, actor.agencyId),
      repo.listBases(this.db, [actor.agencyId]),
      repo.listVehicles(this.db, [actor.agencyId]),
    ])
    return { teams, bases: bases.filter((b) => b.active), vehicles: vehicles.filter((v) => v.active) }
  }

  async createShift(actor: Actor, candidate: unknown): Promise<RotaShift> {
    await this.access.filter(actor, 'rota:manage')
    const input = parseInput(createShiftSchema, candidate)
    const now = this.clock.now()
    const times = { startsAt: new Date(input.startsAt), endsAt: new Date(input.endsAt) }
    const id = await this.db.transaction().execute(async (trx) => {
      await repo.lockRota(trx)
      const team = await repo.findTeam(trx, input.teamId)
      // Keep it simple: supervisors set up shifts for their own agency's teams.
      if (!team || team.agency_id !== actor.agencyId) {
        throw new ValidationError([{ path: 'teamId', message: 'Choose one of your agency’s teams' }])
      }
      const vehicleId = input.vehicleId ?? null
      fail([
        ...shiftTimeIssues(times, now),
        ...(await this.placeIssues(trx, { id: null, ...times }, team.agency_id, input.baseId, vehicleId)),
      ])
      const id = await repo.insertShift(trx, {
        teamId: team.id,
        ...times,
        baseId: input.baseId,
        vehicleId,
        createdBy: authorId(actor),
        now,
      })
      await recordAudit(trx, actor, now, {
        action: 'collect',
        recordType: 'shift',
        recordId: id,
        fields: ['team_id', 'starts_at', 'ends_at', 'base_id', ...(vehicleId ? ['vehicle_id'] : [])],
      })
      return id
    })
    return this.written(id)
  }

  /** Changes a shift's times, base or vehicle; the people on it are checked again against the new times. */
  async updateShift(actor: Actor, id: string, candidate: unknown): Promise<RotaShift> {
    const input = parseInput(updateShiftSchema, candidate)
    const now = this.clock.now()
    await this.db.transaction().execute(async (trx) => {
      const shift = await this.openShift(trx, actor, id, now)
      const next = {
        startsAt: input.startsAt ? new Date(input.startsAt) : shift.startsAt,
        endsAt: input.endsAt ? new Date(input.endsAt) : shift.endsAt,
        baseId: input.baseId ?? shift.base.id,
        vehicleId: input.vehicleId === undefined ? (shift.vehicle?.id ?? null) : input.vehicleId,
      }
      const fields = [
        ...(next.startsAt.getTime() !== shift.startsAt.getTime() ? ['starts_at'] : []),
        ...(next.endsAt.getTime() !== shift.endsAt.getTime() ? ['ends_at'] : []),
        ...(next.baseId !== shift.base.id ? ['base_id'] : []),
        ...(next.vehicleId !== (shift.vehicle?.id ?? null) ? ['vehicle_id'] : []),
      ]
      if (fields.length === 0) return
      const timesChanged = fields.includes('starts_at') || fields.includes('ends_at')
      fail([
        ...(timesChanged ? shiftTimeIssues(next, now) : []),
        // An unchanged base or vehicle that has since gone out of use may stay on the shift.
        ...(await this.placeIssues(
          trx,
          { id, ...next },
          shift.agencyId,
          fields.includes('base_id') ? next.baseId : null,
          fields.includes('vehicle_id') || timesChanged ? next.vehicleId : null,
          { keepInactive: !fields.includes('vehicle_id') },
        )),
        ...(timesChanged ? await this.memberIssues(trx, { ...shift, ...next }, shift.members) : []),
      ])
      await repo.updateShift(trx, id, next)
      await recordAudit(trx, actor, now, { action: 'alter', recordType: 'shift', recordId: id, fields })
    })
    return this.written(id)
  }

  async cancelShift(actor: Actor, id: string): Promise<RotaShift> {
    const now = this.clock.now()
    await this.db.transaction().execute(async (trx) => {
      await this.openShift(trx, actor, id, now)
      fail(cancelIssues(await repo.plannedVisitCount(trx, id)))
      await repo.cancelShift(trx, id, now)
      await recordAudit(trx, actor, now, {
        action: 'alter',
        recordType: 'shift',
        recordId: id,
        fields: ['cancelled_at'],
      })
    })
    return this.written(id)
  }

  /** The people who could be put on a shift's rota, with the shift. */
  async rotaOptions(actor: Actor, id: string) {
    const shift = await this.shiftToChange(actor, id)
    const candidates = await repo.rotaCandidates(this.db, shift.agencyId, OFFICER_AND_IDVA_ROLES)
    // Officers come from the team's own force; IDVAs from it or a trust it shares incidents with.
    const byRole = (duty: 'officer' | 'idva') =>
      candidates
        .filter((c) => DUTY_ROLES[duty].some((r) => (c.roles as Role[]).includes(r)))
        .filter((c) => duty === 'idva' || c.relation === 'team')
        .map((c) => ({ id: c.id, displayName: c.display_name, username: c.username }))
    // People already on the shift stay listed, so they can be taken off even if no longer eligible.
    const onShift = (duty: 'officer' | 'idva') =>
      shift.members
        .filter((m) => m.duty === duty && !candidates.some((c) => c.id === m.userId))
        .map((m) => ({ id: m.userId, displayName: m.displayName, username: null }))
    return {
      shift,
      officers: [...byRole('officer'), ...onShift('officer')],
      idvas: [...byRole('idva'), ...onShift('idva')],
    }
  }

  /**
   * Replaces who is on a shift and as what. Duties must fit roles and nobody may be on two shifts
   * at once; a rota still missing an officer or an IDVA is saved, and its readiness says so.
   */
  async setMembers(actor: Actor, id: string, candidate: unknown): Promise<RotaShift> {
    const entries = parseInput(membersSchema, candidate).members
    const now = this.clock.now()
    await this.db.transaction().execute(async (trx) => {
      const shift = await this.openShift(trx, actor, id, now)
      fail(await this.memberIssues(trx, shift, entries))
      const before = new Map(shift.members.map((m) => [m.userId, m.duty]))
      const after = new Map(entries.map((e) => [e.userId, e.duty]))
      const added = entries.filter((e) => before.get(e.userId) !== e.duty)
      const removed = shift.members.filter((m) => after.get(m.userId) !== m.duty).map((m) => m.userId)
      if (added.length === 0 && removed.length === 0) return
      await repo.replaceMembers(trx, id, entries)
      await recordAudit(trx, actor, now, {
        action: 'alter',
        recordType: 'shift',
        recordId: id,
        fields: ['members'],
        details: { added, removed },
      })
    })
    return this.written(id)
  }

  /** A shift as the actor who just changed it left it: what they wrote, so not audited as a consultation. */
  private async written(id: string): Promise<RotaShift> {
    return withReadiness((await repo.getShift(this.db, id))!)
  }

  /** A shift the actor may change, still open to change; under the rota lock. */
  private async openShift(trx: Queryable, actor: Actor, id: string, now: Date): Promise<ShiftRecord> {
    await this.access.check(actor, 'rota:manage', 'shift', id, trx)
    await repo.lockRota(trx)
    const shift = await repo.getShift(trx, id)
    if (!shift) throw new NotFoundError('No shift with that id')
    fail([shiftClosedIssue(shift, now)].filter((i) => i !== null))
    return shift
  }

  /** The base and vehicle of a shift: null skips the check (unchanged on an edit). */
  private async placeIssues(
    trx: Queryable,
    shift: { id: string | null; startsAt: Date; endsAt: Date },
    teamAgencyId: string,
    baseId: string | null,
    vehicleId: string | null,
    opts: { keepInactive?: boolean } = {},
  ): Promise<FieldIssue[]> {
    const issues: FieldIssue[] = []
    if (baseId !== null) {
      const base = await repo.findBase(trx, baseId)
      issues.push(
        ...baseIssues(base && { name: base.name, agencyId: base.agency_id, active: base.active }, teamAgencyId),
      )
    }
    if (vehicleId !== null) {
      const [vehicle, shifts] = await Promise.all([
        repo.findVehicle(trx, vehicleId),
        repo.overlappingVehicleShifts(trx, vehicleId, shift.startsAt, shift.endsAt),
      ])
      issues.push(
        ...vehicleIssues(
          shift,
          teamAgencyId,
          vehicle && {
            callSign: vehicle.call_sign,
            agencyId: vehicle.agency_id,
            active: vehicle.active || opts.keepInactive === true,
            shifts: shifts.map(toOther),
          },
        ),
      )
    }
    return issues
  }

  private async memberIssues(
    trx: Queryable,
    shift: { id: string; agencyId: string; startsAt: Date; endsAt: Date },
    entries: readonly RotaEntry[],
  ): Promise<FieldIssue[]> {
    const ids = [...new Set(entries.map((e) => e.userId))]
    const [rows, busy, agency] = await Promise.all([
      repo.peopleByIds(trx, ids, shift.agencyId),
      repo.overlappingMemberShifts(trx, ids, shift.startsAt, shift.endsAt),
      trx.selectFrom('agency').select('name').where('id', '=', shift.agencyId).executeTakeFirstOrThrow(),
    ])
    const people = new Map<string, PersonFacts>(
      rows.map((r) => [
        r.id,
        {
          displayName: r.display_name,
          agencyKind: r.agency_kind,
          roles: r.roles as Role[],
          disabled: r.disabled_at !== null,
          agency: r.relation,
          shifts: busy.filter((b) => b.user_id === r.id).map(toOther),
        },
      ]),
    )
    return rotaIssues({ ...shift, teamAgencyName: agency.name }, entries, people)
  }

  // Bases

  async listBases(actor: Actor) {
    const filter = await this.access.filter(actor, 'rota:view')
    return repo.listBases(this.db, agenciesOf(filter))
  }

  async getBase(actor: Actor, id: string, db: Queryable = this.db) {
    const base = await repo.findBase(db, id)
    if (!base) throw new NotFoundError('No base with that id')
    await this.requireManage(db, actor, 'deployment_base', id, {
      ownerAgencyId: base.agency_id,
      createdBy: null,
      area: base.area,
    })
    return base
  }

  areas(): Promise<string[]> {
    return activeAreas(this.db)
  }

  async createBase(actor: Actor, candidate: unknown) {
    await this.access.filter(actor, 'rota:manage')
    const input = parseInput(createBaseSchema, candidate)
    const now = this.clock.now()
    return this.db.transaction().execute(async (trx) => {
      await repo.lockRota(trx)
      fail(await this.baseFieldIssues(trx, actor.agencyId, input, null))
      const id = await repo.insertBase(trx, { ...input, agencyId: actor.agencyId, now })
      await recordAudit(trx, actor, now, {
        action: 'collect',
        recordType: 'deployment_base',
        recordId: id,
        fields: ['name', 'area', 'latitude', 'longitude'],
      })
      return (await repo.findBase(trx, id))!
    })
  }

  async updateBase(actor: Actor, id: string, candidate: unknown) {
    const input = parseInput(updateBaseSchema, candidate)
    const now = this.clock.now()
    return this.db.transaction().execute(async (trx) => {
      await repo.lockRota(trx)
      const base = await this.getBase(actor, id, trx)
      const next = {
        name: input.name ?? base.name,
        area: input.area ?? base.area,
        latitude: input.latitude ?? base.latitude,
        longitude: input.longitude ?? base.longitude,
        active: input.active ?? base.active,
      }
      const fields = (['name', 'area', 'latitude', 'longitude', 'active'] as const).filter((f) => next[f] !== base[f])
      if (fields.length === 0) return base
      fail(await this.baseFieldIssues(trx, base.agency_id, next, id))
      await repo.updateBase(trx, id, next)
      await recordAudit(trx, actor, now, { action: 'alter', recordType: 'deployment_base', recordId: id, fields })
      return { ...base, ...next }
    })
  }

  private async baseFieldIssues(
    trx: Queryable,
    agencyId: string,
    b: { name: string; area: string; latitude: number; longitude: number },
    exceptId: string | null,
  ): Promise<FieldIssue[]> {
    const issues = coordinateIssues(b.latitude, b.longitude)
    if (!(await repo.areaExists(trx, b.area)))
      issues.push({ path: 'area', message: `${b.area} is not an area in Provide` })
    if (await repo.baseNameTaken(trx, agencyId, b.name, exceptId ?? undefined)) {
      issues.push({ path: 'name', message: `Your agency already has a base called ${b.name}` })
    }
    return issues
  }

  // Vehicles

  async listVehicles(actor: Actor) {
    const filter = await this.access.filter(actor, 'rota:view')
    return repo.listVehicles(this.db, agenciesOf(filter))
  }

  async getVehicle(actor: Actor, id: string, db: Queryable = this.db) {
    const vehicle = await repo.findVehicle(db, id)
    if (!vehicle) throw new NotFoundError('No vehicle with that id')
    await this.requireManage(db, actor, 'vehicle', id, {
      ownerAgencyId: vehicle.agency_id,
      createdBy: null,
      area: null,
    })
    return vehicle
  }

  async createVehicle(actor: Actor, candidate: unknown) {
    await this.access.filter(actor, 'rota:manage')
    const input = parseInput(createVehicleSchema, candidate)
    const now = this.clock.now()
    return this.db.transaction().execute(async (trx) => {
      await repo.lockRota(trx)
      if (await repo.callSignTaken(trx, actor.agencyId, input.callSign)) {
        throw new ValidationError([
          { path: 'callSign', message: `Your agency already has a vehicle with call sign ${input.callSign}` },
        ])
      }
      const registration = input.registration ?? null
      const id = await repo.insertVehicle(trx, {
        callSign: input.callSign,
        registration,
        agencyId: actor.agencyId,
        now,
      })
      await recordAudit(trx, actor, now, {
        action: 'collect',
        recordType: 'vehicle',
        recordId: id,
        fields: ['call_sign', ...(registration ? ['registration'] : [])],
      })
      return (await repo.findVehicle(trx, id))!
    })
  }

  async updateVehicle(actor: Actor, id: string, candidate: unknown) {
    const input = parseInput(updateVehicleSchema, candidate)
    const now = this.clock.now()
    return this.db.transaction().execute(async (trx) => {
      await repo.lockRota(trx)
      const vehicle = await this.getVehicle(actor, id, trx)
      const next = {
        callSign: input.callSign ?? vehicle.call_sign,
        registration: input.registration === undefined ? vehicle.registration : input.registration,
        active: input.active ?? vehicle.active,
      }
      const fields = [
        ...(next.callSign !== vehicle.call_sign ? ['call_sign'] : []),
        ...(next.registration !== vehicle.registration ? ['registration'] : []),
        ...(next.active !== vehicle.active ? ['active'] : []),
      ]
      if (fields.length === 0) return vehicle
      if (fields.includes('call_sign') && (await repo.callSignTaken(trx, vehicle.agency_id, next.callSign, id))) {
        throw new ValidationError([
          { path: 'callSign', message: `Your agency already has a vehicle with call sign ${next.callSign}` },
        ])
      }
      await repo.updateVehicle(trx, id, next)
      await recordAudit(trx, actor, now, { action: 'alter', recordType: 'vehicle', recordId: id, fields })
      return { ...vehicle, call_sign: next.callSign, registration: next.registration, active: next.active }
    })
  }

  // Rotations

  async listRotations(actor: Actor) {
    const filter = await this.access.filter(actor, 'rota:view')
    return repo.listRotations(this.db, agenciesOf(filter))
  }

  /** Police officers of the actor's agency, for the rotation form. */
  async rotationOptions(actor: Actor) {
    await this.access.filter(actor, 'rota:manage')
    return repo.officersOfAgency(this.db, actor.agencyId, DUTY_ROLES.officer)
  }

  async getRotation(actor: Actor, id: string, db: Queryable = this.db) {
    const rotation = await repo.findRotation(db, id)
    if (!rotation) throw new NotFoundError('No rotation with that id')
    await this.requireManage(db, actor, 'rotation', id, {
      ownerAgencyId: rotation.agency_id,
      createdBy: rotation.created_by,
      area: null,
    })
    return rotation
  }

  /** A police officer's period with the programme; overlapping rotations for one officer are refused. */
  async createRotation(actor: Actor, candidate: unknown) {
    await this.access.filter(actor, 'rota:manage')
    const input = parseInput(createRotationSchema, candidate)
    const now = this.clock.now()
    const dates = { startsOn: input.startsOn, endsOn: input.endsOn ?? null }
    return this.db.transaction().execute(async (trx) => {
      await repo.lockRota(trx)
      const [person] = await repo.peopleByIds(trx, [input.userId], actor.agencyId)
      const others = await repo.rotationsOfUser(trx, input.userId)
      fail(
        rotationIssues(
          dates,
          person && person.relation === 'team'
            ? { displayName: person.display_name, roles: person.roles as Role[], agencyKind: person.agency_kind }
            : undefined,
          others.map((o) => ({ startsOn: o.starts_on, endsOn: o.ends_on, homeTeam: o.home_team })),
        ),
      )
      const id = await repo.insertRotation(trx, {
        userId: input.userId,
        homeTeam: input.homeTeam,
        ...dates,
        createdBy: authorId(actor),
        now,
      })
      await recordAudit(trx, actor, now, {
        action: 'collect',
        recordType: 'rotation',
        recordId: id,
        fields: ['user_id', 'home_team', 'starts_on', ...(dates.endsOn ? ['ends_on'] : [])],
      })
      return (await repo.findRotation(trx, id))!
    })
  }

  async endRotation(actor: Actor, id: string, candidate: unknown) {
    const { endsOn } = parseInput(endRotationSchema, candidate)
    const now = this.clock.now()
    return this.db.transaction().execute(async (trx) => {
      await repo.lockRota(trx)
      const rotation = await this.getRotation(actor, id, trx)
      fail(endRotationIssues({ startsOn: rotation.starts_on, endsOn: rotation.ends_on }, endsOn))
      await repo.endRotation(trx, id, endsOn)
      await recordAudit(trx, actor, now, { action: 'alter', recordType: 'rotation', recordId: id, fields: ['ends_on'] })
      return { ...rotation, ends_on: endsOn }
    })
  }

  /**
   * How many officers have served with the programme by a date: distinct officers with a rotation,
   * or a shift on the rota as officer, that started on or before it, with counts by month.
   */
  async served(actor: Actor, query: unknown = {}) {
    const q = parseInput(servedQuerySchema, query)
    const filter = await this.access.filter(actor, 'rota:view')
    const { rotations, shifts } = await repo.servicePeriods(this.db, agenciesOf(filter), filter)
    const periods: ServicePeriod[] = [
      ...rotations.map((r) => ({ userId: r.user_id, from: r.starts_on, to: r.ends_on })),
      ...shifts.map((s) => ({ userId: s.user_id, from: ukDate(s.starts_at), to: ukDate(s.starts_at) })),
    ]
    return servedOfficers(periods, q.asOf ?? ukDate(this.clock.now()), q.months)
  }

  /** Bases, vehicles and rotations have no policy-facts lookup of their own: their agency decides. */
  private async requireManage(
    db: Queryable,
    actor: Actor,
    record: string,
    id: string,
    facts: RecordFacts,
  ): Promise<void> {
    const filter = await this.access.filter(actor, 'rota:manage', db)
    if (!reaches(filter, facts)) throw new OutOfScopeError('rota:manage', record, id, false)
  }
}
