import globalSetup from './jest/global-setup';
import globalTeardown from './jest/global-teardown';

/**
 * What jest's global setup and teardown do, for scripts (benchmarks) that want the same isolated
 * infrastructure as a test run: PostgreSQL and Kafka found or started, migrated templates, and
 * everything the run created dropped afterwards.
 */
export async function withTestInfrastructure<T>(work: () => Promise<T>): Promise<T> {
  await globalSetup();
  try {
    return await work();
  } finally {
    await globalTeardown();
  }
}
