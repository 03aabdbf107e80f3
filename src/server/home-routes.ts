import type { FastifyInstance } from 'fastify'
import type { RouteContext } from './app.ts'

export function homeRoutes(app: FastifyInstance, _ctx: RouteContext): void {
  app.get('/', { config: { action: 'reference:view' } }, async (_request, reply) => {
    return reply.render('server/views/home.njk', { pageTitle: 'Home' })
  })
}
