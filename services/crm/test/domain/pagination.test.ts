import { DomainError, encodeCursor, MAX_PAGE_SIZE, pageRequest, toPage } from '@platform/service-kit';

// The cursor pagination every connection uses (crm's contacts, conversations' threads).

const row = (minute: number, id: string) => ({ id, createdAt: new Date(Date.UTC(2026, 0, 1, 9, minute)) });

/** The DomainError `work` throws (fails the test if it throws nothing or something else). */
function thrown(work: () => unknown): DomainError {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('pageRequest', () => {
  it('defaults to the first 20', () => {
    expect(pageRequest(undefined, undefined)).toEqual({ first: 20, after: null });
    expect(pageRequest(null, null)).toEqual({ first: 20, after: null });
    expect(pageRequest(1, '')).toEqual({ first: 1, after: null });
    expect(pageRequest(MAX_PAGE_SIZE, null)).toEqual({ first: 100, after: null });
  });

  it.each([0, -1, MAX_PAGE_SIZE + 1, 2.5])('refuses first = %p as BAD_USER_INPUT on `first`', (first) => {
    const error = thrown(() => pageRequest(first, null));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.details).toEqual({ issues: [{ path: 'first', message: 'must be 1–100', code: 'invalid' }] });
  });

  it.each([
    'garbage',
    Buffer.from('not-a-date|some-id').toString('base64url'),
    Buffer.from('2026-01-01T09:00:00.000Z').toString('base64url'),
  ])('refuses the cursor %p as BAD_USER_INPUT on `after`', (after) => {
    const error = thrown(() => pageRequest(10, after));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.details).toEqual({
      issues: [{ path: 'after', message: 'invalid cursor', code: 'invalid' }],
    });
  });
});

describe('encodeCursor / pageRequest round trip', () => {
  it('decodes a cursor back to the position it encodes, to the millisecond', () => {
    const position = {
      createdAt: new Date('2026-03-04T05:06:07.089Z'),
      id: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
    };
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(pageRequest(5, cursor)).toEqual({ first: 5, after: position });
  });
});

describe('toPage', () => {
  it('shows `first` rows and uses the extra row only to say there is a next page', () => {
    const rows = [row(3, 'c'), row(2, 'b'), row(1, 'a')];
    const page = toPage(rows, pageRequest(2, null), 7);
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
    const first = toPage([row(3, 'c'), row(2, 'b'), row(1, 'a')], pageRequest(2, null), 3);
    const next = pageRequest(2, first.pageInfo.endCursor);
    expect(next.after).toEqual(row(2, 'b'));
    const second = toPage([row(1, 'a')], next, 3);
    expect(second.edges.map((edge) => edge.node.id)).toEqual(['a']);
    expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('gives an empty page null cursors', () => {
    expect(toPage([], pageRequest(10, null), 0)).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
      totalCount: 0,
    });
  });
});
