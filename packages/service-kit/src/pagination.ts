/** Relay-style cursor pagination over (createdAt, id), newest first: every connection in the graph. */
import { DomainError } from './errors';

export interface PageRequest {
  first: number;
  after: { createdAt: Date; id: string } | null;
}

export const MAX_PAGE_SIZE = 100;

export function encodeCursor(position: { createdAt: Date; id: string }): string {
  return Buffer.from(`${position.createdAt.toISOString()}|${position.id}`).toString('base64url');
}

export function pageRequest(first: number | null | undefined, after: string | null | undefined): PageRequest {
  const size = first ?? 20;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new DomainError('BAD_USER_INPUT', `first must be 1–${MAX_PAGE_SIZE}`, {
      issues: [{ path: 'first', message: `must be 1–${MAX_PAGE_SIZE}`, code: 'invalid' }],
    });
  }
  if (!after) return { first: size, after: null };
  const [iso, id] = Buffer.from(after, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(iso ?? '');
  if (!id || Number.isNaN(createdAt.getTime())) {
    throw new DomainError('BAD_USER_INPUT', 'after is not a cursor of this connection', {
      issues: [{ path: 'after', message: 'invalid cursor', code: 'invalid' }],
    });
  }
  return { first: size, after: { createdAt, id } };
}

export interface Page<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  totalCount: number;
}

/** Builds a page from up to first+1 rows (the extra row only says whether there is a next page). */
export function toPage<T extends { createdAt: Date; id: string }>(
  rows: readonly T[],
  request: PageRequest,
  totalCount: number,
): Page<T> {
  const nodes = rows.slice(0, request.first);
  const edges = nodes.map((node) => ({ cursor: encodeCursor(node), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > request.first,
      hasPreviousPage: request.after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    totalCount,
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
