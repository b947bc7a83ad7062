/**
 * Billing's sense of time. Every rule that depends on "now" (periods, trials, dunning, reactivation
 * windows, usage periods) reads it from here, so tests move time forward instead of waiting for it.
 */
export interface Clock {
  now(): Date;
}

/** The wall clock: what billing runs on outside tests. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until moved: time-travel tests and billing simulations run on it. */
export interface ManualClock extends Clock {
  /** Moves forward by `milliseconds` (never back: billing's time only moves on). */
  advance(milliseconds: number): Date;
  /** Moves to `at`, which must not be earlier than now. */
  set(at: Date): Date;
}

export function manualClock(start: Date): ManualClock {
  let current = new Date(start.getTime());
  return {
    now: () => new Date(current.getTime()),
    advance(milliseconds) {
      if (!(milliseconds >= 0)) throw new RangeError('a manual clock only moves forward');
      current = new Date(current.getTime() + milliseconds);
      return new Date(current.getTime());
    },
    set(at) {
      if (at.getTime() < current.getTime()) throw new RangeError('a manual clock only moves forward');
      current = new Date(at.getTime());
      return new Date(current.getTime());
    },
  };
}
