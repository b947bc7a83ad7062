import type { Session } from '../domain/authentication';

/** The GraphQL AuthPayload of a session. */
export function authPayload(session: Session) {
  return {
    accessToken: session.accessToken,
    tokenType: 'Bearer',
    expiresIn: session.expiresIn,
    refreshToken: session.refreshToken,
    // The caller is anonymous while signing in, so the session's organization travels with the user.
    user: { ...session.user, organization: session.organization },
  };
}
