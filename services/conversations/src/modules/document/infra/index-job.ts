/**
 * The document index job: finds documents waiting for indexing (a read-only cross-tenant look through
 * the `document_index` flag policy), claims each in its tenant transaction (`indexing`, held for
 * `claimMs`: another replica skips it, a crashed run's document is taken again once the claim lapses),
 * then — outside any transaction — reads the bytes, extracts the text, chunks it and embeds the chunks
 * through the AI provider, and writes the chunks, `indexed` (or `failed` with a reason) and the
 * embedding task's usage event in one tenant transaction.
 *
 * It runs when woken (an upload or a reindex on this replica) and every `intervalMs` (other replicas'
 * uploads, lapsed claims). A corrupt document ends `failed`; it never stops the job.
 */
import { randomUUID } from 'node:crypto';
import {
  systemAuditScope,
  withAuditScope,
  type Logger,
  type TenantClient,
  type TenantDatabase,
} from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import { AiProviderError, type AiProvider } from '../../ai/domain/ai-provider';
import type { ObjectStorage } from '../../storage/domain/object-storage';
import { chunkText, countWords, DEFAULT_CHUNKING, type ChunkingOptions } from '../domain/chunking';
import { aiUsageRecorded, type DocumentContentType } from '../domain/document';
import { ExtractionError, type TextExtractor } from '../domain/text-extraction';

const BATCH = 20;

export interface DocumentIndexDependencies {
  database: TenantClient<Prisma.TransactionClient>;
  tenants: TenantDatabase<Prisma.TransactionClient>;
  storage: ObjectStorage;
  ai: AiProvider;
  extractor: TextExtractor;
  logger: Logger;
  now?: () => Date;
}

export interface DocumentIndexOptions {
  /** How long a run holds its document (default 5 min). */
  claimMs?: number;
  /** Runs a document gets when the provider keeps failing in a retryable way (default 3). */
  maxAttempts?: number;
  /** Texts per embedding call (default 32). */
  embedBatch?: number;
  chunking?: ChunkingOptions;
}

/** Why a run failed, as stored: a code and what happened (no document content). */
class IndexFailure extends Error {
  constructor(
    readonly reason: string,
    readonly retryable: boolean,
  ) {
    super(reason);
  }
}

const unit = (vector: number[]): number[] => {
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  return norm === 0 ? vector : vector.map((value) => value / norm);
};

interface Claimed {
  id: string;
  organizationId: string;
  storageKey: string;
  contentType: DocumentContentType;
  indexRun: number;
  uploadedBy: string | null;
}

/** One pass: answers how many documents were indexed, failed, or left for a later run. */
export async function indexPendingDocuments(
  dependencies: DocumentIndexDependencies,
  options: DocumentIndexOptions = {},
): Promise<{ indexed: number; failed: number; retrying: number }> {
  const { database, logger } = dependencies;
  const clock = dependencies.now ?? (() => new Date());
  const now = clock();
  const counts = { indexed: 0, failed: 0, retrying: 0 };
  const due = await database.$transaction(async (tx) => {
    await tx.$executeRaw`select set_config('app.document_index', 'on', true)`;
    return tx.$queryRaw<Array<{ id: string; organization_id: string }>>`
      SELECT id, organization_id FROM documents
      WHERE deleted_at IS NULL
        AND (index_status = 'pending' OR (index_status = 'indexing' AND index_claimed_until <= ${now}))
      ORDER BY updated_at LIMIT ${BATCH}`;
  });
  for (const { id, organization_id: organizationId } of due) {
    try {
      const claimed = await claim(dependencies, organizationId, id, now, options.claimMs ?? 5 * 60_000);
      if (!claimed) continue;
      const outcome = await indexOne(dependencies, claimed, options);
      const status = await record(dependencies, claimed, outcome, options.maxAttempts ?? 3, clock());
      if (status === 'indexed') counts.indexed += 1;
      else if (status === 'failed') counts.failed += 1;
      else if (status === 'retrying') counts.retrying += 1;
    } catch (error) {
      // One broken document must not stop the others; its claim lapses and a later pass retries it.
      logger.error({ err: error, documentId: id }, 'document index: a document failed');
    }
  }
  return counts;
}

