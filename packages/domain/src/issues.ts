import { DomainError } from './errors';

/** One failed check of an input, addressed by its dotted field path (`address.city`, `tags.2`). */
export interface InputIssue {
  path: string;
  message: string;
  code: string;
}

/**
 * Collects every problem of an input before failing, so a caller learns about all its fields at once:
 *
 * ```ts
 * const issues = new InputIssues();
 * if (!name) issues.add('name', 'must not be empty');
 * issues.throwIfAny();
 * ```
 */
export class InputIssues {
  readonly #issues: InputIssue[] = [];

  add(path: string, message: string, code = 'invalid'): this {
    this.#issues.push({ path, message, code });
    return this;
  }

  get list(): readonly InputIssue[] {
    return this.#issues;
  }

  /** Throws BAD_USER_INPUT listing every issue (`details.issues`) when there is any. */
  throwIfAny(): void {
    if (this.#issues.length === 0) return;
    throw invalidInput(this.#issues);
  }
}

/** BAD_USER_INPUT naming each field; the message joins them for clients that only show text. */
export function invalidInput(issues: readonly InputIssue[]): DomainError {
  return new DomainError(
    'BAD_USER_INPUT',
    issues.map((issue) => `${issue.path} ${issue.message}`).join('; '),
    {
      issues,
    },
  );
}
