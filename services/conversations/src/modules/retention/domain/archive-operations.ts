import {
  badUserInput,
  isUuid,
  organizationOf,
  pageOf,
  type Actor,
  type Page,
  type PageRequest,
} from '@platform/domain';
import type { Message } from '../../message/domain/message';
import type { MessageArchive } from './retention';

const SIGN_IN = 'Sign in to read message archives';

/** What the operations need of archives (infra/message-archive-repository.ts). */
export interface MessageArchiveStore {
  list(organizationId: string): Promise<MessageArchive[]>;
  messages(
    organizationId: string,
    id: string,
    request: PageRequest,
  ): Promise<{ rows: Message[]; totalCount: number }>;
}

/** Reading archives back (the graph's permission directives say who may). */
export function messageArchiveOperations(store: MessageArchiveStore) {
  return {
    list: (actor: Actor) => store.list(organizationOf(actor, SIGN_IN)),
    async messages(actor: Actor, archiveId: string, request: PageRequest): Promise<Page<Message>> {
      const organizationId = organizationOf(actor, SIGN_IN);
      if (!isUuid(archiveId)) {
        throw badUserInput('archiveId is not an archive id', {
          issues: [{ path: 'archiveId', message: 'must be a UUID', code: 'invalid' }],
        });
      }
      const { rows, totalCount } = await store.messages(organizationId, archiveId, request);
      return pageOf(rows, request, totalCount);
    },
  };
}

export type MessageArchiveOperations = ReturnType<typeof messageArchiveOperations>;
