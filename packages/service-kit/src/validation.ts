import type { z } from 'zod';
import { badUserInput, type InputIssue } from '@platform/domain';

/**
 * Parses `input` with a zod schema; on failure throws a BAD_USER_INPUT DomainError whose details list
 * every failing field (`{ issues: InputIssue[] }`), so clients can point at the field.
 */
export function parseInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues: InputIssue[] = result.error.issues.map((issue) => ({
    path: issue.path.map((segment) => String(segment)).join('.'),
    message: issue.message,
    code: issue.code,
  }));
  throw badUserInput('Invalid input', { issues });
}
