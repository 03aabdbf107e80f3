import type { z } from 'zod'

/** Errors services throw; the HTTP layer maps each to a status and a page or JSON body. */
export interface FieldIssue {
  path: string
  message: string
}

export class ValidationError extends Error {
  constructor(
    readonly issues: FieldIssue[],
    message = 'The request has errors',
  ) {
    super(message)
  }
}

/** A schema's problems as field issues; a problem with the whole input is the form's. */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((i) => ({ path: i.path.join('.') || 'form', message: i.message }))
}

/** The input parsed by the schema, or a ValidationError with every problem. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input)
  if (!parsed.success) throw new ValidationError(fieldIssues(parsed.error))
  return parsed.data
}

export class NotFoundError extends Error {}
export class ForbiddenError extends Error {}
export class ConflictError extends Error {}

/** A PostgreSQL unique-index violation: someone else made the same record first. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505'
}

/**
 * The user's roles allow the action, but not on this record. `breakGlass` says whether they may
 * open it anyway in an emergency by giving a reason.
 */
export class OutOfScopeError extends ForbiddenError {
  constructor(
    readonly action: string,
    readonly resource: string,
    readonly recordId: string,
    readonly breakGlass: boolean,
  ) {
    super(
      breakGlass
        ? 'You do not work on this record. In an emergency you can open it by giving a reason; the access is reviewed.'
        : 'You do not have access to this record',
    )
  }
}
