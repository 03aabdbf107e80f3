import { z } from 'zod'
import { RISK_LEVELS } from '../intake/incident-schema.ts'
import { DECISIONS } from './decisions.ts'
import { TRIAGE_STATUSES } from './service.ts'

const reason = z.object({ code: z.string(), text: z.string() })
const custody = z.object({
  state: z.enum(['not_arrested', 'in_custody', 'release_due_passed', 'released']),
  until: z.string().nullable(),
  minutesLeft: z.number().nullable(),
  text: z.string(),
})

export const queueResponseSchema = z.object({
  window: z.object({ start: z.string(), end: z.string(), hours: z.number() }),
  total: z.number().int(),
  eligibleCount: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  pageCount: z.number().int(),
  items: z.array(
    z.object({
      id: z.string().uuid(),
      forceReference: z.string(),
      reportedAt: z.string(),
      area: z.string(),
      postcode: z.string(),
      riskLevel: z.enum(RISK_LEVELS),
      riskTool: z.string(),
      victimName: z.string().nullable(),
      status: z.enum(TRIAGE_STATUSES),
      eligible: z.boolean(),
      reasons: z.array(reason),
      priority: z.object({
        total: z.number(),
        parts: z.array(z.object({ code: z.string(), label: z.string(), points: z.number() })),
      }),
      custody,
    }),
  ),
})

export const decisionResponseSchema = z.object({ id: z.string().uuid() })

export const decisionHistorySchema = z.object({
  status: z.enum(TRIAGE_STATUSES),
  history: z.array(
    z.object({
      id: z.string().uuid(),
      decision: z.enum(DECISIONS),
      reasonCode: z.string(),
      reasonText: z.string().nullable(),
      decidedAt: z.string(),
      decidedBy: z.string(),
    }),
  ),
})

export const custodyBoardSchema = z.object({
  window: z.object({ start: z.string(), end: z.string(), hours: z.number() }),
  items: z.array(
    z.object({
      incidentId: z.string().uuid(),
      forceReference: z.string(),
      area: z.string(),
      riskLevel: z.enum(RISK_LEVELS),
      status: z.enum(TRIAGE_STATUSES),
      suspectName: z.string(),
      arrestedAt: z.string(),
      expectedReleaseAt: z.string().nullable(),
      custody,
    }),
  ),
})
