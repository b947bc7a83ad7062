/**
 * Page requests over (createdAt, id), newest first: every list in the platform pages this way. The
 * cursor is opaque to callers; the GraphQL layer turns a `Page` into a Relay connection.
 */
import { badUserInput } from './errors';
import { isUuid } from './ids';

export interface PagePosition {
  createdAt: Date;
  id: string;
}

export interface PageRequest {
  first: number;
  after: PagePosition | null;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export function encodeCursor(position: PagePosition): string {
  return Buffer.from(`${position.createdAt.toISOString()}|${position.id}`).toString('base64url');
}

/** Checks `first` (1–100, default 20) and decodes `after`; BAD_USER_INPUT naming the argument. */
export function pageRequest(first: number | null | undefined, after: string | null | undefined): PageRequest {
  const size = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw badUserInput(`first must be 1–${MAX_PAGE_SIZE}`, {
      issues: [{ path: 'first', message: `must be 1–${MAX_PAGE_SIZE}`, code: 'invalid' }],
    });
  }
  if (!after) return { first: size, after: null };
  const [iso, id, extra] = Buffer.from(after, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(iso ?? '');
  if (!id || extra !== undefined || Number.isNaN(createdAt.getTime())) {
    throw badUserInput('after is not a cursor of this connection', {
      issues: [{ path: 'after', message: 'invalid cursor', code: 'invalid' }],
    });
  }
  return { first: size, after: { createdAt, id } };
}

/** One page of a list: at most `request.first` items, and whether more follow. */
export interface Page<T> {
  items: T[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  /** All items matching, across pages. */
  totalCount: number;
}

/** Builds a page from up to first+1 rows (the extra row only says whether there is a next page). */
export function pageOf<T>(rows: readonly T[], request: PageRequest, totalCount: number): Page<T> {
  return {
    items: rows.slice(0, request.first),
    hasNextPage: rows.length > request.first,
    hasPreviousPage: request.after !== null,
    totalCount,
  };
}

export function emptyPage<T>(): Page<T> {
  return { items: [], hasNextPage: false, hasPreviousPage: false, totalCount: 0 };
}

/**
 * Pages for many parents at once (what a list field asks for when resolved for a list of parents), in
 * the order asked: `load` gets the ids that can name a row (UUIDs) and answers rows and totals in that
 * order; every other id gets an empty page.
 */
export async function pagesOf<T>(
  parentIds: readonly string[],
  request: PageRequest,
  load: (ids: readonly string[]) => Promise<ReadonlyArray<{ rows: T[]; totalCount: number }>>,
): Promise<Array<Page<T>>> {
  const valid = parentIds.filter(isUuid);
  const found = valid.length > 0 ? await load(valid) : [];
  const byParent = new Map(valid.map((id, index) => [id, found[index]]));
  return parentIds.map((id) => {
    const result = byParent.get(id);
    return result ? pageOf(result.rows, request, result.totalCount) : emptyPage();
  });
}
