import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createEvent, toKafkaMessage, topicName, type CatalogEvent } from '@platform/events';
import { withTenant } from '@platform/service-kit';
import { newTenant, serviceUnderTest, type TestTenant } from '@platform/service-kit/testing';
import { ORGANIZATIONS_GROUP } from '../../src/consumers/organizations';
import { startCrmService } from '../../src/service';
import { crmOptions, sealed } from '../support';

// The company module against real PostgreSQL and Kafka through its subgraph: companies created,
// changed at the version read, deleted and restored with their domain unique among live companies;
// parents without cycles; stage moves checked against the organization's stages (identity's defaults,
// then the stages identity.organization.updated.v1 brings) with their history written in the move's
// transaction; health from the days in stage; assignments; daily ad figures with totals; the list's
// filters and sorts; statements that do not grow with the number of companies; events without text.

const COMPANY_FIELDS = `id name domain website industry size revenue currency description
  parentCompany { id } primaryContact { id } accountStage stageEnteredAt daysInStage healthStatus
  installDate totalSpend lifetimeValue notes tags isActive customFields version createdBy { id }
  updatedBy { id }`;

interface CompanyView {
  id: string;
  name: string;
  domain: string | null;
  website: string | null;
  accountStage: string;
  daysInStage: number;
  healthStatus: string;
  totalSpend: string;
  version: number;
  parentCompany: { id: string } | null;
  [field: string]: unknown;
}

