import type { Database, Queryable } from '../db/database.ts'
import type { Clock } from '../common/clock.ts'
import { authorId, type Actor } from '../auth/actor.ts'
import { canSeeHealthData } from '../auth/permissions.ts'
import { recordAudit, recordAudits } from '../audit/audit.ts'
import { ConflictError, NotFoundError, ValidationError } from '../common/errors.ts'
import type { IncidentInput } from './incident-schema.ts'
import type { IncidentRuleContext } from './incident-rules.ts'
import type { RiskToolDefinition } from './risk-tools.ts'
import { validateIncident, type Validated } from './validate.ts'
import { toIncidentWrite, type WriteContext } from './mapping.ts'
import * as repo from './repository.ts'

const HEALTH_FIELDS = ['health_needs_notes', 'nhs_number'] as const

export class IntakeService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    readonly riskTools: Map<string, RiskToolDefinition>,
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
    return this.db.transaction().execute(async (trx) => {
      const { inserted, duplicates } = await this.writeBatch(trx, actor, [result.input], {
        source,
        importId: null,
        createdBy: authorId(actor),
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
    await recordAudits(
      db,
      actor,
      this.clock.now(),
      result.inserted.map((row) => ({
        action: 'collect' as const,
        recordType: 'incident',
        recordId: row.id,
        details: { source: ctx.source, forceReference: row.force_reference, importId: ctx.importId },
      })),
    )
    return result
  }

  countRepeats(db: Queryable, incidentIds: string[]): Promise<void> {
    return repo.refreshPriorCounts(db, incidentIds)
  }

  /** One incident with its people and custody, as the actor may see it; the view is audited. */
  async getIncident(actor: Actor, id: string) {
    const incident = await repo.findIncident(this.db, id)
    if (!incident) throw new NotFoundError('No incident with that id')
    const people = await repo.findPeople(this.db, id)
    const custody = await repo.findCustody(this.db, [id])
    const health = canSeeHealthData(actor)
    await recordAudit(this.db, actor, this.clock.now(), {
      action: 'consult',
      recordType: 'incident',
      recordId: id,
      fields: ['incident', 'people', 'custody', ...(health ? HEALTH_FIELDS : [])],
    })
    return {
      incident: health ? incident : { ...incident, health_needs_notes: null },
      people: health ? people : people.map((p) => ({ ...p, nhs_number: null })),
      custody,
      showsHealthData: health,
    }
  }

  areas(): Promise<string[]> {
    return repo.listActiveAreas(this.db)
  }
}
