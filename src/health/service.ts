import { z } from 'zod'
import type { Database, Queryable } from '../db/database.ts'
import type { Clock } from '../common/clock.ts'
import type { Actor } from '../auth/actor.ts'
import type { AccessService } from '../access/service.ts'
import { allows } from '../access/rules.ts'
import { recordAudit, recordAudits } from '../audit/audit.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, fieldIssues } from '../common/errors.ts'
import { asConflict, type DeploymentService } from '../deployment/service.ts'
import {
  otherPatientIssues,
  parseAppointmentBundle,
  unknownPatientIssues,
  type AppointmentSetting,
  type IgnoredEntry,
} from './fhir-appointments.ts'
import {
  SETTING_LABELS,
  STATUS_LABELS,
  WITHDRAWN,
  appointmentTime,
  importAudit,
  labelOf,
  movesContact,
} from './rules.ts'
import * as repo from './repository.ts'

export const contactSchema = z.strictObject({
  note: z.string().trim().max(500, 'The note must be 500 characters or fewer').optional(),
})

/**
 * The cause of a re-plan after a discreet contact was planned, cancelled, moved or withdrawn. Police
 * officers read it on the plan: it says nothing of health, appointments or the IDVA's reasons.
 */
export const CONTACT_CHANGED = 'Contact arrangements changed'

/** Planned contacts listed on the import page: the agency's next few weeks, at most. */
const PLANNED_LIST_LIMIT = 200

export interface ImportedVictim {
  /** The victim row on their latest incident the importer can open: the case's address, /victims/:id. */
  victimId: string
  name: string
  nhsNumber: string
  /** Appointments saved (added or updated) for them by this import. */
  appointments: number
  /** Earlier appointments of theirs this import withdrew. */
  withdrawn: number
}

export interface ImportResult {
  importId: string
  /** Entries in the bundle, of every kind. */
  entries: number
  /** Appointments saved: `created` new ones, the rest updates of ones imported before. */
  appointments: number
  created: number
  /** Earlier appointments withdrawn because the bundle says they will not take place as booked. */
  withdrawn: number
  /** Of those, how many had a discreet contact planned at them. */
  withdrawnContacts: number
  /** Victims with appointments saved. */
  victims: number
  byVictim: ImportedVictim[]
  ignored: IgnoredEntry[]
}

/** One appointment as the case page, the planned-contacts list and the API show it. */
export interface AppointmentView {
  id: string
  setting: AppointmentSetting
  settingLabel: string
  status: string
  statusLabel: string
  startAt: Date
  endAt: Date | null
  /** UK local: '3 Jun 2026, 10:30 to 10:40'. */
  when: string
  description: string | null
  place: { name: string | null; address: string | null; latitude: number | null; longitude: number | null }
  contact: { plannedBy: string | null; plannedAt: Date; note: string | null } | null
}

function toView(r: repo.AppointmentRow): AppointmentView {
  return {
    id: r.id,
    setting: r.setting as AppointmentSetting,
    settingLabel: labelOf(SETTING_LABELS, r.setting),
    status: r.status,
    statusLabel: labelOf(STATUS_LABELS, r.status),
    startAt: r.start_at,
    endAt: r.end_at,
    when: appointmentTime(r.start_at, r.end_at),
    description: r.description,
    place: { name: r.location_name, address: r.location_address, latitude: r.latitude, longitude: r.longitude },
    contact: r.contact_planned_at
      ? { plannedBy: r.planned_by_name, plannedAt: r.contact_planned_at, note: r.contact_note }
      : null,
  }
}

/**
 * NHS appointments: health IDVAs import a victim's upcoming appointments (FHIR R4 bundles) and plan
 * discreet contacts at them. Health data: every method needs `health:view`, and nothing here runs a
 * query about appointments for anyone without it.
 */
