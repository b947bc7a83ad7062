import { randomUUID } from 'node:crypto';
import { withTenant } from '@platform/service-kit';
import { newTenant, serviceUnderTest } from '@platform/service-kit/testing';
import { startCrmService } from '../src/service';
import { sealInteraction } from '../src/modules/interaction/infra/interaction-pii';
import { cipher, crmOptions, sealed } from './support';

// The federation contract of crm's entities: Contact (owned here) resolves to its row or null;
// Organization and User (owned by identity) resolve to crm's fields about them, scoped to the
// caller's organization, so another organization's contacts never show. Ticket, Task,
// CustomFieldDefinition, Interaction, Pipeline, Deal and Company (owned here) likewise resolve to their
// row or null (deleted pipelines, deals and companies to null); an Interaction with
// its content as the caller may read it.

const CONTACT = `... on Contact {
  id givenName familyName displayName email phone relationshipState tags owner { id } customFields createdAt
}`;
const ORGANIZATION = `... on Organization {
  id contacts(first: 2) { totalCount edges { node { id } } pageInfo { hasNextPage hasPreviousPage } }
}`;
const USER = `... on User { id ownedContacts { totalCount edges { node { id } } } }`;

type Entity = Record<string, unknown> | null;
interface Connection {
  totalCount: number;
  edges: Array<{ node: { id: string } }>;
  pageInfo?: { hasNextPage: boolean; hasPreviousPage: boolean };
}

