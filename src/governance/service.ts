import { z } from 'zod'
import type { Database } from '../db/database.ts'
import type { Clock } from '../common/clock.ts'
import type { Actor } from '../auth/actor.ts'
import { recordAudit, recordAudits } from '../audit/audit.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../common/errors.ts'
import { allows } from '../access/rules.ts'
import { POLICY, type Action } from '../access/policy.ts'
import { zodIssues } from '../server/http.ts'
import {
  AUDIT_ACTIONS,
  AUDIT_ACTION_LABELS,
  REVIEW_OUTCOMES,
  isUuid,
  parseUkDate,
  policyTable,
  ukDateRange,
} from './rules.ts'
import * as repo from './repository.ts'

export const LOG_PAGE_SIZE = 50
/** Counting stops here: a filter wider than this is narrowed or exported rather than paged through. */
export const LOG_COUNT_CAP = 10_000
export const GRANT_PAGE_SIZE = 50
export const PERSON_SEARCH_LIMIT = 200
const EXPORT_BATCH = 1000

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v)
/** A query parameter that may be absent or sent empty by a form: both mean "not given". */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blank, schema.optional())
const ukDate = (message: string) =>
  z.string().transform((s, ctx) => {
    const d = parseUkDate(s)
    if (d === null) {
      ctx.addIssue({ code: 'custom', message })
      return z.NEVER
    }
    return d
  })
const page = z.coerce.number().int().min(1).max(100_000).default(1)

/** The access log's filters, shared by the page, the CSV export and the API. */
export const accessLogQuerySchema = z
  .strictObject({
    record: optional(
      z
        .string()
        .trim()
        .max(100, 'Enter an incident ID or force reference of 100 characters or fewer')
        .describe('An incident: its ID or force reference. The log includes the people on it.'),
    ),
    person: optional(
      z
        .uuid({ error: 'Enter a person ID: find it with the person search' })
        .describe(
          'A person on an incident (incident_person id). The log covers every record of that person ' +
            '(the same exact identity key) and the incidents they are on.',
        ),
    ),
    user: optional(
      z.string().trim().toLowerCase().max(100, 'Enter a username of 100 characters or fewer').describe('A username'),
    ),
    agency: optional(z.uuid({ error: 'Choose an agency' }).describe('The agency of the user who acted')),
    action: optional(z.enum(AUDIT_ACTIONS, { error: 'Choose an action from the list' })),
    from: optional(
      ukDate('Enter a real date for "from", like 23/11/2026').describe('UK date: 23/11/2026 or 2026-11-23'),
    ),
    to: optional(ukDate('Enter a real date for "to", like 23/11/2026').describe('UK date, inclusive')),
    page,
  })
  .superRefine((q, ctx) => {
    if (q.record && q.person) {
      ctx.addIssue({ code: 'custom', path: ['person'], message: 'Choose a record or a person, not both' })
    }
    if (q.from && q.to && q.from > q.to) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'The "to" date must be the same as or after "from"' })
    }
  })
export type AccessLogQuery = z.infer<typeof accessLogQuerySchema>

export const personSearchSchema = z.strictObject({
  lastName: z
    .string({ error: 'Enter a last name' })
    .trim()
    .min(1, 'Enter a last name')
    .max(100, 'Enter a last name of 100 characters or fewer'),
  firstName: optional(z.string().trim().max(100, 'Enter a first name of 100 characters or fewer')),
  dateOfBirth: optional(
    ukDate('Enter a real date of birth, like 17/5/1990').describe('UK date: 17/5/1990 or 1990-05-17'),
  ),
})
export type PersonSearch = z.infer<typeof personSearchSchema>

export const grantListQuerySchema = z.strictObject({
  status: z.enum(['all', 'unreviewed', 'reviewed']).default('all'),
  page,
})
export type GrantListQuery = z.infer<typeof grantListQuerySchema>

export const reviewInputSchema = z
  .strictObject({
    outcome: z.enum(REVIEW_OUTCOMES, { error: 'Choose whether the access was justified' }),
    notes: z.string().trim().max(2000, 'Notes must be 2,000 characters or fewer').optional(),
  })
  .superRefine((r, ctx) => {
    if (r.outcome === 'not_justified' && !r.notes) {
      ctx.addIssue({ code: 'custom', path: ['notes'], message: 'Explain why the access was not justified' })
    }
  })
export type ReviewInput = z.infer<typeof reviewInputSchema>

