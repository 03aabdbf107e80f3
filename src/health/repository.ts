import { sql, type ExpressionBuilder, type NotNull } from 'kysely'
import type { Queryable } from '../db/database.ts'
import type { DB } from '../db/schema.ts'
import { scopeWhere } from '../access/repository.ts'
import type { ScopeFilter } from '../access/rules.ts'
import type { ParsedAppointment } from './fhir-appointments.ts'
import { WITHDRAWN } from './rules.ts'
import { inCaseOf } from '../cases/repository.ts'

/** Rows per INSERT: 17 parameters a row keeps a statement well under PostgreSQL's 65,535. */
const CHUNK_ROWS = 500

/** Victims with these NHS numbers on incidents the scope reaches, newest incident first. */
export async function victimsWithNhsNumbers(db: Queryable, scope: ScopeFilter, nhsNumbers: string[]) {
  if (nhsNumbers.length === 0) return []
  return db
    .selectFrom('incident_person as p')
    .innerJoin('incident as i', 'i.id', 'p.incident_id')
    .select(['p.id', 'p.incident_id', 'p.first_name', 'p.last_name', 'p.nhs_number'])
    .where('p.role', '=', 'victim')
    .where('p.nhs_number', 'in', nhsNumbers)
    .$narrowType<{ nhs_number: NotNull }>()
    .where(scopeWhere(scope, 'i'))
    .orderBy('i.reported_at', 'desc')
    .orderBy('p.id')
    .execute()
}

