import type { MutationResolvers } from '../../../../generated/graphql';

export const updateOrganization: NonNullable<MutationResolvers['updateOrganization']> = (
  _parent,
  { input: { name, vertical, logoUrl, domain, ...settings } },
  { auth, organizations },
) => organizations.update(auth, { name, vertical, logoUrl, domain }, settings);
