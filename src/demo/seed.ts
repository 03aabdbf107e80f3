import type { Database } from '../db/database.ts'
import type { Clock } from '../common/clock.ts'
import { systemActor } from '../auth/actor.ts'
import type { Role } from '../auth/roles.ts'
import type { AuthService } from '../auth/service.ts'
import * as authRepo from '../auth/repository.ts'
import { insertAreas, listActiveAreas } from '../intake/repository.ts'
import type { IntakeService } from '../intake/service.ts'
import type { IncidentInput } from '../intake/incident-schema.ts'
import { generateIncidents } from './generator.ts'
import { changeSetting } from '../settings/settings.ts'

export const DEMO_AGENCIES = [
  { code: 'police', name: 'Lancashire Constabulary (demo)', kind: 'police' },
  { code: 'nhs', name: 'Blackpool Teaching Hospitals NHS Foundation Trust (demo)', kind: 'nhs' },
  { code: 'third-sector', name: "Fylde Coast Women's Aid (demo)", kind: 'third_sector' },
] as const

/** One demo login per role. The password is public: demo installations hold synthetic data only. */
export const DEMO_PASSWORD = 'provide-demo'
export const DEMO_USERS: { username: string; displayName: string; agencyCode: string; roles: Role[] }[] = [
  { username: 'officer', displayName: 'PC Alex Demo', agencyCode: 'police', roles: ['response_officer'] },
  { username: 'sergeant', displayName: 'DS Sam Demo', agencyCode: 'police', roles: ['detective_sergeant'] },
  { username: 'provide-officer', displayName: 'PC Jo Demo', agencyCode: 'police', roles: ['op_provide_officer'] },
  { username: 'idva', displayName: 'Chris Demo (Health IDVA)', agencyCode: 'nhs', roles: ['health_idva'] },
  { username: 'safeguarding', displayName: 'DC Lee Demo', agencyCode: 'police', roles: ['safeguarding_officer'] },
  { username: 'marac', displayName: 'Pat Demo (MARAC)', agencyCode: 'third-sector', roles: ['marac_coordinator'] },
  { username: 'analyst', displayName: 'Robin Demo (Analyst)', agencyCode: 'police', roles: ['analyst'] },
  { username: 'admin', displayName: 'Admin Demo', agencyCode: 'police', roles: ['administrator'] },
  // A second crew, so two joint teams can share a shift's candidates.
  { username: 'provide-officer-2', displayName: 'PC Morgan Demo', agencyCode: 'police', roles: ['op_provide_officer'] },
  { username: 'idva-2', displayName: 'Taylor Demo (Health IDVA)', agencyCode: 'nhs', roles: ['health_idva'] },
  {
    username: 'governance',
    displayName: 'Kim Demo (Information governance)',
    agencyCode: 'police',
    roles: ['information_governance'],
  },
]

/**
 * Demo teams and the areas they cover, with their members, and the force's information-sharing
 * agreement with the NHS trust, so team- and agency-scoped access can be seen at work.
 */
export const DEMO_TEAMS: { agencyCode: string; name: string; areas: string[]; members: string[] }[] = [
  {
    agencyCode: 'police',
    name: 'Op Provide: Blackpool, Fylde and Wyre',
    areas: ['Blackpool', 'Fylde', 'Wyre'],
    members: ['provide-officer', 'provide-officer-2'],
  },
  { agencyCode: 'police', name: 'Op Provide: Lancaster and Morecambe', areas: ['Lancaster', 'Morecambe'], members: [] },
  {
    agencyCode: 'police',
    name: 'Safeguarding: West division',
    areas: ['Blackpool', 'Fylde', 'Wyre'],
    members: ['safeguarding'],
  },
  {
    agencyCode: 'nhs',
    name: 'Health IDVAs: Fylde coast',
    areas: ['Blackpool', 'Fylde', 'Wyre'],
    members: ['idva', 'idva-2'],
  },
]
export const DEMO_SHARES = [{ owner: 'police', partner: 'nhs', resource: 'incident' }]

