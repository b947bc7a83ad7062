import type { Writable } from 'node:stream';

export type LogLevel = 'ERROR' | 'WARN' | 'INFO' | 'DEBUG';

/**
 * The engine's log lines: one JSON object per stderr line, the shape of the native engine's tracing
 * output (`level`, `fields.message`, `target`). The CLI keeps the messages and shows the last ERROR
 * line's message if the engine exits with an error.
 */
export function logLine(
  level: LogLevel,
  message: string,
  fields: Record<string, unknown> = {},
  target = 'schema_engine_bridge',
): string {
  return JSON.stringify({
    timestamp: new Date().toISOString(),
    level,
    fields: { message, ...fields },
    target,
  });
}

export class Logger {
  constructor(private readonly stream: Writable) {}

  write(line: string): void {
    this.stream.write(`${line.replace(/\r?\n/g, ' ')}\n`);
  }

  log(level: LogLevel, message: string, fields?: Record<string, unknown>, target?: string): void {
    this.write(logLine(level, message, fields, target));
  }

  info(message: string, fields?: Record<string, unknown>): void {
    this.log('INFO', message, fields);
  }
}
