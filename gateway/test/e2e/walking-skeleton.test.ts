import { withTenant } from '@platform/service-kit';
import { eventually } from '@platform/testing';
import { uniqueSignUp } from './seed';
import { startTestPlatform, type TestPlatform } from './platform';

const SIGN_UP = /* GraphQL */ `
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) {
      accessToken
      refreshToken
      tokenType
      user {
        id
        email
        roles
        organization {
          id
          slug
        }
      }
    }
  }
`;

const CREATE_CONTACT = /* GraphQL */ `
  mutation CreateContact($input: CreateContactInput!) {
    createContact(input: $input) {
      id
      givenName
    }
  }
`;

interface SignUpResult {
  signUp: {
    accessToken: string;
    refreshToken: string;
    tokenType: string;
    user: { id: string; email: string; roles: string[]; organization: { id: string; slug: string } };
  };
}

describe('walking skeleton through the gateway', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform();
  }, 120_000);

  afterAll(async () => {
    await platform.close();
  });

  async function signUp(label: string) {
    const input = uniqueSignUp(label);
    const result = await platform.graphql<SignUpResult>(SIGN_UP, { input });
    expect(result.errors).toBeUndefined();
    const payload = result.data?.signUp;
    if (!payload) throw new Error('signUp returned no data');
    return { input, ...payload, token: payload.accessToken };
  }

  async function createContact(token: string, input: Record<string, unknown>): Promise<string> {
    const result = await platform.graphql<{ createContact: { id: string } }>(
      CREATE_CONTACT,
      { input },
      token,
    );
    expect(result.errors).toBeUndefined();
    const id = result.data?.createContact.id;
    if (!id) throw new Error('createContact returned no id');
    return id;
  }

  it('signs up, and the Kafka-driven provisioning gives the organization the free plan', async () => {
    const founder = await signUp('Acme');
    expect(founder.tokenType).toBe('Bearer');
    expect(founder.user.roles).toEqual(['owner', 'admin']);
    expect(founder.user.organization.slug).toBe(founder.input.organizationSlug);

    const planId = await eventually('the free subscription', async () => {
      const result = await platform.graphql<{
        me: { organization: { subscription: { plan: { id: string }; status: string } | null } };
      }>(`{ me { organization { subscription { status plan { id } } } } }`, {}, founder.token);
      expect(result.errors).toBeUndefined();
      return result.data?.me.organization.subscription?.plan.id;
    });
    expect(planId).toBe('free');
  });

  it('resolves a contact across crm, identity and conversations', async () => {
    const founder = await signUp('Globex');
    await createContact(founder.token, {
      givenName: 'Ada',
      familyName: 'Lovelace',
      email: 'ada@example.com',
    });

    const result = await platform.graphql<{
      me: {
        organization: {
          contacts: {
            totalCount: number;
            edges: Array<{
              node: { givenName: string; owner: { email: string }; conversations: { totalCount: number } };
            }>;
          };
        };
      };
    }>(
      `{ me { organization { contacts(first: 10) { totalCount edges { node {
          givenName owner { email } conversations { totalCount } } } } } } }`,
      {},
      founder.token,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.me.organization.contacts).toEqual({
      totalCount: 1,
      edges: [
        {
          node: { givenName: 'Ada', owner: { email: founder.input.email }, conversations: { totalCount: 0 } },
        },
      ],
    });
  });

  it('counts a conversation started with a contact', async () => {
    const founder = await signUp('Initech');
    const contactId = await createContact(founder.token, { givenName: 'Peter' });
    const started = await platform.graphql(
      `mutation($input: StartConversationInput!) { startConversation(input: $input) { id platform } }`,
      { input: { contactId, platform: 'email', subject: 'TPS reports' } },
      founder.token,
    );
    expect(started.errors).toBeUndefined();
    const result = await platform.graphql<{ contact: { conversations: { totalCount: number } } }>(
      `query($id: ID!) { contact(id: $id) { conversations { totalCount } } }`,
      { id: contactId },
      founder.token,
    );
    expect(result.data?.contact.conversations.totalCount).toBe(1);
  });

  it('records exactly one run per created contact, also across an automation restart', async () => {
    const founder = await signUp('Umbrella');
    const workflow = await platform.graphql<{ createWorkflow: { id: string; status: string } }>(
      `mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { id status } }`,
      {
        input: { name: 'Welcome new contacts', triggerEventType: 'crm.contact.created.v1', status: 'active' },
      },
      founder.token,
    );
    expect(workflow.errors).toBeUndefined();
    expect(workflow.data?.createWorkflow.status).toBe('active');

    const contactIds: string[] = [];
    for (let index = 0; index < 6; index += 1) {
      contactIds.push(await createContact(founder.token, { givenName: `Before ${index}` }));
    }
    // Stop automation while its consumer is in the middle of the stream, keep producing, restart.
    await platform.restartAutomation();
    for (let index = 0; index < 6; index += 1) {
      contactIds.push(await createContact(founder.token, { givenName: `After ${index}` }));
    }

    const runCounts = await eventually('a run for every contact', async () => {
      const counts: number[] = [];
      for (const id of contactIds) {
        const result = await platform.graphql<{
          contact: { workflowRuns: Array<{ workflow: { id: string } }> };
        }>(
          `query($id: ID!) { contact(id: $id) { workflowRuns { workflow { id } } } }`,
          { id },
          founder.token,
        );
        counts.push(result.data?.contact.workflowRuns.length ?? 0);
      }
      return counts.every((count) => count >= 1) ? counts : undefined;
    });
    expect(runCounts).toEqual(contactIds.map(() => 1));
    const organizationId = founder.user.organization.id;
    const total = await withTenant(platform.automation.database, organizationId, (tx) =>
      tx.workflowRun.count(),
    );
    expect(total).toBe(contactIds.length);
  });
});
