import type { TenantDatabase } from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import type { MessageRepository } from '../domain/message-repository';
import { decideOutbound } from './message-recorder';
import { toMessage } from './message-rows';

/** Messages over Prisma, every call in the organization's tenant transaction. */
export function messageRepository(db: TenantDatabase<Prisma.TransactionClient>): MessageRepository {
  return {
    reply: (organizationId, reply, now) =>
      db.writeDecided(organizationId, async (tx) => {
        const { value, events } = await decideOutbound(tx, { organizationId, ...reply }, now);
        return { value: value.message, events };
      }),

    page: (organizationId, conversationId, request, notAfter) =>
      db.read(organizationId, async (tx) => {
        const after = request.after;
        // The upper time bound (the cursor's or the last message's) lets PostgreSQL skip later months.
        const bound = after ? after.createdAt : notAfter;
        const rows = await tx.message.findMany({
          where: {
            organizationId,
            conversationId,
            ...(bound ? { sentAt: { lte: bound } } : {}),
            ...(after
              ? {
                  OR: [
                    { sentAt: { lt: after.createdAt } },
                    { sentAt: after.createdAt, id: { lt: after.id } },
                  ],
                }
              : {}),
          },
          orderBy: [{ sentAt: 'desc' }, { id: 'desc' }],
          take: request.first + 1,
        });
        return rows.map(toMessage);
      }),
  };
}
