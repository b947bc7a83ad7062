import type { MutationResolvers } from '../../../../generated/graphql';

/** Answers the contact as it is after the unsubscribe (read with the contact module's loader). */
export const unsubscribeContact: NonNullable<MutationResolvers['unsubscribeContact']> = async (
  _parent,
  { contactId, channel, source, sourceDetails },
  { auth, consents, contacts, contactById },
) => {
  await consents.unsubscribe(auth, contactId, { channel, source, sourceDetails });
  return contacts.get(auth, contactId, (id) => contactById.load(id));
};
