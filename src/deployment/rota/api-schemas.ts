import { z } from 'zod'
import { DUTIES } from './rules.ts'

/**
 * What the rota's API and pages send and receive. Every input is a strict object: a field not
 * listed (a `teamId` on a change, where the team cannot change) is refused, not ignored.
 */

const id = (what: string) => z.string({ error: `Choose ${what}` }).uuid({ error: `Choose ${what}` })
const date = (what: string) =>
  z.iso.date({ error: `Enter ${what} as a date like 2026-11-23` }).describe('A UK calendar date, YYYY-MM-DD')
const instant = (what: string) =>
  z.iso
    .datetime({ offset: true, error: `Enter ${what} as a date and time with its offset, like 2026-11-23T07:00:00Z` })
    .describe('ISO 8601 with an offset or Z; shown to people in UK local time')
const atLeastOne = (v: Record<string, unknown>) => Object.values(v).some((x) => x !== undefined)

// Shifts

export const shiftListQuerySchema = z.strictObject({
  from: date('the first day').optional().describe('First UK day listed; default today'),
  to: date('the last day').optional().describe('Last UK day listed, at most 31 days on; default six days after `from`'),
})
export type ShiftListQuery = z.infer<typeof shiftListQuerySchema>

const vehicleId = id('a vehicle').nullable().describe('At most one vehicle per shift; null for none yet')

export const createShiftSchema = z.strictObject({
  teamId: id('the team').describe('A team of your agency'),
  startsAt: instant('the start'),
  endsAt: instant('the end'),
  baseId: id('the base').describe('Where the shift starts and ends: an active base of the team’s agency'),
  vehicleId: vehicleId.optional(),
})
export type CreateShiftInput = z.infer<typeof createShiftSchema>

export const updateShiftSchema = z
  .strictObject({
    startsAt: instant('the start').optional(),
    endsAt: instant('the end').optional(),
    baseId: id('the base').optional(),
    vehicleId: vehicleId.optional(),
  })
  .refine(atLeastOne, { error: 'Send a start, end, base or vehicle to change' })
export type UpdateShiftInput = z.infer<typeof updateShiftSchema>

export const membersSchema = z.strictObject({
  members: z
    .array(
      z.strictObject({
        userId: id('people from the list'),
        duty: z.enum(DUTIES, { error: 'Choose a duty: officer or idva' }),
      }),
      { error: 'Send the list of people on the shift' },
    )
    .max(20, 'A shift has at most 20 people on it')
    .describe('The complete rota: who is on the shift and as what. Replaces the current list.'),
})
export type MembersInput = z.infer<typeof membersSchema>

// Bases

const baseName = z
  .string({ error: 'Enter the base’s name' })
  .trim()
  .min(1, 'Enter the base’s name')
  .max(80, 'The name must be 80 characters or fewer')
const latitude = z
  .number({ error: 'Enter the latitude as a number, like 53.8143' })
  .min(-90, 'Latitude must be between -90 and 90')
  .max(90, 'Latitude must be between -90 and 90')
const longitude = z
  .number({ error: 'Enter the longitude as a number, like -3.0503' })
  .min(-180, 'Longitude must be between -180 and 180')
  .max(180, 'Longitude must be between -180 and 180')
const area = z
  .string({ error: 'Choose the area' })
  .trim()
  .min(1, 'Choose the area')
  .max(60)
  .describe('An area from the installation’s list')
const active = z.boolean({ error: 'Say whether it is in use' })

export const createBaseSchema = z.strictObject({ name: baseName, area, latitude, longitude })
export type CreateBaseInput = z.infer<typeof createBaseSchema>

export const updateBaseSchema = z
  .strictObject({
    name: baseName.optional(),
    area: area.optional(),
    latitude: latitude.optional(),
    longitude: longitude.optional(),
    active: active.optional().describe('A base no longer in use cannot be chosen for new shifts'),
  })
  .refine(atLeastOne, { error: 'Send something to change' })
export type UpdateBaseInput = z.infer<typeof updateBaseSchema>

// Vehicles

const callSign = z
  .string({ error: 'Enter the call sign' })
  .trim()
  .min(1, 'Enter the call sign')
  .max(20, 'The call sign must be 20 characters or fewer')
