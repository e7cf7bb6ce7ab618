// How failures read at the edge: a service's DomainError by its code, and the refusals only
// the edge makes (a request it cannot read, a bad API token, an expired form) by their status.
import { DomainError, type ErrorCode, type FieldErrors } from '../shared/errors';

export { isDatabaseUnavailable } from '../shared/errors';

/** A refusal before any service runs: the request itself is wrong. */
export class RequestError extends Error {
  constructor(
    readonly status: 400 | 401 | 403,
    message: string,
    readonly fields: FieldErrors = {},
  ) {
    super(message);
  }
}

const STATUS: Record<ErrorCode, 403 | 404 | 409 | 422 | 429> = {
  not_found: 404,
  forbidden: 403,
  conflict: 409,
  invalid: 422,
  rate_limited: 429,
};

export type EdgeError = DomainError | RequestError;
export const isEdgeError = (error: unknown): error is EdgeError => error instanceof DomainError || error instanceof RequestError;

export const statusOf = (error: EdgeError) => (error instanceof RequestError ? error.status : STATUS[error.code]);

/** The heading of the page that explains the failure. */
export function titleOf(error: EdgeError): string {
  switch (statusOf(error)) {
    case 404:
      return 'Page not found';
    case 403:
      return 'You cannot do that';
    case 429:
      return 'Too many requests';
    default:
      return 'There is a problem';
  }
}

/** How long a client should wait before trying again after the database was out of reach, in seconds. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * A failure as the operators' log should keep it: its kind, the database's error code and
 * constraint where the database refused, and where in the code, but never a message that can
 * carry a query's parameters (drizzle puts them in its message: a token's hash, an email).
 */
export function describeFailure(error: unknown): string {
  const chain: unknown[] = [];
  for (let e: unknown = error; e instanceof Error && chain.length < 5; e = e.cause) chain.push(e);
  const database = chain.find((e): e is Error & { code: string; constraint_name?: string } => typeof (e as { code?: unknown }).code === 'string' && /^[0-9A-Z]{5}$/.test((e as { code: string }).code));
  const where = (error instanceof Error ? (error.stack ?? '') : '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 5)
    .map((line) => line.trim());
  const what = database
    ? `database error ${database.code}${database.constraint_name ? ` on ${database.constraint_name}` : ''} (${(error as Error).name})`
    : error instanceof Error
      ? `${error.name}: ${error.message.slice(0, 200)}`
      : 'a non-error value was thrown';
  return [what, ...where].join('\n  ');
}