export class HealthService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly access: AccessService,
    private readonly deployment: DeploymentService,
  ) {}

  /**
   * Imports a bundle for the actor's agency, all or nothing: any problem in the bundle, an NHS
   * number matching no victim on an incident the actor may open, or an appointment held for another
   * patient, throws a ValidationError listing every problem, and nothing is saved. Plans with a visit
   * at a contact the import moved or withdrew are re-made in the same transaction.
   */
  async importBundle(actor: Actor, input: { json: unknown; fileName?: string | null }): Promise<ImportResult> {
    if (!allows(actor, 'health:import')) throw new ForbiddenError('Your roles do not allow health:import')
    const scope = await this.access.filter(actor, 'health:view')
    const now = this.clock.now()
    const parsed = parseAppointmentBundle(input.json, { now })
    if (!parsed.ok) throw new ValidationError(parsed.issues)
    // Withdrawals name their patient too: nobody withdraws an appointment of a victim they cannot open.
    const entries = [...parsed.appointments, ...parsed.withdrawn]
    const numbers = [...new Set(entries.map((a) => a.nhsNumber))]
    const known = await repo.victimsWithNhsNumbers(this.db, scope, numbers)
    const knownNumbers = new Set(known.map((v) => v.nhs_number))
    const unknown = unknownPatientIssues(entries, (n) => knownNumbers.has(n))
    if (unknown.length) throw new ValidationError(unknown)

    const { entry } = input.json as { entry?: unknown[] }
    const keys = entries.map((a) => a.sourceId).filter((k): k is string => k !== null)
    const saving = this.db.transaction().execute(async (trx) => {
      const stored = new Map((await repo.lockBySource(trx, actor.agencyId, keys)).map((r) => [r.source_id, r]))
      const moved = otherPatientIssues(entries, (key) => stored.get(key)?.nhs_number)
      if (moved.length) throw new ValidationError(moved)
      const importId = await repo.insertImport(trx, {
        agencyId: actor.agencyId,
        fileName: input.fileName?.trim() || null,
        entries: entry?.length ?? 0,
        appointments: parsed.appointments.length,
        ignored: parsed.ignored.length,
        by: actor.userId,
        at: now,
      })
      const saved = await repo.saveAppointments(trx, {
        agencyId: actor.agencyId,
        importId,
        at: now,
        appointments: parsed.appointments,
      })
      // Only another import giving one of these appointments to another patient since the check leaves one unsaved.
      if (saved.length < parsed.appointments.length)
        throw new ConflictError(
          'Another import changed some of these appointments at the same time: import the bundle again',
        )
      const withdrawn = await repo.withdrawAppointments(trx, {
        agencyId: actor.agencyId,
        importId,
        at: now,
        sourceIds: parsed.withdrawn.map((w) => w.sourceId),
      })
      const changed = [
        ...saved.map((a) => ({ ...a, change: a.created ? ('created' as const) : ('updated' as const) })),
        ...withdrawn.map((a) => ({ ...a, change: 'withdrawn' as const })),
      ]
      // Every victim record of the people concerned, on any incident: the import changed data about them.
      const people = await repo.victimsWithNhsNumbers(trx, { kind: 'all' }, [
        ...new Set(changed.map((a) => a.nhs_number)),
      ])
      await recordAudits(trx, actor, now, importAudit(importId, changed, people))
      const contactsChanged = [
        ...withdrawn.filter((w) => w.contact_planned_at !== null).map((w) => w.nhs_number),
        ...parsed.appointments
          .filter((a) => a.sourceId !== null && stored.has(a.sourceId) && movesContact(stored.get(a.sourceId)!, a))
          .map((a) => a.nhsNumber),
      ]
      if (contactsChanged.length) await this.replanAround(trx, actor, contactsChanged)

      const savedTally = tally(parsed.appointments.map((a) => a.nhsNumber))
      const gone = tally(withdrawn.map((w) => w.nhs_number))
      // Victims come newest incident first: the first row of each NHS number names the case.
      const byVictim = new Map<string, ImportedVictim>()
      for (const v of known) {
        if (byVictim.has(v.nhs_number) || !(savedTally.has(v.nhs_number) || gone.has(v.nhs_number))) continue
        byVictim.set(v.nhs_number, {
          victimId: v.id,
          name: `${v.first_name} ${v.last_name}`,
          nhsNumber: v.nhs_number,
          appointments: savedTally.get(v.nhs_number) ?? 0,
          withdrawn: gone.get(v.nhs_number) ?? 0,
        })
      }
      return {
        importId,
        entries: entry?.length ?? 0,
        appointments: parsed.appointments.length,
        created: saved.filter((a) => a.created).length,
        withdrawn: withdrawn.length,
        withdrawnContacts: withdrawn.filter((w) => w.contact_planned_at !== null).length,
        victims: savedTally.size,
        byVictim: [...byVictim.values()].sort((a, b) => a.name.localeCompare(b.name)),
        ignored: parsed.ignored,
      }
    })
    return saving.catch((error: unknown) => {
      throw asConflict(error)
    })
  }

  /**
   * A victim's upcoming appointments for their case page, or null when the actor may not see
   * health data on this victim: then no appointment is queried at all.
   */
  async forVictim(
    actor: Actor,
    personId: string,
  ): Promise<{ victimId: string; appointments: AppointmentView[] } | null> {
    if (!allows(actor, 'health:view')) return null
    if (!(await this.access.permits(actor, 'health:view', 'victim', personId))) return null
    return { victimId: personId, appointments: await this.upcoming(actor, personId, 'case_page') }
  }

  /** A victim's upcoming appointments (the API): refused unless the actor may see health data on them. */
  async appointmentsOf(actor: Actor, personId: string): Promise<AppointmentView[]> {
    await this.access.check(actor, 'health:view', 'victim', personId)
    return this.upcoming(actor, personId, 'api')
  }

  /** One of the victim's appointments, for the page that plans a contact at it. */
  async appointmentToPlan(actor: Actor, personId: string, appointmentId: string): Promise<AppointmentView> {
    await this.access.check(actor, 'health:plan-contact', 'victim', personId)
    const row = await this.inCase(actor, personId, appointmentId)
    await recordAudit(this.db, actor, this.clock.now(), {
      action: 'consult',
      recordType: 'incident_person',
      recordId: personId,
      fields: ['nhs_appointment'],
      details: { via: 'plan_contact', appointments: [appointmentId] },
    })
    return toView(row)
  }

  /**
   * Plans a discreet contact at one of the victim's upcoming appointments; planning again replaces
   * the note. Plans with a visit to the victim are re-made at once, in the same transaction.
   */
  async planContact(actor: Actor, personId: string, appointmentId: string, input: unknown): Promise<AppointmentView> {
    await this.access.check(actor, 'health:plan-contact', 'victim', personId)
    const parsed = contactSchema.safeParse(input ?? {})
    if (!parsed.success) throw new ValidationError(fieldIssues(parsed.error))
    const now = this.clock.now()
    const appointment = await this.inCase(actor, personId, appointmentId)
    if (appointment.status === WITHDRAWN)
      throw new ConflictError('This appointment was withdrawn by a later import: it is not going ahead as booked')
    if ((appointment.end_at ?? appointment.start_at) < now) throw new ConflictError('This appointment is over')
    const note = parsed.data.note || null
    return this.changeContact(actor, personId, appointment, { by: actor.userId, at: now, note })
  }

  /**
   * Cancels the contact planned at one of the victim's appointments (nothing to do if none is
   * planned). A plan with a visit there loses it at once: the IDVA may cancel because it is no
   * longer safe to meet the victim there.
   */
  async cancelContact(actor: Actor, personId: string, appointmentId: string): Promise<AppointmentView> {
    await this.access.check(actor, 'health:plan-contact', 'victim', personId)
    return this.changeContact(actor, personId, await this.inCase(actor, personId, appointmentId), null)
  }

  /** The agency's upcoming appointments at which a contact is planned, soonest first, for the import page. */
  async plannedContacts(actor: Actor) {
    const scope = await this.access.filter(actor, 'health:view')
    const now = this.clock.now()
    const rows = await repo.plannedContacts(this.db, {
      agencyId: actor.agencyId,
      scope,
      from: now,
      limit: PLANNED_LIST_LIMIT,
    })
    await recordAudits(
      this.db,
      actor,
      now,
      rows.map((r) => ({
        action: 'consult' as const,
        recordType: 'incident_person',
        recordId: r.victim_id,
        fields: ['nhs_appointment'],
        details: { via: 'planned_contacts', appointmentId: r.id },
      })),
    )
    return rows.map((r) => ({ ...toView(r), victim: { id: r.victim_id, name: `${r.first_name} ${r.last_name}` } }))
  }

  private async upcoming(actor: Actor, personId: string, via: string): Promise<AppointmentView[]> {
    const scope = await this.access.filter(actor, 'health:view')
    const now = this.clock.now()
    const rows = await repo.upcomingForCase(this.db, { personId, scope, agencyId: actor.agencyId, from: now })
    if (rows.length)
      await recordAudit(this.db, actor, now, {
        action: 'consult',
        recordType: 'incident_person',
        recordId: personId,
        fields: ['nhs_appointment'],
        details: { via, appointments: rows.map((r) => r.id) },
      })
    return rows.map(toView)
  }

  /** The appointment, if it is the actor's agency's and of this victim's case. */
  private async inCase(actor: Actor, personId: string, appointmentId: string) {
    const scope = await this.access.filter(actor, 'health:view')
    const row = await repo.findInCase(this.db, { personId, scope, agencyId: actor.agencyId, appointmentId })
    if (!row) throw new NotFoundError('No appointment with that id for this victim')
    return row
  }

  private changeContact(
    actor: Actor,
    personId: string,
    appointment: repo.AppointmentRow,
    contact: { by: string; at: Date; note: string | null } | null,
  ): Promise<AppointmentView> {
    const now = this.clock.now()
    return this.db
      .transaction()
      .execute(async (trx) => {
        if (await repo.setContact(trx, appointment.id, contact)) {
          await recordAudit(trx, actor, now, {
            action: 'alter',
            recordType: 'incident_person',
            recordId: personId,
            fields: ['nhs_appointment.contact_planned_by', 'nhs_appointment.contact_note'],
            details: { appointmentId: appointment.id, contact: contact ? 'planned' : 'cancelled' },
          })
          // A new note changes nothing the planner uses; a contact planned or cancelled does.
          if ((contact !== null) !== (appointment.contact_planned_at !== null))
            await this.replanAround(trx, actor, [appointment.nhs_number])
        }
        return toView((await repo.findAppointment(trx, appointment.id))!)
      })
      .catch((error: unknown) => {
        throw asConflict(error)
      })
  }

  /** Re-makes, in the caller's transaction, every plan with a visit to a victim with these NHS numbers. */
  private async replanAround(trx: Queryable, actor: Actor, nhsNumbers: string[]) {
    const incidents = await repo.caseIncidentsOf(trx, [...new Set(nhsNumbers)])
    await this.deployment.replanVisitsTo(trx, actor, incidents, CONTACT_CHANGED)
  }
}

function tally(values: string[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1)
  return counts
}
