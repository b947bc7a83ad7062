/**
 * Sign-in throttling: failures counted per account and per client address, shared by every identity
 * replica (the state lives in PostgreSQL). After a few failures each further attempt waits longer
 * (1 s, 2 s, 4 s …); after more, the key is locked for a while — and while a key is blocked every
 * attempt is refused, the right password included. A success clears the account's count.
 */
import { tooManyRequests } from '@platform/domain';

export interface ThrottlePolicy {
  /** Failures answered without delay. */
  freeFailures: number;
  /** Failures after which the key is locked. */
  lockAfter: number;
  lockMs: number;
  /** The delay after the first failure beyond the free ones; it doubles after each further failure. */
  firstDelayMs: number;
  /** Failures older than this (since the last one) are forgotten. */
  windowMs: number;
}

/** Per account: 5 free failures, then 1, 2, 4, 8 s … ; locked for 15 minutes at the 10th. */
export const ACCOUNT_POLICY: ThrottlePolicy = {
  freeFailures: 5,
  lockAfter: 10,
  lockMs: 15 * 60_000,
  firstDelayMs: 1_000,
  windowMs: 15 * 60_000,
};

/** Per client address (several people may share one): 20 free, then delays, locked at the 50th. */
export const CLIENT_POLICY: ThrottlePolicy = {
  freeFailures: 20,
  lockAfter: 50,
  lockMs: 15 * 60_000,
  firstDelayMs: 1_000,
  windowMs: 15 * 60_000,
};

export interface ThrottleState {
  key: string;
  failures: number;
  lastFailureAt: Date;
  blockedUntil: Date | null;
}

/** Refuses with TOO_MANY_REQUESTS (and how long to wait) while the key is blocked. */
export function ensureNotBlocked(state: ThrottleState | null, now: Date): void {
  if (!state?.blockedUntil || state.blockedUntil.getTime() <= now.getTime()) return;
  const seconds = Math.ceil((state.blockedUntil.getTime() - now.getTime()) / 1000);
  throw tooManyRequests(`Too many failed sign-ins: try again in ${seconds} s`, seconds);
}

/** The state after one more failure. */
export function afterFailure(
  state: ThrottleState | null,
  key: string,
  policy: ThrottlePolicy,
  now: Date,
): ThrottleState {
  const fresh = !state || now.getTime() - state.lastFailureAt.getTime() > policy.windowMs;
  const failures = (fresh ? 0 : state.failures) + 1;
  let blockedUntil: Date | null = null;
  if (failures >= policy.lockAfter) blockedUntil = new Date(now.getTime() + policy.lockMs);
  else if (failures > policy.freeFailures) {
    blockedUntil = new Date(now.getTime() + policy.firstDelayMs * 2 ** (failures - policy.freeFailures - 1));
  }
  return { key, failures, lastFailureAt: now, blockedUntil };
}
