import { randomUUID } from 'node:crypto';
import { createEvent, toKafkaMessage, topicName } from '@platform/events';
import { eventually } from '@platform/testing';
import { fieldCipher, generateFieldKeyring, parseFieldKeyring, withTenant } from '@platform/service-kit';
import { newTenant, serviceUnderTest, type TestTenant } from '@platform/service-kit/testing';
import { messageSealing, recordInbound } from '../../src/messages';
import { startConversationsService } from '../../src/service';

// The inbox through the subgraph: most recent activity first, totalCount, the filters (needsReply,
// platform, contact, assignee, mine, statuses), paging, and nothing of another organization.

const INBOX = `query ($filter: InboxFilter, $first: Int, $after: String) {
  inbox(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id platformConversationId } }
  }
}`;

interface InboxPage {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: Array<{ node: { id: string; platformConversationId: string | null } }>;
}

const piiKeyring = parseFieldKeyring(generateFieldKeyring());
const sealing = messageSealing(fieldCipher(piiKeyring));

describe('inbox', () => {
  const subject = serviceUnderTest('conversations', (env) =>
    startConversationsService({
      ...env.startOptions(),
      piiKeyring,
      // No worker pass lands in a statement count.
      aiWorkerIntervalMs: 3_600_000,
      replyQueueIntervalMs: 3_600_000,
    }),
  );

  async function receive(
    tenant: TestTenant,
    thread: string,
    minutesAgo: number,
    platform: 'facebook' | 'sms',
  ) {
    const sentAt = new Date(Date.now() - minutesAgo * 60_000);
    const { conversation } = await withTenant(subject.service.database, tenant.organizationId, (tx) =>
      recordInbound(
        tx,
        sealing,
        {
          platformMessageId: randomUUID(),
          platformConversationId: thread,
          sender: { platformUserId: `u-${thread}` },
          text: 'hi',
          sentAt,
        },
        { organizationId: tenant.organizationId, channelAccountId: ACCOUNT, platform },
      ),
    );
    return conversation.id;
  }

  async function call<T>(tenant: TestTenant, query: string, variables: Record<string, unknown>) {
    const { env, service } = subject;
    const { data, errors } = await env.graphql<T>(
      service.graphqlUrl,
      query,
      variables,
      await env.headersFor(tenant),
    );
    expect(errors).toBeUndefined();
    if (!data) throw new Error('no data');
    return data;
  }

  const inbox = async (
    tenant: TestTenant,
    filter: Record<string, unknown> = {},
    first = 20,
    after?: string,
  ) => (await call<{ inbox: InboxPage }>(tenant, INBOX, { filter, first, after })).inbox;
  const threads = (page: InboxPage) => page.edges.map((edge) => edge.node.platformConversationId);

  const ACCOUNT = randomUUID();

  it('lists conversations newest activity first, filtered, paged, and only the organization’s own', async () => {
    const tenant = newTenant();
    const colleague = randomUUID();
    const a = await receive(tenant, 'a', 50, 'facebook');
    const b = await receive(tenant, 'b', 40, 'sms');
    const c = await receive(tenant, 'c', 30, 'facebook');
    const d = await receive(tenant, 'd', 20, 'facebook');
    await receive(tenant, 'a', 10, 'facebook'); // a's newest message makes it the most recent
    await receive(newTenant(), 'x', 1, 'facebook'); // another organization's

    expect(threads(await inbox(tenant))).toEqual(['a', 'd', 'c', 'b']);

    // c is answered, d assigned to the caller, b to a colleague, a closed.
    await call(tenant, 'mutation ($id: ID!) { replyToConversation(id: $id, text: "Done") { id } }', {
      id: c,
    });
    await call(
      tenant,
      'mutation ($id: ID!, $to: ID) { assignConversation(id: $id, assigneeId: $to) { assigneeId } }',
      { id: d, to: tenant.userId },
    );
    await call(
      tenant,
      'mutation ($id: ID!, $to: ID) { assignConversation(id: $id, assigneeId: $to) { assigneeId } }',
      { id: b, to: colleague },
    );
    await call(tenant, 'mutation ($id: ID!) { setConversationStatus(id: $id, status: closed) { status } }', {
      id: a,
    });

    expect(threads(await inbox(tenant))).toEqual(['c', 'd', 'b']);
    expect(threads(await inbox(tenant, { needsReply: true }))).toEqual(['d', 'b']);
    expect(threads(await inbox(tenant, { needsReply: false }))).toEqual(['c']);
    expect(threads(await inbox(tenant, { platform: 'sms' }))).toEqual(['b']);
    expect(threads(await inbox(tenant, { mine: true }))).toEqual(['d']);
    expect(threads(await inbox(tenant, { assigneeId: colleague }))).toEqual(['b']);
    expect(threads(await inbox(tenant, { mine: true, needsReply: true }))).toEqual(['d']);
    expect(threads(await inbox(tenant, { statuses: ['closed'] }))).toEqual(['a']);
    expect(threads(await inbox(tenant, { statuses: ['open', 'closed'], platform: 'facebook' }))).toEqual([
      'c',
      'a',
      'd',
    ]);

    const first = await inbox(tenant, {}, 2);
    expect(first).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true } });
    const second = await inbox(tenant, {}, 2, first.pageInfo.endCursor ?? undefined);
    expect([...threads(first), ...threads(second)]).toEqual(['c', 'd', 'b']);
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it('filters by contact (conversations started by hand for a contact)', async () => {
    const tenant = newTenant();
    const contactId = randomUUID();
    const started = await call<{ startConversation: { id: string } }>(
      tenant,
      'mutation ($input: StartConversationInput!) { startConversation(input: $input) { id } }',
      { input: { platform: 'email', contactId } },
    );
    await receive(tenant, 'other', 5, 'facebook');
    const page = await inbox(tenant, { contactId });
    expect(page.edges.map((edge) => edge.node.id)).toEqual([started.startConversation.id]);
    expect(page.totalCount).toBe(1);
  });

  it("filters by company, from crm's contact events (the newest version wins)", async () => {
    const tenant = newTenant();
    const [ada, bob, carl] = [randomUUID(), randomUUID(), randomUUID()];
    const [acme, globex] = [randomUUID(), randomUUID()];
    const start = async (contactId: string) =>
      (
        await call<{ startConversation: { id: string } }>(
          tenant,
          'mutation ($input: StartConversationInput!) { startConversation(input: $input) { id } }',
          { input: { platform: 'email', contactId } },
        )
      ).startConversation.id;
    const withAda = await start(ada);
    const withBob = await start(bob);
    await start(carl);
    const base = { source: '/services/crm', tenantId: tenant.organizationId };
    const created = (contactId: string, companyId: string | null) =>
      createEvent('crm.contact.created.v1', {
        ...base,
        subject: contactId,
        data: {
          contactId,
          organizationId: tenant.organizationId,
          ownerId: null,
          companyId,
          relationshipState: 'Lead',
          tags: [],
          createdAt: new Date().toISOString(),
        },
      });
    const moved = (contactId: string, companyId: string | null, version: number) =>
      createEvent('crm.contact.updated.v1', {
        ...base,
        subject: contactId,
        data: {
          contactId,
          organizationId: tenant.organizationId,
          changedFields: ['companyId'],
          version,
          relationshipState: 'Client',
          lifecycleStage: null,
          leadStatus: null,
          status: 'active',
          ownerId: null,
          companyId,
          updatedById: null,
          updatedAt: new Date().toISOString(),
        },
      });
    // Ada at Acme; Bob created without a company, then moved to Acme (version 3), a late version 2
    // naming Globex arrives after it and changes nothing; Carl at Globex.
    const events = [
      created(ada, acme),
      created(bob, null),
      moved(bob, acme, 3),
      moved(bob, globex, 2),
      created(carl, globex),
    ];
    await subject.service.messaging.producer.send(
      topicName('crm.contact', subject.env.kafka.topicPrefix),
      events.map(toKafkaMessage),
    );
    const page = await eventually('the company filter knows the contacts', async () => {
      const found = await inbox(tenant, { companyId: acme });
      return found.totalCount === 2 ? found : undefined;
    });
    expect(page.edges.map((edge) => edge.node.id).sort()).toEqual([withAda, withBob].sort());
    expect((await inbox(tenant, { companyId: globex })).totalCount).toBe(1);
    expect((await inbox(newTenant(), { companyId: acme })).totalCount).toBe(0);
    const malformed = await subject.env.graphql(
      subject.service.graphqlUrl,
      '{ inbox(filter: { companyId: "acme" }) { totalCount } }',
      {},
      await subject.env.headersFor(tenant),
    );
    expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a snooze without a future time and a malformed assignee, changing nothing', async () => {
    const { env, service } = subject;
    const tenant = newTenant();
    const id = await receive(tenant, 's', 5, 'facebook');
    const headers = await env.headersFor(tenant);
    const noTime = await env.graphql(
      service.graphqlUrl,
      'mutation ($id: ID!) { setConversationStatus(id: $id, status: snoozed) { status } }',
      { id },
      headers,
    );
    expect(noTime.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const past = await env.graphql(
      service.graphqlUrl,
      'mutation ($id: ID!, $until: DateTime) { setConversationStatus(id: $id, status: snoozed, snoozedUntil: $until) { status } }',
      { id, until: new Date(Date.now() - 1000).toISOString() },
      headers,
    );
    expect(past.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badAssignee = await env.graphql(
      service.graphqlUrl,
      'mutation ($id: ID!) { assignConversation(id: $id, assigneeId: "nope") { id } }',
      { id },
      headers,
    );
    expect(badAssignee.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const snoozed = await call<{ setConversationStatus: { status: string; snoozedUntil: string } }>(
      tenant,
      'mutation ($id: ID!, $until: DateTime) { setConversationStatus(id: $id, status: snoozed, snoozedUntil: $until) { status snoozedUntil } }',
      { id, until },
    );
    expect(snoozed.setConversationStatus).toEqual({ status: 'snoozed', snoozedUntil: until });
    expect(threads(await inbox(tenant, { statuses: ['snoozed'] }))).toEqual(['s']);
  });

  it('reads the messages of a whole inbox page in statements that do not grow with its conversations', async () => {
    const { env } = subject;
    const tenant = newTenant();
    for (const thread of ['p', 'q', 'r', 's', 't', 'u']) {
      await receive(tenant, thread, 3, 'facebook');
      await receive(tenant, thread, 2, 'facebook');
      await receive(tenant, thread, 1, 'facebook');
    }
    const query = `query ($first: Int) { inbox(first: $first) { edges { node { id
      messages(first: 2) { totalCount edges { node { id text } } pageInfo { hasNextPage } } } } } }`;
    const measure = async (first: number) =>
      env.countStatements(() =>
        call<{
          inbox: {
            edges: Array<{
              node: {
                messages: { totalCount: number; edges: unknown[]; pageInfo: { hasNextPage: boolean } };
              };
            }>;
          };
        }>(tenant, query, { first }),
      );
    const two = await measure(2);
    const six = await measure(6);
    expect(
      six.result.inbox.edges.map(({ node: { messages } }) => ({
        totalCount: messages.totalCount,
        shown: messages.edges.length,
        hasNextPage: messages.pageInfo.hasNextPage,
      })),
    ).toEqual(Array.from({ length: 6 }, () => ({ totalCount: 3, shown: 2, hasNextPage: true })));
    expect(six.statements).toBe(two.statements);
  });

  it('refuses a cursor that is not one of the inbox’s', async () => {
    const { env, service } = subject;
    const tenant = newTenant();
    const forged = Buffer.from(`${new Date().toISOString()}|not-a-uuid`).toString('base64url');
    const { errors } = await env.graphql(
      service.graphqlUrl,
      INBOX,
      { after: forged },
      await env.headersFor(tenant),
    );
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
