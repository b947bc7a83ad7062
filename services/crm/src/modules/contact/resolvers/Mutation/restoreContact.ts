import type { MutationResolvers } from '../../../../generated/graphql';

export const restoreContact: NonNullable<MutationResolvers['restoreContact']> = (
  _parent,
  { id },
  { auth, contacts },
) => contacts.restore(auth, id);
