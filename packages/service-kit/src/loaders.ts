import DataLoader from 'dataloader';

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
