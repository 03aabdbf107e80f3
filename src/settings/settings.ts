import { z } from 'zod'
import type { Database, Queryable } from '../db/database.ts'
import type { Actor } from '../auth/actor.ts'
import { recordAudit } from '../audit/audit.ts'
import { DEFAULT_PRIORITY_WEIGHTS, type PriorityWeights } from '../triage/rules.ts'
import { DEFAULT_DEPLOYMENT_SETTINGS, type DeploymentSettings } from '../deployment/rules.ts'
import { DEFAULT_TRAVEL } from '../deployment/travel/travel.ts'

const points = z.number().min(0).max(1000)
const hours = z.number().min(0).max(168)
const priors = z.number().int().min(0).max(100)

// Every weight is required: a missing one would score NaN and break the queue.
const priorityWeightsSchema = z.strictObject({
  risk: z.strictObject({ high: points, medium: points, standard: points }),
  additionalVulnerabilities: points,
  healthNeeds: points,
  childrenPresent: points,
  perPriorSamePeople: points,
  maxPriorsSamePeople: priors,
  perPriorSameAddress: points,
  maxPriorsSameAddress: priors,
  suspectInCustody: points,
  releaseSoon: points,
  releaseSoonHours: hours,
  recentReport: points,
  recentReportHours: hours,
}) satisfies z.ZodType<PriorityWeights>

const minutes = z
  .number()
  .int()
  .min(0)
  .max(24 * 60)
const visitLength = z.number().int().min(5).max(480)
const deploymentSchema = z.strictObject({
  custodyMarginMinutes: minutes,
  assumedCustodyHours: z.number().int().min(1).max(96),
  liveResponseMinutes: minutes.min(5),
  visitMinutes: z.strictObject({ post_incident: visitLength, follow_up: visitLength, live: visitLength }),
}) satisfies z.ZodType<DeploymentSettings>
const speed = z.number().min(1).max(130)
const travelSchema = z.strictObject({
  roadFactor: z.number().min(1).max(3),
  speedsKmh: z.strictObject({ urban: speed, suburban: speed, rural: speed }),
})

/** Settings a programme changes without a release, each with its schema and default. */
export const SETTINGS = {
  'triage.windowHours': { schema: z.number().int().min(1).max(168), default: 24 },
  'triage.pageSize': { schema: z.number().int().min(5).max(200), default: 25 },
  'triage.priorityWeights': {
    schema: priorityWeightsSchema,
    default: DEFAULT_PRIORITY_WEIGHTS,
  },
  /** Visit lengths, the margin before a suspect's release, and how fast a live incident is attended. */
  'deployment.rules': { schema: deploymentSchema, default: DEFAULT_DEPLOYMENT_SETTINGS },
  /** Attend decisions older than this no longer come up as candidates for a shift's plan. */
  'deployment.candidateDays': { schema: z.number().int().min(1).max(90), default: 14 },
  /** Straight-line travel estimates: road factor and average speeds per kind of area. */
  'deployment.travel': { schema: travelSchema, default: DEFAULT_TRAVEL as z.infer<typeof travelSchema> },
  /** Every user must sign in with a second factor (an authenticator app), and set one up first if they have none. */
  'auth.mfaRequired': { schema: z.boolean(), default: true as boolean },
} as const

export type SettingKey = keyof typeof SETTINGS
type SettingValue<K extends SettingKey> = (typeof SETTINGS)[K]['default']

function parseStored<K extends SettingKey>(key: K, row: { value: unknown } | undefined): SettingValue<K> {
  if (row === undefined) return SETTINGS[key].default
  const parsed = SETTINGS[key].schema.safeParse(row.value)
  if (!parsed.success) throw new Error(`Setting ${key} holds an invalid value: ${parsed.error.message}`)
  return parsed.data as SettingValue<K>
}

export async function readSetting<K extends SettingKey>(db: Queryable, key: K): Promise<SettingValue<K>> {
  return parseStored(key, await db.selectFrom('setting').select('value').where('key', '=', key).executeTakeFirst())
}

/** Several settings in one query, for request paths that need them together. */
export async function readSettings<K extends SettingKey>(
  db: Queryable,
  keys: K[],
): Promise<{ [P in K]: SettingValue<P> }> {
  const rows = await db.selectFrom('setting').select(['key', 'value']).where('key', 'in', keys).execute()
  const byKey = new Map(rows.map((r) => [r.key, r]))
  return Object.fromEntries(keys.map((k) => [k, parseStored(k, byKey.get(k))])) as { [P in K]: SettingValue<P> }
}

export async function writeSetting<K extends SettingKey>(db: Queryable, key: K, value: unknown): Promise<void> {
  const parsed = SETTINGS[key].schema.safeParse(value)
  if (!parsed.success) throw new Error(`Invalid value for ${key}: ${parsed.error.issues[0]?.message ?? ''}`)
  const json = JSON.stringify(parsed.data)
  await db
    .insertInto('setting')
    .values({ key, value: json })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: new Date() }))
    .execute()
}

/** Changes a setting and records who changed it, in one transaction. */
export async function changeSetting<K extends SettingKey>(
  db: Database,
  actor: Actor,
  at: Date,
  key: K,
  value: unknown,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await writeSetting(trx, key, value)
    await recordAudit(trx, actor, at, { action: 'alter', recordType: 'setting', recordId: key, fields: ['value'] })
  })
}
