import type { Database, Queryable } from '../db/database.ts'
import type { Clock } from '../common/clock.ts'
import { authorId, type Actor } from '../auth/actor.ts'
import { z } from 'zod'
import { widestScope } from '../access/rules.ts'
import { redact, columnsOf } from '../access/fields.ts'
import type { AccessService } from '../access/service.ts'
import { recordAudits, type AuditEntry } from '../audit/audit.ts'
import { ConflictError, NotFoundError, ValidationError } from '../common/errors.ts'
import type { IncidentInput } from './incident-schema.ts'
import type { IncidentRuleContext } from './incident-rules.ts'
import type { RiskToolDefinition } from './risk-tools.ts'
import { validateIncident, type Validated } from './validate.ts'
import { toIncidentWrite, type WriteContext } from './mapping.ts'
import * as repo from './repository.ts'

export const SEARCH_PAGE_SIZE = 25

export const revealSchema = z.strictObject({
  personId: z.uuid().optional(),
  field: z.enum(['address', 'phone'], { error: 'Choose what to reveal' }),
  reason: z
    .string({ error: 'Give the reason you need to see this' })
    .trim()
    .min(5, 'Give the reason you need to see this, in at least 5 characters')
    .max(500, 'The reason must be 500 characters or fewer'),
})
export type RevealInput = z.infer<typeof revealSchema>

export const searchQuerySchema = z.strictObject({
  q: z.string().trim().min(2, 'Enter at least 2 characters to search for').max(100, 'Enter 100 characters or fewer'),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
})

function zodFieldIssues(error: z.ZodError) {
  return error.issues.map((i) => ({ path: i.path.join('.') || 'form', message: i.message }))
}

