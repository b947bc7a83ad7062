/** Small helpers shared by the relay and the consumer runner; not exported from the package. */

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Cuts long texts (stack-like driver errors) before they go into a column or a header. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export interface Backoff {
  /** Delay before the first retry. */
  initialDelayMs: number;
  /** Cap of the doubling delay. */
  maxDelayMs: number;
}

/** Exponential backoff: initial, 2×initial, 4×initial … capped at max. `failures` counts from 1. */
export function backoffDelay(failures: number, { initialDelayMs, maxDelayMs }: Backoff): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  return Math.min(maxDelayMs, initialDelayMs * 2 ** exponent);
}

/**
 * A sleep that can be cut short: `wake()` ends the current nap early (the relay's flush and wake-ups),
 * `close()` ends it and every later one at once (shutdown).
 */
export class Napper {
  private wakeCurrent: (() => void) | null = null;
  private closed = false;

  get isClosed(): boolean {
    return this.closed;
  }

  nap(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeCurrent = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeCurrent = done;
    });
  }

  wake(): void {
    this.wakeCurrent?.();
  }

  close(): void {
    this.closed = true;
    this.wake();
  }
}
