import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { fieldCipher, generateFieldKeyring, parseFieldKeyring, withTenant } from '@platform/service-kit';
import { newTenant, serviceUnderTest, type TestTenant } from '@platform/service-kit/testing';
import { messageSealing, recordInbound } from '../../src/messages';
import { applyEntitlements, startConversationsService } from '../../src/service';
import { base64, pdfOf, REFUND_MARKDOWN, WARRANTY_PDF_PAGES } from './documents-fixtures';

// The assistant through conversations' subgraph against real PostgreSQL: sessions are their user's
// alone, each route (casual, dashboard, memory, rag) answers as documented, rag cites the chunk that
// holds the answer within the organization and the session's client scope, messages are sealed at rest,
// and a chat answer publishes its AI usage.

const MESSAGE_FIELDS = `id role content routeUsed tokensUsed model createdAt
  citations { documentId chunkId score document { id title } chunk { id ordinal text } }`;
const START = `mutation ($input: StartChatSessionInput) { startChatSession(input: $input) { id title companyId } }`;
const SEND = `mutation ($sessionId: ID!, $content: String!) {
  sendChatMessage(sessionId: $sessionId, content: $content) { ${MESSAGE_FIELDS} } }`;
const SESSION = `query ($id: ID!) { chatSession(id: $id) { id title lastMessageAt
  messages { totalCount edges { node { ${MESSAGE_FIELDS} } } } } }`;
const SESSIONS = `{ chatSessions { totalCount edges { node { id } } } }`;
const UPLOAD = `mutation ($input: UploadDocumentInput!) { uploadDocument(input: $input) { id } }`;
const DOCUMENT = `query ($id: ID!) { document(id: $id) { indexStatus } }`;

interface Citation {
  documentId: string;
  chunkId: string;
  score: number;
  document: { id: string; title: string } | null;
  chunk: { id: string; ordinal: number; text: string } | null;
}
interface Message {
  id: string;
  role: string;
  content: string;
  routeUsed: string | null;
  tokensUsed: number | null;
  model: string | null;
  citations: Citation[];
}

const piiKeyring = parseFieldKeyring(generateFieldKeyring());

