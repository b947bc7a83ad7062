import pino, { type Logger } from 'pino';
import { activeTraceIds } from './telemetry';

export type { Logger };

/**
 * JSON logs on stdout, one logger per service, with the service name on every line, and the active
 * span's `trace_id` and `span_id` on every line written inside one (a log line finds its trace).
 */
export function createLogger(service: string, level: string = 'info'): Logger {
  return pino({ name: service, level, base: { service }, mixin: activeTraceIds });
}
