import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { RouteContext } from '../server/app.ts'
import { actorOf } from '../server/http.ts'
import { safeEqual } from './tokens.ts'
import { MfaService } from './mfa-service.ts'
import type { PendingSession } from './service.ts'
import { CODE_FAILED, securityRoutes } from './security-routes.ts'

export const SESSION_COOKIE = 'provide_session'

/** One message for every failed sign-in, so the form does not reveal which usernames exist or are locked. */
export const SIGN_IN_FAILED = 'The username or password is not right'

const signInForm = z.strictObject({
  username: z.string().trim().max(100).default(''),
  password: z.string().max(200).default(''),
  returnTo: z.string().max(2000).optional(),
  _csrf: z.string().max(200).optional(),
})

const codeForm = z.strictObject({
  code: z.string().trim().max(40).default(''),
  returnTo: z.string().max(2000).optional(),
  _csrf: z.string().max(200).optional(),
})

const returnToQuery = z.object({ returnTo: z.string().max(2000).optional() })

/** Only same-site paths are followed after sign-in, so the form cannot be used to redirect elsewhere. */
export function safeReturnTo(value: string | undefined): string {
  return value && /^\/(?!\/)[\w\-/?=&%.+]*$/.test(value) ? value : '/'
}

function withReturnTo(path: string, returnTo: string): string {
  return returnTo === '/' ? path : `${path}?returnTo=${encodeURIComponent(returnTo)}`
}

