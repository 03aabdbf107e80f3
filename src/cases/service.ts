import { z } from 'zod'
import type { Database, Queryable } from '../db/database.ts'
import type { Clock } from '../common/clock.ts'
import type { Actor } from '../auth/actor.ts'
import type { AccessService } from '../access/service.ts'
import type { Action } from '../access/policy.ts'
import { reaches, widestScope, type ScopeFilter } from '../access/rules.ts'
import { recordAudits } from '../audit/audit.ts'
import { NotFoundError } from '../common/errors.ts'
import { dayText, ukDate } from '../deployment/rota/rules.ts'
import { repeated } from '../server/query.ts'
import { ACTION_KINDS, ACTION_STATUSES, compareForWorklist, isOverdue } from '../safeguarding/rules.ts'
import { incidentsInLastYear, victimSafeContact } from './rules.ts'
import { TIMELINE_KIND_CODES, ownerOf, timelineOf, type TimelineKind } from './timeline.ts'
import * as repo from './repository.ts'

/** The case page's filter: `?kind=visit&kind=action`; none means every kind. */
export const caseQuerySchema = z.object({ kind: repeated(z.enum(TIMELINE_KIND_CODES)) })

/** What the audit row of each incident on the case page names as shown, by kind of event. */
const AUDIT_FIELDS: Record<TimelineKind, string> = {
  incident: 'incident',
  decision: 'triage_decisions',
  visit: 'visits',
  consultation: 'consultations',
  contact: 'tracker_contacts',
  action: 'safeguarding_actions',
  handover: 'handovers',
  safe_contact: 'safe_contact',
}

/**
 * A victim's record: every incident of theirs the reader may open, with what happened on each,
 * their current risk, open actions and safe-contact details. Reads only, each audited.
 */
