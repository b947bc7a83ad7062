/**
 * The typed client at work: sign in, list the organization's contacts, create one, list again. Every
 * operation's variables and result are types generated from operations/contacts.graphql.
 *
 *   GATEWAY_URL=http://127.0.0.1:4000/graphql EMAIL=demo@example.com PASSWORD=… \
 *     pnpm --filter @platform/client example
 */
import { ContactsDocument, CreateContactDocument, request, SignInDocument, type ContactsQuery } from '../src';

type Contact = NonNullable<ContactsQuery['me']['organization']['contacts']>['edges'][number]['node'];

export interface ExampleResult {
  userId: string;
  before: number;
  created: { id: string; givenName: string | null };
  after: Contact[];
}

export async function contactsExample(
  url: string,
  email: string,
  password: string,
  log: (line: string) => void = () => undefined,
): Promise<ExampleResult> {
  const { login } = await request({ url }, SignInDocument, { input: { email, password } });
  if (login.__typename !== 'AuthPayload') {
    throw new Error('this account has MFA on: finish with verifyMfa (not part of this example)');
  }
  const signedIn = { url, token: login.accessToken };
  log(`signed in as ${login.user.email}`);

  const list = async () => {
    const { me } = await request(signedIn, ContactsDocument, { first: 20 });
    const contacts = me.organization.contacts;
    if (!contacts) throw new Error('this role may not list contacts');
    return contacts;
  };
  const before = await list();
  log(`${before.totalCount} contact(s)`);

  const { createContact } = await request(signedIn, CreateContactDocument, {
    input: {
      givenName: 'Ada',
      familyName: 'Lovelace',
      email: `ada-${Date.now()}@example.com`,
      tags: ['example'],
    },
  });
  log(`created ${createContact.givenName ?? ''} ${createContact.familyName ?? ''} (${createContact.id})`);

  const after = await list();
  for (const { node } of after.edges)
    log(`- ${node.givenName ?? ''} ${node.familyName ?? ''} ${node.email ?? ''}`);
  return {
    userId: login.user.id,
    before: before.totalCount,
    created: createContact,
    after: after.edges.map((edge) => edge.node),
  };
}

if (require.main === module) {
  const { GATEWAY_URL = 'http://127.0.0.1:4000/graphql', EMAIL, PASSWORD } = process.env;
  if (!EMAIL || !PASSWORD) {
    process.stderr.write('set EMAIL and PASSWORD (e.g. the seeded demo account)\n');
    process.exit(2);
  }
  contactsExample(GATEWAY_URL, EMAIL, PASSWORD, (line) => process.stdout.write(`${line}\n`)).catch(
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
