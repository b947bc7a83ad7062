import { encodeCursor, MAX_PAGE_SIZE, pageOf, pageRequest } from '../src';
import { domainErrorOf } from '../src/testing';

// The cursor pagination every list uses (crm's contacts, conversations' threads).

const row = (minute: number, id: string) => ({ id, createdAt: new Date(Date.UTC(2026, 0, 1, 9, minute)) });

describe('pageRequest', () => {
  it('defaults to the first 20', () => {
    expect(pageRequest(undefined, undefined)).toEqual({ first: 20, after: null });
    expect(pageRequest(null, null)).toEqual({ first: 20, after: null });
    expect(pageRequest(1, '')).toEqual({ first: 1, after: null });
    expect(pageRequest(MAX_PAGE_SIZE, null)).toEqual({ first: 100, after: null });
  });

  it.each([0, -1, MAX_PAGE_SIZE + 1, 2.5])('refuses first = %p as BAD_USER_INPUT on `first`', (first) => {
    const error = domainErrorOf(() => pageRequest(first, null));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.details).toEqual({ issues: [{ path: 'first', message: 'must be 1–100', code: 'invalid' }] });
  });

  it.each([
    'garbage',
    Buffer.from('not-a-date|some-id').toString('base64url'),
    Buffer.from('2026-01-01T09:00:00.000Z').toString('base64url'),
  ])('refuses the cursor %p as BAD_USER_INPUT on `after`', (after) => {
    const error = domainErrorOf(() => pageRequest(10, after));
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

describe('pageOf', () => {
  it('keeps `first` rows and uses the extra row only to say there is a next page', () => {
    expect(pageOf(['c', 'b', 'a'], pageRequest(2, null), 7)).toEqual({
      items: ['c', 'b'],
      hasNextPage: true,
      hasPreviousPage: false,
      totalCount: 7,
    });
    expect(pageOf(['a'], pageRequest(2, encodeCursor(row(2, 'b'))), 3)).toMatchObject({
      items: ['a'],
      hasNextPage: false,
      hasPreviousPage: true,
    });
  });
});
