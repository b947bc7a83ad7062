import { Secret, TOTP } from 'otpauth';
import { withTenant } from '@platform/service-kit';
import { PRINCIPAL_PATH } from '../../src/service';
import { emailsTo, signUpDirectly, identityUnderTest } from '../support';
import {
  anonymousContext,
  importInternalContextPrivateKey,
  INTERNAL_CONTEXT_HEADER,
  signInternalContext,
} from '@platform/service-kit';

// Sign-in security against real PostgreSQL: throttling shared through the database, sessions (list,
// revoke one, revoke all), TOTP with recovery codes, password change and reset.

const PASSWORD = 'correct horse battery staple';
const LOGIN = `mutation($input: LoginInput!) { login(input: $input) {
  __typename ... on AuthPayload { accessToken refreshToken } ... on MfaChallenge { challengeToken } } }`;
const REFRESH = `mutation($token: String!) { refreshToken(input: { refreshToken: $token }) { refreshToken } }`;

interface LoginAnswer {
  login: { __typename: string; accessToken?: string; refreshToken?: string; challengeToken?: string };
}

describe('identity sign-in security (real PostgreSQL)', () => {
  const subject = identityUnderTest(() => ({ appUrl: 'https://app.crm.example' }));

  const { call } = subject;

  async function founder(label: string) {
    const signedUp = await signUpDirectly(subject.env, subject.service, label);
    return { ...signedUp, email: `founder@${signedUp.slug}.example.com` };
  }

  const login = (email: string, password = PASSWORD, clientAddress = '198.51.100.7') =>
    call<LoginAnswer>({ clientAddress, userAgent: 'jest' }, LOGIN, { input: { email, password } });

  /** The caller of a session (what the gateway signs after resolving the access token's principal). */
  async function sessionCaller(organizationId: string, userId: string) {
    const sessions = await withTenant(subject.service.database, organizationId, (tx) =>
      tx.session.findMany({ where: { userId, revokedAt: null }, orderBy: { createdAt: 'desc' } }),
    );
    return { organizationId, userId, sessionId: sessions[0]?.id ?? null };
  }

  describe('signing in', () => {
    it('answers a wrong password, an unknown email and a deactivated user alike; asks for the slug when an email is in two organizations', async () => {
      const first = await founder('twice-a');
      const wrong = await login(first.email, 'not the password at all', '198.51.100.20');
      const unknown = await login('nobody@nowhere.example', PASSWORD, '198.51.100.21');
      expect([wrong.errors?.[0]?.message, unknown.errors?.[0]?.message]).toEqual([
        'Invalid email or password',
        'Invalid email or password',
      ]);
      await withTenant(subject.service.database, first.organizationId, (tx) =>
        tx.user.update({ where: { id: first.userId }, data: { status: 'inactive' } }),
      );
      expect((await login(first.email, PASSWORD, '198.51.100.22')).errors?.[0]?.message).toBe(
        'Invalid email or password',
      );
      const second = await founder('twice-b');
      await withTenant(subject.service.database, second.organizationId, (tx) =>
        tx.user.update({ where: { id: second.userId }, data: { email: first.email } }),
      );
      await withTenant(subject.service.database, first.organizationId, (tx) =>
        tx.user.update({ where: { id: first.userId }, data: { status: 'active' } }),
      );
      const ambiguous = await login(first.email, PASSWORD, '198.51.100.23');
      expect(ambiguous.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        details: { issues: [{ path: 'organizationSlug' }] },
      });
      const chosen = await call<LoginAnswer>({}, LOGIN, {
        input: { email: first.email, password: PASSWORD, organizationSlug: second.slug },
      });
      expect(chosen.data?.login.__typename).toBe('AuthPayload');
    });
  });

  describe('throttling', () => {
    it('delays, then locks an account after repeated failures; the right password is refused during the lock', async () => {
      const { email } = await founder('throttle');
      const codes: Array<string | undefined> = [];
      for (let attempt = 0; attempt < 12; attempt += 1) {
        const answer = await login(email, 'not the right password', `203.0.113.${attempt}`);
        codes.push(answer.errors?.[0]?.extensions?.code);
      }
      // Five free failures, then the next attempt comes too soon: refused before the password is checked.
      expect(codes.slice(0, 6)).toEqual(Array(6).fill('UNAUTHENTICATED'));
      expect(codes.slice(6)).toEqual(Array(6).fill('TOO_MANY_REQUESTS'));
      const right = await login(email, PASSWORD, '203.0.113.99');
      expect(right.errors?.[0]?.extensions).toMatchObject({
        code: 'TOO_MANY_REQUESTS',
        details: { retryAfterSeconds: expect.any(Number) as unknown },
      });
      // Let the delay pass (as if time went by) and keep failing until the lock.
      const lockUntil = async () => {
        await subject.service.database.$transaction(async (tx) => {
          await tx.$executeRaw`select set_config('app.throttle', 'on', true)`;
          await tx.signInThrottle.updateMany({
            where: { key: { startsWith: 'account:' } },
            data: { blockedUntil: null },
          });
        });
      };
      for (let attempt = 0; attempt < 4; attempt += 1) {
        await lockUntil();
        await login(email, 'still not the right password', `203.0.113.${50 + attempt}`);
      }
      const locked = await login(email, PASSWORD, '203.0.113.98');
      expect(locked.errors?.[0]?.extensions).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
      const seconds = (locked.errors?.[0]?.extensions?.['details'] as { retryAfterSeconds: number })
        .retryAfterSeconds;
      expect(seconds).toBeGreaterThan(14 * 60);
    });

    it('counts failures per client address too, across accounts', async () => {
      const address = '192.0.2.77';
      for (let attempt = 0; attempt < 21; attempt += 1) {
        await login(`nobody-${attempt}@nowhere.example`, 'wrong wrong wrong', address);
      }
      const { email } = await founder('client-throttle');
      const answer = await login(email, PASSWORD, address);
      expect(answer.errors?.[0]?.extensions?.code).toBe('TOO_MANY_REQUESTS');
      expect((await login(email, PASSWORD, '192.0.2.78')).errors).toBeUndefined();
    });
  });

  describe('sessions', () => {
    it('lists sessions with their device, ends one (its refresh token stops), and signs out everywhere', async () => {
      const { email, organizationId, userId } = await founder('sessions');
      const first = await login(email);
      const second = await login(email);
      const caller = await sessionCaller(organizationId, userId);
      const listed = await call<{
        mySessions: Array<{ id: string; ipAddress: string; userAgent: string; current: boolean }>;
      }>(caller, `{ mySessions { id ipAddress userAgent current } }`);
      // The sign-up's session and the two sign-ins.
      expect(listed.data?.mySessions).toHaveLength(3);
      expect(listed.data?.mySessions[0]).toMatchObject({
        ipAddress: '198.51.100.7',
        userAgent: 'jest',
        current: true,
      });
      const other = listed.data?.mySessions[1]?.id;
      expect(
        (await call(caller, `mutation($id: ID!) { revokeSession(id: $id) }`, { id: other })).data,
      ).toEqual({ revokeSession: true });
      const refreshed = await call({}, REFRESH, { token: first.data?.login.refreshToken });
      expect(refreshed.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const everywhere = await call<{ revokeAllSessions: number }>(caller, `mutation { revokeAllSessions }`);
      expect(everywhere.data?.revokeAllSessions).toBe(2);
      expect(
        (await call({}, REFRESH, { token: second.data?.login.refreshToken })).errors?.[0]?.extensions?.code,
      ).toBe('UNAUTHENTICATED');
      const events = await subject.env.outboxEvents();
      expect(
        events.filter(
          (event) => event.type === 'identity.user.session_revoked.v1' && event.subject === userId,
        ),
      ).toHaveLength(3);
    });

    it('a principal of an ended session is refused (the gateway’s question)', async () => {
      const { email, organizationId, userId } = await founder('ended');
      await login(email);
      const caller = await sessionCaller(organizationId, userId);
      const ask = async () => {
        const key = await importInternalContextPrivateKey(subject.env.internalContextKeys.privateJwk);
        const response = await fetch(`${subject.service.url}${PRINCIPAL_PATH}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [INTERNAL_CONTEXT_HEADER]: await signInternalContext(key, anonymousContext(), { requestId: 'p' }),
          },
          body: JSON.stringify({
            credential: { type: 'user', organizationId, userId, sessionId: caller.sessionId },
          }),
        });
        return response.status;
      };
      expect(await ask()).toBe(200);
      await call(caller, `mutation { revokeAllSessions }`);
      expect(await ask()).toBe(401);
    });
  });

  describe('MFA', () => {
    it('enrol → sign-in needs a code → a recovery code works once', async () => {
      const { email, organizationId, userId } = await founder('mfa');
      const caller = { organizationId, userId };
      const enrolled = await call<{ enrollMfa: { secret: string; otpauthUri: string } }>(
        caller,
        `mutation { enrollMfa { secret otpauthUri } }`,
      );
      const secret = enrolled.data?.enrollMfa.secret ?? '';
      expect(enrolled.data?.enrollMfa.otpauthUri).toMatch(/^otpauth:\/\/totp\//);
      const app = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
      // The secret is stored sealed, never as is.
      const stored = await withTenant(subject.service.database, organizationId, (tx) =>
        tx.user.findUniqueOrThrow({ where: { id: userId } }),
      );
      expect(stored.mfaSecret).not.toContain(secret);
      const wrong = await call(caller, `mutation { confirmMfa(code: "000000") }`);
      expect(wrong.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      const confirmed = await call<{ confirmMfa: string[] }>(
        caller,
        `mutation($code: String!) { confirmMfa(code: $code) }`,
        { code: app.generate() },
      );
      const recovery = confirmed.data?.confirmMfa ?? [];
      expect(recovery).toHaveLength(10);

      const challenge = await login(email);
      expect(challenge.data?.login.__typename).toBe('MfaChallenge');
      const token = challenge.data?.login.challengeToken;
      const VERIFY = `mutation($token: String!, $code: String!) { verifyMfa(input: { challengeToken: $token, code: $code }) { accessToken } }`;
      expect((await call({}, VERIFY, { token, code: '123456' })).errors?.[0]?.extensions?.code).toBe(
        'UNAUTHENTICATED',
      );
      const verified = await call<{ verifyMfa: { accessToken: string } }>({}, VERIFY, {
        token,
        code: app.generate(),
      });
      expect(verified.data?.verifyMfa.accessToken).toEqual(expect.any(String));
      // A challenge works once.
      expect((await call({}, VERIFY, { token, code: app.generate() })).errors?.[0]?.extensions?.code).toBe(
        'UNAUTHENTICATED',
      );

      const withRecovery = await login(email);
      const used = await call({}, VERIFY, {
        token: withRecovery.data?.login.challengeToken,
        code: recovery[0]?.toUpperCase(),
      });
      expect(used.errors).toBeUndefined();
      const again = await login(email);
      const reused = await call({}, VERIFY, { token: again.data?.login.challengeToken, code: recovery[0] });
      expect(reused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

      expect(
        (await call(caller, `mutation { disableMfa(password: "wrong password!!") }`)).errors?.[0]?.extensions
          ?.code,
      ).toBe('BAD_USER_INPUT');
      expect(
        (await call(caller, `mutation($p: String!) { disableMfa(password: $p) }`, { p: PASSWORD })).data,
      ).toEqual({ disableMfa: true });
      expect((await login(email)).data?.login.__typename).toBe('AuthPayload');
    });
  });

  describe('passwords', () => {
    it('changes the password with the current one; other sessions end, this one stays', async () => {
      const { email, organizationId, userId } = await founder('change');
      const other = await login(email);
      await login(email);
      const caller = await sessionCaller(organizationId, userId);
      const CHANGE = `mutation($input: ChangePasswordInput!) { changePassword(input: $input) }`;
      const wrong = await call(caller, CHANGE, {
        input: { currentPassword: 'wrong password!!', newPassword: 'a brand new passphrase' },
      });
      expect(wrong.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        details: { issues: [{ path: 'currentPassword' }] },
      });
      expect(
        (
          await call(caller, CHANGE, {
            input: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' },
          })
        ).data,
      ).toEqual({
        changePassword: true,
      });
      expect(
        (await call({}, REFRESH, { token: other.data?.login.refreshToken })).errors?.[0]?.extensions?.code,
      ).toBe('UNAUTHENTICATED');
      const sessions = await call<{ mySessions: unknown[] }>(caller, `{ mySessions { id } }`);
      expect(sessions.data?.mySessions).toHaveLength(1);
      expect((await login(email)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect((await login(email, 'a brand new passphrase')).errors).toBeUndefined();
    });

    it('resets a forgotten password by emailed link, once; unknown emails get the same answer', async () => {
      const { email } = await founder('reset');
      const REQUEST = `mutation($email: String!) { requestPasswordReset(input: { email: $email }) }`;
      expect((await call({}, REQUEST, { email: 'nobody@nowhere.example' })).data).toEqual({
        requestPasswordReset: true,
      });
      expect((await call({}, REQUEST, { email })).data).toEqual({ requestPasswordReset: true });
      const [mail] = (await emailsTo(subject.env, email)).filter(
        (sent) => sent.template === 'password_reset',
      );
      expect(mail?.variables['resetUrl']).toMatch(/^https:\/\/app\.crm\.example\/reset-password\?token=otk_/);
      const RESET = `mutation($token: String!) { resetPassword(input: { token: $token, newPassword: "reset passphrase 2026" }) }`;
      expect((await call({}, RESET, { token: mail?.variables['token'] })).data).toEqual({
        resetPassword: true,
      });
      expect((await call({}, RESET, { token: mail?.variables['token'] })).errors?.[0]?.extensions?.code).toBe(
        'UNAUTHENTICATED',
      );
      expect((await login(email, 'reset passphrase 2026')).errors).toBeUndefined();
    });
  });
});