interface Connection<T> {
  totalCount: number;
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

interface Issues {
  issues: Array<{ path: string; message: string }>;
}

const DAY_MS = 86_400_000;

describe('company module', () => {
  const subject = serviceUnderTest('crm', (env) => startCrmService(crmOptions(env.startOptions())));

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

  /** A call that must succeed. */
  async function run<T>(
    auth: TestTenant,
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<T> {
    const { data, errors } = await call<T>(auth, query, variables);
    expect(errors).toBeUndefined();
    if (!data) throw new Error('no data');
    return data;
  }

  const create = (auth: TestTenant, input: Record<string, unknown>) =>
    call<{ createCompany: CompanyView }>(
      auth,
      `mutation ($input: CreateCompanyInput!) { createCompany(input: $input) { ${COMPANY_FIELDS} } }`,
      { input },
    );

  async function created(auth: TestTenant, input: Record<string, unknown> = {}): Promise<CompanyView> {
    const { data, errors } = await create(auth, { name: 'Acme', ...input });
    expect(errors).toBeUndefined();
    if (!data) throw new Error('no company');
    return data.createCompany;
  }

  const update = (auth: TestTenant, id: string, expectedVersion: number, input: Record<string, unknown>) =>
    call<{ updateCompany: CompanyView }>(
      auth,
      `mutation ($id: ID!, $v: Int!, $input: UpdateCompanyInput!) {
        updateCompany(id: $id, expectedVersion: $v, input: $input) { ${COMPANY_FIELDS} } }`,
      { id, v: expectedVersion, input },
    );

  const move = (auth: TestTenant, id: string, stage: string, notes?: string) =>
    call<{ moveCompanyStage: CompanyView }>(
      auth,
      `mutation ($id: ID!, $stage: String!, $notes: String) {
        moveCompanyStage(id: $id, stage: $stage, notes: $notes) { ${COMPANY_FIELDS} } }`,
      { id, stage, notes },
    );

  const read = (auth: TestTenant, id: string) =>
    call<{ company: CompanyView }>(auth, `query ($id: ID!) { company(id: $id) { ${COMPANY_FIELDS} } }`, {
      id,
    });

  const deleteOrRestore = (auth: TestTenant, field: 'deleteCompany' | 'restoreCompany', id: string) =>
    call<Record<string, CompanyView>>(
      auth,
      `mutation ($id: ID!) { ${field}(id: $id) { ${COMPANY_FIELDS} } }`,
      {
        id,
      },
    );

  async function knownUsers(organizationId: string, ids: readonly string[], status = 'active') {
    await withTenant(subject.service.database, organizationId, (tx) =>
      tx.userReference.createMany({
        data: ids.map((id) => ({ id, organizationId, status, changedAt: new Date() })),
      }),
    );
  }

  async function contactOf(organizationId: string): Promise<string> {
    const id = randomUUID();
    await withTenant(subject.service.database, organizationId, (tx) =>
      tx.contact.create({
        data: { id, organizationId, ...sealed({ id, organizationId, givenName: 'Ada' }) },
      }),
    );
    return id;
  }

  /** Moves the moment a company entered its stage `days` days back (what time would do). */
  async function enteredDaysAgo(organizationId: string, id: string, days: number): Promise<void> {
    await withTenant(subject.service.database, organizationId, (tx) =>
      tx.company.update({
        where: { id },
        data: { stageEnteredAt: new Date(Date.now() - days * DAY_MS - 60_000) },
      }),
    );
  }

  function organizationUpdated(
    organizationId: string,
    settings: { pipelineStages: string[]; yellowAfterDays: number; redAfterDays: number; timezone?: string },
    updatedAt: Date,
  ): CatalogEvent {
    return createEvent('identity.organization.updated.v1', {
      source: '/services/identity',
      subject: organizationId,
      tenantId: organizationId,
      time: updatedAt,
      data: {
        organizationId,
        name: 'Agency',
        slug: `agency-${organizationId.slice(0, 8)}`,
        vertical: 'marketing_agency',
        logoUrl: null,
        domain: null,
        settings: {
          timezone: settings.timezone ?? 'UTC',
          businessHours: [],
          pipelineStages: settings.pipelineStages,
          healthThresholds: {
            yellowAfterDays: settings.yellowAfterDays,
            redAfterDays: settings.redAfterDays,
          },
        },
        updatedAt: updatedAt.toISOString(),
      },
    });
  }

  /** Publishes identity's events and waits until crm's organization consumer has handled each. */
  async function publishSettings(...events: CatalogEvent[]): Promise<void> {
    const { env, service: crm } = subject;
    await crm.messaging.producer.send(
      topicName('identity.organization', env.kafka.topicPrefix),
      events.map(toKafkaMessage),
    );
    for (const event of events) {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const row = await crm.database.processedEvent.findUnique({
          where: { consumerGroup_eventId: { consumerGroup: ORGANIZATIONS_GROUP, eventId: event.id } },
        });
        if (row) break;
        if (Date.now() > deadline) throw new Error(`event ${event.id} was not handled within 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  const issuesOf = (errors: Array<{ extensions?: Record<string, unknown> }> | undefined) =>
    (errors?.[0]?.extensions?.details as Issues | undefined)?.issues ?? [];

  describe('lifecycle', () => {
    it('creates a company in the first stage, reads it, and changes it at the version read', async () => {
      const caller = newTenant();
      const contactId = await contactOf(caller.organizationId);
      await customField(caller, 'company', 'region');
      const company = await created(caller, {
        name: '  Acme Corp ',
        domain: 'https://www.ACME.com/about',
        website: 'acme.com',
        industry: 'Retail',
        size: 'employees_51_200',
        revenue: '1250000.50',
        currency: 'eur',
        primaryContactId: contactId,
        installDate: '2026-10-01',
        lifetimeValue: 42000,
        notes: 'Prefers email',
        tags: ['vip', 'vip', 'retail'],
        customFields: { region: 'north' },
      });
      expect(company).toMatchObject({
        name: 'Acme Corp',
        domain: 'acme.com',
        website: 'https://acme.com/',
        size: 'employees_51_200',
        revenue: '1250000.5',
        currency: 'EUR',
        primaryContact: { id: contactId },
        accountStage: 'Onboarding',
        daysInStage: 0,
        healthStatus: 'green',
        installDate: '2026-10-01',
        totalSpend: '0',
        lifetimeValue: '42000',
        tags: ['vip', 'retail'],
        isActive: true,
        customFields: { region: 'north' },
        version: 1,
        createdBy: { id: caller.userId },
      });
      expect((await read(caller, company.id)).data?.company).toEqual(company);

      const changed = await update(caller, company.id, 1, {
        name: 'Acme',
        revenue: null,
        isActive: false,
        tags: ['retail'],
      });
      expect(changed.data?.updateCompany).toMatchObject({
        name: 'Acme',
        revenue: null,
        isActive: false,
        tags: ['retail'],
        version: 2,
      });
      const stale = await update(caller, company.id, 1, { name: 'Late' });
      expect(stale.errors?.[0]?.extensions).toMatchObject({
        code: 'CONFLICT',
        details: { expectedVersion: 1, currentVersion: 2 },
      });
      // A change that changes nothing keeps the version.
      const same = await update(caller, company.id, 2, { name: 'Acme' });
      expect(same.data?.updateCompany.version).toBe(2);
    });

    it('reports every problem of the input at once, writing nothing', async () => {
      const { env } = subject;
      const [caller, other] = [newTenant(), newTenant()];
      const foreign = await created(other, { name: 'Foreign' });
      const foreignContact = await contactOf(other.organizationId);
      const before = (await env.outboxEvents()).length;
      const { errors } = await create(caller, {
        name: ' ',
        domain: 'localhost',
        website: 'ftp://acme.com',
        currency: 'EURO',
        revenue: '-5',
        tags: ['x'.repeat(65)],
        parentCompanyId: foreign.id,
        primaryContactId: foreignContact,
        accountStage: 'Churned',
      });
      expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(issuesOf(errors).map((issue) => issue.path)).toEqual([
        'name',
        'domain',
        'website',
        'currency',
        'revenue',
        'tags.0',
        'accountStage',
        'parentCompanyId',
        'primaryContactId',
      ]);
      expect(issuesOf(errors).find((issue) => issue.path === 'accountStage')?.message).toBe(
        "must be one of the organization's stages: Onboarding, Installation, Audit, Live, Needs Support, Off-Boarding",
      );
      expect(await env.outboxEvents()).toHaveLength(before);
    });

    it('keeps domains unique among live companies: frees them on delete, restores only while free', async () => {
      const [caller, other] = [newTenant(), newTenant()];
      const acme = await created(caller, { domain: 'acme.com' });
      // Another organization may have the same domain.
      await created(other, { domain: 'acme.com' });
      for (const attempt of [
        await create(caller, { name: 'Copy', domain: 'ACME.com.' }),
        await update(caller, (await created(caller, { name: 'B' })).id, 1, { domain: 'www.acme.com' }),
      ]) {
        expect(attempt.errors?.[0]?.extensions).toMatchObject({
          code: 'CONFLICT',
          details: { field: 'domain' },
        });
      }
      const byDomain = `query ($d: String!) { companyByDomain(domain: $d) { id } }`;
      expect(
        (await run<{ companyByDomain: { id: string } }>(caller, byDomain, { d: 'https://Acme.com/x' }))
          .companyByDomain,
      ).toEqual({
        id: acme.id,
      });

      const deleted = await deleteOrRestore(caller, 'deleteCompany', acme.id);
      expect(deleted.data?.deleteCompany?.version).toBe(2);
      expect((await read(caller, acme.id)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect(
        (await run<{ companyByDomain: null }>(caller, byDomain, { d: 'acme.com' })).companyByDomain,
      ).toBeNull();
      expect((await deleteOrRestore(caller, 'deleteCompany', acme.id)).errors?.[0]?.extensions?.code).toBe(
        'NOT_FOUND',
      );

      const successor = await created(caller, { name: 'Acme 2', domain: 'acme.com' });
      const refused = await deleteOrRestore(caller, 'restoreCompany', acme.id);
      expect(refused.errors?.[0]?.extensions).toMatchObject({
        code: 'CONFLICT',
        details: { field: 'domain' },
      });
      await deleteOrRestore(caller, 'deleteCompany', successor.id);
      const restored = await deleteOrRestore(caller, 'restoreCompany', acme.id);
      expect(restored.data?.restoreCompany).toMatchObject({ id: acme.id, domain: 'acme.com', version: 3 });
      expect((await deleteOrRestore(caller, 'restoreCompany', acme.id)).errors?.[0]?.extensions?.code).toBe(
        'CONFLICT',
      );
    });

    it('answers NOT_FOUND for another organization’s company, whatever is asked of it', async () => {
      const [caller, other] = [newTenant(), newTenant()];
      const foreign = await created(other);
      const results = [
        await read(caller, foreign.id),
        await update(caller, foreign.id, 1, { name: 'Mine' }),
        await move(caller, foreign.id, 'Live'),
        await deleteOrRestore(caller, 'deleteCompany', foreign.id),
        await deleteOrRestore(caller, 'restoreCompany', foreign.id),
        await call(
          caller,
          `mutation ($id: ID!) { assignUserToCompany(companyId: $id, userId: "${caller.userId}", role: owner) { id } }`,
          {
            id: foreign.id,
          },
        ),
        await call(
          caller,
          `mutation ($id: ID!) { recordAdPerformance(companyId: $id, input: { platform: meta_ads, accountId: "a", date: "2026-11-01", spend: 1, impressions: 1, clicks: 1, conversions: 0 }) { id } }`,
          { id: foreign.id },
        ),
        await read(caller, 'not-a-uuid'),
      ];
      expect(results.map((result) => result.errors?.[0]?.extensions?.code)).toEqual(
        results.map(() => 'NOT_FOUND'),
      );
      expect((await read(other, foreign.id)).data?.company.id).toBe(foreign.id);
    });
  });

  describe('hierarchy', () => {
    it('links subsidiaries to a parent and refuses cycles at any depth', async () => {
      const caller = newTenant();
      const holding = await created(caller, { name: 'Holding' });
      const division = await created(caller, { name: 'Division', parentCompanyId: holding.id });
      const team = await created(caller, { name: 'Team', parentCompanyId: division.id });
      expect(division.parentCompany).toEqual({ id: holding.id });

      for (const [id, version, parent] of [
        [holding.id, 1, team.id],
        [holding.id, 1, division.id],
        [division.id, 1, division.id],
      ] as const) {
        const refused = await update(caller, id, version, { parentCompanyId: parent });
        expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
        expect(issuesOf(refused.errors).map((issue) => issue.path)).toEqual(['parentCompanyId']);
      }
      const children = await run<{ company: { childCompanies: Connection<{ id: string }> } }>(
        caller,
        `query ($id: ID!) { company(id: $id) { childCompanies { totalCount edges { node { id } } } } }`,
        { id: holding.id },
      );
      expect(children.company.childCompanies.edges).toEqual([{ node: { id: division.id } }]);
    });

    it('lets only one of two concurrent changes that would close a cycle through', async () => {
      const caller = newTenant();
      const [a, b] = [await created(caller, { name: 'A' }), await created(caller, { name: 'B' })];
      const results = await Promise.all([
        update(caller, a.id, 1, { parentCompanyId: b.id }),
        update(caller, b.id, 1, { parentCompanyId: a.id }),
      ]);
      const codes = results.map((result) => result.errors?.[0]?.extensions?.code ?? 'ok').sort();
      expect(codes).toEqual(['BAD_USER_INPUT', 'ok']);
    });

    it('shows no parent while it is deleted, and the link again once it is restored', async () => {
      const caller = newTenant();
      const parent = await created(caller, { name: 'Parent' });
      const child = await created(caller, { name: 'Child', parentCompanyId: parent.id });
      await deleteOrRestore(caller, 'deleteCompany', parent.id);
      expect((await read(caller, child.id)).data?.company.parentCompany).toBeNull();
      const refused = await create(caller, { name: 'Other', parentCompanyId: parent.id });
      expect(issuesOf(refused.errors)).toMatchObject([
        { path: 'parentCompanyId', message: 'is a deleted company' },
      ]);
      await deleteOrRestore(caller, 'restoreCompany', parent.id);
      expect((await read(caller, child.id)).data?.company.parentCompany).toEqual({ id: parent.id });
    });
  });

  describe('stages and health', () => {
    it('moves through the organization’s stages, writing the history in the move’s transaction', async () => {
      const { env } = subject;
      const caller = newTenant();
      const company = await created(caller, { accountStage: 'installation' });
      expect(company.accountStage).toBe('Installation');
      const moved = await move(caller, company.id, ' live ', 'Went live on Monday');
      expect(moved.data?.moveCompanyStage).toMatchObject({
        accountStage: 'Live',
        daysInStage: 0,
        version: 2,
      });
      const again = await move(caller, company.id, 'Live');
      expect(again.errors?.[0]?.extensions).toMatchObject({
        code: 'CONFLICT',
        details: { from: 'Live', to: 'Live' },
      });
      const unknown = await move(caller, company.id, 'Churned');
      expect(unknown.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(issuesOf(unknown.errors)[0]?.message).toMatch(/Onboarding, Installation, Audit, Live/);

      const history = await run<{ company: { stageHistory: Connection<Record<string, unknown>> } }>(
        caller,
        `query ($id: ID!) { company(id: $id) { stageHistory { totalCount edges { node {
          fromStage toStage notes movedBy { id } movedAt } } } } }`,
        { id: company.id },
      );
      expect(history.company.stageHistory.totalCount).toBe(2);
      expect(history.company.stageHistory.edges.map((edge) => edge.node)).toMatchObject([
        {
          fromStage: 'Installation',
          toStage: 'Live',
          notes: 'Went live on Monday',
          movedBy: { id: caller.userId },
        },
        { fromStage: null, toStage: 'Installation', notes: null, movedBy: { id: caller.userId } },
      ]);
      // The move and its history entry were committed by one transaction (they share their xmin).
      const client = new Client({ connectionString: env.database.superuserUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{ entry: string; moved: string }>(
          `SELECT h.xmin::text AS entry, c.xmin::text AS moved
             FROM company_stage_events h JOIN companies c ON c.id = h.company_id
            WHERE h.company_id = $1 AND h.to_stage = 'Live'`,
          [company.id],
        );
        expect(rows).toHaveLength(1);
        expect(rows[0]?.entry).toBe(rows[0]?.moved);
      } finally {
        await client.end();
      }
      expect(
        (await env.outboxEvents()).filter(
          (event) => event.type === 'crm.company.stage_moved.v1' && event.subject === company.id,
        ),
      ).toHaveLength(1);
    });

    it('keeps a concurrent series of moves a chain: each entry leaves the stage the previous one entered', async () => {
      const caller = newTenant();
      const company = await created(caller);
      const stages = ['Installation', 'Audit', 'Live', 'Needs Support', 'Off-Boarding', 'Onboarding'];
      await Promise.all(stages.map((stage) => move(caller, company.id, stage)));
      const history = await run<{
        company: {
          accountStage: string;
          stageHistory: Connection<{ fromStage: string | null; toStage: string }>;
        };
      }>(
        caller,
        `query ($id: ID!) { company(id: $id) { accountStage stageHistory(first: 100) { edges { node { fromStage toStage } } } } }`,
        { id: company.id },
      );
      const entries = history.company.stageHistory.edges.map((edge) => edge.node).reverse();
      entries.slice(1).forEach((entry, index) => expect(entry.fromStage).toBe(entries[index]?.toStage));
      expect(entries[entries.length - 1]?.toStage).toBe(history.company.accountStage);
    });

    it('takes the stages and thresholds identity publishes, ignoring older events, keeping current stages readable', async () => {
      const caller = newTenant();
      const company = await created(caller);
      await enteredDaysAgo(caller.organizationId, company.id, 8);
      expect((await read(caller, company.id)).data?.company).toMatchObject({
        daysInStage: 8,
        healthStatus: 'yellow',
      });

      const now = new Date();
      await publishSettings(
        organizationUpdated(
          caller.organizationId,
          { pipelineStages: ['Kickoff', 'Build', 'Launched'], yellowAfterDays: 2, redAfterDays: 4 },
          now,
        ),
        // An older event delivered later changes nothing.
        organizationUpdated(
          caller.organizationId,
          { pipelineStages: ['Stale'], yellowAfterDays: 30, redAfterDays: 60 },
          new Date(now.getTime() - 60_000),
        ),
      );
      // The company stays in a stage the organization no longer has, and reads as red now.
      expect((await read(caller, company.id)).data?.company).toMatchObject({
        accountStage: 'Onboarding',
        daysInStage: 8,
        healthStatus: 'red',
      });
      const refused = await move(caller, company.id, 'Live');
      expect(issuesOf(refused.errors)[0]?.message).toBe(
        "must be one of the organization's stages: Kickoff, Build, Launched",
      );
      expect((await move(caller, company.id, 'build')).data?.moveCompanyStage).toMatchObject({
        accountStage: 'Build',
        healthStatus: 'green',
      });
      expect((await created(caller, { name: 'New' })).accountStage).toBe('Kickoff');
      // Other organizations keep identity's defaults.
      expect((await created(newTenant(), { name: 'Default' })).accountStage).toBe('Onboarding');
    });

    it('takes a new organization’s settings from its creation event, or identity’s defaults without them', async () => {
      const [withSettings, without] = [newTenant(), newTenant()];
      const createdEvent = (organizationId: string, settings?: { pipelineStages: string[] }) =>
        createEvent('identity.organization.created.v1', {
          source: '/services/identity',
          subject: organizationId,
          tenantId: organizationId,
          data: {
            organizationId,
            name: 'Agency',
            slug: `agency-${organizationId.slice(0, 8)}`,
            vertical: 'marketing_agency',
            status: 'active',
            parentOrganizationId: null,
            ...(settings
              ? {
                  settings: {
                    timezone: 'UTC',
                    businessHours: [],
                    pipelineStages: settings.pipelineStages,
                    healthThresholds: { yellowAfterDays: 3, redAfterDays: 5 },
                  },
                }
              : {}),
            createdAt: new Date().toISOString(),
          },
        });
      await publishSettings(
        createdEvent(withSettings.organizationId, { pipelineStages: ['Discovery', 'Delivery'] }),
        createdEvent(without.organizationId),
      );
      expect((await created(withSettings)).accountStage).toBe('Discovery');
      expect((await created(without)).accountStage).toBe('Onboarding');
      const stored = await withTenant(subject.service.database, without.organizationId, (tx) =>
        tx.organizationSettings.findUnique({ where: { organizationId: without.organizationId } }),
      );
      expect(stored).toMatchObject({
        pipelineStages: ['Onboarding', 'Installation', 'Audit', 'Live', 'Needs Support', 'Off-Boarding'],
        healthYellowAfterDays: 7,
        healthRedAfterDays: 14,
      });
    });

    it('counts days in the organization’s time zone', async () => {
      const caller = newTenant();
      await publishSettings(
        organizationUpdated(
          caller.organizationId,
          { pipelineStages: ['A', 'B'], yellowAfterDays: 1, redAfterDays: 2, timezone: 'Pacific/Kiritimati' },
          new Date(),
        ),
      );
      const company = await created(caller);
      const entered = new Date(Date.now() - 3 * DAY_MS);
      await withTenant(subject.service.database, caller.organizationId, (tx) =>
        tx.company.update({ where: { id: company.id }, data: { stageEnteredAt: entered } }),
      );
      const local = (instant: Date) =>
        Date.parse(new Intl.DateTimeFormat('en-CA', { timeZone: 'Pacific/Kiritimati' }).format(instant));
      const expected = Math.round((local(new Date()) - local(entered)) / DAY_MS);
      expect((await read(caller, company.id)).data?.company).toMatchObject({
        daysInStage: expected,
        healthStatus: 'red',
      });
    });
  });

  describe('assignments', () => {
    it('assigns users as owner and collaborator once each, and removes them', async () => {
      const caller = newTenant();
      const [colleague, inactive, foreign] = [randomUUID(), randomUUID(), randomUUID()];
      await knownUsers(caller.organizationId, [colleague]);
      await knownUsers(caller.organizationId, [inactive], 'inactive');
      await knownUsers(newTenant().organizationId, [foreign]);
      const company = await created(caller);
      const assign = (userId: string, role: string) =>
        call<{ assignUserToCompany: Record<string, unknown> }>(
          caller,
          `mutation ($c: ID!, $u: ID!, $r: CompanyAssignmentRole!) { assignUserToCompany(companyId: $c, userId: $u, role: $r) {
            id company { id } user { id } role assignedBy { id } assignedAt } }`,
          { c: company.id, u: userId, r: role },
        );
      const owner = await assign(colleague, 'owner');
      expect(owner.data?.assignUserToCompany).toMatchObject({
        company: { id: company.id },
        user: { id: colleague },
        role: 'owner',
        assignedBy: { id: caller.userId },
      });
      expect((await assign(colleague, 'collaborator')).errors).toBeUndefined();
      expect((await assign(caller.userId, 'collaborator')).errors).toBeUndefined();
      const duplicate = await assign(colleague, 'owner');
      expect(duplicate.errors?.[0]?.extensions?.code).toBe('CONFLICT');
      for (const userId of [inactive, foreign, randomUUID()]) {
        const refused = await assign(userId, 'owner');
        expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
        expect(issuesOf(refused.errors).map((issue) => issue.path)).toEqual(['userId']);
      }

      const listed = await run<{
        company: {
          all: Connection<{ role: string; user: { id: string } }>;
          owners: Connection<{ user: { id: string } }>;
        };
      }>(
        caller,
        `query ($id: ID!) { company(id: $id) {
          all: assignments { totalCount edges { node { role user { id } } } }
          owners: assignments(role: owner) { totalCount edges { node { user { id } } } } } }`,
        { id: company.id },
      );
      expect(listed.company.all.totalCount).toBe(3);
      expect(listed.company.owners.edges).toEqual([{ node: { user: { id: colleague } } }]);

      const unassign = (userId: string, role: string) =>
        call<{ unassignUserFromCompany: string }>(
          caller,
          `mutation ($c: ID!, $u: ID!, $r: CompanyAssignmentRole!) { unassignUserFromCompany(companyId: $c, userId: $u, role: $r) }`,
          { c: company.id, u: userId, r: role },
        );
      expect((await unassign(colleague, 'owner')).data?.unassignUserFromCompany).toBe(
        owner.data?.assignUserToCompany.id,
      );
      expect((await unassign(colleague, 'owner')).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    });

    it('lists a user’s assignments to live companies', async () => {
      const { env, service: crm } = subject;
      const caller = newTenant();
      const [kept, gone] = [await created(caller, { name: 'Kept' }), await created(caller, { name: 'Gone' })];
      for (const company of [kept, gone]) {
        await run(
          caller,
          `mutation ($c: ID!, $u: ID!) { assignUserToCompany(companyId: $c, userId: $u, role: owner) { id } }`,
          { c: company.id, u: caller.userId },
        );
      }
      await deleteOrRestore(caller, 'deleteCompany', gone.id);
      const [user] = await env.entities<{ assignedCompanies: Connection<{ company: { id: string } }> }>(
        crm.graphqlUrl,
        '... on User { assignedCompanies { totalCount edges { node { role company { id } } } } }',
        caller,
        [{ __typename: 'User', id: caller.userId }],
      );
      expect(user?.assignedCompanies).toEqual({
        totalCount: 1,
        edges: [{ node: { role: 'owner', company: { id: kept.id } } }],
      });
    });
  });

  describe('ad performance', () => {
    const RECORD = `mutation ($c: ID!, $input: AdPerformanceInput!) { recordAdPerformance(companyId: $c, input: $input) {
      id platform accountId campaignId date spend impressions clicks conversions revenue } }`;

    it('records a day once per platform, corrects it, and keeps totalSpend the sum of the days', async () => {
      const { env } = subject;
      const caller = newTenant();
      const company = await created(caller, { currency: 'USD' });
      const day = {
        platform: 'google_ads',
        accountId: 'acc-1',
        date: '2026-11-01',
        spend: '100.25',
        impressions: 1000,
        clicks: 50,
        conversions: '2.5',
        revenue: '400',
      };
      const record = (input: Record<string, unknown>) =>
        call<{ recordAdPerformance: Record<string, unknown> }>(caller, RECORD, { c: company.id, input });
      const first = await record(day);
      expect(first.data?.recordAdPerformance).toMatchObject({ ...day, campaignId: null });
      const events = async () =>
        (await env.outboxEvents()).filter(
          (event) => event.type === 'crm.company.ad_performance_recorded.v1' && event.subject === company.id,
        );
      expect(await events()).toHaveLength(1);
      // The same figures again: the same row, no new event.
      expect((await record(day)).data?.recordAdPerformance.id).toBe(first.data?.recordAdPerformance.id);
      expect(await events()).toHaveLength(1);
      // A correction changes the day in place.
      const corrected = await record({ ...day, spend: '120.75' });
      expect(corrected.data?.recordAdPerformance).toMatchObject({
        id: first.data?.recordAdPerformance.id,
        spend: '120.75',
      });
      await record({ ...day, platform: 'meta_ads', spend: 30, revenue: null });
      await record({ ...day, date: '2026-11-02', spend: '10' });
      await record({ ...day, date: '2026-10-31', spend: '5' });
      expect(await events()).toHaveLength(5);
      expect((await read(caller, company.id)).data?.company.totalSpend).toBe('165.75');

      const refused = await record({ ...day, spend: '-1', impressions: -1 });
      expect(issuesOf(refused.errors).map((issue) => issue.path)).toEqual(['spend', 'impressions']);

      const PAGE = `query ($id: ID!, $after: String, $from: Date, $to: Date, $platform: AdPlatform) { company(id: $id) {
        adPerformance(first: 2, after: $after, from: $from, to: $to, platform: $platform) {
          totalCount totals { spend impressions clicks conversions revenue }
          pageInfo { hasNextPage endCursor } edges { cursor node { date platform spend } } } } }`;
      type Page = {
        company: {
          adPerformance: Connection<{ date: string; platform: string; spend: string }> & {
            totals: Record<string, unknown>;
          };
        };
      };
      const firstPage = await run<Page>(caller, PAGE, { id: company.id, from: '2026-11-01' });
      expect(firstPage.company.adPerformance).toMatchObject({
        totalCount: 3,
        totals: { spend: '160.75', impressions: 3000, clicks: 150, conversions: '7.5', revenue: '800' },
        pageInfo: { hasNextPage: true },
      });
      expect(
        firstPage.company.adPerformance.edges.map((edge) => [edge.node.date, edge.node.platform]),
      ).toEqual([
        ['2026-11-02', 'google_ads'],
        ['2026-11-01', 'google_ads'],
      ]);
      const secondPage = await run<Page>(caller, PAGE, {
        id: company.id,
        from: '2026-11-01',
        after: firstPage.company.adPerformance.pageInfo.endCursor,
      });
      expect(
        secondPage.company.adPerformance.edges.map((edge) => [edge.node.date, edge.node.platform]),
      ).toEqual([['2026-11-01', 'meta_ads']]);
      expect(secondPage.company.adPerformance.totals).toEqual(firstPage.company.adPerformance.totals);
      const meta = await run<Page>(caller, PAGE, { id: company.id, platform: 'meta_ads', to: '2026-11-01' });
      expect(meta.company.adPerformance).toMatchObject({
        totalCount: 1,
        totals: { spend: '30', revenue: '0' },
      });
      const backwards = await call(caller, PAGE, { id: company.id, from: '2026-11-02', to: '2026-11-01' });
      expect(backwards.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('records concurrent days of one company without losing any from its total', async () => {
      const caller = newTenant();
      const company = await created(caller);
      await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          run(caller, RECORD, {
            c: company.id,
            input: {
              platform: 'meta_ads',
              accountId: 'acc',
              date: `2026-09-${String(index + 1).padStart(2, '0')}`,
              spend: '1.5',
              impressions: 1,
              clicks: 0,
              conversions: 0,
            },
          }),
        ),
      );
      expect((await read(caller, company.id)).data?.company.totalSpend).toBe('15');
    });
  });

  describe('the list', () => {
    const LIST = `query ($first: Int, $after: String, $filter: CompanyFilter, $orderBy: [CompanyOrder!]) {
      companies(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { id name } } } }`;
    type List = { companies: Connection<{ id: string; name: string }> };
    const names = (list: List) => list.companies.edges.map((edge) => edge.node.name);

    it('filters on stage, health, industry, size, tags, parent, assignee and name prefix', async () => {
      const caller = newTenant();
      const colleague = randomUUID();
      await knownUsers(caller.organizationId, [colleague]);
      const zeta = await created(caller, {
        name: 'Zeta',
        industry: 'Retail',
        size: 'employees_1_10',
        tags: ['vip'],
      });
      const alpha = await created(caller, {
        name: 'alpha',
        industry: 'Retail',
        tags: ['vip', 'new'],
        parentCompanyId: zeta.id,
      });
      const elan = await created(caller, { name: 'Élan', accountStage: 'Live', size: 'employees_11_50' });
      await created(caller, { name: 'Beta', accountStage: 'Audit' });
      await enteredDaysAgo(caller.organizationId, alpha.id, 8);
      await enteredDaysAgo(caller.organizationId, elan.id, 20);
      await run(
        caller,
        `mutation ($c: ID!, $u: ID!) { assignUserToCompany(companyId: $c, userId: $u, role: collaborator) { id } }`,
        {
          c: elan.id,
          u: colleague,
        },
      );
      const list = (filter: Record<string, unknown>, orderBy: unknown = [{ field: 'NAME' }]) =>
        run<List>(caller, LIST, { filter, orderBy });

      expect(names(await list({}))).toEqual(['alpha', 'Beta', 'Élan', 'Zeta']);
      expect(names(await list({ accountStage: { in: ['Live', 'Audit'] } }))).toEqual(['Beta', 'Élan']);
      expect(names(await list({ healthStatus: { eq: 'green' } }))).toEqual(['Beta', 'Zeta']);
      expect(names(await list({ healthStatus: { in: ['yellow', 'red'] } }))).toEqual(['alpha', 'Élan']);
      expect(names(await list({ healthStatus: { eq: 'red' } }))).toEqual(['Élan']);
      expect(names(await list({ industry: { eq: 'Retail' }, tags: { hasAll: ['vip', 'new'] } }))).toEqual([
        'alpha',
      ]);
      expect(names(await list({ size: { in: ['employees_1_10', 'employees_11_50'] } }))).toEqual([
        'Élan',
        'Zeta',
      ]);
      expect(names(await list({ parentCompanyId: { eq: zeta.id } }))).toEqual(['alpha']);
      expect(
        names(await list({ parentCompanyId: { isNull: true }, not: { name: { startsWith: 'b' } } })),
      ).toEqual(['Élan', 'Zeta']);
      expect(names(await list({ assignedUserId: { eq: colleague } }))).toEqual(['Élan']);
      expect(names(await list({ assignedUserId: { eq: colleague, role: 'owner' } }))).toEqual([]);
      expect(names(await list({ name: { startsWith: 'AL' } }))).toEqual(['alpha']);
      expect(
        names(await list({ or: [{ name: { startsWith: 'z' } }, { accountStage: { eq: 'Audit' } }] })),
      ).toEqual(['Beta', 'Zeta']);
      // Stage-entry order, longest in its stage first.
      expect(names(await list({}, [{ field: 'STAGE_ENTERED_AT', direction: 'ASC' }]))).toEqual([
        'Élan',
        'alpha',
        'Zeta',
        'Beta',
      ]);
    });

    it('sorts by total spend and pages with cursors of its order', async () => {
      const caller = newTenant();
      const spends = ['30', '5', '120.5', '0'];
      for (const [index, spend] of spends.entries()) {
        const company = await created(caller, { name: `Company ${index}` });
        if (spend !== '0') {
          await run(
            caller,
            `mutation ($c: ID!, $s: Decimal!) { recordAdPerformance(companyId: $c, input: { platform: google_ads, accountId: "a", date: "2026-11-01", spend: $s, impressions: 0, clicks: 0, conversions: 0 }) { id } }`,
            {
              c: company.id,
              s: spend,
            },
          );
        }
      }
      const orderBy = [{ field: 'TOTAL_SPEND', direction: 'DESC' }];
      const first = await run<List>(caller, LIST, { first: 3, orderBy });
      expect(first.companies.totalCount).toBe(4);
      expect(names(first)).toEqual(['Company 2', 'Company 0', 'Company 1']);
      const rest = await run<List>(caller, LIST, {
        first: 3,
        orderBy,
        after: first.companies.pageInfo.endCursor,
      });
      expect(names(rest)).toEqual(['Company 3']);
      expect(rest.companies.pageInfo.hasNextPage).toBe(false);
      const wrongOrder = await call(caller, LIST, { first: 3, after: first.companies.pageInfo.endCursor });
      expect(wrongOrder.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      // Year 0 passes the date scalars but not PostgreSQL: refused as input, not an internal error.
      for (const filter of [
        { createdAt: { eq: '0000-01-01T00:00:00.000Z' } },
        { installDate: { gte: '0000-01-01' } },
      ]) {
        const refused = await call(caller, LIST, { filter });
        expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      }
    });
  });

  describe('statements', () => {
    /** An organization with `count` companies, each with a child, an assignment, moves and ad figures. */
    async function seedOrganization(count: number): Promise<TestTenant> {
      const caller = newTenant();
      for (let index = 0; index < count; index += 1) {
        const company = await created(caller, { name: `Company ${index}` });
        await created(caller, { name: `Child ${index}`, parentCompanyId: company.id });
        await run(
          caller,
          `mutation ($c: ID!, $u: ID!) { assignUserToCompany(companyId: $c, userId: $u, role: owner) { id } }`,
          {
            c: company.id,
            u: caller.userId,
          },
        );
        await move(caller, company.id, 'Live');
        await run(
          caller,
          `mutation ($c: ID!) { recordAdPerformance(companyId: $c, input: { platform: google_ads, accountId: "a", date: "2026-11-01", spend: 1, impressions: 1, clicks: 1, conversions: 0 }) { id } }`,
          {
            c: company.id,
          },
        );
      }
      return caller;
    }

    it('reads the list with every nested list in statements that do not grow with the companies', async () => {
      const { env } = subject;
      const [one, many] = [await seedOrganization(1), await seedOrganization(4)];
      const query = `{ companies(first: 100, filter: { parentCompanyId: { isNull: true } }) { totalCount edges { node {
        id daysInStage healthStatus parentCompany { id } primaryContact { id }
        childCompanies { totalCount edges { node { id healthStatus parentCompany { id } } } }
        stageHistory { totalCount edges { node { fromStage toStage movedBy { id } } } }
        assignments { totalCount edges { node { role user { id } company { id healthStatus } } } }
        adPerformance { totalCount totals { spend } edges { node { date spend } } } } } } }`;
      const measure = (auth: TestTenant) =>
        env.countStatements(() => run<{ companies: Connection<unknown> }>(auth, query));
      const few = await measure(one);
      const lots = await measure(many);
      expect(few.result.companies.totalCount).toBe(1);
      expect(lots.result.companies.totalCount).toBe(4);
      expect(lots.statements).toBe(few.statements);
    });

    it('pages users’ company assignments in statements that do not grow with the users', async () => {
      const { env, service: crm } = subject;
      const caller = newTenant();
      const users = Array.from({ length: 6 }, () => randomUUID());
      await knownUsers(caller.organizationId, users);
      const company = await created(caller);
      for (const userId of users) {
        await run(
          caller,
          `mutation ($c: ID!, $u: ID!) { assignUserToCompany(companyId: $c, userId: $u, role: collaborator) { id } }`,
          {
            c: company.id,
            u: userId,
          },
        );
      }
      const measure = (ids: string[]) =>
        env.countStatements(() =>
          env.entities<{ assignedCompanies: { totalCount: number } }>(
            crm.graphqlUrl,
            '... on User { assignedCompanies(first: 2) { totalCount edges { node { company { id name } } } } }',
            caller,
            ids.map((id) => ({ __typename: 'User', id })),
          ),
        );
      const one = await measure(users.slice(0, 1));
      const all = await measure(users);
      expect(all.result.map((user) => user?.assignedCompanies.totalCount)).toEqual(users.map(() => 1));
      expect(all.statements).toBe(one.statements);
    });
  });

  describe('events', () => {
    it('writes each change’s event to the outbox keyed by the company, with none of the text', async () => {
      const { env } = subject;
      const caller = newTenant();
      const secrets = [
        'Zanzibar Holdings',
        'zanzibar-holdings.example',
        'Quagmire note',
        'Xylophone industry',
        'Wombat reason',
      ];
      const company = await created(caller, {
        name: secrets[0],
        domain: secrets[1],
        notes: secrets[2],
        industry: secrets[3],
        description: 'Yodel description',
      });
      await update(caller, company.id, 1, { notes: 'Umbrella notes', size: 'employees_1_10' });
      await move(caller, company.id, 'Audit', secrets[4]);
      await run(
        caller,
        `mutation ($c: ID!, $u: ID!) { assignUserToCompany(companyId: $c, userId: $u, role: owner) { id } }`,
        {
          c: company.id,
          u: caller.userId,
        },
      );
      await run(
        caller,
        `mutation ($c: ID!, $u: ID!) { unassignUserFromCompany(companyId: $c, userId: $u, role: owner) }`,
        {
          c: company.id,
          u: caller.userId,
        },
      );
      await run(
        caller,
        `mutation ($c: ID!) { recordAdPerformance(companyId: $c, input: { platform: meta_ads, accountId: "Vortex-account", date: "2026-11-01", spend: 987.65, impressions: 1, clicks: 1, conversions: 0 }) { id } }`,
        {
          c: company.id,
        },
      );
      await deleteOrRestore(caller, 'deleteCompany', company.id);
      await deleteOrRestore(caller, 'restoreCompany', company.id);

      expect((await env.outboxEvents()).filter((event) => event.subject === company.id)).toEqual(
        [
          'crm.company.created.v1',
          'crm.company.updated.v1',
          'crm.company.stage_moved.v1',
          'crm.company.assignment_added.v1',
          'crm.company.assignment_removed.v1',
          'crm.company.ad_performance_recorded.v1',
          'crm.company.deleted.v1',
          'crm.company.restored.v1',
        ].map((type) => ({ type, subject: company.id })),
      );
      const client = new Client({ connectionString: env.database.ownerUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{ type: string; topic: string; payload: unknown }>(
          `SELECT event_type AS type, topic, payload FROM outbox_events WHERE partition_key = ANY($1) ORDER BY seq`,
          [[company.id, caller.organizationId]],
        );
        const companyEvents = rows.filter((row) => row.type.startsWith('crm.company.'));
        expect(companyEvents.every((row) => row.topic.endsWith('crm.company'))).toBe(true);
        expect(companyEvents.map((row) => row.payload)).toMatchObject([
          { data: { companyId: company.id, accountStage: 'Onboarding', createdById: caller.userId } },
          { data: { changedFields: ['size', 'notes'], version: 2, size: 'employees_1_10' } },
          { data: { from: 'Onboarding', to: 'Audit', version: 3, movedById: caller.userId } },
          { data: { userId: caller.userId, role: 'owner' } },
          { data: { userId: caller.userId, role: 'owner', removedById: caller.userId } },
          { data: { platform: 'meta_ads', date: '2026-11-01', created: true } },
          { data: { version: 4, deletedById: caller.userId } },
          { data: { version: 5, restoredById: caller.userId } },
        ]);
        // Nothing in the outbox (events and their audit entries) carries any of the text or figures.
        expect(rows.length).toBeGreaterThanOrEqual(16);
        const written = JSON.stringify(rows);
        for (const secret of [...secrets, 'Umbrella', 'Yodel', 'Vortex', '987.65'])
          expect(written).not.toContain(secret.split(' ')[0]);
      } finally {
        await client.end();
      }
    });
  });
});
