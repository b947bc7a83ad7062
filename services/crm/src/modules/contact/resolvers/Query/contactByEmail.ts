import type { QueryResolvers } from '../../../../generated/graphql';

export const contactByEmail: NonNullable<QueryResolvers['contactByEmail']> = (
  _parent,
  { email },
  { auth, contacts },
) => contacts.findByIdentifier(auth, 'email', email);
