import { randomUUID } from 'node:crypto';
import {
  notFound,
  organizationOf,
  pageOf,
  pagesOf,
  signedInUser,
  type Actor,
  type Page,
  type PageRequest,
} from '@platform/domain';
import { CONVERSATION_STATUSES } from '@platform/events/catalog';
import {
  checkCursor,
  startConversation,
  statusChange,
  type Conversation,
  type ConversationPlatform,
  type ConversationStatus,
  type StartConversationInput,
} from './conversation';
import type { ConversationRepository, ConversationUpdate } from './conversation-repository';

/** What the inbox is asked for. */
export interface InboxFilter {
  needsReply?: boolean | null;
  platform?: ConversationPlatform | null;
  contactId?: string | null;
  companyId?: string | null;
  assigneeId?: string | null;
  mine?: boolean | null;
  statuses?: readonly ConversationStatus[] | null;
}

/** Without statuses the inbox leaves closed conversations out. */
const INBOX_STATUSES = CONVERSATION_STATUSES.filter((status) => status !== 'closed');

const SIGN_IN = 'Sign in to work with conversations';

/** The conversation use cases: who may do what, and what it changes. */
export function conversationOperations(
  repository: ConversationRepository,
  clock: () => Date = () => new Date(),
) {
  async function change(actor: Actor, id: string, update: ConversationUpdate): Promise<Conversation> {
    const organizationId = organizationOf(actor, SIGN_IN);
    const conversation = await repository.update(organizationId, id, update);
    if (!conversation) throw notFound('Conversation', id);
    return conversation;
  }

  return {
    async start(actor: Actor, input: StartConversationInput): Promise<Conversation> {
      const organizationId = organizationOf(actor, SIGN_IN);
      const { conversation, events } = startConversation(
        { id: randomUUID(), organizationId },
        input,
        clock(),
      );
      return repository.create(conversation, events);
    },

    /** Missing and other organizations' conversations are both simply "not found". */
    async get(
      actor: Actor,
      id: string,
      load: (id: string) => Promise<Conversation | null>,
    ): Promise<Conversation> {
      organizationOf(actor, SIGN_IN);
      const conversation = await load(id);
      if (!conversation) throw notFound('Conversation', id);
      return conversation;
    },

    /** The inbox: conversations matching the filter, most recent activity first. */
    async inbox(actor: Actor, filter: InboxFilter, request: PageRequest): Promise<Page<Conversation>> {
      const organizationId = organizationOf(actor, SIGN_IN);
      const assigneeId = filter.mine ? signedInUser(actor, SIGN_IN).userId : (filter.assigneeId ?? undefined);
      // mine and another assigneeId cannot both hold: nothing matches.
      const contradictory = Boolean(filter.mine && filter.assigneeId && filter.assigneeId !== assigneeId);
      if (contradictory) return pageOf([], request, 0);
      const { rows, totalCount } = await repository.inbox(
        organizationId,
        {
          needsReply: filter.needsReply ?? undefined,
          platform: filter.platform ?? undefined,
          contactId: filter.contactId ?? undefined,
          companyId: filter.companyId ?? undefined,
          assigneeId,
          statuses: filter.statuses?.length ? filter.statuses : INBOX_STATUSES,
        },
        checkCursor(request),
      );
      return pageOf(rows, request, totalCount);
    },

    /** Assigns the conversation (or unassigns it with null). */
    async assign(actor: Actor, id: string, assigneeId: string | null): Promise<Conversation> {
      return change(actor, id, { assigneeId });
    },

    /** Sets the status; snoozed needs a future snoozedUntil. */
    async setStatus(
      actor: Actor,
      id: string,
      status: ConversationStatus,
      snoozedUntil: Date | null,
    ): Promise<Conversation> {
      return change(actor, id, statusChange(status, snoozedUntil, clock()));
    },

    /** Every message read: unreadCount 0. */
    async markRead(actor: Actor, id: string): Promise<Conversation> {
      return change(actor, id, { unreadCount: 0 });
    },

    /**
     * Pages of conversations for many contacts at once (what a list of contacts asks for), in
     * contact order. An id that is not a UUID names no contact and gets an empty page.
     */
    async withContacts(
      actor: Actor,
      contactIds: readonly string[],
      request: PageRequest,
    ): Promise<Array<Page<Conversation>>> {
      const organizationId = organizationOf(actor, SIGN_IN);
      return pagesOf(contactIds, request, (ids) => repository.withContacts(organizationId, ids, request));
    },
  };
}

export type ConversationOperations = ReturnType<typeof conversationOperations>;
