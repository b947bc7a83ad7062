import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { SYSTEM_ROLE_PERMISSIONS } from '@platform/domain';
import { withTenant } from '@platform/service-kit';
import { newTenant, serviceUnderTest, type TestTenant } from '@platform/service-kit/testing';
import { startCrmService } from '../../src/service';
import { sealInteraction } from '../../src/modules/interaction/infra/interaction-pii';
import { cipher, crmOptions, sealed } from '../support';

// The interaction module (the contact timeline) against real PostgreSQL through its subgraph:
// interactions recorded, changed with optimistic concurrency (a stale update is CONFLICT), threaded,
// deleted and restored; a contact's timeline newest first across types and pages; the contact's
// lastInteractionAt kept current in the writing transaction; content readable only as the privacy level
// and tags allow; events without text; and timelines of many contacts in a flat number of statements.

const FIELDS = `id type direction status priority channel subject content summary privacyLevel
  effectivePrivacyLevel contentHidden occurredAt startedAt endedAt durationSeconds threadId version tags
  followUpRequired followUpBy isRead isStarred companyId dealId deletedAt customFields externalIds
  participants { role contactId name email } relatedEntities { type id role name }
  attachments { name mimeType size url } actionItems { text status assignedTo { id } dueBy }
  contact { id } parent { id } assignedTo { id } createdBy { id } updatedBy { id }`;

interface InteractionView {
  id: string;
  type: string;
  status: string;
  subject: string | null;
  content: string | null;
  contentHidden: boolean;
  effectivePrivacyLevel: string;
  occurredAt: string;
  threadId: string;
  version: number;
  tags: string[];
  deletedAt: string | null;
  contact: { id: string } | null;
  parent: { id: string } | null;
}

