import type { QueryResolvers } from '../../../../generated/graphql';

export const contactByPhone: NonNullable<QueryResolvers['contactByPhone']> = (
  _parent,
  { phone },
  { auth, contacts },
) => contacts.findByIdentifier(auth, 'phone', phone);
