import type { QueryResolvers } from '../../../../generated/graphql';

export const company: NonNullable<QueryResolvers['company']> = (
  _parent,
  { id },
  { auth, companies, companyById },
) => companies.get(auth, id, (key) => companyById.load(key));
