import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { withTenant } from '@platform/service-kit';
import { newTenant, serviceUnderTest, type TestTenant } from '@platform/service-kit/testing';
import { startCrmService } from '../../src/service';
import { crmOptions, sealed } from '../support';

// Pipelines and deals against real PostgreSQL through crm's subgraph: pipelines with their stages and
// one default, deals created, changed, moved (with their stage history), won, lost, reopened, deleted
// and restored; stage removal that moves deals in the same transaction; CONFLICTs for stale versions
// and for what cannot change; other organizations' records not found; the board and the lists in
// statements that do not grow with the deals; and outbox events without names, amounts or reasons.

const STAGE_FIELDS = 'id name position probability kind removedAt';
const PIPELINE_FIELDS = `id name currency isDefault version stages { ${STAGE_FIELDS} }`;
const DEAL_FIELDS = `id name description amount currency probability weightedAmount expectedCloseDate
  actualCloseDate status lostReason pipeline { id } stage { id name kind } stageEnteredAt contact { id }
  companyId owner { id } customFields tags version createdBy { id } updatedBy { id }`;

interface StageView {
  id: string;
  name: string;
  position: number;
  probability: number;
  kind: 'open' | 'won' | 'lost';
  removedAt: string | null;
}
interface PipelineView {
  id: string;
  name: string;
  currency: string;
  isDefault: boolean;
  version: number;
  stages: StageView[];
}
interface DealView {
  id: string;
  name: string;
  description: string | null;
  amount: string | null;
  currency: string;
  probability: number;
  weightedAmount: string | null;
  expectedCloseDate: string | null;
  actualCloseDate: string | null;
  status: 'open' | 'won' | 'lost';
  lostReason: string | null;
  pipeline: { id: string } | null;
  stage: { id: string; name: string; kind: string };
  contact: { id: string } | null;
  companyId: string | null;
  owner: { id: string } | null;
  customFields: Record<string, unknown>;
  tags: string[];
  version: number;
}
interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

// Requests through the subgraph on a busy machine; the tests with many deals store them directly.
jest.setTimeout(30_000);

const codeOf = (answer: GraphQLAnswer<unknown>) => answer.errors?.[0]?.extensions?.code;
const issuePaths = (answer: GraphQLAnswer<unknown>) =>
  (
    (answer.errors?.[0]?.extensions?.details as { issues?: Array<{ path: string }> } | undefined)?.issues ??
    []
  ).map((issue) => issue.path);
const today = () => new Date().toISOString().slice(0, 10);

