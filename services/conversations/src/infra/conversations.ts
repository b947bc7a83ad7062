import {
  afterCursorWhere,
  orderByKeys,
  withTenant,
  type PageRequest,
  uuidsOnly,
} from '@platform/service-kit';
import type { Conversation, NewConversation } from '../domain/conversation';
import type { Prisma } from '../generated/prisma/client';
import type { Database } from './database';

type ConversationRow = Prisma.ConversationGetPayload<object>;

const toConversation = (row: ConversationRow): Conversation => ({ ...row });

const ORDER: Prisma.ConversationOrderByWithRelationInput[] = [{ createdAt: 'desc' }, { id: 'desc' }];

export function createConversationStore(db: Database) {
  return {
    create(conversation: NewConversation): Promise<Conversation> {
      return withTenant(db, conversation.organizationId, async (tx) =>
        toConversation(await tx.conversation.create({ data: conversation })),
      );
    },

    async byIds(organizationId: string, ids: readonly string[]): Promise<(Conversation | null)[]> {
      const rows = await withTenant(db, organizationId, (tx) =>
        tx.conversation.findMany({
          where: { organizationId, id: { in: uuidsOnly(ids) } },
        }),
      );
      return orderByKeys(ids, rows.map(toConversation), (conversation) => conversation.id);
    },

    withContact(organizationId: string, contactId: string, request: PageRequest) {
      return withTenant(db, organizationId, async (tx) => {
        const scope = { organizationId, contactId };
        const [rows, totalCount] = await Promise.all([
          tx.conversation.findMany({
            where: { ...scope, ...afterCursorWhere(request) },
            orderBy: ORDER,
            take: request.first + 1,
          }),
          tx.conversation.count({ where: scope }),
        ]);
        return { rows: rows.map(toConversation), totalCount };
      });
    },
  };
}
