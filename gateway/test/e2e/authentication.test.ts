import { uniqueSignUp } from './seed';
import { startTestPlatform, type TestPlatform } from './platform';

const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { ... on AuthPayload { accessToken refreshToken expiresIn user { email } } } }`;
const REFRESH = `mutation($input: RefreshTokenInput!) { refreshToken(input: $input) { accessToken refreshToken } }`;

interface Tokens {
  accessToken: string;
  refreshToken: string;
}

describe('authentication through the gateway', () => {
  let platform: TestPlatform;
  let account: ReturnType<typeof uniqueSignUp>;
  let session: Tokens;

  beforeAll(async () => {
    platform = await startTestPlatform();
    account = uniqueSignUp('Auth');
    const signedUp = await platform.graphql<{ signUp: Tokens }>(
      `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken refreshToken } }`,
      { input: account },
    );
    if (!signedUp.data) throw new Error(JSON.stringify(signedUp.errors));
    session = signedUp.data.signUp;
  }, 120_000);

  afterAll(async () => {
    await platform.close();
  });

  it('signs in with the right password and refuses a wrong one or an unknown email alike', async () => {
    const ok = await platform.graphql<{ login: Tokens & { expiresIn: number; user: { email: string } } }>(
      LOGIN,
      {
        input: { email: account.email.toUpperCase(), password: account.password },
      },
    );
    expect(ok.errors).toBeUndefined();
    expect(ok.data?.login.user.email).toBe(account.email);
    expect(ok.data?.login.expiresIn).toBe(900);

    const wrong = await platform.graphql(LOGIN, {
      input: { email: account.email, password: 'not the password' },
    });
    const unknown = await platform.graphql(LOGIN, {
      input: { email: 'nobody@example.com', password: 'whatever it is' },
    });
    for (const result of [wrong, unknown]) {
      expect(result.data).toBeNull();
      expect(result.errors?.map((error) => [error.extensions?.code, error.message])).toEqual([
        ['UNAUTHENTICATED', 'Invalid email or password'],
      ]);
    }
  });

  it('rejects an invalid sign-up with BAD_USER_INPUT naming the fields', async () => {
    const result = await platform.graphql(
      `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }`,
      { input: { ...uniqueSignUp('Bad'), organizationSlug: 'Not A Slug', password: 'short' } },
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const issues = result.errors?.[0]?.extensions?.details as { issues: Array<{ path: string }> } | undefined;
    expect(issues?.issues.map((issue) => issue.path).sort()).toEqual(['organizationSlug', 'password']);
  });

  it('refuses a taken organization slug with CONFLICT', async () => {
    const result = await platform.graphql(
      `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }`,
      { input: { ...uniqueSignUp('Dup'), organizationSlug: account.organizationSlug } },
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('rotates refresh tokens, and a reused one ends the whole session family', async () => {
    const first = await platform.graphql<{ refreshToken: Tokens }>(REFRESH, {
      input: { refreshToken: session.refreshToken },
    });
    expect(first.errors).toBeUndefined();
    const rotated = first.data?.refreshToken;
    if (!rotated) throw new Error('no rotated tokens');
    expect(rotated.refreshToken).not.toBe(session.refreshToken);

    const me = await platform.graphql<{ me: { email: string } }>(`{ me { email } }`, {}, rotated.accessToken);
    expect(me.data?.me.email).toBe(account.email);

    // The old token again: theft is assumed, so the rotated one stops working too.
    const replay = await platform.graphql(REFRESH, { input: { refreshToken: session.refreshToken } });
    expect(replay.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const afterReplay = await platform.graphql(REFRESH, { input: { refreshToken: rotated.refreshToken } });
    expect(afterReplay.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('answers an invalid bearer token with 401 and `me` without one with UNAUTHENTICATED', async () => {
    const forged = await platform.graphql(`{ me { email } }`, {}, `${session.accessToken.slice(0, -4)}AAAA`);
    expect(forged.status).toBe(401);
    expect(forged.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const anonymous = await platform.graphql(`{ me { email } }`);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
