import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { RouteContext } from '../server/app.ts'
import { actorOf } from '../server/http.ts'
import { ForbiddenError } from '../common/errors.ts'
import type { Actor } from './actor.ts'
import { MfaService } from './mfa-service.ts'

export const CODE_FAILED = 'The code is not right, or it has already been used'

const codeForm = z.strictObject({ code: z.string().trim().max(40).default(''), _csrf: z.string().optional() })
const pageQuery = z.strictObject({ recoveryCodeUsed: z.literal('1').optional() })

/** Two-step sign-in from the user's own account page: set up, new recovery codes, turn off. */
export function securityRoutes(app: FastifyInstance, _ctx: RouteContext, mfa: MfaService): void {
  const PAGE = 'auth/views/account-security.njk'

  /** These change how the user signs in, so only the user, in a browser session, may. */
  const sessionActor = (request: FastifyRequest): Actor => {
    const actor = actorOf(request)
    if (actor.via !== 'session') throw new ForbiddenError('Change two-step sign-in from a browser session')
    return actor
  }

  async function page(actor: Actor, extra: Record<string, unknown> = {}) {
    const status = await mfa.status(actor.userId)
    const enrolment = status.enabled ? null : await mfa.enrolment({ id: actor.userId, username: actor.username })
    return { pageTitle: 'Sign-in security', status, enrolment, ...extra }
  }

  const codeError = (id: string, code: string, empty: string) => [{ path: id, message: code ? CODE_FAILED : empty }]

  app.get('/account/security', { config: { action: 'reference:view' } }, async (request, reply) => {
    const query = pageQuery.parse(request.query)
    return reply.render(PAGE, await page(sessionActor(request), { recoveryCodeUsed: !!query.recoveryCodeUsed }))
  })

  app.post('/account/security/enrol', { config: { action: 'reference:view' } }, async (request, reply) => {
    const actor = sessionActor(request)
    const { code } = codeForm.parse(request.body ?? {})
    const codes = code ? await mfa.confirmEnrolment(actor, code, MfaService.sessionIdHash(request.sessionToken)) : null
    if (!codes) {
      const errors = codeError('code', code, 'Enter the code from your authenticator app')
      return reply.code(400).render(PAGE, await page(actor, { errors }))
    }
    return reply.render('auth/views/recovery-codes.njk', { codes, next: '/account/security', fresh: true })
  })

  app.post('/account/security/recovery-codes', { config: { action: 'reference:view' } }, async (request, reply) => {
    const actor = sessionActor(request)
    const { code } = codeForm.parse(request.body ?? {})
    const codes = code ? await mfa.regenerateRecoveryCodes(actor, code) : null
    if (!codes) {
      const errors = codeError('regenerate-code', code, 'Enter the code from your authenticator app')
      return reply.code(400).render(PAGE, await page(actor, { errors }))
    }
    return reply.render('auth/views/recovery-codes.njk', { codes, next: '/account/security', fresh: false })
  })

  app.post('/account/security/turn-off', { config: { action: 'reference:view' } }, async (request, reply) => {
    const actor = sessionActor(request)
    const { code } = codeForm.parse(request.body ?? {})
    const done = code ? await mfa.turnOff(actor, code, MfaService.sessionIdHash(request.sessionToken)) : false
    if (!done) {
      const errors = codeError('turn-off-code', code, 'Enter the code from your authenticator app')
      return reply.code(400).render(PAGE, await page(actor, { errors }))
    }
    return reply.redirect('/account/security', 303)
  })
}
