import { startTestPlatform, type TestPlatform } from './platform';
import { seeds } from './seed';

// A support story through the gateway: a ticket opened on a contact, worked with an internal and a
// client-facing note, moved through its statuses, and read back in one query with its notes, its
// contact (crm) and the people on it (identity).

const STORY = /* GraphQL */ `
  query TicketStory($id: ID!) {
    ticket(id: $id) {
      number
      title
      status
      priority
      resolutionNotes
      resolvedBy {
        id
        email
      }
      assignee {
        id
        email
      }
      contact {
        id
        displayName
        tickets {
          totalCount
          edges {
            node {
              id
            }
          }
        }
      }
      all: notes {
        totalCount
        edges {
          node {
            content
            isInternal
            addedBy {
              id
              email
            }
          }
        }
      }
      clientFacing: notes(visibility: CLIENT_FACING) {
        totalCount
        edges {
          node {
            content
          }
        }
      }
    }
  }
`;

describe('tickets through the gateway', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform();
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
  });

  it('opens a ticket on a contact, notes it, moves it to resolved, and reads it back in one query', async () => {
    const { admin } = await seeds(platform).organization('Tickets');
    const ada = await admin.contact({ givenName: 'Ada', familyName: 'Lovelace' });
    const ticket = await admin.ticket({
      title: 'Newsletter campaign bounced',
      description: 'Half the list bounced yesterday.',
      category: 'campaign',
      priority: 'high',
      contactId: ada.id,
      assigneeId: admin.userId,
    });
    expect(ticket.number).toBe(1);
    await admin.ticketNote(ticket.id, { content: 'Their DNS lost the SPF record.', isInternal: true });
    await admin.ticketNote(ticket.id, { content: 'We are on it.', isInternal: false });

    const move = (status: string, resolutionNotes?: string) =>
      platform.graphql<{ setTicketStatus: { status: string } }>(
        `mutation ($id: ID!, $status: TicketStatus!, $notes: String) {
          setTicketStatus(id: $id, status: $status, resolutionNotes: $notes) { status }
        }`,
        { id: ticket.id, status, notes: resolutionNotes },
        admin.accessToken,
      );
    expect((await move('in_progress')).data?.setTicketStatus.status).toBe('in_progress');
    expect((await move('waiting_client')).data?.setTicketStatus.status).toBe('waiting_client');
    // Back to new is no move the machine knows.
    const refused = await move('new');
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      details: { from: 'waiting_client', to: 'new' },
    });
    expect((await move('resolved', 'Client re-added the SPF record.')).data?.setTicketStatus.status).toBe(
      'resolved',
    );

    const story = await platform.graphql(STORY, { id: ticket.id }, admin.accessToken);
    expect(story.errors).toBeUndefined();
    expect(story.data).toEqual({
      ticket: {
        number: 1,
        title: 'Newsletter campaign bounced',
        status: 'resolved',
        priority: 'high',
        resolutionNotes: 'Client re-added the SPF record.',
        resolvedBy: { id: admin.userId, email: admin.email },
        assignee: { id: admin.userId, email: admin.email },
        contact: {
          id: ada.id,
          displayName: 'Ada Lovelace',
          tickets: { totalCount: 1, edges: [{ node: { id: ticket.id } }] },
        },
        all: {
          totalCount: 2,
          edges: [
            {
              node: {
                content: 'We are on it.',
                isInternal: false,
                addedBy: { id: admin.userId, email: admin.email },
              },
            },
            {
              node: {
                content: 'Their DNS lost the SPF record.',
                isInternal: true,
                addedBy: { id: admin.userId, email: admin.email },
              },
            },
          ],
        },
        clientFacing: { totalCount: 1, edges: [{ node: { content: 'We are on it.' } }] },
      },
    });
  });

  it('keeps another organization’s ticket out of reach', async () => {
    const [{ admin: owner }, { admin: stranger }] = await Promise.all([
      seeds(platform).organization('TicketOwner'),
      seeds(platform).organization('TicketStranger'),
    ]);
    const ticket = await owner.ticket();
    const read = await platform.graphql(
      `query ($id: ID!) { ticket(id: $id) { id } }`,
      { id: ticket.id },
      stranger.accessToken,
    );
    expect(read.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // The stranger's own numbering starts at 1.
    expect((await stranger.ticket()).number).toBe(1);
  });
});
