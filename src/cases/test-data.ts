import type { Queryable } from '../db/database.ts'
import type { ActionStatusCode } from '../db/schema.ts'

/**
 * Data for the case page's tests and benchmark: the victim on an incident, and safeguarding actions
 * and hand-overs written straight to their tables (the case page reads them, the safeguarding
 * capability records them).
 */

/** The incident's first victim row: a case is addressed by it. */
export async function victimOn(db: Queryable, incidentId: string): Promise<string> {
  const row = await db
    .selectFrom('incident_person')
    .select('id')
    .where('incident_id', '=', incidentId)
    .where('role', '=', 'victim')
    .orderBy('position')
    .executeTakeFirstOrThrow()
  return row.id
}

/** An action raised for a victim, then moved through `statuses` (the first is the request), a minute apart. */
export async function anAction(
  db: Queryable,
  a: {
    incidentId: string
    personId: string
    kind: string
    ownerAgencyId: string
    dueOn: string
    by: string
    at: Date
    statuses?: ActionStatusCode[]
    referredTo?: string
  },
): Promise<string> {
  const statuses = a.statuses ?? ['requested']
  const last = statuses[statuses.length - 1]!
  const closed = last === 'done' || last === 'declined'
  const at = (i: number) => new Date(a.at.getTime() + i * 60_000)
  const person = await db
    .selectFrom('incident_person')
    .select('person_key')
    .where('id', '=', a.personId)
    .executeTakeFirstOrThrow()
  const row = await db
    .insertInto('safeguarding_action')
    .values({
      incident_id: a.incidentId,
      person_id: a.personId,
      person_key: person.person_key,
      kind: a.kind,
      referred_to: a.referredTo ?? null,
      details: null,
      owner_agency_id: a.ownerAgencyId,
      due_on: a.dueOn,
      status: last,
      status_reason: last === 'declined' ? 'Not needed' : null,
      raised_by: a.by,
      raised_at: a.at,
      updated_at: at(statuses.length - 1),
      closed_at: closed ? at(statuses.length - 1) : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('safeguarding_action_event')
    .values(statuses.map((status, i) => ({ action_id: row.id, status, note: null, by_user_id: a.by, at: at(i) })))
    .execute()
  return row.id
}

/** A hand-over to a team, accepted `acceptedAfterMinutes` later when given. */
export async function aHandover(
  db: Queryable,
  h: {
    incidentId: string
    personId: string
    teamId: string
    summary: string
    by: string
    at: Date
    acceptedBy?: string
    acceptedAfterMinutes?: number
  },
): Promise<string> {
  const person = await db
    .selectFrom('incident_person')
    .select('person_key')
    .where('id', '=', h.personId)
    .executeTakeFirstOrThrow()
  const accepted = h.acceptedBy && h.acceptedAfterMinutes !== undefined
  const row = await db
    .insertInto('handover')
    .values({
      incident_id: h.incidentId,
      person_id: h.personId,
      person_key: person.person_key,
      to_team_id: h.teamId,
      summary: h.summary,
      handed_by: h.by,
      handed_at: h.at,
      accepted_by: accepted ? h.acceptedBy! : null,
      accepted_at: accepted ? new Date(h.at.getTime() + h.acceptedAfterMinutes! * 60_000) : null,
      accept_note: accepted ? 'Taken on by the team' : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}
