import { z } from 'zod'
import { PERSON_ROLES, RISK_LEVELS } from './incident-schema.ts'
import type { IntakeService } from './service.ts'

const iso = (d: Date | null) => (d ? d.toISOString() : null)

/** An incident as the API returns it; health fields are null for roles that may not see them. */
export const incidentDetailSchema = z.object({
  id: z.string().uuid(),
  forceReference: z.string(),
  reportedAt: z.string(),
  occurredAt: z.string(),
  location: z.object({
    address: z.string().nullable().describe('Null while masked: reveal it with a reason'),
    postcode: z.string(),
    area: z.string(),
    latitude: z.number().nullable(),
    longitude: z.number().nullable(),
  }),
  risk: z.object({
    tool: z.string(),
    answers: z.record(z.string(), z.string()).nullable(),
    level: z.enum(RISK_LEVELS),
    judgementLevel: z.enum(RISK_LEVELS).nullable(),
    judgementReason: z.string().nullable(),
    finalLevel: z.enum(RISK_LEVELS),
  }),
  additionalVulnerabilities: z.boolean(),
  vulnerabilityNotes: z.string().nullable(),
  healthNeeds: z.boolean(),
  healthNeedsNotes: z.string().nullable().optional().describe('Present only for roles allowed health data'),
  masked: z.array(z.string()).describe('Sensitive fields of the incident that hold a value and are masked'),
  viaBreakGlass: z.boolean(),
  childrenPresent: z.boolean(),
  summary: z.string().nullable(),
  priorIncidentsSamePeople12m: z.number().int(),
  priorIncidentsSameAddress12m: z.number().int(),
  triageStatus: z.string(),
  people: z.array(
    z.object({
      id: z.string().uuid(),
      role: z.enum(PERSON_ROLES),
      firstName: z.string(),
      lastName: z.string(),
      dateOfBirth: z.string().nullable(),
      address: z.string().nullable(),
      postcode: z.string().nullable(),
      phone: z.string().nullable(),
      nhsNumber: z.string().nullable().optional().describe('Present only for roles allowed health data'),
      masked: z.array(z.string()).describe('Sensitive fields that hold a value and are masked'),
    }),
  ),
  custody: z.array(
    z.object({
      suspectName: z.string(),
      arrestedAt: z.string(),
      expectedReleaseAt: z.string().nullable(),
      releasedAt: z.string().nullable(),
    }),
  ),
})

export function toIncidentDetail(
  r: Awaited<ReturnType<IntakeService['getIncident']>>,
): z.infer<typeof incidentDetailSchema> {
  const i = r.incident
  return {
    id: i.id,
    forceReference: i.force_reference,
    reportedAt: i.reported_at.toISOString(),
    occurredAt: i.occurred_at.toISOString(),
    location: { address: i.address, postcode: i.postcode, area: i.area, latitude: i.latitude, longitude: i.longitude },
    risk: {
      tool: i.risk_tool,
      answers: i.risk_answers,
      level: i.risk_level_assessed,
      judgementLevel: i.judgement_level,
      judgementReason: i.judgement_reason,
      finalLevel: i.risk_level,
    },
    additionalVulnerabilities: i.additional_vulnerabilities,
    vulnerabilityNotes: i.vulnerability_notes,
    healthNeeds: i.health_needs,
    ...('health_needs_notes' in i ? { healthNeedsNotes: i.health_needs_notes } : {}),
    masked: r.maskedIncidentFields,
    viaBreakGlass: r.viaBreakGlass,
    childrenPresent: i.children_present,
    summary: i.summary,
    priorIncidentsSamePeople12m: i.prior_same_people_12m,
    priorIncidentsSameAddress12m: i.prior_same_address_12m,
    triageStatus: i.triage_status,
    people: r.people.map((p) => ({
      id: p.id,
      role: p.role,
      firstName: p.first_name,
      lastName: p.last_name,
      dateOfBirth: p.date_of_birth,
      address: p.address,
      postcode: p.postcode,
      phone: p.phone,
      ...('nhs_number' in p ? { nhsNumber: p.nhs_number } : {}),
      masked: p.masked,
    })),
    custody: r.custody.map((c) => ({
      suspectName: `${c.first_name} ${c.last_name}`,
      arrestedAt: c.arrested_at.toISOString(),
      expectedReleaseAt: iso(c.expected_release_at),
      releasedAt: iso(c.released_at),
    })),
  }
}

export const searchResponseSchema = z.object({
  q: z.string(),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
  items: z.array(
    z.object({
      id: z.string().uuid(),
      forceReference: z.string(),
      reportedAt: z.string(),
      area: z.string(),
      riskLevel: z.enum(RISK_LEVELS),
      triageStatus: z.string(),
      victimName: z.string().nullable(),
    }),
  ),
})

export function toSearchResponse(
  r: Awaited<ReturnType<IntakeService['search']>>,
): z.infer<typeof searchResponseSchema> {
  return {
    q: r.q,
    page: r.page,
    pageSize: r.pageSize,
    total: r.total,
    items: r.rows.map((row) => ({
      id: row.id,
      forceReference: row.force_reference,
      reportedAt: row.reported_at.toISOString(),
      area: row.area,
      riskLevel: row.risk_level,
      triageStatus: row.triage_status,
      victimName: row.victim_name,
    })),
  }
}

export const breakGlassResponseSchema = z.object({ grantId: z.string().uuid(), expiresAt: z.string() })
