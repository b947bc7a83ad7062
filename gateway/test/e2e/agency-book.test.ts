import { startTestPlatform, type TestPlatform } from './platform';
import { seeds, type Member } from './seed';

// An agency's book of business through the gateway, as its people build it and as its frontend reads
// it back: client accounts (companies) moved through the agency's stages with their people assigned,
// contacts at those companies, a sales pipeline with deals, the conversations logged on the contacts'
// timelines, onboarding checklists, support tickets with internal and client-facing notes, and a
// contact's consent. Each screen is one query.

const CLIENTS_SCREEN = /* GraphQL */ `
  query Clients {
    companies(first: 10, orderBy: [{ field: NAME }]) {
      totalCount
      edges {
        node {
          name
          domain
          accountStage
          daysInStage
          healthStatus
          totalSpend
          stageHistory(first: 5) {
            totalCount
            edges {
              node {
                fromStage
                toStage
                movedBy {
                  id
                }
                notes
              }
            }
          }
          assignments(first: 5) {
            edges {
              node {
                role
                user {
                  id
                  email
                }
              }
            }
          }
          contacts(first: 5) {
            totalCount
            edges {
              node {
                displayName
              }
            }
          }
          deals(first: 5) {
            totalCount
            edges {
              node {
                name
                amount
                status
              }
            }
          }
        }
      }
    }
  }
`;

const CONTACT_SCREEN = /* GraphQL */ `
  query ContactScreen($id: ID!) {
    contact(id: $id) {
      displayName
      email
      phones {
        number
        isPrimary
      }
      companyId
      lastInteractionAt
      owner {
        id
        email
      }
      interactions(first: 5) {
        totalCount
        edges {
          node {
            type
            direction
            subject
            content
            occurredAt
          }
        }
      }
      deals(first: 5) {
        edges {
          node {
            name
            stage {
              name
            }
          }
        }
      }
      tasks(first: 5) {
        totalCount
        edges {
          node {
            title
            status
          }
        }
      }
      tickets(first: 5) {
        totalCount
        edges {
          node {
            number
            title
            status
          }
        }
      }
      consents {
        purpose
        status
      }
    }
  }
`;

const PIPELINE_SCREEN = /* GraphQL */ `
  query Board {
    pipelineBoard {
      pipeline {
        name
      }
      columns {
        stage {
          name
          kind
        }
        dealCount
        totals {
          currency
          amount
          weightedAmount
        }
        deals {
          name
        }
      }
    }
  }
`;

const MY_DAY_SCREEN = /* GraphQL */ `
  query MyDay($stage: String!, $companyId: ID) {
    myOpenTasks(first: 10) {
      totalCount
      edges {
        node {
          title
          dueAt
        }
      }
    }
    checklist(stage: $stage, companyId: $companyId) {
      title
      sortOrder
      status
    }
    tickets(first: 10, filter: { status: [new, in_progress] }) {
      totalCount
      edges {
        node {
          number
          title
          priority
          notes(first: 5) {
            totalCount
            edges {
              node {
                content
                isInternal
              }
            }
          }
        }
      }
    }
  }
`;

