import { z } from 'zod'
import type { Database, Queryable } from '../db/database.ts'
import type { Clock } from '../common/clock.ts'
import type { Actor } from '../auth/actor.ts'
import { recordAudit, recordAudits } from '../audit/audit.ts'
import type { AccessService } from '../access/service.ts'
import type { Action } from '../access/policy.ts'
import { NotFoundError, ValidationError } from '../common/errors.ts'
import { localWindowStart } from '../common/uk-time.ts'
import { RISK_LEVELS } from '../intake/incident-schema.ts'
import { readSetting, readSettings } from '../settings/settings.ts'
import { repeated } from '../server/query.ts'
import type { TriageStatus } from '../db/schema.ts'
import { DECISIONS, DECISION_REASON_CODES, decisionIssues } from './decisions.ts'
import {
  assessEligibility,
  compareForQueue,
  custodyStatus,
  priorityScore,
  RISK_RANK,
  type CustodyFacts,
  type TriageFacts,
} from './rules.ts'
import * as repo from './repository.ts'

export const TRIAGE_STATUSES = ['undecided', ...DECISIONS] as const satisfies readonly TriageStatus[]
export const QUEUE_SORTS = ['priority', 'reported', 'risk'] as const

/** The queue's query, shared by the page and the API so both filter the same way. */
export const queueQuerySchema = z.strictObject({
  area: repeated(z.string().trim().min(1).max(60)),
  risk: repeated(z.enum(RISK_LEVELS)),
  status: repeated(z.enum(TRIAGE_STATUSES)),
  eligibility: z.enum(['all', 'eligible', 'not_eligible']).default('all'),
  sort: z.enum(QUEUE_SORTS).default('priority'),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
})
export type QueueQuery = z.infer<typeof queueQuerySchema>

export const decisionInputSchema = z.strictObject({
  decision: z.enum(DECISIONS, { error: 'Choose a decision' }),
  reasonCode: z.enum(DECISION_REASON_CODES as [string, ...string[]], { error: 'Choose a reason' }),
  reasonText: z.string().trim().max(2000).optional(),
})
export type DecisionInput = z.infer<typeof decisionInputSchema>

export function factsOf(row: Awaited<ReturnType<typeof repo.queueCandidates>>[number]): TriageFacts {
  const custody: CustodyFacts | null = row.arrested_at
    ? { arrestedAt: row.arrested_at, expectedReleaseAt: row.expected_release_at, releasedAt: row.released_at }
    : null
  return {
    riskLevel: row.risk_level,
    additionalVulnerabilities: row.additional_vulnerabilities,
    healthNeeds: row.health_needs,
    childrenPresent: row.children_present,
    priorIncidentsSamePeople12m: row.prior_same_people_12m,
    priorIncidentsSameAddress12m: row.prior_same_address_12m,
    reportedAt: row.reported_at,
    custody,
  }
}

export interface TriageWindow {
  start: Date
  end: Date
  hours: number
}

/** The window of `hours` of UK wall-clock time ending now. */
function windowEnding(now: Date, hours: number): TriageWindow {
  return { start: localWindowStart(now, hours), end: now, hours }
}

