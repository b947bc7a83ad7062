import { HeaderMap } from '@apollo/server';
import type { InternalContext, Logger, RequestContext } from '@platform/service-kit';
import { RequestRefusedError } from '@platform/service-kit';
import { GraphQLError } from 'graphql';
import { Pool } from 'pg';
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';

/**
 * Rate limits by cost. Every caller has a budget of cost points per window (the same estimate the cost
 * limit uses, docs/public-api.md): API keys, signed-in users and anonymous client addresses each have
 * their own budget size. An operation is charged its estimated cost before any subgraph is called; one
 * that takes the caller over the budget is refused with 429, `Retry-After` and the IETF RateLimit
 * headers, and so is every later one until the window resets.
 *
 * The counters live in PostgreSQL (an UNLOGGED table in the gateway's own database), so every gateway
 * replica charges the same budget: it is the one shared store the platform already runs, one atomic
 * upsert per operation keeps it exact, and counters are disposable (a crash that empties the unlogged
 * table only resets the current windows). A caller over budget is remembered in the replica's memory
 * until its window ends, so a noisy caller's refused requests cost no database round trip and cannot
 * crowd the pool the others use. Should PostgreSQL fail, each replica falls back to counting in its own
 * memory (rate-limiter-flexible's insurance limiter) rather than refusing or admitting everyone.
 */

export const RATE_LIMITED = 'RATE_LIMITED';

/** Who is charged: the API key, else the user, else the client address. */
export type RateLimitSubjectKind = 'api_key' | 'user' | 'anonymous';

export interface RateLimitBudgets {
  /** Cost points per window for one API key. */
  apiKey: number;
  /** Cost points per window for one signed-in user (across their sessions). */
  user: number;
  /** Cost points per window for one client address without credentials. */
  anonymous: number;
}

export interface RateLimitOptions {
  /** Length of a window in seconds (fixed windows: a budget resets when its window ends). */
  windowSeconds: number;
  budgets: RateLimitBudgets;
  /**
   * PostgreSQL database holding the counters, shared by every replica. Without it, counters live in
   * this process's memory: right for one replica (and for tests of the edge), wrong for several.
   */
  databaseUrl?: string;
}

export const DEFAULT_RATE_LIMITS: Omit<RateLimitOptions, 'databaseUrl'> = {
  windowSeconds: 60,
  budgets: { apiKey: 100_000, user: 50_000, anonymous: 5_000 },
};

/** The counters' table: created by the gateway when it starts (it is the database's owner). */
export const RATE_LIMIT_TABLE = 'gateway_rate_limits';

export interface RateLimitSubject {
  kind: RateLimitSubjectKind;
  id: string;
}

export function subjectOf(auth: InternalContext): RateLimitSubject {
  if (auth.apiKeyId !== null) return { kind: 'api_key', id: auth.apiKeyId };
  if (auth.userId !== null) return { kind: 'user', id: auth.userId };
  return { kind: 'anonymous', id: auth.clientAddress ?? 'unknown' };
}

/** What one charge left of a budget. */
export interface RateLimitState {
  subject: RateLimitSubjectKind;
  limit: number;
  windowSeconds: number;
  remaining: number;
  /** Seconds until the window resets (at least 1 while it runs). */
  resetSeconds: number;
}

/**
 * The IETF RateLimit headers (draft-ietf-httpapi-ratelimit-headers): the policy (quota `q` in cost
 * points per window `w` seconds) and what is left of it (`r` remaining, `t` seconds to the reset).
 */
export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  return {
    'ratelimit-policy': `"${state.subject}";q=${state.limit};w=${state.windowSeconds}`,
    ratelimit: `"${state.subject}";r=${state.remaining};t=${state.resetSeconds}`,
  };
}

/** Refused: over budget. HTTP 429 with Retry-After; `details` repeat the numbers for clients. */
export class RateLimitedError extends GraphQLError {
  constructor(state: RateLimitState) {
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(rateLimitHeaders(state))) headers.set(name, value);
    headers.set('retry-after', String(state.resetSeconds));
    super(rateLimitedMessage(state), {
      extensions: { code: RATE_LIMITED, details: rateLimitDetails(state), http: { status: 429, headers } },
    });
  }
}

function rateLimitedMessage(state: RateLimitState): string {
  return `Rate limit exceeded: the ${state.limit}-point budget per ${state.windowSeconds} s is spent; retry in ${state.resetSeconds} s.`;
}

function rateLimitDetails(state: RateLimitState): Record<string, unknown> {
  return {
    subject: state.subject,
    limit: state.limit,
    windowSeconds: state.windowSeconds,
    retryAfterSeconds: state.resetSeconds,
  };
}

export interface RateLimiter {
  readonly options: Omit<RateLimitOptions, 'databaseUrl'>;
  /** Refused at once, before the body is parsed: the subject is already over budget in this window. */
  blocked(subject: RateLimitSubject): RateLimitState | null;
  /** Charges `points`; `allowed` false when that takes the subject over its budget. */
  charge(subject: RateLimitSubject, points: number): Promise<{ allowed: boolean; state: RateLimitState }>;
  close(): Promise<void>;
}

const seconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

/** Callers over budget this replica remembers (beyond it, expired entries are swept first). */
const MAX_BLOCKED_SUBJECTS = 100_000;

