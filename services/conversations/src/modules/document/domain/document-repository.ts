import type { Page, PageRequest } from '@platform/domain';
import type { CatalogEvent } from '@platform/events/catalog';
import type { StorageUse } from '../../storage/domain/storage-quota';
import type { Document, DocumentChunk, DocumentIndexStatus } from './document';

/** A chunk retrieval found, with its cosine similarity to the question. */
export interface ScoredChunk {
  chunkId: string;
  documentId: string;
  documentTitle: string;
  text: string;
  score: number;
}

export interface DocumentSearch {
  /** The question's embedding, unit length. */
  vector: number[];
  /** Its model: chunks embedded with another model are not comparable. */
  model: string;
  /** A client's scope: its documents and the organization's (company-less) ones; null: every document. */
  companyId: string | null;
  limit: number;
  /** Chunks scoring below are left out. */
  minScore: number;
}

export interface DocumentFilter {
  companyId?: string | null;
  indexStatus?: DocumentIndexStatus | null;
}

/** Where documents live; every call runs in the organization's tenant transaction. */
export interface DocumentRepository {
  /**
   * Stores the document with its events, once `admit` accepted the organization's storage use: it is
   * called inside the write transaction, under the organization's storage lock, with what is stored at
   * that moment (a concurrent upload waits, then counts this one); whatever it throws stores nothing.
   */
  create(
    document: Document,
    events: readonly CatalogEvent[],
    admit: (use: StorageUse) => void,
  ): Promise<Document>;
  /** The organization's storage quota and what it stores now (a read: no lock). */
  storageUse(organizationId: string): Promise<StorageUse>;
  /** The organization's live documents by id (null for unknown, malformed or deleted ids), in order. */
  byIds(organizationId: string, ids: readonly string[]): Promise<Array<Document | null>>;
  /** Newest first. */
  list(organizationId: string, filter: DocumentFilter, request: PageRequest): Promise<Page<Document>>;
  /**
   * Marks the document deleted and drops its chunks (it leaves the index at once); `events` decides
   * what the deletion publishes. Null when there is no such live document.
   */
  delete(
    organizationId: string,
    id: string,
    events: (document: Document) => readonly CatalogEvent[],
  ): Promise<Document | null>;
  /** Puts the document back to `pending` (a new indexing run); null when there is no such document. */
  requestIndexing(organizationId: string, id: string): Promise<Document | null>;
  /** Chunks by id (null for unknown ids and chunks of deleted documents), in order. */
  chunksByIds(organizationId: string, ids: readonly string[]): Promise<Array<DocumentChunk | null>>;
  /** The best chunks for a question, best first, within the organization (and scope). */
  search(organizationId: string, search: DocumentSearch): Promise<ScoredChunk[]>;
}