const RECORD_TYPE_LABELS: Record<string, string> = {
  incident: 'Incident',
  incident_person: 'Person',
  triage_queue: 'Triage queue',
  access_log: 'Access log',
  person_search: 'Person search',
  break_glass_grant: 'Break-glass access',
  user: 'User',
  api_token: 'API token',
  setting: 'Setting',
  import_job: 'Import',
  shift: 'Shift',
  deployment_base: 'Deployment base',
  vehicle: 'Vehicle',
  rotation: 'Officer rotation',
  consultation: 'Consultation',
}

/** The columns an access log shows: recorded on the audit row of each viewing or export of a log. */
const LOG_FIELDS = [
  'at',
  'user',
  'agency',
  'roles',
  'action',
  'record',
  'fields',
  'justification',
  'recipients',
  'request_id',
]

export interface LogItem {
  id: number
  seq: number | null
  at: Date
  requestId: string | null
  user: {
    id: string | null
    username: string | null
    displayName: string | null
    agencyId: string | null
    agencyName: string | null
    roles: string[]
  }
  action: string
  actionLabel: string
  record: {
    type: string
    typeLabel: string
    id: string | null
    /** What the record is, for people: name, role and incident reference. */
    label: string
    incidentId: string | null
    personId: string | null
  }
  fields: string[]
  justification: string | null
  recipients: string[]
  details: Record<string, unknown>
  breakGlassGrantId: string | null
}

type PersonRecord = Awaited<ReturnType<typeof repo.peopleWithKey>>[number]
const personOut = (p: PersonRecord) => ({
  id: p.id,
  incidentId: p.incident_id,
  forceReference: p.force_reference,
  reportedAt: p.reported_at,
  role: p.role,
  firstName: p.first_name,
  lastName: p.last_name,
  dateOfBirth: p.date_of_birth,
})
export type PersonOut = ReturnType<typeof personOut>

export type LogSubject =
  | { kind: 'incident'; incidentId: string; forceReference: string | null; people: PersonOut[] }
  | { kind: 'person'; personId: string; records: PersonOut[]; keyed: boolean }

