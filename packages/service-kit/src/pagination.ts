/**
 * The two ends of paging that are not domain: Relay connections for the GraphQL layer, and the Prisma
 * condition for rows after a cursor. The domain's `Page` and `PageRequest` (@platform/domain) sit between.
 */
import {
  encodeCursor,
  type ListPage,
  type Page,
  type PageRequest,
  type PagePosition,
} from '@platform/domain';

/** A Relay connection (edges with cursors, pageInfo, totalCount), as every list field answers. */
export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  totalCount: number;
}

export function toConnection<T extends PagePosition>(page: Page<T>): Connection<T> {
  return toConnectionBy(page, (node) => node);
}

/**
 * A page as a Relay connection whose cursors hold `positionOf(node)`: what a list ordered by another
 * timestamp than `createdAt` (e.g. a timeline by `occurredAt`) answers, in the same cursor format.
 */
export function toConnectionBy<T>(page: Page<T>, positionOf: (node: T) => PagePosition): Connection<T> {
  const edges = page.items.map((node) => ({ cursor: encodeCursor(positionOf(node)), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    totalCount: page.totalCount,
  };
}

/** A sorted list's page as a Relay connection: each edge's cursor is the one the list gave its item. */
export function toListConnection<T>(page: ListPage<T>): Connection<T> {
  const edges = page.items.map((node, index) => ({ cursor: page.cursors[index] ?? '', node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    totalCount: page.totalCount,
  };
}

/** The Prisma `where` condition for rows after the request's cursor in (createdAt desc, id desc) order. */
export function afterCursorWhere(request: PageRequest): {
  OR?: Array<{ createdAt: { lt: Date } } | { createdAt: Date; id: { lt: string } }>;
} {
  if (!request.after) return {};
  const { createdAt, id } = request.after;
  return { OR: [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: id } }] };
}

/** What `pagesByParent` needs of a Prisma transaction. */
export interface RawQueryTransaction {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

export interface PagesByParentSpec {
  /** The table (a plain identifier, never caller input). */
  table: string;
  /** The column naming the parent (e.g. `contact_id`, `owner_id`). */
  parentColumn: string;
  organizationId: string;
  parentIds: readonly string[];
  request: PageRequest;
  /**
   * A condition every row must meet too: fixed SQL (e.g. `deleted_at IS NULL`), or SQL built with
   * `bind`, which adds a value as a query parameter and answers its placeholder (never caller input in
   * the SQL text itself).
   */
  where?: string | ((bind: (value: unknown) => string) => string);
  /**
   * The timestamp column the pages are ordered by, newest first (then id): `created_at` unless given
   * (e.g. `occurred_at` for a timeline). The request's cursor holds a value of this column.
   */
  orderColumn?: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** What `pagesByParent` adds to each row it reads. */
interface PageColumns {
  page_total: number;
  page_newest: bigint;
  page_position: bigint;
  page_after: boolean;
}

/**
 * One page per parent, for any number of parents, in one statement: each parent's rows numbered
 * newest first (createdAt desc, id desc, or `orderColumn` desc, id desc) with the first `first + 1`
 * kept, next to how many rows the parent has in all. What a list field asks for when it is resolved
 * for a whole list of parents. Rows come back as PostgreSQL names their columns (snake_case); results
 * are in parent order.
 */
export async function pagesByParent<Row extends Record<string, unknown>>(
  tx: RawQueryTransaction,
  spec: PagesByParentSpec,
): Promise<Array<{ rows: Row[]; totalCount: number }>> {
  const orderColumn = spec.orderColumn ?? 'created_at';
  for (const name of [spec.table, spec.parentColumn, orderColumn]) {
    if (!IDENTIFIER.test(name)) throw new TypeError(`pagesByParent: "${name}" is not a plain identifier`);
  }
  const parent = `"${spec.parentColumn}"`;
  const order = `"${orderColumn}"`;
  const values: unknown[] = [spec.organizationId, [...spec.parentIds], spec.request.first + 1];
  // Whether a row comes after the cursor (every row does without one).
  const after = spec.request.after ? `((${order}, id) < ($4::timestamptz, $5::uuid))` : 'true';
  if (spec.request.after) values.push(spec.request.after.createdAt, spec.request.after.id);
  const bind = (value: unknown): string => {
    values.push(value);
    return `$${values.length}`;
  };
  const condition = typeof spec.where === 'function' ? spec.where(bind) : spec.where;
  const where = condition ? ` AND (${condition})` : '';
  // Window functions over the parents' rows, read once: the parent's total, each row's place among
  // the rows after the cursor, and the parent's newest row, kept so that a parent whose page is empty
  // (the cursor past its last row) still reports its total.
  const rows = await tx.$queryRawUnsafe<Array<Row & PageColumns>>(
    `SELECT * FROM (
       SELECT t.*,
         count(*) OVER (PARTITION BY ${parent})::int AS page_total,
         row_number() OVER (PARTITION BY ${parent} ORDER BY ${order} DESC, id DESC) AS page_newest,
         row_number() OVER (PARTITION BY ${parent}, ${after} ORDER BY ${order} DESC, id DESC) AS page_position,
         ${after} AS page_after
       FROM "${spec.table}" t
       WHERE organization_id = $1::uuid AND ${parent} = ANY($2::uuid[])${where}
     ) ranked
     WHERE (page_after AND page_position <= $3) OR page_newest = 1
     ORDER BY ${parent}, ${order} DESC, id DESC`,
    ...values,
  );
  const pages = new Map<string, { rows: Row[]; totalCount: number }>();
  for (const row of rows) {
    const parentId = String(row[spec.parentColumn]);
    const page = pages.get(parentId) ?? { rows: [], totalCount: row.page_total };
    pages.set(parentId, page);
    if (row.page_after && row.page_position <= spec.request.first + 1) page.rows.push(row);
  }
  return spec.parentIds.map((id) => pages.get(id) ?? { rows: [], totalCount: 0 });
}
