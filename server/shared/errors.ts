// Typed failures a service raises. A failure says what went wrong (its code), never how
// HTTP spells it: the edge maps each code to a status, a page or a problem+json body.
export type FieldErrors = Record<string, string>;

const ERROR_CODES = ['not_found', 'forbidden', 'conflict', 'invalid', 'rate_limited'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Messages by form field, for the error summary; a refusal that names a field shows the form again. */
    readonly fields: FieldErrors = {},
  ) {
    super(message);
  }
}

/** Not there, or not the caller's to see: both read the same, so nothing leaks. */
export const notFound = (what = 'Page', fields: FieldErrors = {}) => new DomainError('not_found', `${what} not found`, fields);
export const forbidden = (message = 'You do not have permission to do that') => new DomainError('forbidden', message);
/** The request is well formed but the records as they stand refuse it (full, already done, closed). */
export const conflict = (message: string, fields: FieldErrors = {}) => new DomainError('conflict', message, fields);
/** The input breaks a rule: each field's message says how to put it right. */
export const invalid = (fields: FieldErrors, message = 'There is a problem') => new DomainError('invalid', message, fields);
export const rateLimited = (message: string) => new DomainError('rate_limited', message);

/** PostgreSQL's unique_violation (23505), however the driver wraps it: a unique index refused a second row. */
export function isUniqueViolation(error: unknown): boolean {
  for (let e = error as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === '23505') return true;
  }
  return false;
}

export const isDomainError = (error: unknown, ...codes: ErrorCode[]): error is DomainError =>
  error instanceof DomainError && (codes.length === 0 || codes.includes(error.code));

// PostgreSQL's connection_exception class (08...), its shutdown codes (57P01 an administrator or
// a restart ended the connection, 57P02 a crash, 57P03 still starting), and too_many_connections.
const LOST_SQLSTATE = /^(08...|57P0[123]|53300)$/;
// postgres.js's own codes for a connection that closed or never opened, and the socket's.
const LOST_CONNECTION = new Set(['CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/**
 * The database could not be reached or dropped the connection mid-request (a restart, a
 * failover, a killed backend). The transaction did not commit, or its outcome never came back:
 * either way nothing half-written stays, and the same request can simply be tried again.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (LOST_SQLSTATE.test(code) || LOST_CONNECTION.has(code))) return true;
  }
  return false;
}