export class GovernanceService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /** The access policy as a table: generated from the policy data, so it cannot drift from it. */
  policy(actor: Actor) {
    this.require(actor, 'policy:view')
    return policyTable()
  }

  /** What the governance start page shows: the review work waiting, for those who do it. */
  async startPage(actor: Actor): Promise<{ unreviewedBreakGlass: number | null }> {
    this.require(actor, 'policy:view')
    const unreviewedBreakGlass = allows(actor, 'breakglass:review') ? await repo.countUnreviewedGrants(this.db) : null
    return { unreviewedBreakGlass }
  }

  agencies() {
    return repo.listAgencies(this.db)
  }

  /**
   * One page of the access log, newest first. Viewing an access log is itself a consultation,
   * recorded with the filters used.
   */
  async accessLog(actor: Actor, candidate: unknown) {
    this.require(actor, 'audit:view')
    const query = parse(accessLogQuerySchema, candidate)
    const { subject, filter } = await this.resolve(query)
    const total = await repo.logCount(this.db, filter, LOG_COUNT_CAP)
    const pageCount = Math.max(1, Math.ceil(Math.min(total, LOG_COUNT_CAP) / LOG_PAGE_SIZE))
    const pageNumber = Math.min(query.page, pageCount)
    const rows = await repo.logPage(this.db, filter, LOG_PAGE_SIZE, (pageNumber - 1) * LOG_PAGE_SIZE)
    const items = await this.describe(rows)
    await recordAudit(this.db, actor, this.clock.now(), {
      action: 'consult',
      recordType: 'access_log',
      fields: LOG_FIELDS,
      details: { view: 'access_log', filters: auditedFilters(query, subject), page: pageNumber },
    })
    return {
      query,
      subject,
      total: Math.min(total, LOG_COUNT_CAP),
      totalIsCapped: total > LOG_COUNT_CAP,
      page: pageNumber,
      pageSize: LOG_PAGE_SIZE,
      pageCount,
      items,
    }
  }

  /**
   * Every row of the filtered log, newest first, read in batches so an export of any size runs in
   * bounded memory. The export is recorded before the first row is sent.
   */
  async exportAccessLog(actor: Actor, candidate: unknown, batchSize = EXPORT_BATCH) {
    this.require(actor, 'audit:view')
    const query = parse(accessLogQuerySchema, candidate)
    const { subject, filter } = await this.resolve(query)
    const now = this.clock.now()
    await recordAudit(this.db, actor, now, {
      action: 'consult',
      recordType: 'access_log',
      fields: LOG_FIELDS,
      details: { view: 'export', format: 'csv', filters: auditedFilters(query, subject) },
    })
    const describe = (rows: repo.LogRow[]) => this.describe(rows)
    const db = this.db
    async function* items(): AsyncGenerator<LogItem> {
      let after: { at: Date; id: number } | null = null
      for (;;) {
        const rows = await repo.logBatch(db, filter, after, batchSize)
        if (rows.length === 0) return
        yield* await describe(rows)
        if (rows.length < batchSize) return
        const last = rows[rows.length - 1]!
        after = { at: last.at, id: last.id }
      }
    }
    return { query, subject, filename: `access-log-${now.toISOString().slice(0, 10)}.csv`, items: items() }
  }

  /**
   * People on incidents by name and, optionally, date of birth, grouped by exact identity key so
   * one person's records across incidents appear together. Each person listed is recorded as
   * consulted (names and dates of birth are shown); the search terms themselves are not stored.
   */
  async findPeople(actor: Actor, candidate: unknown) {
    this.require(actor, 'audit:view')
    const q = parse(personSearchSchema, candidate)
    const rows = await repo.searchPeople(this.db, q, PERSON_SEARCH_LIMIT + 1)
    const truncated = rows.length > PERSON_SEARCH_LIMIT
    const shown = rows.slice(0, PERSON_SEARCH_LIMIT)
    const groups = new Map<
      string,
      { personId: string; firstName: string; lastName: string; dateOfBirth: string | null; records: PersonOut[] }
    >()
    for (const p of shown) {
      const key = p.person_key ?? `id:${p.id}`
      const group = groups.get(key)
      if (group) group.records.push(personOut(p))
      else
        groups.set(key, {
          personId: p.id,
          firstName: p.first_name,
          lastName: p.last_name,
          dateOfBirth: p.date_of_birth,
          records: [personOut(p)],
        })
    }
    const now = this.clock.now()
    const criteria = ['last_name', ...(q.firstName ? ['first_name'] : []), ...(q.dateOfBirth ? ['date_of_birth'] : [])]
    await recordAudits(this.db, actor, now, [
      { action: 'consult', recordType: 'person_search', fields: criteria, details: { results: shown.length } },
      ...shown.map((p) => ({
        action: 'consult' as const,
        recordType: 'incident_person',
        recordId: p.id,
        fields: ['first_name', 'last_name', 'date_of_birth', 'role'],
        details: { view: 'person_search', incidentId: p.incident_id },
      })),
    ])
    return { query: q, people: [...groups.values()], truncated }
  }

  /** Break-glass grants, unreviewed first, with who, when, which record, why and what they opened. */
  async breakGlassList(actor: Actor, candidate: unknown) {
    this.require(actor, 'breakglass:review')
    const query = parse(grantListQuerySchema, candidate)
    const counts = await repo.countGrants(this.db)
    const total =
      query.status === 'all' ? counts.unreviewed + counts.reviewed : counts[query.status as 'reviewed' | 'unreviewed']
    const pageCount = Math.max(1, Math.ceil(total / GRANT_PAGE_SIZE))
    const pageNumber = Math.min(query.page, pageCount)
    const rows = await repo.listGrants(this.db, query.status, GRANT_PAGE_SIZE, (pageNumber - 1) * GRANT_PAGE_SIZE)
    const items = await this.describeGrants(rows)
    await recordAudit(this.db, actor, this.clock.now(), {
      action: 'consult',
      recordType: 'break_glass_grant',
      fields: GRANT_FIELDS,
      details: { view: 'break_glass_list', status: query.status, page: pageNumber, grants: rows.length },
    })
    return { query, counts, total, page: pageNumber, pageSize: GRANT_PAGE_SIZE, pageCount, items }
  }

  /** One grant, with every audit row made under it. */
  async breakGlassGrant(actor: Actor, id: string) {
    this.require(actor, 'breakglass:review')
    const row = await repo.findGrant(this.db, id)
    if (!row) throw new NotFoundError('No break-glass access with that id')
    const [grant] = await this.describeGrants([row])
    await recordAudit(this.db, actor, this.clock.now(), {
      action: 'consult',
      recordType: 'break_glass_grant',
      recordId: id,
      fields: GRANT_FIELDS,
    })
    return grant!
  }

  /** Marks a grant reviewed, with the outcome and notes; the review is audited in the same transaction. */
  async reviewBreakGlass(actor: Actor, id: string, candidate: unknown): Promise<void> {
    this.require(actor, 'breakglass:review')
    const input = parse(reviewInputSchema, candidate)
    const now = this.clock.now()
    await this.db.transaction().execute(async (trx) => {
      const grant = await repo.findGrant(trx, id)
      if (!grant) throw new NotFoundError('No break-glass access with that id')
      if (grant.user_id === actor.userId) throw new ForbiddenError('You cannot review your own break-glass access')
      const done = await repo.markGrantReviewed(trx, id, {
        at: now,
        by: actor.userId,
        outcome: input.outcome,
        notes: input.notes || null,
      })
      if (!done) throw new ConflictError('This break-glass access has already been reviewed')
      await recordAudit(trx, actor, now, {
        action: 'alter',
        recordType: 'break_glass_grant',
        recordId: id,
        fields: ['reviewed_at', 'reviewed_by', 'review_outcome', ...(input.notes ? ['review_notes'] : [])],
        details: { outcome: input.outcome },
      })
    })
  }

  private require(actor: Actor, action: Action): void {
    if (!allows(actor, action)) throw new ForbiddenError(`Your roles do not allow ${action}`)
  }

  /** Which records the log covers: an incident with its people, or every record of one person. */
  private async resolve(query: AccessLogQuery): Promise<{ subject: LogSubject | null; filter: repo.LogFilter }> {
    const { start, end } = ukDateRange(query.from, query.to)
    const filter: repo.LogFilter = {
      username: query.user,
      agencyId: query.agency,
      action: query.action,
      start,
      end,
    }
    if (query.record) {
      const incident = isUuid(query.record)
        ? await repo.findIncidentById(this.db, query.record)
        : await repo.findIncidentByReference(this.db, query.record)
      // An erased incident's trail outlives it: an ID still finds its rows.
      if (!incident && !isUuid(query.record)) {
        throw new ValidationError([{ path: 'record', message: 'No incident has that ID or force reference' }])
      }
      if (!incident && (await repo.findPerson(this.db, query.record))) {
        throw new ValidationError([
          { path: 'record', message: 'That is the ID of a person: enter it as the person ID' },
        ])
      }
      const incidentId = incident?.id ?? query.record.toLowerCase()
      const people = incident ? await repo.peopleOnIncident(this.db, incidentId) : []
      filter.targets = [
        { recordType: 'incident', recordIds: [incidentId] },
        { recordType: 'incident_person', recordIds: people.map((p) => p.id) },
      ]
      return {
        subject: {
          kind: 'incident',
          incidentId,
          forceReference: incident?.force_reference ?? null,
          people: people.map(personOut),
        },
        filter,
      }
    }
    if (query.person) {
      const person = await repo.findPerson(this.db, query.person)
      const records = person?.person_key ? await repo.peopleWithKey(this.db, person.person_key) : person ? [person] : []
      const personIds = records.length > 0 ? records.map((p) => p.id) : [query.person]
      filter.targets = [
        { recordType: 'incident_person', recordIds: personIds },
        { recordType: 'incident', recordIds: [...new Set(records.map((p) => p.incident_id))] },
      ]
      return {
        subject: {
          kind: 'person',
          personId: query.person,
          records: records.map(personOut),
          keyed: Boolean(person?.person_key),
        },
        filter,
      }
    }
    return { subject: null, filter }
  }

  /** Audit rows as the log shows them: who by name and agency, and what each record is. */
  private async describe(rows: repo.LogRow[]): Promise<LogItem[]> {
    const incidentIds = new Set<string>()
    const personIds = new Set<string>()
    for (const r of rows) {
      if (r.record_type === 'incident' && isUuid(r.record_id)) incidentIds.add(r.record_id)
      if (r.record_type === 'incident_person' && isUuid(r.record_id)) personIds.add(r.record_id)
    }
    const [incidents, people] = await Promise.all([
      repo.incidentsByIds(this.db, [...incidentIds]),
      repo.peopleByIds(this.db, [...personIds]),
    ])
    const references = new Map(incidents.map((i) => [i.id, i.force_reference]))
    const persons = new Map(people.map((p) => [p.id, p]))
    return rows.map((r) => {
      const details = r.details ?? {}
      let label = r.record_id ?? ''
      let incidentId: string | null = null
      let personId: string | null = null
      if (r.record_type === 'incident' && r.record_id) {
        incidentId = r.record_id
        label = references.get(r.record_id) ?? `${r.record_id} (no longer stored)`
      } else if (r.record_type === 'incident_person' && r.record_id) {
        personId = r.record_id
        const p = persons.get(r.record_id)
        if (p) {
          incidentId = p.incident_id
          label = `${p.first_name} ${p.last_name} (${p.role}), ${p.force_reference}`
        } else {
          label = `${r.record_id} (no longer stored)`
          if (typeof details.incidentId === 'string' && isUuid(details.incidentId)) incidentId = details.incidentId
        }
      }
      const grant = details.breakGlassGrantId
      return {
        id: r.id,
        seq: r.seq ?? null,
        at: r.at,
        requestId: r.request_id,
        user: {
          id: r.user_id,
          username: r.username,
          displayName: r.display_name,
          agencyId: r.agency_id,
          agencyName: r.agency_name,
          roles: r.roles ?? [],
        },
        action: r.action,
        actionLabel: AUDIT_ACTION_LABELS[r.action as keyof typeof AUDIT_ACTION_LABELS] ?? r.action,
        record: {
          type: r.record_type,
          typeLabel: RECORD_TYPE_LABELS[r.record_type] ?? r.record_type,
          id: r.record_id,
          label,
          incidentId,
          personId,
        },
        fields: r.fields ?? [],
        justification: r.justification ?? null,
        recipients: r.recipients ?? [],
        details,
        breakGlassGrantId: typeof grant === 'string' ? grant : null,
      }
    })
  }

  private async describeGrants(rows: NonNullable<Awaited<ReturnType<typeof repo.findGrant>>>[]) {
    const now = this.clock.now()
    const [audit, current, incidents] = await Promise.all([
      repo.grantAuditRows(this.db, rows),
      repo.rolesOf(
        this.db,
        rows.map((r) => r.user_id),
      ),
      repo.incidentsByIds(
        this.db,
        rows.filter((r) => r.resource === 'incident' && isUuid(r.record_id)).map((r) => r.record_id),
      ),
    ])
    const references = new Map(incidents.map((i) => [i.id, i.force_reference]))
    const uses = await this.describe(audit.filter((a) => a.details?.breakGlassGrantId !== undefined))
    return rows.map((g) => {
      const own = audit.filter(
        (a) => (a.record_type === 'break_glass_grant' && a.record_id === g.id) || a.details?.breakGlassGrantId === g.id,
      )
      // The roles the user held when the grant was made, from the first audit row about it.
      const first = own.find((a) => a.user_id === g.user_id)
      const grantUses = uses.filter((u) => u.breakGlassGrantId === g.id)
      return {
        id: g.id,
        user: {
          id: g.user_id,
          username: g.username,
          displayName: g.display_name,
          agencyName: g.agency_name,
          roles: first ? first.roles : (current.get(g.user_id) ?? []),
          rolesAtTheTime: first !== undefined,
        },
        action: g.action,
        actionLabel: g.action in POLICY ? POLICY[g.action as Action].label : g.action,
        resource: g.resource,
        record: {
          id: g.record_id,
          label:
            g.resource === 'incident'
              ? (references.get(g.record_id) ?? `${g.record_id} (no longer stored)`)
              : `${g.resource} ${g.record_id}`,
          incidentId: g.resource === 'incident' ? g.record_id : null,
        },
        reason: g.reason,
        grantedAt: g.granted_at,
        expiresAt: g.expires_at,
        active: g.expires_at.getTime() > now.getTime(),
        uses: grantUses,
        review: g.reviewed_at
          ? {
              reviewedAt: g.reviewed_at,
              reviewer: { username: g.reviewer_username, displayName: g.reviewer_display_name },
              outcome: g.review_outcome!,
              notes: g.review_notes,
            }
          : null,
      }
    })
  }
}

export type GrantItem = Awaited<ReturnType<GovernanceService['breakGlassGrant']>>

const GRANT_FIELDS = ['user', 'agency', 'roles', 'record', 'reason', 'granted_at', 'expires_at', 'review']

function parse<T extends z.ZodType>(schema: T, candidate: unknown): z.infer<T> {
  const parsed = schema.safeParse(candidate ?? {})
  if (!parsed.success) throw new ValidationError(zodIssues(parsed.error))
  return parsed.data
}

/** The filters recorded on the audit row of a log viewing or export: identifiers only, no personal values. */
function auditedFilters(q: AccessLogQuery, subject: LogSubject | null): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  if (subject?.kind === 'incident') out.incidentId = subject.incidentId
  if (q.person) out.person = q.person
  if (q.user) out.user = q.user
  if (q.agency) out.agency = q.agency
  if (q.action) out.action = q.action
  if (q.from) out.from = q.from
  if (q.to) out.to = q.to
  return out
}
