import { readEnvironment } from '../src/environment';
import { DEFAULT_REALTIME_LIMITS } from '../src/realtime/server';

describe('gateway environment', () => {
  it('turns Apollo telemetry off by default and keeps an explicit choice', () => {
    const env: NodeJS.ProcessEnv = { INTERNAL_CONTEXT_PRIVATE_JWK: '{}' };
    const environment = readEnvironment(env);
    expect(env['APOLLO_TELEMETRY_DISABLED']).toBe('1');
    expect(environment).toMatchObject({
      PORT: 4000,
      IDENTITY_URL: 'http://127.0.0.1:4001/graphql',
      AUTOMATION_URL: 'http://127.0.0.1:4005/graphql',
      IDENTITY_JWKS_URL: 'http://127.0.0.1:4001/.well-known/jwks.json',
      SUBGRAPH_TIMEOUT_MS: 10_000,
    });
    const optedIn: NodeJS.ProcessEnv = { INTERNAL_CONTEXT_PRIVATE_JWK: '{}', APOLLO_TELEMETRY_DISABLED: '0' };
    readEnvironment(optedIn);
    expect(optedIn['APOLLO_TELEMETRY_DISABLED']).toBe('0');
  });

  it('reads the trusted proxy hops (default 0) and refuses what is not a small whole number', () => {
    const key = { INTERNAL_CONTEXT_PRIVATE_JWK: '{}' };
    expect(readEnvironment({ ...key }).TRUSTED_PROXY_HOPS).toBe(0);
    expect(readEnvironment({ ...key, TRUSTED_PROXY_HOPS: '2' }).TRUSTED_PROXY_HOPS).toBe(2);
    for (const bad of ['-1', '1.5', 'one', '11']) {
      expect(() => readEnvironment({ ...key, TRUSTED_PROXY_HOPS: bad })).toThrow(/TRUSTED_PROXY_HOPS/);
    }
  });

  it('defaults the realtime queue to the server’s own default', () => {
    expect(readEnvironment({ INTERNAL_CONTEXT_PRIVATE_JWK: '{}' }).REALTIME_MAX_QUEUED_EVENTS).toBe(
      DEFAULT_REALTIME_LIMITS.maxQueuedEvents,
    );
  });

  it('reads the production switch, the CORS origins and the limits', () => {
    const key = { INTERNAL_CONTEXT_PRIVATE_JWK: '{}' };
    expect(readEnvironment({ ...key })).toMatchObject({
      PLATFORM_ENV: 'development',
      CORS_ALLOWED_ORIGINS: [],
      GRAPHQL_MAX_DEPTH: 12,
      GRAPHQL_MAX_COST: 10_000,
    });
    expect(
      readEnvironment({
        ...key,
        PLATFORM_ENV: 'production',
        RATE_LIMIT_DATABASE_URL: 'postgresql://gateway@127.0.0.1:5432/gateway',
        CORS_ALLOWED_ORIGINS: ' https://app.example.com, https://admin.example.com ,',
        GRAPHQL_MAX_COST: '500',
      }),
    ).toMatchObject({
      PLATFORM_ENV: 'production',
      CORS_ALLOWED_ORIGINS: ['https://app.example.com', 'https://admin.example.com'],
      GRAPHQL_MAX_COST: 500,
    });
    expect(() => readEnvironment({ ...key, PLATFORM_ENV: 'staging' })).toThrow('PLATFORM_ENV');
    expect(() => readEnvironment({ ...key, GRAPHQL_MAX_DEPTH: '0' })).toThrow('GRAPHQL_MAX_DEPTH');
  });

  it('reads the rate-limit budgets and needs their shared store in production', () => {
    const key = { INTERNAL_CONTEXT_PRIVATE_JWK: '{}' };
    expect(readEnvironment({ ...key })).toMatchObject({
      RATE_LIMIT_WINDOW_SECONDS: 60,
      RATE_LIMIT_API_KEY_POINTS: 100_000,
      RATE_LIMIT_USER_POINTS: 50_000,
      RATE_LIMIT_ANONYMOUS_POINTS: 5_000,
    });
    expect(readEnvironment({ ...key }).RATE_LIMIT_DATABASE_URL).toBeUndefined();
    expect(() => readEnvironment({ ...key, PLATFORM_ENV: 'production' })).toThrow('RATE_LIMIT_DATABASE_URL');
    expect(() => readEnvironment({ ...key, RATE_LIMIT_USER_POINTS: '0' })).toThrow('RATE_LIMIT_USER_POINTS');
  });

  it('requires the internal-context signing key', () => {
    expect(() => readEnvironment({})).toThrow('INTERNAL_CONTEXT_PRIVATE_JWK is required');
  });
});
