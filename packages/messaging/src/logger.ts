/** The small logger the messaging clients write to; adapt a service's pino/winston logger to it. */
export interface MessagingLogger {
  debug(message: string, fields?: Readonly<Record<string, unknown>>): void;
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

export type LogLevel = keyof MessagingLogger;

/** Drops everything. */
export const silentLogger: MessagingLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Writes entries at `minimum` and above to stderr as JSON lines (the default when no logger is given). */
export function stderrLogger(minimum: LogLevel = 'warn'): MessagingLogger {
  const write =
    (level: LogLevel) =>
    (message: string, fields?: Readonly<Record<string, unknown>>): void => {
      if (order[level] < order[minimum]) return;
      process.stderr.write(`${JSON.stringify({ level, message, ...fields })}\n`);
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

export interface LogEntry {
  level: LogLevel;
  message: string;
  fields?: Readonly<Record<string, unknown>>;
}

/** Keeps entries in memory: quiet test output, and tests can look at what was logged. */
export function recordingLogger(): MessagingLogger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const record =
    (level: LogLevel) =>
    (message: string, fields?: Readonly<Record<string, unknown>>): void => {
      entries.push({ level, message, fields });
    };
  return {
    entries,
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  };
}
