import { randomUUID } from 'node:crypto'
import type { Database } from '../db/database.ts'
import type { Duty } from '../db/schema.ts'

/** Blackpool police station, where the demo teams start and end their shifts. */
export const A_BASE = { name: 'Test base', area: 'Blackpool', latitude: 53.8143, longitude: -3.0503 }

export interface ShiftOverrides {
  /** Team by name (created in the police agency covering `areas` if missing). */
  team?: string
  areas?: string[]
  startsAt?: Date
  endsAt?: Date
  /** Usernames and their duty; defaults to the demo Op Provide officer and IDVA. */
  members?: [string, Duty][]
  vehicle?: string | null
}

/**
 * A shift with its base, vehicle and rota written straight to the database, for tests of what
 * happens on a shift (the rota's own rules are tested through its service). Default: 07:00-15:00
 * on FIXED_NOW's day, the demo officer and IDVA, vehicle "OP1".
 */
export async function aShift(db: Database, o: ShiftOverrides = {}): Promise<string> {
  const police = await db.selectFrom('agency').select('id').where('code', '=', 'police').executeTakeFirstOrThrow()
  const teamName = o.team ?? 'Op Provide: Blackpool, Fylde and Wyre'
  let team = await db.selectFrom('team').select('id').where('name', '=', teamName).executeTakeFirst()
  if (!team) {
    team = await db
      .insertInto('team')
      .values({ agency_id: police.id, name: teamName })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db
      .insertInto('team_area')
      .values((o.areas ?? ['Blackpool']).map((area) => ({ team_id: team!.id, area })))
      .execute()
  }
  const base =
    (await db.selectFrom('deployment_base').select('id').where('name', '=', A_BASE.name).executeTakeFirst()) ??
    (await db
      .insertInto('deployment_base')
      .values({ agency_id: police.id, ...A_BASE })
      .returning('id')
      .executeTakeFirstOrThrow())
  let vehicleId: string | null = null
  const callSign = o.vehicle === undefined ? `OP-${randomUUID().slice(0, 8)}` : o.vehicle
  if (callSign) {
    const vehicle = await db
      .insertInto('vehicle')
      .values({ agency_id: police.id, call_sign: callSign })
      .returning('id')
      .executeTakeFirstOrThrow()
    vehicleId = vehicle.id
  }
  const shift = await db
    .insertInto('shift')
    .values({
      team_id: team.id,
      starts_at: o.startsAt ?? new Date('2026-11-23T07:00:00Z'),
      ends_at: o.endsAt ?? new Date('2026-11-23T15:00:00Z'),
      base_id: base.id,
      vehicle_id: vehicleId,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const members = o.members ?? [
    ['provide-officer', 'officer'],
    ['idva', 'idva'],
  ]
  for (const [username, duty] of members) {
    const user = await db.selectFrom('app_user').select('id').where('username', '=', username).executeTakeFirstOrThrow()
    await db.insertInto('shift_member').values({ shift_id: shift.id, user_id: user.id, duty }).execute()
  }
  return shift.id
}
