import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEvent, toKafkaMessage, topicName, type CatalogEvent } from '@platform/events';
import {
  createLogger,
  fieldCipher,
  generateFieldKeyring,
  parseFieldKeyring,
  tenantDatabase,
  withTenant,
} from '@platform/service-kit';
import { newTenant, serviceUnderTest, type TestTenant } from '@platform/service-kit/testing';
import { ENTITLEMENTS_GROUP } from '../../src/consumers/entitlements';
import { messageSealing, recordInbound } from '../../src/messages';
import type { Document } from '../../src/modules/document/domain/document';
import { documentRepository } from '../../src/modules/document/infra/document-repository';
import { checkStorageQuota } from '../../src/modules/storage/domain/storage-quota';
import { localDiskStorage } from '../../src/modules/storage/infra/local-disk-storage';
import { runRetentionPass, startConversationsService } from '../../src/service';

// The plan's storage quota through conversations' subgraph against real PostgreSQL and Kafka: billing's
// billing.entitlements.changed.v1 published to billing's topic as billing does, uploads over the quota
// refused with PLAN_LIMIT_REACHED before anything is stored, Free's quota before any event, upgrades,
// downgrades that delete nothing, unlimited plans, concurrent uploads, and retention archives that are
// stored whatever the quota and count against it. A plan's quota is gigabytes and an upload at most
// 700 KiB, so each organization is first filled close to its quota with a document row of a large size,
// stored through the real repository (it has no bytes in storage: nothing here reads them).

const GIB = 2 ** 30;
const UPLOAD = `mutation ($input: UploadDocumentInput!) { uploadDocument(input: $input) { id sizeBytes } }`;
const DOCUMENTS = `{ documents(first: 100) { totalCount edges { node { id sizeBytes } } } }`;

const PLAN_ENTITLEMENTS = {
  free: { storageGb: 1, aiInsights: 'none', apiAccess: 'read_only' },
  basic: { storageGb: 10, aiInsights: 'basic', apiAccess: 'full' },
  pro: { storageGb: 100, aiInsights: 'advanced', apiAccess: 'full' },
  enterprise: { storageGb: null, aiInsights: 'custom', apiAccess: 'full' },
} as const;
type PlanId = keyof typeof PLAN_ENTITLEMENTS;

interface Refusal {
  code?: unknown;
  details?: unknown;
}

const piiKeyring = parseFieldKeyring(generateFieldKeyring());
const logger = createLogger('conversations-test', 'silent');