async function claim(
  { tenants }: DocumentIndexDependencies,
  organizationId: string,
  id: string,
  now: Date,
  claimMs: number,
): Promise<Claimed | null> {
  return tenants.write(organizationId, [], async (tx) => {
    const taken = await tx.document.updateMany({
      where: {
        id,
        deletedAt: null,
        OR: [{ indexStatus: 'pending' }, { indexStatus: 'indexing', indexClaimedUntil: { lte: now } }],
      },
      data: {
        indexStatus: 'indexing',
        indexClaimedUntil: new Date(now.getTime() + claimMs),
        indexRun: { increment: 1 },
      },
    });
    if (taken.count !== 1) return null;
    const row = await tx.document.findFirstOrThrow({ where: { id } });
    return {
      id,
      organizationId,
      storageKey: row.storageKey,
      contentType: row.contentType as DocumentContentType,
      indexRun: row.indexRun,
      uploadedBy: row.uploadedBy,
    };
  });
}

type RunOutcome =
  | {
      ok: true;
      chunks: Array<{ ordinal: number; text: string; tokenCount: number; embedding: number[] }>;
      pageCount: number | null;
      wordCount: number;
      usage: { inputTokens: number; outputTokens: number; model: string } | null;
    }
  | {
      ok: false;
      failure: IndexFailure;
      usage: { inputTokens: number; outputTokens: number; model: string } | null;
    };

/** Reads, extracts, chunks and embeds one document (no transaction is open meanwhile). */
async function indexOne(
  { storage, extractor, ai }: DocumentIndexDependencies,
  document: Claimed,
  options: DocumentIndexOptions,
): Promise<RunOutcome> {
  const spent = { inputTokens: 0, outputTokens: 0, model: null as string | null };
  const usageSoFar = () =>
    spent.model === null
      ? null
      : { inputTokens: spent.inputTokens, outputTokens: spent.outputTokens, model: spent.model };
  try {
    const bytes = await storage.get(document.storageKey);
    if (!bytes) throw new IndexFailure('missing_object: the stored bytes are gone', false);
    const extracted = await extractor.extract(document.contentType, bytes);
    const chunks = chunkText(extracted.text, options.chunking ?? DEFAULT_CHUNKING);
    if (chunks.length === 0) throw new IndexFailure('no_text: the document has no text to index', false);
    const embeddings: number[][] = [];
    const batch = options.embedBatch ?? 32;
    for (let start = 0; start < chunks.length; start += batch) {
      const texts = chunks.slice(start, start + batch).map((chunk) => chunk.text);
      const call = await ai.embed(texts);
      spent.inputTokens += call.usage.inputTokens;
      spent.outputTokens += call.usage.outputTokens;
      spent.model = call.model;
      if (call.result.length !== texts.length) {
        throw new IndexFailure('bad_embeddings: the provider answered a different number of vectors', false);
      }
      embeddings.push(...call.result.map(unit));
    }
    return {
      ok: true,
      chunks: chunks.map((chunk, index) => ({ ...chunk, embedding: embeddings[index] ?? [] })),
      pageCount: extracted.pageCount,
      wordCount: countWords(extracted.text),
      usage: usageSoFar(),
    };
  } catch (error) {
    const usage = usageSoFar();
    if (error instanceof IndexFailure) return { ok: false, failure: error, usage };
    if (error instanceof ExtractionError) {
      return { ok: false, failure: new IndexFailure(`${error.code}: ${error.message}`, false), usage };
    }
    if (error instanceof AiProviderError) {
      return {
        ok: false,
        failure: new IndexFailure(`embedding_failed: ${error.code}: ${error.message}`, error.retryable),
        usage,
      };
    }
    // Storage or anything unexpected: worth another run.
    return {
      ok: false,
      failure: new IndexFailure(
        `unexpected: ${error instanceof Error ? error.message : String(error)}`,
        true,
      ),
      usage,
    };
  }
}

