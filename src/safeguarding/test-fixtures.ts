import { systemActor } from '../auth/actor.ts'
import type { TestContext } from '../test-support/app.ts'
import { anIncident } from '../test-support/builders.ts'
import { victimOn } from '../cases/test-data.ts'

/** Records an incident and returns it with its victim (the incident_person id a victim's URLs name). */
export async function aVictim(
  t: Pick<TestContext, 'services' | 'deps'>,
  overrides: Parameters<typeof anIncident>[0],
): Promise<{ id: string; incidentId: string }> {
  const { id: incidentId } = await t.services.intake.create(systemActor('test'), anIncident(overrides), 'api')
  return { id: await victimOn(t.deps.db, incidentId), incidentId }
}
