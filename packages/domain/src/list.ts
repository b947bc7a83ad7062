/**
 * Lists with filters and sorts: what a caller asks of any list (a filter tree with `and` / `or` / `not`
 * and operators per field, an order of sort keys, a page size and a cursor), and the page it gets back
 * with a cursor per item. The SQL lives in the service kit (list-query.ts); here are only the shapes
 * and the checks that need no database.
 */
import { enumObject } from './enums';
import { badUserInput } from './errors';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type Page } from './page';

export const SORT_DIRECTIONS = ['ASC', 'DESC'] as const;
export type SortDirection = (typeof SORT_DIRECTIONS)[number];
export const SortDirection = enumObject(SORT_DIRECTIONS);

/** One key of an order: a field of the list (by its name in the API) and a direction. */
export interface SortKey {
  field: string;
  direction: SortDirection;
  /** The custom field to sort by, when `field` is the list's custom-field sort. */
  customFieldKey?: string | null;
}

/** A sort key as callers give it: the direction defaults to ascending. */
export type SortKeyInput = Omit<SortKey, 'direction'> & { direction?: SortDirection | null };

/**
 * A filter tree as the API takes it: operators per field (`{ createdAt: { gte: … } }`), combined with
 * `and`, `or` and `not`. Its keys are checked against the list's columns when it is compiled.
 */
export type ListFilter = Readonly<Record<string, unknown>>;

export interface ListRequest {
  first: number;
  /** The opaque cursor of the item to read on from (only meaningful with the same order). */
  after: string | null;
  filter: ListFilter | null;
  /** Never empty: the list's default order when the caller gave none. */
  orderBy: readonly SortKey[];
}

/** A page of a sorted list: every item with its cursor. */
export interface ListPage<T> extends Page<T> {
  cursors: string[];
}

/** At most this many sort keys (each one is a column of the keyset condition). */
export const MAX_SORT_KEYS = 3;
/** How deep `and` / `or` / `not` may nest, and how many conditions one filter may hold. */
export const MAX_FILTER_DEPTH = 5;
export const MAX_FILTER_CONDITIONS = 50;

/**
 * Checks `first` (1–100, default 20) and the order (at most three keys, each field once; the default
 * when none), and keeps the cursor and filter for the compiler. BAD_USER_INPUT names the argument.
 */
export function listRequest(
  args: {
    first?: number | null;
    after?: string | null;
    filter?: ListFilter | null;
    orderBy?: readonly SortKeyInput[] | null;
  },
  defaultOrder: readonly SortKey[],
): ListRequest {
  const issues: Array<{ path: string; message: string; code: string }> = [];
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    issues.push({ path: 'first', message: `must be 1–${MAX_PAGE_SIZE}`, code: 'invalid' });
  }
  const orderBy: readonly SortKey[] =
    args.orderBy && args.orderBy.length > 0
      ? args.orderBy.map((key) => ({ ...key, direction: key.direction ?? 'ASC' }))
      : defaultOrder;
  if (orderBy.length > MAX_SORT_KEYS) {
    issues.push({ path: 'orderBy', message: `at most ${MAX_SORT_KEYS} sort keys`, code: 'too_big' });
  }
  const seen = new Set<string>();
  orderBy.forEach((key, index) => {
    const name = key.customFieldKey ? `${key.field}:${key.customFieldKey}` : key.field;
    if (seen.has(name)) {
      issues.push({ path: `orderBy.${index}`, message: `${name} is already a sort key`, code: 'invalid' });
    }
    seen.add(name);
  });
  if (issues.length > 0)
    throw badUserInput(issues.map((issue) => `${issue.path} ${issue.message}`).join('; '), { issues });
  return { first, after: args.after ?? null, filter: args.filter ?? null, orderBy };
}

/** The same page with every item mapped (cursors stay). */
export function mapListPage<T, U>(page: ListPage<T>, map: (item: T) => U): ListPage<U> {
  return { ...page, items: page.items.map(map) };
}
