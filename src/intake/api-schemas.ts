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
    address: z.string(),
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
  healthNeedsNotes: z.string().nullable(),
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
      nhsNumber: z.string().nullable(),
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
    healthNeedsNotes: i.health_needs_notes,
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
      nhsNumber: p.nhs_number,
    })),
    custody: r.custody.map((c) => ({
      suspectName: `${c.first_name} ${c.last_name}`,
      arrestedAt: c.arrested_at.toISOString(),
      expectedReleaseAt: iso(c.expected_release_at),
      releasedAt: iso(c.released_at),
    })),
  }
}
