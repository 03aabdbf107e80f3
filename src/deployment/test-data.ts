import type { TestDatabase } from '../test-support/db.ts'

/**
 * For the deployment suites: removes shifts and their plans, incidents, and the victims' safe-contact
 * details and NHS appointments, so each test plans from nothing.
 */
export async function clearShiftsAndIncidents(database: TestDatabase): Promise<void> {
  await database.asOwner(async (db) => {
    for (const table of [
      'plan_revision',
      'plan_exclusion',
      'shift_drop',
      'visit',
      'shift_member',
      'shift',
      'vehicle',
      'nhs_appointment',
      'nhs_appointment_import',
      'victim_safe_contact',
      'consultation',
      'triage_decision',
      'custody_episode',
      'incident_person',
      'incident',
    ] as const)
      await db.deleteFrom(table).execute()
  })
}
