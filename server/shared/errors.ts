/** Typed failures a service raises; the HTTP layer turns each into a page or a problem body. */
export type FieldErrors = Record<string, string>;

export class DomainError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 422 | 429,
    message: string,
    readonly fields: FieldErrors = {},
  ) {
    super(message);
  }
}

export const notFound = (what = 'Page') => new DomainError(404, `${what} not found`);
export const forbidden = (message = 'You do not have permission to do that') => new DomainError(403, message);
export const conflict = (message: string, fields: FieldErrors = {}) => new DomainError(409, message, fields);
export const invalid = (fields: FieldErrors, message = 'There is a problem') => new DomainError(422, message, fields);
export const tooManyRequests = (message: string) => new DomainError(429, message);