interface Page {
  totalCount: number;
  edges: Array<{ cursor: string; node: { id: string; type?: string; occurredAt?: string } }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const T = (minutes: number) => new Date(Date.UTC(2026, 10, 1, 9, minutes)).toISOString();

describe('interaction module', () => {
  const subject = serviceUnderTest('crm', (env) => startCrmService(crmOptions(env.startOptions())));

  async function call<T>(auth: TestTenant & { permissions?: string[] }, query: string, variables = {}) {
    const { env, service: crm } = subject;
    return env.graphql<T>(crm.graphqlUrl, query, variables, await env.headersFor(auth));
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

  /** A custom field of the organization's interactions (values are checked against it). */
  async function defineField(auth: TestTenant, field: Record<string, unknown>) {
    const { errors } = await call(
      auth,
      `mutation ($input: CreateCustomFieldDefinitionInput!) { createCustomFieldDefinition(input: $input) { id } }`,
      { input: { entityType: 'interaction', ...field } },
    );
    expect(errors).toBeUndefined();
  }

  const create = (auth: TestTenant & { permissions?: string[] }, input: Record<string, unknown>) =>
    call<{ createInteraction: InteractionView }>(
      auth,
      `mutation ($input: CreateInteractionInput!) { createInteraction(input: $input) { ${FIELDS} } }`,
      { input: { type: 'Note', direction: 'Outbound', channel: 'Other', ...input } },
    );

  async function created(auth: TestTenant, input: Record<string, unknown>): Promise<InteractionView> {
    const { data, errors } = await create(auth, input);
    expect(errors).toBeUndefined();
    if (!data) throw new Error('no interaction');
    return data.createInteraction;
  }

  const update = (
    auth: TestTenant & { permissions?: string[] },
    id: string,
    expectedVersion: number,
    input = {},
  ) =>
    call<{ updateInteraction: InteractionView }>(
      auth,
      `mutation ($id: ID!, $v: Int!, $input: UpdateInteractionInput!) {
        updateInteraction(id: $id, expectedVersion: $v, input: $input) { ${FIELDS} } }`,
      { id, v: expectedVersion, input },
    );

  const read = (auth: TestTenant & { permissions?: string[] }, id: string) =>
    call<{ interaction: InteractionView }>(auth, `query ($id: ID!) { interaction(id: $id) { ${FIELDS} } }`, {
      id,
    });

  const softly = (auth: TestTenant, field: 'deleteInteraction' | 'restoreInteraction', id: string) =>
    call<Record<string, InteractionView>>(auth, `mutation ($id: ID!) { ${field}(id: $id) { ${FIELDS} } }`, {
      id,
    });

  async function contactRow(contactId: string) {
    const client = new Client({ connectionString: subject.env.database.superuserUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ last_interaction_at: Date | null; version: number }>(
        'SELECT last_interaction_at, version FROM contacts WHERE id = $1',
        [contactId],
      );
      return rows[0];
    } finally {
      await client.end();
    }
  }

  async function timeline(auth: TestTenant, contactId: string, args = 'first: 20') {
    const { data, errors } = await call<{ contact: { interactions: Page } }>(
      auth,
      `query ($id: ID!) { contact(id: $id) { interactions(${args}) {
        totalCount edges { cursor node { id type occurredAt } } pageInfo { hasNextPage endCursor } } } }`,
      { id: contactId },
    );
    expect(errors).toBeUndefined();
    if (!data) throw new Error('no contact');
    return data.contact.interactions;
  }

  describe('lifecycle', () => {
    it('records every 000 field, changes it at the version read, and refuses a stale update with CONFLICT', async () => {
      const caller = newTenant();
      const contactId = await contactOf(caller.organizationId);
      await defineField(caller, { key: 'campaign', label: 'Campaign', dataType: 'text' });
      const [companyId, dealId] = [randomUUID(), randomUUID()];
      const recorded = await created(caller, {
        contactId,
        type: 'Call',
        direction: 'Inbound',
        channel: 'Phone',
        status: 'Completed',
        priority: 'High',
        subject: 'Condo viewing',
        content: 'Wants to see the condo on Friday.',
        summary: 'Viewing request',
        sentimentScore: 0.8,
        sentimentLabel: 'Positive',
        confidentiality: 'Sensitive',
        retentionPolicy: 'financial_comms_7y',
        channelData: { phone: { from: '+15551234567' } },
        participants: [{ role: 'caller', contactId, name: 'Ada' }],
        relatedEntities: [{ type: 'property', id: 'prop_123', role: 'subject', name: 'Downtown condo' }],
        startedAt: '2026-11-01T09:00:00.000Z',
        endedAt: '2026-11-01T09:12:00.000Z',
        attachments: [{ name: 'brochure.pdf', mimeType: 'application/pdf', size: 2048576 }],
        aiMetadata: { intents: ['schedule_viewing'] },
        actionItems: [
          { text: 'Book the viewing', assignedToId: caller.userId, dueBy: '2026-11-03T17:00:00.000Z' },
        ],
        followUpRequired: true,
        followUpBy: '2026-11-03T17:00:00.000Z',
        tags: ['viewing'],
        customFields: { campaign: 'fall2026' },
        externalIds: { hubspot: '7011' },
        companyId,
        dealId,
        assignedToId: caller.userId,
      });
      expect(recorded).toMatchObject({
        type: 'Call',
        direction: 'Inbound',
        channel: 'Phone',
        priority: 'High',
        subject: 'Condo viewing',
        content: 'Wants to see the condo on Friday.',
        contentHidden: false,
        effectivePrivacyLevel: 'Internal',
        occurredAt: '2026-11-01T09:00:00.000Z',
        durationSeconds: 720,
        threadId: recorded.id,
        version: 1,
        companyId,
        dealId,
        contact: { id: contactId },
        parent: null,
        participants: [{ role: 'caller', contactId, name: 'Ada', email: null }],
        relatedEntities: [{ type: 'property', id: 'prop_123', role: 'subject', name: 'Downtown condo' }],
        attachments: [{ name: 'brochure.pdf', mimeType: 'application/pdf', size: 2048576, url: null }],
        actionItems: [
          {
            text: 'Book the viewing',
            status: 'pending',
            assignedTo: { id: caller.userId },
            dueBy: '2026-11-03T17:00:00.000Z',
          },
        ],
        customFields: { campaign: 'fall2026' },
        externalIds: { hubspot: '7011' },
        createdBy: { id: caller.userId },
        assignedTo: { id: caller.userId },
      });
      expect((await read(caller, recorded.id)).data?.interaction).toEqual(recorded);

      const changed = await update(caller, recorded.id, 1, {
        status: 'Snoozed',
        content: null,
        tags: ['a', 'b'],
      });
      expect(changed.errors).toBeUndefined();
      expect(changed.data?.updateInteraction).toMatchObject({ status: 'Snoozed', content: null, version: 2 });
      // Someone still holding version 1 saves: refused, nothing written.
      const stale = await update(caller, recorded.id, 1, { subject: 'Overwritten' });
      expect(stale.errors?.[0]?.extensions).toMatchObject({
        code: 'CONFLICT',
        details: { expectedVersion: 1, currentVersion: 2 },
      });
      expect((await read(caller, recorded.id)).data?.interaction).toMatchObject({
        subject: 'Condo viewing',
        version: 2,
      });
    });

    it('checks custom field values against the organization’s interaction fields', async () => {
      const caller = newTenant();
      const contactId = await contactOf(caller.organizationId);
      await defineField(caller, { key: 'budget', label: 'Budget', dataType: 'number' });
      await defineField(caller, {
        key: 'source',
        label: 'Source',
        dataType: 'text',
        defaultValue: 'website',
      });
      const refused = await create(caller, { contactId, customFields: { budget: 'lots', colour: 'red' } });
      expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      const issues = (refused.errors?.[0]?.extensions?.details as { issues: Array<{ path: string }> }).issues;
      expect(issues.map((issue) => issue.path).sort()).toEqual([
        'customFields.budget',
        'customFields.colour',
      ]);
      // The default fills what was not given.
      const recorded = await created(caller, { contactId, customFields: { budget: 5000 } });
      expect(recorded).toMatchObject({ customFields: { budget: 5000, source: 'website' } });
      const wrong = await update(caller, recorded.id, 1, { customFields: { budget: 'x' } });
      expect(wrong.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        details: { issues: [{ path: 'customFields.budget' }] },
      });
      const changed = await update(caller, recorded.id, 1, { customFields: { budget: 7000 } });
      expect(changed.data?.updateInteraction).toMatchObject({ customFields: { budget: 7000 }, version: 2 });
    });

    it('soft-deletes and restores an interaction, each a new version', async () => {
      const caller = newTenant();
      const contactId = await contactOf(caller.organizationId);
      const recorded = await created(caller, { contactId, subject: 'Gone soon' });
      const deleted = await softly(caller, 'deleteInteraction', recorded.id);
      expect(deleted.data?.deleteInteraction).toMatchObject({ version: 2 });
      expect(deleted.data?.deleteInteraction?.deletedAt).toEqual(expect.any(String));
      expect((await read(caller, recorded.id)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect((await softly(caller, 'deleteInteraction', recorded.id)).errors?.[0]?.extensions?.code).toBe(
        'NOT_FOUND',
      );
      expect((await update(caller, recorded.id, 2, { subject: 'x' })).errors?.[0]?.extensions?.code).toBe(
        'NOT_FOUND',
      );
      const bin = await call<{ interactions: Page }>(
        caller,
        `query { interactions(deleted: true) { totalCount edges { node { id } } } }`,
      );
      expect(bin.data?.interactions.edges.map((edge) => edge.node.id)).toEqual([recorded.id]);

      const restored = await softly(caller, 'restoreInteraction', recorded.id);
      expect(restored.data?.restoreInteraction).toMatchObject({
        version: 3,
        deletedAt: null,
        subject: 'Gone soon',
      });
      expect((await softly(caller, 'restoreInteraction', recorded.id)).errors?.[0]?.extensions?.code).toBe(
        'CONFLICT',
      );
    });

    it('reports every problem of an input at once, writing nothing', async () => {
      const { env } = subject;
      const [caller, other] = [newTenant(), newTenant()];
      const before = (await env.outboxEvents()).length;
      const { errors } = await create(caller, {
        contactId: await contactOf(other.organizationId),
        subject: 'x'.repeat(1001),
        sentimentScore: 2,
        assignedToId: randomUUID(),
        startedAt: '2026-11-01T10:00:00.000Z',
        endedAt: '2026-11-01T09:00:00.000Z',
      });
      expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      const issues = (errors?.[0]?.extensions?.details as { issues: Array<{ path: string }> }).issues;
      expect(issues.map((issue) => issue.path).sort()).toEqual(
        ['assignedToId', 'contactId', 'endedAt', 'sentimentScore', 'subject'].sort(),
      );
      const deletedContact = await create(caller, {
        contactId: await contactOf(caller.organizationId, true),
      });
      expect(deletedContact.errors?.[0]?.extensions).toMatchObject({
        details: { issues: [{ path: 'contactId', message: 'is not a contact of the organization' }] },
      });
      expect(await env.outboxEvents()).toHaveLength(before);
    });

    it('answers NOT_FOUND for another organization’s interaction, whatever is asked of it', async () => {
      const [caller, other] = [newTenant(), newTenant()];
      const foreign = await created(other, {
        contactId: await contactOf(other.organizationId),
        subject: 'Theirs',
      });
      const results = [
        await read(caller, foreign.id),
        await update(caller, foreign.id, 1, { subject: 'Mine' }),
        await softly(caller, 'deleteInteraction', foreign.id),
        await softly(caller, 'restoreInteraction', foreign.id),
        await read(caller, 'not-a-uuid'),
      ];
      expect(results.map((result) => result.errors?.[0]?.extensions?.code)).toEqual(
        Array(5).fill('NOT_FOUND'),
      );
      expect((await read(other, foreign.id)).data?.interaction).toEqual(foreign);
    });
  });

  describe('threads', () => {
    it('puts replies in their root’s thread and refuses a parent of another contact', async () => {
      const caller = newTenant();
      const contactId = await contactOf(caller.organizationId);
      const root = await created(caller, { contactId, type: 'Email', channel: 'Email', occurredAt: T(0) });
      const reply = await created(caller, { contactId, parentInteractionId: root.id, occurredAt: T(5) });
      const replyToReply = await created(caller, {
        contactId,
        parentInteractionId: reply.id,
        occurredAt: T(10),
      });
      expect([root.threadId, reply.threadId, replyToReply.threadId]).toEqual([root.id, root.id, root.id]);
      expect(replyToReply.parent).toEqual({ id: reply.id });

      const replies = await call<{ interaction: { replies: Page } }>(
        caller,
        `query ($id: ID!) { interaction(id: $id) { replies { totalCount edges { node { id } } } } }`,
        { id: root.id },
      );
      expect(replies.data?.interaction.replies).toEqual({
        totalCount: 1,
        edges: [{ node: { id: reply.id } }],
      });
      const thread = await call<{ interactions: Page }>(
        caller,
        `query ($thread: ID!) { interactions(filter: { threadId: { eq: $thread } }) { totalCount edges { node { id } } } }`,
        { thread: root.id },
      );
      expect(thread.data?.interactions.edges.map((edge) => edge.node.id)).toEqual([
        replyToReply.id,
        reply.id,
        root.id,
      ]);

      const elsewhere = await contactOf(caller.organizationId);
      const crossed = await create(caller, { contactId: elsewhere, parentInteractionId: root.id });
      expect(crossed.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        details: {
          issues: [{ path: 'parentInteractionId', message: 'is an interaction of another contact' }],
        },
      });
      const other = newTenant();
      const foreignParent = await created(other, { contactId: await contactOf(other.organizationId) });
      for (const parentInteractionId of [foreignParent.id, randomUUID()]) {
        const unknown = await create(caller, { contactId, parentInteractionId });
        expect(unknown.errors?.[0]?.extensions).toMatchObject({
          details: {
            issues: [{ path: 'parentInteractionId', message: 'is not an interaction of the organization' }],
          },
        });
      }
    });
  });

  describe('the timeline', () => {
    it('lists a contact’s interactions of every type newest occurredAt first, page by page', async () => {
      const caller = newTenant();
      const contactId = await contactOf(caller.organizationId);
      const other = await contactOf(caller.organizationId);
      // Recorded out of order: the timeline follows when they happened, not when they were recorded.
      const seeded = [
        { type: 'Meeting', channel: 'InPerson', occurredAt: T(30) },
        { type: 'Email', channel: 'Email', occurredAt: T(10) },
        { type: 'Call', channel: 'Phone', occurredAt: T(50) },
        { type: 'Sms', channel: 'SMS', occurredAt: T(20) },
        { type: 'Note', channel: 'Other', occurredAt: T(40) },
      ];
      const byType = new Map<string, string>();
      for (const input of seeded) byType.set(input.type, (await created(caller, { contactId, ...input })).id);
      await created(caller, { contactId: other, occurredAt: T(45) });
      const expected = ['Call', 'Note', 'Meeting', 'Sms', 'Email'];

      const first = await timeline(caller, contactId, 'first: 2');
      expect(first.totalCount).toBe(5);
      expect(first.pageInfo.hasNextPage).toBe(true);
      const second = await timeline(caller, contactId, `first: 2, after: "${first.pageInfo.endCursor}"`);
      const third = await timeline(caller, contactId, `first: 2, after: "${second.pageInfo.endCursor}"`);
      expect(third.pageInfo.hasNextPage).toBe(false);
      const walked = [...first.edges, ...second.edges, ...third.edges].map((edge) => edge.node);
      expect(walked.map((node) => node.type)).toEqual(expected);
      expect(walked.map((node) => node.id)).toEqual(expected.map((type) => byType.get(type)));

      const calls = await timeline(caller, contactId, 'filter: { type: { eq: Call } }');
      expect(calls.edges.map((edge) => edge.node.type)).toEqual(['Call']);
      const window = await timeline(
        caller,
        contactId,
        `filter: { occurredAt: { gte: "${T(20)}", lt: "${T(45)}" } }`,
      );
      expect(window.edges.map((edge) => edge.node.type)).toEqual(['Note', 'Meeting', 'Sms']);

      // The organization's list: every contact's interactions, in the same order.
      const all = await call<{ interactions: Page }>(
        caller,
        `query { interactions(first: 3) { totalCount edges { node { occurredAt } } } }`,
      );
      expect(all.data?.interactions.totalCount).toBe(6);
      expect(all.data?.interactions.edges.map((edge) => edge.node.occurredAt)).toEqual([T(50), T(45), T(40)]);
    });

    it('keeps the contact’s lastInteractionAt current through every write, leaving its version alone', async () => {
      const caller = newTenant();
      const contactId = await contactOf(caller.organizationId);
      expect(await contactRow(contactId)).toEqual({ last_interaction_at: null, version: 1 });
      const older = await created(caller, { contactId, occurredAt: T(10) });
      expect((await contactRow(contactId))?.last_interaction_at?.toISOString()).toBe(T(10));
      const newer = await created(caller, { contactId, occurredAt: T(20) });
      expect((await contactRow(contactId))?.last_interaction_at?.toISOString()).toBe(T(20));
      // Backdating the newest moves it back; the older one is now the latest.
      await update(caller, newer.id, 1, { occurredAt: T(5) });
      expect((await contactRow(contactId))?.last_interaction_at?.toISOString()).toBe(T(10));
      await softly(caller, 'deleteInteraction', older.id);
      expect((await contactRow(contactId))?.last_interaction_at?.toISOString()).toBe(T(5));
      await softly(caller, 'deleteInteraction', newer.id);
      expect((await contactRow(contactId))?.last_interaction_at ?? null).toBeNull();
      await softly(caller, 'restoreInteraction', older.id);
      expect(await contactRow(contactId)).toEqual({ last_interaction_at: new Date(T(10)), version: 1 });
      // The graph reads it too.
      const contact = await call<{ contact: { lastInteractionAt: string; version: number } }>(
        caller,
        'query ($id: ID!) { contact(id: $id) { lastInteractionAt version } }',
        { id: contactId },
      );
      expect(contact.data?.contact).toEqual({ lastInteractionAt: T(10), version: 1 });
    });

    it('keeps lastInteractionAt the latest under concurrent recording on one contact', async () => {
      const caller = newTenant();
      const contactId = await contactOf(caller.organizationId);
      const minutes = Array.from({ length: 10 }, (_, index) => (index * 7) % 10);
      const results = await Promise.all(
        minutes.map((minute) => create(caller, { contactId, occurredAt: T(minute) })),
      );
      expect(results.every((result) => result.errors === undefined)).toBe(true);
      expect((await contactRow(contactId))?.last_interaction_at?.toISOString()).toBe(T(9));
    });

    it('hides a deleted contact’s timeline, and brings it back with the contact', async () => {
      const caller = newTenant();
      const contactId = await contactOf(caller.organizationId);
      const recorded = await created(caller, { contactId });
      await withTenant(subject.service.database, caller.organizationId, (tx) =>
        tx.contact.update({ where: { id: contactId }, data: { deletedAt: new Date() } }),
      );
      expect((await read(caller, recorded.id)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const list = await call<{ interactions: Page }>(caller, 'query { interactions { totalCount } }');
      expect(list.data?.interactions.totalCount).toBe(0);
      await withTenant(subject.service.database, caller.organizationId, (tx) =>
        tx.contact.update({ where: { id: contactId }, data: { deletedAt: null } }),
      );
      expect((await read(caller, recorded.id)).data?.interaction.id).toBe(recorded.id);
    });

    it('pages many contacts’ timelines in statements that do not grow with the number of contacts', async () => {
      const { env, service: crm } = subject;
      const caller = newTenant();
      const contacts = await Promise.all(Array.from({ length: 8 }, () => contactOf(caller.organizationId)));
      for (const [index, contactId] of contacts.entries()) {
        for (let n = 0; n <= index % 3; n += 1)
          await created(caller, { contactId, occurredAt: T(index * 3 + n) });
      }
      const measure = (ids: string[]) =>
        env.countStatements(() =>
          env.entities<{ interactions: { totalCount: number } }>(
            crm.graphqlUrl,
            '... on Contact { interactions(first: 2, filter: { direction: { eq: Outbound } }) { totalCount edges { node { id subject replies { totalCount } } } } }',
            caller,
            ids.map((id) => ({ __typename: 'Contact', id })),
          ),
        );
      const one = await measure(contacts.slice(0, 1));
      const all = await measure(contacts);
      expect(all.result.map((contact) => contact?.interactions.totalCount)).toEqual(
        contacts.map((_, index) => (index % 3) + 1),
      );
      expect(all.statements).toBe(one.statements);
    });
  });

  describe('the organization’s list', () => {
    it('filters with field operators and and / or / not, sorts, and pages with cursors of its order', async () => {
      const caller = newTenant();
      const [ada, bob] = [await contactOf(caller.organizationId), await contactOf(caller.organizationId)];
      const seeded = [
        { contactId: ada, type: 'Call', channel: 'Phone', occurredAt: T(10), tags: ['vip'] },
        { contactId: ada, type: 'Email', channel: 'Email', occurredAt: T(20), tags: [] },
        { contactId: bob, type: 'Email', channel: 'Email', occurredAt: T(30), tags: ['vip', 'renewal'] },
        { contactId: bob, type: 'Meeting', channel: 'InPerson', occurredAt: T(40), tags: [] },
        { contactId: ada, type: 'Note', channel: 'Other', occurredAt: T(5), tags: ['renewal'] },
      ];
      const ids: string[] = [];
      for (const input of seeded) ids.push((await created(caller, input)).id);
      const list = async (args: string) => {
        const { data, errors } = await call<{ interactions: Page }>(
          caller,
          `query { interactions(${args}) { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`,
        );
        return { page: data?.interactions, errors };
      };
      const positions = (page: Page | undefined) =>
        (page?.edges ?? []).map((edge) => ids.indexOf(edge.node.id));

      // Newest occurredAt first by default.
      expect(positions((await list('first: 10')).page)).toEqual([3, 2, 1, 0, 4]);
      // A call, or anything tagged vip, but not by email.
      const tree = await list(
        'filter: { or: [{ type: { eq: Call } }, { tags: { hasSome: ["vip"] } }], not: { channel: { eq: Email } } }',
      );
      expect(positions(tree.page)).toEqual([0]);
      const ofBob = await list(`filter: { contactId: { eq: "${bob}" }, tags: { isEmpty: false } }`);
      expect(positions(ofBob.page)).toEqual([2]);
      const window = await list(
        `filter: { occurredAt: { gte: "${T(10)}", lt: "${T(40)}" }, type: { in: [Email, Call] } }`,
      );
      expect(positions(window.page)).toEqual([2, 1, 0]);

      // Oldest recorded first, two at a time: the cursors belong to this order.
      const first = await list('first: 2, orderBy: [{ field: CREATED_AT, direction: ASC }]');
      expect(first.page?.totalCount).toBe(5);
      const second = await list(
        `first: 2, after: "${first.page?.pageInfo.endCursor}", orderBy: [{ field: CREATED_AT, direction: ASC }]`,
      );
      const third = await list(
        `first: 2, after: "${second.page?.pageInfo.endCursor}", orderBy: [{ field: CREATED_AT, direction: ASC }]`,
      );
      expect([...positions(first.page), ...positions(second.page), ...positions(third.page)]).toEqual([
        0, 1, 2, 3, 4,
      ]);
      expect(third.page?.pageInfo.hasNextPage).toBe(false);
      // A cursor of another order is refused.
      const mixed = await list(`first: 2, after: "${first.page?.pageInfo.endCursor}"`);
      expect(mixed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      const malformed = await list('filter: { contactId: { eq: "nope" } }');
      expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

      // The timeline takes the same filter; deleted ones are listed apart, to restore them.
      const timelineOfAda = await timeline(
        caller,
        ada,
        'filter: { or: [{ type: { eq: Note } }, { type: { eq: Call } }] }',
      );
      expect(timelineOfAda.edges.map((edge) => ids.indexOf(edge.node.id))).toEqual([0, 4]);
      await softly(caller, 'deleteInteraction', ids[1] ?? '');
      expect((await timeline(caller, ada, 'deleted: true')).edges.map((edge) => edge.node.id)).toEqual([
        ids[1],
      ]);
      expect((await timeline(caller, ada)).totalCount).toBe(2);
      expect(positions((await list('deleted: true')).page)).toEqual([1]);
    });

    it('reads a page of the list in statements that do not grow with the rows', async () => {
      const { env } = subject;
      const caller = newTenant();
      const contactId = await contactOf(caller.organizationId);
      const seed = async (count: number) =>
        withTenant(subject.service.database, caller.organizationId, (tx) =>
          tx.interaction.createMany({
            data: Array.from({ length: count }, () => {
              const id = randomUUID();
              return {
                id,
                organizationId: caller.organizationId,
                contactId,
                threadId: id,
                type: 'Note' as const,
                direction: 'Outbound' as const,
                status: 'Completed' as const,
                channel: 'Other' as const,
                ...sealInteraction(cipher, {
                  id,
                  organizationId: caller.organizationId,
                  subject: 'Seeded',
                  content: null,
                }),
                occurredAt: new Date(),
                createdById: caller.userId,
              };
            }),
          }),
        );
      const measure = () =>
        env.countStatements(() =>
          call<{ interactions: Page }>(
            caller,
            `query { interactions(first: 5, filter: { type: { eq: Note } }) {
              totalCount edges { node { id subject contact { id } replies { totalCount } } } } }`,
          ),
        );
      await seed(5);
      const few = await measure();
      await seed(60);
      const many = await measure();
      expect(few.result.data?.interactions.totalCount).toBe(5);
      expect(many.result.data?.interactions.totalCount).toBe(65);
      expect(many.statements).toBe(few.statements);
    });
  });

  describe('privacy', () => {
    it('shows content as the privacy level and tags allow, and only lets readers of the content change it', async () => {
      const author = newTenant();
      const contactId = await contactOf(author.organizationId);
      const colleague = { organizationId: author.organizationId, userId: randomUUID() };
      const analyst = { ...colleague, permissions: [...SYSTEM_ROLE_PERMISSIONS.analyst] };
      const agent = { ...colleague, permissions: [...SYSTEM_ROLE_PERMISSIONS.agent] };
      const internal = await created(author, { contactId, subject: 'Open house', privacyLevel: 'Internal' });
      const privateOne = await created(author, {
        contactId,
        subject: 'Mortgage details',
        privacyLevel: 'Private',
      });
      const personal = await created(author, { contactId, subject: 'My dentist', tags: ['PERSONAL'] });

      const seen = async (who: TestTenant & { permissions?: string[] }, id: string) =>
        (await read(who, id)).data?.interaction;
      // Everyone with interactions:read reads Internal content.
      expect(await seen(analyst, internal.id)).toMatchObject({ subject: 'Open house', contentHidden: false });
      // Private: not the analyst (no contacts:read_pii), yes the agent (who has it), yes the author.
      expect(await seen(analyst, privateOne.id)).toMatchObject({
        subject: null,
        contentHidden: true,
        type: 'Note',
      });
      expect(await seen(agent, privateOne.id)).toMatchObject({
        subject: 'Mortgage details',
        contentHidden: false,
      });
      // PERSONAL: the author only (and an assignee), whatever the others hold.
      expect(await seen(agent, personal.id)).toMatchObject({
        subject: null,
        contentHidden: true,
        effectivePrivacyLevel: 'Confidential',
      });
      expect(await seen(author, personal.id)).toMatchObject({ subject: 'My dentist', contentHidden: false });
      // The timeline withholds the same content.
      const { data } = await call<{
        contact: { interactions: { edges: Array<{ node: { subject: string | null } }> } };
      }>(agent, 'query ($id: ID!) { contact(id: $id) { interactions { edges { node { subject } } } } }', {
        id: contactId,
      });
      expect(data?.contact.interactions.edges.map((edge) => edge.node.subject).sort()).toEqual(
        ['Mortgage details', 'Open house', null].sort(),
      );

      // Changing content one may not read is FORBIDDEN; assigning it to the colleague opens it to them.
      expect(
        (await update(agent, personal.id, 1, { subject: 'Mine now' })).errors?.[0]?.extensions?.code,
      ).toBe('FORBIDDEN');
      const assigned = await update(author, personal.id, 1, { assignedToId: colleague.userId });
      expect(assigned.errors?.[0]?.extensions).toMatchObject({
        details: { issues: [{ path: 'assignedToId', message: 'is not a user of the organization' }] },
      });
      await withTenant(subject.service.database, author.organizationId, (tx) =>
        tx.userReference.create({
          data: {
            id: colleague.userId,
            organizationId: author.organizationId,
            status: 'active',
            changedAt: new Date(),
          },
        }),
      );
      expect(
        (await update(author, personal.id, 1, { assignedToId: colleague.userId })).errors,
      ).toBeUndefined();
      expect(await seen(agent, personal.id)).toMatchObject({ subject: 'My dentist', contentHidden: false });
    });
  });

  describe('events', () => {
    it('publishes created, updated, deleted and restored events without subject or content', async () => {
      const { env } = subject;
      const caller = newTenant();
      const contactId = await contactOf(caller.organizationId);
      const secrets = ['Subject Platypus', 'Content Narwhal', 'Summary Axolotl', 'Renamed Quokka'];
      const recorded = await created(caller, {
        contactId,
        subject: secrets[0],
        content: secrets[1],
        summary: secrets[2],
        participants: [{ role: 'sender', name: 'Participant Okapi' }],
      });
      await update(caller, recorded.id, 1, { subject: secrets[3], isRead: true });
      await softly(caller, 'deleteInteraction', recorded.id);
      await softly(caller, 'restoreInteraction', recorded.id);
      expect((await env.outboxEvents()).filter((event) => event.subject === recorded.id)).toEqual(
        [
          'crm.interaction.created.v1',
          'crm.interaction.updated.v1',
          'crm.interaction.deleted.v1',
          'crm.interaction.restored.v1',
        ].map((type) => ({ type, subject: recorded.id })),
      );
      const client = new Client({ connectionString: env.database.ownerUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{ type: string; payload: unknown }>(
          `SELECT event_type AS type, payload FROM outbox_events WHERE partition_key = ANY($1) ORDER BY seq`,
          [[recorded.id, caller.organizationId]],
        );
        const events = rows.filter((row) => row.type.startsWith('crm.interaction.'));
        expect(events.map((row) => row.payload)).toMatchObject([
          {
            data: {
              interactionId: recorded.id,
              contactId,
              type: 'Note',
              threadId: recorded.id,
              createdById: caller.userId,
            },
          },
          { data: { changedFields: ['subject', 'isRead'], version: 2, updatedById: caller.userId } },
          { data: { version: 3, deletedById: caller.userId } },
          { data: { version: 4, restoredById: caller.userId } },
        ]);
        // Nothing of what was said, in the events or in their audit entries.
        expect(JSON.stringify(rows)).not.toMatch(/Platypus|Narwhal|Axolotl|Quokka|Okapi/);
      } finally {
        await client.end();
      }
    });
  });
});
