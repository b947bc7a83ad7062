/**
 * The two ends of paging that are not domain: Relay connections for the GraphQL layer, and the Prisma
 * condition for rows after a cursor. The domain's `Page` and `PageRequest` (@platform/domain) sit between.
 */
import { encodeCursor, type Page, type PageRequest, type PagePosition } from '@platform/domain';

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
  const edges = page.items.map((node) => ({ cursor: encodeCursor(node), node }));
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
  /** A fixed SQL condition every row must meet too, e.g. `deleted_at IS NULL`. */
  where?: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * One page per parent, for any number of parents, in two statements: each parent's rows numbered
 * newest first (createdAt desc, id desc) with the first `first + 1` kept, and the counts grouped by
 * parent. What a list field asks for when it is resolved for a whole list of parents. Rows come back
 * as PostgreSQL names their columns (snake_case); results are in parent order.
 */
export async function pagesByParent<Row extends Record<string, unknown>>(
  tx: RawQueryTransaction,
  spec: PagesByParentSpec,
): Promise<Array<{ rows: Row[]; totalCount: number }>> {
  for (const name of [spec.table, spec.parentColumn]) {
    if (!IDENTIFIER.test(name)) throw new TypeError(`pagesByParent: "${name}" is not a plain identifier`);
  }
  const parent = `"${spec.parentColumn}"`;
  const scope = `organization_id = $1::uuid AND ${parent} = ANY($2::uuid[])${spec.where ? ` AND (${spec.where})` : ''}`;
  const after = spec.request.after ? ' AND (created_at, id) < ($4::timestamptz, $5::uuid)' : '';
  const values: unknown[] = [spec.organizationId, [...spec.parentIds], spec.request.first + 1];
  if (spec.request.after) values.push(spec.request.after.createdAt, spec.request.after.id);
  const [rows, counts] = await Promise.all([
    tx.$queryRawUnsafe<Array<Row & { page_position: bigint }>>(
      `SELECT * FROM (
         SELECT t.*, row_number() OVER (PARTITION BY ${parent} ORDER BY created_at DESC, id DESC) AS page_position
         FROM "${spec.table}" t WHERE ${scope}${after}
       ) ranked WHERE page_position <= $3 ORDER BY ${parent}, created_at DESC, id DESC`,
      ...values,
    ),
    tx.$queryRawUnsafe<Array<{ parent: string; total: number }>>(
      `SELECT ${parent} AS parent, count(*)::int AS total FROM "${spec.table}" WHERE ${scope} GROUP BY ${parent}`,
      spec.organizationId,
      [...spec.parentIds],
    ),
  ]);
  const pages = new Map<string, Row[]>(spec.parentIds.map((id) => [id, []]));
  for (const row of rows) pages.get(String(row[spec.parentColumn]))?.push(row);
  const totals = new Map(counts.map((count) => [count.parent, count.total]));
  return spec.parentIds.map((id) => ({ rows: pages.get(id) ?? [], totalCount: totals.get(id) ?? 0 }));
}