export class CaseService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly access: AccessService,
  ) {}

  /**
   * The case page: the victim, the header's facts and the timeline (of `kinds`, all by default).
   * Only incidents the reader may open count; tracker contacts and safeguarding actions only
   * for readers allowed them, on those incidents. One consultation row per incident shown.
   */
  async view(actor: Actor, victimId: string, query: unknown = {}) {
    await this.access.check(actor, 'case:view', 'victim', victimId)
    const kinds = caseQuerySchema.safeParse(query).data?.kind ?? TIMELINE_KIND_CODES
    const now = this.clock.now()
    const [scope, trackerScope, safeguardingScope] = await Promise.all([
      this.access.filter(actor, 'incident:view'),
      this.optionalFilter(actor, 'tracker:view'),
      this.optionalFilter(actor, 'safeguarding:view'),
    ])
    return this.db.transaction().execute(async (trx) => {
      const victim = await this.victim(trx, victimId)
      const rows = await repo.caseIncidents(trx, victim, scope)
      const incidents = [...new Map(rows.map((r) => [r.id, r])).values()]
      const ids = incidents.map((i) => i.id)
      const personIds = rows.map((r) => r.person_id)
      const within = (filter: ScopeFilter | null) =>
        filter
          ? incidents
              .filter((i) =>
                reaches(filter, { ownerAgencyId: i.owner_agency_id, createdBy: i.created_by, area: i.area }),
              )
              .map((i) => i.id)
          : []
      const trackerIds = within(trackerScope)
      const safeguardingIds = within(safeguardingScope)
      const [
        decisions,
        visits,
        consultations,
        contacts,
        actionEvents,
        openActions,
        handovers,
        safeContacts,
        [details],
      ] = await Promise.all([
        repo.decisions(trx, ids),
        repo.visits(trx, ids),
        repo.consultations(trx, ids),
        repo.trackerContacts(trx, trackerIds, personIds),
        repo.actionEvents(trx, safeguardingIds, personIds),
        repo.openActions(trx, safeguardingIds, personIds),
        repo.handovers(trx, safeguardingIds, personIds),
        repo.safeContactHistory(trx, ids, personIds),
        repo.latestSafeContacts(trx, { victimIds: [victimId], scope }),
      ])
      const timeline = timelineOf(
        { incidents, decisions, visits, consultations, contacts, actionEvents, handovers, safeContacts },
        kinds,
      )
      await recordAudits(
        trx,
        actor,
        now,
        incidents.map((i) => ({
          action: 'consult' as const,
          recordType: 'incident',
          recordId: i.id,
          fields: [
            ...new Set([
              'incident',
              ...timeline.items.filter((e) => e.incidentId === i.id).map((e) => AUDIT_FIELDS[e.kind]),
            ]),
          ],
          details: { view: 'case', victimId },
        })),
      )
      const today = ukDate(now)
      const latest = incidents[0]
      return {
        victim: {
          id: victim.id,
          name: `${victim.first_name} ${victim.last_name}`,
          dateOfBirth: victim.date_of_birth,
          dateOfBirthText: victim.date_of_birth ? dayText(victim.date_of_birth) : null,
        },
        latestIncident: latest
          ? {
              id: latest.id,
              // This person's own victim row on that incident: the tracker records contacts by it.
              victimId: latest.person_id,
              reference: latest.force_reference,
              riskLevel: latest.risk_level,
              riskTool: latest.risk_tool,
            }
          : null,
        incidentCount: incidents.length,
        incidentsInLastYear: incidentsInLastYear(
          incidents.map((i) => i.reported_at),
          now,
        ),
        safeContact: victimSafeContact(details!).safeContact,
        openActions: openActions
          .map((a) => ({
            id: a.id,
            incidentId: a.incident_id,
            kind: a.kind,
            kindLabel: ACTION_KINDS[a.kind as keyof typeof ACTION_KINDS] ?? a.kind,
            referredTo: a.referred_to,
            status: a.status,
            statusLabel: ACTION_STATUSES[a.status],
            dueOn: a.due_on,
            dueText: dayText(a.due_on),
            owner: ownerOf(a),
            overdue: isOverdue({ status: a.status, dueOn: a.due_on }, today),
            requestedAt: a.raised_at,
          }))
          .sort((a, b) => compareForWorklist(a, b, today)),
        kinds,
        timeline: timeline.items,
        counts: timeline.counts,
        showsTracker: trackerScope !== null,
      }
    })
  }

  /**
   * The victim's current safe-contact details: the latest recorded for their case on an incident
   * the reader may open. `action` is what the reader is doing: reading them, or about to change them.
   */
  async safeContact(actor: Actor, victimId: string, action: Extract<Action, 'case:view' | 'safecontact:edit'>) {
    await this.access.check(actor, action, 'victim', victimId)
    const scope = await this.access.filter(actor, 'incident:view')
    const [row] = await repo.latestSafeContacts(this.db, { victimIds: [victimId], scope })
    if (!row) throw new NotFoundError('No victim with that id')
    await this.consulted(actor, [row])
    return { victimId, victimName: row.victim_name, incidentId: row.incident_id, ...victimSafeContact(row).safeContact }
  }

  /** The victims on an incident with their current details, for pages that offer a contact action. */
  async safeContactsForIncident(actor: Actor, incidentId: string) {
    await this.access.check(actor, 'incident:view', 'incident', incidentId)
    const scope = await this.access.filter(actor, 'incident:view')
    const rows = await repo.latestSafeContacts(this.db, { incidentIds: [incidentId], scope })
    await this.consulted(actor, rows)
    return rows.map(victimSafeContact)
  }

  /** Safe-contact notes are free text about a person: reading them is logged like any record. */
  private consulted(actor: Actor, rows: { victim_id: string; safe_contact_id: string | null }[]) {
    return recordAudits(
      this.db,
      actor,
      this.clock.now(),
      rows
        .filter((r) => r.safe_contact_id)
        .map((r) => ({
          action: 'consult' as const,
          recordType: 'incident_person',
          recordId: r.victim_id,
          fields: ['safe_contact'],
          details: { safeContactId: r.safe_contact_id },
        })),
    )
  }

  private async victim(db: Queryable, id: string) {
    const victim = await repo.findVictim(db, id)
    if (!victim) throw new NotFoundError('No victim with that id')
    return victim
  }

  /** The reader's scope for an action their roles may not have at all: then null, and nothing is read. */
  private async optionalFilter(actor: Actor, action: Action): Promise<ScopeFilter | null> {
    return widestScope(actor.roles, action) === null ? null : this.access.filter(actor, action)
  }
}
