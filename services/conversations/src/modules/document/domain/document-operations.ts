import { randomUUID } from 'node:crypto';
import { notFound, organizationOf, pageRequest, type Actor, type Page } from '@platform/domain';
import type { ObjectStorage } from '../../storage/domain/object-storage';
import { checkStorageQuota, type StorageUse } from '../../storage/domain/storage-quota';
import {
  acceptUpload,
  documentStorageChanged,
  storageKeyOf,
  type Document,
  type DocumentIndexStatus,
  type UploadDocumentInput,
} from './document';
import type { DocumentRepository } from './document-repository';

const SIGN_IN = 'Sign in to work with documents';

export interface DocumentOperationsOptions {
  /** The upload limit in bytes. */
  maxBytes: number;
  /** Tells the index job a document waits (it runs at once instead of at its next pass). */
  wakeIndexer: () => void;
  clock?: () => Date;
}

/** The document use cases (the graph's permission directives say who may call them). */
export function documentOperations(
  repository: DocumentRepository,
  storage: ObjectStorage,
  options: DocumentOperationsOptions,
) {
  const clock = options.clock ?? (() => new Date());
  const found = (id: string, document: Document | null): Document => {
    if (!document) throw notFound('Document', id);
    return document;
  };
  return {
    /**
     * Checks the upload (type sniffed from the bytes, size, fields) and the plan's storage quota, stores
     * the bytes, then the document (`pending`) with its storage event; the index job takes it from there.
     * PLAN_LIMIT_REACHED when the organization's stored bytes and this upload would pass the quota.
     */
    async upload(actor: Actor, input: UploadDocumentInput): Promise<Document> {
      const organizationId = organizationOf(actor, SIGN_IN);
      const accepted = acceptUpload(input, options.maxBytes);
      const id = randomUUID();
      const now = clock();
      const document: Document = {
        id,
        organizationId,
        companyId: accepted.companyId,
        title: accepted.title,
        filename: accepted.filename,
        contentType: accepted.contentType,
        sizeBytes: accepted.bytes.length,
        storageKey: storageKeyOf(organizationId, id),
        checksum: accepted.checksum,
        categories: accepted.categories,
        indexStatus: 'pending',
        failureReason: null,
        chunkCount: 0,
        pageCount: null,
        wordCount: null,
        uploadedBy: actor.userId,
        createdAt: now,
        updatedAt: now,
        indexedAt: null,
      };
      const admit = (use: StorageUse) => checkStorageQuota(use, document.sizeBytes);
      // The quota first, so an upload over it writes no bytes at all. This read takes no lock: the
      // insert's transaction checks again under the organization's storage lock, where it counts.
      admit(await repository.storageUse(organizationId));
      // Bytes next: a document row never names an object that is not there. A failed insert (a
      // concurrent upload took the last room meanwhile, or any other failure) leaves the object behind,
      // so it is removed again.
      await storage.put(document.storageKey, accepted.bytes, { contentType: accepted.contentType });
      let created: Document;
      try {
        created = await repository.create(document, [documentStorageChanged(document, false, now)], admit);
      } catch (error) {
        await storage.delete(document.storageKey).catch(() => undefined);
        throw error;
      }
      options.wakeIndexer();
      return created;
    },

    /** Deletes the document: out of the index at once, its bytes removed, its storage no longer counted. */
    async delete(actor: Actor, id: string): Promise<Document> {
      const organizationId = organizationOf(actor, SIGN_IN);
      const deleted = found(
        id,
        await repository.delete(organizationId, id, (document) => [
          documentStorageChanged(document, true, clock()),
        ]),
      );
      // After the commit, and never failing the deletion that committed: bytes a failed removal leaves
      // behind are named by no row and counted by no one (their storage event said 0).
      await storage.delete(deleted.storageKey).catch(() => undefined);
      return deleted;
    },

    /** A new indexing run (after a failure, or a provider change); the old chunks serve until it ends. */
    async reindex(actor: Actor, id: string): Promise<Document> {
      const organizationId = organizationOf(actor, SIGN_IN);
      const document = found(id, await repository.requestIndexing(organizationId, id));
      options.wakeIndexer();
      return document;
    },

    async get(
      actor: Actor,
      id: string,
      load: (id: string) => Promise<Document | null>,
    ): Promise<Document | null> {
      organizationOf(actor, SIGN_IN);
      return load(id);
    },

    async list(
      actor: Actor,
      args: {
        companyId?: string | null;
        indexStatus?: DocumentIndexStatus | null;
        first?: number | null;
        after?: string | null;
      },
    ): Promise<Page<Document>> {
      const organizationId = organizationOf(actor, SIGN_IN);
      return repository.list(
        organizationId,
        { companyId: args.companyId ?? null, indexStatus: args.indexStatus ?? null },
        pageRequest(args.first, args.after),
      );
    },
  };
}

export type DocumentOperations = ReturnType<typeof documentOperations>;
