import { DomainError } from './errors';

/**
 * Test support for domain rules (`@platform/domain/testing`): the DomainError `work` throws. Fails the
 * test when it throws nothing or something else.
 */
export function domainErrorOf(work: () => unknown): DomainError {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError, but nothing was thrown');
}
