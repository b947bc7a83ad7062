import pino from 'pino';
import { startServiceServer, type RunningServer } from '../src';
import { metricValue, parseMetrics, recordSpans } from '../src/testing';

describe('service HTTP server', () => {
  const logger = pino({ level: 'silent' });
  let running: RunningServer | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('answers liveness while running', async () => {
    running = await startServiceServer({ service: 'demo', port: 0, logger, readiness: [] });
    const response = await fetch(`${running.url}/health/live`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', service: 'demo' });
  });

  it('is ready only when every readiness check passes, and names the failing one', async () => {
    let databaseUp = false;
    running = await startServiceServer({
      service: 'demo',
      port: 0,
      logger,
      readiness: [
        { name: 'kafka', check: () => Promise.resolve() },
        {
          name: 'database',
          check: () => (databaseUp ? Promise.resolve() : Promise.reject(new Error('connection refused'))),
        },
      ],
    });
    const down = await fetch(`${running.url}/health/ready`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({
      status: 'not_ready',
      checks: { kafka: 'ok', database: 'connection refused' },
    });
    databaseUp = true;
    const up = await fetch(`${running.url}/health/ready`);
    expect(up.status).toBe(200);
    expect(await up.json()).toMatchObject({ status: 'ready', checks: { kafka: 'ok', database: 'ok' } });
  });

  it('is ready but degraded while only a non-critical dependency is missing, and names it', async () => {
    running = await startServiceServer({
      service: 'demo',
      port: 0,
      logger,
      readiness: [
        { name: 'database', check: () => Promise.resolve() },
        { name: 'reports', critical: false, check: () => Promise.reject(new Error('unreachable')) },
      ],
    });
    const degraded = await fetch(`${running.url}/health/ready`);
    expect(degraded.status).toBe(200);
    expect(await degraded.json()).toMatchObject({
      status: 'degraded',
      checks: { database: 'ok', reports: 'unreachable' },
    });
  });

  it('answers other paths with a typed 404', async () => {
    running = await startServiceServer({ service: 'demo', port: 0, logger, readiness: [] });
    const response = await fetch(`${running.url}/nowhere`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no route for /nowhere' } });
  });

  it('serves a prefix route for every path below it, labelled by its pattern', async () => {
    const seen: string[] = [];
    running = await startServiceServer({
      service: 'demo',
      port: 0,
      logger,
      readiness: [],
      routes: {
        '/hooks/*': (request, response) => {
          seen.push(request.url ?? '');
          response.writeHead(202).end();
        },
        '/hooks': (_request, response) => void response.writeHead(204).end(),
      },
    });
    const { url } = running;
    expect((await fetch(`${url}/hooks/abc`)).status).toBe(202);
    expect((await fetch(`${url}/hooks/abc/def?x=1`)).status).toBe(202);
    // The exact path is its own route; the bare prefix and a look-alike are not the prefix route's.
    expect((await fetch(`${url}/hooks`)).status).toBe(204);
    expect((await fetch(`${url}/hooks/`)).status).toBe(404);
    expect((await fetch(`${url}/hooksabc`)).status).toBe(404);
    expect(seen).toEqual(['/hooks/abc', '/hooks/abc/def?x=1']);
    const samples = parseMetrics(await (await fetch(`${url}/metrics`)).text());
    expect(metricValue(samples, 'http_requests_total', { route: '/hooks/*', status: '202' })).toBe(2);
  });

  it('counts requests by route (unknown paths as one), serves /metrics to GET only, and spans each request', async () => {
    const recorder = recordSpans();
    try {
      running = await startServiceServer({
        service: 'demo',
        port: 0,
        logger,
        readiness: [],
        routes: { '/work': (_request, response) => void response.writeHead(204).end() },
      });
      const { url } = running;
      expect((await fetch(`${url}/work`, { headers: { traceparent: TRACEPARENT } })).status).toBe(204);
      for (const path of ['/a', '/b?c=d', '/.env']) expect((await fetch(`${url}${path}`)).status).toBe(404);
      expect((await fetch(`${url}/metrics`, { method: 'POST' })).status).toBe(405);
      expect((await fetch(`${url}/health/live`)).status).toBe(200);

      const samples = parseMetrics(await (await fetch(`${url}/metrics`)).text());
      const count = (labels: Record<string, string>) => metricValue(samples, 'http_requests_total', labels);
      expect(count({ service: 'demo', route: '/work', method: 'GET', status: '204' })).toBe(1);
      expect(count({ route: 'unmatched', status: '404' })).toBe(3);
      expect(count({ route: '/metrics', method: 'POST', status: '405' })).toBe(1);
      expect(count({ route: '/health/live', status: '200' })).toBe(1);

      // One server span, for the route; probes and scrapes get none. It continues the caller's trace.
      const spans = recorder.spans();
      expect(spans.map((span) => span.name).sort()).toEqual([
        'GET /work',
        'GET unmatched',
        'GET unmatched',
        'GET unmatched',
      ]);
      const work = spans.find((span) => span.name === 'GET /work');
      expect(work?.spanContext().traceId).toBe(TRACEPARENT.split('-')[1]);
      expect(work?.parentSpanContext?.spanId).toBe(TRACEPARENT.split('-')[2]);
      expect(work?.attributes).toMatchObject({ 'http.route': '/work', 'http.response.status_code': 204 });
    } finally {
      await recorder.stop();
    }
  });
});

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