const registration = z
  .string({ error: 'Enter the registration' })
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9 ]{2,10}$/, 'Enter the registration in letters and numbers, like PN21 ABC')
  .nullable()

export const createVehicleSchema = z.strictObject({ callSign, registration: registration.optional() })
export type CreateVehicleInput = z.infer<typeof createVehicleSchema>

export const updateVehicleSchema = z
  .strictObject({
    callSign: callSign.optional(),
    registration: registration.optional(),
    active: active.optional().describe('A vehicle out of service cannot be given to new shifts'),
  })
  .refine(atLeastOne, { error: 'Send something to change' })
export type UpdateVehicleInput = z.infer<typeof updateVehicleSchema>

// Rotations

export const createRotationSchema = z.strictObject({
  userId: id('the officer').describe('A police officer of your agency'),
  homeTeam: z
    .string({ error: 'Enter the response team they come from' })
    .trim()
    .min(1, 'Enter the response team they come from')
    .max(80, 'The team must be 80 characters or fewer')
    .describe('Free text, such as "Response team C, Blackpool"'),
  startsOn: date('the start date'),
  endsOn: date('the end date').nullable().optional().describe('Leave out while the rotation is open-ended'),
})
export type CreateRotationInput = z.infer<typeof createRotationSchema>

export const endRotationSchema = z.strictObject({ endsOn: date('the end date') })

export const servedQuerySchema = z.strictObject({
  asOf: date('the date').optional().describe('Count officers who had served by this UK day; default today'),
  months: z.coerce.number().int().min(1).max(36).default(12).describe('Calendar months counted, up to `asOf`'),
})

// Responses

const isoInstant = z.string().describe('ISO 8601 date-time')

export const shiftSchema = z.object({
  id: z.string().uuid(),
  teamId: z.string().uuid(),
  teamName: z.string(),
  agencyId: z.string().uuid(),
  startsAt: isoInstant,
  endsAt: isoInstant,
  cancelledAt: isoInstant.nullable(),
  base: z.object({
    id: z.string().uuid(),
    name: z.string(),
    area: z.string(),
    latitude: z.number(),
    longitude: z.number(),
  }),
  vehicle: z.object({ id: z.string().uuid(), callSign: z.string(), registration: z.string().nullable() }).nullable(),
  members: z.array(z.object({ userId: z.string().uuid(), displayName: z.string(), duty: z.enum(DUTIES) })),
  readiness: z.array(z.string()).describe('What the shift still needs before visits can be planned; empty when ready'),
})

export const shiftListSchema = z.object({ from: z.string(), to: z.string(), items: z.array(shiftSchema) })

export const baseSchema = z.object({
  id: z.string().uuid(),
  agencyId: z.string().uuid(),
  name: z.string(),
  area: z.string(),
  latitude: z.number(),
  longitude: z.number(),
  active: z.boolean(),
})
export const baseListSchema = z.object({ items: z.array(baseSchema) })

export const vehicleSchema = z.object({
  id: z.string().uuid(),
  agencyId: z.string().uuid(),
  callSign: z.string(),
  registration: z.string().nullable(),
  active: z.boolean(),
})
export const vehicleListSchema = z.object({ items: z.array(vehicleSchema) })

export const rotationSchema = z.object({
  id: z.string().uuid(),
  userId: z.string().uuid(),
  displayName: z.string(),
  homeTeam: z.string(),
  startsOn: z.string(),
  endsOn: z.string().nullable(),
})
export const rotationListSchema = z.object({ items: z.array(rotationSchema) })

export const servedSchema = z.object({
  asOf: z.string(),
  total: z
    .number()
    .int()
    .describe('Distinct officers who had served by `asOf`: on a rotation, or on a shift as officer'),
  periods: z.array(
    z.object({
      month: z.string().describe('YYYY-MM'),
      label: z.string(),
      serving: z.number().int().describe('Officers who served at some time in the month'),
      joined: z.number().int().describe('Officers whose first service was in the month'),
      cumulative: z.number().int().describe('Officers who had served by the end of the month'),
    }),
  ),
})
