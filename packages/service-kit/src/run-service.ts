import { parseBrokerList } from '@platform/messaging';
import { createLogger, type Logger } from './logger';
import { onShutdown } from './shutdown';

/** The settings every service's start function takes, from its parsed environment. */
export interface BaseServiceSettings {
  databaseUrl: string;
  port: number;
  host: string;
  internalContextKey: string;
  kafka: { brokers: string[]; topicPrefix: string };
}

export function baseServiceSettings(environment: {
  DATABASE_URL: string;
  PORT: number;
  HOST: string;
  INTERNAL_CONTEXT_PUBLIC_JWK: Record<string, unknown>;
  KAFKA_BROKERS: string;
  TOPIC_PREFIX: string;
}): BaseServiceSettings {
  return {
    databaseUrl: environment.DATABASE_URL,
    port: environment.PORT,
    host: environment.HOST,
    internalContextKey: JSON.stringify(environment.INTERNAL_CONTEXT_PUBLIC_JWK),
    kafka: { brokers: parseBrokerList(environment.KAFKA_BROKERS), topicPrefix: environment.TOPIC_PREFIX },
  };
}

/**
 * A service process's main: starts it, stops it cleanly on SIGINT/SIGTERM, and exits non-zero with
 * the reason logged when it cannot start.
 */
export function runService(
  service: string,
  logLevel: string,
  start: (logger: Logger) => Promise<{ close(): Promise<void> }>,
): void {
  const logger = createLogger(service, logLevel);
  start(logger).then(
    (running) => onShutdown(logger, () => running.close()),
    (error: unknown) => {
      logger.fatal({ err: error }, 'failed to start');
      process.exit(1);
    },
  );
}