/** Writes a run's outcome, unless the document was deleted or reindexed meanwhile (a newer run owns it). */
async function record(
  { tenants, ai }: DocumentIndexDependencies,
  document: Claimed,
  outcome: RunOutcome,
  maxAttempts: number,
  finishedAt: Date,
): Promise<'indexed' | 'failed' | 'retrying' | 'superseded'> {
  const { organizationId, id } = document;
  const usageEvents = outcome.usage
    ? [
        aiUsageRecorded({
          aiTaskId: randomUUID(),
          organizationId,
          taskKind: 'embed',
          outcome: outcome.ok ? 'completed' : 'failed',
          provider: ai.name,
          model: outcome.usage.model,
          inputTokens: outcome.usage.inputTokens,
          outputTokens: outcome.usage.outputTokens,
          requestedById: document.uploadedBy,
          finishedAt,
        }),
      ]
    : [];
  return tenants.writeDecided(organizationId, async (tx) => {
    // Tokens were spent whatever became of the document: its usage is recorded either way.
    const locked = await tx.$queryRaw<Array<{ index_run: number; index_status: string }>>`
      SELECT index_run, index_status FROM documents
      WHERE id = ${id}::uuid AND organization_id = ${organizationId}::uuid AND deleted_at IS NULL
      FOR UPDATE`;
    const current = locked[0];
    if (!current || current.index_run !== document.indexRun || current.index_status !== 'indexing') {
      return { value: 'superseded' as const, events: usageEvents };
    }
    if (outcome.ok) {
      await tx.documentChunk.deleteMany({ where: { organizationId, documentId: id } });
      const model = outcome.usage?.model ?? ai.name;
      await tx.documentChunk.createMany({
        data: outcome.chunks.map((chunk) => ({
          id: randomUUID(),
          organizationId,
          documentId: id,
          ordinal: chunk.ordinal,
          text: chunk.text,
          tokenCount: chunk.tokenCount,
          embedding: chunk.embedding,
          embeddingModel: model,
        })),
      });
      await tx.document.update({
        where: { id },
        data: {
          indexStatus: 'indexed',
          failureReason: null,
          chunkCount: outcome.chunks.length,
          pageCount: outcome.pageCount,
          wordCount: outcome.wordCount,
          indexedAt: finishedAt,
          indexClaimedUntil: null,
        },
      });
      return { value: 'indexed' as const, events: usageEvents };
    }
    const reason = outcome.failure.reason.slice(0, 500);
    if (outcome.failure.retryable && document.indexRun < maxAttempts) {
      // Left `indexing` with its claim: a pass after the claim lapses runs it again.
      await tx.document.update({ where: { id }, data: { failureReason: reason } });
      return { value: 'retrying' as const, events: usageEvents };
    }
    // Failed documents leave the index: their chunks (of an earlier run) are dropped.
    await tx.documentChunk.deleteMany({ where: { organizationId, documentId: id } });
    await tx.document.update({
      where: { id },
      data: { indexStatus: 'failed', failureReason: reason, chunkCount: 0, indexClaimedUntil: null },
    });
    return { value: 'failed' as const, events: usageEvents };
  });
}

/** Wakes the index job (an upload or a reindex on this replica). */
export interface IndexWakeups {
  notify(): void;
  subscribe(listener: () => void): void;
}

export function indexWakeups(): IndexWakeups {
  const listeners: Array<() => void> = [];
  return {
    notify: () => listeners.forEach((listener) => listener()),
    subscribe: (listener) => void listeners.push(listener),
  };
}

/** The index job as a kit job: a pass at start, on each wake-up and every `intervalMs`. */
export function startDocumentIndexJob(
  dependencies: DocumentIndexDependencies,
  wakeups: IndexWakeups,
  options: DocumentIndexOptions & { intervalMs: number },
): { stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const run = () => {
    if (stopped) return;
    if (running) {
      // Woken during a pass: one more pass after it, for what arrived meanwhile.
      again = true;
      return;
    }
    // A pass is the system's work, whatever request woke it (its writes are audited as the system's).
    running = withAuditScope(systemAuditScope(), () => indexPendingDocuments(dependencies, options))
      .then(() => undefined)
      .catch((error: unknown) => dependencies.logger.error({ err: error }, 'document index: a pass failed'))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          setImmediate(run);
        }
      });
  };
  wakeups.subscribe(() => setImmediate(run));
  const timer = setInterval(run, options.intervalMs);
  timer.unref();
  setImmediate(run);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      if (running) await running;
    },
  };
}
