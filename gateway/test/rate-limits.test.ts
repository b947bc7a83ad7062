import { anonymousContext } from '@platform/service-kit';
import { createGatewayTestDatabase } from '@platform/testing';
import { Client } from 'pg';
import pino from 'pino';
import {
  RATE_LIMIT_TABLE,
  rateLimitHeaders,
  startRateLimiter,
  subjectOf,
  type RateLimiter,
} from '../src/rate-limits';

const logger = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('rate limiter', () => {
  let database: { url: string; drop(): Promise<void> };
  const started: RateLimiter[] = [];
  const start = async (budget: number, windowSeconds = 1) => {
    const limiter = await startRateLimiter(
      {
        windowSeconds,
        budgets: { apiKey: budget, user: budget, anonymous: budget },
        databaseUrl: database.url,
      },
      logger,
    );
    started.push(limiter);
    return limiter;
  };

  beforeAll(async () => {
    database = await createGatewayTestDatabase();
  });

  afterAll(async () => {
    await Promise.all(started.map((limiter) => limiter.close()));
    await database?.drop();
  });

  it('charges the API key, else the user, else the client address', () => {
    const anonymous = anonymousContext({ clientAddress: '203.0.113.7', userAgent: null });
    expect(subjectOf(anonymous)).toEqual({ kind: 'anonymous', id: '203.0.113.7' });
    expect(subjectOf({ ...anonymous, userId: 'u1' })).toEqual({ kind: 'user', id: 'u1' });
    expect(subjectOf({ ...anonymous, userId: 'u1', apiKeyId: 'k1' })).toEqual({ kind: 'api_key', id: 'k1' });
  });

  it('writes the IETF RateLimit headers', () => {
    expect(
      rateLimitHeaders({ subject: 'user', limit: 500, windowSeconds: 60, remaining: 120, resetSeconds: 17 }),
    ).toEqual({ 'ratelimit-policy': '"user";q=500;w=60', ratelimit: '"user";r=120;t=17' });
  });

  it('counts in the shared table, refuses over budget until the window resets, then admits again', async () => {
    const limiter = await start(10);
    const subject = { kind: 'user' as const, id: 'window-user' };
    expect(await limiter.charge(subject, 6)).toMatchObject({ allowed: true, state: { remaining: 4 } });
    // A second replica sees the same counter.
    const replica = await start(10);
    expect(await replica.charge(subject, 3)).toMatchObject({ allowed: true, state: { remaining: 1 } });
    const refused = await limiter.charge(subject, 3);
    expect(refused).toMatchObject({ allowed: false, state: { remaining: 0, limit: 10 } });
    expect(refused.state.resetSeconds).toBe(1);
    // Remembered in memory: refused before parsing, without a database round trip.
    expect(limiter.blocked(subject)).toMatchObject({ remaining: 0, subject: 'user' });
    expect(replica.blocked(subject)).toBeNull();

    const admin = new Client({ connectionString: database.url });
    await admin.connect();
    try {
      const row = await admin.query<{ points: number }>(
        `select points from "${RATE_LIMIT_TABLE}" where key = $1`,
        ['user:window-user'],
      );
      expect(row.rows[0]?.points).toBe(12);
      const persistence = await admin.query<{ relpersistence: string }>(
        `select relpersistence from pg_class where relname = $1`,
        [RATE_LIMIT_TABLE],
      );
      // Unlogged: counters are disposable, so no write-ahead log for them.
      expect(persistence.rows[0]?.relpersistence).toBe('u');
    } finally {
      await admin.end();
    }

    await sleep(1_100);
    expect(limiter.blocked(subject)).toBeNull();
    expect(await limiter.charge(subject, 6)).toMatchObject({ allowed: true, state: { remaining: 4 } });
  });

  it('keeps limiting from memory when the shared store fails', async () => {
    const limiter = await start(5, 60);
    const subject = { kind: 'api_key' as const, id: 'insured-key' };
    expect(await limiter.charge(subject, 2)).toMatchObject({ allowed: true });
    const admin = new Client({ connectionString: database.url });
    await admin.connect();
    try {
      await admin.query(`alter table "${RATE_LIMIT_TABLE}" rename to "${RATE_LIMIT_TABLE}_away"`);
      // The store fails: this replica counts alone, still limiting.
      expect(await limiter.charge(subject, 4)).toMatchObject({ allowed: true, state: { remaining: 1 } });
      expect(await limiter.charge(subject, 2)).toMatchObject({ allowed: false });
    } finally {
      await admin.query(`alter table "${RATE_LIMIT_TABLE}_away" rename to "${RATE_LIMIT_TABLE}"`);
      await admin.end();
    }
  });
});
