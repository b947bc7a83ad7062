import type { MutationResolvers } from '../../../../generated/graphql';

export const createClientOrganization: NonNullable<MutationResolvers['createClientOrganization']> = (
  _parent,
  { input: { name, slug, vertical, ...settings } },
  { auth, organizations },
) => organizations.createClient(auth, { name, slug, vertical, settings });
