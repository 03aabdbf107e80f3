import { sql } from 'kysely'
import { systemActor } from '../auth/actor.ts'
import type { Queryable } from '../db/database.ts'
import type { TestContext } from '../test-support/app.ts'
import { anIncident, aPerson, aSuspect } from '../test-support/builders.ts'
import { aShift } from '../test-support/deployment.ts'
import type { PersonInput } from '../intake/incident-schema.ts'

/**
 * An incident triaged to attend, planned on the joint team's shift, and a visit to it recorded as
 * "seen": where the IDVA's tracker starts. The victim is `victim`, with the suspect and `others`.
 */
export async function aSeenVisit(
  t: Pick<TestContext, 'services' | 'deps' | 'actor'>,
  o: { victim: Partial<PersonInput>; others?: PersonInput[]; childrenPresent?: boolean },
): Promise<{ incidentId: string; visitId: string; shiftId: string }> {
  const input = anIncident({
    risk: 'high',
    childrenPresent: o.childrenPresent ?? false,
    people: [
      aPerson({ dateOfBirth: undefined, ...o.victim }),
      aSuspect({ dateOfBirth: undefined }),
      ...(o.others ?? []),
    ],
    location: { address: '1 Visit Row', postcode: 'FY1 4AB', area: 'Blackpool', latitude: 53.81, longitude: -3.05 },
  })
  const { id: incidentId } = await t.services.intake.create(systemActor('test'), input, 'api')
  await t.services.triage.decide(await t.actor('sergeant'), incidentId, { decision: 'attend', reasonCode: 'high_risk' })
  const shift = await aShift(t.deps.db)
  const officer = await t.actor('provide-officer')
  await t.services.deployment.replan(officer, shift)
  const plan = await t.services.deployment.view(officer, shift)
  const visitId = plan.planned.find((v) => v.incidentId === incidentId)!.id
  await t.services.deployment.recordOutcome(officer, shift, visitId, { outcome: 'seen' })
  return { incidentId, visitId, shiftId: shift }
}

/** The incident's people in the order recorded: tests pick the one they mean by role or first name. */
export function peopleOn(db: Queryable, incidentId: string) {
  return db
    .selectFrom('incident_person')
    .select(['id', 'role', 'first_name'])
    .where('incident_id', '=', incidentId)
    .orderBy('position')
    .execute()
}

/** The audit rows of a tracker contact's answers collected about the victim, in order. */
export function contactAudit(db: Queryable, contactId: string) {
  return db
    .selectFrom('audit_event')
    .select(['action', 'fields', 'record_id', 'details'])
    .where('record_type', '=', 'incident_person')
    .where(sql`details->>'contactId'`, '=', contactId)
    .orderBy('seq')
    .execute()
}

/** Safe-contact details of a victim that say only `notes` (and text messages, any time). */
export const safeContactSaying = (notes: string) => ({
  methods: ['text'],
  onlyWhileSuspectInCustody: false,
  windows: [],
  notes,
})