describe('pipelines and deals', () => {
  /** Every SQL statement crm sends, for the tests that look at which tables a request reads. */
  const sql: string[] = [];
  const subject = serviceUnderTest('crm', (env) => {
    const options = env.startOptions();
    return startCrmService(
      crmOptions({
        ...options,
        onQuery: (statement) => {
          options.onQuery?.(statement);
          sql.push(statement);
        },
      }),
    );
  });

  /** A text custom field of the organization, so records may carry values for it. */
  async function customField(auth: TestTenant, entityType: 'company' | 'deal', key: string) {
    const { errors } = await call(
      auth,
      `mutation ($input: CreateCustomFieldDefinitionInput!) { createCustomFieldDefinition(input: $input) { id } }`,
      { input: { entityType, key, label: key, dataType: 'text' } },
    );
    expect(errors).toBeUndefined();
  }

  async function call<T>(auth: TestTenant, query: string, variables: Record<string, unknown> = {}) {
    const { env, service: crm } = subject;
    return env.graphql<T>(crm.graphqlUrl, query, variables, await env.headersFor(auth));
  }

  async function ok<T>(auth: TestTenant, query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const answer = await call<T>(auth, query, variables);
    expect(answer.errors).toBeUndefined();
    if (!answer.data) throw new Error('no data');
    return answer.data;
  }

  const createPipeline = (auth: TestTenant, input: Record<string, unknown>) =>
    call<{ createPipeline: PipelineView }>(
      auth,
      `mutation ($input: CreatePipelineInput!) { createPipeline(input: $input) { ${PIPELINE_FIELDS} } }`,
      { input },
    );

  async function pipelineOf(auth: TestTenant, input: Record<string, unknown> = {}): Promise<PipelineView> {
    const answer = await createPipeline(auth, { name: `Pipeline ${randomUUID().slice(0, 8)}`, ...input });
    expect(answer.errors).toBeUndefined();
    if (!answer.data) throw new Error('no pipeline');
    return answer.data.createPipeline;
  }

  const updatePipeline = (
    auth: TestTenant,
    id: string,
    expectedVersion: number,
    input: Record<string, unknown>,
  ) =>
    call<{ updatePipeline: PipelineView }>(
      auth,
      `mutation ($id: ID!, $version: Int!, $input: UpdatePipelineInput!) {
        updatePipeline(id: $id, expectedVersion: $version, input: $input) { ${PIPELINE_FIELDS} }
      }`,
      { id, version: expectedVersion, input },
    );

  const readPipeline = async (auth: TestTenant, id: string) =>
    (
      await ok<{ pipeline: PipelineView }>(
        auth,
        `query ($id: ID!) { pipeline(id: $id) { ${PIPELINE_FIELDS} } }`,
        { id },
      )
    ).pipeline;

  const createDeal = (auth: TestTenant, input: Record<string, unknown>) =>
    call<{ createDeal: DealView }>(
      auth,
      `mutation ($input: CreateDealInput!) { createDeal(input: $input) { ${DEAL_FIELDS} } }`,
      { input: { name: 'Website relaunch', ...input } },
    );

  async function dealOf(auth: TestTenant, input: Record<string, unknown> = {}): Promise<DealView> {
    const answer = await createDeal(auth, input);
    expect(answer.errors).toBeUndefined();
    if (!answer.data) throw new Error('no deal');
    return answer.data.createDeal;
  }

  const moveDeal = (auth: TestTenant, deal: { id: string; version: number }, stageId: string, extra = {}) =>
    call<{ moveDeal: DealView }>(
      auth,
      `mutation ($id: ID!, $stageId: ID!, $version: Int!, $lostReason: String, $actualCloseDate: Date) {
        moveDeal(id: $id, stageId: $stageId, expectedVersion: $version, lostReason: $lostReason,
          actualCloseDate: $actualCloseDate) { ${DEAL_FIELDS} }
      }`,
      { id: deal.id, stageId, version: deal.version, ...extra },
    );

  async function moved(auth: TestTenant, deal: { id: string; version: number }, stageId: string, extra = {}) {
    const answer = await moveDeal(auth, deal, stageId, extra);
    expect(answer.errors).toBeUndefined();
    if (!answer.data) throw new Error('not moved');
    return answer.data.moveDeal;
  }

  async function history(auth: TestTenant, dealId: string) {
    const data = await ok<{
      deal: { stageHistory: { totalCount: number; edges: Array<{ node: Record<string, unknown> }> } };
    }>(
      auth,
      `query ($id: ID!) { deal(id: $id) { stageHistory(first: 100) { totalCount edges { node {
        fromStage { id name removedAt } toStage { id name } movedBy { id } movedAt } } } } }`,
      { id: dealId },
    );
    return data.deal.stageHistory;
  }

  async function contactOf(organizationId: string, deleted = false): Promise<string> {
    const id = randomUUID();
    await withTenant(subject.service.database, organizationId, (tx) =>
      tx.contact.create({
        data: {
          id,
          organizationId,
          ...sealed({ id, organizationId, givenName: 'Ada' }),
          deletedAt: deleted ? new Date() : null,
        },
      }),
    );
    return id;
  }

  async function knownUsers(organizationId: string, ids: readonly string[], status = 'active') {
    await withTenant(subject.service.database, organizationId, (tx) =>
      tx.userReference.createMany({
        data: ids.map((id) => ({ id, organizationId, status, changedAt: new Date() })),
      }),
    );
  }

  /**
   * Stores `count` deals of a pipeline directly (one creation history entry each), for the tests that
   * need many: what `each` returns sets the stage (a stage of the pipeline), amount, currency, owner,
   * contact and tags of the deal at that index. Created a second apart, the first one oldest.
   */
  async function seedDeals(
    auth: TestTenant,
    pipeline: PipelineView,
    count: number,
    each: (index: number) => {
      stage?: StageView;
      amount?: string | null;
      currency?: string;
      ownerId?: string | null;
      contactId?: string | null;
      tags?: string[];
    },
  ): Promise<void> {
    const start = Date.now() - count * 1000;
    const rows = Array.from({ length: count }, (_, index) => {
      const wanted = each(index);
      const stage = wanted.stage ?? pipeline.stages[0];
      if (!stage) throw new Error('no stage');
      const createdAt = new Date(start + index * 1000);
      return {
        id: randomUUID(),
        organizationId: auth.organizationId,
        pipelineId: pipeline.id,
        stageId: stage.id,
        name: `Deal ${index}`,
        amount: wanted.amount ?? null,
        currency: wanted.currency ?? pipeline.currency,
        probability: stage.probability,
        status: stage.kind,
        actualCloseDate: stage.kind === 'open' ? null : createdAt,
        ownerId: wanted.ownerId === undefined ? auth.userId : wanted.ownerId,
        contactId: wanted.contactId ?? null,
        tags: wanted.tags ?? [],
        stageEnteredAt: createdAt,
        createdBy: auth.userId,
        updatedBy: auth.userId,
        createdAt,
        updatedAt: createdAt,
      };
    });
    await withTenant(subject.service.database, auth.organizationId, async (tx) => {
      await tx.deal.createMany({ data: rows });
      await tx.dealStageMove.createMany({
        data: rows.map((row) => ({
          id: randomUUID(),
          organizationId: row.organizationId,
          dealId: row.id,
          toStageId: row.stageId,
          movedBy: auth.userId,
          createdAt: row.createdAt,
        })),
      });
    });
  }

  /** The organization's domain events as stored in the outbox (type, subject and data), oldest first. */
  async function outbox(organizationId: string) {
    const client = new Client({ connectionString: subject.env.database.ownerUrl });
    await client.connect();
    try {
      const result = await client.query<{
        type: string;
        payload: { subject: string; data: Record<string, unknown> };
      }>(
        `SELECT event_type AS type, payload FROM outbox_events
          WHERE payload->>'tenantid' = $1 AND event_type NOT LIKE '%.audit.recorded.v1' ORDER BY seq`,
        [organizationId],
      );
      return result.rows.map((row) => ({
        type: row.type,
        subject: row.payload.subject,
        data: row.payload.data,
      }));
    } finally {
      await client.end();
    }
  }

  const stageNamed = (pipeline: PipelineView, name: string): StageView => {
    const found = pipeline.stages.find((stage) => stage.name === name);
    if (!found) throw new Error(`no stage ${name}`);
    return found;
  };

  describe('pipelines', () => {
    it('makes the first pipeline the default, with the default stages, and moves the default when asked', async () => {
      const caller = newTenant();
      const first = await pipelineOf(caller, { name: 'Sales' });
      expect(first).toMatchObject({ name: 'Sales', currency: 'USD', isDefault: true, version: 1 });
      expect(
        first.stages.map(({ name, position, probability, kind }) => [name, position, probability, kind]),
      ).toEqual([
        ['Qualification', 0, 10, 'open'],
        ['Needs analysis', 1, 25, 'open'],
        ['Proposal', 2, 50, 'open'],
        ['Negotiation', 3, 75, 'open'],
        ['Won', 4, 100, 'won'],
        ['Lost', 5, 0, 'lost'],
      ]);
      const second = await pipelineOf(caller, {
        name: 'Renewals',
        currency: 'eur',
        stages: [
          { name: 'Up for renewal', probability: 60 },
          { name: 'Renewed', kind: 'won' },
          { name: 'Churned', kind: 'lost' },
        ],
      });
      expect(second).toMatchObject({ currency: 'EUR', isDefault: false });
      const third = await pipelineOf(caller, { name: 'Partners', isDefault: true });
      expect(third.isDefault).toBe(true);
      expect(await readPipeline(caller, first.id)).toMatchObject({ isDefault: false, version: 2 });

      const answer = await updatePipeline(caller, second.id, 1, { isDefault: true });
      expect(answer.data?.updatePipeline).toMatchObject({ isDefault: true, version: 2 });
      expect(await readPipeline(caller, third.id)).toMatchObject({ isDefault: false, version: 2 });
      const listed = await ok<{ pipelines: { totalCount: number; edges: Array<{ node: PipelineView }> } }>(
        caller,
        `{ pipelines { totalCount edges { node { name isDefault } } } }`,
      );
      expect(listed.pipelines.edges.map((edge) => [edge.node.name, edge.node.isDefault])).toEqual([
        ['Sales', false],
        ['Renewals', true],
        ['Partners', false],
      ]);
    });

    it('refuses a taken name, a stale version and impossible stage lists, writing nothing', async () => {
      const caller = newTenant();
      const sales = await pipelineOf(caller, { name: 'Sales' });
      expect(codeOf(await createPipeline(caller, { name: 'sales' }))).toBe('CONFLICT');
      const other = await pipelineOf(caller, { name: 'Other' });
      const afterOther = (await outbox(caller.organizationId)).length;
      expect(afterOther).toBe(2);
      expect(codeOf(await updatePipeline(caller, other.id, 1, { name: 'SALES' }))).toBe('CONFLICT');
      expect(codeOf(await updatePipeline(caller, sales.id, 7, { name: 'Stale' }))).toBe('CONFLICT');
      const impossible = await updatePipeline(caller, sales.id, 1, {
        name: ' ',
        stages: [{ name: 'Only', probability: 10 }],
      });
      expect(codeOf(impossible)).toBe('BAD_USER_INPUT');
      expect(issuePaths(impossible)).toEqual(['name', 'stages', 'stages']);
      expect(await outbox(caller.organizationId)).toHaveLength(afterOther);
      expect(await readPipeline(caller, sales.id)).toEqual(sales);
    });

    it('renames, reorders, re-weights and adds stages, keeping their ids', async () => {
      const caller = newTenant();
      const pipeline = await pipelineOf(caller);
      const [qualification, analysis, ...rest] = pipeline.stages;
      if (!qualification || !analysis) throw new Error('no stages');
      const answer = await updatePipeline(caller, pipeline.id, 1, {
        stages: [
          { id: analysis.id, name: 'Discovery', probability: 20 },
          { id: qualification.id, name: 'Qualification', probability: 5 },
          { name: 'Trial', probability: 40 },
          ...rest.map(({ id, name, probability, kind }) => ({ id, name, probability, kind })),
        ],
      });
      expect(answer.errors).toBeUndefined();
      const stages = answer.data?.updatePipeline.stages ?? [];
      expect(stages.map(({ id, name, position, probability }) => [id, name, position, probability])).toEqual([
        [analysis.id, 'Discovery', 0, 20],
        [qualification.id, 'Qualification', 1, 5],
        [stages[2]?.id, 'Trial', 2, 40],
        ...rest.map((stage, index) => [stage.id, stage.name, index + 3, stage.probability]),
      ]);
      expect(answer.data?.updatePipeline.version).toBe(2);
    });

    it('removes a stage that holds deals only with a stage to move them to, moving them in the same transaction', async () => {
      const caller = newTenant();
      const pipeline = await pipelineOf(caller);
      const analysis = stageNamed(pipeline, 'Needs analysis');
      const proposal = stageNamed(pipeline, 'Proposal');
      const deals = [
        await dealOf(caller, { stageId: analysis.id, probability: 33 }),
        await dealOf(caller, { stageId: analysis.id }),
      ];
      const gone = await dealOf(caller, { stageId: analysis.id });
      await ok(caller, `mutation ($id: ID!) { deleteDeal(id: $id) { id } }`, { id: gone.id });
      const without = pipeline.stages
        .filter((stage) => stage.id !== analysis.id)
        .map(({ id, name, probability, kind }) => ({ id, name, probability, kind }));

      const refused = await updatePipeline(caller, pipeline.id, 1, { stages: without });
      expect(codeOf(refused)).toBe('CONFLICT');
      // Deleted deals count: restoring one puts it back in its stage.
      expect(refused.errors?.[0]?.extensions?.details).toEqual({ stageId: analysis.id, deals: 3 });
      const wrongKind = await updatePipeline(caller, pipeline.id, 1, {
        stages: without,
        moveDeals: [{ fromStageId: analysis.id, toStageId: stageNamed(pipeline, 'Won').id }],
      });
      expect(issuePaths(wrongKind)).toEqual(['moveDeals.0.toStageId']);

      const answer = await updatePipeline(caller, pipeline.id, 1, {
        stages: without,
        moveDeals: [{ fromStageId: analysis.id, toStageId: proposal.id }],
      });
      expect(answer.errors).toBeUndefined();
      expect(answer.data?.updatePipeline.stages.map((stage) => stage.name)).toEqual([
        'Qualification',
        'Proposal',
        'Negotiation',
        'Won',
        'Lost',
      ]);
      for (const deal of deals) {
        const { deal: read } = await ok<{ deal: DealView }>(
          caller,
          `query ($id: ID!) { deal(id: $id) { ${DEAL_FIELDS} } }`,
          {
            id: deal.id,
          },
        );
        expect(read).toMatchObject({ stage: { id: proposal.id }, probability: 50, version: 2 });
        const { edges } = await history(caller, deal.id);
        // Latest first: the move the removal made names the removed stage, removed.
        expect(edges[0]?.node).toMatchObject({
          fromStage: { id: analysis.id, name: 'Needs analysis' },
          toStage: { id: proposal.id },
          movedBy: { id: caller.userId },
        });
        expect((edges[0]?.node.fromStage as StageView).removedAt).not.toBeNull();
      }
      // The deleted deal moved too: restored, it is in the stage its stage's deals went to.
      const restored = await ok<{ restoreDeal: DealView }>(
        caller,
        `mutation ($id: ID!) { restoreDeal(id: $id) { ${DEAL_FIELDS} } }`,
        { id: gone.id },
      );
      expect(restored.restoreDeal.stage.id).toBe(proposal.id);
      const events = await outbox(caller.organizationId);
      const update = events.find((event) => event.type === 'crm.pipeline.updated.v1');
      expect(update?.data).toMatchObject({
        changedFields: ['stages'],
        removedStageIds: [analysis.id],
        movedDealCount: 3,
      });
      expect(
        events
          .filter((event) => event.type === 'crm.deal.stage_moved.v1')
          .map((event) =>
            JSON.stringify([event.subject, event.data.cause, event.data.fromStageId, event.data.toStageId]),
          )
          .sort(),
      ).toEqual(
        [...deals, gone]
          .map((deal) => JSON.stringify([deal.id, 'stage_removed', analysis.id, proposal.id]))
          .sort(),
      );
    });

    it('refuses to change the kind of a stage that holds deals', async () => {
      const caller = newTenant();
      const pipeline = await pipelineOf(caller);
      const negotiation = stageNamed(pipeline, 'Negotiation');
      const lost = stageNamed(pipeline, 'Lost');
      await dealOf(caller, { stageId: negotiation.id });
      const answer = await updatePipeline(caller, pipeline.id, 1, {
        stages: pipeline.stages.map(({ id, name, probability, kind }) =>
          id === negotiation.id
            ? { id, name, kind: 'lost' }
            : id === lost.id
              ? { id, name, kind: 'open', probability: 5 }
              : { id, name, probability, kind },
        ),
      });
      expect(codeOf(answer)).toBe('CONFLICT');
      expect(answer.errors?.[0]?.extensions?.details).toEqual({ stageId: negotiation.id, deals: 1 });
    });

    it('refuses to delete a pipeline with open deals, deletes it once they are closed, and passes the default on', async () => {
      const caller = newTenant();
      const main = await pipelineOf(caller, { name: 'Main' });
      const other = await pipelineOf(caller, { name: 'Other' });
      const deal = await dealOf(caller, { pipelineId: main.id });
      const remove = () =>
        call<{ deletePipeline: string }>(caller, `mutation ($id: ID!) { deletePipeline(id: $id) }`, {
          id: main.id,
        });
      const refused = await remove();
      expect(codeOf(refused)).toBe('CONFLICT');
      expect(refused.errors?.[0]?.extensions?.details).toEqual({ pipelineId: main.id, openDeals: 1 });
      const won = await moved(caller, deal, stageNamed(main, 'Won').id);
      expect((await remove()).data?.deletePipeline).toBe(main.id);
      expect(
        codeOf(await call(caller, `query ($id: ID!) { pipeline(id: $id) { id } }`, { id: main.id })),
      ).toBe('NOT_FOUND');
      expect(await readPipeline(caller, other.id)).toMatchObject({ isDefault: true });
      // The won deal stays, in its deleted pipeline; its name is free again.
      const read = await ok<{ deal: DealView }>(
        caller,
        `query ($id: ID!) { deal(id: $id) { ${DEAL_FIELDS} } }`,
        { id: won.id },
      );
      expect(read.deal).toMatchObject({
        status: 'won',
        pipeline: null,
        stage: { id: stageNamed(main, 'Won').id },
      });
      expect((await createPipeline(caller, { name: 'Main' })).errors).toBeUndefined();
      // It can move out of it to a live pipeline, and not back into it.
      const reopened = await moved(caller, won, stageNamed(other, 'Qualification').id);
      expect(reopened).toMatchObject({ status: 'open', pipeline: { id: other.id }, actualCloseDate: null });
      expect(issuePaths(await moveDeal(caller, reopened, stageNamed(main, 'Lost').id))).toEqual(['stageId']);
    });

    it('gives concurrent first pipelines exactly one default', async () => {
      const caller = newTenant();
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, index) => createPipeline(caller, { name: `Concurrent ${index}` })),
      );
      expect(answers.map((answer) => answer.errors)).toEqual(Array(6).fill(undefined));
      expect(answers.filter((answer) => answer.data?.createPipeline.isDefault)).toHaveLength(1);
    });
  });

  describe('deals', () => {
    it('creates a deal in the default pipeline’s first open stage, in its currency, owned by the caller', async () => {
      const caller = newTenant();
      const contactId = await contactOf(caller.organizationId);
      const company = await call<{ createCompany: { id: string } }>(
        caller,
        `mutation { createCompany(input: { name: "Acme" }) { id } }`,
      );
      const companyId = company.data?.createCompany.id ?? '';
      await customField(caller, 'deal', 'source');
      const pipeline = await pipelineOf(caller, { currency: 'CAD' });
      // A company that is not the organization's is refused.
      const foreign = await call(
        caller,
        `mutation ($input: CreateDealInput!) { createDeal(input: $input) { id } }`,
        {
          input: { name: 'Elsewhere', companyId: randomUUID() },
        },
      );
      expect(foreign.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        details: { issues: [{ path: 'companyId' }] },
      });
      const deal = await dealOf(caller, {
        name: '  Website relaunch ',
        description: 'Phase 1 and 2',
        amount: '1250.50',
        expectedCloseDate: '2027-03-31',
        contactId,
        companyId,
        tags: ['web', ' web', 'q1'],
        customFields: { source: 'referral' },
      });
      expect(deal).toMatchObject({
        name: 'Website relaunch',
        description: 'Phase 1 and 2',
        amount: '1250.5',
        currency: 'CAD',
        probability: 10,
        weightedAmount: '125.05',
        expectedCloseDate: '2027-03-31',
        actualCloseDate: null,
        status: 'open',
        lostReason: null,
        pipeline: { id: pipeline.id },
        stage: { id: stageNamed(pipeline, 'Qualification').id, kind: 'open' },
        contact: { id: contactId },
        companyId,
        owner: { id: caller.userId },
        customFields: { source: 'referral' },
        tags: ['web', 'q1'],
        version: 1,
      });
      const { totalCount, edges } = await history(caller, deal.id);
      expect(totalCount).toBe(1);
      expect(edges[0]?.node).toMatchObject({
        fromStage: null,
        toStage: { name: 'Qualification' },
        movedBy: { id: caller.userId },
      });
    });

    it('needs a pipeline, and reports every problem of the input at once, writing nothing', async () => {
      const [caller, other] = [newTenant(), newTenant()];
      expect(issuePaths(await createDeal(caller, {}))).toEqual(['pipelineId']);
      await pipelineOf(caller);
      const foreignPipeline = await pipelineOf(other);
      const inactive = randomUUID();
      await knownUsers(caller.organizationId, [inactive], 'inactive');
      const before = (await outbox(caller.organizationId)).length;
      const answer = await createDeal(caller, {
        name: ' ',
        amount: '-1',
        currency: 'XXX1',
        probability: 120,
        ownerId: inactive,
        contactId: await contactOf(other.organizationId),
        stageId: foreignPipeline.stages[0]?.id,
        tags: ['x'.repeat(65)],
      });
      expect(codeOf(answer)).toBe('BAD_USER_INPUT');
      expect(issuePaths(answer)).toEqual([
        'name',
        'amount',
        'currency',
        'probability',
        'tags.0',
        'ownerId',
        'contactId',
        'stageId',
      ]);
      const deletedContact = await createDeal(caller, {
        contactId: await contactOf(caller.organizationId, true),
      });
      expect(issuePaths(deletedContact)).toEqual(['contactId']);
      expect(await outbox(caller.organizationId)).toHaveLength(before);
    });

    it('changes a deal read at its version; a stale version is CONFLICT and changes nothing', async () => {
      const caller = newTenant();
      const colleague = randomUUID();
      await knownUsers(caller.organizationId, [colleague]);
      await pipelineOf(caller);
      const deal = await dealOf(caller, { amount: '100', tags: ['a'] });
      const update = (version: number, input: Record<string, unknown>) =>
        call<{ updateDeal: DealView }>(
          caller,
          `mutation ($id: ID!, $version: Int!, $input: UpdateDealInput!) {
            updateDeal(id: $id, expectedVersion: $version, input: $input) { ${DEAL_FIELDS} } }`,
          { id: deal.id, version, input },
        );
      const changed = await update(1, {
        amount: '2000',
        probability: 40,
        ownerId: colleague,
        description: null,
        tags: [],
      });
      expect(changed.data?.updateDeal).toMatchObject({
        amount: '2000',
        probability: 40,
        weightedAmount: '800',
        owner: { id: colleague },
        tags: [],
        version: 2,
      });
      const stale = await update(1, { name: 'Lost update' });
      expect(codeOf(stale)).toBe('CONFLICT');
      expect(stale.errors?.[0]?.extensions?.details).toEqual({ expectedVersion: 1, currentVersion: 2 });
      const closing = await update(2, { actualCloseDate: '2026-12-01', lostReason: 'No' });
      expect(issuePaths(closing)).toEqual(['actualCloseDate', 'lostReason']);
      const events = await outbox(caller.organizationId);
      expect(
        events
          .filter((event) => event.type === 'crm.deal.updated.v1')
          .map((event) => event.data.changedFields),
      ).toEqual([['amount', 'probability', 'ownerId', 'tags']]);
    });

    it('moves a deal to won and lost and back, with close dates, reasons and its history', async () => {
      const caller = newTenant();
      const pipeline = await pipelineOf(caller);
      const deal = await dealOf(caller, { amount: '500' });
      const proposal = await moved(caller, deal, stageNamed(pipeline, 'Proposal').id);
      expect(proposal).toMatchObject({ probability: 50, status: 'open', version: 2 });
      const won = await moved(caller, proposal, stageNamed(pipeline, 'Won').id);
      expect(won).toMatchObject({
        status: 'won',
        probability: 100,
        actualCloseDate: today(),
        weightedAmount: '500',
      });
      const lost = await moved(caller, won, stageNamed(pipeline, 'Lost').id, {
        lostReason: 'Chose a competitor',
        actualCloseDate: '2026-11-28',
      });
      expect(lost).toMatchObject({
        status: 'lost',
        probability: 0,
        lostReason: 'Chose a competitor',
        actualCloseDate: '2026-11-28',
      });
      const reopened = await moved(caller, lost, stageNamed(pipeline, 'Negotiation').id);
      expect(reopened).toMatchObject({
        status: 'open',
        probability: 75,
        actualCloseDate: null,
        lostReason: null,
        version: 5,
      });
      expect(codeOf(await moveDeal(caller, reopened, stageNamed(pipeline, 'Negotiation').id))).toBe(
        'CONFLICT',
      );
      expect(codeOf(await moveDeal(caller, lost, stageNamed(pipeline, 'Won').id))).toBe('CONFLICT');
      const { totalCount, edges } = await history(caller, deal.id);
      expect(totalCount).toBe(5);
      expect(
        edges.map((edge) => [
          (edge.node.fromStage as StageView | null)?.name ?? null,
          (edge.node.toStage as StageView).name,
        ]),
      ).toEqual([
        ['Lost', 'Negotiation'],
        ['Won', 'Lost'],
        ['Proposal', 'Won'],
        ['Qualification', 'Proposal'],
        [null, 'Qualification'],
      ]);
      const events = await outbox(caller.organizationId);
      expect(events.filter((event) => event.subject === deal.id).map((event) => event.type)).toEqual([
        'crm.deal.created.v1',
        'crm.deal.stage_moved.v1',
        'crm.deal.stage_moved.v1',
        'crm.deal.won.v1',
        'crm.deal.stage_moved.v1',
        'crm.deal.lost.v1',
        'crm.deal.stage_moved.v1',
      ]);
    });

    it('lets one of two concurrent moves of the same version win; the other gets CONFLICT', async () => {
      const caller = newTenant();
      const pipeline = await pipelineOf(caller);
      const deal = await dealOf(caller);
      const answers = await Promise.all([
        moveDeal(caller, deal, stageNamed(pipeline, 'Proposal').id),
        moveDeal(caller, deal, stageNamed(pipeline, 'Won').id),
      ]);
      expect(answers.map(codeOf).sort()).toEqual(['CONFLICT', undefined]);
      expect((await history(caller, deal.id)).totalCount).toBe(2);
    });

    it('deletes and restores a deal; a deleted deal is not found and not listed', async () => {
      const caller = newTenant();
      await pipelineOf(caller);
      const deal = await dealOf(caller);
      const deleted = await ok<{ deleteDeal: DealView }>(
        caller,
        `mutation ($id: ID!) { deleteDeal(id: $id) { version } }`,
        { id: deal.id },
      );
      expect(deleted.deleteDeal.version).toBe(2);
      expect(codeOf(await call(caller, `query ($id: ID!) { deal(id: $id) { id } }`, { id: deal.id }))).toBe(
        'NOT_FOUND',
      );
      expect(
        (await ok<{ deals: { totalCount: number } }>(caller, `{ deals { totalCount } }`)).deals.totalCount,
      ).toBe(0);
      expect(
        codeOf(await call(caller, `mutation ($id: ID!) { deleteDeal(id: $id) { id } }`, { id: deal.id })),
      ).toBe('NOT_FOUND');
      const restored = await ok<{ restoreDeal: DealView }>(
        caller,
        `mutation ($id: ID!) { restoreDeal(id: $id) { ${DEAL_FIELDS} } }`,
        { id: deal.id },
      );
      expect(restored.restoreDeal).toMatchObject({ version: 3, status: 'open' });
      expect(
        codeOf(await call(caller, `mutation ($id: ID!) { restoreDeal(id: $id) { id } }`, { id: deal.id })),
      ).toBe('CONFLICT');
    });

    it('answers NOT_FOUND for another organization’s deals and pipelines, whatever is asked of them', async () => {
      const [caller, other] = [newTenant(), newTenant()];
      const mine = await pipelineOf(caller);
      const theirs = await pipelineOf(other);
      const deal = await dealOf(other);
      const results = [
        await call(caller, `query ($id: ID!) { deal(id: $id) { id } }`, { id: deal.id }),
        await call(
          caller,
          `mutation ($id: ID!) { updateDeal(id: $id, expectedVersion: 1, input: { name: "Mine" }) { id } }`,
          { id: deal.id },
        ),
        await moveDeal(caller, deal, mine.stages[1]?.id ?? ''),
        await call(caller, `mutation ($id: ID!) { deleteDeal(id: $id) { id } }`, { id: deal.id }),
        await call(caller, `mutation ($id: ID!) { restoreDeal(id: $id) { id } }`, { id: deal.id }),
        await call(caller, `query ($id: ID!) { pipeline(id: $id) { id } }`, { id: theirs.id }),
        await updatePipeline(caller, theirs.id, 1, { name: 'Mine' }),
        await call(caller, `mutation ($id: ID!) { deletePipeline(id: $id) }`, { id: theirs.id }),
        await call(caller, `query ($id: ID!) { pipelineBoard(pipelineId: $id) { pipeline { id } } }`, {
          id: theirs.id,
        }),
        await call(caller, `query { deal(id: "not-a-uuid") { id } }`),
      ];
      expect(results.map(codeOf)).toEqual(Array(10).fill('NOT_FOUND'));
      // Their stage is no place for my deal either.
      const own = await dealOf(caller);
      expect(issuePaths(await moveDeal(caller, own, theirs.stages[0]?.id ?? ''))).toEqual(['stageId']);
      // Untouched: their organization still reads it as it was.
      const read = await ok<{ deal: DealView }>(
        other,
        `query ($id: ID!) { deal(id: $id) { ${DEAL_FIELDS} } }`,
        { id: deal.id },
      );
      expect(read.deal).toEqual(deal);
    });
  });

  describe('the board', () => {
    const BOARD = `query ($pipelineId: ID, $first: Int, $orderBy: PipelineBoardOrder, $filter: PipelineBoardFilter) {
      pipelineBoard(pipelineId: $pipelineId, dealsPerStage: $first, orderBy: $orderBy, filter: $filter) {
        pipeline { id name }
        columns {
          stage { id name }
          dealCount
          totals { currency dealCount amount weightedAmount }
          deals { id name expectedCloseDate stage { id } owner { id } contact { id } }
          hasMoreDeals
        }
      }
    }`;
    interface Board {
      pipelineBoard: {
        pipeline: { id: string; name: string };
        columns: Array<{
          stage: { id: string; name: string };
          dealCount: number;
          totals: Array<{ currency: string; dealCount: number; amount: string; weightedAmount: string }>;
          deals: Array<{ id: string; name: string; expectedCloseDate: string | null }>;
          hasMoreDeals: boolean;
        }>;
      } | null;
    }

    it('sums each stage’s deals per currency, weighted by probability, and shows its first deals in order', async () => {
      const caller = newTenant();
      const colleague = randomUUID();
      await knownUsers(caller.organizationId, [colleague]);
      expect((await ok<Board>(caller, BOARD)).pipelineBoard).toBeNull();
      const pipeline = await pipelineOf(caller);
      const proposal = stageNamed(pipeline, 'Proposal');
      const won = stageNamed(pipeline, 'Won');
      const a = await dealOf(caller, { name: 'A', amount: '1000.10', expectedCloseDate: '2027-02-01' });
      const b = await dealOf(caller, {
        name: 'B',
        amount: '333.33',
        probability: 33,
        expectedCloseDate: '2027-01-01',
      });
      const c = await dealOf(caller, { name: 'C', amount: '200', currency: 'EUR' });
      const d = await dealOf(caller, { name: 'D', ownerId: colleague });
      await dealOf(caller, { name: 'E', stageId: proposal.id, amount: '99.99', tags: ['big'] });
      await dealOf(caller, { name: 'F', stageId: won.id, amount: '5000' });
      const gone = await dealOf(caller, { name: 'Gone', amount: '1' });
      await ok(caller, `mutation ($id: ID!) { deleteDeal(id: $id) { id } }`, { id: gone.id });

      const board = (await ok<Board>(caller, BOARD, { first: 3 })).pipelineBoard;
      expect(board?.pipeline).toEqual({ id: pipeline.id, name: pipeline.name });
      expect(board?.columns.map((column) => column.stage.name)).toEqual(
        pipeline.stages.map((stage) => stage.name),
      );
      const [qualification, , proposalColumn, , wonColumn, lostColumn] = board?.columns ?? [];
      expect(qualification).toMatchObject({
        dealCount: 4,
        hasMoreDeals: true,
        totals: [
          { currency: 'EUR', dealCount: 1, amount: '200', weightedAmount: '20' },
          // 1000.10 × 10 % (100.01) + 333.33 × 33 % (109.9989) + D without an amount.
          { currency: 'USD', dealCount: 3, amount: '1333.43', weightedAmount: '210.0089' },
        ],
      });
      expect(qualification?.deals.map((deal) => deal.id)).toEqual([d.id, c.id, b.id]);
      expect(proposalColumn).toMatchObject({
        dealCount: 1,
        hasMoreDeals: false,
        totals: [{ currency: 'USD', amount: '99.99', weightedAmount: '49.995' }],
      });
      expect(wonColumn?.totals).toEqual([
        { currency: 'USD', dealCount: 1, amount: '5000', weightedAmount: '5000' },
      ]);
      expect(lostColumn).toMatchObject({ dealCount: 0, totals: [], deals: [], hasMoreDeals: false });

      const byClose = (
        await ok<Board>(caller, BOARD, { pipelineId: pipeline.id, orderBy: 'expectedCloseDate' })
      ).pipelineBoard;
      expect(byClose?.columns[0]?.deals.map((deal) => deal.id)).toEqual([b.id, a.id, d.id, c.id]);

      const filtered = (
        await ok<Board>(caller, BOARD, {
          filter: { ownerId: caller.userId, amountFrom: '300', expectedCloseTo: '2027-01-31' },
        })
      ).pipelineBoard;
      expect(filtered?.columns[0]).toMatchObject({ dealCount: 1, deals: [{ id: b.id }] });
      expect(filtered?.columns[4]?.dealCount).toBe(0);
      const tagged = (await ok<Board>(caller, BOARD, { filter: { tags: ['big'] } })).pipelineBoard;
      expect(tagged?.columns.map((column) => column.dealCount)).toEqual([0, 0, 1, 0, 0, 0]);
    });

    it('reads the board in two statements on deals, however many deals, and as many in all for 10 as for 100', async () => {
      const { env } = subject;
      const measure = async (count: number) => {
        const caller = newTenant();
        const contactId = await contactOf(caller.organizationId);
        const pipeline = await pipelineOf(caller);
        await seedDeals(caller, pipeline, count, (index) => ({
          stage: pipeline.stages[index % pipeline.stages.length],
          amount: `${index}.5`,
          currency: index % 3 === 0 ? 'EUR' : 'USD',
          contactId,
        }));
        const headers = await env.headersFor(caller);
        sql.length = 0;
        const { result, statements } = await env.countStatements(() =>
          env.graphql<Board>(
            subject.service.graphqlUrl,
            BOARD,
            { pipelineId: pipeline.id, first: 100 },
            headers,
          ),
        );
        expect(result.errors).toBeUndefined();
        const onDeals = sql.filter((statement) => /\bdeals\b/.test(statement));
        const shown = result.data?.pipelineBoard?.columns.reduce(
          (sum, column) => sum + column.deals.length,
          0,
        );
        return { statements, onDeals: onDeals.length, shown };
      };
      const ten = await measure(10);
      const hundred = await measure(100);
      expect(ten).toMatchObject({ onDeals: 2, shown: 10 });
      expect(hundred).toMatchObject({ onDeals: 2, shown: 100 });
      expect(hundred.statements).toBe(ten.statements);
    });
  });

  describe('lists', () => {
    const LIST = `query ($first: Int, $after: String, $filter: DealFilter, $orderBy: [DealOrder!]) {
      deals(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { id name amount status stage { name } contact { id } owner { id } } }
      }
    }`;
    interface List {
      deals: {
        totalCount: number;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        edges: Array<{ node: { id: string; name: string; amount: string | null; status: string } }>;
      };
    }

    it('filters and sorts deals, page after page', async () => {
      const caller = newTenant();
      const pipeline = await pipelineOf(caller);
      const amounts = ['50', null, '1200', '300.5', '75', '1200'];
      for (const [index, amount] of amounts.entries()) {
        await dealOf(caller, {
          name: `Deal ${String.fromCharCode(70 - index)}`,
          amount,
          stageId: index === 0 ? stageNamed(pipeline, 'Won').id : undefined,
          tags: index % 2 === 0 ? ['even'] : [],
        });
      }
      const names: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 5; page += 1) {
        const answer: List = await ok<List>(caller, LIST, {
          first: 2,
          after,
          orderBy: [{ field: 'AMOUNT', direction: 'DESC' }, { field: 'NAME' }],
        });
        names.push(...answer.deals.edges.map((edge) => `${edge.node.name}:${edge.node.amount}`));
        after = answer.deals.pageInfo.endCursor;
        if (!answer.deals.pageInfo.hasNextPage) break;
      }
      expect(names).toEqual([
        'Deal A:1200',
        'Deal D:1200',
        'Deal C:300.5',
        'Deal B:75',
        'Deal F:50',
        'Deal E:null',
      ]);
      const filtered = await ok<List>(caller, LIST, {
        filter: {
          status: { eq: 'open' },
          or: [{ tags: { hasSome: ['even'] } }, { amount: { gte: '1000' } }],
          name: { startsWith: 'deal' },
        },
        orderBy: [{ field: 'NAME' }],
      });
      expect(filtered.deals.edges.map((edge) => edge.node.name)).toEqual(['Deal A', 'Deal B', 'Deal D']);
      expect(filtered.deals.totalCount).toBe(3);
      const refused = await call(caller, LIST, { filter: { amount: { gte: 'lots' } } });
      expect(codeOf(refused)).toBe('BAD_USER_INPUT');
    });

    it('runs the same statements for 10 and 100 deals: the list, contacts’ deals and users’ deals', async () => {
      const { env, service: crm } = subject;
      const measure = async (count: number) => {
        const caller = newTenant();
        const owners = Array.from({ length: 5 }, () => randomUUID());
        await knownUsers(caller.organizationId, owners);
        const contacts = [await contactOf(caller.organizationId), await contactOf(caller.organizationId)];
        const pipeline = await pipelineOf(caller);
        await seedDeals(caller, pipeline, count, (index) => ({
          amount: String(index),
          ownerId: owners[index % owners.length],
          contactId: contacts[index % contacts.length],
          tags: index % 2 === 0 ? ['even'] : [],
        }));
        const headers = await env.headersFor(caller);
        const list = await env.countStatements(() =>
          env.graphql(
            crm.graphqlUrl,
            LIST,
            {
              first: 100,
              filter: { or: [{ tags: { hasSome: ['even'] } }, { amount: { lt: '5' } }] },
              orderBy: [{ field: 'AMOUNT', direction: 'DESC' }],
            },
            headers,
          ),
        );
        const nested = await env.countStatements(() =>
          Promise.all([
            env.entities<{ deals: { totalCount: number } }>(
              crm.graphqlUrl,
              '... on Contact { deals(first: 100) { totalCount edges { node { id stage { name } owner { id } stageHistory { totalCount } } } } }',
              caller,
              contacts.map((id) => ({ __typename: 'Contact', id })),
            ),
            env.entities<{ ownedDeals: { totalCount: number } }>(
              crm.graphqlUrl,
              '... on User { ownedDeals(first: 100) { totalCount edges { node { id pipeline { id stages { id } } } } } }',
              caller,
              owners.map((id) => ({ __typename: 'User', id })),
            ),
          ]),
        );
        const [byContact, byOwner] = nested.result;
        expect(byContact.map((contact) => contact?.deals.totalCount)).toEqual([
          Math.ceil(count / 2),
          Math.floor(count / 2),
        ]);
        expect(byOwner.reduce((sum, user) => sum + (user?.ownedDeals.totalCount ?? 0), 0)).toBe(count);
        return { list: list.statements, nested: nested.statements };
      };
      expect(await measure(10)).toEqual(await measure(100));
    });
  });

  describe('events', () => {
    it('carry ids, stage ids, status and field names, never names, descriptions, amounts, reasons or custom values', async () => {
      const caller = newTenant();
      const pipeline = await pipelineOf(caller, { name: 'Secret pipeline name' });
      await customField(caller, 'deal', 'note');
      const deal = await dealOf(caller, {
        name: 'Secret deal name',
        description: 'Secret description',
        amount: '987654.321',
        customFields: { note: 'Secret custom value' },
      });
      const updated = await ok<{ updateDeal: DealView }>(
        caller,
        `mutation ($id: ID!) { updateDeal(id: $id, expectedVersion: 1, input: { name: "Secret new name" }) { id version } }`,
        { id: deal.id },
      );
      await moved(caller, updated.updateDeal, stageNamed(pipeline, 'Lost').id, {
        lostReason: 'Secret reason',
      });
      await updatePipeline(caller, pipeline.id, 1, { name: 'Secret new pipeline name' });
      const events = (await outbox(caller.organizationId)).filter(
        (event) => !event.type.startsWith('crm.custom_field.'),
      );
      expect(events.map((event) => event.type)).toEqual([
        'crm.pipeline.created.v1',
        'crm.deal.created.v1',
        'crm.deal.updated.v1',
        'crm.deal.stage_moved.v1',
        'crm.deal.lost.v1',
        'crm.pipeline.updated.v1',
      ]);
      const text = JSON.stringify(events);
      for (const secret of ['Secret', '987654']) expect(text).not.toContain(secret);
      expect(events[2]?.data).toMatchObject({
        changedFields: ['name'],
        version: 2,
        stageId: stageNamed(pipeline, 'Qualification').id,
      });
      // The audit trail names the same records, also without the text.
      const audit = (await subject.env.auditEntries(caller.organizationId)).filter(
        (entry) => entry.entityType !== 'custom_field',
      );
      expect(audit.map((entry) => [entry.action, entry.entityType])).toEqual([
        ['crm.pipeline.created', 'pipeline'],
        ['crm.deal.created', 'deal'],
        ['crm.deal.updated', 'deal'],
        ['crm.deal.stage_moved', 'deal'],
        ['crm.deal.lost', 'deal'],
        ['crm.pipeline.updated', 'pipeline'],
      ]);
      expect(JSON.stringify(audit)).not.toContain('Secret');
    });
  });
});
