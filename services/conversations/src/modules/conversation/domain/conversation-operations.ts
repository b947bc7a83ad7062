import { randomUUID } from 'node:crypto';
import { notFound, organizationOf, pagesOf, type Actor, type Page, type PageRequest } from '@platform/domain';
import { startConversation, type Conversation, type StartConversationInput } from './conversation';
import type { ConversationRepository } from './conversation-repository';

const SIGN_IN = 'Sign in to work with conversations';

/** The conversation use cases: who may do what, and what it changes. */
export function conversationOperations(
  repository: ConversationRepository,
  clock: () => Date = () => new Date(),
) {
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
