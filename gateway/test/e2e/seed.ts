/**
 * Seed builders for end-to-end tests: data is created the way a user creates it, through the
 * gateway's mutations (so the domain operations run and their events are written), and a test reads
 * like a story:
 *
 * ```ts
 * const seed = seeds(platform);
 * const { org, admin } = await seed.organization();
 * const ada = await admin.contact({ givenName: 'Ada' });
 * await admin.conversation({ contactId: ada.id });
 * ```
 *
 * Every call makes its own tenant or data: tests never share any.
 */
import type { GraphQLTestError } from '@platform/service-kit/testing';

/** Whatever runs operations through the gateway: the in-process test platform, or a client of a running one. */
export interface GraphQLCaller {
  graphql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<{ status: number; data?: T | null; errors?: GraphQLTestError[] }>;
  /** The local mailbox's messages for an address, newest first (invitations arrive there). */
  mailbox?(to: string): Promise<Array<{ subject: string; text: string }>>;
}

/** The single-use token in an emailed link (`…?token=<token>`). */
export function tokenFromEmail(text: string): string {
  const match = /[?&]token=([A-Za-z0-9_-]+)/.exec(text);
  if (!match?.[1]) throw new Error(`no token link in the email: ${text}`);
  return match[1];
}

const PASSWORD = 'correct horse battery staple';

let counter = 0;

/** A sign-up input no other test uses (organization name and slug, founder email). */
export function uniqueSignUp(label: string) {
  counter += 1;
  const suffix = `${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 6)}`;
  return {
    organizationName: `${label} ${suffix}`,
    organizationSlug: `${label}-${suffix}`.toLowerCase(),
    email: `founder-${suffix}@example.com`,
    password: PASSWORD,
    givenName: 'Founder',
    familyName: label,
  };
}

/** What the seeds read of a new session: its tokens and who it is for. */
const SESSION = /* GraphQL */ `
  accessToken
  refreshToken
  user {
    id
    email
    organization {
      id
      name
      slug
    }
  }
`;

const LOGIN = `mutation SeedLogin($input: LoginInput!) { login(input: $input) { ... on AuthPayload { ${SESSION} } } }`;
const ACCEPT = `mutation SeedAccept($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { ${SESSION} } }`;
const SIGN_UP = `mutation SeedSignUp($input: SignUpInput!) { signUp(input: $input) { ${SESSION} } }`;

interface SignUpPayload {
  signUp: {
    accessToken: string;
    refreshToken: string;
    user: { id: string; email: string; organization: { id: string; name: string; slug: string } };
  };
}

/** A signed-in user of a seeded organization, acting through the gateway. */
export interface Member {
  userId: string;
  email: string;
  organizationId: string;
  accessToken: string;
  refreshToken: string;
  password: string;
  /** Runs an operation as this user; fails the test on any GraphQL error. */
  run<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** A contact created by this user (a given name is made up when none is given). */
  contact(input?: Record<string, unknown>): Promise<{ id: string; givenName: string }>;
  /** A conversation opened by this user (on chat unless a platform is given). */
  conversation(input?: Record<string, unknown>): Promise<{ id: string }>;
  /** A ticket opened by this user (a general one with a made-up title unless told otherwise). */
  ticket(input?: Record<string, unknown>): Promise<{ id: string; number: number }>;
  /** A task created by this user (a made-up title unless told otherwise). */
  task(input?: Record<string, unknown>): Promise<{ id: string; sortOrder: number | null }>;
  /** A deal pipeline created by this user (a made-up name and the default stages unless told otherwise). */
  pipeline(input?: Record<string, unknown>): Promise<{ id: string; stages: Array<{ id: string }> }>;
  /** A deal created by this user (in the default pipeline with a made-up name unless told otherwise). */
  deal(input?: Record<string, unknown>): Promise<{ id: string; version: number }>;
  /** A company (client account) created by this user (a made-up name unless told otherwise). */
  company(input?: Record<string, unknown>): Promise<{ id: string; accountStage: string }>;
  /** A note added by this user to a ticket (client-facing unless told otherwise). */
  ticketNote(ticketId: string, input?: Record<string, unknown>): Promise<{ id: string }>;
  /** An interaction recorded by this user on a contact's timeline (an outbound note unless told otherwise). */
  interaction(contactId: string, input?: Record<string, unknown>): Promise<{ id: string }>;
  /**
   * A colleague invited by this user with `roles`, who accepted the invitation from the email in the
   * local mailbox and is signed in.
   */
  invite(roles: string[], label?: string): Promise<Member>;
  /** A workflow (draft unless `status` is given), triggered by new contacts unless told otherwise. */
  workflow(
    input?: Record<string, unknown>,
    status?: 'active' | 'paused' | 'archived',
  ): Promise<{ id: string; status: string }>;
}

export interface SeededOrganization {
  org: { id: string; name: string; slug: string };
  admin: Member;
}

