import { toConnection } from '@platform/service-kit';
import type { QueryResolvers } from '../../../../generated/graphql';

export const chatSessions: NonNullable<QueryResolvers['chatSessions']> = async (
  _parent,
  { first, after },
  { auth, assistant },
) => toConnection(await assistant.listSessions(auth, first, after));
