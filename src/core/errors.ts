/**
 * Typed application errors with stable codes. Services throw these; only the HTTP edge and the
 * CLI map them to a status code, a page, JSON or an exit code. Messages are for people, codes for
 * programs, and neither ever carries a personal value (a name, an address, a password).
 */

/** A problem with one field of the input, addressed by its path (`birth_date`, `rows.3.email`). */
export interface FieldIssue {
  path: string;
  message: string;
}

/** Which HTTP status family an error belongs to; the edge maps it to a status code. */
export type ErrorKind =
  | 'validation'
  | 'bad_request'
  | 'too_large'
  | 'not_found'
  | 'conflict'
  | 'forbidden'
  | 'unauthenticated'
  | 'internal';

/** Base class of every error a service may throw on purpose. */
export class AppError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly issues: readonly FieldIssue[];

  constructor(
    kind: ErrorKind,
    code: string,
    message: string,
    options: { issues?: readonly FieldIssue[]; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.kind = kind;
    this.code = code;
    this.issues = options.issues ?? [];
  }
}

/** Input is malformed; `issues` names every problem with its path. */
export class ValidationError extends AppError {
  constructor(code: string, message: string, issues: readonly FieldIssue[] = []) {
    super('validation', code, message, { issues });
    this.name = 'ValidationError';
  }
}

/** The request itself cannot be read (a malformed form or multipart body): HTTP 400. */
export class BadRequestError extends AppError {
  constructor(code: string, message: string) {
    super('bad_request', code, message);
    this.name = 'BadRequestError';
  }
}

/** The request body is larger than the server accepts: HTTP 413. */
export class PayloadTooLargeError extends AppError {
  constructor(code: string, message: string) {
    super('too_large', code, message);
    this.name = 'PayloadTooLargeError';
  }
}

/** The addressed thing does not exist, or the caller may not know that it does. */
export class NotFoundError extends AppError {
  constructor(code: string, message: string) {
    super('not_found', code, message);
    this.name = 'NotFoundError';
  }
}

/** The request contradicts the current state (a duplicate, a second reversal). */
export class ConflictError extends AppError {
  constructor(code: string, message: string, issues: readonly FieldIssue[] = []) {
    super('conflict', code, message, { issues });
    this.name = 'ConflictError';
  }
}

/** The caller is known but lacks the role or the token for this action. */
export class ForbiddenError extends AppError {
  constructor(code: string, message: string) {
    super('forbidden', code, message);
    this.name = 'ForbiddenError';
  }
}

/** The caller must log in first. */
export class UnauthenticatedError extends AppError {
  constructor(code = 'unauthenticated', message = 'Please log in first.') {
    super('unauthenticated', code, message);
    this.name = 'UnauthenticatedError';
  }
}

/** Turns a list of issues into one line each: `path: message`. */
export function formatIssues(issues: readonly FieldIssue[]): string[] {
  return issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message));
}
