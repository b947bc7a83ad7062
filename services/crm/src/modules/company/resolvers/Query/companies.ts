import { toListConnection } from '@platform/service-kit';
import type { QueryResolvers } from '../../../../generated/graphql';

/** The organization's settings come through the request's loader: health fields read them again for free. */
export const companies: NonNullable<QueryResolvers['companies']> = async (
  _parent,
  { first, after, filter, orderBy },
  { auth, companies: operations, companySettings },
) =>
  toListConnection(
    await operations.list(auth, { first, after, filter, orderBy }, (organizationId) =>
      companySettings.load(organizationId),
    ),
  );
