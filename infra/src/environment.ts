import { z } from 'zod';

/**
 * The infrastructure settings a developer or CI may give. Everything is optional: without them the
 * scripts find or start PostgreSQL and Kafka on this machine.
 */
const schema = z.object({
  /** Admin (superuser) URL of a PostgreSQL server to use as is, e.g. postgresql://postgres@host:5432/postgres. */
  DATABASE_URL: z.string().url().optional(),
  /** Comma-separated Kafka bootstrap servers to use as they are. */
  KAFKA_BROKERS: z.string().min(1).optional(),
  /** Force how PostgreSQL is provided instead of the automatic order. */
  PLATFORM_POSTGRES: z.enum(['system', 'docker', 'embedded']).optional(),
  /** Port for the embedded PostgreSQL fallback. */
  PLATFORM_PG_PORT: z.coerce.number().int().positive().default(5432),
  /** Docker engine address (as Docker's own clients read it). */
  DOCKER_HOST: z.string().optional(),
  /** Set to 0 to keep testcontainers out even when a Docker engine answers. */
  PLATFORM_TESTCONTAINERS: z.enum(['0', '1']).optional(),
  /** Set to 1 to keep a broker or database server that a test run started running afterwards. */
  PLATFORM_KEEP_INFRA: z.enum(['0', '1']).optional(),
});

export type InfraEnvironment = z.infer<typeof schema>;

export function readInfraEnvironment(env: NodeJS.ProcessEnv = process.env): InfraEnvironment {
  return schema.parse(env);
}

/** The environment a child process inherits, with the given variables set on top. */
export function childEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}
