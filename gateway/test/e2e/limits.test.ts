/**
 * Limits before execution, through the gateway: each limit refuses its attack with its own code, naming
 * the limit, before any subgraph is called (the platform counts the gateway's subgraph calls); a cheap
 * query passes and learns its cost from `extensions.cost`.
 */
import { DEFAULT_QUERY_LIMITS } from '../../src/app';
import { startTestPlatform, type TestPlatform } from './platform';
import { seeds, type Member } from './seed';

describe('limits before execution', () => {
  let platform: TestPlatform;
  let admin: Member;

  beforeAll(async () => {
    platform = await startTestPlatform({ countSubgraphCalls: true });
    ({ admin } = await seeds(platform).organization('Limits'));
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
  });

  /** Sends `query` as the admin; answers the result and how many subgraph calls it caused. */
  const send = async (query: string, variables: Record<string, unknown> = {}) => {
    const before = platform.subgraphCalls();
    const result = await platform.graphql<Record<string, unknown>>(query, variables, admin.accessToken);
    return { ...result, calls: platform.subgraphCalls() - before };
  };

  /** `contacts → owner → ownedContacts → owner → …`, `levels` times (the cyclic query of the issue). */
  const cyclic = (levels: number) => {
    let selection = 'id';
    for (let level = 0; level < levels; level += 1) {
      selection =
        level % 2 === 0
          ? `ownedContacts(first: 1) { edges { node { id owner { ${selection} } } } }`
          : `id ${selection}`;
    }
    return `{ me { ${selection} } }`;
  };

  it.each([
    ['depth', 'MAX_DEPTH_EXCEEDED', () => cyclic(26)],
    [
      'aliases',
      'MAX_ALIASES_EXCEEDED',
      () => `{ ${Array.from({ length: 100 }, (_, i) => `a${i}: me { id }`).join(' ')} }`,
    ],
    ['directives', 'MAX_DIRECTIVES_EXCEEDED', () => `{ me { id ${'@include(if: true) '.repeat(50)} } }`],
    ['tokens', 'MAX_TOKENS_EXCEEDED', () => `{ me { ${'id '.repeat(3000)} } }`],
    [
      'cost',
      'MAX_COST_EXCEEDED',
      () =>
        `{ users(first: 100) { edges { node { ownedContacts(first: 100) { edges { node { id email } } } } } } }`,
    ],
  ])(
    'refuses a query over the %s limit with %s before any subgraph is called',
    async (limit, code, query) => {
      const result = await send(query());
      expect(result.status).toBe(400);
      expect(result.errors?.[0]?.extensions).toMatchObject({
        code,
        details: {
          limit,
          max: DEFAULT_QUERY_LIMITS[`max${limit[0]?.toUpperCase()}${limit.slice(1)}` as 'maxDepth'],
        },
      });
      expect(result.errors?.[0]?.message).toContain(limit);
      expect(result.data ?? null).toBeNull();
      expect(result.calls).toBe(0);
    },
  );

  it('refuses the 2,000-alias attack of the issue at parsing already (tokens), before any subgraph', async () => {
    const result = await send(`{ ${Array.from({ length: 2000 }, (_, i) => `a${i}: me { id }`).join(' ')} }`);
    expect(result.errors?.[0]?.extensions?.code).toBe('MAX_TOKENS_EXCEEDED');
    expect(result.calls).toBe(0);
  });

  it('runs a cheap query and reports its estimated cost for clients to learn', async () => {
    const result = await send(`{ me { id } users(first: 5) { edges { node { id } } } }`);
    expect(result.errors).toBeUndefined();
    expect(result.calls).toBeGreaterThan(0);
    // me 1 + id 1, users 1 + 5 × (edges 1 + node 1 + id 1)
    expect((result as { extensions?: unknown }).extensions).toEqual(
      expect.objectContaining({ cost: { estimated: 18, limit: DEFAULT_QUERY_LIMITS.maxCost } }),
    );
  });
});