describe('storage quota', () => {
  const storageDir = mkdtempSync(join(tmpdir(), 'storage-quota-test-'));
  afterAll(() => rmSync(storageDir, { recursive: true, force: true }));
  const storage = localDiskStorage(storageDir);
  const subject = serviceUnderTest('conversations', (env) =>
    startConversationsService({
      ...env.startOptions(),
      piiKeyring,
      storage,
      documentIndexIntervalMs: 3_600_000,
      tokenRefreshIntervalMs: 3_600_000,
      aiWorkerIntervalMs: 3_600_000,
      replyQueueIntervalMs: 3_600_000,
      retentionIntervalMs: 0,
    }),
  );

  const tenants = () =>
    tenantDatabase(subject.service.database, { notify: () => undefined }, { service: 'conversations' });

  /** billing.entitlements.changed.v1 as billing publishes it for the plan (storage overridable). */
  function entitlementsChanged(
    organizationId: string,
    plan: PlanId,
    version: number,
    storageGb: number | null = PLAN_ENTITLEMENTS[plan].storageGb,
  ): CatalogEvent<'billing.entitlements.changed.v1'> {
    const at = new Date();
    const { aiInsights, apiAccess } = PLAN_ENTITLEMENTS[plan];
    return createEvent('billing.entitlements.changed.v1', {
      source: '/services/billing',
      subject: organizationId,
      tenantId: organizationId,
      time: at,
      data: {
        organizationId,
        subscriptionId: randomUUID(),
        planId: plan,
        status: plan === 'free' ? 'canceled' : 'active',
        version,
        entitlements: {
          contactLimit: null,
          customFieldLimit: null,
          storageGb,
          aiInsights,
          apiAccess,
          interactionTracking: 'full',
          support: 'email',
          seats: null,
        },
        changedAt: at.toISOString(),
      },
    });
  }

  /** Publishes to billing's topic (keyed by organization, as billing's relay does); waits until each is handled. */
  async function publish(...events: Array<CatalogEvent<'billing.entitlements.changed.v1'>>) {
    const { env, service } = subject;
    await service.messaging.producer.send(
      topicName('billing.entitlements', env.kafka.topicPrefix),
      events.map(toKafkaMessage),
    );
    for (const event of events) {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const handled = await service.database.processedEvent.findUnique({
          where: { consumerGroup_eventId: { consumerGroup: ENTITLEMENTS_GROUP, eventId: event.id } },
        });
        if (handled) break;
        if (Date.now() > deadline) throw new Error(`event ${event.id} was not handled within 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  async function call<T>(auth: TestTenant, query: string, variables: Record<string, unknown> = {}) {
    const { env, service } = subject;
    return env.graphql<T>(service.graphqlUrl, query, variables, await env.headersFor(auth));
  }

  /** Uploads a text document of exactly `bytes` bytes. */
  const upload = (auth: TestTenant, bytes: number) =>
    call<{ uploadDocument: { id: string; sizeBytes: number } }>(auth, UPLOAD, {
      input: {
        title: `Notes of ${bytes} bytes`,
        filename: 'notes.txt',
        contentType: 'text/plain',
        contentBase64: Buffer.from('n'.repeat(bytes)).toString('base64'),
      },
    });

  async function uploaded(auth: TestTenant, bytes: number): Promise<string> {
    const { data, errors } = await upload(auth, bytes);
    expect(errors).toBeUndefined();
    expect(data?.uploadDocument.sizeBytes).toBe(bytes);
    return data?.uploadDocument.id ?? '';
  }

  const refusalOf = (answer: { errors?: Array<{ extensions?: Record<string, unknown> }> }): Refusal => ({
    code: answer.errors?.[0]?.extensions?.['code'],
    details: answer.errors?.[0]?.extensions?.['details'],
  });

  /** The organization's document rows (live) and the objects under its documents prefix. */
  async function stored(auth: TestTenant) {
    const { data } = await call<{ documents: { totalCount: number } }>(auth, DOCUMENTS);
    return {
      documents: data?.documents.totalCount,
      objects: await storage.list(`${auth.organizationId}/documents/`),
    };
  }
  const objectKey = (auth: TestTenant, id: string) => `${auth.organizationId}/documents/${id}`;

  /**
   * A document of `sizeBytes` stored through the repository, under the quota's rule like any upload (its
   * bytes are not written: a quota of gigabytes cannot be reached with 700 KiB uploads).
   */
  async function fill(auth: TestTenant, sizeBytes: number): Promise<void> {
    const now = new Date();
    const id = randomUUID();
    const document: Document = {
      id,
      organizationId: auth.organizationId,
      companyId: null,
      title: 'Large archive of manuals',
      filename: 'manuals.pdf',
      contentType: 'application/pdf',
      sizeBytes,
      storageKey: objectKey(auth, id),
      checksum: '0'.repeat(64),
      categories: [],
      // Not waiting for the index job, which would find no bytes.
      indexStatus: 'failed',
      failureReason: null,
      chunkCount: 0,
      pageCount: null,
      wordCount: null,
      uploadedBy: auth.userId,
      createdAt: now,
      updatedAt: now,
      indexedAt: null,
    };
    await documentRepository(tenants()).create(document, [], (use) => checkStorageQuota(use, sizeBytes));
  }

  it('holds an organization to Free’s 1 GB before any event, stores nothing it refuses, and lets the same upload through after an upgrade', async () => {
    const auth = newTenant();
    await fill(auth, GIB - 1000);

    const fits = await uploaded(auth, 600);
    expect(await stored(auth)).toEqual({ documents: 2, objects: [objectKey(auth, fits)] });

    // 400 bytes of room left: 600 more are refused, before any byte is written.
    expect(refusalOf(await upload(auth, 600))).toEqual({
      code: 'PLAN_LIMIT_REACHED',
      details: { limit: 'storageBytes', maximum: GIB, current: GIB - 400, requested: 600, planId: 'free' },
    });
    expect(await stored(auth)).toEqual({ documents: 2, objects: [objectKey(auth, fits)] });
    // What fits still goes in: exactly up to the quota.
    await uploaded(auth, 400);
    expect(refusalOf(await upload(auth, 1)).code).toBe('PLAN_LIMIT_REACHED');

    // billing announces Basic (10 GB): the same upload is stored.
    await publish(entitlementsChanged(auth.organizationId, 'basic', 1));
    const after = await uploaded(auth, 600);
    const { documents, objects } = await stored(auth);
    expect(documents).toBe(4);
    expect(objects).toHaveLength(3);
    expect(objects).toContain(objectKey(auth, after));
  });

  it('applies a downgrade to the next upload, deletes nothing, and keeps the newest version against late events', async () => {
    const auth = newTenant();
    await publish(entitlementsChanged(auth.organizationId, 'pro', 1));
    // 1.5 GB: more than Free allows, well within Pro's 100 GB.
    await fill(auth, GIB + GIB / 2);
    const kept = await uploaded(auth, 2000);

    await publish(entitlementsChanged(auth.organizationId, 'free', 2));
    expect(refusalOf(await upload(auth, 10))).toEqual({
      code: 'PLAN_LIMIT_REACHED',
      details: {
        limit: 'storageBytes',
        maximum: GIB,
        current: GIB + GIB / 2 + 2000,
        requested: 10,
        planId: 'free',
      },
    });
    // Nothing stored was removed: the rows and the object are all there.
    expect(await stored(auth)).toEqual({ documents: 2, objects: [objectKey(auth, kept)] });

    // Pro's event delivered late (an older version), or again with the same version: Free stays.
    await publish(
      entitlementsChanged(auth.organizationId, 'pro', 1),
      entitlementsChanged(auth.organizationId, 'pro', 2),
    );
    const copy = await withTenant(subject.service.database, auth.organizationId, (tx) =>
      tx.organizationEntitlement.findUnique({ where: { organizationId: auth.organizationId } }),
    );
    expect(copy).toMatchObject({ planId: 'free', storageGb: 1, aiInsights: 'none', version: 2 });
    expect(refusalOf(await upload(auth, 10)).code).toBe('PLAN_LIMIT_REACHED');

    // Pro's next version applies: the next upload is stored.
    await publish(entitlementsChanged(auth.organizationId, 'pro', 3));
    expect((await upload(auth, 10)).errors).toBeUndefined();
  });

  it('never refuses an organization whose plan has no storage limit (storageGb null)', async () => {
    const auth = newTenant();
    await publish(entitlementsChanged(auth.organizationId, 'enterprise', 1));
    // 4 GB: four times Free's quota.
    await fill(auth, 2 * GIB - 1);
    await fill(auth, 2 * GIB - 1);
    await uploaded(auth, 1000);
    await uploaded(auth, 1000);
    expect((await stored(auth)).documents).toBe(4);
  });

  it('lets only one of two concurrent uploads take the last room, and leaves no object of the other', async () => {
    const auth = newTenant();
    await publish(entitlementsChanged(auth.organizationId, 'basic', 1, 1));
    await fill(auth, GIB - 1000);

    const answers = await Promise.all([upload(auth, 600), upload(auth, 600)]);
    const accepted = answers.filter((answer) => answer.errors === undefined);
    const refused = answers.filter((answer) => answer.errors !== undefined);
    expect(accepted).toHaveLength(1);
    expect(refused.map(refusalOf)).toEqual([
      {
        code: 'PLAN_LIMIT_REACHED',
        details: { limit: 'storageBytes', maximum: GIB, current: GIB - 400, requested: 600, planId: 'basic' },
      },
    ]);
    const id = accepted[0]?.data?.uploadDocument.id ?? '';
    expect(await stored(auth)).toEqual({ documents: 2, objects: [objectKey(auth, id)] });
  });

  it('stores retention archives whatever the quota, and counts them against the next upload', async () => {
    const auth = newTenant();
    await fill(auth, GIB - 100);
    const sentAt = new Date(Date.UTC(2012, 2, 14, 9));
    await withTenant(subject.service.database, auth.organizationId, (tx) =>
      recordInbound(
        tx,
        messageSealing(fieldCipher(piiKeyring)),
        {
          platformMessageId: `m-${randomUUID()}`,
          platformConversationId: 'thread-1',
          sender: { platformUserId: 'customer-1', displayName: 'Ada' },
          text: 'An old question about the warranty, long past the retention period.',
          attachments: [],
          sentAt,
        },
        { organizationId: auth.organizationId, channelAccountId: randomUUID(), platform: 'facebook' },
      ),
    );

    const pass = await runRetentionPass(
      { database: subject.service.database, tenants: tenants(), storage, logger },
      new Date(Date.UTC(2012, 11, 1)),
    );
    expect(pass.failed).toEqual([]);
    const archived = pass.archived.filter((entry) => entry.organizationId === auth.organizationId);
    expect(archived.map((entry) => entry.period)).toEqual(['2012-03']);
    const archive = archived[0]?.archive;
    // The archive is larger than the 100 bytes of room the documents left: it is stored anyway.
    expect(archive?.sizeBytes).toBeGreaterThan(100);
    expect(await storage.list(`${auth.organizationId}/archives/`)).toHaveLength(1);

    expect(refusalOf(await upload(auth, 1))).toEqual({
      code: 'PLAN_LIMIT_REACHED',
      details: {
        limit: 'storageBytes',
        maximum: GIB,
        current: GIB - 100 + (archive?.sizeBytes ?? 0),
        requested: 1,
        planId: 'free',
      },
    });
  });
});
