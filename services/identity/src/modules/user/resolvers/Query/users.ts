import { toConnection } from '@platform/service-kit';
import type { QueryResolvers } from '../../../../generated/graphql';

export const users: NonNullable<QueryResolvers['users']> = async (
  _parent,
  { filter, first, after },
  context,
) => {
  const page = await context.users.list(context.auth, filter ?? {}, first, after);
  // Later references to these users (who assigned a role, who invited) need no query of their own.
  for (const user of page.items) context.userById.prime(user.id, user);
  return toConnection(page);
};
