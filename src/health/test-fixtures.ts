import { readFileSync } from 'node:fs'
import { NHS_NUMBER_SYSTEM } from './fhir-appointments.ts'
import type { TestContext } from '../test-support/app.ts'
import { aPerson, aSuspect, anIncident } from '../test-support/builders.ts'
import { systemActor } from '../auth/actor.ts'
import { victimOn } from '../cases/test-data.ts'

/** Bundles for the health tests: the fixture files, and small ones built to order. Synthetic data only. */

// NHS numbers in the 999 test range, with valid check digits. ALEX, SAM and JO are the fixtures' patients.
export const ALEX = '9995259656'
export const SAM = '9998909228'
export const JO = '9999030068'
export const KIM = '9990012377'
export const NOBODY = '9990037116'

/** A fixture file's JSON, a fresh copy each time. */
export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'))
}

/** The fixture with entry `index`'s resource given these fields. */
export function changedFixture(name: string, index: number, fields: Record<string, unknown>) {
  const json = fixture(name) as { entry: { resource: Record<string, unknown> }[] }
  Object.assign(json.entry[index]!.resource, fields)
  return json
}

/** A collection bundle of 20-minute appointments, one per [id, NHS number, start, status (booked)]. */
export function bundleOf(...appointments: [id: string, nhsNumber: string, start: string, status?: string][]) {
  return {
    resourceType: 'Bundle',
    type: 'collection',
    entry: appointments.map(([id, nhsNumber, start, status = 'booked']) => ({
      resource: {
        resourceType: 'Appointment',
        id,
        status,
        start,
        minutesDuration: 20,
        description: 'GP review',
        participant: [{ actor: { identifier: { system: NHS_NUMBER_SYSTEM, value: nhsNumber } }, status: 'accepted' }],
      },
    })),
  }
}

/**
 * Victims with the fixtures' NHS numbers, each on an incident of their own: Sam on two (one case),
 * and Kim on an incident of an agency that shares nothing with the NHS trust, out of the IDVAs' reach.
 * Returns each victim's incident_person id and incident id by first name.
 */
export async function createVictims(t: TestContext) {
  const victims: Record<string, string> = {}
  const incidents: Record<string, string> = {}
  // Sam2 is Sam's later incident, so it addresses Sam's case in import results.
  const people: [key: string, nhsNumber: string, dateOfBirth: string, reportedHoursAgo: number][] = [
    ['Alex', ALEX, '1991-01-01', 2],
    ['Sam', SAM, '1985-03-04', 30],
    ['Sam2', SAM, '1985-03-04', 2],
    ['Jo', JO, '1979-12-24', 2],
    ['Kim', KIM, '1970-07-07', 2],
  ]
  for (const [key, nhsNumber, dateOfBirth, reportedHoursAgo] of people) {
    const firstName = key.replace(/\d$/, '')
    const person = aPerson({ firstName, lastName: 'Example', dateOfBirth, nhsNumber })
    const { id } = await t.services.intake.create(
      systemActor('test'),
      anIncident({ reportedHoursAgo, people: [person, aSuspect()] }),
      'api',
    )
    victims[key] = await victimOn(t.deps.db, id)
    incidents[key] = id
  }
  const thirdSector = await t.deps.db
    .selectFrom('agency')
    .select('id')
    .where('code', '=', 'third-sector')
    .executeTakeFirstOrThrow()
  await t.deps.db
    .updateTable('incident')
    .set({ owner_agency_id: thirdSector.id })
    .where('id', '=', incidents.Kim!)
    .execute()
  return { victims, incidents }
}

/** Rows that an import writes, for showing that a refused one wrote nothing. */
export async function importedRows(t: TestContext) {
  const count = async (table: 'nhs_appointment' | 'nhs_appointment_import' | 'audit_event') =>
    Number(
      (
        await t.deps.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
  return {
    appointments: await count('nhs_appointment'),
    imports: await count('nhs_appointment_import'),
    audit: await count('audit_event'),
  }
}
