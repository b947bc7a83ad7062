import pino from 'pino';
import { startServiceServer, type RunningServer } from '../src';

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
});
