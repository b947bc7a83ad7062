import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createLogger,
  fieldCipher,
  generateFieldKeyring,
  parseFieldKeyring,
  tenantDatabase,
  withTenant,
} from '@platform/service-kit';
import { newTenant, serviceUnderTest, type TestTenant } from '@platform/service-kit/testing';
import { messageSealing, recordInbound, type NormalizedInboundMessage } from '../../src/messages';

const piiKeyring = parseFieldKeyring(generateFieldKeyring());
const sealing = messageSealing(fieldCipher(piiKeyring));
import { decodeArchive } from '../../src/modules/retention/infra/archive-codec';
import { runRetentionPass } from '../../src/modules/retention/infra/retention-job';
import type { ObjectStorage } from '../../src/modules/storage/domain/object-storage';
import { localDiskStorage } from '../../src/modules/storage/infra/local-disk-storage';
import { s3Storage } from '../../src/modules/storage/infra/s3-storage';
import { startConversationsService, type ConversationsService } from '../../src/service';
import { startLocalS3Server, type LocalS3Server } from './s3-server';

// Retention against real PostgreSQL: two organizations with different retention and messages in old
// months, the job run with an injected clock — archives in storage (local disk, and an S3-compatible
// server), archived rows gone, counters following, partitions dropped only when no organization has
// rows in them, archives read back through the graph as they were, a second run a no-op; a pass that
// dies after storing is finished by the next without duplicates.

const SETTINGS = `mutation ($input: UpdateConversationSettingsInput!) {
  updateConversationSettings(input: $input) { messageRetentionDays autoSendThreshold updatedBy updatedAt }
}`;
const ARCHIVES = `{ messageArchives { id period messageCount sizeBytes checksum createdAt updatedAt } }`;
const ARCHIVED = `query ($id: ID!, $first: Int, $after: String) {
  archivedMessages(archiveId: $id, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id direction text sentAt platformMessageId deliveryStatus
      sender { platformUserId displayName } attachments { contentType name sizeBytes } } }
  }
}`;
const CONVERSATION = `query ($id: ID!) {
  conversation(id: $id) { messageCount lastMessageAt messages(first: 10) { totalCount edges { node { id sentAt } } } }
}`;

interface ArchiveView {
  id: string;
  period: string;
  messageCount: number;
  sizeBytes: number;
  checksum: string;
}
interface MessageNode {
  id: string;
  text: string;
  sentAt: string;
  direction: string;
  platformMessageId: string | null;
  sender: { platformUserId: string | null; displayName: string | null };
}
interface ArchivedView {
  archivedMessages: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: Array<{ node: MessageNode }>;
  };
}

const logger = createLogger('conversations-test', 'silent');

// A pass over several organizations, months and objects takes a few seconds on a busy machine.
const PASS_TIMEOUT_MS = 30_000;