describe('assistant', () => {
  const storageDir = mkdtempSync(join(tmpdir(), 'assistant-test-'));
  afterAll(() => rmSync(storageDir, { recursive: true, force: true }));
  const subject = serviceUnderTest('conversations', (env) =>
    startConversationsService({
      ...env.startOptions(),
      piiKeyring,
      storageDirectory: storageDir,
      documentIndexIntervalMs: 3_600_000,
      tokenRefreshIntervalMs: 3_600_000,
      // No worker pass lands in a statement count.
      aiWorkerIntervalMs: 3_600_000,
      replyQueueIntervalMs: 3_600_000,
    }),
  );

  // Every organization here is on Basic (AI insights: basic) unless a test says otherwise.
  const onFree = new Set<string>();
  const entitled = new Set<string>();
  async function call<T>(
    auth: Partial<TestTenant> & { permissions?: string[] },
    query: string,
    variables = {},
  ) {
    const { env, service } = subject;
    const organizationId = auth.organizationId;
    if (organizationId && !onFree.has(organizationId) && !entitled.has(organizationId)) {
      entitled.add(organizationId);
      await withTenant(service.database, organizationId, (tx) =>
        applyEntitlements(tx, {
          organizationId,
          planId: 'basic',
          aiInsights: 'basic',
          version: 1,
          changedAt: new Date(),
        }),
      );
    }
    return env.graphql<T>(service.graphqlUrl, query, variables, await env.headersFor(auth));
  }
  async function startSession(auth: TestTenant, input: Record<string, unknown> = {}): Promise<string> {
    const { data, errors } = await call<{ startChatSession: { id: string } }>(auth, START, { input });
    expect(errors).toBeUndefined();
    if (!data) throw new Error('no session');
    return data.startChatSession.id;
  }
  async function ask(auth: TestTenant, sessionId: string, content: string): Promise<Message> {
    const { data, errors } = await call<{ sendChatMessage: Message }>(auth, SEND, { sessionId, content });
    expect(errors).toBeUndefined();
    if (!data) throw new Error('no answer');
    return data.sendChatMessage;
  }
  /** Uploads a document and waits until the index job has indexed it. */
  async function indexed(auth: TestTenant, input: Record<string, unknown>): Promise<string> {
    const { data, errors } = await call<{ uploadDocument: { id: string } }>(auth, UPLOAD, {
      input: { filename: 'file', ...input },
    });
    expect(errors).toBeUndefined();
    const id = data?.uploadDocument.id ?? '';
    for (let attempt = 0; attempt < 150; attempt += 1) {
      const status = (await call<{ document: { indexStatus: string } }>(auth, DOCUMENT, { id })).data
        ?.document.indexStatus;
      if (status === 'indexed') return id;
      if (status === 'failed') throw new Error(`document ${id} failed`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`document ${id} was not indexed in time`);
  }
  async function superuser<T extends Record<string, unknown>>(sql: string, values: unknown[]): Promise<T[]> {
    const client = new Client({ connectionString: subject.env.database.superuserUrl });
    await client.connect();
    try {
      return (await client.query<T>(sql, values)).rows;
    } finally {
      await client.end();
    }
  }
  const markdown = (auth: TestTenant, extra: Record<string, unknown> = {}) =>
    indexed(auth, {
      title: 'Returns handbook',
      contentType: 'text/markdown',
      contentBase64: base64(REFUND_MARKDOWN),
      ...extra,
    });

  it('answers from the document that holds the answer and cites its chunk, with tokens and usage', async () => {
    const caller = newTenant();
    const handbook = await markdown(caller);
    const manual = await indexed(caller, {
      title: 'Espresso manual',
      contentType: 'application/pdf',
      contentBase64: base64(await pdfOf(WARRANTY_PDF_PAGES)),
    });
    const sessionId = await startSession(caller, { title: 'Policies' });

    const refund = await ask(caller, sessionId, 'How many days do customers have to request a refund?');
    expect(refund).toMatchObject({ role: 'assistant', routeUsed: 'rag', model: 'local-rules-v1' });
    expect(refund.content).toContain('30 days of purchase');
    expect(refund.citations.map((citation) => citation.documentId)).toEqual([handbook]);
    expect(refund.citations[0]?.document?.title).toBe('Returns handbook');
    expect(refund.citations[0]?.chunk?.text).toContain('Customers may request a refund within 30 days');
    expect(refund.citations[0]?.score).toBeGreaterThan(0.1);
    expect(refund.tokensUsed).toBeGreaterThan(0);

    const warranty = await ask(caller, sessionId, 'What does the espresso machine warranty cover?');
    expect(warranty.routeUsed).toBe('rag');
    expect(warranty.citations.map((citation) => citation.documentId)).toEqual([manual]);
    expect(warranty.citations[0]?.chunk?.text).toContain(
      'two-year warranty covering the pump and the boiler',
    );

    // Nothing relevant: no citation.
    const unknown = await ask(caller, sessionId, 'Who won the football world cup in 1998?');
    expect(unknown).toMatchObject({ routeUsed: 'rag', citations: [] });

    // One usage event per answer, the message's id as the task's.
    const usage = await superuser<{ payload: { subject: string; data: Record<string, unknown> } }>(
      `SELECT payload FROM outbox_events WHERE event_type = 'conversations.ai_usage.recorded.v1'
         AND payload->>'tenantid' = $1 AND payload->'data'->>'taskKind' = 'chat' ORDER BY seq`,
      [caller.organizationId],
    );
    expect(usage.map((event) => event.payload.data.aiTaskId)).toEqual([refund.id, warranty.id, unknown.id]);
    expect(usage[0]?.payload.data).toMatchObject({
      outcome: 'completed',
      provider: 'local',
      model: 'local-rules-v1',
      requestedById: caller.userId,
    });
    const first = usage[0]?.payload.data;
    expect(Number(first?.inputTokens) + Number(first?.outputTokens)).toBe(refund.tokensUsed);

    // The session keeps both sides of each turn, newest first, with the citations resolved.
    const { data } = await call<{
      chatSession: {
        lastMessageAt: string;
        messages: { totalCount: number; edges: Array<{ node: Message }> };
      };
    }>(caller, SESSION, { id: sessionId });
    expect(data?.chatSession.messages.totalCount).toBe(6);
    const nodes = data?.chatSession.messages.edges.map((edge) => edge.node) ?? [];
    expect(nodes.map((node) => node.role)).toEqual([
      'assistant',
      'user',
      'assistant',
      'user',
      'assistant',
      'user',
    ]);
    expect(nodes[5]).toMatchObject({
      content: 'How many days do customers have to request a refund?',
      routeUsed: null,
      citations: [],
      tokensUsed: null,
    });
    expect(nodes[4]?.citations[0]?.chunk?.text).toContain('30 days');
    expect(data?.chatSession.lastMessageAt).not.toBeNull();
  });

  it('seals chat messages at rest', async () => {
    const caller = newTenant();
    const sessionId = await startSession(caller);
    await ask(caller, sessionId, 'Does Ada Lovelace have a refund pending?');
    const rows = await superuser<{ content: string; content_key_id: string }>(
      'SELECT content, content_key_id FROM chat_messages WHERE session_id = $1',
      [sessionId],
    );
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.content).toMatch(/^pii1\./);
      expect(row.content).not.toContain('Ada');
    }
  });

  it('answers greetings and thanks on the casual route without a model', async () => {
    const caller = newTenant();
    const sessionId = await startSession(caller);
    for (const greeting of ['Hello!', 'hi there', 'Thanks a lot!', 'good morning']) {
      const answer = await ask(caller, sessionId, greeting);
      expect(answer).toMatchObject({ routeUsed: 'casual', citations: [], tokensUsed: 0, model: null });
    }
    expect((await ask(caller, sessionId, 'thank you')).content).toMatch(/welcome/i);
    const usage = await superuser(
      `SELECT id FROM outbox_events WHERE event_type = 'conversations.ai_usage.recorded.v1' AND payload->>'tenantid' = $1`,
      [caller.organizationId],
    );
    expect(usage).toEqual([]);
  });

  it("answers inbox questions from the organization's own conversations (dashboard)", async () => {
    const caller = newTenant();
    const other = newTenant();
    const channelAccountId = randomUUID();
    const receive = (tenant: TestTenant, thread: string, platform: 'facebook' | 'email') =>
      withTenant(subject.service.database, tenant.organizationId, (tx) =>
        recordInbound(
          tx,
          messageSealing(fieldCipher(piiKeyring)),
          {
            platformMessageId: `m-${randomUUID()}`,
            platformConversationId: thread,
            sender: { platformUserId: `u-${thread}`, displayName: 'Grace Hopper' },
            text: 'Is it still available?',
            attachments: [],
            sentAt: new Date(),
          },
          { organizationId: tenant.organizationId, channelAccountId, platform },
        ),
      );
    await receive(caller, 'thread-1', 'facebook');
    await receive(caller, 'thread-1', 'facebook');
    await receive(caller, 'thread-2', 'email');
    await receive(caller, 'thread-3', 'facebook');
    await receive(other, 'thread-9', 'email');
    const sessionId = await startSession(caller);
    const answer = await ask(caller, sessionId, 'How many conversations need a reply?');
    expect(answer).toMatchObject({ routeUsed: 'dashboard', citations: [], tokensUsed: 0, model: null });
    expect(answer.content).toBe(
      '3 conversations need a reply (facebook 2, email 1), 3 of them unassigned. 3 conversations are open, with 4 unread messages.',
    );
    expect(answer.content).not.toContain('Grace');
    const lonely = newTenant();
    const empty = await ask(lonely, await startSession(lonely), 'how many unread messages are in my inbox?');
    expect(empty).toMatchObject({
      routeUsed: 'dashboard',
      content: 'Your inbox is empty: there are no open conversations.',
    });
  });

  it('answers from the session memory: earlier citations, or what was asked before', async () => {
    const caller = newTenant();
    const handbook = await markdown(caller);
    const sessionId = await startSession(caller);
    const first = await ask(caller, sessionId, 'How many days do customers have to request a refund?');
    expect(first.routeUsed).toBe('rag');
    const recall = await ask(caller, sessionId, 'What did you say earlier about the refund?');
    expect(recall.routeUsed).toBe('memory');
    expect(recall.citations.map((citation) => citation.documentId)).toEqual([handbook]);
    expect(recall.citations[0]?.chunkId).toBe(first.citations[0]?.chunkId);
    const recap = await ask(caller, sessionId, 'What did I ask before?');
    expect(recap.routeUsed).toBe('memory');
    expect(recap.content).toContain('How many days do customers have to request a refund?');
    // A new session has no memory: the same words go to the documents.
    const fresh = await ask(caller, await startSession(caller), 'What did you say earlier about the refund?');
    expect(fresh.routeUsed).toBe('rag');
  });

  it("retrieves within the organization, and within a client's scope its documents and the organization's", async () => {
    const agency = newTenant();
    const acme = randomUUID();
    const globex = randomUUID();
    const general = await markdown(agency);
    const acmeOnly = await indexed(agency, {
      title: 'Acme onboarding',
      contentType: 'text/plain',
      contentBase64: base64(
        'Acme refunds are handled by their finance team within 14 days of a refund request.',
      ),
      companyId: acme,
    });
    const globexOnly = await indexed(agency, {
      title: 'Globex onboarding',
      contentType: 'text/plain',
      contentBase64: base64('Globex refunds need a signed refund form from the store manager.'),
      companyId: globex,
    });
    const question = 'How are refunds handled after a refund request?';
    const cited = (message: Message) => new Set(message.citations.map((citation) => citation.documentId));

    const acmeSession = await startSession(agency, { companyId: acme });
    const scoped = cited(await ask(agency, acmeSession, question));
    expect(scoped.size).toBeGreaterThan(0);
    expect(scoped.has(globexOnly)).toBe(false);
    const acmeQuestion = cited(await ask(agency, acmeSession, 'Which finance team handles Acme refunds?'));
    expect(acmeQuestion.has(acmeOnly)).toBe(true);
    // The organization's own documents serve every scope.
    const generalQuestion = cited(await ask(agency, acmeSession, 'Are exchanges free for unused items?'));
    expect(generalQuestion.has(general)).toBe(true);

    const globexSession = await startSession(agency, { companyId: globex });
    const otherScope = cited(await ask(agency, globexSession, 'Who signs the refund form for Globex?'));
    expect(otherScope.has(globexOnly)).toBe(true);
    expect(otherScope.has(acmeOnly)).toBe(false);
    const acmeAsksGlobex = cited(await ask(agency, acmeSession, 'Who signs the refund form for Globex?'));
    expect(acmeAsksGlobex.has(globexOnly)).toBe(false);
    // Without a scope, every document of the organization.
    const unscoped = await startSession(agency);
    expect(cited(await ask(agency, unscoped, 'Who signs the refund form for Globex?')).has(globexOnly)).toBe(
      true,
    );
    expect(cited(await ask(agency, unscoped, 'Which finance team handles Acme refunds?')).has(acmeOnly)).toBe(
      true,
    );

    // Another organization asking the same gets nothing of the agency's.
    const stranger = newTenant();
    const strangerAnswer = await ask(stranger, await startSession(stranger), question);
    expect(strangerAnswer.citations).toEqual([]);
  });

  it("keeps sessions to their user: another user's session is not found, not listed, not writable", async () => {
    const owner = newTenant();
    const colleague = { organizationId: owner.organizationId, userId: randomUUID() };
    const sessionId = await startSession(owner, { title: 'Mine' });
    await ask(owner, sessionId, 'hello');
    expect(
      (await call<{ chatSession: unknown }>(colleague, SESSION, { id: sessionId })).data?.chatSession,
    ).toBeNull();
    const listed = await call<{ chatSessions: { totalCount: number } }>(colleague, SESSIONS);
    expect(listed.data?.chatSessions.totalCount).toBe(0);
    const ownList = await call<{ chatSessions: { edges: Array<{ node: { id: string } }> } }>(owner, SESSIONS);
    expect(ownList.data?.chatSessions.edges.map((edge) => edge.node.id)).toEqual([sessionId]);
    const refused = await call(colleague, SEND, { sessionId, content: 'hello' });
    expect(refused.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const elsewhere = await call(newTenant(), SEND, { sessionId, content: 'hello' });
    expect(elsewhere.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const malformed = await call(owner, SEND, { sessionId: 'nope', content: 'hello' });
    expect(malformed.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('reads sessions with their messages and citations in the same statements for one session as for three', async () => {
    const DEEP = `{ chatSessions(first: 50) { edges { node { id messages(first: 50) { totalCount edges { node {
      content citations { score document { title } chunk { text document { id } } } } } } } } } }`;
    const seeded = async (sessions: number) => {
      const tenant = newTenant();
      await markdown(tenant);
      for (let index = 0; index < sessions; index += 1) {
        await ask(tenant, await startSession(tenant), 'How many days do customers have to request a refund?');
      }
      return tenant;
    };
    const one = await seeded(1);
    const three = await seeded(3);
    const measure = async (tenant: TestTenant) => {
      const { result, statements } = await subject.env.countStatements(() =>
        call<{
          chatSessions: {
            edges: Array<{ node: { messages: { edges: Array<{ node: { citations: unknown[] } }> } } }>;
          };
        }>(tenant, DEEP),
      );
      const citations = (result.data?.chatSessions.edges ?? []).flatMap((edge) =>
        edge.node.messages.edges.flatMap((message) => message.node.citations),
      );
      return { statements, citations: citations.length };
    };
    const few = await measure(one);
    const lots = await measure(three);
    expect(few.citations).toBe(1);
    expect(lots.citations).toBe(3);
    expect(lots.statements).toBe(few.statements);
  });

  it('refuses empty and overlong questions and bad session input', async () => {
    const caller = newTenant();
    const sessionId = await startSession(caller);
    for (const content of ['   ', 'x'.repeat(4001)]) {
      const { errors } = await call(caller, SEND, { sessionId, content });
      expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    const { errors } = await call(caller, START, { input: { title: 't'.repeat(201), companyId: 'acme' } });
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const anonymous = await call({}, START, {});
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
  it('refuses the assistant to an organization whose plan has no AI (FORBIDDEN, plan_feature)', async () => {
    const free = newTenant();
    onFree.add(free.organizationId);
    const sessionId = await startSession(free);
    const { data, errors } = await call(free, SEND, { sessionId, content: 'What is the refund policy?' });
    expect(data).toBeNull();
    expect(errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      details: { reason: 'plan_feature', feature: 'ai_assistant', current: 'none' },
    });
  });
});
