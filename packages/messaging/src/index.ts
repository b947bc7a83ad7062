export type {
  CommittedOffset,
  ConsumedMessage,
  ConsumerOptions,
  HeaderValue,
  MessageConsumer,
  MessageHandler,
  MessageProducer,
  Messaging,
  OutgoingMessage,
  PartitionLag,
  TopicAdmin,
  TopicSpec,
} from './types';
export { TopicNotFoundError } from './errors';
export {
  recordingLogger,
  silentLogger,
  stderrLogger,
  type LogEntry,
  type LogLevel,
  type MessagingLogger,
} from './logger';
export {
  DEFAULT_BROKERS,
  parseBrokerList,
  readMessagingEnvironment,
  type MessagingEnvironment,
} from './environment';
export { createKafkaMessaging, type KafkaMessagingOptions } from './kafkajs/messaging';
