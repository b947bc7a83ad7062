import { randomBytes, randomUUID } from 'node:crypto';
import { notFound, organizationOf, type Actor } from '@platform/domain';
import {
  connectChannelAccount,
  disconnectChannelAccount,
  reconnectChannelAccount,
  type ChannelAccount,
  type ConnectChannelAccountInput,
  type ReconnectChannelAccountInput,
} from './channel-account';
import type { ChannelAccountRepository } from './channel-account-repository';

const SIGN_IN = 'Sign in to work with channel accounts';

/** The channel account use cases (the graph's permission directives say who may call them). */
export function channelAccountOperations(
  repository: ChannelAccountRepository,
  clock: () => Date = () => new Date(),
) {
  const found = (id: string, result: ChannelAccount | null): ChannelAccount => {
    if (!result) throw notFound('ChannelAccount', id);
    return result;
  };
  return {
    /** Connects an account from an OAuth callback's tokens; CONFLICT when it is connected already. */
    async connect(actor: Actor, input: ConnectChannelAccountInput): Promise<ChannelAccount> {
      const organizationId = organizationOf(actor, SIGN_IN);
      const { account, secrets, events } = connectChannelAccount(
        { id: randomUUID(), organizationId, webhookId: randomUUID(), userId: actor.userId },
        input,
        randomBytes(32).toString('base64url'),
        clock(),
      );
      return repository.create(account, secrets, events);
    },

    /** Disconnects an account and forgets its tokens (again: no change). */
    async disconnect(actor: Actor, id: string, reason: string | null | undefined): Promise<ChannelAccount> {
      const organizationId = organizationOf(actor, SIGN_IN);
      const result = await repository.update(organizationId, id, (account) => {
        const decided = disconnectChannelAccount(account, reason, actor.userId, clock());
        return { ...decided, tokens: decided.events.length > 0 ? 'forget' : null };
      });
      return found(id, result);
    },

    /** Gives an account new tokens (after a disconnect or a failed refresh): connected again. */
    async reconnect(actor: Actor, id: string, input: ReconnectChannelAccountInput): Promise<ChannelAccount> {
      const organizationId = organizationOf(actor, SIGN_IN);
      const result = await repository.update(organizationId, id, (account) =>
        reconnectChannelAccount(account, input, actor.userId, clock()),
      );
      return found(id, result);
    },

    async list(actor: Actor): Promise<ChannelAccount[]> {
      return repository.list(organizationOf(actor, SIGN_IN));
    },
  };
}

export type ChannelAccountOperations = ReturnType<typeof channelAccountOperations>;