async function seedDemoAccess(db: Database): Promise<void> {
  const agencies = new Map((await db.selectFrom('agency').select(['id', 'code']).execute()).map((a) => [a.code, a.id]))
  const users = new Map(
    (await db.selectFrom('app_user').select(['id', 'username']).execute()).map((u) => [u.username, u.id]),
  )
  const areas = new Set(await listActiveAreas(db))
  for (const t of DEMO_TEAMS) {
    const team = await db
      .insertInto('team')
      .values({ agency_id: agencies.get(t.agencyCode)!, name: t.name })
      .returning('id')
      .executeTakeFirstOrThrow()
    const covered = t.areas.filter((a) => areas.has(a))
    if (covered.length)
      await db
        .insertInto('team_area')
        .values(covered.map((area) => ({ team_id: team.id, area })))
        .execute()
    const members = t.members.map((m) => users.get(m)).filter((id) => id !== undefined)
    if (members.length)
      await db
        .insertInto('team_member')
        .values(members.map((user_id) => ({ team_id: team.id, user_id })))
        .execute()
  }
  for (const s of DEMO_SHARES) {
    await db
      .insertInto('agency_share')
      .values({
        owner_agency_id: agencies.get(s.owner)!,
        partner_agency_id: agencies.get(s.partner)!,
        resource: s.resource,
      })
      .execute()
  }
}

/** A new installation starts with the programme's five areas unless it configures its own. */
export async function seedAreas(db: Database, areas: string[]): Promise<void> {
  if ((await listActiveAreas(db)).length === 0) await insertAreas(db, areas)
}

/** Demo agencies and one login per role, on an installation with no users yet. */
export async function seedDemoUsers(db: Database, auth: AuthService): Promise<boolean> {
  if ((await authRepo.countUsers(db)) > 0) return false
  for (const agency of DEMO_AGENCIES) await authRepo.insertAgency(db, agency)
  const actor = systemActor('demo-data')
  for (const u of DEMO_USERS) await auth.createUser(actor, { ...u, password: DEMO_PASSWORD })
  await seedDemoAccess(db)
  // Demo logins share a public password and sign in with it alone: no second factor is required
  // (users may still set one up; `provide setting set auth.mfaRequired true` requires it).
  await changeSetting(db, actor, new Date(), 'auth.mfaRequired', false)
  return true
}

export interface DemoDataOptions {
  incidents: number
  seed: number
  onProgress?: (done: number, total: number) => void
}

const BATCH = 1000

/**
 * Generates synthetic incidents and stores them through the intake service's batch path, in
 * batches, each its own transaction, so a two-million-incident run does not hold one open.
 */
export async function writeDemoIncidents(
  db: Database,
  clock: Clock,
  intake: IntakeService,
  opts: DemoDataOptions,
): Promise<{ inserted: number; duplicates: number }> {
  const actor = systemActor('demo-data')
  const ownerAgencyId = await intake.ownerAgency()
  const generator = generateIncidents({
    count: opts.incidents,
    seed: opts.seed,
    now: clock.now(),
    riskTools: intake.riskTools,
  })
  let inserted = 0
  let duplicates = 0
  let done = 0
  let batch: IncidentInput[] = []
  const flush = async () => {
    const r = await db
      .transaction()
      .execute((trx) =>
        intake.writeBatch(trx, actor, batch, { source: 'demo', importId: null, createdBy: null, ownerAgencyId }),
      )
    inserted += r.inserted.length
    duplicates += r.duplicates.length
    done += batch.length
    batch = []
    opts.onProgress?.(done, opts.incidents)
  }
  for (const incident of generator) {
    batch.push(incident)
    if (batch.length >= BATCH) await flush()
  }
  if (batch.length > 0) await flush()
  return { inserted, duplicates }
}