describe('crm _entities', () => {
  const subject = serviceUnderTest('crm', (env) => startCrmService(crmOptions(env.startOptions())));

  const contact = (givenName: string, ownerId: string | null = null) => ({
    id: randomUUID(),
    givenName,
    ownerId,
  });

  /** Stores the contacts one second apart, the first one oldest. */
  async function seedContacts(
    organizationId: string,
    contacts: Array<{ id: string; givenName: string; ownerId: string | null }>,
  ): Promise<void> {
    const start = Date.now() - 60_000;
    await withTenant(subject.service.database, organizationId, (tx) =>
      tx.contact.createMany({
        data: contacts.map((row, index) => ({
          ...row,
          organizationId,
          ...sealed({ ...row, organizationId }),
          createdAt: new Date(start + index * 1000),
        })),
      }),
    );
  }

  const entities = (
    selection: string,
    auth: { organizationId: string; userId: string },
    representations: Array<{ __typename: string; id: string }>,
  ): Promise<Entity[]> =>
    subject.env.entities<Record<string, unknown>>(
      subject.service.graphqlUrl,
      selection,
      auth,
      representations,
    );

  describe('Contact', () => {
    it('resolves a representation of a contact of the caller’s organization to its fields', async () => {
      const crm = subject.service;
      const caller = newTenant();
      const id = randomUUID();
      const createdAt = new Date('2026-03-01T09:30:00.000Z');
      await withTenant(crm.database, caller.organizationId, (tx) =>
        tx.contact.create({
          data: {
            id,
            organizationId: caller.organizationId,
            ownerId: caller.userId,
            ...sealed({
              id,
              organizationId: caller.organizationId,
              givenName: 'Ada',
              familyName: 'Lovelace',
              email: 'ada@example.com',
              phone: '+442071234567',
            }),
            relationshipState: 'Client',
            tags: ['vip', 'math'],
            customFields: { budget: 500000 },
            createdAt,
          },
        }),
      );
      const [contact] = await entities(CONTACT, caller, [{ __typename: 'Contact', id }]);
      expect(contact).toEqual({
        id,
        givenName: 'Ada',
        familyName: 'Lovelace',
        displayName: 'Ada Lovelace',
        email: 'ada@example.com',
        phone: '+442071234567',
        relationshipState: 'Client',
        tags: ['vip', 'math'],
        owner: { id: caller.userId },
        customFields: { budget: 500000 },
        createdAt: createdAt.toISOString(),
      });
    });

    it('answers several representations in request order', async () => {
      const caller = newTenant();
      const [ada, grace, edsger] = [contact('Ada'), contact('Grace'), contact('Edsger')];
      await seedContacts(caller.organizationId, [ada, grace, edsger]);
      const order = [edsger.id, ada.id, grace.id, ada.id];
      const result = await entities(
        CONTACT,
        caller,
        order.map((id) => ({ __typename: 'Contact', id })),
      );
      expect(result.map((found) => found?.givenName)).toEqual(['Edsger', 'Ada', 'Grace', 'Ada']);
      expect(result.map((found) => found?.id)).toEqual(order);
    });

    it('resolves a contact of another organization, an unknown or malformed id, or a deleted contact to null', async () => {
      const crm = subject.service;
      const [caller, other] = [newTenant(), newTenant()];
      const [foreign, own, deleted] = [contact('Mallory'), contact('Own'), contact('Gone')];
      await seedContacts(other.organizationId, [foreign]);
      await seedContacts(caller.organizationId, [own, deleted]);
      await withTenant(crm.database, caller.organizationId, (tx) =>
        tx.contact.update({ where: { id: deleted.id }, data: { deletedAt: new Date() } }),
      );
      const result = await entities(
        CONTACT,
        caller,
        [foreign.id, randomUUID(), 'not-a-uuid', deleted.id, own.id].map((id) => ({
          __typename: 'Contact',
          id,
        })),
      );
      expect(result.map((found) => found?.givenName ?? null)).toEqual([null, null, null, null, 'Own']);
      // The foreign contact exists: its own organization sees it.
      const [seen] = await entities(CONTACT, other, [{ __typename: 'Contact', id: foreign.id }]);
      expect(seen?.givenName).toBe('Mallory');
    });
  });

  describe('Organization', () => {
    it('resolves the caller’s organization to its contacts, newest first, one page at a time', async () => {
      const caller = newTenant();
      const [oldest, middle, newest] = [contact('Oldest'), contact('Middle'), contact('Newest')];
      await seedContacts(caller.organizationId, [oldest, middle, newest]);
      const [organization] = await entities(ORGANIZATION, caller, [
        { __typename: 'Organization', id: caller.organizationId },
      ]);
      expect(organization).toEqual({
        id: caller.organizationId,
        contacts: {
          totalCount: 3,
          edges: [{ node: { id: newest.id } }, { node: { id: middle.id } }],
          pageInfo: { hasNextPage: true, hasPreviousPage: false },
        },
      });
    });

    it('answers several representations in request order', async () => {
      const [caller, other] = [newTenant(), newTenant()];
      const own = contact('Own');
      await seedContacts(caller.organizationId, [own]);
      await seedContacts(other.organizationId, [contact('Foreign')]);
      const result = await entities(ORGANIZATION, caller, [
        { __typename: 'Organization', id: other.organizationId },
        { __typename: 'Organization', id: caller.organizationId },
      ]);
      expect(result.map((organization) => organization?.id)).toEqual([
        other.organizationId,
        caller.organizationId,
      ]);
      expect((result[1]?.contacts as Connection).edges).toEqual([{ node: { id: own.id } }]);
    });

    it('resolves another organization (or an unknown one) with an empty contacts connection: its contacts stay hidden', async () => {
      const [caller, other] = [newTenant(), newTenant()];
      await seedContacts(other.organizationId, [contact('Secret'), contact('Client')]);
      const unknown = randomUUID();
      const result = await entities(ORGANIZATION, caller, [
        { __typename: 'Organization', id: other.organizationId },
        { __typename: 'Organization', id: unknown },
      ]);
      const empty = { totalCount: 0, edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false } };
      expect(result).toEqual([
        { id: other.organizationId, contacts: empty },
        { id: unknown, contacts: empty },
      ]);
      // Those contacts exist: their own organization sees them.
      const [own] = await entities(ORGANIZATION, other, [
        { __typename: 'Organization', id: other.organizationId },
      ]);
      expect((own?.contacts as Connection).totalCount).toBe(2);
    });
  });

  describe('User', () => {
    it('resolves a user to the contacts they own', async () => {
      const caller = newTenant();
      const colleague = randomUUID();
      const [first, second] = [contact('Mine 1', caller.userId), contact('Mine 2', caller.userId)];
      await seedContacts(caller.organizationId, [
        first,
        contact('Theirs', colleague),
        second,
        contact('Nobody’s'),
      ]);
      const [user] = await entities(USER, caller, [{ __typename: 'User', id: caller.userId }]);
      expect(user).toEqual({
        id: caller.userId,
        ownedContacts: { totalCount: 2, edges: [{ node: { id: second.id } }, { node: { id: first.id } }] },
      });
    });

    it('answers several representations in request order', async () => {
      const caller = newTenant();
      const [alice, bob, carol] = [randomUUID(), randomUUID(), randomUUID()];
      const [ofAlice, ofBob] = [contact('A', alice), contact('B', bob)];
      await seedContacts(caller.organizationId, [ofAlice, ofBob]);
      const result = await entities(
        USER,
        caller,
        [bob, carol, alice].map((id) => ({ __typename: 'User', id })),
      );
      expect(result).toEqual([
        { id: bob, ownedContacts: { totalCount: 1, edges: [{ node: { id: ofBob.id } }] } },
        { id: carol, ownedContacts: { totalCount: 0, edges: [] } },
        { id: alice, ownedContacts: { totalCount: 1, edges: [{ node: { id: ofAlice.id } }] } },
      ]);
    });

    it('resolves a user of another organization with no owned contacts: their contacts stay hidden', async () => {
      const [caller, other] = [newTenant(), newTenant()];
      await seedContacts(other.organizationId, [contact('Secret', other.userId)]);
      const [user] = await entities(USER, caller, [{ __typename: 'User', id: other.userId }]);
      expect(user).toEqual({ id: other.userId, ownedContacts: { totalCount: 0, edges: [] } });
      const [own] = await entities(USER, other, [{ __typename: 'User', id: other.userId }]);
      expect((own?.ownedContacts as Connection).totalCount).toBe(1);
    });
  });

  describe('Ticket', () => {
    const TICKET = `... on Ticket {
      id number title description category priority status companyId contact { id } assignee { id }
      createdBy { id } dueDate timeSpentMinutes createdAt
    }`;

    /** Stores tickets numbered from 1, one second apart, the first one oldest. */
    async function seedTickets(
      organizationId: string,
      createdBy: string,
      titles: readonly string[],
    ): Promise<string[]> {
      const start = Date.now() - 60_000;
      const ids = titles.map(() => randomUUID());
      await withTenant(subject.service.database, organizationId, (tx) =>
        tx.ticket.createMany({
          data: titles.map((title, index) => ({
            id: ids[index] ?? randomUUID(),
            organizationId,
            number: index + 1,
            title,
            description: `About ${title}`,
            category: 'general' as const,
            priority: 'medium' as const,
            createdBy,
            createdAt: new Date(start + index * 1000),
          })),
        }),
      );
      return ids;
    }

    it('resolves a representation of a ticket of the caller’s organization to its fields', async () => {
      const caller = newTenant();
      const contactRow = contact('Ada');
      await seedContacts(caller.organizationId, [contactRow]);
      const id = randomUUID();
      const companyId = randomUUID();
      const createdAt = new Date('2026-03-01T09:30:00.000Z');
      await withTenant(subject.service.database, caller.organizationId, (tx) =>
        tx.ticket.create({
          data: {
            id,
            organizationId: caller.organizationId,
            number: 1,
            title: 'Printer on fire',
            description: 'It is on fire.',
            category: 'technical',
            priority: 'critical',
            status: 'in_progress',
            companyId,
            contactId: contactRow.id,
            assigneeId: caller.userId,
            createdBy: caller.userId,
            dueDate: new Date('2026-03-05T00:00:00.000Z'),
            timeSpentMinutes: 30,
            createdAt,
          },
        }),
      );
      const [ticket] = await entities(TICKET, caller, [{ __typename: 'Ticket', id }]);
      expect(ticket).toEqual({
        id,
        number: 1,
        title: 'Printer on fire',
        description: 'It is on fire.',
        category: 'technical',
        priority: 'critical',
        status: 'in_progress',
        companyId,
        contact: { id: contactRow.id },
        assignee: { id: caller.userId },
        createdBy: { id: caller.userId },
        dueDate: '2026-03-05',
        timeSpentMinutes: 30,
        createdAt: createdAt.toISOString(),
      });
    });

    it('answers several representations in request order', async () => {
      const caller = newTenant();
      const [first, second, third] = await seedTickets(caller.organizationId, caller.userId, ['A', 'B', 'C']);
      const order = [third, first, second, first].map((id) => id ?? '');
      const result = await entities(
        TICKET,
        caller,
        order.map((id) => ({ __typename: 'Ticket', id })),
      );
      expect(result.map((found) => found?.title)).toEqual(['C', 'A', 'B', 'A']);
      expect(result.map((found) => found?.id)).toEqual(order);
    });

    it('resolves a ticket of another organization, an unknown or a malformed id to null', async () => {
      const [caller, other] = [newTenant(), newTenant()];
      const [foreign] = await seedTickets(other.organizationId, other.userId, ['Secret']);
      const [own] = await seedTickets(caller.organizationId, caller.userId, ['Own']);
      const result = await entities(
        TICKET,
        caller,
        [foreign ?? '', randomUUID(), 'not-a-uuid', own ?? ''].map((id) => ({ __typename: 'Ticket', id })),
      );
      expect(result.map((found) => found?.title ?? null)).toEqual([null, null, null, 'Own']);
      // The foreign ticket exists: its own organization sees it.
      const [seen] = await entities(TICKET, other, [{ __typename: 'Ticket', id: foreign ?? '' }]);
      expect(seen?.title).toBe('Secret');
    });
  });

  describe('Task', () => {
    const TASK = `... on Task {
      id title description priority status companyId dealId contact { id } assignee { id } dueAt
      completedBy { id } completedAt stage sortOrder createdBy { id } createdAt
    }`;

    async function seedTasks(
      organizationId: string,
      createdBy: string,
      titles: readonly string[],
    ): Promise<string[]> {
      const ids = titles.map(() => randomUUID());
      await withTenant(subject.service.database, organizationId, (tx) =>
        tx.task.createMany({
          data: titles.map((title, index) => ({
            id: ids[index] ?? randomUUID(),
            organizationId,
            title,
            createdBy,
          })),
        }),
      );
      return ids;
    }

    it('resolves a representation of a task of the caller’s organization to its fields', async () => {
      const caller = newTenant();
      const contactRow = contact('Ada');
      await seedContacts(caller.organizationId, [contactRow]);
      const [id, companyId, dealId] = [randomUUID(), randomUUID(), randomUUID()];
      const createdAt = new Date('2026-03-01T09:30:00.000Z');
      const completedAt = new Date('2026-03-02T10:00:00.000Z');
      await withTenant(subject.service.database, caller.organizationId, (tx) =>
        tx.task.create({
          data: {
            id,
            organizationId: caller.organizationId,
            title: 'Kick-off call',
            description: 'Agenda attached.',
            priority: 'urgent',
            status: 'completed',
            completedBy: caller.userId,
            completedAt,
            companyId,
            dealId,
            contactId: contactRow.id,
            assigneeId: caller.userId,
            dueAt: new Date('2026-03-05T15:00:00.000Z'),
            stage: 'Onboarding',
            sortOrder: 0,
            createdBy: caller.userId,
            createdAt,
          },
        }),
      );
      const [task] = await entities(TASK, caller, [{ __typename: 'Task', id }]);
      expect(task).toEqual({
        id,
        title: 'Kick-off call',
        description: 'Agenda attached.',
        priority: 'urgent',
        status: 'completed',
        companyId,
        dealId,
        contact: { id: contactRow.id },
        assignee: { id: caller.userId },
        dueAt: '2026-03-05T15:00:00.000Z',
        completedBy: { id: caller.userId },
        completedAt: completedAt.toISOString(),
        stage: 'Onboarding',
        sortOrder: 0,
        createdBy: { id: caller.userId },
        createdAt: createdAt.toISOString(),
      });
    });

    it('answers several representations in request order', async () => {
      const caller = newTenant();
      const [first, second, third] = await seedTasks(caller.organizationId, caller.userId, ['A', 'B', 'C']);
      const order = [third, first, second, first].map((id) => id ?? '');
      const result = await entities(
        TASK,
        caller,
        order.map((id) => ({ __typename: 'Task', id })),
      );
      expect(result.map((found) => found?.title)).toEqual(['C', 'A', 'B', 'A']);
    });

    it('resolves a task of another organization, an unknown or a malformed id to null', async () => {
      const [caller, other] = [newTenant(), newTenant()];
      const [foreign] = await seedTasks(other.organizationId, other.userId, ['Secret']);
      const [own] = await seedTasks(caller.organizationId, caller.userId, ['Own']);
      const result = await entities(
        TASK,
        caller,
        [foreign ?? '', randomUUID(), 'not-a-uuid', own ?? ''].map((id) => ({ __typename: 'Task', id })),
      );
      expect(result.map((found) => found?.title ?? null)).toEqual([null, null, null, 'Own']);
      const [seen] = await entities(TASK, other, [{ __typename: 'Task', id: foreign ?? '' }]);
      expect(seen?.title).toBe('Secret');
    });
  });

  describe('CustomFieldDefinition', () => {
    const DEFINITION = `... on CustomFieldDefinition {
      id entityType key label description dataType isArray currencyCode position archived archivedAt
      archivedBy { id } createdBy { id } defaultValue options { value label }
      validation { required unique min max minLength maxLength regex }
    }`;

    async function seedDefinitions(
      organizationId: string,
      createdBy: string,
      keys: readonly string[],
      archivedAt: Date | null = null,
    ): Promise<string[]> {
      const ids = keys.map(() => randomUUID());
      await withTenant(subject.service.database, organizationId, (tx) =>
        tx.customFieldDefinition.createMany({
          data: keys.map((key, index) => ({
            id: ids[index] ?? randomUUID(),
            organizationId,
            entityType: 'contact' as const,
            key,
            label: key.toUpperCase(),
            dataType: 'text' as const,
            position: index,
            createdBy,
            updatedBy: createdBy,
            archivedAt,
            archivedBy: archivedAt ? createdBy : null,
          })),
        }),
      );
      return ids;
    }

    it('resolves a representation of a field of the caller’s organization to its fields', async () => {
      const caller = newTenant();
      const id = randomUUID();
      await withTenant(subject.service.database, caller.organizationId, (tx) =>
        tx.customFieldDefinition.create({
          data: {
            id,
            organizationId: caller.organizationId,
            entityType: 'deal',
            key: 'budget',
            label: 'Budget',
            description: 'What the client can spend',
            dataType: 'currency',
            currencyCode: 'EUR',
            validation: { required: true, unique: false, min: '0', max: '1000000' },
            defaultValue: 100,
            position: 2,
            createdBy: caller.userId,
            updatedBy: caller.userId,
          },
        }),
      );
      const [definition] = await entities(DEFINITION, caller, [{ __typename: 'CustomFieldDefinition', id }]);
      expect(definition).toEqual({
        id,
        entityType: 'deal',
        key: 'budget',
        label: 'Budget',
        description: 'What the client can spend',
        dataType: 'currency',
        isArray: false,
        currencyCode: 'EUR',
        position: 2,
        archived: false,
        archivedAt: null,
        archivedBy: null,
        createdBy: { id: caller.userId },
        defaultValue: 100,
        options: [],
        validation: {
          required: true,
          unique: false,
          min: '0',
          max: '1000000',
          minLength: null,
          maxLength: null,
          regex: null,
        },
      });
    });

    it('answers several representations in request order, archived fields included', async () => {
      const caller = newTenant();
      const [first, second] = await seedDefinitions(caller.organizationId, caller.userId, ['a', 'b']);
      const [archived] = await seedDefinitions(caller.organizationId, caller.userId, ['c'], new Date());
      const order = [archived, first, second, first].map((id) => id ?? '');
      const result = await entities(
        DEFINITION,
        caller,
        order.map((id) => ({ __typename: 'CustomFieldDefinition', id })),
      );
      expect(result.map((found) => found?.key)).toEqual(['c', 'a', 'b', 'a']);
      expect(result[0]?.archived).toBe(true);
    });

    it('resolves a field of another organization, an unknown or a malformed id to null', async () => {
      const [caller, other] = [newTenant(), newTenant()];
      const [foreign] = await seedDefinitions(other.organizationId, other.userId, ['secret']);
      const [own] = await seedDefinitions(caller.organizationId, caller.userId, ['own']);
      const result = await entities(
        DEFINITION,
        caller,
        [foreign ?? '', randomUUID(), 'not-a-uuid', own ?? ''].map((id) => ({
          __typename: 'CustomFieldDefinition',
          id,
        })),
      );
      expect(result.map((found) => found?.key ?? null)).toEqual([null, null, null, 'own']);
      const [seen] = await entities(DEFINITION, other, [
        { __typename: 'CustomFieldDefinition', id: foreign ?? '' },
      ]);
      expect(seen?.key).toBe('secret');
    });
  });

  describe('Interaction', () => {
    const INTERACTION = `... on Interaction {
      id type direction status channel subject content contentHidden privacyLevel occurredAt threadId
      version tags contact { id } parent { id } createdBy { id } createdAt
    }`;

    /** Stores interactions on the contact directly, their subject and content sealed as crm seals them. */
    async function seedInteractions(
      organizationId: string,
      contactId: string,
      createdById: string,
      subjects: readonly string[],
      extra: { privacyLevel?: 'Public' | 'Internal' | 'Private' | 'Confidential'; deleted?: boolean } = {},
    ): Promise<string[]> {
      const ids = subjects.map(() => randomUUID());
      await withTenant(subject.service.database, organizationId, (tx) =>
        tx.interaction.createMany({
          data: subjects.map((text, index) => {
            const id = ids[index] ?? randomUUID();
            return {
              id,
              organizationId,
              contactId,
              threadId: id,
              type: 'Email' as const,
              direction: 'Inbound' as const,
              status: 'Completed' as const,
              channel: 'Email' as const,
              ...sealInteraction(cipher, { id, organizationId, subject: text, content: `About ${text}` }),
              privacyLevel: extra.privacyLevel ?? 'Internal',
              occurredAt: new Date('2026-03-01T09:30:00.000Z'),
              createdById,
              createdAt: new Date('2026-03-01T09:31:00.000Z'),
              deletedAt: extra.deleted ? new Date() : null,
            };
          }),
        }),
      );
      return ids;
    }

    it('resolves a representation of an interaction of the caller’s organization to its fields', async () => {
      const caller = newTenant();
      const owner = contact('Ada');
      await seedContacts(caller.organizationId, [owner]);
      const [id] = await seedInteractions(caller.organizationId, owner.id, caller.userId, ['Viewing']);
      const [interaction] = await entities(INTERACTION, caller, [
        { __typename: 'Interaction', id: id ?? '' },
      ]);
      expect(interaction).toEqual({
        id,
        type: 'Email',
        direction: 'Inbound',
        status: 'Completed',
        channel: 'Email',
        subject: 'Viewing',
        content: 'About Viewing',
        contentHidden: false,
        privacyLevel: 'Internal',
        occurredAt: '2026-03-01T09:30:00.000Z',
        threadId: id,
        version: 1,
        tags: [],
        contact: { id: owner.id },
        parent: null,
        createdBy: { id: caller.userId },
        createdAt: '2026-03-01T09:31:00.000Z',
      });
    });

    it('answers several representations in request order', async () => {
      const caller = newTenant();
      const owner = contact('Ada');
      await seedContacts(caller.organizationId, [owner]);
      const [first, second, third] = await seedInteractions(caller.organizationId, owner.id, caller.userId, [
        'A',
        'B',
        'C',
      ]);
      const order = [third, first, second, first].map((id) => id ?? '');
      const result = await entities(
        INTERACTION,
        caller,
        order.map((id) => ({ __typename: 'Interaction', id })),
      );
      expect(result.map((found) => found?.subject)).toEqual(['C', 'A', 'B', 'A']);
    });

    it('resolves an interaction of another organization, an unknown or malformed id, a deleted one or one of a deleted contact to null', async () => {
      const [caller, other] = [newTenant(), newTenant()];
      const [theirs, mine, gone] = [contact('Mallory'), contact('Own'), contact('Gone')];
      await seedContacts(other.organizationId, [theirs]);
      await seedContacts(caller.organizationId, [mine, gone]);
      const [foreign] = await seedInteractions(other.organizationId, theirs.id, other.userId, ['Secret']);
      const [own] = await seedInteractions(caller.organizationId, mine.id, caller.userId, ['Own']);
      const [deleted] = await seedInteractions(caller.organizationId, mine.id, caller.userId, ['Deleted'], {
        deleted: true,
      });
      const [orphaned] = await seedInteractions(caller.organizationId, gone.id, caller.userId, ['Orphaned']);
      await withTenant(subject.service.database, caller.organizationId, (tx) =>
        tx.contact.update({ where: { id: gone.id }, data: { deletedAt: new Date() } }),
      );
      const result = await entities(
        INTERACTION,
        caller,
        [foreign, randomUUID(), 'not-a-uuid', deleted, orphaned, own].map((id) => ({
          __typename: 'Interaction',
          id: id ?? '',
        })),
      );
      expect(result.map((found) => found?.subject ?? null)).toEqual([null, null, null, null, null, 'Own']);
      const [seen] = await entities(INTERACTION, other, [{ __typename: 'Interaction', id: foreign ?? '' }]);
      expect(seen?.subject).toBe('Secret');
    });

    it('resolves a Confidential interaction without its content for a caller who may not read it', async () => {
      const caller = newTenant();
      const owner = contact('Ada');
      await seedContacts(caller.organizationId, [owner]);
      const [id] = await seedInteractions(caller.organizationId, owner.id, caller.userId, ['Settlement'], {
        privacyLevel: 'Confidential',
      });
      const colleague = { organizationId: caller.organizationId, userId: randomUUID() };
      const [hidden] = await entities(INTERACTION, colleague, [{ __typename: 'Interaction', id: id ?? '' }]);
      expect(hidden).toMatchObject({ id, type: 'Email', subject: null, content: null, contentHidden: true });
      const [shown] = await entities(INTERACTION, caller, [{ __typename: 'Interaction', id: id ?? '' }]);
      expect(shown).toMatchObject({ subject: 'Settlement', contentHidden: false });
    });
  });

  describe('Pipeline and Deal', () => {
    const PIPELINE = `... on Pipeline {
      id name currency isDefault version stages { id name position probability kind removedAt } createdBy { id } createdAt
    }`;
    const DEAL = `... on Deal {
      id name description amount currency probability weightedAmount expectedCloseDate actualCloseDate status
      lostReason pipeline { id } stage { id name kind } contact { id } companyId owner { id } customFields tags
      version stageHistory { totalCount edges { node { fromStage { id } toStage { id } movedBy { id } } } }
      createdBy { id } updatedBy { id } createdAt
    }`;
    const createdAt = new Date('2026-03-01T09:30:00.000Z');

    /** A pipeline with an open, a won and a lost stage, and a deal in each stage named; deleted ones when asked. */
    async function seedPipeline(
      organizationId: string,
      userId: string,
      options: { name?: string; deleted?: boolean } = {},
    ) {
      const id = randomUUID();
      const stages = [
        { id: randomUUID(), name: 'Talking', position: 0, probability: 30, kind: 'open' as const },
        { id: randomUUID(), name: 'Won', position: 1, probability: 100, kind: 'won' as const },
        { id: randomUUID(), name: 'Lost', position: 2, probability: 0, kind: 'lost' as const },
      ];
      await withTenant(subject.service.database, organizationId, async (tx) => {
        await tx.pipeline.create({
          data: {
            id,
            organizationId,
            name: options.name ?? 'Sales',
            currency: 'EUR',
            isDefault: !options.deleted,
            createdBy: userId,
            updatedBy: userId,
            createdAt,
            deletedAt: options.deleted ? new Date() : null,
          },
        });
        await tx.pipelineStage.createMany({
          data: stages.map((stage) => ({ ...stage, organizationId, pipelineId: id, createdAt })),
        });
      });
      return { id, stages };
    }

    async function seedDeal(
      organizationId: string,
      userId: string,
      pipeline: Awaited<ReturnType<typeof seedPipeline>>,
      fields: { name: string; deleted?: boolean; contactId?: string; won?: boolean },
    ): Promise<string> {
      const id = randomUUID();
      const [open, won] = pipeline.stages;
      const stage = fields.won ? won : open;
      if (!stage || !open) throw new Error('no stage');
      await withTenant(subject.service.database, organizationId, async (tx) => {
        await tx.deal.create({
          data: {
            id,
            organizationId,
            pipelineId: pipeline.id,
            stageId: stage.id,
            name: fields.name,
            description: 'Two phases.',
            amount: '1250.5',
            currency: 'EUR',
            probability: stage.probability,
            expectedCloseDate: new Date('2026-04-30T00:00:00.000Z'),
            actualCloseDate: fields.won ? new Date('2026-03-20T00:00:00.000Z') : null,
            status: stage.kind,
            contactId: fields.contactId ?? null,
            ownerId: userId,
            tags: ['web'],
            customFields: { source: 'referral' },
            version: fields.won ? 2 : 1,
            stageEnteredAt: createdAt,
            createdBy: userId,
            updatedBy: userId,
            createdAt,
            deletedAt: fields.deleted ? new Date() : null,
          },
        });
        await tx.dealStageMove.createMany({
          data: [
            { id: randomUUID(), organizationId, dealId: id, toStageId: open.id, movedBy: userId, createdAt },
            ...(fields.won
              ? [
                  {
                    id: randomUUID(),
                    organizationId,
                    dealId: id,
                    fromStageId: open.id,
                    toStageId: stage.id,
                    movedBy: userId,
                    createdAt: new Date(createdAt.getTime() + 1000),
                  },
                ]
              : []),
          ],
        });
      });
      return id;
    }

    it('resolves a representation of a pipeline of the caller’s organization to its fields and stages', async () => {
      const caller = newTenant();
      const pipeline = await seedPipeline(caller.organizationId, caller.userId);
      const [found] = await entities(PIPELINE, caller, [{ __typename: 'Pipeline', id: pipeline.id }]);
      expect(found).toEqual({
        id: pipeline.id,
        name: 'Sales',
        currency: 'EUR',
        isDefault: true,
        version: 1,
        stages: pipeline.stages.map((stage) => ({ ...stage, removedAt: null })),
        createdBy: { id: caller.userId },
        createdAt: createdAt.toISOString(),
      });
    });

    it('resolves a representation of a deal of the caller’s organization to its fields and history', async () => {
      const caller = newTenant();
      const contactRow = contact('Ada');
      await seedContacts(caller.organizationId, [contactRow]);
      const pipeline = await seedPipeline(caller.organizationId, caller.userId);
      const id = await seedDeal(caller.organizationId, caller.userId, pipeline, {
        name: 'Website relaunch',
        contactId: contactRow.id,
        won: true,
      });
      const [open, won] = pipeline.stages;
      const [deal] = await entities(DEAL, caller, [{ __typename: 'Deal', id }]);
      expect(deal).toEqual({
        id,
        name: 'Website relaunch',
        description: 'Two phases.',
        amount: '1250.5',
        currency: 'EUR',
        probability: 100,
        weightedAmount: '1250.5',
        expectedCloseDate: '2026-04-30',
        actualCloseDate: '2026-03-20',
        status: 'won',
        lostReason: null,
        pipeline: { id: pipeline.id },
        stage: { id: won?.id, name: 'Won', kind: 'won' },
        contact: { id: contactRow.id },
        companyId: null,
        owner: { id: caller.userId },
        customFields: { source: 'referral' },
        tags: ['web'],
        version: 2,
        stageHistory: {
          totalCount: 2,
          edges: [
            {
              node: { fromStage: { id: open?.id }, toStage: { id: won?.id }, movedBy: { id: caller.userId } },
            },
            { node: { fromStage: null, toStage: { id: open?.id }, movedBy: { id: caller.userId } } },
          ],
        },
        createdBy: { id: caller.userId },
        updatedBy: { id: caller.userId },
        createdAt: createdAt.toISOString(),
      });
    });

    it('answers several representations in request order', async () => {
      const caller = newTenant();
      const sales = await seedPipeline(caller.organizationId, caller.userId, { name: 'Sales' });
      const renewals = await seedPipeline(caller.organizationId, caller.userId, {
        name: 'Renewals',
        deleted: true,
      });
      const [a, b, c] = [
        await seedDeal(caller.organizationId, caller.userId, sales, { name: 'A' }),
        await seedDeal(caller.organizationId, caller.userId, sales, { name: 'B' }),
        await seedDeal(caller.organizationId, caller.userId, sales, { name: 'C' }),
      ];
      const deals = await entities(
        '... on Deal { id name }',
        caller,
        [c, a, b, a].map((id) => ({ __typename: 'Deal', id })),
      );
      expect(deals.map((found) => found?.name)).toEqual(['C', 'A', 'B', 'A']);
      const pipelines = await entities(
        '... on Pipeline { id name }',
        caller,
        [sales.id, renewals.id, sales.id].map((id) => ({ __typename: 'Pipeline', id })),
      );
      expect(pipelines.map((found) => found?.name ?? null)).toEqual(['Sales', null, 'Sales']);
    });

    it('resolves another organization’s, unknown, malformed and deleted pipelines and deals to null', async () => {
      const [caller, other] = [newTenant(), newTenant()];
      const foreign = await seedPipeline(other.organizationId, other.userId);
      const foreignDeal = await seedDeal(other.organizationId, other.userId, foreign, { name: 'Secret' });
      const own = await seedPipeline(caller.organizationId, caller.userId);
      const deleted = await seedPipeline(caller.organizationId, caller.userId, {
        name: 'Gone',
        deleted: true,
      });
      const ownDeal = await seedDeal(caller.organizationId, caller.userId, own, { name: 'Own' });
      const deletedDeal = await seedDeal(caller.organizationId, caller.userId, own, {
        name: 'Deleted',
        deleted: true,
      });
      const pipelines = await entities(
        '... on Pipeline { id name }',
        caller,
        [foreign.id, randomUUID(), 'not-a-uuid', deleted.id, own.id].map((id) => ({
          __typename: 'Pipeline',
          id,
        })),
      );
      expect(pipelines.map((found) => found?.name ?? null)).toEqual([null, null, null, null, 'Sales']);
      const deals = await entities(
        '... on Deal { id name }',
        caller,
        [foreignDeal, randomUUID(), 'not-a-uuid', deletedDeal, ownDeal].map((id) => ({
          __typename: 'Deal',
          id,
        })),
      );
      expect(deals.map((found) => found?.name ?? null)).toEqual([null, null, null, null, 'Own']);
      // They exist: their own organization sees them.
      const [seen] = await entities('... on Deal { name }', other, [{ __typename: 'Deal', id: foreignDeal }]);
      expect(seen?.name).toBe('Secret');
    });
  });

  describe('Company', () => {
    const COMPANY = `... on Company {
      id name domain website industry size revenue currency accountStage stageEnteredAt daysInStage
      healthStatus installDate totalSpend lifetimeValue notes tags isActive customFields version
      parentCompany { id } createdBy { id } createdAt
    }`;

    async function seedCompanies(
      organizationId: string,
      createdBy: string,
      names: readonly string[],
      extra: { deletedAt?: Date; parentCompanyId?: string } = {},
    ): Promise<string[]> {
      const ids = names.map(() => randomUUID());
      await withTenant(subject.service.database, organizationId, (tx) =>
        tx.company.createMany({
          data: names.map((name, index) => ({
            id: ids[index] ?? randomUUID(),
            organizationId,
            name,
            nameSortKey: name.toLowerCase(),
            accountStage: 'Onboarding',
            stageEnteredAt: new Date(),
            createdById: createdBy,
            updatedById: createdBy,
            ...extra,
          })),
        }),
      );
      return ids;
    }

    it('resolves a representation of a company of the caller’s organization to its fields', async () => {
      const caller = newTenant();
      const [parent] = await seedCompanies(caller.organizationId, caller.userId, ['Holding']);
      const id = randomUUID();
      const createdAt = new Date('2026-03-01T09:30:00.000Z');
      const stageEnteredAt = new Date(Date.now() - 10 * 86_400_000);
      await withTenant(subject.service.database, caller.organizationId, (tx) =>
        tx.company.create({
          data: {
            id,
            organizationId: caller.organizationId,
            name: 'Acme',
            nameSortKey: 'acme',
            domain: 'acme.com',
            website: 'https://acme.com/',
            industry: 'Retail',
            size: 'employees_51_200',
            revenue: '1250000.5',
            currency: 'EUR',
            parentCompanyId: parent ?? null,
            accountStage: 'Live',
            stageEnteredAt,
            installDate: new Date('2026-02-01T00:00:00.000Z'),
            totalSpend: '99.95',
            lifetimeValue: '4000',
            notes: 'Prefers email',
            tags: ['vip'],
            customFields: { region: 'north' },
            version: 3,
            createdById: caller.userId,
            updatedById: caller.userId,
            createdAt,
          },
        }),
      );
      const [company] = await entities(COMPANY, caller, [{ __typename: 'Company', id }]);
      expect(company).toEqual({
        id,
        name: 'Acme',
        domain: 'acme.com',
        website: 'https://acme.com/',
        industry: 'Retail',
        size: 'employees_51_200',
        revenue: '1250000.5',
        currency: 'EUR',
        accountStage: 'Live',
        stageEnteredAt: stageEnteredAt.toISOString(),
        daysInStage: 10,
        healthStatus: 'yellow',
        installDate: '2026-02-01',
        totalSpend: '99.95',
        lifetimeValue: '4000',
        notes: 'Prefers email',
        tags: ['vip'],
        isActive: true,
        customFields: { region: 'north' },
        version: 3,
        parentCompany: { id: parent },
        createdBy: { id: caller.userId },
        createdAt: createdAt.toISOString(),
      });
    });

    it('answers several representations in request order', async () => {
      const caller = newTenant();
      const [first, second, third] = await seedCompanies(caller.organizationId, caller.userId, [
        'A',
        'B',
        'C',
      ]);
      const order = [third, first, second, first].map((id) => id ?? '');
      const result = await entities(
        COMPANY,
        caller,
        order.map((id) => ({ __typename: 'Company', id })),
      );
      expect(result.map((found) => found?.name)).toEqual(['C', 'A', 'B', 'A']);
    });

    it('resolves a company of another organization, an unknown or malformed id, or a deleted company to null', async () => {
      const [caller, other] = [newTenant(), newTenant()];
      const [foreign] = await seedCompanies(other.organizationId, other.userId, ['Secret']);
      const [own] = await seedCompanies(caller.organizationId, caller.userId, ['Own']);
      const [deleted] = await seedCompanies(caller.organizationId, caller.userId, ['Gone'], {
        deletedAt: new Date(),
      });
      const result = await entities(
        COMPANY,
        caller,
        [foreign ?? '', randomUUID(), 'not-a-uuid', deleted ?? '', own ?? ''].map((id) => ({
          __typename: 'Company',
          id,
        })),
      );
      expect(result.map((found) => found?.name ?? null)).toEqual([null, null, null, null, 'Own']);
      const [seen] = await entities(COMPANY, other, [{ __typename: 'Company', id: foreign ?? '' }]);
      expect(seen?.name).toBe('Secret');
    });

    it('resolves User.assignedCompanies within the caller’s organization only', async () => {
      const [caller, other] = [newTenant(), newTenant()];
      const [own] = await seedCompanies(caller.organizationId, caller.userId, ['Own']);
      const [foreign] = await seedCompanies(other.organizationId, other.userId, ['Foreign']);
      for (const [tenant, companyId] of [
        [caller, own],
        [other, foreign],
      ] as const) {
        await withTenant(subject.service.database, tenant.organizationId, (tx) =>
          tx.companyAssignment.create({
            data: {
              id: randomUUID(),
              organizationId: tenant.organizationId,
              companyId: companyId ?? '',
              userId: tenant.userId,
              role: 'owner',
              assignedById: tenant.userId,
            },
          }),
        );
      }
      const USER_ASSIGNMENTS =
        '... on User { id assignedCompanies { totalCount edges { node { role company { name } } } } }';
      const result = await entities(USER_ASSIGNMENTS, caller, [
        { __typename: 'User', id: caller.userId },
        { __typename: 'User', id: other.userId },
      ]);
      expect(result).toEqual([
        {
          id: caller.userId,
          assignedCompanies: {
            totalCount: 1,
            edges: [{ node: { role: 'owner', company: { name: 'Own' } } }],
          },
        },
        { id: other.userId, assignedCompanies: { totalCount: 0, edges: [] } },
      ]);
    });
  });
});
