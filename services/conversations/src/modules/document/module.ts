import { DataLoader, defineModule } from '@platform/service-kit';
import type { ConversationsDependencies } from '../../service';
import type { Document as DocumentModel, DocumentChunk as DocumentChunkModel } from './domain/document';
import { documentOperations, type DocumentOperations } from './domain/document-operations';
import { documentRepository } from './infra/document-repository';
import { DocumentChunk } from './resolvers/DocumentChunk';
import { deleteDocument } from './resolvers/Mutation/deleteDocument';
import { reindexDocument } from './resolvers/Mutation/reindexDocument';
import { uploadDocument } from './resolvers/Mutation/uploadDocument';
import { document } from './resolvers/Query/document';
import { documents } from './resolvers/Query/documents';

export interface DocumentModuleContext {
  documents: DocumentOperations;
  /** The caller's organization's live documents by id (one query per batch). */
  documentById: DataLoader<string, DocumentModel | null>;
  /** Chunks by id, for citations (one query per batch). */
  documentChunkById: DataLoader<string, DocumentChunkModel | null>;
}

export const documentModule = defineModule<ConversationsDependencies, DocumentModuleContext>({
  resolvers: {
    Query: { documents, document },
    Mutation: { uploadDocument, deleteDocument, reindexDocument },
    DocumentChunk,
  },
  context: ({ tenants, storage, documentIndexWakeups, documentMaxBytes }) => {
    const repository = documentRepository(tenants);
    const operations = documentOperations(repository, storage, {
      maxBytes: documentMaxBytes,
      wakeIndexer: () => documentIndexWakeups.notify(),
    });
    return ({ auth }) => ({
      documents: operations,
      documentById: new DataLoader((ids: readonly string[]) =>
        auth.organizationId
          ? repository.byIds(auth.organizationId, ids)
          : Promise.resolve(ids.map(() => null)),
      ),
      documentChunkById: new DataLoader((ids: readonly string[]) =>
        auth.organizationId
          ? repository.chunksByIds(auth.organizationId, ids)
          : Promise.resolve(ids.map(() => null)),
      ),
    });
  },
});