export function seeds(platform: GraphQLCaller) {
  function member(payload: SignUpPayload['signUp'], password: string): Member {
    const run = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
      const result = await platform.graphql<T>(query, variables, payload.accessToken);
      if (result.errors?.length || !result.data) {
        throw new Error(`seed operation failed: ${JSON.stringify(result.errors ?? result.status)}`);
      }
      return result.data;
    };
    let made = 0;
    return {
      userId: payload.user.id,
      email: payload.user.email,
      organizationId: payload.user.organization.id,
      accessToken: payload.accessToken,
      refreshToken: payload.refreshToken,
      password,
      run,
      async contact(input = {}) {
        made += 1;
        const data = await run<{ createContact: { id: string; givenName: string } }>(
          `mutation ($input: CreateContactInput!) { createContact(input: $input) { id givenName } }`,
          { input: { givenName: `Contact ${made}`, ...input } },
        );
        return data.createContact;
      },
      async conversation(input = {}) {
        const data = await run<{ startConversation: { id: string } }>(
          `mutation ($input: StartConversationInput!) { startConversation(input: $input) { id } }`,
          { input: { platform: 'chat', ...input } },
        );
        return data.startConversation;
      },
      async ticket(input = {}) {
        made += 1;
        const data = await run<{ openTicket: { id: string; number: number } }>(
          `mutation ($input: OpenTicketInput!) { openTicket(input: $input) { id number } }`,
          {
            input: {
              title: `Ticket ${made}`,
              description: `What ticket ${made} is about.`,
              category: 'general',
              ...input,
            },
          },
        );
        return data.openTicket;
      },
      async task(input = {}) {
        made += 1;
        const data = await run<{ createTask: { id: string; sortOrder: number | null } }>(
          `mutation ($input: CreateTaskInput!) { createTask(input: $input) { id sortOrder } }`,
          { input: { title: `Task ${made}`, ...input } },
        );
        return data.createTask;
      },
      async pipeline(input = {}) {
        made += 1;
        const data = await run<{ createPipeline: { id: string; stages: Array<{ id: string }> } }>(
          `mutation ($input: CreatePipelineInput!) { createPipeline(input: $input) { id stages { id } } }`,
          { input: { name: `Pipeline ${made}`, ...input } },
        );
        return data.createPipeline;
      },
      async deal(input = {}) {
        made += 1;
        const data = await run<{ createDeal: { id: string; version: number } }>(
          `mutation ($input: CreateDealInput!) { createDeal(input: $input) { id version } }`,
          { input: { name: `Deal ${made}`, ...input } },
        );
        return data.createDeal;
      },
      async company(input = {}) {
        made += 1;
        const data = await run<{ createCompany: { id: string; accountStage: string } }>(
          `mutation ($input: CreateCompanyInput!) { createCompany(input: $input) { id accountStage } }`,
          { input: { name: `Company ${made}`, ...input } },
        );
        return data.createCompany;
      },
      async ticketNote(ticketId, input = {}) {
        made += 1;
        const data = await run<{ addTicketNote: { id: string } }>(
          `mutation ($ticketId: ID!, $input: AddTicketNoteInput!) { addTicketNote(ticketId: $ticketId, input: $input) { id } }`,
          { ticketId, input: { content: `Note ${made}`, isInternal: false, ...input } },
        );
        return data.addTicketNote;
      },
      async interaction(contactId, input = {}) {
        made += 1;
        const data = await run<{ createInteraction: { id: string } }>(
          `mutation ($input: CreateInteractionInput!) { createInteraction(input: $input) { id } }`,
          {
            input: {
              contactId,
              type: 'Note',
              direction: 'Outbound',
              channel: 'Other',
              subject: `Interaction ${made}`,
              ...input,
            },
          },
        );
        return data.createInteraction;
      },
      async invite(roles, label = roles.join('-') || 'member') {
        made += 1;
        const email = `${label}-${made}-${payload.user.id.slice(0, 8)}@example.com`;
        await run(`mutation($input: InviteUserInput!) { inviteUser(input: $input) { id } }`, {
          input: { email, roles },
        });
        const mailbox = platform.mailbox?.bind(platform);
        if (!mailbox) throw new Error('inviting needs a platform with a mailbox');
        let text: string | undefined;
        for (let attempt = 0; attempt < 600 && !text; attempt += 1) {
          text = (await mailbox(email))[0]?.text;
          if (!text) await new Promise((resolve) => setTimeout(resolve, 50));
        }
        if (!text) throw new Error(`no invitation reached ${email}`);
        const accepted = await platform.graphql<{ acceptInvitation: SignUpPayload['signUp'] }>(ACCEPT, {
          input: { token: tokenFromEmail(text), password: PASSWORD },
        });
        const session = accepted.data?.acceptInvitation;
        if (!session) throw new Error(`accepting the invitation failed: ${JSON.stringify(accepted.errors)}`);
        return member(session, PASSWORD);
      },
      async workflow(input = {}, status) {
        made += 1;
        const created = await run<{ createWorkflow: { id: string; status: string } }>(
          `mutation ($input: CreateWorkflowInput!) { createWorkflow(input: $input) { id status } }`,
          { input: { name: `Workflow ${made}`, triggerEventType: 'crm.contact.created.v1', ...input } },
        );
        if (!status) return created.createWorkflow;
        const changed = await run<{ setWorkflowStatus: { id: string; status: string } }>(
          `mutation ($id: ID!, $status: WorkflowStatus!) { setWorkflowStatus(id: $id, status: $status) { id status } }`,
          { id: created.createWorkflow.id, status },
        );
        return changed.setWorkflowStatus;
      },
    };
  }

  return {
    /** An existing user signed in again with email and password (a session of their own). */
    async signIn(email: string, password: string): Promise<Member> {
      const result = await platform.graphql<{ login: SignUpPayload['signUp'] }>(LOGIN, {
        input: { email, password },
      });
      const payload = result.data?.login;
      if (!payload?.accessToken)
        throw new Error(`sign-in failed: ${JSON.stringify(result.errors ?? result.data)}`);
      return member(payload, password);
    },
    /** A new organization and its founding admin, signed in. */
    async organization(label = 'Seed'): Promise<SeededOrganization> {
      const input = uniqueSignUp(label);
      const result = await platform.graphql<SignUpPayload>(SIGN_UP, { input });
      const payload = result.data?.signUp;
      if (!payload) throw new Error(`seed sign-up failed: ${JSON.stringify(result.errors)}`);
      return { org: payload.user.organization, admin: member(payload, input.password) };
    },
  };
}
