import type { FastifyReply, FastifyRequest } from 'fastify'
import type { ZodError } from 'zod'
import type { Actor } from '../auth/actor.ts'
import { allows } from '../access/rules.ts'
import { POLICY, type Action } from '../access/policy.ts'
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

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The policy action this route takes (`src/access/policy.ts`); every route names one... */
    action?: Action
    /** ...or says it is open to anyone (signing in, health checks, static assets). */
    public?: boolean
    /** Takes a file upload (multipart), whose handler checks the CSRF token field before the file. */
    upload?: boolean
  }
}

/**
 * Called for every route as it is registered: a route that names no policy action and is not
 * marked public is a mistake, and the app refuses to start rather than serve it unguarded.
 */
export function assertRouteGuarded(route: { method: string | string[]; url: string; config?: unknown }): void {
  const config = (route.config ?? {}) as { action?: Action; public?: boolean }
  if (route.url.startsWith('/assets/')) return
  if (config.public === true) return
  if (config.action && config.action in POLICY) return
  throw new Error(
    `Route ${String(route.method)} ${route.url} names no policy action: add config: { action } or { public: true }`,
  )
}

/**
 * An onRequest hook: the route's action must be allowed to one of the actor's roles. Record-level
 * scope is checked by the service that loads the record.
 */
export async function enforceRouteAction(request: FastifyRequest, reply: FastifyReply) {
  const action = request.routeOptions.config.action
  if (!action) return
  const actor = request.actor
  if (!actor) {
    if (isApiRequest(request))
      return reply.code(401).send({ error: 'unauthorised', message: 'Sign in or send a bearer token' })
    if (request.method !== 'GET')
      return reply
        .code(401)
        .render('server/views/error.njk', { statusCode: 401, message: 'Your session has ended. Sign in again.' })
    return reply.redirect(`/sign-in?returnTo=${encodeURIComponent(request.url)}`)
  }
  if (!allows(actor, action)) {
    if (isApiRequest(request)) {
      return reply.code(403).send({ error: 'forbidden', message: `Your roles do not allow ${action}` })
    }
    return reply.code(403).render('server/views/forbidden.njk', { action })
  }
}

/** The signed-in actor, for handlers of routes that name an action. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new Error('Route names no action, so it has no actor')
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
