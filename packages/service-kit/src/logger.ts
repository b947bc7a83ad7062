import pino, { type Logger } from 'pino';

export type { Logger };

/** JSON logs on stdout, one logger per service, with the service name on every line. */
export function createLogger(service: string, level: string = 'info'): Logger {
  return pino({ name: service, level, base: { service } });
}
