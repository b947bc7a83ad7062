import { randomBytes } from 'node:crypto';
import { redact } from '@platform/infra';
import { resolveInfrastructure } from '../infrastructure';
import { hasTestState, writeTestState } from '../state';
import { prepareTemplates } from '../templates';
import { setRelease } from './lifecycle';

const log = (message: string): void => {
  process.stderr.write(`[test infrastructure] ${message}\n`);
};

/**
 * Runs once per jest run (jest calls it for each project; the first call does the work): resolves
 * PostgreSQL and Kafka, migrates the per-service templates, and hands the result to the workers.
 */
export default async function globalSetup(): Promise<void> {
  if (hasTestState()) return;
  const runId = randomBytes(4).toString('hex');
  const infrastructure = await resolveInfrastructure(log);
  setRelease(() => infrastructure.release());
  try {
    const templates = await prepareTemplates(infrastructure.adminUrl, runId, log);
    writeTestState({
      runId,
      adminUrl: infrastructure.adminUrl,
      postgresSource: infrastructure.postgresSource,
      kafkaBrokers: infrastructure.kafkaBrokers,
      kafkaSource: infrastructure.kafkaSource,
      templates,
    });
  } catch (error) {
    await infrastructure.release();
    throw error;
  }
  log(`PostgreSQL ${redact(infrastructure.adminUrl)} (${infrastructure.postgresSource})`);
  log(`Kafka ${infrastructure.kafkaBrokers.join(',')} (${infrastructure.kafkaSource})`);
}
