import { parseBrokerList } from '@platform/messaging';
import { z } from 'zod';

/** A JSON object given as an environment variable (keys as JWK, for example). */
export const jsonObjectVariable = z.string().transform((value, context) => {
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // reported below
  }
  context.addIssue({ code: 'custom', message: 'must be a JSON object' });
  return z.NEVER;
});

/**
 * The settings every domain service takes; each service's environment.ts extends this and parses
 * process.env with it (the only place a service reads the environment).
 */
export function serviceEnvironmentSchema(service: string, defaultPort: number) {
  return z.object({
    PORT: z.coerce.number().int().min(0).max(65535).default(defaultPort),
    HOST: z.string().default('127.0.0.1'),
    /** Connects as the service's application role: no DDL, row-level security applies. */
    DATABASE_URL: z
      .string()
      .url()
      .default(`postgresql://${service}_app:${service}_app@127.0.0.1:5432/${service}`),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** The gateway's public key (Ed25519 JWK, JSON) that verifies the internal context. */
    INTERNAL_CONTEXT_PUBLIC_JWK: jsonObjectVariable,
    KAFKA_BROKERS: z.string().default('127.0.0.1:9092'),
    /** Prepended to every topic name (tests give each file its own topics); empty in production. */
    TOPIC_PREFIX: z.string().default(''),
  });
}

export type ServiceEnvironment = z.infer<ReturnType<typeof serviceEnvironmentSchema>>;

/** The process environment (this file is the kit's one place that reads it). */
export function processEnvironment(): NodeJS.ProcessEnv {
  return process.env;
}

/** The settings every service's start function takes, from its parsed environment. */
export interface BaseServiceSettings {
  databaseUrl: string;
  port: number;
  host: string;
  internalContextKey: string;
  kafka: { brokers: string[]; topicPrefix: string };
}

export function baseServiceSettings(environment: ServiceEnvironment): BaseServiceSettings {
  return {
    databaseUrl: environment.DATABASE_URL,
    port: environment.PORT,
    host: environment.HOST,
    internalContextKey: JSON.stringify(environment.INTERNAL_CONTEXT_PUBLIC_JWK),
    kafka: { brokers: parseBrokerList(environment.KAFKA_BROKERS), topicPrefix: environment.TOPIC_PREFIX },
  };
}
