import { z } from 'zod';

/** The crm service's settings: the only place that reads process.env. */
const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4002),
  HOST: z.string().default('127.0.0.1'),
  /** Connects as the service's application role (crm_app): no DDL, row-level security applies. */
  DATABASE_URL: z.string().url().default('postgresql://crm_app:crm_app@127.0.0.1:5432/crm'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Environment = z.infer<typeof schema>;

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  return schema.parse(env);
}
