import {
  afterCursorWhere,
  isUniqueViolation,
  orderByKeys,
  pageOf,
  uuidsOnly,
  type TenantDatabase,
} from '@platform/service-kit';
import { z } from 'zod';
import type { Prisma } from '../../../generated/prisma/client';
import type { Database } from '../../../service';
import { asAuthLookup } from '../../authentication/infra/authentication-repository';
import type { ApiKey } from '../domain/api-key';
import type { ApiKeyRepository } from '../domain/api-key-repository';
import type { OperationManifest } from '../domain/operation-manifest';

type Transaction = Prisma.TransactionClient;
type ApiKeyRow = Prisma.ApiKeyGetPayload<object>;

const toApiKey = (row: ApiKeyRow): ApiKey => ({
  id: row.id,
  organizationId: row.organizationId,
  createdById: row.createdById,
  name: row.name,
  displayPrefix: row.displayPrefix,
  scopes: row.scopes,
  expiresAt: row.expiresAt,
  lastUsedAt: row.lastUsedAt,
  revokedAt: row.revokedAt,
  revokedById: row.revokedById,
  operationManifestId: row.operationManifestId,
  createdAt: row.createdAt,
});

type ManifestRow = Prisma.OperationManifestGetPayload<object>;

const persistedOperations = z.array(
  z.object({
    id: z.string(),
    name: z.string(),
    type: z.enum(['query', 'mutation', 'subscription']),
    body: z.string(),
  }),
);

const toManifest = (row: ManifestRow): OperationManifest => ({
  id: row.id,
  organizationId: row.organizationId,
  name: row.name,
  hash: row.hash,
  operations: persistedOperations.parse(row.operations),
  createdById: row.createdById,
  createdAt: row.createdAt,
});

/** API keys over Prisma: tenant transactions, except finding a key by its hash (`auth_lookup`). */
export function apiKeyRepository(database: Database, db: TenantDatabase<Transaction>): ApiKeyRepository {
  return {
    async create(apiKey, keyHash, events) {
      return toApiKey(
        await db.write(apiKey.organizationId, events, (tx) =>
          tx.apiKey.create({ data: { ...apiKey, keyHash } }),
        ),
      );
    },

    async save(apiKey, events) {
      return toApiKey(
        await db.write(apiKey.organizationId, events, (tx) =>
          tx.apiKey.update({
            where: { id: apiKey.id },
            data: {
              revokedAt: apiKey.revokedAt,
              revokedById: apiKey.revokedById,
              name: apiKey.name,
              operationManifestId: apiKey.operationManifestId,
            },
          }),
        ),
      );
    },

    async byId(organizationId, id) {
      if (uuidsOnly([id]).length === 0) return null;
      const row = await db.read(organizationId, (tx) =>
        tx.apiKey.findFirst({ where: { id, organizationId } }),
      );
      return row ? toApiKey(row) : null;
    },

    page(organizationId, page) {
      return db.read(organizationId, async (tx) => {
        const where = { organizationId };
        const [rows, totalCount] = await Promise.all([
          tx.apiKey.findMany({
            where: { AND: [where, afterCursorWhere(page)] },
            orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
            take: page.first + 1,
          }),
          tx.apiKey.count({ where }),
        ]);
        return pageOf(rows.map(toApiKey), page, totalCount);
      });
    },

    async byHash(keyHash) {
      const row = await asAuthLookup(database, (tx) => tx.apiKey.findUnique({ where: { keyHash } }));
      return row ? toApiKey(row) : null;
    },

    async touch(apiKey, at, everyMs) {
      await db.write(apiKey.organizationId, [], (tx) =>
        tx.apiKey.updateMany({
          where: {
            id: apiKey.id,
            OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(at.getTime() - everyMs) } }],
          },
          data: { lastUsedAt: at },
        }),
      );
    },

    async registerManifest(manifest) {
      const existing = await db.read(manifest.organizationId, (tx) =>
        tx.operationManifest.findUnique({
          where: { organizationId_hash: { organizationId: manifest.organizationId, hash: manifest.hash } },
        }),
      );
      if (existing) return toManifest(existing);
      try {
        return toManifest(
          await db.write(manifest.organizationId, [], (tx) =>
            tx.operationManifest.create({
              data: {
                ...manifest,
                operations: manifest.operations.map((operation) => ({ ...operation })),
                operationCount: manifest.operations.length,
              },
            }),
          ),
        );
      } catch (error) {
        // Registered at the same moment by another request: that one is the manifest.
        if (!isUniqueViolation(error)) throw error;
        const winner = await db.read(manifest.organizationId, (tx) =>
          tx.operationManifest.findUnique({
            where: { organizationId_hash: { organizationId: manifest.organizationId, hash: manifest.hash } },
          }),
        );
        if (!winner) throw error;
        return toManifest(winner);
      }
    },

    async manifestById(organizationId, id) {
      if (uuidsOnly([id]).length === 0) return null;
      const row = await db.read(organizationId, (tx) =>
        tx.operationManifest.findFirst({ where: { id, organizationId } }),
      );
      return row ? toManifest(row) : null;
    },

    async manifestsByIds(organizationId, ids) {
      const wanted = uuidsOnly(ids);
      if (wanted.length === 0) return ids.map(() => null);
      const rows = await db.read(organizationId, (tx) =>
        tx.operationManifest.findMany({ where: { organizationId, id: { in: wanted } } }),
      );
      return orderByKeys(ids, rows.map(toManifest), (manifest) => manifest.id);
    },

    async manifests(organizationId, limit) {
      const rows = await db.read(organizationId, (tx) =>
        tx.operationManifest.findMany({
          where: { organizationId },
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
          take: limit,
        }),
      );
      return rows.map(toManifest);
    },

    async manifestOperationIds(organizationId, id) {
      const manifest = await this.manifestById(organizationId, id);
      return manifest ? manifest.operations.map((operation) => operation.id) : null;
    },
  };
}
