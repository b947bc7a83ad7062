import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

// Test support: a real HTTP server speaking the OpenAI-compatible protocol — POST /v1/chat/completions
// and POST /v1/embeddings with a bearer key, answering like the API does (ids, `object`, `choices`,
// `usage`, OpenAI's error bodies) — recording each request. By default it answers each task with a valid
// object; a test queues other answers (a status and headers, a delay, the model's raw content).

export interface RecordedRequest {
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: Record<string, unknown>;
}

export interface ChatMessage {
  role: string;
  content: string;
}

/** A scripted answer for the next request: a raw HTTP answer, or the model's content for a completion. */
export type Scripted =
  | { status: number; headers?: Record<string, string>; body: unknown }
  | { delayMs: number }
  | { content: string; finishReason?: string }
  | { refusal: string }
  | { embeddings: number[][] };

export const SERVER_CHAT_MODEL = 'gpt-test-2026-01-01';
export const SERVER_EMBEDDING_MODEL = 'text-embedding-test';
/** The native length of the server's embedding model, when no `dimensions` is asked for. */
export const SERVER_NATIVE_DIMENSIONS = 24;

const error = (status: number, message: string, type: string, code: string | null) => ({
  status,
  body: { error: { message, type, param: null, code } },
});

/** A deterministic vector per text (hash-seeded), unit length. */
export function serverVector(text: string, dimensions: number): number[] {
  const values = Array.from({ length: dimensions }, (_unused, index) => {
    const digest = createHash('sha256').update(`${index}:${text}`).digest();
    return digest.readInt16BE(0) / 32768;
  });
  const norm = Math.sqrt(values.reduce((sum, value) => sum + value * value, 0));
  return values.map((value) => value / norm);
}

/** The default model: answers each task (told apart by its system prompt) with a valid object. */
function defaultContent(messages: ChatMessage[]): string {
  const system = messages[0]?.content ?? '';
  const data = JSON.parse(messages[1]?.content ?? '{}') as {
    message?: string;
    participantName?: string | null;
    passages?: { id: string }[];
  };
  if (system.startsWith('You classify')) {
    const pricing = /price|cost/i.test(data.message ?? '');
    return JSON.stringify({
      intent: pricing ? 'pricing' : 'other',
      sentiment: 'neutral',
      confidence: 0.82,
    });
  }
  if (system.startsWith('You score')) {
    return JSON.stringify({
      score: 'warm',
      signals: ['pricing_question', 'pricing_question'],
      reasoning: 'Asks for a price.',
      confidence: 0.7,
    });
  }
  if (system.startsWith('You draft')) {
    return JSON.stringify({
      text: `Hi ${data.participantName ?? 'there'}, thanks for asking! Which size do you need?`,
      confidence: 0.66,
    });
  }
  const first = data.passages?.[0];
  return JSON.stringify(
    first
      ? { text: 'Opening hours are 9 to 5.', citedPassageIds: [first.id] }
      : { text: 'I could not find that in your documents.', citedPassageIds: [] },
  );
}

const tokens = (text: string) => Math.ceil(text.length / 4);

export async function startOpenAiServer(apiKey: string) {
  const requests: RecordedRequest[] = [];
  const queue: Scripted[] = [];
  let sequence = 0;
  // Delayed answers' timers, cleared at close (the client gave up on them long before).
  const timers = new Set<NodeJS.Timeout>();

  const send = (
    response: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  };

  async function handle(request: IncomingMessage, response: ServerResponse, text: string) {
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // Recorded empty; refused below.
    }
    const path = request.url ?? '';
    requests.push({
      path,
      authorization: request.headers.authorization,
      contentType: request.headers['content-type'],
      body,
    });
    const scripted = queue.shift();
    if (scripted && 'delayMs' in scripted) {
      await new Promise((resolve) => timers.add(setTimeout(resolve, scripted.delayMs)));
    }
    if (scripted && 'status' in scripted)
      return send(response, scripted.status, scripted.body, scripted.headers);
    if (request.method !== 'POST') {
      const refused = error(405, 'Method not allowed', 'invalid_request_error', null);
      return send(response, refused.status, refused.body);
    }
    if (request.headers.authorization !== `Bearer ${apiKey}`) {
      const refused = error(401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
      return send(response, refused.status, refused.body);
    }
    if (!request.headers['content-type']?.startsWith('application/json') || text === '' || !body) {
      const refused = error(
        400,
        'We could not parse the JSON body of your request.',
        'invalid_request_error',
        null,
      );
      return send(response, refused.status, refused.body);
    }
    sequence += 1;
    if (path === '/v1/chat/completions') {
      const messages = body.messages as ChatMessage[] | undefined;
      const format = body.response_format as { type?: string } | undefined;
      if (
        typeof body.model !== 'string' ||
        !Array.isArray(messages) ||
        messages.some((message) => typeof message.content !== 'string' || !message.role)
      ) {
        const refused = error(400, "'messages' is a required property", 'invalid_request_error', null);
        return send(response, refused.status, refused.body);
      }
      if (format?.type === 'json_object' && !messages.some((message) => /json/i.test(message.content))) {
        // The real API's rule for JSON mode.
        const refused = error(
          400,
          "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
          'invalid_request_error',
          null,
        );
        return send(response, refused.status, refused.body);
      }
      const refusal = scripted && 'refusal' in scripted ? scripted.refusal : null;
      const content =
        scripted && 'content' in scripted
          ? scripted.content
          : refusal === null
            ? defaultContent(messages)
            : null;
      const prompt = messages.map((message) => message.content).join('\n');
      return send(response, 200, {
        id: `chatcmpl-${sequence}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: SERVER_CHAT_MODEL,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content, refusal },
            logprobs: null,
            finish_reason: scripted && 'finishReason' in scripted ? scripted.finishReason : 'stop',
          },
        ],
        usage: {
          prompt_tokens: tokens(prompt),
          completion_tokens: tokens(content ?? refusal ?? ''),
          total_tokens: tokens(prompt) + tokens(content ?? refusal ?? ''),
        },
      });
    }
    if (path === '/v1/embeddings') {
      const input = body.input;
      if (
        typeof body.model !== 'string' ||
        !Array.isArray(input) ||
        input.some((item) => typeof item !== 'string')
      ) {
        const refused = error(400, "'input' is a required property", 'invalid_request_error', null);
        return send(response, refused.status, refused.body);
      }
      const dimensions = typeof body.dimensions === 'number' ? body.dimensions : SERVER_NATIVE_DIMENSIONS;
      const vectors =
        scripted && 'embeddings' in scripted
          ? scripted.embeddings
          : (input as string[]).map((item) => serverVector(item, dimensions));
      // The API lists by `index`; this server answers in reverse order to hold the client to the index.
      const data = vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })).reverse();
      const promptTokens = (input as string[]).reduce((sum, item) => sum + tokens(item), 0);
      return send(response, 200, {
        object: 'list',
        data,
        model: SERVER_EMBEDDING_MODEL,
        usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
      });
    }
    const missing = error(404, `Invalid URL (POST ${path})`, 'invalid_request_error', null);
    return send(response, missing.status, missing.body);
  }

  const server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    request.on('end', () => {
      handle(request, response, text).catch((failure: unknown) => {
        response.writeHead(500).end(String(failure));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    /** Queues answers for the next requests, in order. */
    script: (...answers: Scripted[]) => queue.push(...answers),
    reset: () => {
      requests.length = 0;
      queue.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type OpenAiServer = Awaited<ReturnType<typeof startOpenAiServer>>;
