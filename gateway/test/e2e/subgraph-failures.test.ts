/**
 * A subgraph that hangs or is down, through the real platform: the gateway answers what the other
 * subgraphs hold, with a typed error where the missing one's data would be, within the configured
 * deadline; never a hung request.
 */
import { performance } from 'node:perf_hooks';
import { startTestPlatform, type TestPlatform } from './platform';
import { seeds, type Member } from './seed';

const DEADLINE_MS = 1_500;
/** The deadline of a whole request: two slow calls fit in it, a third one does not. */
const REQUEST_DEADLINE_MS = 2_600;
/** How late a slow subgraph answers: within its own deadline, and 2 × SLOW_MS < REQUEST_DEADLINE_MS < 3 × SLOW_MS. */
const SLOW_MS = 900;
/** Time the gateway may take beyond the deadline (planning, the other subgraphs, a loaded machine). */
const SLACK_MS = 1_500;

const QUERY = `{ me { id email organization { name contacts(first: 5) { edges { node { id givenName } } } } } }`;
/** Three calls one after another: identity (me), crm (contacts), identity again (each owner's email). */
const OWNERS_QUERY = `{ me { id organization { contacts(first: 5) { edges { node { givenName owner { id email } } } } } } }`;

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
    platform = await startTestPlatform({
      stallableSubgraphs: true,
      subgraphTimeoutMs: DEADLINE_MS,
      requestDeadlineMs: REQUEST_DEADLINE_MS,
    });
    ({ admin } = await seeds(platform).organization('Failures'));
    await admin.contact({ givenName: 'Ada', ownerId: admin.userId });
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
  });

  async function ask<T = Answer['data']>(query = QUERY): Promise<Omit<Answer, 'data'> & { data: T | null }> {
    const started = performance.now();
    const response = await fetch(platform.gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.accessToken}` },
      body: JSON.stringify({ query }),
    });
    const body = (await response.json()) as Omit<Answer, 'status' | 'elapsedMs' | 'data'> & {
      data: T | null;
    };
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

  it('slow subgraphs: a plan of calls one after another ends by the request’s deadline, not one deadline per call', async () => {
    platform.slowSubgraph('identity', SLOW_MS);
    platform.slowSubgraph('crm', SLOW_MS);
    type Owners = {
      me: {
        id: string;
        organization: { contacts: { edges: Array<{ node: { givenName: string; owner: unknown } }> } | null };
      };
    };
    try {
      // Two slow calls (identity, crm) fit in the request's deadline: a whole answer.
      const two = await ask();
      expect(two.errors).toBeUndefined();
      expect(two.data?.me.organization.contacts).toMatchObject({ edges: [{ node: { givenName: 'Ada' } }] });

      // A third (identity again, for the owner) would end past it: that call gets what is left of the
      // request's deadline, less than the subgraph's own, and times out; the first two calls' data stays.
      const three = await ask<Owners>(OWNERS_QUERY);
      expect(three.status).toBe(200);
      expect(three.elapsedMs).toBeLessThan(REQUEST_DEADLINE_MS + SLACK_MS);
      expect(three.data?.me.id).toBe(admin.userId);
      expect(three.data?.me.organization.contacts?.edges).toEqual([
        { node: { givenName: 'Ada', owner: null } },
      ]);
      expect(three.errors).toMatchObject([
        { message: 'A backing service did not answer in time', extensions: { code: 'SUBGRAPH_TIMEOUT' } },
      ]);
    } finally {
      platform.slowSubgraph('identity', 0);
      platform.slowSubgraph('crm', 0);
    }
    // At full speed the three calls answer whole, owner included.
    const whole = await ask<Owners>(OWNERS_QUERY);
    expect(whole.errors).toBeUndefined();
    expect(whole.data?.me.organization.contacts?.edges).toEqual([
      { node: { givenName: 'Ada', owner: { id: admin.userId, email: admin.email } } },
    ]);
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
