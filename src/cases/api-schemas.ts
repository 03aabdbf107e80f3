import { z } from 'zod'
import { RISK_LEVELS } from '../intake/incident-schema.ts'
import { TIMELINE_KIND_CODES } from './timeline.ts'
import type { CaseService } from './service.ts'

const iso = (d: Date | null) => (d ? d.toISOString() : null)

const windowSchema = z.object({ weekday: z.number(), startMinute: z.number(), endMinute: z.number() })
/** Newer details exist on an incident the caller cannot open: whose they are and when, never what they say. */
const newerSchema = z.object({ agency: z.string(), recordedAt: z.string() }).nullable()
const newerOf = (n: { agency: string; recordedAt: Date } | null) =>
  n && { agency: n.agency, recordedAt: n.recordedAt.toISOString() }

export const safeContactResponseSchema = z.object({
  victimId: z.string(),
  victimName: z.string(),
  /** False when nothing is recorded for the victim on an incident the caller may open. */
  recorded: z.boolean(),
  /** The one line every page shows: how, then when, then the notes. */
  description: z.string(),
  methods: z.array(z.string()),
  onlyWhileSuspectInCustody: z.boolean(),
  windows: z.array(windowSchema),
  notes: z.string().nullable(),
  recordedAt: z.string().nullable(),
  recordedBy: z.string().nullable(),
  newerElsewhere: newerSchema,
})

export function toSafeContactResponse(
  s: Awaited<ReturnType<CaseService['safeContact']>>,
): z.infer<typeof safeContactResponseSchema> {
  return {
    victimId: s.victimId,
    victimName: s.victimName,
    recorded: s.recorded,
    description: s.line,
    methods: s.methods,
    onlyWhileSuspectInCustody: s.onlyWhileSuspectInCustody,
    windows: s.windows,
    notes: s.notes,
    recordedAt: iso(s.recordedAt),
    recordedBy: s.recordedBy,
    newerElsewhere: newerOf(s.newerElsewhere),
  }
}

export const caseResponseSchema = z.object({
  victim: z.object({ id: z.string(), name: z.string(), dateOfBirth: z.string().nullable() }),
  /** The latest incident the caller may open, with its final risk level. */
  latestIncident: z
    .object({
      id: z.string(),
      victimId: z.string().describe('The victim’s own row on that incident, for recording a contact'),
      reference: z.string(),
      riskLevel: z.enum(RISK_LEVELS),
      riskTool: z.string(),
    })
    .nullable(),
  incidents: z.number(),
  incidentsInLastYear: z.number(),
  safeContact: z.object({ recorded: z.boolean(), description: z.string(), newerElsewhere: newerSchema }),
  openActions: z.array(
    z.object({
      id: z.string(),
      incidentId: z.string(),
      kind: z.string(),
      referredTo: z.string().nullable(),
      status: z.string(),
      owner: z.string(),
      dueOn: z.string(),
      overdue: z.boolean(),
    }),
  ),
  timeline: z.array(
    z.object({
      kind: z.enum(TIMELINE_KIND_CODES),
      at: z.string(),
      title: z.string(),
      by: z.string().nullable(),
      lines: z.array(z.string()),
      incidentId: z.string(),
      reference: z.string(),
    }),
  ),
})

export function toCaseResponse(c: Awaited<ReturnType<CaseService['view']>>): z.infer<typeof caseResponseSchema> {
  return {
    victim: { id: c.victim.id, name: c.victim.name, dateOfBirth: c.victim.dateOfBirth },
    latestIncident: c.latestIncident,
    incidents: c.incidentCount,
    incidentsInLastYear: c.incidentsInLastYear,
    safeContact: {
      recorded: c.safeContact.recorded,
      description: c.safeContact.line,
      newerElsewhere: newerOf(c.safeContact.newerElsewhere),
    },
    openActions: c.openActions.map((a) => ({
      id: a.id,
      incidentId: a.incidentId,
      kind: a.kind,
      referredTo: a.referredTo,
      status: a.status,
      owner: a.owner,
      dueOn: a.dueOn,
      overdue: a.overdue,
    })),
    timeline: c.timeline.map((e) => ({
      kind: e.kind,
      at: e.at.toISOString(),
      title: e.title,
      by: e.by,
      lines: e.lines,
      incidentId: e.incidentId,
      reference: e.reference,
    })),
  }
}
