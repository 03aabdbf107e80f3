import { z } from 'zod'

/** The body of every API error. */
export const errorSchema = z.object({
  error: z.string(),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  requestId: z.string().optional(),
})

export const apiErrors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema }
export const idParams = z.object({ id: z.string().uuid() })
