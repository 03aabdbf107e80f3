import type { Database } from '../db/database.ts'
import type { Clock } from '../common/clock.ts'
import type { AreaKind, Duty } from '../db/schema.ts'
import { localParts, zonedWallTimeToInstant } from '../common/uk-time.ts'
import type { TriageService } from '../triage/service.ts'
import { queueQuerySchema } from '../triage/service.ts'
import { findUserByUsername } from '../auth/repository.ts'
import { ukDate } from '../deployment/rota/rules.ts'
import { toActor } from '../auth/service.ts'

/** Kinds of area for the default travel times: Blackpool's centre is slow, Fylde and Wyre less so. */
export const DEMO_AREA_KINDS: Record<string, AreaKind> = {
  Blackpool: 'urban',
  Fylde: 'suburban',
  Wyre: 'suburban',
  Lancaster: 'urban',
  Morecambe: 'urban',
}

const BASES = [
  { name: 'Blackpool police station', area: 'Blackpool', latitude: 53.8143, longitude: -3.0503 },
  { name: 'Lancaster police station', area: 'Lancaster', latitude: 54.0466, longitude: -2.8007 },
]
const VEHICLES = [
  { call_sign: 'OP1', registration: 'PN25 OPA' },
  { call_sign: 'OP2', registration: 'PN25 OPB' },
]
/** Two crews of the Fylde coast team, each an officer and an IDVA in their own vehicle. */
const CREWS: { vehicle: string; members: [string, Duty][] }[] = [
  {
    vehicle: 'OP1',
    members: [
      ['provide-officer', 'officer'],
      ['idva', 'idva'],
    ],
  },
  {
    vehicle: 'OP2',
    members: [
      ['provide-officer-2', 'officer'],
      ['idva-2', 'idva'],
    ],
  },
]
const ROTATIONS = [
  { username: 'provide-officer', homeTeam: 'Response team B, Blackpool', weeksAgo: 6 },
  { username: 'provide-officer-2', homeTeam: 'Response team D, Fylde', weeksAgo: 2 },
]
/** How many of the recent eligible incidents the demo sergeant has already triaged to attend. */
const ATTEND_DECISIONS = 16

const at = (day: Date, hour: number) => {
  const p = localParts(day)
  return zonedWallTimeToInstant({ year: p.year, month: p.month, day: p.day, hour, minute: 0 })
}

/**
 * Deployment demo data on a new demo installation: area kinds, bases, vehicles, officers'
 * rotations, today's current or next shift and tomorrow's early shift for both crews, and the
 * morning's triage decisions, so the shift plan has candidates the moment the app starts.
 */
export async function seedDemoDeployment(db: Database, clock: Clock, triage: TriageService): Promise<void> {
  const now = clock.now()
  for (const [name, kind] of Object.entries(DEMO_AREA_KINDS))
    await db.updateTable('area').set({ kind }).where('name', '=', name).execute()
  const police = await db.selectFrom('agency').select('id').where('code', '=', 'police').executeTakeFirstOrThrow()
  const users = new Map(
    (await db.selectFrom('app_user').select(['id', 'username']).execute()).map((u) => [u.username, u.id]),
  )
  const sergeant = users.get('sergeant')!

  const bases = await db
    .insertInto('deployment_base')
    .values(BASES.map((b) => ({ agency_id: police.id, ...b })))
    .returning(['id', 'name'])
    .execute()
  const vehicles = new Map(
    (
      await db
        .insertInto('vehicle')
        .values(VEHICLES.map((v) => ({ agency_id: police.id, ...v })))
        .returning(['id', 'call_sign'])
        .execute()
    ).map((v) => [v.call_sign, v.id]),
  )
  for (const r of ROTATIONS) {
    const start = new Date(now.getTime() - r.weeksAgo * 7 * 24 * 3_600_000)
    await db
      .insertInto('rotation')
      .values({
        user_id: users.get(r.username)!,
        home_team: r.homeTeam,
        starts_on: ukDate(start),
        created_by: sergeant,
      })
      .execute()
  }

  const team = await db
    .selectFrom('team')
    .select('id')
    .where('name', '=', 'Op Provide: Blackpool, Fylde and Wyre')
    .executeTakeFirstOrThrow()
  const local = localParts(now)
  // The shift under way or next: early (07:00-15:00) until 14:00, then late (14:00-22:00), then tomorrow's early.
  const tomorrow = new Date(at(now, 12).getTime() + 24 * 3_600_000)
  const current =
    local.hour < 14
      ? { start: at(now, 7), end: at(now, 15) }
      : local.hour < 22
        ? { start: at(now, 14), end: at(now, 22) }
        : null
  const shifts = [...(current ? [current] : []), { start: at(tomorrow, 7), end: at(tomorrow, 15) }]
  for (const s of shifts) {
    for (const crew of CREWS) {
      const shift = await db
        .insertInto('shift')
        .values({
          team_id: team.id,
          starts_at: s.start,
          ends_at: s.end,
          base_id: bases.find((b) => b.name === 'Blackpool police station')!.id,
          vehicle_id: vehicles.get(crew.vehicle)!,
          created_by: sergeant,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await db
        .insertInto('shift_member')
        .values(crew.members.map(([username, duty]) => ({ shift_id: shift.id, user_id: users.get(username)!, duty })))
        .execute()
    }
  }

  // The morning's triage: the demo sergeant sends the team to the highest-priority eligible incidents.
  const actor = toActor((await findUserByUsername(db, 'sergeant'))!, 'session', null)
  const queue = await triage.queue(
    actor,
    queueQuerySchema.parse({ area: ['Blackpool', 'Fylde', 'Wyre'], eligibility: 'eligible', status: ['undecided'] }),
  )
  for (const item of queue.items.slice(0, ATTEND_DECISIONS)) {
    await triage.decide(actor, item.id, {
      decision: 'attend',
      reasonCode: item.riskLevel === 'high' ? 'high_risk' : 'additional_vulnerabilities',
    })
  }
}
