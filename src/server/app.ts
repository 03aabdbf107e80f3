import { randomBytes, randomUUID } from 'node:crypto'
import path from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import formbody from '@fastify/formbody'
import cookie from '@fastify/cookie'
import multipart from '@fastify/multipart'
import fastifyStatic from '@fastify/static'
import swagger from '@fastify/swagger'
import { ZodError } from 'zod'
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod'
import type { AppConfig } from '../config.ts'
import type { Database } from '../db/database.ts'
import type { Clock } from '../common/clock.ts'
import { ConflictError, ForbiddenError, NotFoundError, OutOfScopeError, ValidationError } from '../common/errors.ts'
import { AuthService } from '../auth/service.ts'
import { registerRateLimits } from '../auth/rate-limits.ts'
import { AccessService, BREAK_GLASS_MINUTES } from '../access/service.ts'
import { authRoutes, SESSION_COOKIE } from '../auth/routes.ts'
import { safeEqual } from '../auth/tokens.ts'
import { allows } from '../access/rules.ts'
import type { Action } from '../access/policy.ts'
import { ROLE_LABELS } from '../auth/roles.ts'
import type { RiskToolDefinition } from '../intake/risk-tools.ts'
import { IntakeService } from '../intake/service.ts'
import { ImportService } from '../intake/import-service.ts'
import { intakeRoutes } from '../intake/routes.ts'
import { TriageService } from '../triage/service.ts'
import { triageRoutes } from '../triage/routes.ts'
import { AdminService } from '../admin/service.ts'
import { adminRoutes } from '../admin/routes.ts'
import { GovernanceService } from '../governance/service.ts'
import { governanceRoutes } from '../governance/routes.ts'
import { RotaService } from '../deployment/rota/service.ts'
import { rotaRoutes } from '../deployment/rota/routes.ts'
import { DeploymentService } from '../deployment/service.ts'
import { deploymentRoutes } from '../deployment/routes.ts'
import { ConsultationService } from '../consultations/service.ts'
import { consultationRoutes } from '../consultations/routes.ts'
import { EngagementService } from '../engagement/service.ts'
import { engagementRoutes } from '../engagement/routes.ts'
import { CaseService } from '../cases/service.ts'
import { caseRoutes } from '../cases/routes.ts'
import { SafeguardingService } from '../safeguarding/service.ts'
import { safeguardingRoutes } from '../safeguarding/routes.ts'
import { HealthService } from '../health/service.ts'
import { healthRoutes } from '../health/routes.ts'
import { createViews, ASSET_ROOTS } from './views.ts'
import { appStylesheet } from './styles.ts'
import { assertRouteGuarded, enforceRouteAction, isApiRequest, zodIssues } from './http.ts'
import { homeRoutes } from './home-routes.ts'

/** How the errors services throw reach HTTP clients. */
const SERVICE_ERRORS: [new (...args: never[]) => Error, { status: number; code: string }][] = [
  [NotFoundError, { status: 404, code: 'not_found' }],
  [ForbiddenError, { status: 403, code: 'forbidden' }],
  [ConflictError, { status: 409, code: 'conflict' }],
]

/** One route as registered: its method, URL pattern and policy action (null when public). */
export interface RouteEntry {
  method: string
  url: string
  action: Action | null
}

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: RouteEntry[]
  }
}

export interface AppDeps {
  config: AppConfig
  db: Database
  clock: Clock
  riskTools: Map<string, RiskToolDefinition>
}

export interface Services {
  access: AccessService
  auth: AuthService
  intake: IntakeService
  imports: ImportService
  triage: TriageService
  admin: AdminService
  governance: GovernanceService
  rota: RotaService
  deployment: DeploymentService
  consultations: ConsultationService
  engagement: EngagementService
  cases: CaseService
  safeguarding: SafeguardingService
  health: HealthService
}

