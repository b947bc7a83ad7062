// Readiness probe for kafka.sh: exits 0 when an admin client can list the broker's topics.
// Usage: node ready-check.cjs <host:port>. Exit codes: 0 ready, 1 not ready, 2 kafkajs not installed (the
// caller then falls back to ReadyCheck.java, which needs no node_modules).
// Uses the same client library as @platform/messaging, so a broker that passes also speaks its protocol.
'use strict';
const path = require('node:path');

const broker = process.argv[2] || '127.0.0.1:9092';

let kafkajs;
try {
  kafkajs = require(
    require.resolve('kafkajs', { paths: [path.join(__dirname, '../../packages/messaging')] }),
  );
} catch {
  process.exit(2);
}

const { Kafka, logLevel } = kafkajs;
const kafka = new Kafka({
  clientId: 'kafka-sh-ready-check',
  brokers: [broker],
  connectionTimeout: 1000,
  requestTimeout: 3000,
  retry: { retries: 0 },
  logLevel: logLevel.NOTHING,
});
const admin = kafka.admin();

admin
  .connect()
  .then(() => admin.listTopics())
  .then(
    () => admin.disconnect().then(() => process.exit(0)),
    (error) => {
      console.error(`not ready: ${error instanceof Error ? error.message : String(error)}`);
      return admin.disconnect().finally(() => process.exit(1));
    },
  );
