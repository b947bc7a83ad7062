import { encodeCursor, pageOf, pageRequest } from '@platform/domain';
import { toConnection } from '../src/pagination';

// Relay connections over the domain's pages: what every list field answers.

const row = (minute: number, id: string) => ({ id, createdAt: new Date(Date.UTC(2026, 0, 1, 9, minute)) });

describe('toConnection', () => {
  it('shows `first` rows and uses the extra row only to say there is a next page', () => {
    const rows = [row(3, 'c'), row(2, 'b'), row(1, 'a')];
    const page = toConnection(pageOf(rows, pageRequest(2, null), 7));
    expect(page.edges.map((edge) => edge.node.id)).toEqual(['c', 'b']);
    expect(page.totalCount).toBe(7);
    expect(page.pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: encodeCursor(row(3, 'c')),
      endCursor: encodeCursor(row(2, 'b')),
    });
    expect(page.edges.map((edge) => edge.cursor)).toEqual([
      page.pageInfo.startCursor,
      page.pageInfo.endCursor,
    ]);
  });

  it('continues after its end cursor: the next request starts after the last row shown', () => {
    const first = toConnection(pageOf([row(3, 'c'), row(2, 'b'), row(1, 'a')], pageRequest(2, null), 3));
    const next = pageRequest(2, first.pageInfo.endCursor);
    expect(next.after).toEqual(row(2, 'b'));
    const second = toConnection(pageOf([row(1, 'a')], next, 3));
    expect(second.edges.map((edge) => edge.node.id)).toEqual(['a']);
    expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('gives an empty page null cursors', () => {
    expect(toConnection(pageOf([], pageRequest(10, null), 0))).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
      totalCount: 0,
    });
  });
});
