import { pageOf, type PageRequest } from '@platform/domain';
import { afterCursorWhere, orderByKeys, uuidsOnly, type TenantDatabase } from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import { lockStorageQuota, storageUseOf } from '../../storage/infra/storage-use';
import type { Document, DocumentCategory, DocumentChunk, DocumentContentType } from '../domain/document';
import type { DocumentRepository, ScoredChunk } from '../domain/document-repository';

type DocumentRow = Prisma.DocumentGetPayload<object>;

export const toDocument = (row: DocumentRow): Document => ({
  id: row.id,
  organizationId: row.organizationId,
  companyId: row.companyId,
  title: row.title,
  filename: row.filename,
  contentType: row.contentType as DocumentContentType,
  sizeBytes: row.sizeBytes,
  storageKey: row.storageKey,
  checksum: row.checksum,
  categories: row.categories as DocumentCategory[],
  indexStatus: row.indexStatus,
  failureReason: row.failureReason,
  chunkCount: row.chunkCount,
  pageCount: row.pageCount,
  wordCount: row.wordCount,
  uploadedBy: row.uploadedBy,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
  indexedAt: row.indexedAt,
});

/** Documents and their chunks over Prisma, every call in the organization's tenant transaction. */
export function documentRepository(db: TenantDatabase<Prisma.TransactionClient>): DocumentRepository {
  const live = (organizationId: string) => ({ organizationId, deletedAt: null });
  return {
    async create(document, events, admit) {
      return db.write(document.organizationId, events, async (tx) => {
        await lockStorageQuota(tx, document.organizationId);
        admit(await storageUseOf(tx, document.organizationId));
        return toDocument(
          await tx.document.create({
            data: {
              id: document.id,
              organizationId: document.organizationId,
              companyId: document.companyId,
              title: document.title,
              filename: document.filename,
              contentType: document.contentType,
              sizeBytes: document.sizeBytes,
              storageKey: document.storageKey,
              checksum: document.checksum,
              categories: document.categories,
              indexStatus: document.indexStatus,
              uploadedBy: document.uploadedBy,
              createdAt: document.createdAt,
            },
          }),
        );
      });
    },

    storageUse(organizationId) {
      return db.read(organizationId, (tx) => storageUseOf(tx, organizationId));
    },

    async byIds(organizationId, ids) {
      const valid = uuidsOnly(ids);
      if (valid.length === 0) return ids.map(() => null);
      const rows = await db.read(organizationId, (tx) =>
        tx.document.findMany({ where: { ...live(organizationId), id: { in: valid } } }),
      );
      return orderByKeys(ids, rows.map(toDocument), (document) => document.id);
    },

    async list(organizationId, filter, request: PageRequest) {
      const where: Prisma.DocumentWhereInput = {
        ...live(organizationId),
        ...(filter.companyId ? { companyId: filter.companyId } : {}),
        ...(filter.indexStatus ? { indexStatus: filter.indexStatus } : {}),
      };
      const [rows, total] = await db.read(organizationId, (tx) =>
        Promise.all([
          tx.document.findMany({
            where: { ...where, ...afterCursorWhere(request) },
            orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
            take: request.first + 1,
          }),
          tx.document.count({ where }),
        ]),
      );
      return pageOf(rows.map(toDocument), request, total);
    },

    async delete(organizationId, id, events) {
      if (uuidsOnly([id]).length === 0) return null;
      return db.writeDecided(organizationId, async (tx) => {
        const row = await tx.document.findFirst({ where: { ...live(organizationId), id } });
        if (!row) return { value: null, events: [] };
        await tx.documentChunk.deleteMany({ where: { organizationId, documentId: id } });
        const deleted = await tx.document.update({
          where: { id },
          data: { deletedAt: new Date(), chunkCount: 0, indexClaimedUntil: null },
        });
        const document = toDocument(deleted);
        return { value: document, events: events(document) };
      });
    },

    async requestIndexing(organizationId, id) {
      if (uuidsOnly([id]).length === 0) return null;
      return db.write(organizationId, [], async (tx) => {
        const updated = await tx.document.updateMany({
          where: { ...live(organizationId), id },
          data: { indexStatus: 'pending', failureReason: null, indexClaimedUntil: null },
        });
        if (updated.count === 0) return null;
        return toDocument(await tx.document.findFirstOrThrow({ where: { id } }));
      });
    },

    async chunksByIds(organizationId, ids) {
      const valid = uuidsOnly(ids);
      if (valid.length === 0) return ids.map(() => null);
      const rows = await db.read(organizationId, (tx) =>
        tx.documentChunk.findMany({
          where: { organizationId, id: { in: valid }, document: { deletedAt: null } },
          select: { id: true, documentId: true, ordinal: true, text: true, tokenCount: true },
        }),
      );
      return orderByKeys(ids, rows as DocumentChunk[], (chunk) => chunk.id);
    },

    async search(organizationId, { vector, model, companyId, limit, minScore }) {
      // Cosine similarity of unit vectors = their dot product, summed over the unnested pairs. A linear
      // scan of the organization's chunks of this model (see the README: fine to tens of thousands).
      const rows = await db.read(
        organizationId,
        (tx) => tx.$queryRaw<
          Array<{ id: string; document_id: string; title: string; text: string; score: number }>
        >`
          SELECT c.id, c.document_id, d.title, c.text, s.score
          FROM document_chunks c
          JOIN documents d ON d.id = c.document_id
          CROSS JOIN LATERAL (
            SELECT sum(e * q)::float8 AS score FROM unnest(c.embedding, ${vector}::real[]) AS v(e, q)
          ) s
          WHERE c.organization_id = ${organizationId}::uuid
            AND c.embedding_model = ${model}
            AND d.deleted_at IS NULL
            AND (${companyId}::uuid IS NULL OR d.company_id IS NULL OR d.company_id = ${companyId}::uuid)
            AND s.score >= ${minScore}
          ORDER BY s.score DESC, c.id
          LIMIT ${limit}`,
      );
      return rows.map((row): ScoredChunk => ({
        chunkId: row.id,
        documentId: row.document_id,
        documentTitle: row.title,
        text: row.text,
        score: Math.round(row.score * 10_000) / 10_000,
      }));
    },
  };
}
