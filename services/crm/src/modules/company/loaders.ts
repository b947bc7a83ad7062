import { DataLoader } from '@platform/service-kit';
import type { PageRequest } from '@platform/domain';

/** One parent's page of a list field, as a resolver asks for it, with the list's own arguments. */
export interface ListKey {
  parentId: string;
  /** The arguments the page depends on beyond its parent (page size, cursor, filters), as one string. */
  arguments: string;
}

/** A page request and arguments as the text that tells which pages one batch may load together. */
export function argumentsKey(
  request: PageRequest,
  ...rest: ReadonlyArray<string | null | undefined>
): string {
  const after = request.after ? `${request.after.createdAt.toISOString()}/${request.after.id}` : '';
  return JSON.stringify([request.first, after, ...rest.map((value) => value ?? null)]);
}

/**
 * A DataLoader of pages by parent for list fields with arguments of their own (a role, a range):
 * every parent that asks in the same tick with the same arguments is answered by one call of `load`,
 * so a list of N parents costs what one costs.
 */
export function listLoader<K extends ListKey, V>(
  load: (parentIds: readonly string[], sample: K) => Promise<readonly V[]>,
): DataLoader<K, V, string> {
  return new DataLoader<K, V, string>(
    async (keys) => {
      const groups = new Map<string, K[]>();
      for (const key of keys) groups.set(key.arguments, [...(groups.get(key.arguments) ?? []), key]);
      const found = new Map<K, V>();
      await Promise.all(
        [...groups.values()].map(async (group) => {
          const [sample] = group;
          if (!sample) return;
          const results = await load(
            group.map((key) => key.parentId),
            sample,
          );
          group.forEach((key, index) => {
            const value = results[index];
            if (value !== undefined) found.set(key, value);
          });
        }),
      );
      return keys.map((key) => found.get(key) ?? new Error(`no page for ${key.parentId}`));
    },
    { cacheKeyFn: (key) => `${key.parentId}|${key.arguments}` },
  );
}
