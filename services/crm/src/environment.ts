import type { z } from 'zod';
import { serviceEnvironmentSchema } from '@platform/service-kit';

/** The crm service's settings: the only place that reads process.env. */
const schema = serviceEnvironmentSchema('crm', 4002);

export type Environment = z.infer<typeof schema>;

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  return schema.parse(env);
}
