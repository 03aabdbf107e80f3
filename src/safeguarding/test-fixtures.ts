import { systemActor } from '../auth/actor.ts'
import type { Role } from '../auth/roles.ts'
import { insertUser, insertUserRoles } from '../auth/repository.ts'
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

/** A new user of the agency in the team, with the roles (they cannot sign in). Returns their id. */
export async function aMember(
  t: Pick<TestContext, 'deps'>,
  m: { teamId: string; agencyId: string; username: string; roles: Role[] },
): Promise<string> {
  const db = t.deps.db
  const userId = await insertUser(db, {
    username: m.username,
    displayName: `${m.username} (test)`,
    agencyId: m.agencyId,
    passwordHash: null,
    serviceAccount: false,
  })
  await insertUserRoles(db, userId, m.roles)
  await db.insertInto('team_member').values({ team_id: m.teamId, user_id: userId }).execute()
  return userId
}

/** A team of the agency (by id) covering `areas`, with a new member of each of the roles. Returns its id. */
export async function aTeam(
  t: Pick<TestContext, 'deps'>,
  team: { agencyId: string; name: string; areas: string[]; members: { username: string; roles: Role[] }[] },
): Promise<string> {
  const { id } = await t.deps.db
    .insertInto('team')
    .values({ agency_id: team.agencyId, name: team.name })
    .returning('id')
    .executeTakeFirstOrThrow()
  await t.deps.db
    .insertInto('team_area')
    .values(team.areas.map((area) => ({ team_id: id, area })))
    .execute()
  for (const m of team.members) await aMember(t, { teamId: id, agencyId: team.agencyId, ...m })
  return id
}
