import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { RouteContext } from '../server/app.ts'
import { actorOf, requireAction } from '../server/http.ts'

export const SESSION_COOKIE = 'provide_session'

const signInForm = z.object({
  username: z.string().trim().max(100).default(''),
  password: z.string().max(200).default(''),
  returnTo: z.string().optional(),
})

/** Only same-site paths are followed after sign-in, so the form cannot be used to redirect elsewhere. */
function safeReturnTo(value: string | undefined): string {
  return value && /^\/(?!\/)[\w\-/?=&%.+]*$/.test(value) ? value : '/'
}

export function authRoutes(app: FastifyInstance, { services, config }: RouteContext): void {
  app.get('/sign-in', async (request, reply) => {
    const { returnTo } = z.object({ returnTo: z.string().optional() }).parse(request.query)
    if (request.actor) return reply.redirect(safeReturnTo(returnTo))
    return reply.render('auth/views/sign-in.njk', { returnTo: safeReturnTo(returnTo) })
  })

  app.post('/sign-in', async (request, reply) => {
    const form = signInForm.parse(request.body ?? {})
    const returnTo = safeReturnTo(form.returnTo)
    const missing = [
      ...(form.username ? [] : [{ path: 'username', message: 'Enter your username' }]),
      ...(form.password ? [] : [{ path: 'password', message: 'Enter your password' }]),
    ]
    if (missing.length) {
      return reply.code(400).render('auth/views/sign-in.njk', { errors: missing, username: form.username, returnTo })
    }
    const token = await services.auth.signIn(form.username, form.password, request.id)
    if (!token) {
      // One message whatever went wrong, so the form does not reveal which usernames exist.
      const errors = [{ path: 'username', message: 'The username or password is not right' }]
      return reply.code(401).render('auth/views/sign-in.njk', { errors, username: form.username, returnTo })
    }
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: config.cookieSecure,
    })
    return reply.redirect(returnTo)
  })

  app.post('/sign-out', { preHandler: requireAction('reference:view') }, async (request, reply) => {
    if (request.sessionToken) await services.auth.signOut(request.sessionToken, actorOf(request))
    reply.clearCookie(SESSION_COOKIE, { path: '/' })
    return reply.redirect('/sign-in')
  })
}