function retentionSuite(
  name: string,
  storageFor: () => Promise<{
    storage: ObjectStorage;
    close(): Promise<void>;
    stored(key: string): Buffer | null;
  }>,
  year: number,
) {
  describe(name, () => {
    let backing: Awaited<ReturnType<typeof storageFor>>;
    let storage: ObjectStorage;
    const subject = serviceUnderTest('conversations', async (env) => {
      backing = await storageFor();
      // A storage whose behaviour a test may change (refuse an organization, fail after storing).
      storage = {
        kind: backing.storage.kind,
        put: (key, body, options) => faults.put(key, body, options),
        get: (key) => backing.storage.get(key),
        delete: (key) => backing.storage.delete(key),
        list: (prefix) => backing.storage.list(prefix),
      };
      return startConversationsService({
        ...env.startOptions(),
        piiKeyring,
        storage,
        retentionIntervalMs: 0,
      });
    });
    afterAll(async () => backing.close());

    const faults = {
      put: (key: string, body: Buffer, options?: { contentType?: string }) =>
        backing.storage.put(key, body, options),
    };
    afterEach(() => {
      faults.put = (key, body, options) => backing.storage.put(key, body, options);
    });

    const y = year;
    const at = (month: number, day: number, hour = 10) => new Date(Date.UTC(y, month - 1, day, hour));
    const pass = (service: ConversationsService, now: Date) =>
      runRetentionPass(
        {
          database: service.database,
          tenants: tenantDatabase(
            service.database,
            { notify: () => undefined },
            { service: 'conversations' },
          ),
          storage,
          logger,
        },
        now,
      );

    // One connected account per organization, so one platform thread is one conversation.
    const accounts = new Map<string, string>();
    async function receive(tenant: TestTenant, thread: string, sentAt: Date, text: string) {
      const channelAccountId = accounts.get(tenant.organizationId) ?? randomUUID();
      accounts.set(tenant.organizationId, channelAccountId);
      const message: NormalizedInboundMessage = {
        platformMessageId: `m-${randomUUID()}`,
        platformConversationId: thread,
        sender: { platformUserId: `user-${thread}`, displayName: 'Ada' },
        text,
        attachments: [{ contentType: 'image/png', name: 'plan.png', sizeBytes: 1234 }],
        sentAt,
      };
      const recorded = await withTenant(subject.service.database, tenant.organizationId, (tx) =>
        recordInbound(tx, sealing, message, {
          organizationId: tenant.organizationId,
          channelAccountId,
          platform: 'facebook',
        }),
      );
      return { ...recorded, sent: message };
    }

    async function graphql<T>(
      tenant: TestTenant | (TestTenant & { permissions: string[] }),
      query: string,
      variables = {},
    ) {
      const { env, service } = subject;
      return env.graphql<T>(service.graphqlUrl, query, variables, await env.headersFor(tenant));
    }

    async function remaining(tenant: TestTenant) {
      return withTenant(
        subject.service.database,
        tenant.organizationId,
        (tx) =>
          tx.$queryRaw<Array<{ id: string; sent_at: Date }>>`
          SELECT id::text, sent_at FROM messages ORDER BY sent_at`,
      );
    }

    async function partitions() {
      const rows = await subject.service.database.$queryRaw<Array<{ name: string }>>`
        SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'messages'::regclass AND c.relname LIKE ${`messages_${y}_%`} ORDER BY 1`;
      return rows.map((row) => row.name);
    }

    it(
      'archives each organization’s messages past its retention, drops partitions no one needs, reads them back',
      async () => {
        const { env, service } = subject;
        const short = newTenant(); // 30 days
        const standard = newTenant(); // the default 90
        const untouched = newTenant(); // only recent messages
        await graphql(short, SETTINGS, { input: { messageRetentionDays: 30 } });

        const s1 = await receive(short, 'a1', at(7, 5), 'July, first');
        const s2 = await receive(short, 'a1', at(7, 20), 'July, second');
        const s3 = await receive(short, 'a2', at(9, 10), 'September');
        const s4 = await receive(short, 'a1', at(12, 1), 'December, early');
        const s5 = await receive(short, 'a1', at(12, 20), 'December, late');
        const t1 = await receive(standard, 'b1', at(7, 10), 'Standard July');
        const t2 = await receive(standard, 'b1', at(11, 5), 'Standard November');
        const u1 = await receive(untouched, 'c1', at(12, 30), 'Recent');
        expect(await partitions()).toEqual([
          `messages_${y}_07`,
          `messages_${y}_09`,
          `messages_${y}_11`,
          `messages_${y}_12`,
        ]);

        // 15 January of the next year: cutoffs 16 December (30 days) and 17 October (90 days).
        const now = new Date(Date.UTC(y + 1, 0, 15, 10));
        const result = await pass(service, now);
        expect(result.ran).toBe(true);
        expect(result.failed).toEqual([]);
        expect(
          result.archived
            .map((entry) => ({
              organizationId: entry.organizationId,
              period: entry.period,
              messages: entry.messages,
            }))
            .sort((a, b) => `${a.organizationId}${a.period}`.localeCompare(`${b.organizationId}${b.period}`)),
        ).toEqual(
          [
            { organizationId: short.organizationId, period: `${y}-07`, messages: 2 },
            { organizationId: short.organizationId, period: `${y}-09`, messages: 1 },
            { organizationId: short.organizationId, period: `${y}-12`, messages: 1 },
            { organizationId: standard.organizationId, period: `${y}-07`, messages: 1 },
          ].sort((a, b) => `${a.organizationId}${a.period}`.localeCompare(`${b.organizationId}${b.period}`)),
        );
        // July and September are empty for everyone and older than the longest retention; November and
        // December still hold messages.
        expect(result.droppedPartitions).toEqual([`${y}-07`, `${y}-09`]);
        expect(await partitions()).toEqual([`messages_${y}_11`, `messages_${y}_12`]);

        expect((await remaining(short)).map((row) => row.id)).toEqual([s5.message.id]);
        expect((await remaining(standard)).map((row) => row.id)).toEqual([t2.message.id]);
        expect((await remaining(untouched)).map((row) => row.id)).toEqual([u1.message.id]);

        // The objects: under each organization's prefix, gzip JSON Lines of the rows as stored.
        expect(await storage.list(`${short.organizationId}/archives/messages/`)).toEqual([
          `${short.organizationId}/archives/messages/${y}-07.jsonl.gz`,
          `${short.organizationId}/archives/messages/${y}-09.jsonl.gz`,
          `${short.organizationId}/archives/messages/${y}-12.jsonl.gz`,
        ]);
        expect(await storage.list(`${untouched.organizationId}/`)).toEqual([]);
        const julyKey = `${short.organizationId}/archives/messages/${y}-07.jsonl.gz`;
        const julyBytes = backing.stored(julyKey);
        if (!julyBytes) throw new Error('the July archive is not in the backing storage');
        const julyRows = await decodeArchive(julyBytes);
        // Rows are archived as stored: the text stays sealed (no clear text in the archive) and opens.
        expect(julyRows.every((row) => String(row.text).startsWith('pii1.'))).toBe(true);
        const opened = (row: (typeof julyRows)[number]) =>
          sealing.open(
            { organizationId: String(row.organization_id), id: String(row.id) },
            'text',
            String(row.text),
          );
        expect(
          julyRows.map((row) => [row.id, row.organization_id, row.conversation_id, opened(row)]),
        ).toEqual([
          [s1.message.id, short.organizationId, s1.conversation.id, 'July, first'],
          [s2.message.id, short.organizationId, s2.conversation.id, 'July, second'],
        ]);
        expect(Object.keys(julyRows[0] ?? {}).sort()).toEqual(
          expect.arrayContaining([
            'attachments',
            'created_at',
            'delivery_status',
            'direction',
            'sent_at',
            'text',
          ]),
        );

        // Counters follow the live messages; the thread's activity stays.
        const a1 = await graphql<{
          conversation: {
            messageCount: number;
            lastMessageAt: string;
            messages: { totalCount: number; edges: Array<{ node: { id: string } }> };
          };
        }>(short, CONVERSATION, { id: s1.conversation.id });
        expect(a1.data?.conversation).toMatchObject({
          messageCount: 1,
          lastMessageAt: at(12, 20).toISOString(),
          messages: { totalCount: 1, edges: [{ node: { id: s5.message.id } }] },
        });
        const a2 = await graphql<{
          conversation: { messageCount: number; messages: { totalCount: number } };
        }>(short, CONVERSATION, { id: s3.conversation.id });
        expect(a2.data?.conversation).toMatchObject({ messageCount: 0, messages: { totalCount: 0 } });

        // The graph: archives per organization, newest month first; messages read back as they were.
        const archives = await graphql<{ messageArchives: ArchiveView[] }>(short, ARCHIVES);
        expect(archives.data?.messageArchives.map((a) => [a.period, a.messageCount])).toEqual([
          [`${y}-12`, 1],
          [`${y}-09`, 1],
          [`${y}-07`, 2],
        ]);
        const july = archives.data?.messageArchives.find((a) => a.period === `${y}-07`);
        if (!july) throw new Error('no July archive');
        expect(july.sizeBytes).toBe(julyBytes.length);
        const first = await graphql<ArchivedView>(short, ARCHIVED, { id: july.id, first: 1 });
        expect(first.errors).toBeUndefined();
        expect(first.data?.archivedMessages.totalCount).toBe(2);
        expect(first.data?.archivedMessages.pageInfo.hasNextPage).toBe(true);
        const second = await graphql<ArchivedView>(short, ARCHIVED, {
          id: july.id,
          first: 1,
          after: first.data?.archivedMessages.pageInfo.endCursor,
        });
        expect(second.data?.archivedMessages.pageInfo.hasNextPage).toBe(false);
        expect(
          [...(first.data?.archivedMessages.edges ?? []), ...(second.data?.archivedMessages.edges ?? [])].map(
            (e) => e.node,
          ),
        ).toEqual(
          [s2, s1].map((recorded) => ({
            id: recorded.message.id,
            direction: 'inbound',
            text: recorded.sent.text,
            sentAt: recorded.sent.sentAt.toISOString(),
            platformMessageId: recorded.sent.platformMessageId,
            deliveryStatus: 'received',
            sender: { platformUserId: 'user-a1', displayName: 'Ada' },
            attachments: [{ contentType: 'image/png', name: 'plan.png', sizeBytes: 1234 }],
          })),
        );
        const standardArchives = await graphql<{ messageArchives: ArchiveView[] }>(standard, ARCHIVES);
        expect(standardArchives.data?.messageArchives.map((a) => [a.period, a.messageCount])).toEqual([
          [`${y}-07`, 1],
        ]);
        const standardJuly = await graphql<ArchivedView>(standard, ARCHIVED, {
          id: standardArchives.data?.messageArchives[0]?.id,
        });
        expect(standardJuly.data?.archivedMessages.edges.map((e) => e.node.id)).toEqual([t1.message.id]);
        // Another organization's archive does not exist for it.
        const foreign = await graphql(standard, ARCHIVED, { id: july.id });
        expect(foreign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
        const malformed = await graphql(standard, ARCHIVED, { id: 'nope' });
        expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

        // Billing hears of every archive stored (its size, kind archive).
        const events = (await env.outboxEvents()).filter(
          (e) => e.type === 'conversations.storage_object.changed.v1',
        );
        const ids = [
          ...(archives.data?.messageArchives ?? []),
          ...(standardArchives.data?.messageArchives ?? []),
        ].map((a) => a.id);
        expect(events.map((e) => e.subject).sort()).toEqual([...ids].sort());
        // …and the organization's audit trail records each archive stored.
        expect(await env.auditEntries(short.organizationId)).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              action: 'conversations.storage_object.changed',
              entityId: july.id,
              outcome: 'success',
            }),
          ]),
        );

        // Running again at the same time changes nothing.
        const again = await pass(service, now);
        expect(again).toMatchObject({ ran: true, archived: [], droppedPartitions: [], failed: [] });
        expect(backing.stored(julyKey)).toEqual(julyBytes);
        expect((await remaining(short)).map((row) => row.id)).toEqual([s5.message.id]);

        // Ten days later the December slice past 30 days grows the December archive (same archive).
        const later = await pass(service, new Date(Date.UTC(y + 1, 0, 25, 10)));
        expect(later.archived.map((entry) => [entry.organizationId, entry.period, entry.messages])).toEqual([
          [short.organizationId, `${y}-12`, 1],
        ]);
        const december = archives.data?.messageArchives.find((a) => a.period === `${y}-12`);
        const grown = await graphql<{ messageArchives: ArchiveView[] }>(short, ARCHIVES);
        const decemberNow = grown.data?.messageArchives.find((a) => a.period === `${y}-12`);
        expect(decemberNow).toMatchObject({ id: december?.id, messageCount: 2 });
        const decemberMessages = await graphql<ArchivedView>(short, ARCHIVED, { id: december?.id });
        expect(decemberMessages.data?.archivedMessages.edges.map((e) => e.node.id)).toEqual([
          s5.message.id,
          s4.message.id,
        ]);
        expect(await remaining(short)).toEqual([]);
        // December still holds the untouched organization's message: the partition stays.
        expect(await partitions()).toEqual([`messages_${y}_11`, `messages_${y}_12`]);

        // A tampered or lost object is refused on read, with a typed error.
        const decemberKey = `${short.organizationId}/archives/messages/${y}-12.jsonl.gz`;
        const original = await storage.get(decemberKey);
        if (!original) throw new Error('no December object');
        const tampered = Buffer.from(original);
        tampered[tampered.length - 5] = (tampered[tampered.length - 5] ?? 0) ^ 0xff;
        await backing.storage.put(decemberKey, tampered);
        const corrupt = await graphql(short, ARCHIVED, { id: december?.id });
        expect(corrupt.errors?.[0]?.extensions).toMatchObject({
          code: 'CONFLICT',
          details: { reason: 'archive_corrupt' },
        });
        await backing.storage.delete(decemberKey);
        const missing = await graphql(short, ARCHIVED, { id: december?.id });
        expect(missing.errors?.[0]?.extensions).toMatchObject({
          code: 'CONFLICT',
          details: { reason: 'archive_missing' },
        });
        await backing.storage.put(decemberKey, original);
      },
      PASS_TIMEOUT_MS,
    );

    it(
      'keeps a partition while an organization’s archive failed, and finishes a pass that died after storing',
      async () => {
        const { service } = subject;
        const refused = newTenant();
        const dying = newTenant();
        const r1 = await receive(refused, 'r', at(3, 3), 'kept until it can be archived');
        const d1 = await receive(dying, 'd', at(3, 4), 'first');
        const d2 = await receive(dying, 'd', at(3, 5), 'second');
        const now = new Date(Date.UTC(y, 7, 20, 10)); // 20 August: March is past 90 days.

        // The refused organization's storage fails; the dying one's object is stored, then the pass dies.
        faults.put = async (key, body, options) => {
          if (key.startsWith(refused.organizationId)) throw new Error('storage unavailable');
          await backing.storage.put(key, body, options);
          if (key.startsWith(dying.organizationId)) throw new Error('connection lost after the upload');
        };
        const broken = await pass(service, now);
        expect(broken.failed.map((entry) => entry.organizationId).sort()).toEqual(
          [refused.organizationId, dying.organizationId].sort(),
        );
        expect(broken.droppedPartitions).toEqual([]);
        expect(await partitions()).toContain(`messages_${y}_03`);
        expect((await remaining(refused)).map((row) => row.id)).toEqual([r1.message.id]);
        expect((await remaining(dying)).map((row) => row.id)).toEqual([d1.message.id, d2.message.id]);
        expect(await storage.list(`${dying.organizationId}/`)).toHaveLength(1);

        // Storage works again: both finish, the dying one's archive holds each message once, March goes.
        faults.put = (key, body, options) => backing.storage.put(key, body, options);
        const healed = await pass(service, now);
        expect(healed.failed).toEqual([]);
        expect(healed.droppedPartitions).toEqual([`${y}-03`]);
        expect(await partitions()).not.toContain(`messages_${y}_03`);
        expect(await remaining(refused)).toEqual([]);
        expect(await remaining(dying)).toEqual([]);
        const archives = await graphql<{ messageArchives: ArchiveView[] }>(dying, ARCHIVES);
        expect(archives.data?.messageArchives.map((a) => [a.period, a.messageCount])).toEqual([
          [`${y}-03`, 2],
        ]);
        const read = await graphql<ArchivedView>(dying, ARCHIVED, {
          id: archives.data?.messageArchives[0]?.id,
        });
        expect(read.data?.archivedMessages.edges.map((e) => e.node.id)).toEqual([
          d2.message.id,
          d1.message.id,
        ]);
      },
      PASS_TIMEOUT_MS,
    );

    it(
      'lets one replica run a pass at a time, and refuses to drop a partition within the longest retention',
      async () => {
        const { service } = subject;
        await service.database.$executeRaw`
        INSERT INTO job_leases (name, holder, expires_at) VALUES ('message_retention', ${randomUUID()}::uuid, now() + interval '1 minute')`;
        const skipped = await pass(service, new Date(Date.UTC(y + 1, 0, 15)));
        expect(skipped).toEqual({ ran: false, archived: [], droppedPartitions: [], failed: [] });
        await service.database.$executeRaw`DELETE FROM job_leases WHERE name = 'message_retention'`;

        // The owner-side function refuses a month within the longest retention, whatever the caller asks.
        const current = new Date();
        await expect(
          service.database
            .$queryRaw`SELECT drop_message_partition(${new Date(Date.UTC(current.getUTCFullYear(), current.getUTCMonth(), 1))}::date, ${new Date(Date.UTC(current.getUTCFullYear() + 5, 0, 1))}::timestamptz)`,
        ).rejects.toThrow(/within the longest retention/);
        // And the application role cannot see other organizations' messages through the scan flag.
        const seen = await service.database.$transaction(async (tx) => {
          await tx.$executeRaw`SELECT set_config('app.retention_scan', 'on', true)`;
          return tx.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM messages`;
        });
        expect(seen).toEqual([{ n: 0 }]);
      },
      PASS_TIMEOUT_MS,
    );
  });
}

retentionSuite(
  'retention with local-disk storage',
  async () => {
    const directory = await mkdtemp(join(tmpdir(), 'conversations-retention-'));
    const storage = localDiskStorage(directory);
    const files = new Map<string, Buffer>();
    return {
      storage: {
        ...storage,
        put: async (key, body, options) => {
          files.set(key, body);
          await storage.put(key, body, options);
        },
      },
      close: () => rm(directory, { recursive: true, force: true }),
      stored: (key) => files.get(key) ?? null,
    };
  },
  2011,
);

retentionSuite(
  'retention with an S3-compatible bucket',
  async () => {
    const server: LocalS3Server = await startLocalS3Server();
    const storage = s3Storage({
      endpoint: server.endpoint,
      region: server.region,
      bucket: server.bucket,
      accessKeyId: server.accessKeyId,
      secretAccessKey: server.secretAccessKey,
    });
    return {
      storage,
      close: async () => {
        storage.close();
        await server.close();
      },
      stored: (key) => server.objects.get(key) ?? null,
    };
  },
  2009,
);
