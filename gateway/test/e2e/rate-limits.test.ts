/**
 * Rate limits by cost, end to end: every caller (user, API key, anonymous address) spends cost points
 * from a budget per window; over it, 429 with Retry-After and the IETF RateLimit headers, before any
 * subgraph is called, on every gateway replica (the counters live in the gateway's database), while
 * other callers go on untouched.
 */
import { postGraphQL } from '../support';
import { startTestPlatform, type TestPlatform } from './platform';
import { seeds, type Member } from './seed';

const BUDGET = 120;
const WINDOW_SECONDS = 60;

type Answer = Awaited<ReturnType<typeof postGraphQL>>;

/** `"user";r=12;t=40` → { r: 12, t: 40 }. */
function parameters(header: string | null): Record<string, number> {
  return Object.fromEntries(
    (header ?? '')
      .split(';')
      .slice(1)
      .map((part) => part.split('='))
      .map(([name, value]) => [name ?? '', Number(value)]),
  );
}

describe('rate limits by cost through the gateway', () => {
  let platform: TestPlatform;
  let noisy: Member;
  let quiet: Member;

  beforeAll(async () => {
    platform = await startTestPlatform({
      countSubgraphCalls: true,
      rateLimits: {
        windowSeconds: WINDOW_SECONDS,
        budgets: { apiKey: BUDGET, user: BUDGET, anonymous: 10_000 },
      },
    });
    const seed = seeds(platform);
    ({ admin: noisy } = await seed.organization('Noisy'));
    ({ admin: quiet } = await seed.organization('Quiet'));
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
  });

  const ME = '{ me { id email } }';
  const bearer = (member: Member) => ({ authorization: `Bearer ${member.accessToken}` });

  /** Calls until refused; answers every answer (the last one the refusal). */
  async function spend(url: string, query: string, headers: Record<string, string>): Promise<Answer[]> {
    const answers: Answer[] = [];
    for (let attempt = 0; attempt <= BUDGET; attempt += 1) {
      const answer = await postGraphQL(url, query, headers);
      answers.push(answer);
      if (answer.status === 429) return answers;
    }
    throw new Error(`no refusal after ${BUDGET + 1} calls`);
  }

  it('answers the budget on every response, refuses the call that spends it with 429 and the headers, before any subgraph call, on every replica', async () => {
    const first = await postGraphQL(platform.gateway.graphqlUrl, ME, bearer(noisy));
    expect(first.status).toBe(200);
    const cost = first.body.extensions?.cost?.estimated ?? 0;
    expect(cost).toBeGreaterThan(0);
    expect(first.headers.get('ratelimit-policy')).toBe(`"user";q=${BUDGET};w=${WINDOW_SECONDS}`);
    const state = parameters(first.headers.get('ratelimit'));
    expect(first.headers.get('ratelimit')).toMatch(/^"user";r=\d+;t=\d+$/);
    // The seed's sign-up was anonymous: this is the user's first charge in the window.
    expect(state['r']).toBe(BUDGET - cost);
    expect(state['t']).toBeGreaterThanOrEqual(1);
    expect(state['t']).toBeLessThanOrEqual(WINDOW_SECONDS);

    const answers = await spend(platform.gateway.graphqlUrl, ME, bearer(noisy));
    const accepted = answers.filter((answer) => answer.status === 200);
    // Each accepted call spent `cost` points; the refused one would have gone over.
    expect((accepted.length + 1) * cost).toBeLessThanOrEqual(BUDGET);
    expect((accepted.length + 2) * cost).toBeGreaterThan(BUDGET);
    const remaining = accepted.map((answer) => parameters(answer.headers.get('ratelimit'))['r']);
    expect(remaining).toEqual([...remaining].sort((a = 0, b = 0) => b - a));

    const refused = answers[answers.length - 1];
    expect(refused?.status).toBe(429);
    const retryAfter = Number(refused?.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
    expect(refused?.headers.get('ratelimit')).toBe(`"user";r=0;t=${retryAfter}`);
    expect(refused?.body.data ?? null).toBeNull();
    expect(refused?.body.errors?.[0]?.extensions).toEqual({
      code: 'RATE_LIMITED',
      details: {
        subject: 'user',
        limit: BUDGET,
        windowSeconds: WINDOW_SECONDS,
        retryAfterSeconds: retryAfter,
      },
    });

    // Refused from then on, without reaching any subgraph.
    const callsBefore = platform.subgraphCalls();
    const again = await postGraphQL(platform.gateway.graphqlUrl, ME, bearer(noisy));
    expect(again.status).toBe(429);
    expect(again.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(again.headers.get('retry-after')).toMatch(/^\d+$/);
    // A mutation too: the budget is the caller's, whatever the operation.
    const write = await postGraphQL(
      platform.gateway.graphqlUrl,
      'mutation { createContact(input: { givenName: "Over" }) { id } }',
      bearer(noisy),
    );
    expect(write.status).toBe(429);
    expect(platform.subgraphCalls()).toBe(callsBefore);

    // Another replica reads the same counters: the caller is over budget there too.
    const replica = await platform.startGatewayReplica();
    const elsewhere = await postGraphQL(replica.graphqlUrl, ME, bearer(noisy));
    expect(elsewhere.status).toBe(429);
    expect(elsewhere.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');

    // Another caller, meanwhile, spends a budget of their own.
    const other = await postGraphQL(platform.gateway.graphqlUrl, ME, bearer(quiet));
    expect(other.status).toBe(200);
    expect(parameters(other.headers.get('ratelimit'))['r']).toBe(BUDGET - cost);
  });

  it('charges an API key its own budget, not its creator’s', async () => {
    const { admin } = await seeds(platform).organization('Partner');
    const created = await platform.graphql<{ createApiKey: { secret: string } }>(
      `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
      { input: { name: 'partner', scopes: ['contacts:read'] } },
      admin.accessToken,
    );
    const secret = created.data?.createApiKey.secret ?? '';
    expect(secret).not.toBe('');
    const CONTACTS = '{ me { organization { contacts(first: 5) { edges { node { id givenName } } } } } }';
    const answers = await spend(platform.gateway.graphqlUrl, CONTACTS, { 'x-api-key': secret });
    expect(answers[0]?.headers.get('ratelimit-policy')).toBe(`"api_key";q=${BUDGET};w=${WINDOW_SECONDS}`);
    const refused = answers[answers.length - 1];
    expect(refused?.status).toBe(429);
    expect(refused?.body.errors?.[0]?.extensions?.details).toMatchObject({ subject: 'api_key' });

    // The user who created the key still has the budget their own requests spent.
    const own = await postGraphQL(platform.gateway.graphqlUrl, CONTACTS, bearer(admin));
    expect(own.status).toBe(200);
    expect(own.headers.get('ratelimit')).toMatch(/^"user";r=\d+;t=\d+$/);
  });

  it('charges anonymous callers by address and reports cost on refusals of the cost limit without charging them', async () => {
    const anonymous = await postGraphQL(platform.gateway.graphqlUrl, '{ __typename }', {});
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers.get('ratelimit-policy')).toBe(`"anonymous";q=10000;w=${WINDOW_SECONDS}`);
    const before = parameters(anonymous.headers.get('ratelimit'))['r'] ?? 0;
    // Over the cost limit: refused as MAX_COST_EXCEEDED (400), no points spent.
    const tooExpensive = await postGraphQL(
      platform.gateway.graphqlUrl,
      '{ me { organization { contacts(first: 100000) { edges { node { id } } } } } }',
      {},
    );
    expect(tooExpensive.status).toBe(400);
    expect(tooExpensive.body.errors?.[0]?.extensions?.code).toBe('MAX_COST_EXCEEDED');
    const after = await postGraphQL(platform.gateway.graphqlUrl, '{ __typename }', {});
    expect(parameters(after.headers.get('ratelimit'))['r']).toBe(before - 1);
  });
});
