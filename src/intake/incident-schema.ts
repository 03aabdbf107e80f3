import { z } from 'zod'
import { isValidNhsNumber, normaliseNhsNumber } from './nhs-number.ts'

/**
 * The one shape every incident is validated against, whichever way it arrives
 * (API, CSV row, form). Rules that need the clock or configuration (future dates,
 * known areas, the risk tool's scoring) live in `incident-rules.ts`.
 */

export const RISK_LEVELS = ['standard', 'medium', 'high'] as const
export type RiskLevel = (typeof RISK_LEVELS)[number]
export const riskLevelSchema = z.enum(RISK_LEVELS)

export const PERSON_ROLES = ['victim', 'suspect', 'child', 'other'] as const
export type PersonRole = (typeof PERSON_ROLES)[number]

export const ANSWERS = ['yes', 'no', 'not_known'] as const
export type Answer = (typeof ANSWERS)[number]

const trimmed = (max: number) => z.string().trim().min(1).max(max)
const optionalText = (max: number) => z.string().trim().max(max).optional()

/** An instant with an explicit offset (Z or +01:00), so nothing depends on the server's zone. */
export const instantSchema = z.iso.datetime({ offset: true }).describe('ISO 8601 date-time with offset')
export const dateOnlySchema = z.iso.date().describe('ISO 8601 date (YYYY-MM-DD)')

export const UK_POSTCODE = /^(GIR 0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-HJKMNP-Z]? ?[0-9][ABD-HJLNP-UW-Z]{2})$/i

export const postcodeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(UK_POSTCODE, 'Enter a real UK postcode, like FY1 1AA')
  .transform((p) => p.replace(/\s+/g, '').replace(/^(.+)(.{3})$/, '$1 $2'))

export const nhsNumberSchema = z
  .string()
  .trim()
  .transform(normaliseNhsNumber)
  .refine(isValidNhsNumber, 'NHS number must be 10 digits with a valid check digit')

export const custodySchema = z
  .strictObject({
    arrestedAt: instantSchema,
    expectedReleaseAt: instantSchema.optional(),
    releasedAt: instantSchema.optional(),
  })
  .describe("The suspect's custody episode for this incident")
export type CustodyInput = z.infer<typeof custodySchema>

export const personSchema = z.strictObject({
  role: z.enum(PERSON_ROLES),
  firstName: trimmed(100),
  lastName: trimmed(100),
  dateOfBirth: dateOnlySchema.optional(),
  address: optionalText(300),
  postcode: postcodeSchema.optional(),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 ()-]{7,20}$/, 'Enter a phone number using digits, spaces and an optional leading +')
    .optional(),
  nhsNumber: nhsNumberSchema.optional(),
  custody: custodySchema.optional(),
})
export type PersonInput = z.infer<typeof personSchema>

export const riskAssessmentSchema = z.strictObject({
  tool: z
    .string()
    .trim()
    .toUpperCase()
    .pipe(z.string().regex(/^[A-Z0-9_-]{2,20}$/)),
  answers: z.record(z.string().regex(/^[a-z0-9_]{1,40}$/), z.enum(ANSWERS)).optional(),
  level: riskLevelSchema.describe('The level the tool gave, as recorded by the officer'),
  judgementLevel: riskLevelSchema.optional().describe('Professional judgement may raise the level, never lower it'),
  judgementReason: optionalText(2000),
})
export type RiskAssessmentInput = z.infer<typeof riskAssessmentSchema>

export const locationSchema = z.strictObject({
  address: trimmed(300),
  postcode: postcodeSchema,
  area: trimmed(60),
  latitude: z.number().min(49).max(61).optional(),
  longitude: z.number().min(-9).max(2.5).optional(),
})

export const FORCE_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9/_-]{2,39}$/

export const incidentInputSchema = z
  .strictObject({
    forceReference: z
      .string()
      .trim()
      .regex(FORCE_REFERENCE, 'Force reference must be 3 to 40 letters, digits, /, _ or -'),
    reportedAt: instantSchema,
    occurredAt: instantSchema,
    location: locationSchema,
    people: z.array(personSchema).min(1).max(30),
    risk: riskAssessmentSchema,
    additionalVulnerabilities: z.boolean().default(false),
    vulnerabilityNotes: optionalText(2000),
    healthNeeds: z.boolean().default(false),
    healthNeedsNotes: optionalText(2000),
    childrenPresent: z.boolean().default(false),
    summary: optionalText(4000),
  })
  .describe('A domestic abuse incident as recorded by the response officer')
export type IncidentInput = z.infer<typeof incidentInputSchema>