export class IntakeService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    readonly riskTools: Map<string, RiskToolDefinition>,
    private readonly access: AccessService,
  ) {}

  async ruleContext(): Promise<IncidentRuleContext> {
    return { now: this.clock.now(), areas: await repo.listActiveAreas(this.db), riskTools: this.riskTools }
  }

  validate(candidate: unknown, ctx: IncidentRuleContext): Validated {
    return validateIncident(candidate, ctx)
  }

  /** Records one incident (API or form). Throws ValidationError or ConflictError; saves nothing then. */
  async create(
    actor: Actor,
    candidate: unknown,
    source: 'api' | 'form',
  ): Promise<{ id: string; forceReference: string }> {
    const result = this.validate(candidate, await this.ruleContext())
    if (!result.ok) throw new ValidationError(result.issues)
    // The system's own work (command line, demo data) is on behalf of the installation's police force.
    const ownerAgencyId = actor.via === 'system' ? await this.ownerAgency() : actor.agencyId
    return this.db.transaction().execute(async (trx) => {
      const { inserted, duplicates } = await this.writeBatch(trx, actor, [result.input], {
        source,
        importId: null,
        createdBy: authorId(actor),
        ownerAgencyId,
      })
      if (duplicates.length > 0) {
        throw new ConflictError(`An incident with force reference ${result.input.forceReference} already exists`)
      }
      const row = inserted[0]!
      return { id: row.id, forceReference: row.force_reference }
    })
  }

  /**
   * Stores validated incidents inside the caller's transaction, with their audit rows and repeat
   * counts. Duplicated force references are skipped and returned, never overwritten.
   */
  async writeBatch(db: Queryable, actor: Actor, inputs: IncidentInput[], ctx: WriteContext) {
    const result = await this.storeBatch(db, actor, inputs, ctx)
    await this.countRepeats(
      db,
      result.inserted.map((r) => r.id),
    )
    return result
  }

  /** writeBatch without the repeat counts, for bulk work that counts once at the end. */
  async storeBatch(db: Queryable, actor: Actor, inputs: IncidentInput[], ctx: WriteContext) {
    const result = await repo.insertIncidentBatch(
      db,
      inputs.map((input) => toIncidentWrite(input, ctx)),
    )
    const entries = result.inserted.map((row) => ({
      action: 'collect' as const,
      recordType: 'incident',
      recordId: row.id,
      details: { source: ctx.source, forceReference: row.force_reference, importId: ctx.importId },
    }))
    if (ctx.auditSink) ctx.auditSink.push(...entries)
    else await recordAudits(db, actor, this.clock.now(), entries)
    return result
  }

  countRepeats(db: Queryable, incidentIds: string[]): Promise<void> {
    return repo.refreshPriorCounts(db, incidentIds)
  }

  /**
   * One incident with its people and custody, as the actor may see it: health fields only for
   * those allowed health data on this record, sensitive fields masked unless `reveal` (a field and
   * a reason) asks for one, which is logged as a consultation with its reason. The view is audited.
   */
  async getIncident(actor: Actor, id: string, reveal?: unknown) {
    const now = this.clock.now()
    const { via } = await this.access.check(actor, 'incident:view', 'incident', id)
    const health = await this.access.permits(actor, 'health:view', 'incident', id)
    let asked: RevealInput | null = null
    if (reveal !== undefined) {
      await this.access.check(actor, 'person:reveal', 'incident', id)
      const parsed = revealSchema.safeParse(reveal)
      if (!parsed.success) throw new ValidationError(zodFieldIssues(parsed.error))
      asked = parsed.data
    }
    const incident = await repo.findIncident(this.db, id)
    if (!incident) throw new NotFoundError('No incident with that id')
    const people = await repo.findPeople(this.db, id)
    if (asked?.personId && !people.some((p) => p.id === asked.personId)) {
      throw new ValidationError([{ path: 'personId', message: 'That person is not on this incident' }])
    }
    const revealedFor = (personId: string | null) =>
      new Set(asked && (asked.personId ?? null) === personId ? [asked.field] : [])
    const shownIncident = redact('incident', incident, { health }, revealedFor(null))
    const shownPeople = people.map((p) => ({ id: p.id, ...redact('person', p, { health }, revealedFor(p.id)) }))
    const custody = await repo.findCustody(this.db, [id])
    const entries: AuditEntry[] = [
      {
        action: 'consult',
        recordType: 'incident',
        recordId: id,
        fields: [
          ...new Set([...shownIncident.shown, ...shownPeople.flatMap((p) => p.shown.map((f) => `person.${f}`))]),
        ],
        details: via === 'break_glass' ? { view: 'incident', breakGlass: true } : { view: 'incident' },
      },
    ]
    if (asked) {
      entries.push({
        action: 'consult',
        recordType: asked.personId ? 'incident_person' : 'incident',
        recordId: asked.personId ?? id,
        fields: columnsOf(asked.personId ? 'person' : 'incident', asked.field),
        justification: asked.reason,
        details: { reveal: asked.field, incidentId: id },
      })
    }
    await recordAudits(this.db, actor, now, entries)
    return {
      incident: shownIncident.row,
      maskedIncidentFields: shownIncident.masked,
      people: shownPeople.map((p) => ({ ...p.row, masked: p.masked })),
      custody,
      showsHealthData: health,
      viaBreakGlass: via === 'break_glass',
      revealed: asked && { personId: asked.personId ?? null, field: asked.field },
    }
  }

  /**
   * Incidents the actor may open that match a force reference, a person's name or a postcode;
   * NHS numbers are searched only for those allowed health data, so a match cannot reveal one.
   * Each incident listed is audited as consulted.
   */
  async search(actor: Actor, candidate: unknown) {
    const parsed = searchQuerySchema.safeParse(candidate)
    if (!parsed.success) throw new ValidationError(zodFieldIssues(parsed.error))
    const { q, page } = parsed.data
    const filter = await this.access.filter(actor, 'incident:view')
    const health = widestScope(actor.roles, 'health:view') !== null
    const result = await repo.searchIncidents(this.db, {
      terms: q,
      nhsNumber: health && /^\d{10}$/.test(q.replace(/\s/g, '')) ? q.replace(/\s/g, '') : null,
      filter,
      limit: SEARCH_PAGE_SIZE,
      offset: (page - 1) * SEARCH_PAGE_SIZE,
    })
    await recordAudits(
      this.db,
      actor,
      this.clock.now(),
      result.rows.map((r) => ({
        action: 'consult' as const,
        recordType: 'incident',
        recordId: r.id,
        fields: ['force_reference', 'reported_at', 'area', 'risk_level', 'person.name'],
        details: { view: 'search' },
      })),
    )
    return { q, page, pageSize: SEARCH_PAGE_SIZE, total: result.total, rows: result.rows }
  }

  /**
   * The agency that owns incidents loaded by the system (command-line imports, demo data): the
   * agency with `code`, or the installation's only police agency.
   */
  async ownerAgency(code?: string): Promise<string> {
    const agencies = await repo.listAgencies(this.db)
    const match = code ? agencies.filter((a) => a.code === code) : agencies.filter((a) => a.kind === 'police')
    if (match.length === 1) return match[0]!.id
    if (code) throw new NotFoundError(`No agency with code ${code}`)
    throw new ValidationError([
      {
        path: 'agency',
        message:
          match.length === 0
            ? 'There is no police agency to own the incidents: create one first'
            : `There are several police agencies: choose one with --agency (${match.map((a) => a.code).join(', ')})`,
      },
    ])
  }

  areas(): Promise<string[]> {
    return repo.listActiveAreas(this.db)
  }
}