export function authRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { services, config } = ctx
  // Refuses to start without a secret key for a server database (see `src/auth/secrets.ts`).
  const mfa = MfaService.fromConfig(ctx.db, ctx.clock, config)

  const setSessionCookie = (reply: FastifyReply, token: string) =>
    reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure: config.cookieSecure })

  /**
   * The half-signed-in session a second-factor page needs, with its CSRF token for the page's
   * forms (the app's CSRF check covers only signed-in sessions, so POSTs are checked here).
   */
  async function pendingFor(request: FastifyRequest, stage: PendingSession['stage']): Promise<PendingSession | null> {
    const pending = await services.auth.resolvePending(request.cookies[SESSION_COOKIE], stage)
    if (!pending) return null
    if (request.method === 'POST') {
      const sent = (request.body as { _csrf?: unknown } | undefined)?._csrf
      if (typeof sent !== 'string' || !safeEqual(sent, pending.csrfToken)) return null
    }
    request.csrfToken = pending.csrfToken
    return pending
  }

  app.get('/sign-in', { config: { public: true } }, async (request, reply) => {
    const { returnTo } = returnToQuery.parse(request.query)
    if (request.actor) return reply.redirect(safeReturnTo(returnTo))
    return reply.render('auth/views/sign-in.njk', { returnTo: safeReturnTo(returnTo) })
  })

  app.post('/sign-in', { config: { public: true } }, async (request, reply) => {
    const form = signInForm.parse(request.body ?? {})
    const returnTo = safeReturnTo(form.returnTo)
    const missing = [
      ...(form.username ? [] : [{ path: 'username', message: 'Enter your username' }]),
      ...(form.password ? [] : [{ path: 'password', message: 'Enter your password' }]),
    ]
    if (missing.length) {
      return reply.code(400).render('auth/views/sign-in.njk', { errors: missing, username: form.username, returnTo })
    }
    const started = await services.auth.beginSignIn(form.username, form.password, {
      requestId: request.id,
      replacing: request.cookies[SESSION_COOKIE],
    })
    if (!started) {
      const errors = [{ path: 'username', message: SIGN_IN_FAILED }]
      return reply.code(401).render('auth/views/sign-in.njk', { errors, username: form.username, returnTo })
    }
    // Always a new session id: a cookie planted before sign-in is never promoted (session fixation).
    setSessionCookie(reply, started.token)
    if (started.stage === 'second_factor') return reply.redirect(withReturnTo('/sign-in/verify', returnTo))
    if (started.stage === 'enrol') return reply.redirect(withReturnTo('/sign-in/enrol', returnTo))
    return reply.redirect(returnTo)
  })

  app.get('/sign-in/verify', { config: { public: true } }, async (request, reply) => {
    const returnTo = safeReturnTo(returnToQuery.parse(request.query).returnTo)
    if (!(await pendingFor(request, 'second_factor'))) return reply.redirect(withReturnTo('/sign-in', returnTo))
    return reply.render('auth/views/verify.njk', { returnTo })
  })

  app.post('/sign-in/verify', { config: { public: true } }, async (request, reply) => {
    const form = codeForm.parse(request.body ?? {})
    const returnTo = safeReturnTo(form.returnTo)
    const pending = await pendingFor(request, 'second_factor')
    if (!pending) return reply.redirect(withReturnTo('/sign-in', returnTo), 303)
    if (!form.code) {
      const errors = [{ path: 'code', message: 'Enter the code from your authenticator app, or a recovery code' }]
      return reply.code(400).render('auth/views/verify.njk', { errors, returnTo })
    }
    const result = await mfa.verifySignIn(pending, form.code, request.id)
    if (result.outcome === 'restart') {
      reply.clearCookie(SESSION_COOKIE, { path: '/' })
      request.csrfToken = null
      const errors = [{ path: 'username', message: 'Too many wrong codes. Sign in again.' }]
      return reply.code(401).render('auth/views/sign-in.njk', { errors, returnTo })
    }
    if (result.outcome === 'refused') {
      const errors = [{ path: 'code', message: CODE_FAILED }]
      return reply.code(401).render('auth/views/verify.njk', { errors, returnTo })
    }
    setSessionCookie(reply, result.token)
    // Someone using a recovery code has probably lost their phone: show them where to sort it out.
    if (result.recoveryCodesLeft !== null) return reply.redirect('/account/security?recoveryCodeUsed=1', 303)
    return reply.redirect(returnTo, 303)
  })

  app.get('/sign-in/enrol', { config: { public: true } }, async (request, reply) => {
    const returnTo = safeReturnTo(returnToQuery.parse(request.query).returnTo)
    const pending = await pendingFor(request, 'enrol')
    if (!pending) return reply.redirect(withReturnTo('/sign-in', returnTo))
    const enrolment = await mfa.enrolment(pending.user)
    return reply.render('auth/views/enrol.njk', { enrolment, returnTo, action: '/sign-in/enrol', required: true })
  })

  app.post('/sign-in/enrol', { config: { public: true } }, async (request, reply) => {
    const form = codeForm.parse(request.body ?? {})
    const returnTo = safeReturnTo(form.returnTo)
    const pending = await pendingFor(request, 'enrol')
    if (!pending) return reply.redirect(withReturnTo('/sign-in', returnTo), 303)
    const done = form.code ? await mfa.completeEnrolment(pending, form.code, request.id) : null
    if (!done) {
      const enrolment = await mfa.enrolment(pending.user)
      const errors = [{ path: 'code', message: form.code ? CODE_FAILED : 'Enter the code from your authenticator app' }]
      return reply
        .code(400)
        .render('auth/views/enrol.njk', { enrolment, returnTo, action: '/sign-in/enrol', required: true, errors })
    }
    setSessionCookie(reply, done.token)
    request.csrfToken = null
    return reply.render('auth/views/recovery-codes.njk', { codes: done.recoveryCodes, next: returnTo, fresh: true })
  })

  app.post('/sign-out', { config: { action: 'reference:view' } }, async (request, reply) => {
    if (request.sessionToken) await services.auth.signOut(request.sessionToken, actorOf(request))
    reply.clearCookie(SESSION_COOKIE, { path: '/' })
    // Browsers drop what this site kept on the device (unsaved tracker answers), even without JavaScript.
    reply.header('clear-site-data', '"storage"')
    return reply.redirect('/sign-in')
  })

  securityRoutes(app, ctx, mfa)
}
