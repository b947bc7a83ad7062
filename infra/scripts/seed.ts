/**
 * The demo organization `npm run platform -- --seed` creates through the public graph: an
 * organization with its founder, a few contacts, an active welcome workflow and an invited colleague. Idempotent: when the
 * demo founder can sign in, nothing is created again.
 */
export const DEMO = {
  organizationName: 'Demo Realty',
  organizationSlug: 'demo-realty',
  vertical: 'real_estate',
  email: 'demo@example.com',
  password: 'demo-password-change-me',
  givenName: 'Dana',
  familyName: 'Demo',
} as const;

const CONTACTS = [
  {
    givenName: 'Ada',
    familyName: 'Lovelace',
    email: 'ada@example.com',
    relationshipState: 'Client',
    tags: ['vip'],
  },
  { givenName: 'Grace', familyName: 'Hopper', phone: '+15551234567', relationshipState: 'Prospect' },
  { givenName: 'Alan', familyName: 'Turing', relationshipState: 'Lead', tags: ['referral'] },
];

interface GraphQLResult<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

async function call<T>(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  token?: string,
): Promise<GraphQLResult<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLResult<T>;
}

function dataOf<T>(what: string, result: GraphQLResult<T>): T {
  if (!result.data || result.errors?.length) {
    throw new Error(
      `seeding failed at ${what}: ${result.errors?.map((error) => error.message).join('; ') ?? 'no data'}`,
    );
  }
  return result.data;
}

export async function seedDemo(graphqlUrl: string): Promise<void> {
  const login = await call<{ login: { accessToken: string } }>(
    graphqlUrl,
    `mutation($input: LoginInput!) { login(input: $input) { ... on AuthPayload { accessToken } } }`,
    { input: { email: DEMO.email, password: DEMO.password, organizationSlug: DEMO.organizationSlug } },
  );
  if (login.data?.login.accessToken) {
    process.stderr.write(`[platform] demo organization already seeded (${DEMO.email} / ${DEMO.password})\n`);
    return;
  }
  const { signUp } = dataOf(
    'signUp',
    await call<{ signUp: { accessToken: string } }>(
      graphqlUrl,
      `mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }`,
      { input: DEMO },
    ),
  );
  const token = signUp.accessToken;
  dataOf(
    'createWorkflow',
    await call(
      graphqlUrl,
      `mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { id } }`,
      {
        input: { name: 'Welcome new contacts', triggerEventType: 'crm.contact.created.v1', status: 'active' },
      },
      token,
    ),
  );
  for (const contact of CONTACTS) {
    dataOf(
      'createContact',
      await call(
        graphqlUrl,
        `mutation($input: CreateContactInput!) { createContact(input: $input) { id } }`,
        { input: contact },
        token,
      ),
    );
  }
  // A colleague invited as an agent: the invitation waits in the local mailbox (automation's default
  // email provider) for whoever tries the invitation flow.
  dataOf(
    'inviteUser',
    await call(
      graphqlUrl,
      `mutation($input: InviteUserInput!) { inviteUser(input: $input) { id } }`,
      { input: { email: DEMO_INVITEE, roles: ['agent'], givenName: 'Sam' } },
      token,
    ),
  );
  process.stderr.write(
    `[platform] seeded the demo organization "${DEMO.organizationName}": sign in as ${DEMO.email} / ${DEMO.password}\n` +
      `[platform] ${DEMO_INVITEE} is invited: the email is at automation's /local-mailbox/messages?to=${DEMO_INVITEE}\n`,
  );
}

/** The colleague the demo organization invites (the invitation sits in the local mailbox). */
export const DEMO_INVITEE = 'sam@example.com';