export async function insertImport(
  db: Queryable,
  r: {
    agencyId: string
    fileName: string | null
    entries: number
    appointments: number
    ignored: number
    by: string
    at: Date
  },
): Promise<string> {
  const row = await db
    .insertInto('nhs_appointment_import')
    .values({
      agency_id: r.agencyId,
      file_name: r.fileName,
      entries: r.entries,
      appointments: r.appointments,
      ignored: r.ignored,
      imported_by: r.by,
      imported_at: r.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/**
 * The agency's appointments with these keys, locked until the import commits, so that what is
 * checked against them (whose they are, what a planned contact there depends on) still holds.
 */
export async function lockBySource(db: Queryable, agencyId: string, sourceIds: string[]) {
  if (sourceIds.length === 0) return []
  return db
    .selectFrom('nhs_appointment')
    .select(['id', 'source_id', 'nhs_number', 'status', 'start_at', 'latitude', 'longitude', 'contact_planned_at'])
    .where('agency_id', '=', agencyId)
    .where('source_id', 'in', sourceIds)
    .$narrowType<{ source_id: NotNull }>()
    .orderBy('id')
    .forUpdate()
    .execute()
}

/**
 * Saves an import's appointments for the agency. One the agency already holds (the same source id)
 * is updated, so a re-import moves times and status rather than adding a copy; one without a source
 * id cannot be recognised again and is always added. The caller has refused any that would change
 * patient; one another import gave to another patient meanwhile is left alone, and not returned.
 * Returns each appointment saved, and whether it is new.
 */
export async function saveAppointments(
  db: Queryable,
  r: { agencyId: string; importId: string; at: Date; appointments: readonly ParsedAppointment[] },
): Promise<{ id: string; nhs_number: string; created: boolean }[]> {
  const saved: { id: string; nhs_number: string; created: boolean }[] = []
  for (let i = 0; i < r.appointments.length; i += CHUNK_ROWS) {
    const rows = await db
      .insertInto('nhs_appointment')
      .values(
        r.appointments.slice(i, i + CHUNK_ROWS).map((a) => ({
          agency_id: r.agencyId,
          import_id: r.importId,
          source_id: a.sourceId,
          nhs_number: a.nhsNumber,
          status: a.status,
          start_at: a.start,
          end_at: a.end,
          setting: a.setting,
          description: a.description,
          location_name: a.location?.name ?? null,
          location_address: a.location?.address ?? null,
          latitude: a.location?.latitude ?? null,
          longitude: a.location?.longitude ?? null,
          updated_at: r.at,
        })),
      )
      .onConflict((oc) =>
        oc
          .columns(['agency_id', 'source_id'])
          .where('source_id', 'is not', null)
          .doUpdateSet((eb) => ({
            import_id: eb.ref('excluded.import_id'),
            status: eb.ref('excluded.status'),
            start_at: eb.ref('excluded.start_at'),
            end_at: eb.ref('excluded.end_at'),
            setting: eb.ref('excluded.setting'),
            description: eb.ref('excluded.description'),
            location_name: eb.ref('excluded.location_name'),
            location_address: eb.ref('excluded.location_address'),
            latitude: eb.ref('excluded.latitude'),
            longitude: eb.ref('excluded.longitude'),
            updated_at: eb.ref('excluded.updated_at'),
          }))
          .where(sql<boolean>`nhs_appointment.nhs_number = excluded.nhs_number`),
      )
      // xmax is 0 on a row this statement inserted, and set on one it updated.
      .returning(['id', 'nhs_number', sql<boolean>`xmax = 0`.as('created')])
      .execute()
    saved.push(...rows)
  }
  return saved
}

/**
 * Marks the agency's appointments with these source ids withdrawn: a later bundle says they will
 * not take place as booked. Returns those it changed.
 */
export async function withdrawAppointments(
  db: Queryable,
  r: { agencyId: string; importId: string; at: Date; sourceIds: string[] },
) {
  if (r.sourceIds.length === 0) return []
  return db
    .updateTable('nhs_appointment')
    .set({ status: WITHDRAWN, import_id: r.importId, updated_at: r.at })
    .where('agency_id', '=', r.agencyId)
    .where('source_id', 'in', r.sourceIds)
    .where('status', '<>', WITHDRAWN)
    .returning(['id', 'nhs_number', 'contact_planned_at'])
    .execute()
}

/**
 * The NHS numbers of a victim's case: this victim row (the caller has checked it) and their other
 * victim rows with the same identity key on incidents the scope reaches.
 */
function caseNhsNumbers(eb: ExpressionBuilder<DB, 'nhs_appointment'>, personId: string, scope: ScopeFilter) {
  return eb
    .selectFrom('incident_person as v')
    .innerJoin('incident as i', 'i.id', 'v.incident_id')
    .select('v.nhs_number')
    .where('v.role', '=', 'victim')
    .where('v.nhs_number', 'is not', null)
    .$narrowType<{ nhs_number: NotNull }>()
    .where((k) =>
      k.or([
        k('v.id', '=', personId),
        k.and([
          k(
            'v.person_key',
            '=',
            k.selectFrom('incident_person as p').select('p.person_key').where('p.id', '=', personId),
          ),
          scopeWhere(scope, 'i'),
        ]),
      ]),
    )
}

/** Appointments with the name of whoever planned a contact at each. */
function withPlanner(db: Queryable) {
  return db
    .selectFrom('nhs_appointment')
    .leftJoin('app_user as u', 'u.id', 'nhs_appointment.contact_planned_by')
    .selectAll('nhs_appointment')
    .select('u.display_name as planned_by_name')
}

export type AppointmentRow = NonNullable<Awaited<ReturnType<typeof findAppointment>>>

export function findAppointment(db: Queryable, id: string) {
  return withPlanner(db).where('nhs_appointment.id', '=', id).executeTakeFirst()
}

/** The agency's appointments for a victim's case. */
function caseAppointments(db: Queryable, f: { personId: string; scope: ScopeFilter; agencyId: string }) {
  return withPlanner(db)
    .where('nhs_appointment.agency_id', '=', f.agencyId)
    .where((eb) => eb('nhs_appointment.nhs_number', 'in', caseNhsNumbers(eb, f.personId, f.scope)))
}

/** Appointments of the case not yet over and not withdrawn, soonest first. */
export function upcomingForCase(
  db: Queryable,
  f: { personId: string; scope: ScopeFilter; agencyId: string; from: Date },
) {
  return caseAppointments(db, f)
    .where('nhs_appointment.status', '<>', WITHDRAWN)
    .where(sql<Date>`coalesce(nhs_appointment.end_at, nhs_appointment.start_at)`, '>=', f.from)
    .orderBy('nhs_appointment.start_at')
    .orderBy('nhs_appointment.id')
    .limit(200)
    .execute()
}

/** One appointment, if it is the agency's and of the victim's case. */
export function findInCase(
  db: Queryable,
  f: { personId: string; scope: ScopeFilter; agencyId: string; appointmentId: string },
) {
  return caseAppointments(db, f).where('nhs_appointment.id', '=', f.appointmentId).executeTakeFirst()
}

/** Plans a discreet contact at an appointment, or cancels the one planned (null). Returns whether it changed. */
export async function setContact(
  db: Queryable,
  id: string,
  contact: { by: string; at: Date; note: string | null } | null,
): Promise<boolean> {
  let q = db
    .updateTable('nhs_appointment')
    .set({
      contact_planned_by: contact?.by ?? null,
      contact_planned_at: contact?.at ?? null,
      contact_note: contact?.note ?? null,
    })
    .where('id', '=', id)
  if (!contact) q = q.where('contact_planned_at', 'is not', null)
  const result = await q.executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

/**
 * The agency's upcoming appointments with a contact planned, soonest first, each with a victim on
 * an incident the scope reaches (the latest reported); others are left out.
 */
export function plannedContacts(db: Queryable, f: { agencyId: string; scope: ScopeFilter; from: Date; limit: number }) {
  return db
    .selectFrom('nhs_appointment as a')
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom('incident_person as p')
          .innerJoin('incident as i', 'i.id', 'p.incident_id')
          .select(['p.id as victim_id', 'p.first_name', 'p.last_name'])
          .where('p.role', '=', 'victim')
          .whereRef('p.nhs_number', '=', 'a.nhs_number')
          .where(scopeWhere(f.scope, 'i'))
          .orderBy('i.reported_at', 'desc')
          .limit(1)
          .as('v'),
      (join) => join.onTrue(),
    )
    .leftJoin('app_user as u', 'u.id', 'a.contact_planned_by')
    .selectAll('a')
    .select(['v.victim_id', 'v.first_name', 'v.last_name', 'u.display_name as planned_by_name'])
    .where('a.agency_id', '=', f.agencyId)
    .where('a.contact_planned_at', 'is not', null)
    .where('a.status', '<>', WITHDRAWN)
    .where(sql<Date>`coalesce(a.end_at, a.start_at)`, '>=', f.from)
    .orderBy('a.start_at')
    .orderBy('a.id')
    .limit(f.limit)
    .execute()
}

export interface PlannedContact {
  incident_id: string
  /** The victim row on that incident whose case holds the appointment: audit rows name it. */
  victim_id: string
  /** Victims on that incident: a visit at the appointment meets only this one. */
  victims: number
  appointment_id: string
  start_at: Date
  end_at: Date | null
  latitude: number | null
  longitude: number | null
  location_name: string | null
  setting: string
  /** The health agency holding the appointment, whose IDVA planned the contact. */
  agency_id: string
  contact_planned_by: string
}

/** Each victim row (v) with the rows of their case (c): itself, and those with the same identity key. */
function victimsWithTheirCase(db: Queryable) {
  return db
    .selectFrom('incident_person as v')
    .innerJoin('incident_person as c', (join) =>
      join.on((eb) =>
        eb.and([
          eb('c.role', '=', 'victim'),
          inCaseOf({ key: 'c.person_key', person: 'c.id' }, { key: 'v.person_key', id: 'v.id' }),
        ]),
      ),
    )
    .where('v.role', '=', 'victim')
}

/**
 * For the deployment planner: appointments starting in [from, to) at which an IDVA plans a discreet
 * contact, for each incident whose victim's case (same identity key, or the victim alone) has one.
 * No access filter: the caller decides who may see them, and shows police officers the place only
 * as one arranged by the IDVA.
 */
export function plannedContactsForIncidents(
  db: Queryable,
  incidentIds: readonly string[],
  from: Date,
  to: Date,
): Promise<PlannedContact[]> {
  if (incidentIds.length === 0) return Promise.resolve([])
  return victimsWithTheirCase(db)
    .innerJoin('nhs_appointment as a', 'a.nhs_number', 'c.nhs_number')
    .select((eb) => [
      'v.incident_id',
      'v.id as victim_id',
      eb
        .selectFrom('incident_person as o')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('o.incident_id', '=', 'v.incident_id')
        .where('o.role', '=', 'victim')
        .$asScalar()
        .$notNull()
        .as('victims'),
      'a.id as appointment_id',
      'a.start_at',
      'a.end_at',
      'a.latitude',
      'a.longitude',
      'a.location_name',
      'a.setting',
      'a.agency_id',
      'a.contact_planned_by',
    ])
    .distinct()
    .where('v.incident_id', 'in', incidentIds)
    .where('a.contact_planned_by', 'is not', null)
    .$narrowType<{ contact_planned_by: NotNull }>()
    .where('a.status', '<>', WITHDRAWN)
    .where('a.start_at', '>=', from)
    .where('a.start_at', '<', to)
    .orderBy('a.start_at')
    .orderBy('v.incident_id')
    .execute()
}

/**
 * The incidents whose victims' cases hold appointments with these NHS numbers, matched as
 * plannedContactsForIncidents matches them: the plans a contact at one of those appointments can
 * change. No access filter: every team's plan counts.
 */
export async function caseIncidentsOf(db: Queryable, nhsNumbers: readonly string[]): Promise<string[]> {
  if (nhsNumbers.length === 0) return []
  const rows = await victimsWithTheirCase(db)
    .select('v.incident_id')
    .distinct()
    .where('c.nhs_number', 'in', nhsNumbers)
    .orderBy('v.incident_id')
    .execute()
  return rows.map((r) => r.incident_id)
}
