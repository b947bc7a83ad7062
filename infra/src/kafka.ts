import path from 'node:path';
import { parseBrokerList } from '@platform/messaging';
import { readInfraEnvironment } from './environment';
import { REPO_ROOT } from './postgres';
import { dockerEngineAvailable } from './docker';
import { hasCommand, runChecked, runCommand } from './process';

export type KafkaSource = 'explicit' | 'running' | 'local' | 'docker';

export interface KafkaBroker {
  brokers: string[];
  source: KafkaSource;
  /** Whether this call started the broker (and so a matching stop may stop it). */
  startedHere: boolean;
}

const KAFKA_SCRIPT = path.join(REPO_ROOT, 'infra', 'kafka', 'kafka.sh');

/**
 * Makes sure an Apache Kafka broker answers and returns its bootstrap servers: KAFKA_BROKERS as
 * given, else the broker on 127.0.0.1:9092: reused when running, otherwise started from the jars
 * resolved out of Maven Central by infra/kafka/kafka.sh (needs Java 17 and Maven), or with docker
 * compose where those are missing and a Docker engine answers.
 */
export async function ensureKafka(log: (message: string) => void = () => undefined): Promise<KafkaBroker> {
  const env = readInfraEnvironment();
  if (env.KAFKA_BROKERS) {
    return { brokers: parseBrokerList(env.KAFKA_BROKERS), source: 'explicit', startedHere: false };
  }
  const status = await runCommand('bash', [KAFKA_SCRIPT, 'status']);
  if (status.code === 0) return { brokers: ['127.0.0.1:9092'], source: 'running', startedHere: false };
  const canBuildLocally = (await hasCommand('java')) && (await hasCommand('mvn'));
  if (!canBuildLocally && (await dockerEngineAvailable())) {
    log('starting Apache Kafka with docker compose');
    await runChecked('docker', ['compose', 'up', '-d', '--wait', 'kafka'], { cwd: REPO_ROOT });
    return { brokers: ['127.0.0.1:9092'], source: 'docker', startedHere: true };
  }
  log('starting the Apache Kafka broker (infra/kafka/kafka.sh start)');
  await runChecked('bash', [KAFKA_SCRIPT, 'start']);
  return { brokers: ['127.0.0.1:9092'], source: 'local', startedHere: true };
}

export async function stopKafka(broker: KafkaBroker): Promise<void> {
  if (!broker.startedHere) return;
  switch (broker.source) {
    case 'local':
      await runChecked('bash', [KAFKA_SCRIPT, 'stop']);
      return;
    case 'docker':
      await runChecked('docker', ['compose', 'stop', 'kafka'], { cwd: REPO_ROOT });
      return;
    case 'explicit':
    case 'running':
      return;
  }
}
