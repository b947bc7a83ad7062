import { randomUUID } from 'node:crypto';
import { insertRows, withTenant, type RawExecutor } from '@platform/service-kit';
import { newTenant, serviceUnderTest, type TestTenant } from '@platform/service-kit/testing';
import { startCrmService } from '../../src/service';
import { sealInteraction } from '../../src/modules/interaction/infra/interaction-pii';
import { cipher, crmOptions, sealed } from '../support';

// Every root list of crm, read a page at a time with its nested fields, sends the same number of SQL
// statements whether the organization holds 10, 100 or 1,000 rows. Rows are written straight into the
// tables (sealed as crm seals them), so the measurement is the read alone.

const SIZES = [10, 100, 1000] as const;

interface Seeded {
  auth: TestTenant;
  contactIds: string[];
}

/** What one list needs: its rows for an organization, and the query that reads a page of it. */
interface ListCase {
  name: string;
  seed(tx: RawExecutor, seeded: Seeded, count: number): Promise<void>;
  query: string;
}

const at = (index: number) => new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString();

const LISTS: ListCase[] = [
  {
    name: 'contacts',
    // The contacts themselves: every organization has them.
    seed: () => Promise.resolve(),
    query: `{ contacts(first: 50, filter: { or: [{ tags: { hasSome: ["even"] } }, { name: { startsWith: "pers" } }] },
      orderBy: [{ field: NAME }]) {
      totalCount edges { cursor node { id displayName email emails { address } owner { id }
        tasks(first: 5) { totalCount edges { node { id } } } tickets(first: 5) { totalCount } } } } }`,
  },
  {
    name: 'tasks',
    seed: async (tx, { auth, contactIds }, count) => {
      await insertRows(
        tx,
        'tasks',
        contactIds.slice(0, count).map((contactId, index) => ({
          id: randomUUID(),
          organization_id: auth.organizationId,
          title: `Task ${index}`,
          contact_id: contactId,
          assignee_id: auth.userId,
          priority: 'medium',
          status: 'open',
          due_at: at(index),
          created_by: auth.userId,
          created_at: at(index),
          updated_at: at(index),
        })),
      );
    },
    query: `{ tasks(first: 50) { totalCount edges { node { id title contact { id displayName } assignee { id } } } }
      myOpenTasks(first: 50) { totalCount edges { node { id } } } }`,
  },
  {
    name: 'tickets',
    seed: async (tx, { auth, contactIds }, count) => {
      const tickets = contactIds.slice(0, count).map((contactId, index) => ({
        id: randomUUID(),
        organization_id: auth.organizationId,
        number: index + 1,
        contact_id: contactId,
        title: `Ticket ${index}`,
        description: 'Broken',
        category: 'technical',
        priority: 'high',
        status: 'new',
        assignee_id: auth.userId,
        time_spent_minutes: 0,
        created_by: auth.userId,
        created_at: at(index),
        updated_at: at(index),
      }));
      await insertRows(tx, 'tickets', tickets);
      await insertRows(
        tx,
        'ticket_notes',
        tickets.map((ticket, index) => ({
          id: randomUUID(),
          organization_id: auth.organizationId,
          ticket_id: ticket.id,
          content: 'Looked at it',
          is_internal: index % 2 === 0,
          added_by: auth.userId,
          created_at: at(index),
        })),
      );
    },
    query: `{ tickets(first: 50) { totalCount edges { node { id number contact { id displayName }
      notes(first: 5) { totalCount edges { node { id content } } } } } } }`,
  },
  {
    name: 'deals',
    seed: async (tx, { auth, contactIds }, count) => {
      const pipelineId = randomUUID();
      const kinds = ['open', 'open', 'open', 'won', 'lost'] as const;
      const stages = kinds.map((kind, position) => ({
        id: randomUUID(),
        organization_id: auth.organizationId,
        pipeline_id: pipelineId,
        name: `Stage ${position}`,
        position,
        probability: kind === 'won' ? 100 : kind === 'lost' ? 0 : 20 * (position + 1),
        kind,
        created_at: at(0),
      }));
      await insertRows(tx, 'pipelines', [
        {
          id: pipelineId,
          organization_id: auth.organizationId,
          name: 'Sales',
          currency: 'USD',
          is_default: true,
          version: 1,
          created_by: auth.userId,
          updated_by: auth.userId,
          created_at: at(0),
          updated_at: at(0),
        },
      ]);
      await insertRows(tx, 'pipeline_stages', stages);
      const deals = contactIds.slice(0, count).map((contactId, index) => {
        const stage = stages[index % stages.length];
        return {
          id: randomUUID(),
          organization_id: auth.organizationId,
          pipeline_id: pipelineId,
          stage_id: stage?.id,
          name: `Deal ${index}`,
          amount: `${index}.25`,
          currency: index % 3 === 0 ? 'EUR' : 'USD',
          probability: stage?.probability,
          status: stage?.kind,
          actual_close_date: stage?.kind === 'open' ? null : at(index).slice(0, 10),
          contact_id: contactId,
          owner_id: auth.userId,
          tags: index % 2 === 0 ? ['even'] : [],
          custom_fields: {},
          version: 1,
          stage_entered_at: at(index),
          created_by: auth.userId,
          updated_by: auth.userId,
          created_at: at(index),
          updated_at: at(index),
        };
      });
      await insertRows(tx, 'deals', deals);
      await insertRows(
        tx,
        'deal_stage_history',
        deals.map((deal) => ({
          id: randomUUID(),
          organization_id: auth.organizationId,
          deal_id: deal.id,
          to_stage_id: deal.stage_id,
          moved_by: auth.userId,
          created_at: deal.created_at,
        })),
      );
    },
    query: `{ deals(first: 50, filter: { or: [{ tags: { hasSome: ["even"] } }, { amount: { gte: "10" } }] },
      orderBy: [{ field: AMOUNT, direction: DESC }]) {
      totalCount edges { cursor node { id name amount weightedAmount status stage { name } pipeline { name }
        contact { id displayName deals(first: 5) { totalCount } } owner { id }
        stageHistory(first: 5) { totalCount edges { node { fromStage { name } toStage { name } } } } } } }
      }`,
  },
  {
    name: 'pipelines',
    // The pipeline the deals' seed made.
    seed: () => Promise.resolve(),
    query: `{ pipelines(first: 50) { totalCount edges { node { id name stages { id name probability } } } } }`,
  },
  {
    name: 'the pipeline board',
    // The deals' seed: the default pipeline and its deals.
    seed: () => Promise.resolve(),
    query: `{ pipelineBoard(dealsPerStage: 10) { pipeline { id } columns { stage { name } dealCount hasMoreDeals
      totals { currency dealCount amount weightedAmount } deals { id contact { id displayName } stage { id } } } } }`,
  },
  {
    name: 'companies',
    seed: async (tx, { auth, contactIds }, count) => {
      await insertRows(
        tx,
        'companies',
        contactIds.slice(0, count).map((contactId, index) => ({
          id: randomUUID(),
          organization_id: auth.organizationId,
          name: `Company ${index}`,
          name_sort_key: `company ${index}`,
          primary_contact_id: contactId,
          account_stage: 'Onboarding',
          stage_entered_at: at(index),
          total_spend: 0,
          tags: index % 2 === 0 ? ['even'] : [],
          is_active: true,
          custom_fields: {},
          version: 1,
          created_by_id: auth.userId,
          updated_by_id: auth.userId,
          created_at: at(index),
          updated_at: at(index),
        })),
      );
    },
    query: `{ companies(first: 50, filter: { or: [{ tags: { hasSome: ["even"] } }, { healthStatus: { in: [red] } }] },
      orderBy: [{ field: NAME }]) { totalCount edges { node { id name healthStatus daysInStage primaryContact { id displayName }
        contacts(first: 5) { totalCount } deals(first: 5) { totalCount } stageHistory(first: 5) { totalCount }
        assignments(first: 5) { totalCount } } } } }`,
  },
  {
    name: 'interactions',
    seed: async (tx, { auth, contactIds }, count) => {
      await insertRows(
        tx,
        'interactions',
        contactIds.slice(0, count).map((contactId, index) => {
          const id = randomUUID();
          const sealedText = sealInteraction(cipher, {
            id,
            organizationId: auth.organizationId,
            subject: `Call ${index}`,
            content: 'Talked',
          });
          return {
            id,
            organization_id: auth.organizationId,
            contact_id: contactId,
            thread_id: id,
            type: 'Call',
            direction: 'Outbound',
            status: 'Completed',
            priority: 'Normal',
            channel: 'Phone',
            subject: sealedText.subject,
            content: sealedText.content,
            pii_key_id: sealedText.piiKeyId,
            vector_embedding: [],
            privacy_level: 'Internal',
            participants: [],
            related_entities: [],
            occurred_at: at(index),
            attachments: [],
            action_items: [],
            follow_up_required: false,
            is_read: false,
            is_starred: false,
            tags: [],
            custom_fields: {},
            external_ids: {},
            created_by_id: auth.userId,
            version: 1,
            created_at: at(index),
            updated_at: at(index),
          };
        }),
      );
    },
    query: `{ interactions(first: 50) { totalCount edges { node { id subject contact { id displayName } replies(first: 5) { totalCount } } } }
      contacts(first: 50) { edges { node { id interactions(first: 5) { totalCount edges { node { id subject } } } } } } }`,
  },
  {
    name: 'custom field definitions',
    seed: async (tx, { auth }, count) => {
      await insertRows(
        tx,
        'custom_field_definitions',
        Array.from({ length: count }, (_, index) => ({
          id: randomUUID(),
          organization_id: auth.organizationId,
          entity_type: 'contact',
          key: `field_${index}`,
          label: `Field ${index}`,
          data_type: 'text',
          is_array: false,
          validation: {},
          options: [],
          position: index,
          created_by: auth.userId,
          updated_by: auth.userId,
          created_at: at(index),
          updated_at: at(index),
        })),
      );
    },
    query: `{ customFieldDefinitions(first: 50) { totalCount edges { node { id key label dataType } } } }`,
  },
];

