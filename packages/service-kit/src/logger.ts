import pino, { type DestinationStream, type Logger } from 'pino';
import { activeTraceIds } from './telemetry';

export type { Logger };

/**
 * JSON logs on stdout (or `destination`), one logger per service, with the service name on every line,
 * and the active span's `trace_id` and `span_id` on every line written inside one: a log line finds
 * its trace, and a trace its log lines.
 */
export function createLogger(
  service: string,
  level: string = 'info',
  destination?: DestinationStream,
): Logger {
  const options = { name: service, level, base: { service }, mixin: activeTraceIds };
  return destination ? pino(options, destination) : pino(options);
}
