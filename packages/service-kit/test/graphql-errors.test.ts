import { GraphQLError } from 'graphql';
import { DomainError } from '@platform/domain';
import {
  formatSubgraphError,
  INTERNAL_ERROR_CODE,
  isTransientDatabaseError,
  SERVICE_UNAVAILABLE_CODE,
} from '../src/graphql-errors';

/** An error shaped like Prisma's known request errors (the kit matches them by shape). */
class PrismaClientKnownRequestError extends Error {
  override readonly name = 'PrismaClientKnownRequestError';

  constructor(readonly code: string) {
    super(`Prisma says ${code}: Transaction API error: Unable to start a transaction in the given time.`);
  }
}

function resolverError(original: Error): GraphQLError {
  return new GraphQLError(original.message, { path: ['contacts'], originalError: original });
}

const format = (error: GraphQLError) =>
  formatSubgraphError({ message: error.message, path: error.path, extensions: {} }, error);

describe('formatSubgraphError', () => {
  it.each(['P2024', 'P2028', 'P2034'])(
    'reports a busy database (%s) as SERVICE_UNAVAILABLE, retryable, without the database’s words',
    (code) => {
      const error = resolverError(new PrismaClientKnownRequestError(code));
      expect(isTransientDatabaseError(error)).toBe(true);
      expect(format(error)).toEqual({
        message: 'The service is busy; nothing was changed. Retry shortly.',
        path: ['contacts'],
        extensions: { code: SERVICE_UNAVAILABLE_CODE, details: { retryable: true } },
      });
    },
  );

  it('finds it behind a wrapping error’s cause', () => {
    const wrapped = new Error('loading failed', { cause: new PrismaClientKnownRequestError('P2028') });
    expect(format(resolverError(wrapped)).extensions).toMatchObject({ code: SERVICE_UNAVAILABLE_CODE });
  });

  it('masks every other database error, and anything else, as an internal error', () => {
    for (const error of [new PrismaClientKnownRequestError('P2002'), new Error('boom'), new TypeError('x')]) {
      expect(isTransientDatabaseError(resolverError(error))).toBe(false);
      expect(format(resolverError(error))).toEqual({
        message: 'Internal server error',
        path: ['contacts'],
        extensions: { code: INTERNAL_ERROR_CODE },
      });
    }
  });

  it('shows a domain error as it is', () => {
    const error = resolverError(new DomainError('CONFLICT', 'Already there', { id: 'x' }));
    expect(format(error)).toEqual({
      message: 'Already there',
      path: ['contacts'],
      extensions: { code: 'CONFLICT', details: { id: 'x' } },
    });
  });
});
