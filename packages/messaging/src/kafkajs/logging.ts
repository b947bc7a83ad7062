import { logLevel, type logCreator } from 'kafkajs';
import type { LogLevel, MessagingLogger } from '../logger';

export const kafkajsLevel: Record<LogLevel, logLevel> = {
  debug: logLevel.DEBUG,
  info: logLevel.INFO,
  warn: logLevel.WARN,
  error: logLevel.ERROR,
};

/**
 * Routes kafkajs' log entries into a MessagingLogger as `[Namespace] message` plus the entry's fields.
 *
 * kafkajs logs every error response of the protocol at ERROR level from its Connection namespace
 * ("[Connection] Response Metadata(key: 3, version: 6)"), including the ones it then retries away
 * (a coordinator still loading at startup) and the ones it turns into a rejected promise for the
 * caller. Those are passed on at debug level: the caller sees the error that matters, once.
 */
export function kafkajsLogCreator(logger: MessagingLogger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const fields: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(log)) {
        if (name !== 'message' && name !== 'timestamp' && name !== 'logger') fields[name] = value;
      }
      const text = `[${namespace}] ${log.message}`;
      if (namespace === 'Connection' && log.message.startsWith('Response ')) {
        logger.debug(text, fields);
        return;
      }
      switch (level) {
        case logLevel.ERROR:
          logger.error(text, fields);
          return;
        case logLevel.WARN:
          logger.warn(text, fields);
          return;
        case logLevel.INFO:
          logger.info(text, fields);
          return;
        case logLevel.DEBUG:
        case logLevel.NOTHING:
          logger.debug(text, fields);
          return;
      }
    };
}
