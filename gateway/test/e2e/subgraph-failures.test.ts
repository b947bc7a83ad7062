/**
 * A subgraph that hangs or is down, through the real platform: the gateway answers what the other
 * subgraphs hold, with a typed error where the missing one's data would be, within the configured
 * deadline; never a hung request.
 */
import { performance } from 'node:perf_hooks';
import { startTestPlatform, type TestPlatform } from './platform';
import { seeds, type Member } from './seed';

const DEADLINE_MS = 1_500;
/** Time the gateway may take beyond the deadline (planning, the other subgraphs, a loaded machine). */
const SLACK_MS = 1_500;

const QUERY = `{ me { id email organization { name contacts(first: 5) { edges { node { id givenName } } } } } }`;

interface Answer {
  status: number;
  elapsedMs: number;
  data: { me: { id: string; email: string; organization: { name: string; contacts: unknown } } } | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: { code?: string } }>;
}

describe('a subgraph down or hanging, through the gateway', () => {
  let platform: TestPlatform;
  let admin: Member;

  beforeAll(async () => {
    platform = await startTestPlatform({ stallableSubgraphs: true, subgraphTimeoutMs: DEADLINE_MS });
    ({ admin } = await seeds(platform).organization('Failures'));
    await admin.contact({ givenName: 'Ada' });
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
  });

  async function ask(): Promise<Answer> {
    const started = performance.now();
    const response = await fetch(platform.gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.accessToken}` },
      body: JSON.stringify({ query: QUERY }),
    });
    const body = (await response.json()) as Omit<Answer, 'status' | 'elapsedMs'>;
    return { status: response.status, elapsedMs: performance.now() - started, ...body };
  }

  it('answers in full while every subgraph answers', async () => {
    const answer = await ask();
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.me.organization.contacts).toMatchObject({ edges: [{ node: { givenName: 'Ada' } }] });
  });

  it('a hanging crm: identity’s data and SUBGRAPH_TIMEOUT at the contacts, within the deadline', async () => {
    platform.stallSubgraph('crm', true);
    try {
      const answer = await ask();
      expect(answer.status).toBe(200);
      expect(answer.elapsedMs).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
      expect(answer.elapsedMs).toBeLessThan(DEADLINE_MS + SLACK_MS);
      expect(answer.data?.me).toMatchObject({ id: admin.userId, email: admin.email });
      expect(answer.data?.me.organization.name).toEqual(expect.any(String));
      expect(answer.data?.me.organization.contacts).toBeNull();
      expect(answer.errors).toMatchObject([
        { message: 'A backing service did not answer in time', extensions: { code: 'SUBGRAPH_TIMEOUT' } },
      ]);
    } finally {
      platform.stallSubgraph('crm', false);
    }
    // Answering again, the next request is whole.
    expect((await ask()).errors).toBeUndefined();
  });

  it('a stopped crm: identity’s data and SUBGRAPH_UNAVAILABLE at once, and readiness names it', async () => {
    await platform.stopSubgraph('crm');
    const answer = await ask();
    expect(answer.status).toBe(200);
    expect(answer.elapsedMs).toBeLessThan(DEADLINE_MS);
    expect(answer.data?.me).toMatchObject({ id: admin.userId, email: admin.email });
    expect(answer.data?.me.organization.contacts).toBeNull();
    expect(answer.errors?.map((error) => error.extensions?.code)).toEqual(['SUBGRAPH_UNAVAILABLE']);
    // Only crm is missing: the gateway is ready, degraded, and says which.
    const ready = await fetch(`${platform.gateway.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'degraded',
      checks: {
        'subgraph crm': expect.stringMatching(/not ready|unreachable/) as unknown,
        'subgraph identity': 'ok',
      },
    });
    // A gateway replica starting now starts from the checked-in supergraph all the same.
    const replica = await platform.startGatewayReplica();
    const fromReplica = await fetch(replica.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.accessToken}` },
      body: JSON.stringify({ query: QUERY }),
    });
    const body = (await fromReplica.json()) as Omit<Answer, 'status' | 'elapsedMs'>;
    expect(body.data?.me.id).toBe(admin.userId);
    expect(body.errors?.[0]?.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
  });
});
