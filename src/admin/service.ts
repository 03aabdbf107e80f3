import { randomInt } from 'node:crypto'
import { z } from 'zod'
import type { Database, Queryable } from '../db/database.ts'
import type { Clock } from '../common/clock.ts'
import type { Actor } from '../auth/actor.ts'
import { ROLES, type Role } from '../auth/roles.ts'
import { hashPassword } from '../auth/passwords.ts'
import { revokeAllSessions, revokeUserTokens } from '../auth/repository.ts'
import { recordAudit } from '../audit/audit.ts'
import { allows } from '../access/rules.ts'
import type { Action } from '../access/policy.ts'
import {
  ConflictError,
  ForbiddenError,
  isUniqueViolation,
  NotFoundError,
  ValidationError,
  type FieldIssue,
} from '../common/errors.ts'
import {
  createAgencySchema,
  createTeamSchema,
  createUserSchema,
  shareInputSchema,
  teamListQuerySchema,
  updateAgencySchema,
  updateTeamSchema,
  updateUserSchema,
  userListQuerySchema,
  userRolesSchema,
  userTeamsSchema,
  type ShareInput,
  type UserListQuery,
} from './api-schemas.ts'
import {
  added,
  disableIssues,
  removed,
  roleChangeIssues,
  roleIssues,
  shareIssues,
  teamMemberIssues,
  unique,
  usernameIssue,
  userTeamIssues,
  type AccountFacts,
} from './rules.ts'
import * as repo from './repository.ts'

export const USER_PAGE_SIZE = 25

const memberSchema = z.strictObject({ userId: z.string().uuid({ error: 'Choose a user to add' }) })

/** A duplicate (username, agency code, team name, agreement) or a change the record's state forbids. */
export class FieldConflictError extends ConflictError {
  constructor(readonly issue: FieldIssue) {
    super(issue.message)
  }
}

export type AdminUser = ReturnType<typeof toUser>
export type AdminTeam = ReturnType<typeof toTeam>

function toUser(row: NonNullable<Awaited<ReturnType<typeof repo.findUser>>>) {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    agencyId: row.agency_id,
    agencyName: row.agency_name,
    agencyKind: row.agency_kind,
    roles: ROLES.filter((r) => row.roles.includes(r)),
    teams: row.teams,
    enabled: row.disabled_at === null,
    disabledAt: row.disabled_at,
    serviceAccount: row.is_service_account,
    secondFactor: row.second_factor,
    createdAt: row.created_at,
  }
}

function toTeam(row: NonNullable<Awaited<ReturnType<typeof repo.findTeam>>>) {
  return {
    id: row.id,
    agencyId: row.agency_id,
    agencyName: row.agency_name,
    name: row.name,
    areas: row.areas,
    memberCount: Number(row.member_count ?? 0),
    createdAt: row.created_at,
  }
}

function parse<T extends z.ZodType>(schema: T, candidate: unknown): z.infer<T> {
  const parsed = schema.safeParse(candidate)
  if (!parsed.success) {
    throw new ValidationError(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })))
  }
  return parsed.data
}

/** Readable, unambiguous temporary passwords: 20 characters in groups of five (about 99 bits). */
const PASSWORD_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'
export function generatePassword(): string {
  const groups = Array.from({ length: 4 }, () =>
    Array.from({ length: 5 }, () => PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)]).join(''),
  )
  return groups.join('-')
}

/**
 * Administration of agencies, information-sharing agreements, teams, users and their roles.
 * Each change is written with its audit row in one transaction; changes that take away access
 * (disabling, removing a role) revoke the user's sessions so they apply from the next request.
 */
