/**
 * Signing in safely, end to end through the gateway: a second factor (enrol, sign in with a code, a
 * recovery code once), lockout after repeated failures (the right password refused during the lock),
 * and ending a session (its refresh token stops).
 */
import { Secret, TOTP } from 'otpauth';
import { eventually } from '@platform/testing';
import { startTestPlatform, type TestPlatform } from './platform';
import { seeds } from './seed';

const LOGIN = `mutation($input: LoginInput!) { login(input: $input) {
  __typename ... on AuthPayload { accessToken refreshToken } ... on MfaChallenge { challengeToken } } }`;
const VERIFY = `mutation($input: VerifyMfaInput!) { verifyMfa(input: $input) { accessToken refreshToken } }`;

interface LoginAnswer {
  login: { __typename: string; accessToken?: string; refreshToken?: string; challengeToken?: string };
}

describe('sign-in security through the gateway', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform();
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
  });

  it('MFA: enrol with an authenticator app, then signing in needs a code; a recovery code works once', async () => {
    const { admin } = await seeds(platform).organization('Mfa');
    const { enrollMfa } = await admin.run<{ enrollMfa: { secret: string } }>(
      `mutation { enrollMfa { secret } }`,
    );
    const app = new TOTP({
      secret: Secret.fromBase32(enrollMfa.secret),
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    });
    const { confirmMfa: recovery } = await admin.run<{ confirmMfa: string[] }>(
      `mutation($code: String!) { confirmMfa(code: $code) }`,
      { code: app.generate() },
    );
    const login = () =>
      platform.graphql<LoginAnswer>(LOGIN, { input: { email: admin.email, password: admin.password } });
    const first = await login();
    expect(first.data?.login).toEqual({
      __typename: 'MfaChallenge',
      challengeToken: expect.any(String) as unknown,
    });
    const signedIn = await platform.graphql<{ verifyMfa: { accessToken: string } }>(VERIFY, {
      input: { challengeToken: first.data?.login.challengeToken, code: app.generate() },
    });
    const me = await platform.graphql<{ me: { mfaEnabled: boolean } }>(
      `{ me { mfaEnabled } }`,
      {},
      signedIn.data?.verifyMfa.accessToken,
    );
    expect(me.data).toEqual({ me: { mfaEnabled: true } });
    const withRecovery = await login();
    const recovered = await platform.graphql(VERIFY, {
      input: { challengeToken: withRecovery.data?.login.challengeToken, code: recovery[0] },
    });
    expect(recovered.errors).toBeUndefined();
    const again = await login();
    const reused = await platform.graphql(VERIFY, {
      input: { challengeToken: again.data?.login.challengeToken, code: recovery[0] },
    });
    expect(reused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('lockout: failures first slow sign-in down, then lock the account; the right password is refused during the lock', async () => {
    const { admin } = await seeds(platform).organization('Lockout');
    const attempt = async (password: string) => {
      const answer = await platform.graphql(LOGIN, { input: { email: admin.email, password } });
      const error = answer.errors?.[0];
      const details = error?.extensions?.['details'] as { retryAfterSeconds?: number } | undefined;
      return { code: error?.extensions?.code, retryAfterSeconds: details?.retryAfterSeconds ?? 0 };
    };
    let failures = 0;
    let delays = 0;
    while (failures < 10) {
      const answer = await attempt('guessing guessing');
      if (answer.code === 'UNAUTHENTICATED') failures += 1;
      else {
        expect(answer.code).toBe('TOO_MANY_REQUESTS');
        delays += 1;
        // Growing delays (1, 2, 4, 8 s): wait them out, as a patient attacker would.
        await new Promise((resolve) => setTimeout(resolve, answer.retryAfterSeconds * 1000));
      }
    }
    expect(delays).toBeGreaterThanOrEqual(4);
    const right = await attempt(admin.password);
    expect(right.code).toBe('TOO_MANY_REQUESTS');
    expect(right.retryAfterSeconds).toBeGreaterThan(14 * 60);
  }, 60_000);

  it('revoking a session ends its refresh token, and its access token at the next request', async () => {
    const { admin } = await seeds(platform).organization('Revoke');
    const other = await platform.graphql<LoginAnswer>(LOGIN, {
      input: { email: admin.email, password: admin.password },
    });
    const sessions = await admin.run<{ mySessions: Array<{ id: string; current: boolean }> }>(
      `{ mySessions { id current } }`,
    );
    expect(sessions.mySessions).toHaveLength(2);
    const target = sessions.mySessions.find((session) => !session.current);
    await admin.run(`mutation($id: ID!) { revokeSession(id: $id) }`, { id: target?.id });
    const refreshed = await platform.graphql(
      `mutation($token: String!) { refreshToken(input: { refreshToken: $token }) { accessToken } }`,
      { token: other.data?.login.refreshToken },
    );
    expect(refreshed.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await eventually('the revoked session’s access token is refused', async () => {
      const me = await platform.graphql(`{ me { id } }`, {}, other.data?.login.accessToken);
      return me.status === 401;
    });
    // The session that revoked it goes on.
    expect((await admin.run<{ me: { id: string } }>(`{ me { id } }`)).me.id).toBe(admin.userId);
  });
});
