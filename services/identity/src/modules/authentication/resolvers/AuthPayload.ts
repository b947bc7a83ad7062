import type { AuthPayloadResolvers } from '../../../generated/graphql';

export const AuthPayload: AuthPayloadResolvers = {
  tokenType: () => 'Bearer',
  user: (session, _args, { organizationById }) => {
    // The caller is anonymous while signing in, so its loader would see no organization: the
    // session's organization is the one this request may show.
    organizationById.clear(session.organization.id).prime(session.organization.id, session.organization);
    return session.user;
  },
};
