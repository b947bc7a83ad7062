/**
 * Errors domain code throws. They name what went wrong in the caller's terms; the GraphQL layer maps
 * `code` to `extensions.code` and shows `message`. Nothing here knows about GraphQL or HTTP.
 */
export const DOMAIN_ERROR_CODES = [
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'CONFLICT',
  'ORGANIZATION_SUSPENDED',
  'TOO_MANY_REQUESTS',
  'PLAN_LIMIT_REACHED',
] as const;

export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

/** Structured, client-safe facts about the error (field paths, the id that was not found, …). */
export type DomainErrorDetails = Readonly<Record<string, unknown>>;

export class DomainError extends Error {
  override readonly name = 'DomainError';

  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details?: DomainErrorDetails,
  ) {
    super(message);
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

/** `notFound('Contact', id)` → "Contact <id> not found". */
export function notFound(what: string, id: string): DomainError {
  return new DomainError('NOT_FOUND', `${what} ${id} not found`, { entity: what, id });
}

export function badUserInput(message: string, details?: DomainErrorDetails): DomainError {
  return new DomainError('BAD_USER_INPUT', message, details);
}

export function unauthenticated(message = 'Authentication required'): DomainError {
  return new DomainError('UNAUTHENTICATED', message);
}

export function forbidden(message = 'Not allowed'): DomainError {
  return new DomainError('FORBIDDEN', message);
}

export function conflict(message: string, details?: DomainErrorDetails): DomainError {
  return new DomainError('CONFLICT', message, details);
}

/** A write in a suspended organization: it may read, but nothing changes until it is reactivated. */
export function organizationSuspended(
  message = 'The organization is suspended: it can read, but every change is refused until it is reactivated',
): DomainError {
  return new DomainError('ORGANIZATION_SUSPENDED', message);
}

/** Too many attempts (sign-in throttling): `retryAfterSeconds` says when to try again. */
export function tooManyRequests(message: string, retryAfterSeconds: number): DomainError {
  return new DomainError('TOO_MANY_REQUESTS', message, { retryAfterSeconds });
}

/**
 * The organization's plan allows no more of something (contacts, custom fields, seats…): `details`
 * names the `limit`, its `maximum` and the `current` count, so a client can offer the upgrade.
 */
export function planLimitReached(
  message: string,
  details: { limit: string; maximum: number; current: number } & DomainErrorDetails,
): DomainError {
  return new DomainError('PLAN_LIMIT_REACHED', message, details);
}

/** `details.reason` of a FORBIDDEN that is the plan's, not a missing permission. */
export const PLAN_FEATURE_REASON = 'plan_feature';

/**
 * The organization's plan does not include a feature (AI insights at some level, writing through API
 * keys…): FORBIDDEN, like a missing permission, with `details` saying it is the plan's (`reason:
 * 'plan_feature'`), which `feature`, the level it `required` and the plan's `current` one, and the
 * `planId`, so a client offers the upgrade instead of asking an admin for a permission.
 */
export function planFeatureUnavailable(
  message: string,
  details: { feature: string; required: string; current: string; planId: string },
): DomainError {
  return new DomainError('FORBIDDEN', message, { reason: PLAN_FEATURE_REASON, ...details });
}
