import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';

export interface GraphQLResponseBody {
  data?: Record<string, unknown> | null;
  errors?: Array<{
    message: string;
    path?: Array<string | number>;
    extensions?: Record<string, unknown>;
  }>;
}

export interface PostResult {
  status: number;
  headers: Headers;
  body: GraphQLResponseBody;
}

/** POSTs a GraphQL request and reads the JSON answer. */
export async function postGraphQL(
  url: string,
  request: { query: string; variables?: Record<string, unknown>; operationName?: string },
  headers: Record<string, string> = {},
): Promise<PostResult> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(request),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as GraphQLResponseBody,
  };
}

export type LogLine = Record<string, unknown> & { msg?: string };

/** A pino logger whose lines are kept in memory, parsed. */
export function capturingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim()) lines.push(JSON.parse(line) as LogLine);
      }
      callback();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}
