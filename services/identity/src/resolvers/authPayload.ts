import type { Session } from '../domain/authentication';

/** The GraphQL AuthPayload of a session. */
export function authPayload(session: Session) {
  return {
    accessToken: session.accessToken,
    tokenType: 'Bearer',
    expiresIn: session.expiresIn,
    refreshToken: session.refreshToken,
    user: session.user,
  };
}
