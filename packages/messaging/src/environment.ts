/** The only place @platform/messaging reads the environment. */
export interface MessagingEnvironment {
  /** Bootstrap servers, from KAFKA_BROKERS (comma-separated), default the local broker 127.0.0.1:9092. */
  brokers: string[];
}

export const DEFAULT_BROKERS = ['127.0.0.1:9092'];

/** Bootstrap servers from a comma-separated list ("host:port, host:port"); blanks are dropped. */
export function parseBrokerList(value: string): string[] {
  return value
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
}

export function readMessagingEnvironment(env: NodeJS.ProcessEnv = process.env): MessagingEnvironment {
  const brokers = parseBrokerList(env.KAFKA_BROKERS ?? '');
  return { brokers: brokers.length > 0 ? brokers : DEFAULT_BROKERS };
}