export class AdminService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  private require(actor: Actor, action: Action): void {
    if (!allows(actor, action)) throw new ForbiddenError(`Your roles do not allow ${action}`)
  }

  // Reference lists for forms and filters

  /** Agencies, for anyone who manages agencies, teams or users (the lists and forms need them). */
  async agencyOptions(actor: Actor) {
    if (!(['agency:manage', 'team:manage', 'user:manage'] as const).some((a) => allows(actor, a))) {
      throw new ForbiddenError('Your roles do not allow administration')
    }
    return repo.listAgencies(this.db)
  }

  areas(): Promise<string[]> {
    return repo.activeAreas(this.db)
  }

  // Agencies and sharing agreements

  async listAgencies(actor: Actor) {
    this.require(actor, 'agency:manage')
    return repo.listAgencies(this.db)
  }

  async getAgency(actor: Actor, id: string) {
    this.require(actor, 'agency:manage')
    return this.loadAgency(this.db, id)
  }

  private async loadAgency(db: Queryable, id: string) {
    const agency = await repo.findAgency(db, id)
    if (!agency) throw new NotFoundError('No agency with that id')
    const shares = (await repo.listShares(db, id)).map((s) => ({
      ownerAgencyId: s.owner_agency_id,
      ownerName: s.owner_name,
      partnerAgencyId: s.partner_agency_id,
      partnerName: s.partner_name,
      resource: s.resource,
      createdAt: s.created_at,
    }))
    return {
      ...agency,
      sharesGiven: shares.filter((s) => s.ownerAgencyId === id),
      sharesReceived: shares.filter((s) => s.partnerAgencyId === id),
    }
  }

  async createAgency(actor: Actor, candidate: unknown): Promise<{ id: string }> {
    this.require(actor, 'agency:manage')
    const input = parse(createAgencySchema, candidate)
    const now = this.clock.now()
    return this.write(
      async (trx) => {
        if (await repo.agencyCodeExists(trx, input.code)) {
          throw new FieldConflictError({
            path: 'code',
            message: `An agency with the code ${input.code} already exists`,
          })
        }
        const id = await repo.insertAgency(trx, input)
        await recordAudit(trx, actor, now, {
          action: 'collect',
          recordType: 'agency',
          recordId: id,
          fields: ['code', 'name', 'kind'],
        })
        return { id }
      },
      { path: 'code', message: `An agency with the code ${input.code} already exists` },
    )
  }

  async renameAgency(actor: Actor, id: string, candidate: unknown): Promise<void> {
    this.require(actor, 'agency:manage')
    const input = parse(updateAgencySchema, candidate)
    const now = this.clock.now()
    await this.db.transaction().execute(async (trx) => {
      const agency = await repo.findAgency(trx, id)
      if (!agency) throw new NotFoundError('No agency with that id')
      if (agency.name === input.name) return
      await repo.updateAgencyName(trx, id, input.name)
      await recordAudit(trx, actor, now, { action: 'alter', recordType: 'agency', recordId: id, fields: ['name'] })
    })
  }

  /** An information-sharing agreement: the partner's staff see this agency's records of the resource. */
  async addShare(actor: Actor, ownerAgencyId: string, candidate: unknown): Promise<void> {
    this.require(actor, 'agency:manage')
    const input = parse(shareInputSchema, candidate)
    const now = this.clock.now()
    await this.db.transaction().execute(async (trx) => {
      const [owner, partner] = await Promise.all([
        repo.findAgency(trx, ownerAgencyId),
        repo.findAgency(trx, input.partnerAgencyId),
      ])
      if (!owner) throw new NotFoundError('No agency with that id')
      if (!partner) throw new ValidationError([{ path: 'partnerAgencyId', message: 'Choose a partner agency' }])
      const issues = shareIssues(ownerAgencyId, input.partnerAgencyId)
      if (issues.length > 0) throw new ValidationError(issues)
      const inserted = await repo.insertShare(trx, { ownerAgencyId, ...input, now })
      if (!inserted) {
        throw new FieldConflictError({
          path: 'partnerAgencyId',
          message: `${owner.name} already shares these records with ${partner.name}`,
        })
      }
      await recordAudit(trx, actor, now, {
        action: 'collect',
        recordType: 'agency_share',
        recordId: shareId(ownerAgencyId, input),
        fields: ['owner_agency_id', 'partner_agency_id', 'resource'],
      })
    })
  }

  async removeShare(actor: Actor, ownerAgencyId: string, candidate: ShareInput): Promise<void> {
    this.require(actor, 'agency:manage')
    const share = parse(shareInputSchema, candidate)
    const now = this.clock.now()
    await this.db.transaction().execute(async (trx) => {
      const deleted = await repo.deleteShare(trx, { ownerAgencyId, ...share })
      if (!deleted) throw new NotFoundError('No such sharing agreement')
      await recordAudit(trx, actor, now, {
        action: 'erase',
        recordType: 'agency_share',
        recordId: shareId(ownerAgencyId, share),
        fields: ['owner_agency_id', 'partner_agency_id', 'resource'],
      })
    })
  }

  // Teams

  async listTeams(actor: Actor, query: unknown = {}): Promise<AdminTeam[]> {
    this.require(actor, 'team:manage')
    const q = parse(teamListQuerySchema, query)
    return (await repo.listTeams(this.db, q)).map(toTeam)
  }

  /** A team with its members, and the other staff of its agency who could join it. */
  async getTeam(actor: Actor, id: string) {
    this.require(actor, 'team:manage')
    const row = await repo.findTeam(this.db, id)
    if (!row) throw new NotFoundError('No team with that id')
    const [members, staff] = await Promise.all([
      repo.teamMembers(this.db, id),
      repo.agencyUsers(this.db, row.agency_id),
    ])
    const memberIds = new Set(members.map((m) => m.id))
    return {
      ...toTeam(row),
      members: members.map((m) => ({
        id: m.id,
        username: m.username,
        displayName: m.display_name,
        enabled: m.disabled_at === null,
      })),
      candidates: staff
        .filter((u) => !memberIds.has(u.id))
        .map((u) => ({ id: u.id, username: u.username, displayName: u.display_name, enabled: u.disabled_at === null })),
    }
  }

  async createTeam(actor: Actor, candidate: unknown): Promise<{ id: string }> {
    this.require(actor, 'team:manage')
    const input = parse(createTeamSchema, candidate)
    const areas = unique(input.areas)
    const now = this.clock.now()
    const taken = { path: 'name', message: `The agency already has a team called ${input.name}` }
    return this.write(async (trx) => {
      const agency = await repo.findAgency(trx, input.agencyId)
      if (!agency) throw new ValidationError([{ path: 'agencyId', message: 'Choose the agency' }])
      await this.checkAreas(trx, areas)
      if (await repo.teamNameTaken(trx, input.agencyId, input.name)) throw new FieldConflictError(taken)
      const id = await repo.insertTeam(trx, { agencyId: input.agencyId, name: input.name, now })
      await repo.setTeamAreas(trx, id, areas)
      await recordAudit(trx, actor, now, {
        action: 'collect',
        recordType: 'team',
        recordId: id,
        fields: ['agency_id', 'name', 'areas'],
      })
      return { id }
    }, taken)
  }

  async updateTeam(actor: Actor, id: string, candidate: unknown): Promise<void> {
    this.require(actor, 'team:manage')
    const input = parse(updateTeamSchema, candidate)
    const now = this.clock.now()
    const taken = { path: 'name', message: `The agency already has a team called ${input.name}` }
    await this.write(async (trx) => {
      const team = await repo.findTeam(trx, id)
      if (!team) throw new NotFoundError('No team with that id')
      const fields: string[] = []
      if (input.name !== undefined && input.name !== team.name) {
        if (await repo.teamNameTaken(trx, team.agency_id, input.name, id)) throw new FieldConflictError(taken)
        await repo.updateTeamName(trx, id, input.name)
        fields.push('name')
      }
      if (input.areas !== undefined) {
        const areas = unique(input.areas)
        if (added(team.areas, areas).length > 0 || removed(team.areas, areas).length > 0) {
          await this.checkAreas(trx, areas)
          await repo.setTeamAreas(trx, id, areas)
          fields.push('areas')
        }
      }
      if (fields.length === 0) return
      await recordAudit(trx, actor, now, { action: 'alter', recordType: 'team', recordId: id, fields })
    }, taken)
  }

  private async checkAreas(db: Queryable, areas: string[]): Promise<void> {
    const known = await repo.activeAreas(db)
    const unknown = areas.filter((a) => !known.includes(a))
    if (unknown.length > 0) {
      throw new ValidationError(unknown.map((a) => ({ path: 'areas', message: `${a} is not an area in Provide` })))
    }
  }

  async addTeamMember(actor: Actor, teamId: string, userId: string): Promise<void> {
    this.require(actor, 'team:manage')
    parse(memberSchema, { userId })
    const now = this.clock.now()
    await this.db.transaction().execute(async (trx) => {
      const team = await repo.findTeam(trx, teamId)
      if (!team) throw new NotFoundError('No team with that id')
      const users = await repo.usersByIds(trx, [userId])
      if (users.length === 0) throw new ValidationError([{ path: 'userId', message: 'Choose a user to add' }])
      const issues = teamMemberIssues(
        team.agency_id,
        users.map((u) => ({ id: u.id, username: u.username, agencyId: u.agency_id })),
      )
      if (issues.length > 0) throw new ValidationError(issues)
      const n = await repo.addTeamMembers(trx, [{ teamId, userId }])
      if (n === 0) return
      await recordAudit(trx, actor, now, {
        action: 'alter',
        recordType: 'team',
        recordId: teamId,
        fields: ['members'],
        details: { added: [userId] },
      })
    })
  }

  async removeTeamMember(actor: Actor, teamId: string, userId: string): Promise<void> {
    this.require(actor, 'team:manage')
    const now = this.clock.now()
    await this.db.transaction().execute(async (trx) => {
      if (!(await repo.findTeam(trx, teamId))) throw new NotFoundError('No team with that id')
      if (!(await repo.removeTeamMember(trx, teamId, userId))) throw new NotFoundError('That user is not in the team')
      await recordAudit(trx, actor, now, {
        action: 'alter',
        recordType: 'team',
        recordId: teamId,
        fields: ['members'],
        details: { removed: [userId] },
      })
    })
  }

  /** Only an empty team can be deleted, so nobody loses access to an area by surprise. */
  async deleteTeam(actor: Actor, id: string): Promise<void> {
    this.require(actor, 'team:manage')
    const now = this.clock.now()
    await this.db.transaction().execute(async (trx) => {
      const team = await repo.findTeam(trx, id)
      if (!team) throw new NotFoundError('No team with that id')
      if (Number(team.member_count) > 0) {
        throw new FieldConflictError({ path: 'team', message: 'Remove the team’s members before deleting it' })
      }
      await repo.deleteTeam(trx, id)
      await recordAudit(trx, actor, now, {
        action: 'erase',
        recordType: 'team',
        recordId: id,
        fields: ['agency_id', 'name', 'areas'],
      })
    })
  }

  // Users

  /** Users matching the filters, a page at a time. Listing users is a consultation of their records. */
  async listUsers(actor: Actor, query: unknown = {}) {
    this.require(actor, 'user:manage')
    const q: UserListQuery = parse(userListQuerySchema, query)
    const now = this.clock.now()
    const filter = { agencyId: q.agencyId, role: q.role, status: q.status, q: q.q }
    const total = await repo.countUsers(this.db, filter)
    const pageCount = Math.max(1, Math.ceil(total / USER_PAGE_SIZE))
    const page = Math.min(q.page, pageCount)
    const rows = await repo.listUsers(this.db, filter, {
      limit: USER_PAGE_SIZE,
      offset: (page - 1) * USER_PAGE_SIZE,
    })
    const items = rows.map(toUser)
    await recordAudit(this.db, actor, now, {
      action: 'consult',
      recordType: 'user_list',
      fields: ['username', 'display_name', 'agency', 'roles', 'teams', 'status'],
      // Which filters were used, not what was searched for: a search term can be a person's name.
      details: {
        userIds: items.map((u) => u.id),
        filters: Object.entries(filter)
          .filter(([k, v]) => v !== undefined && !(k === 'status' && v === 'all'))
          .map(([k]) => k),
        page,
      },
    })
    return { query: q, total, page, pageSize: USER_PAGE_SIZE, pageCount, items }
  }

  /** One user's account, as the administrator's user page shows it: a consultation. */
  async getUser(actor: Actor, id: string): Promise<AdminUser> {
    this.require(actor, 'user:manage')
    const user = await this.loadUser(this.db, id)
    await recordAudit(this.db, actor, this.clock.now(), {
      action: 'consult',
      recordType: 'user',
      recordId: id,
      fields: ['username', 'display_name', 'agency', 'roles', 'teams', 'status'],
    })
    return user
  }

  private async loadUser(db: Queryable, id: string): Promise<AdminUser> {
    const row = await repo.findUser(db, id)
    if (!row) throw new NotFoundError('No user with that id')
    return toUser(row)
  }

  /** Teams a user may belong to: those of their agency. */
  async teamOptions(actor: Actor, agencyId: string): Promise<AdminTeam[]> {
    this.require(actor, 'user:manage')
    return (await repo.listTeams(this.db, { agencyId })).map(toTeam)
  }

  /**
   * Creates a user with a temporary password: the one given, or a generated one returned here
   * once (only its argon2 hash is stored, and neither appears in the audit trail).
   */
  async createUser(actor: Actor, candidate: unknown): Promise<{ user: AdminUser; temporaryPassword?: string }> {
    this.require(actor, 'user:manage')
    const input = parse(createUserSchema, candidate)
    const roles = unique(input.roles)
    const generated = input.password === undefined ? generatePassword() : undefined
    const now = this.clock.now()
    const taken = usernameIssue(input.username, true)!
    // Checked before the slow hash, so a mistake is reported at once; checked again in the transaction.
    await this.checkNewUser(this.db, input.username, input.agencyId, roles)
    const passwordHash = await hashPassword(input.password ?? generated!)
    const user = await this.write(async (trx) => {
      await this.checkNewUser(trx, input.username, input.agencyId, roles)
      const id = await repo.insertUser(trx, {
        username: input.username,
        displayName: input.displayName,
        agencyId: input.agencyId,
        passwordHash,
        now,
      })
      await repo.addRoles(trx, id, roles)
      await recordAudit(trx, actor, now, {
        action: 'collect',
        recordType: 'user',
        recordId: id,
        fields: ['username', 'display_name', 'agency_id', 'roles', 'password_hash'],
        details: { roles, passwordGenerated: generated !== undefined },
      })
      return this.loadUser(trx, id)
    }, taken)
    return generated === undefined ? { user } : { user, temporaryPassword: generated }
  }

  private async checkNewUser(db: Queryable, username: string, agencyId: string, roles: Role[]): Promise<void> {
    const agency = await repo.findAgency(db, agencyId)
    const issues: FieldIssue[] = []
    if (!agency) issues.push({ path: 'agencyId', message: 'Choose the agency' })
    else issues.push(...roleIssues(roles, agency.kind))
    if (issues.length > 0) throw new ValidationError(issues)
    const taken = usernameIssue(username, await repo.usernameTaken(db, username))
    if (taken) throw new FieldConflictError(taken)
  }

  async updateUser(actor: Actor, id: string, candidate: unknown): Promise<AdminUser> {
    this.require(actor, 'user:manage')
    const input = parse(updateUserSchema, candidate)
    const now = this.clock.now()
    return this.db.transaction().execute(async (trx) => {
      const user = await this.loadUser(trx, id)
      if (user.displayName === input.displayName) return user
      await repo.updateDisplayName(trx, id, input.displayName)
      await recordAudit(trx, actor, now, {
        action: 'alter',
        recordType: 'user',
        recordId: id,
        fields: ['display_name'],
      })
      return this.loadUser(trx, id)
    })
  }

  /**
   * Replaces a user's roles. Removing a role revokes their sessions, so it applies from their next
   * request; an administrator cannot remove their own administrator role or the last one's.
   */
  async setRoles(actor: Actor, id: string, candidate: unknown): Promise<AdminUser> {
    this.require(actor, 'user:manage')
    const roles = unique(parse(userRolesSchema, candidate).roles)
    const now = this.clock.now()
    return this.db.transaction().execute(async (trx) => {
      await repo.lockAdministrators(trx)
      const user = await this.loadUser(trx, id)
      const issues = [
        ...roleIssues(roles, user.agencyKind),
        ...roleChangeIssues(await this.accountFacts(trx, actor, user), roles),
      ]
      if (issues.length > 0) throw new ValidationError(issues)
      const gained = added(user.roles, roles)
      const lost = removed(user.roles, roles)
      if (gained.length === 0 && lost.length === 0) return user
      await repo.removeRoles(trx, id, lost)
      await repo.addRoles(trx, id, gained)
      const sessionsRevoked = lost.length > 0 ? await revokeAllSessions(trx, id, now) : 0
      await recordAudit(trx, actor, now, {
        action: 'alter',
        recordType: 'user',
        recordId: id,
        fields: ['roles'],
        details: { added: gained, removed: lost, sessionsRevoked },
      })
      return this.loadUser(trx, id)
    })
  }

  /** Replaces a user's teams, all of which must be teams of the user's agency. */
  async setTeams(actor: Actor, id: string, candidate: unknown): Promise<AdminUser> {
    this.require(actor, 'user:manage')
    const teamIds = unique(parse(userTeamsSchema, candidate).teamIds)
    const now = this.clock.now()
    return this.db.transaction().execute(async (trx) => {
      const user = await this.loadUser(trx, id)
      const teams = await repo.teamsByIds(trx, teamIds)
      const missing = teamIds.filter((t) => !teams.some((row) => row.id === t))
      const issues: FieldIssue[] = [
        ...missing.map(() => ({ path: 'teamIds', message: 'Choose teams from the list' })),
        ...userTeamIssues(
          user.agencyId,
          teams.map((t) => ({ id: t.id, name: t.name, agencyId: t.agency_id })),
        ),
      ]
      if (issues.length > 0) throw new ValidationError(issues)
      const current = user.teams.map((t) => t.id)
      const joined = added(current, teamIds)
      const left = removed(current, teamIds)
      if (joined.length === 0 && left.length === 0) return user
      await repo.removeUserFromTeams(trx, id, left)
      await repo.addTeamMembers(
        trx,
        joined.map((teamId) => ({ teamId, userId: id })),
      )
      await recordAudit(trx, actor, now, {
        action: 'alter',
        recordType: 'user',
        recordId: id,
        fields: ['teams'],
        details: { added: joined, removed: left },
      })
      return this.loadUser(trx, id)
    })
  }

  /** Disables an account now: its sessions and API tokens are revoked in the same transaction. */
  async disableUser(actor: Actor, id: string): Promise<AdminUser> {
    this.require(actor, 'user:manage')
    const now = this.clock.now()
    return this.db.transaction().execute(async (trx) => {
      await repo.lockAdministrators(trx)
      const user = await this.loadUser(trx, id)
      const issues = disableIssues(await this.accountFacts(trx, actor, user))
      if (issues.length > 0) throw new ValidationError(issues)
      await repo.setDisabledAt(trx, id, now)
      const sessionsRevoked = await revokeAllSessions(trx, id, now)
      const tokensRevoked = await revokeUserTokens(trx, id, now)
      await recordAudit(trx, actor, now, {
        action: 'alter',
        recordType: 'user',
        recordId: id,
        fields: ['disabled_at'],
        details: { sessionsRevoked, tokensRevoked },
      })
      return this.loadUser(trx, id)
    })
  }

  /** Enables a disabled account. Revoked tokens stay revoked: the user asks for new ones. */
  async enableUser(actor: Actor, id: string): Promise<AdminUser> {
    this.require(actor, 'user:manage')
    const now = this.clock.now()
    return this.db.transaction().execute(async (trx) => {
      const user = await this.loadUser(trx, id)
      if (user.enabled) throw new ValidationError([{ path: 'user', message: 'This account is already enabled' }])
      await repo.setDisabledAt(trx, id, null)
      await recordAudit(trx, actor, now, { action: 'alter', recordType: 'user', recordId: id, fields: ['disabled_at'] })
      return this.loadUser(trx, id)
    })
  }

  private async accountFacts(db: Queryable, actor: Actor, user: AdminUser): Promise<AccountFacts> {
    return {
      actorId: actor.userId,
      targetId: user.id,
      targetRoles: user.roles,
      targetDisabled: !user.enabled,
      enabledAdministrators: await repo.countEnabledAdministrators(db),
    }
  }

  /**
   * A transaction whose unique constraint may still catch a duplicate that arrived between the
   * check and the insert: reported as the same conflict as the check's.
   */
  private async write<T>(work: (trx: Queryable) => Promise<T>, duplicate: FieldIssue): Promise<T> {
    try {
      return await this.db.transaction().execute(work)
    } catch (error) {
      if (isUniqueViolation(error)) throw new FieldConflictError(duplicate)
      throw error
    }
  }
}

/** How an agreement is named in the audit trail: it has no id of its own. */
export function shareId(ownerAgencyId: string, s: ShareInput): string {
  return `${ownerAgencyId}:${s.partnerAgencyId}:${s.resource}`
}