export class TriageService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly access: AccessService,
  ) {}

  async window(): Promise<TriageWindow> {
    return windowEnding(this.clock.now(), await readSetting(this.db, 'triage.windowHours'))
  }

  /**
   * Every incident reported in the window, scored and explained by the triage rules, filtered,
   * sorted and paginated. Rules run here, not in SQL, so there is one definition of each.
   */
  async queue(actor: Actor, query: QueueQuery, options: { export?: boolean } = {}) {
    const action: Action = options.export ? 'triage:export' : 'triage:view'
    const now = this.clock.now()
    const scope = await this.access.filter(actor, action)
    const settings = await readSettings(this.db, ['triage.windowHours', 'triage.pageSize', 'triage.priorityWeights'])
    const window = windowEnding(now, settings['triage.windowHours'])
    const pageSize = options.export ? Number.MAX_SAFE_INTEGER : settings['triage.pageSize']
    const candidates = await repo.queueCandidates(this.db, {
      start: window.start,
      end: window.end,
      areas: query.area,
      risks: query.risk,
      statuses: query.status,
      scope,
    })
    const rows = candidates
      .map((row) => {
        const facts = factsOf(row)
        const priority = priorityScore(facts, now, settings['triage.priorityWeights'])
        return {
          id: row.id,
          reportedAt: row.reported_at,
          riskLevel: row.risk_level,
          status: row.triage_status,
          eligibility: assessEligibility(facts),
          priority,
          total: priority.total,
          custodyFacts: facts.custody,
        }
      })
      .filter((r) => query.eligibility === 'all' || r.eligibility.eligible === (query.eligibility === 'eligible'))
    rows.sort(
      query.sort === 'reported'
        ? (a, b) => b.reportedAt.getTime() - a.reportedAt.getTime()
        : query.sort === 'risk'
          ? (a, b) => RISK_RANK[b.riskLevel] - RISK_RANK[a.riskLevel] || compareForQueue(a, b)
          : compareForQueue,
    )
    const total = rows.length
    const pageCount = Math.max(1, Math.ceil(total / pageSize))
    const page = Math.min(query.page, pageCount)
    const pageRows = rows.slice((page - 1) * pageSize, page * pageSize)
    const details = new Map(
      (
        await repo.queueDisplayRows(
          this.db,
          pageRows.map((r) => r.id),
        )
      ).map((d) => [d.id, d]),
    )
    // Custody wording is only needed for the rows shown.
    const items = pageRows.map(({ custodyFacts, ...r }) => {
      const d = details.get(r.id)!
      return {
        ...r,
        custody: custodyStatus(custodyFacts, now),
        forceReference: d.force_reference,
        area: d.area,
        postcode: d.postcode,
        riskTool: d.risk_tool,
        victimName: d.victim_name,
      }
    })
    // Listing victims' names is a consultation of each record listed, so a person's access log shows it.
    await recordAudits(
      this.db,
      actor,
      now,
      items.map((i) => ({
        action: 'consult' as const,
        recordType: 'incident',
        recordId: i.id,
        fields: ['force_reference', 'victim_name', 'area', 'postcode', 'risk_level'],
        details: { view: action === 'triage:export' ? 'export' : 'triage_queue' },
      })),
    )
    return {
      window,
      now,
      items,
      total,
      page,
      pageSize,
      pageCount,
      eligibleCount: rows.filter((r) => r.eligibility.eligible).length,
    }
  }

  /** The triage rules applied to one incident now, read through `db` (a transaction when deciding). */
  private async evaluate(db: Queryable, incidentId: string) {
    const [row] = await repo.queueCandidates(db, { ids: [incidentId] })
    if (!row) throw new NotFoundError('No incident with that id')
    const facts = factsOf(row)
    return { row, facts, eligibility: assessEligibility(facts) }
  }

  /** The triage view of one incident: rules' explanations, custody and decision history. */
  async assessment(actor: Actor, incidentId: string) {
    const now = this.clock.now()
    await this.access.check(actor, 'incident:view', 'incident', incidentId)
    const { row, facts, eligibility } = await this.evaluate(this.db, incidentId)
    const weights = await readSetting(this.db, 'triage.priorityWeights')
    return {
      status: row.triage_status,
      eligibility,
      priority: priorityScore(facts, now, weights),
      custody: custodyStatus(facts.custody, now),
      history: await repo.decisionHistory(this.db, incidentId),
    }
  }

  /** Records a decision; earlier decisions stay in the history. */
  async decide(actor: Actor, incidentId: string, candidate: unknown): Promise<{ id: string }> {
    // Access first, so someone without it learns nothing from validation messages.
    await this.access.check(actor, 'triage:decide', 'incident', incidentId)
    const parsed = decisionInputSchema.safeParse(candidate)
    if (!parsed.success) {
      throw new ValidationError(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })))
    }
    const input = parsed.data
    const now = this.clock.now()
    // The incident is read inside the transaction, so the audit's "previous" is the status replaced.
    return this.db.transaction().execute(async (trx) => {
      await this.access.check(actor, 'triage:decide', 'incident', incidentId, trx)
      const { row, eligibility } = await this.evaluate(trx, incidentId)
      const issues = decisionIssues(input, eligibility.eligible)
      if (issues.length > 0) throw new ValidationError(issues)
      const id = await repo.insertDecision(trx, {
        incidentId,
        decision: input.decision,
        reasonCode: input.reasonCode,
        reasonText: input.reasonText || null,
        decidedBy: actor.userId,
        at: now,
      })
      await repo.setTriageStatus(trx, incidentId, input.decision)
      await recordAudit(trx, actor, now, {
        action: 'alter',
        recordType: 'incident',
        recordId: incidentId,
        fields: ['triage_decision'],
        details: {
          decisionId: id,
          decision: input.decision,
          reasonCode: input.reasonCode,
          previous: row.triage_status,
        },
      })
      return { id }
    })
  }

  async custodyBoard(actor: Actor) {
    const now = this.clock.now()
    const window = await this.window()
    const rows = await repo.openCustody(
      this.db,
      window.start,
      window.end,
      await this.access.filter(actor, 'custody:view'),
    )
    await recordAudits(
      this.db,
      actor,
      now,
      [...new Set(rows.map((r) => r.incident_id))].map((id) => ({
        action: 'consult' as const,
        recordType: 'incident',
        recordId: id,
        fields: ['force_reference', 'area', 'risk_level', 'custody', 'suspect_name'],
        details: { view: 'custody_board' },
      })),
    )
    return {
      window,
      rows: rows.map((r) => ({
        ...r,
        custody: custodyStatus(
          { arrestedAt: r.arrested_at, expectedReleaseAt: r.expected_release_at, releasedAt: r.released_at },
          now,
        ),
      })),
    }
  }
}
