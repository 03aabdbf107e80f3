import type { FastifyReply, FastifyRequest } from 'fastify'
import type { ZodError } from 'zod'
import type { Actor } from '../auth/actor.ts'
import { can, type Action } from '../auth/permissions.ts'
import type { FieldIssue } from '../common/errors.ts'

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null
    csrfToken: string | null
    sessionToken: string | null
    cspNonce: string
  }
  interface FastifyReply {
    render(template: string, context?: Record<string, unknown>): FastifyReply
  }
}

export function isApiRequest(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/')
}

/** A preHandler: the request must be signed in with a role allowed to do `action`. */
export function requireAction(action: Action) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const actor = request.actor
    if (!actor) {
      if (isApiRequest(request))
        return reply.code(401).send({ error: 'unauthorised', message: 'Sign in or send a bearer token' })
      return reply.redirect(`/sign-in?returnTo=${encodeURIComponent(request.url)}`)
    }
    if (!can(actor, action)) {
      if (isApiRequest(request)) {
        return reply.code(403).send({ error: 'forbidden', message: `Your roles do not allow ${action}` })
      }
      return reply.code(403).render('server/views/forbidden.njk', { action })
    }
  }
}

/** The signed-in actor, for handlers behind `requireAction`. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new Error('Route is missing requireAction')
  return request.actor
}

export function zodIssues(error: ZodError): FieldIssue[] {
  return error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))
}

/** GOV.UK error summary items with links to the fields (ids are paths with dots as dashes). */
export function errorSummary(issues: FieldIssue[]): { text: string; href: string }[] {
  return issues.map((i) => ({ text: i.message, href: `#${fieldId(i.path)}` }))
}

export function fieldId(path: string): string {
  return path.replace(/\./g, '-') || 'form'
}

export function errorsByField(issues: FieldIssue[]): Record<string, { text: string }> {
  const out: Record<string, { text: string }> = {}
  for (const i of issues) out[i.path] ??= { text: i.message }
  return out
}
