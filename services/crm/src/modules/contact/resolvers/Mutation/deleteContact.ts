import type { MutationResolvers } from '../../../../generated/graphql';

export const deleteContact: NonNullable<MutationResolvers['deleteContact']> = (
  _parent,
  { id },
  { auth, contacts },
) => contacts.delete(auth, id);
