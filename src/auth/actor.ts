import type { Role } from './roles.ts'

/** Who is making a request: the user behind a session or an API token. */
export interface Actor {
  userId: string
  username: string
  displayName: string
  agencyId: string
  agencyName: string
  roles: Role[]
  /** Teams the user belongs to and the areas they cover, for team-scoped access. */
  teamIds: string[]
  teamAreas: string[]
  via: 'session' | 'token' | 'system'
  requestId: string | null
}

/** The command line and start-up jobs act as the system, and say so in the audit trail. */
export function systemActor(purpose: string): Actor {
  return {
    userId: '00000000-0000-0000-0000-000000000000',
    username: `system:${purpose}`,
    displayName: 'Provide (system)',
    agencyId: '00000000-0000-0000-0000-000000000000',
    agencyName: 'System',
    roles: [],
    teamIds: [],
    teamAreas: [],
    via: 'system',
    requestId: null,
  }
}

/** The user to store as author of a change; null for the system, which is no row in app_user. */
export function authorId(actor: Actor): string | null {
  return actor.via === 'system' ? null : actor.userId
}
