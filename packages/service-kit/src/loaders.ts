import DataLoader from 'dataloader';
import type { Page, PageRequest } from '@platform/domain';

/**
 * Batching for `__resolveReference` and list fields. The rule: `context()` creates fresh loaders for
 * every request (a loader caches, and a cache shared between requests would leak one tenant's rows
 * into another's answer), and each batch function runs one query for all keys it is given:
 *
 * ```ts
 * context: ({ auth, ...base }) => ({
 *   ...base,
 *   auth,
 *   contacts: new DataLoader<string, Contact | null>(async (ids) =>
 *     orderByKeys(ids, await repository.findByIds(auth.organizationId, ids), (contact) => contact.id),
 *   ),
 * }),
 * resolvers: { Contact: { __resolveReference: (ref: { id: string }, ctx: Ctx) => ctx.contacts.load(ref.id) } }
 * ```
 */
export { DataLoader };
export type { BatchLoadFn, Options as DataLoaderOptions } from 'dataloader';

/**
 * DataLoader needs one result per key, in key order; queries return rows in any order and skip
 * missing ones. Missing keys become null.
 */
export function orderByKeys<K, V>(
  keys: readonly K[],
  rows: readonly V[],
  keyOf: (row: V) => K,
): (V | null)[] {
  const byKey = new Map<K, V>();
  for (const row of rows) byKey.set(keyOf(row), row);
  return keys.map((key) => byKey.get(key) ?? null);
}

/** One parent's page of a list field, as a resolver asks for it. */
export interface PageKey {
  parentId: string;
  request: PageRequest;
}

const requestKey = (request: PageRequest) =>
  `${request.first}|${request.after ? `${request.after.createdAt.toISOString()}|${request.after.id}` : ''}`;

/**
 * A DataLoader of pages by parent: every parent that asks in the same tick is answered by one call of
 * `load` (per distinct first/after, which one list field shares), so a list of N parents costs what
 * one parent costs.
 */
export function pageLoader<T>(
  load: (parentIds: readonly string[], request: PageRequest) => Promise<ReadonlyArray<Page<T>>>,
): DataLoader<PageKey, Page<T>, string> {
  return new DataLoader<PageKey, Page<T>, string>(
    async (keys) => {
      const groups = new Map<string, PageKey[]>();
      for (const key of keys) {
        const group = groups.get(requestKey(key.request));
        if (group) group.push(key);
        else groups.set(requestKey(key.request), [key]);
      }
      const pages = new Map<PageKey, Page<T>>();
      await Promise.all(
        [...groups.values()].map(async (group) => {
          const request = group[0]?.request;
          if (!request) return;
          const results = await load(
            group.map((key) => key.parentId),
            request,
          );
          group.forEach((key, index) => {
            const page = results[index];
            if (page) pages.set(key, page);
          });
        }),
      );
      return keys.map((key) => pages.get(key) ?? new Error(`no page for ${key.parentId}`));
    },
    { cacheKeyFn: (key) => `${key.parentId}|${requestKey(key.request)}` },
  );
}
