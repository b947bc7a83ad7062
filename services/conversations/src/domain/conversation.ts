/** Conversation rules. No Prisma or GraphQL types here. */
import { randomUUID } from 'node:crypto';
import { DomainError, isUuid, pageRequest, toPage, type Page, type PageRequest } from '@platform/service-kit';

export const CONVERSATION_PLATFORMS = [
  'facebook',
  'instagram',
  'twitter',
  'linkedin',
  'email',
  'gmail',
  'slack',
  'sms',
  'chat',
] as const;
export type ConversationPlatform = (typeof CONVERSATION_PLATFORMS)[number];

export type ConversationStatus = 'active' | 'closed' | 'archived';

export interface Conversation {
  id: string;
  organizationId: string;
  contactId: string | null;
  platform: ConversationPlatform;
  status: ConversationStatus;
  subject: string | null;
  needsReply: boolean;
  messageCount: number;
  lastMessageAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export type NewConversation = Pick<
  Conversation,
  'id' | 'organizationId' | 'contactId' | 'platform' | 'subject'
>;

export interface Actor {
  organizationId: string | null;
}

export interface ConversationStorePort {
  create(conversation: NewConversation): Promise<Conversation>;
  byIds(organizationId: string, ids: readonly string[]): Promise<(Conversation | null)[]>;
  withContact(
    organizationId: string,
    contactId: string,
    request: PageRequest,
  ): Promise<{ rows: Conversation[]; totalCount: number }>;
}

function organizationOf(actor: Actor): string {
  if (!actor.organizationId) throw new DomainError('UNAUTHENTICATED', 'Sign in to work with conversations');
  return actor.organizationId;
}

export function createConversationOperations(store: ConversationStorePort) {
  return {
    start(
      actor: Actor,
      input: { contactId?: string | null; platform: ConversationPlatform; subject?: string | null },
    ): Promise<Conversation> {
      const subject = input.subject?.trim() || null;
      if (subject && subject.length > 500) {
        throw new DomainError('BAD_USER_INPUT', 'subject must be at most 500 characters', {
          issues: [{ path: 'subject', message: 'must be at most 500 characters', code: 'invalid' }],
        });
      }
      return store.create({
        id: randomUUID(),
        organizationId: organizationOf(actor),
        contactId: input.contactId ?? null,
        platform: input.platform,
        subject,
      });
    },

    async get(
      actor: Actor,
      id: string,
      load: (id: string) => Promise<Conversation | null>,
    ): Promise<Conversation> {
      organizationOf(actor);
      const conversation = await load(id);
      if (!conversation) {
        throw new DomainError('NOT_FOUND', `Conversation ${id} not found`, { entity: 'Conversation', id });
      }
      return conversation;
    },

    async withContact(
      actor: Actor,
      contactId: string,
      first: number | null | undefined,
      after: string | null | undefined,
    ): Promise<Page<Conversation>> {
      const request = pageRequest(first, after);
      const organizationId = organizationOf(actor);
      if (!isUuid(contactId)) return toPage([], request, 0);
      const { rows, totalCount } = await store.withContact(organizationId, contactId, request);
      return toPage(rows, request, totalCount);
    },
  };
}

export type ConversationOperations = ReturnType<typeof createConversationOperations>;
