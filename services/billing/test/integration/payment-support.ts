import { createServer, type IncomingHttpHeaders } from 'node:http';

/** One webhook delivery as the receiver got it. */
export interface Delivery {
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The event's id and type, and its payment's id and status (what the tests look at). */
  event: { id: string; type: string; paymentId: string; status: string };
}

/**
 * A real HTTP endpoint that receives the local provider's webhooks (instead of billing), keeps every
 * delivery, and answers 200 unless told to answer something else first.
 */
export interface WebhookReceiver {
  url: string;
  deliveries: Delivery[];
  /** The statuses of the next answers, in order (then 200 again). */
  answerNext(...statuses: number[]): void;
  /** Waits (up to 15 s) until a delivery matches, and returns it. */
  waitFor(match: (delivery: Delivery) => boolean): Promise<Delivery>;
  close(): Promise<void>;
}

interface EventShape {
  id: string;
  type: string;
  data: { object: { id: string; status: string } };
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const deliveries: Delivery[] = [];
  const statuses: number[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const parsed = JSON.parse(body.toString('utf8')) as EventShape;
      deliveries.push({
        headers: request.headers,
        body,
        event: {
          id: parsed.id,
          type: parsed.type,
          paymentId: parsed.data.object.id,
          status: parsed.data.object.status,
        },
      });
      response.writeHead(statuses.shift() ?? 200, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    deliveries,
    answerNext: (...next) => statuses.push(...next),
    async waitFor(match) {
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        const found = deliveries.find(match);
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(`no matching webhook delivery within 15 s (got ${deliveries.length})`);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/**
 * An HTTP proxy in front of the payment provider that can be taken down: while down it drops every
 * connection (the client sees "fetch failed", as with a provider that is unreachable).
 */
export interface FlakyProxy {
  url: string;
  down: boolean;
  close(): Promise<void>;
}

export async function startFlakyProxy(target: string): Promise<FlakyProxy> {
  const proxy: FlakyProxy = { url: '', down: false, close: () => Promise.resolve() };
  const server = createServer((request, response) => {
    if (proxy.down) {
      request.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === 'string' && name !== 'host' && name !== 'content-length') headers[name] = value;
      }
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      fetch(`${target}${request.url ?? '/'}`, { method: request.method ?? 'GET', headers, body }).then(
        async (answer) => {
          const payload = Buffer.from(await answer.arrayBuffer());
          response.writeHead(answer.status, {
            'content-type': answer.headers.get('content-type') ?? 'application/json',
          });
          response.end(payload);
        },
        () => request.socket.destroy(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  proxy.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  proxy.close = () =>
    new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
  return proxy;
}
