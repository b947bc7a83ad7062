import { z } from 'zod';
import { SERVICES } from '@platform/infra';

/**
 * What jest's global setup resolved, handed to every test worker through one environment variable
 * (workers are forked after global setup, so they inherit it).
 */
const testStateSchema = z.object({
  runId: z.string().regex(/^[a-z0-9]+$/),
  adminUrl: z.string().url(),
  postgresSource: z.string(),
  kafkaBrokers: z.array(z.string()).min(1),
  kafkaSource: z.string(),
  /** Per service: a database migrated from the committed migrations, cloned for each test file. */
  templates: z.partialRecord(z.enum(SERVICES), z.string()),
});

export type TestState = z.infer<typeof testStateSchema>;

export const TEST_STATE_VARIABLE = 'PLATFORM_TEST_STATE';

export function readTestState(): TestState {
  const raw = process.env[TEST_STATE_VARIABLE];
  if (!raw) {
    throw new Error(
      `${TEST_STATE_VARIABLE} is not set: run tests through jest with the workspace config (npm test), ` +
        'whose global setup resolves PostgreSQL and Kafka',
    );
  }
  return testStateSchema.parse(JSON.parse(raw));
}

export function writeTestState(state: TestState): void {
  process.env[TEST_STATE_VARIABLE] = JSON.stringify(state);
}

export function hasTestState(): boolean {
  return Boolean(process.env[TEST_STATE_VARIABLE]);
}

/** Database names of one run start with this, so the run's teardown can drop them all. */
export function databasePrefix(runId: string): string {
  return `t_${runId}_`;
}

/** Topic names of one run start with this. */
export function topicPrefix(runId: string): string {
  return `t.${runId}.`;
}
