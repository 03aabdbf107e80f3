import type { IncidentInput } from './incident-schema.ts'
import { finalRiskLevel } from './risk-tools.ts'
import { addressKey, personKey } from './identity-keys.ts'
import type { IncidentWrite } from './repository.ts'
import type { AuditEntry } from '../audit/audit.ts'

export interface WriteContext {
  source: 'api' | 'csv' | 'form' | 'demo'
  importId: string | null
  createdBy: string | null
  /** The agency whose record the incident is. */
  ownerAgencyId: string
  /**
   * Long transactions (imports) collect their audit entries here and write them just before
   * committing, so they do not hold the audit chain's lock for the whole import.
   */
  auditSink?: AuditEntry[]
}

/** Turns a validated incident into the rows that store it. */
export function toIncidentWrite(input: IncidentInput, ctx: WriteContext): IncidentWrite {
  const { location, risk } = input
  return {
    incident: {
      force_reference: input.forceReference,
      reported_at: input.reportedAt,
      occurred_at: input.occurredAt,
      address: location.address,
      postcode: location.postcode,
      area: location.area,
      latitude: location.latitude ?? null,
      longitude: location.longitude ?? null,
      address_key: addressKey(location.address, location.postcode),
      risk_tool: risk.tool,
      risk_answers: risk.answers ? JSON.stringify(risk.answers) : null,
      risk_level_assessed: risk.level,
      judgement_level: risk.judgementLevel ?? null,
      judgement_reason: risk.judgementReason ?? null,
      risk_level: finalRiskLevel(risk.level, risk.judgementLevel),
      additional_vulnerabilities: input.additionalVulnerabilities,
      vulnerability_notes: input.vulnerabilityNotes ?? null,
      health_needs: input.healthNeeds,
      health_needs_notes: input.healthNeedsNotes ?? null,
      children_present: input.childrenPresent,
      summary: input.summary ?? null,
      source: ctx.source,
      import_id: ctx.importId,
      created_by: ctx.createdBy,
      owner_agency_id: ctx.ownerAgencyId,
    },
    people: input.people.map((p, position) => ({
      position,
      role: p.role,
      first_name: p.firstName,
      last_name: p.lastName,
      date_of_birth: p.dateOfBirth ?? null,
      address: p.address ?? null,
      postcode: p.postcode ?? null,
      phone: p.phone ?? null,
      nhs_number: p.nhsNumber ?? null,
      person_key: personKey(p),
    })),
    custody: input.people.flatMap((p, position) =>
      p.custody
        ? [
            {
              position,
              arrested_at: p.custody.arrestedAt,
              expected_release_at: p.custody.expectedReleaseAt ?? null,
              released_at: p.custody.releasedAt ?? null,
            },
          ]
        : [],
    ),
  }
}
