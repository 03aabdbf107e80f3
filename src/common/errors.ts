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
