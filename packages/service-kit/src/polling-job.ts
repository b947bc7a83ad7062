import type { Logger } from './logger';

/** A background job that runs a pass every interval, and at once when woken. */
export interface PollingJob {
  /** Runs a pass soon (after the running one, if any): new work was committed. */
  wake(): void;
  /** Stops the timer and waits for the running pass. */
  stop(): Promise<void>;
}

export interface PollingJobOptions {
  /** For logs: what the job does (`ai tasks`, `reply queue`). */
  name: string;
  intervalMs: number;
  logger: Logger;
  /**
   * One pass over due work. Answers whether it may have left work behind (a full batch): the job then
   * runs again at once instead of waiting for the next tick.
   */
  pass(): Promise<boolean>;
}

/**
 * The loop of the platform's claim-based workers: one pass at a time, every `intervalMs`, again at once
 * after a full batch, and on `wake()` (a committed change that created work, so it need not wait for the
 * tick). A failed pass is logged; the next tick tries again. Replicas each run one: the passes claim
 * rows, so two replicas never take the same one.
 */
export function startPollingJob(options: PollingJobOptions): PollingJob {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const run = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    again = false;
    running = options
      .pass()
      .then((more) => {
        if (more) again = true;
      })
      .catch((error: unknown) => options.logger.error({ err: error, job: options.name }, 'a job pass failed'))
      .finally(() => {
        running = null;
        if (again && !stopped) setImmediate(run);
      });
  };
  const timer = setInterval(run, options.intervalMs);
  timer.unref();
  return {
    wake: run,
    async stop() {
      stopped = true;
      clearInterval(timer);
      while (running) await running;
    },
  };
}
