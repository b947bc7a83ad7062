import { parseBrokerList } from '@platform/messaging';
import { z } from 'zod';
import { parseFieldKeyring, type FieldKeyring } from './field-encryption';
import type { TelemetrySettings } from './telemetry';

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

/** `key=value,key2=value2` (values URL-encoded), as the OpenTelemetry specification writes headers. */
const otlpHeaders = z
  .string()
  .optional()
  .transform((value, context) => {
    const headers: Record<string, string> = {};
    for (const pair of (value ?? '').split(',')) {
      if (pair.trim() === '') continue;
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator).trim();
      if (separator < 1 || name === '') {
        context.addIssue({ code: 'custom', message: 'must be key=value pairs separated by commas' });
        return z.NEVER;
      }
      headers[name] = decodeURIComponent(pair.slice(separator + 1).trim());
    }
    return headers;
  });

/**
 * The OpenTelemetry variables the platform reads (the specification's names). Nothing is exported
 * unless an endpoint is set: no outbound call nobody configured.
 */
export const telemetryEnvironmentShape = {
  /** The OTLP/HTTP collector's base URL; traces go to `<endpoint>/v1/traces`. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  /** The traces URL itself (wins over OTEL_EXPORTER_OTLP_ENDPOINT). */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
  /** Headers of every export request (an API key, say). */
  OTEL_EXPORTER_OTLP_HEADERS: otlpHeaders,
  /** Headers of trace export requests (added to, and winning over, OTEL_EXPORTER_OTLP_HEADERS). */
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: otlpHeaders,
  /** `service.name` of the process's spans (default the service's name). */
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  /** `true`: no tracing at all (no spans, no trace ids in logs and events). */
  OTEL_SDK_DISABLED: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
};

type TelemetryEnvironment = z.infer<z.ZodObject<typeof telemetryEnvironmentShape>>;

/** What the process's telemetry is installed with, from its parsed environment; null: disabled. */
export function telemetrySettings(
  environment: TelemetryEnvironment,
  defaultServiceName: string,
): TelemetrySettings | null {
  if (environment.OTEL_SDK_DISABLED) return null;
  const base = environment.OTEL_EXPORTER_OTLP_ENDPOINT;
  const url =
    environment.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base ? `${base.replace(/\/+$/, '')}/v1/traces` : null);
  return {
    serviceName: environment.OTEL_SERVICE_NAME ?? defaultServiceName,
    otlp: url
      ? {
          url,
          headers: {
            ...environment.OTEL_EXPORTER_OTLP_HEADERS,
            ...environment.OTEL_EXPORTER_OTLP_TRACES_HEADERS,
          },
        }
      : null,
  };
}

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
    ...telemetryEnvironmentShape,
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

/**
 * A required setting holding a field keyring (JSON: `{ "active": "k1", "keys": { "k1": "<32 bytes,
 * base64>" }, "blindIndexKey": "<32 bytes, base64>" }`), parsed and checked at start; `what` names, in
 * the error, what the keyring encrypts.
 */
export function fieldKeyringSetting(name: string, what: string) {
  return z
    .string({ error: `${name} is required: the keyring that encrypts ${what} (JSON)` })
    .transform((value, context): FieldKeyring => {
      try {
        return parseFieldKeyring(value);
      } catch (error) {
        context.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
        return z.NEVER;
      }
    });
}
