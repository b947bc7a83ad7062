import { randomUUID } from 'node:crypto';
import { withTenant } from '@platform/service-kit';
import { newTenant, serviceUnderTest } from '@platform/service-kit/testing';
import { startConversationsService } from '../src/service';

// The federation contract of conversations' entities: Conversation (owned here) resolves to its row
// or null; Contact (owned by crm) resolves to the conversations with that contact, scoped to the
// caller's organization.

const CONVERSATION = `... on Conversation {
  id platform status subject needsReply messageCount lastMessageAt contact { id } createdAt
}`;
const CONTACT = `... on Contact {
  id conversations(first: 2) { totalCount edges { node { id } } pageInfo { hasNextPage } }
}`;

type Entity = Record<string, unknown> | null;

describe('conversations _entities', () => {
  const subject = serviceUnderTest('conversations', (env) => startConversationsService(env.startOptions()));

  const conversation = (contactId: string | null = null, subject: string | null = null) => ({
    id: randomUUID(),
    contactId,
    subject,
    platform: 'email' as const,
  });

  /** Stores the conversations one second apart, the first one oldest. */
  async function seed(
    organizationId: string,
    rows: Array<{ id: string; contactId: string | null; subject: string | null; platform: 'email' }>,
  ): Promise<void> {
    const start = Date.now() - 60_000;
    await withTenant(subject.service.database, organizationId, (tx) =>
      tx.conversation.createMany({
        data: rows.map((row, index) => ({
          ...row,
          organizationId,
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

  describe('Conversation', () => {
    it('resolves a representation of a conversation of the caller’s organization to its fields', async () => {
      const conversations = subject.service;
      const caller = newTenant();
      const [id, contactId] = [randomUUID(), randomUUID()];
      const createdAt = new Date('2026-04-02T08:00:00.000Z');
      const lastMessageAt = new Date('2026-04-02T09:15:00.000Z');
      await withTenant(conversations.database, caller.organizationId, (tx) =>
        tx.conversation.create({
          data: {
            id,
            organizationId: caller.organizationId,
            contactId,
            platform: 'slack',
            status: 'closed',
            subject: 'Viewing on Friday',
            needsReply: true,
            messageCount: 7,
            lastMessageAt,
            createdAt,
          },
        }),
      );
      const [found] = await entities(CONVERSATION, caller, [{ __typename: 'Conversation', id }]);
      expect(found).toEqual({
        id,
        platform: 'slack',
        status: 'closed',
        subject: 'Viewing on Friday',
        needsReply: true,
        messageCount: 7,
        lastMessageAt: lastMessageAt.toISOString(),
        contact: { id: contactId },
        createdAt: createdAt.toISOString(),
      });
    });

    it('answers several representations in request order', async () => {
      const caller = newTenant();
      const [first, second, third] = [
        conversation(null, 'First'),
        conversation(null, 'Second'),
        conversation(null, 'Third'),
      ];
      await seed(caller.organizationId, [first, second, third]);
      const result = await entities(
        CONVERSATION,
        caller,
        [third, first, second].map(({ id }) => ({ __typename: 'Conversation', id })),
      );
      expect(result.map((found) => found?.subject)).toEqual(['Third', 'First', 'Second']);
      expect(result.map((found) => found?.contact)).toEqual([null, null, null]);
    });

    it('resolves a conversation of another organization, or an unknown or malformed id, to null', async () => {
      const [caller, other] = [newTenant(), newTenant()];
      const [foreign, own] = [conversation(null, 'Foreign'), conversation(null, 'Own')];
      await seed(other.organizationId, [foreign]);
      await seed(caller.organizationId, [own]);
      const result = await entities(
        CONVERSATION,
        caller,
        [foreign.id, randomUUID(), 'not-a-uuid', own.id].map((id) => ({ __typename: 'Conversation', id })),
      );
      expect(result.map((found) => found?.subject ?? null)).toEqual([null, null, null, 'Own']);
      const [seen] = await entities(CONVERSATION, other, [{ __typename: 'Conversation', id: foreign.id }]);
      expect(seen?.subject).toBe('Foreign');
    });
  });

  describe('Contact', () => {
    it('resolves a contact to its conversations, newest first, with the total count', async () => {
      const caller = newTenant();
      const contactId = randomUUID();
      const [oldest, middle, newest] = [
        conversation(contactId),
        conversation(contactId),
        conversation(contactId),
      ];
      await seed(caller.organizationId, [oldest, conversation(randomUUID()), middle, conversation(), newest]);
      const [contact] = await entities(CONTACT, caller, [{ __typename: 'Contact', id: contactId }]);
      expect(contact).toEqual({
        id: contactId,
        conversations: {
          totalCount: 3,
          edges: [{ node: { id: newest.id } }, { node: { id: middle.id } }],
          pageInfo: { hasNextPage: true },
        },
      });
    });

    it('answers several representations in request order', async () => {
      const caller = newTenant();
      const [ada, grace, nobody] = [randomUUID(), randomUUID(), randomUUID()];
      const [withAda, withGrace, alsoWithGrace] = [
        conversation(ada),
        conversation(grace),
        conversation(grace),
      ];
      await seed(caller.organizationId, [withAda, withGrace, alsoWithGrace]);
      const result = await entities(
        CONTACT,
        caller,
        [grace, nobody, ada].map((id) => ({ __typename: 'Contact', id })),
      );
      expect(result).toEqual([
        {
          id: grace,
          conversations: {
            totalCount: 2,
            edges: [{ node: { id: alsoWithGrace.id } }, { node: { id: withGrace.id } }],
            pageInfo: { hasNextPage: false },
          },
        },
        { id: nobody, conversations: { totalCount: 0, edges: [], pageInfo: { hasNextPage: false } } },
        {
          id: ada,
          conversations: {
            totalCount: 1,
            edges: [{ node: { id: withAda.id } }],
            pageInfo: { hasNextPage: false },
          },
        },
      ]);
    });

    it('resolves a contact of another organization with no conversations: theirs stay hidden', async () => {
      const [caller, other] = [newTenant(), newTenant()];
      const contactId = randomUUID();
      await seed(other.organizationId, [conversation(contactId), conversation(contactId)]);
      const [contact] = await entities(CONTACT, caller, [{ __typename: 'Contact', id: contactId }]);
      expect(contact).toEqual({
        id: contactId,
        conversations: { totalCount: 0, edges: [], pageInfo: { hasNextPage: false } },
      });
      const [own] = await entities(CONTACT, other, [{ __typename: 'Contact', id: contactId }]);
      expect(own?.conversations).toMatchObject({ totalCount: 2 });
    });
  });
});