function forgetExpired(blockedUntil: Map<string, number>): void {
  const now = Date.now();
  for (const [key, until] of blockedUntil) if (until <= now) blockedUntil.delete(key);
  // Still full of live entries: the oldest go (they are refused by the store instead, one round trip).
  for (const key of blockedUntil.keys()) {
    if (blockedUntil.size < MAX_BLOCKED_SUBJECTS) break;
    blockedUntil.delete(key);
  }
}

/** Starts the limiter; with a database URL, creates the counters' table first. */
export async function startRateLimiter(options: RateLimitOptions, logger: Logger): Promise<RateLimiter> {
  const { windowSeconds, budgets } = options;
  const pool = options.databaseUrl
    ? new Pool({ connectionString: options.databaseUrl, max: 8, application_name: 'gateway rate limits' })
    : undefined;
  if (pool) {
    // Surfaced by the insurance limiter taking over; an idle client's error must not crash the gateway.
    pool.on('error', (error) => logger.warn({ err: error }, 'rate-limit database connection failed'));
    try {
      await pool.query(
        `CREATE UNLOGGED TABLE IF NOT EXISTS "${RATE_LIMIT_TABLE}" (
           key varchar(255) PRIMARY KEY,
           points integer NOT NULL DEFAULT 0,
           expire bigint
         )`,
      );
    } catch (error) {
      await pool.end();
      throw new Error('cannot create the rate-limit table in the gateway database', { cause: error });
    }
  }
  const budgetOf: Record<RateLimitSubjectKind, number> = {
    api_key: budgets.apiKey,
    user: budgets.user,
    anonymous: budgets.anonymous,
  };
  const limiters = new Map<RateLimitSubjectKind, RateLimiterAbstract>();
  // Callers over budget in the current window: refused before their body is parsed, with no charge.
  const blockedUntil = new Map<string, number>();
  for (const kind of ['api_key', 'user', 'anonymous'] as const) {
    const points = budgetOf[kind];
    const memory = new RateLimiterMemory({ keyPrefix: kind, points, duration: windowSeconds });
    limiters.set(
      kind,
      pool
        ? new RateLimiterPostgres({
            storeClient: pool,
            storeType: 'pool',
            tableName: RATE_LIMIT_TABLE,
            tableCreated: true,
            keyPrefix: kind,
            points,
            duration: windowSeconds,
            // Over budget: refused from memory until the window ends (no database round trip).
            inMemoryBlockOnConsumed: points + 1,
            insuranceLimiter: memory,
          })
        : memory,
    );
  }
  const limiterOf = (kind: RateLimitSubjectKind): RateLimiterAbstract => {
    const limiter = limiters.get(kind);
    if (!limiter) throw new Error(`no rate limiter for ${kind}`);
    return limiter;
  };
  const stateOf = (subject: RateLimitSubject, result: RateLimiterRes): RateLimitState => ({
    subject: subject.kind,
    limit: budgetOf[subject.kind],
    windowSeconds,
    remaining: Math.max(0, result.remainingPoints),
    resetSeconds: result.msBeforeNext < 0 ? windowSeconds : seconds(result.msBeforeNext),
  });
  return {
    options: { windowSeconds, budgets },
    blocked(subject) {
      const key = `${subject.kind}:${subject.id}`;
      const until = blockedUntil.get(key);
      if (until === undefined) return null;
      const ms = until - Date.now();
      if (ms <= 0) {
        blockedUntil.delete(key);
        return null;
      }
      return {
        subject: subject.kind,
        limit: budgetOf[subject.kind],
        windowSeconds,
        remaining: 0,
        resetSeconds: seconds(ms),
      };
    },
    async charge(subject, points) {
      try {
        const result = await limiterOf(subject.kind).consume(subject.id, Math.max(1, Math.ceil(points)));
        return { allowed: true, state: stateOf(subject, result) };
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        if (blockedUntil.size >= MAX_BLOCKED_SUBJECTS) forgetExpired(blockedUntil);
        blockedUntil.set(`${subject.kind}:${subject.id}`, Date.now() + Math.max(0, rejection.msBeforeNext));
        return { allowed: false, state: stateOf(subject, rejection) };
      }
    },
    async close() {
      await pool?.end();
    },
  };
}

/** A refusal before parsing, for a subject this replica already knows is over budget. */
export function blockedRefusal(limiter: RateLimiter, auth: InternalContext): RequestRefusedError | null {
  const state = limiter.blocked(subjectOf(auth));
  if (!state) return null;
  return new RequestRefusedError(429, RATE_LIMITED, rateLimitedMessage(state), {
    details: rateLimitDetails(state),
    headers: { ...rateLimitHeaders(state), 'retry-after': String(state.resetSeconds) },
  });
}

/**
 * Charges an operation's estimated cost to its caller (the cost limit calls it once the operation is
 * resolved, before any subgraph) and answers the budget in the RateLimit headers of the response.
 */
export function chargeOperation(limiter: RateLimiter) {
  return async (
    cost: number,
    { contextValue, response }: { contextValue: RequestContext; response: { http: { headers: HeaderMap } } },
  ): Promise<void> => {
    const { allowed, state } = await limiter.charge(subjectOf(contextValue.auth), cost);
    if (!allowed) throw new RateLimitedError(state);
    for (const [name, value] of Object.entries(rateLimitHeaders(state)))
      response.http.headers.set(name, value);
  };
}