describe('crm’s lists as the organization grows', () => {
  const subject = serviceUnderTest('crm', (env) => startCrmService(crmOptions(env.startOptions())));

  /** An organization with `count` contacts (and `count` rows of every other list). */
  async function organizationOf(count: number): Promise<TestTenant> {
    const auth = newTenant();
    const contactIds = Array.from({ length: count }, () => randomUUID());
    await withTenant(subject.service.database, auth.organizationId, async (tx: RawExecutor) => {
      await insertRows(
        tx,
        'contacts',
        contactIds.map((id, index) => {
          const personal = sealed({
            id,
            organizationId: auth.organizationId,
            givenName: `Person${index}`,
            email: `person${index}@example.com`,
          });
          return {
            id,
            organization_id: auth.organizationId,
            owner_id: auth.userId,
            given_name: personal.givenName,
            family_name: personal.familyName,
            email: personal.email,
            emails: personal.emails,
            pii_key_id: personal.piiKeyId,
            name_sort_key: `per`,
            relationship_state: 'Lead',
            status: 'active',
            privacy_level: 'Internal',
            source_details: {},
            metadata: {},
            external_ids: {},
            version: 1,
            tags: index % 2 === 0 ? ['even'] : [],
            custom_fields: {},
            created_at: at(index),
            updated_at: at(index),
          };
        }),
      );
      for (const list of LISTS) await list.seed(tx, { auth, contactIds }, count);
    });
    return auth;
  }

  it.each(LISTS.map((list) => [list.name, list] as const))(
    'reads a page of %s in as many statements at 10, 100 and 1,000 rows',
    async (_name, list) => {
      const { env, service: crm } = subject;
      const counts: number[] = [];
      for (const size of SIZES) {
        const auth = await organizationOf(size);
        const headers = await env.headersFor(auth);
        const measured = await env.countStatements(() =>
          env.graphql(crm.graphqlUrl, list.query, {}, headers),
        );
        expect(measured.result.errors).toBeUndefined();
        counts.push(measured.statements);
      }
      expect(counts).toEqual([counts[0], counts[0], counts[0]]);
    },
    120_000,
  );
});
