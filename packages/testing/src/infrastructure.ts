import { createServer } from 'node:net';
import {
  dockerEngineAvailable,
  ensureKafka,
  ensurePostgres,
  readInfraEnvironment,
  stopKafka,
  stopPostgres,
  type KafkaBroker,
  type PostgresServer,
} from '@platform/infra';
import { parseBrokerList } from '@platform/messaging';

/** Versions the containers use; the same images docker-compose.yml runs. */
export const POSTGRES_IMAGE = 'postgres:17-alpine';
export const KAFKA_IMAGE = 'apache/kafka:4.3.1';

export interface ResolvedInfrastructure {
  adminUrl: string;
  postgresSource: string;
  kafkaBrokers: string[];
  kafkaSource: string;
  /** Stops whatever this resolution started; leaves alone what it found. */
  release(): Promise<void>;
}

type Log = (message: string) => void;

/**
 * Resolves PostgreSQL and Kafka for a test run, in this order: explicit environment (DATABASE_URL as
 * the admin base, KAFKA_BROKERS); testcontainers when a Docker engine answers; else the local scripts
 * (system or embedded PostgreSQL, the Apache Kafka broker started from Maven Central jars).
 */
export async function resolveInfrastructure(log: Log): Promise<ResolvedInfrastructure> {
  const env = readInfraEnvironment();
  const explicit = Boolean(env.DATABASE_URL && env.KAFKA_BROKERS);
  if (!explicit && env.PLATFORM_TESTCONTAINERS !== '0' && (await dockerEngineAvailable())) {
    return resolveWithTestcontainers(log, env.DATABASE_URL, env.KAFKA_BROKERS);
  }
  const postgres: PostgresServer = await ensurePostgres(log);
  let kafka: KafkaBroker;
  try {
    kafka = await ensureKafka(log);
  } catch (error) {
    await stopPostgres(postgres);
    throw error;
  }
  return {
    adminUrl: postgres.adminUrl,
    postgresSource: `${postgres.source}${postgres.startedHere ? ', started for this run' : ''}`,
    kafkaBrokers: kafka.brokers,
    kafkaSource: `${kafka.source}${kafka.startedHere ? ', started for this run' : ''}`,
    async release() {
      await stopKafka(kafka);
      await stopPostgres(postgres);
    },
  };
}

async function resolveWithTestcontainers(
  log: Log,
  givenDatabaseUrl: string | undefined,
  givenBrokers: string | undefined,
): Promise<ResolvedInfrastructure> {
  // Loaded only here: users without Docker never pay for it.
  const { GenericContainer, Wait } = await import('testcontainers');
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const stops: Array<() => Promise<unknown>> = [];
  const release = async () => {
    for (const stop of stops.reverse()) await stop();
  };
  try {
    let adminUrl = givenDatabaseUrl;
    if (!adminUrl) {
      log(`starting ${POSTGRES_IMAGE} with testcontainers`);
      const postgres = await new PostgreSqlContainer(POSTGRES_IMAGE)
        .withUsername('postgres')
        .withPassword('postgres')
        .withDatabase('postgres')
        .start();
      stops.push(() => postgres.stop());
      adminUrl = postgres.getConnectionUri();
    }
    let brokers = givenBrokers ? parseBrokerList(givenBrokers) : undefined;
    if (!brokers) {
      // The apache/kafka image advertises the address it is told at start, so the host port is
      // chosen first and mapped explicitly. (@testcontainers/kafka drives Confluent's images only.)
      const port = await freePort();
      log(`starting ${KAFKA_IMAGE} with testcontainers on 127.0.0.1:${port}`);
      const kafka = await new GenericContainer(KAFKA_IMAGE)
        .withExposedPorts({ container: 9092, host: port })
        .withEnvironment({
          KAFKA_NODE_ID: '1',
          KAFKA_PROCESS_ROLES: 'broker,controller',
          KAFKA_LISTENERS: 'PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093',
          KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${port}`,
          KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
          KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
          KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
          KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
          KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
          KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
          KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
          KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
        })
        .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
        .withStartupTimeout(120_000)
        .start();
      stops.push(() => kafka.stop());
      brokers = [`127.0.0.1:${port}`];
    }
    return {
      adminUrl,
      postgresSource: givenDatabaseUrl ? 'explicit' : 'testcontainers',
      kafkaBrokers: brokers,
      kafkaSource: givenBrokers ? 'explicit' : 'testcontainers',
      release,
    };
  } catch (error) {
    await release();
    throw error;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
