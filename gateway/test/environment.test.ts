import { readEnvironment } from '../src/environment';

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

  it('requires the internal-context signing key', () => {
    expect(() => readEnvironment({})).toThrow('INTERNAL_CONTEXT_PRIVATE_JWK is required');
  });
});
