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
