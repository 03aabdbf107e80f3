import type { IncidentInput, PersonInput, RiskLevel } from '../intake/incident-schema.ts'
import { hoursBefore, hoursAfter } from './clock.ts'

let sequence = 0

/** A valid person; pass only what the test is about. */
export function aPerson(overrides: Partial<PersonInput> = {}): PersonInput {
  return { role: 'victim', firstName: 'Jane', lastName: 'Example', dateOfBirth: '1990-05-17', ...overrides }
}

export function aSuspect(overrides: Partial<PersonInput> = {}): PersonInput {
  return aPerson({ role: 'suspect', firstName: 'John', lastName: 'Sample', dateOfBirth: '1988-02-03', ...overrides })
}

export function inCustody(hoursAgo: number, releaseInHours: number | null): PersonInput['custody'] {
  return {
    arrestedAt: hoursBefore(hoursAgo).toISOString(),
    ...(releaseInHours === null ? {} : { expectedReleaseAt: hoursAfter(releaseInHours).toISOString() }),
  }
}

type IncidentOverrides = Omit<Partial<IncidentInput>, 'risk'> & {
  /** Shorthand for the risk assessment's level (tool DARA, judged by the officer). */
  risk?: RiskLevel | IncidentInput['risk']
  /** Hours before the fixed clock's now that the incident was reported. */
  reportedHoursAgo?: number
}

/** A valid incident reported two hours before FIXED_NOW; each call gets a new force reference. */
export function anIncident(overrides: IncidentOverrides = {}): IncidentInput {
  const { risk = 'standard', reportedHoursAgo = 2, ...rest } = overrides
  sequence++
  return {
    forceReference: `TEST-${String(sequence).padStart(6, '0')}`,
    reportedAt: hoursBefore(reportedHoursAgo).toISOString(),
    occurredAt: hoursBefore(reportedHoursAgo + 1).toISOString(),
    location: { address: `${sequence} Example Street`, postcode: 'FY1 1AA', area: 'Blackpool' },
    people: [aPerson(), aSuspect()],
    risk: typeof risk === 'string' ? { tool: 'DARA', level: risk } : risk,
    additionalVulnerabilities: false,
    healthNeeds: false,
    childrenPresent: false,
    ...rest,
  }
}