describe('an agency’s book, built and read back through the gateway', () => {
  let platform: TestPlatform;
  let admin: Member;

  beforeAll(async () => {
    platform = await startTestPlatform();
    ({ admin } = await seeds(platform).organization('Agencybook'));
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
  });

  it('tells the story of two client accounts, their people, deals, conversations, checklists and tickets', async () => {
    const colleague = await admin.invite(['manager'], 'account-manager');

    // Client accounts, moved through the agency's stages.
    const company = async (input: Record<string, unknown>) =>
      (
        await admin.run<{ createCompany: { id: string } }>(
          `mutation ($input: CreateCompanyInput!) { createCompany(input: $input) { id } }`,
          { input },
        )
      ).createCompany.id;
    const acme = await company({ name: 'Acme Dental', domain: 'acme-dental.example', industry: 'Health' });
    const birch = await company({ name: 'Birch Realty', domain: 'birch.example', industry: 'Real estate' });
    await admin.run(
      `mutation ($id: ID!) { moveCompanyStage(id: $id, stage: "Installation", notes: "Kick-off done") { id } }`,
      { id: acme },
    );
    await admin.run(
      `mutation ($companyId: ID!, $userId: ID!) {
        assignUserToCompany(companyId: $companyId, userId: $userId, role: owner) { id }
      }`,
      { companyId: acme, userId: colleague.userId },
    );

    // Their people.
    const dana = await admin.contact({
      givenName: 'Dana',
      familyName: 'Molar',
      email: 'dana@acme-dental.example',
      phones: [{ number: '+15550100001', type: 'work' }],
      companyId: acme,
      relationshipState: 'Client',
    });
    const eli = await admin.contact({ givenName: 'Eli', familyName: 'Birch', companyId: birch });

    // A sales pipeline with deals.
    await admin.run(`mutation { createPipeline(input: { name: "New business", isDefault: true }) { id } }`);
    const deal = async (input: Record<string, unknown>) =>
      (
        await admin.run<{ createDeal: { id: string; version: number; stage: { id: string } } }>(
          `mutation ($input: CreateDealInput!) { createDeal(input: $input) { id version stage { id } } }`,
          { input: { currency: 'USD', ...input } },
        )
      ).createDeal;
    const retainer = await deal({
      name: 'Acme retainer',
      amount: '12000',
      contactId: dana.id,
      companyId: acme,
    });
    await deal({ name: 'Birch ads', amount: '4500.50', contactId: eli.id, companyId: birch });
    const board = await admin.run<{
      pipelineBoard: { columns: Array<{ stage: { id: string; name: string } }> };
    }>(`{ pipelineBoard { columns { stage { id name } } } }`);
    const proposal = board.pipelineBoard.columns.find((column) => column.stage.name === 'Proposal');
    await admin.run(
      `mutation ($id: ID!, $stageId: ID!, $version: Int!) { moveDeal(id: $id, stageId: $stageId, expectedVersion: $version) { id } }`,
      { id: retainer.id, stageId: proposal?.stage.id, version: retainer.version },
    );

    // Conversations logged on the timeline.
    await admin.run(
      `mutation ($input: CreateInteractionInput!) { createInteraction(input: $input) { id } }`,
      {
        input: {
          contactId: dana.id,
          type: 'Call',
          direction: 'Outbound',
          channel: 'Phone',
          subject: 'Onboarding call',
          content: 'Walked Dana through the install.',
          occurredAt: '2026-11-20T15:00:00.000Z',
        },
      },
    );
    await admin.run(
      `mutation ($input: CreateInteractionInput!) { createInteraction(input: $input) { id } }`,
      {
        input: {
          contactId: dana.id,
          type: 'Email',
          direction: 'Inbound',
          channel: 'Email',
          subject: 'Thanks!',
          occurredAt: '2026-11-21T09:30:00.000Z',
        },
      },
    );

    // An onboarding checklist for Acme, and a ticket with notes.
    await admin.task({
      title: 'Install pixel',
      companyId: acme,
      stage: 'Installation',
      assigneeId: admin.userId,
      dueAt: '2026-12-01T17:00:00.000Z',
    });
    await admin.task({
      title: 'Verify conversions',
      companyId: acme,
      stage: 'Installation',
      assigneeId: admin.userId,
    });
    const ticket = await admin.ticket({
      title: 'Pixel not firing',
      category: 'technical',
      priority: 'high',
      contactId: dana.id,
      companyId: acme,
    });
    await admin.ticketNote(ticket.id, { content: 'Checked the tag manager', isInternal: true });
    await admin.ticketNote(ticket.id, { content: 'We are on it', isInternal: false });

    // Dana's consent to marketing email.
    await admin.run(
      `mutation ($id: ID!) { setContactConsent(contactId: $id, input: { purpose: email_marketing, status: granted, source: form }) { status } }`,
      { id: dana.id },
    );

    // The client accounts screen.
    const clients = await admin.run<{
      companies: {
        totalCount: number;
        edges: Array<{
          node: {
            name: string;
            accountStage: string;
            healthStatus: string;
            stageHistory: {
              totalCount: number;
              edges: Array<{ node: { fromStage: string | null; toStage: string; notes: string | null } }>;
            };
            assignments: { edges: Array<{ node: { role: string; user: { id: string; email: string } } }> };
            contacts: { totalCount: number; edges: Array<{ node: { displayName: string } }> };
            deals: {
              totalCount: number;
              edges: Array<{ node: { name: string; amount: string; status: string } }>;
            };
          };
        }>;
      };
    }>(CLIENTS_SCREEN);
    expect(clients.companies.totalCount).toBe(2);
    const [acmeRow, birchRow] = clients.companies.edges.map((edge) => edge.node);
    expect(acmeRow).toMatchObject({
      name: 'Acme Dental',
      accountStage: 'Installation',
      healthStatus: 'green',
      contacts: { totalCount: 1, edges: [{ node: { displayName: 'Dana Molar' } }] },
      deals: { totalCount: 1, edges: [{ node: { name: 'Acme retainer', amount: '12000', status: 'open' } }] },
      assignments: {
        edges: [{ node: { role: 'owner', user: { id: colleague.userId, email: colleague.email } } }],
      },
    });
    expect(acmeRow?.stageHistory.edges[0]?.node).toMatchObject({
      fromStage: 'Onboarding',
      toStage: 'Installation',
      notes: 'Kick-off done',
    });
    expect(birchRow).toMatchObject({
      name: 'Birch Realty',
      accountStage: 'Onboarding',
      contacts: { totalCount: 1 },
    });

    // Dana's contact screen.
    const screen = await admin.run<{
      contact: {
        displayName: string;
        email: string;
        companyId: string;
        lastInteractionAt: string;
        interactions: { totalCount: number; edges: Array<{ node: { type: string; subject: string } }> };
        deals: { edges: Array<{ node: { name: string; stage: { name: string } } }> };
        tasks: { totalCount: number };
        tickets: { totalCount: number; edges: Array<{ node: { number: number; title: string } }> };
        consents: Array<{ purpose: string; status: string }>;
      };
    }>(CONTACT_SCREEN, { id: dana.id });
    expect(screen.contact).toMatchObject({
      displayName: 'Dana Molar',
      email: 'dana@acme-dental.example',
      companyId: acme,
      lastInteractionAt: '2026-11-21T09:30:00.000Z',
      interactions: {
        totalCount: 2,
        edges: [
          { node: { type: 'Email', subject: 'Thanks!' } },
          { node: { type: 'Call', subject: 'Onboarding call' } },
        ],
      },
      deals: { edges: [{ node: { name: 'Acme retainer', stage: { name: 'Proposal' } } }] },
      tickets: { totalCount: 1, edges: [{ node: { number: 1, title: 'Pixel not firing' } }] },
      consents: [{ purpose: 'email_marketing', status: 'granted' }],
    });

    // The pipeline board.
    const pipeline = await admin.run<{
      pipelineBoard: {
        pipeline: { name: string };
        columns: Array<{
          stage: { name: string };
          dealCount: number;
          totals: Array<{ currency: string; amount: string }>;
          deals: Array<{ name: string }>;
        }>;
      };
    }>(PIPELINE_SCREEN);
    expect(pipeline.pipelineBoard.pipeline.name).toBe('New business');
    const columns = Object.fromEntries(
      pipeline.pipelineBoard.columns.map((column) => [column.stage.name, column]),
    );
    expect(columns['Proposal']).toMatchObject({
      dealCount: 1,
      totals: [{ currency: 'USD', amount: '12000' }],
      deals: [{ name: 'Acme retainer' }],
    });
    expect(columns['Qualification']).toMatchObject({
      dealCount: 1,
      totals: [{ currency: 'USD', amount: '4500.5' }],
    });

    // My day: open tasks by due date, Acme's installation checklist, open tickets with their notes.
    const day = await admin.run<{
      myOpenTasks: { totalCount: number; edges: Array<{ node: { title: string } }> };
      checklist: Array<{ title: string; sortOrder: number }>;
      tickets: { totalCount: number; edges: Array<{ node: { notes: { totalCount: number } } }> };
    }>(MY_DAY_SCREEN, { stage: 'Installation', companyId: acme });
    expect(day.myOpenTasks.edges.map((edge) => edge.node.title)).toEqual([
      'Install pixel',
      'Verify conversions',
    ]);
    expect(day.checklist.map((task) => [task.title, task.sortOrder])).toEqual([
      ['Install pixel', 0],
      ['Verify conversions', 1],
    ]);
    expect(day.tickets.totalCount).toBe(1);
    expect(day.tickets.edges[0]?.node.notes.totalCount).toBe(2);
  });
});
