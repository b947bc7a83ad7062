/**
 * Billing's sense of time. Every rule that depends on "now" (periods, trials, dunning, reactivation
 * windows, usage periods) reads it from here, so tests move time forward instead of waiting for it.
 */
export interface Clock {
  now(): Date;
}

/** The wall clock: what billing runs on outside tests. */
export const systemClock: Clock = { now: () => new Date() };
