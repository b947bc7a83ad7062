import { startTestPlatform, type TestPlatform } from './platform';
import { seeds } from './seed';

// A to-do story through the gateway: tasks on a contact and an onboarding checklist of a client
// company, the checklist reordered, a task completed, and "my open tasks" and the checklist read back
// in one query with their contacts (crm) and assignees (identity).

const STORY = /* GraphQL */ `
  query TaskStory($companyId: ID!) {
    myOpenTasks {
      totalCount
      edges {
        node {
          title
          dueAt
          assignee {
            email
          }
          contact {
            displayName
            tasks {
              totalCount
            }
          }
        }
      }
    }
    checklist(companyId: $companyId, stage: "Onboarding") {
      title
      sortOrder
      status
      completedBy {
        email
      }
    }
  }
`;

describe('tasks through the gateway', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform();
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
  });

  it('creates tasks on a contact and a checklist, reorders and completes, and reads both back in one query', async () => {
    const { admin } = await seeds(platform).organization('Tasks');
    const ada = await admin.contact({ givenName: 'Ada', familyName: 'Lovelace' });
    const companyId = '6f1d2c3b-4a59-4e8f-9d7c-1b2a3c4d5e6f';
    await admin.task({ title: 'Send the contract', contactId: ada.id, assigneeId: admin.userId });
    await admin.task({
      title: 'Call about the invoice',
      contactId: ada.id,
      assigneeId: admin.userId,
      dueAt: '2026-12-01T09:00:00.000Z',
    });
    const steps = [];
    for (const title of ['Kick-off call', 'Collect brand assets', 'Set up tracking'])
      steps.push(await admin.task({ title, companyId, stage: 'Onboarding' }));
    expect(steps.map((step) => step.sortOrder)).toEqual([0, 1, 2]);

    const run = <T>(query: string, variables: Record<string, unknown>) =>
      platform.graphql<T>(query, variables, admin.accessToken);
    const moved = await run<{ moveTask: { sortOrder: number } }>(
      `mutation ($id: ID!) { moveTask(id: $id, position: 0) { sortOrder } }`,
      { id: steps[2]?.id },
    );
    expect(moved.data?.moveTask.sortOrder).toBe(0);
    const completed = await run<{ completeTask: { status: string } }>(
      `mutation ($id: ID!) { completeTask(id: $id) { status } }`,
      { id: steps[0]?.id },
    );
    expect(completed.data?.completeTask.status).toBe('completed');
    const again = await run(`mutation ($id: ID!) { completeTask(id: $id) { status } }`, { id: steps[0]?.id });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');

    const story = await run(STORY, { companyId });
    expect(story.errors).toBeUndefined();
    const adaView = { displayName: 'Ada Lovelace', tasks: { totalCount: 2 } };
    expect(story.data).toEqual({
      myOpenTasks: {
        totalCount: 2,
        edges: [
          {
            node: {
              title: 'Call about the invoice',
              dueAt: '2026-12-01T09:00:00.000Z',
              assignee: { email: admin.email },
              contact: adaView,
            },
          },
          {
            node: {
              title: 'Send the contract',
              dueAt: null,
              assignee: { email: admin.email },
              contact: adaView,
            },
          },
        ],
      },
      checklist: [
        { title: 'Set up tracking', sortOrder: 0, status: 'open', completedBy: null },
        { title: 'Kick-off call', sortOrder: 1, status: 'completed', completedBy: { email: admin.email } },
        { title: 'Collect brand assets', sortOrder: 2, status: 'open', completedBy: null },
      ],
    });
  });

  it('keeps another organization’s task out of reach', async () => {
    const [{ admin: owner }, { admin: stranger }] = await Promise.all([
      seeds(platform).organization('TaskOwner'),
      seeds(platform).organization('TaskStranger'),
    ]);
    const task = await owner.task({ stage: 'Onboarding' });
    const read = await platform.graphql(
      `query ($id: ID!) { task(id: $id) { id } }`,
      { id: task.id },
      stranger.accessToken,
    );
    expect(read.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // The stranger's checklist of the same stage is its own.
    const list = await platform.graphql<{ checklist: unknown[] }>(
      `{ checklist(stage: "Onboarding") { id } }`,
      {},
      stranger.accessToken,
    );
    expect(list.data?.checklist).toEqual([]);
  });
});