export function createServices(deps: AppDeps): Services {
  const access = new AccessService(deps.db, deps.clock)
  const intake = new IntakeService(deps.db, deps.clock, deps.riskTools, access)
  const deployment = new DeploymentService(deps.db, deps.clock, access, { osrmUrl: deps.config.osrmUrl })
  return {
    access,
    auth: new AuthService(deps.db, deps.clock),
    intake,
    imports: new ImportService(deps.db, deps.clock, intake, access),
    triage: new TriageService(deps.db, deps.clock, access),
    admin: new AdminService(deps.db, deps.clock),
    governance: new GovernanceService(deps.db, deps.clock),
    rota: new RotaService(deps.db, deps.clock, access),
    deployment,
    consultations: new ConsultationService(deps.db, deps.clock, access),
    engagement: new EngagementService(deps.db, deps.clock, access),
    cases: new CaseService(deps.db, deps.clock, access),
    safeguarding: new SafeguardingService(deps.db, deps.clock, access),
    // Contacts planned at appointments are visit places: changing one re-plans in the same transaction.
    health: new HealthService(deps.db, deps.clock, access, deployment),
  }
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.config.logLevel === 'silent' ? false : { level: deps.config.logLevel },
    genReqId: () => randomUUID(),
    bodyLimit: 2 * 1024 * 1024,
    trustProxy: false,
  })
  // Every route is checked for a policy action as it is registered, and listed for the
  // authorisation matrix test and the information-governance pages.
  const routeTable: RouteEntry[] = []
  app.addHook('onRoute', (route) => {
    assertRouteGuarded(route)
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    for (const method of methods) {
      if (method === 'HEAD' || route.url.startsWith('/assets/')) continue
      const config = (route.config ?? {}) as { action?: Action; public?: boolean }
      routeTable.push({ method, url: route.url, action: config.action ?? null })
    }
  })
  app.decorate('routeTable', routeTable)
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  const services = createServices(deps)
  const views = createViews()

  await app.register(formbody)
  await app.register(cookie)
  await app.register(multipart, { limits: { fileSize: deps.config.uploadLimitBytes, files: 1, fields: 10 } })
  await app.register(fastifyStatic, { root: ASSET_ROOTS.govuk, prefix: '/assets/govuk/', decorateReply: false })
  await app.register(fastifyStatic, { root: ASSET_ROOTS.moj, prefix: '/assets/moj/', decorateReply: false })
  // Images both stylesheets refer to, at the one path the compiled CSS uses.
  await app.register(fastifyStatic, {
    root: [path.join(ASSET_ROOTS.govuk, 'assets/images'), path.join(ASSET_ROOTS.moj, 'assets/images')],
    prefix: '/assets/images/',
    decorateReply: false,
  })
  const stylesheet = appStylesheet()
  app.get('/assets/app/provide.css', { schema: { hide: true }, config: { public: true } }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(stylesheet),
  )
  await app.register(fastifyStatic, {
    root: new URL('./public', import.meta.url).pathname,
    prefix: '/assets/app/',
    decorateReply: false,
  })
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Provide API',
        version: '1.0.0',
        description:
          'Incidents, the triage queue and triage decisions for a police + health IDVA co-responder programme.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  })

  // Before sessions are resolved, so a refused request costs no database query.
  await registerRateLimits(app, deps.config)
  app.decorateRequest('actor', null)
  app.decorateRequest('csrfToken', null)
  app.decorateRequest('sessionToken', null)
  app.decorateRequest('cspNonce', '')
  app.decorateReply('render', function (this, template: string, context: Record<string, unknown> = {}) {
    const request = this.request
    const actor = request.actor
    const html = views.render(template, {
      ...context,
      actor,
      roleLabels: ROLE_LABELS,
      csrfToken: request.csrfToken,
      cspNonce: request.cspNonce,
      currentPath: request.url.split('?')[0],
      can: (action: Action) => (actor ? allows(actor, action) : false),
    })
    return this.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html)
  })

  app.addHook('onRequest', async (request) => {
    request.cspNonce = randomBytes(16).toString('base64')
    const auth = request.headers.authorization
    if (auth?.startsWith('Bearer ')) {
      request.actor = await services.auth.resolveBearer(auth.slice(7).trim(), request.id)
      return
    }
    const token = request.cookies[SESSION_COOKIE]
    if (!token) return
    const session = await services.auth.resolveSession(token, request.id)
    if (session) {
      request.actor = session.actor
      request.csrfToken = session.csrfToken
      request.sessionToken = token
    }
  })

  app.addHook('onRequest', enforceRouteAction)

  // Cookie-authenticated writes must carry the session's CSRF token (bearer clients cannot be forged).
  app.addHook('preHandler', async (request, reply) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(request.method)) return
    if (!request.sessionToken || !request.csrfToken) return
    if (request.isMultipart()) {
      // Upload handlers check the token field before the file; nothing else takes multipart, so a
      // multipart post elsewhere cannot slip past the check with an empty body.
      if (request.routeOptions.config.upload) return
      const message = 'This form must be sent as a normal form, not a file upload.'
      if (isApiRequest(request)) return reply.code(415).send({ error: 'unsupported_media_type', message })
      return reply.code(415).render('server/views/error.njk', { statusCode: 415, message, requestId: request.id })
    }
    const body = request.body as Record<string, unknown> | undefined
    const sent = (typeof body?._csrf === 'string' ? body._csrf : undefined) ?? request.headers['x-csrf-token']
    if (typeof sent !== 'string' || !safeEqual(sent, request.csrfToken)) {
      const message = 'The form has expired. Go back, reload the page and try again.'
      if (isApiRequest(request)) return reply.code(403).send({ error: 'csrf', message })
      return reply.code(403).render('server/views/error.njk', { statusCode: 403, message, requestId: request.id })
    }
  })

  app.addHook('onSend', async (request, reply) => {
    reply.header(
      'content-security-policy',
      `default-src 'self'; script-src 'self' 'nonce-${request.cspNonce}'; style-src 'self'; img-src 'self' data:; ` +
        "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    )
    reply.header('x-content-type-options', 'nosniff')
    reply.header('referrer-policy', 'no-referrer')
    reply.header('x-frame-options', 'DENY')
    reply.header('cross-origin-opener-policy', 'same-origin')
    // Browsers ignore HSTS over plain HTTP, so it is safe to send always and right behind HTTPS.
    reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains')
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()')
    if (isApiRequest(request)) reply.header('cache-control', 'no-store')
  })

  app.setErrorHandler((error, request, reply) => {
    const api = isApiRequest(request) || !request.headers.accept?.includes('text/html')
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation.map((v) => ({
        path: v.instancePath.replace(/^\//, '').replace(/\//g, '.'),
        message: v.message ?? 'Invalid value',
      }))
      return reply.code(400).send({ error: 'validation', message: 'The request has errors', issues })
    }
    if (error instanceof ZodError || error instanceof ValidationError) {
      const issues = error instanceof ZodError ? zodIssues(error) : error.issues
      if (!api) {
        const message = 'The link or form had a value Provide cannot use. Go back and try again.'
        return reply.code(400).render('server/views/error.njk', { statusCode: 400, message, requestId: request.id })
      }
      return reply.code(400).send({ error: 'validation', message: 'The request has errors', issues })
    }
    if (error instanceof OutOfScopeError) {
      if (api) {
        return reply
          .code(403)
          .send({ error: 'forbidden', message: error.message, breakGlass: error.breakGlass, requestId: request.id })
      }
      if (error.breakGlass && error.resource === 'incident') {
        return reply.code(403).render('server/views/break-glass.njk', {
          pageTitle: 'Open this record in an emergency',
          action: `/incidents/${error.recordId}/break-glass`,
          minutes: BREAK_GLASS_MINUTES,
        })
      }
      return reply.code(403).render('server/views/forbidden.njk', { message: error.message })
    }
    const known = SERVICE_ERRORS.find(([type]) => error instanceof type)?.[1]
    const statusCode = known?.status ?? (error as { statusCode?: number }).statusCode ?? 500
    if (statusCode >= 500) request.log.error({ err: error }, 'request failed')
    const message = statusCode >= 500 ? 'Something went wrong. The error has been logged.' : (error as Error).message
    if (api) return reply.code(statusCode).send({ error: known?.code ?? 'error', message, requestId: request.id })
    return reply.code(statusCode).render('server/views/error.njk', { statusCode, message, requestId: request.id })
  })

  app.setNotFoundHandler((request, reply) => {
    if (isApiRequest(request)) return reply.code(404).send({ error: 'not_found', message: 'No such endpoint' })
    return reply.code(404).render('server/views/error.njk', { statusCode: 404, message: 'Page not found' })
  })

  const ctx = { ...deps, services }
  await app.register(async (scope) => {
    homeRoutes(scope, ctx)
    authRoutes(scope, ctx)
    intakeRoutes(scope, ctx)
    triageRoutes(scope, ctx)
    adminRoutes(scope, ctx)
    governanceRoutes(scope, ctx)
    rotaRoutes(scope, ctx)
    deploymentRoutes(scope, ctx)
    consultationRoutes(scope, ctx)
    engagementRoutes(scope, ctx)
    caseRoutes(scope, ctx)
    safeguardingRoutes(scope, ctx)
    healthRoutes(scope, ctx)
  })
  app.get('/api/v1/openapi.json', { schema: { hide: true }, config: { action: 'reference:view' } }, async () =>
    app.swagger(),
  )
  app.get('/health', { schema: { hide: true }, config: { public: true } }, async () => ({ status: 'ok' }))
  return app
}

export type RouteContext = AppDeps & { services: Services }
