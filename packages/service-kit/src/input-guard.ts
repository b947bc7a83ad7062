import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, Kind, visit, type DocumentNode, type ValueNode } from 'graphql';
import { invalidInput, type InputIssue } from '@platform/domain';

/**
 * Refuses strings no service can store faithfully, for every operation and before any resolver runs:
 * PostgreSQL rejects U+0000 in text and jsonb (the insert fails, which used to surface as an internal
 * error), and an unpaired UTF-16 surrogate has no UTF-8 encoding, so it would be stored as U+FFFD and
 * read back as something the client never sent. Checking here, once, covers every field of every
 * service, including strings nested in input objects, lists and JSON scalars, and object keys.
 * Control characters (but tab, line feed and carriage return) are refused the same way: stored, they
 * are never what a person meant, and they carry terminal escapes into logs and exports.
 */

/** Why a string cannot be stored, as the issue code clients see. */
export type UnstorableReason = 'nul_character' | 'unpaired_surrogate' | 'control_character';

/**
 * C0 controls other than tab, line feed and carriage return, DEL, and the C1 controls: never text a
 * person means (a name with a BEL or an escape sequence in it), and a way to smuggle terminal escapes
 * into logs and exports.
 */
function hasControlCharacter(value: string): boolean {
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || (code >= 0x7f && code <= 0x9f)) {
      return true;
    }
  }
  return false;
}

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Answers at most this many issues: enough to fix a request, bounded for a hostile one. */
export const MAX_INPUT_GUARD_ISSUES = 20;

const MESSAGES: Record<UnstorableReason, string> = {
  nul_character: 'must not contain the NUL character (U+0000)',
  unpaired_surrogate: 'must not contain an unpaired UTF-16 surrogate (not valid Unicode)',
  control_character: 'must not contain control characters (other than tab, line feed and carriage return)',
};

export function unstorableReason(value: string): UnstorableReason | undefined {
  if (value.includes('\u0000')) return 'nul_character';
  if (UNPAIRED_SURROGATE.test(value)) return 'unpaired_surrogate';
  if (hasControlCharacter(value)) return 'control_character';
  return undefined;
}

function issue(path: string, reason: UnstorableReason): InputIssue {
  return { path, message: MESSAGES[reason], code: reason };
}

/** A path segment for an object key; a key that is itself unstorable is shown escaped. */
function keySegment(key: string): string {
  return unstorableReason(key) ? JSON.stringify(key) : key;
}

function join(path: string, segment: string | number): string {
  return path === '' ? String(segment) : `${path}.${segment}`;
}

/**
 * Every unstorable string in request variables (as sent, before coercion), addressed by its path from
 * the variable name (`input.givenName`, `input.tags.2`). Iterative, so arbitrarily deep JSON cannot
 * overflow the stack.
 */
export function findUnstorableVariables(
  variables: Readonly<Record<string, unknown>> | undefined,
  limit = MAX_INPUT_GUARD_ISSUES,
): InputIssue[] {
  const issues: InputIssue[] = [];
  // A key is checked when its value's turn comes, so issues come out in document order.
  const pending: Array<{ value: unknown; path: string; key?: UnstorableReason | undefined }> = [
    { value: variables, path: '' },
  ];
  for (let next = pending.pop(); next !== undefined && issues.length < limit; next = pending.pop()) {
    const { value, path, key } = next;
    if (key) issues.push(issue(path, key));
    if (typeof value === 'string') {
      const reason = unstorableReason(value);
      if (reason) issues.push(issue(path, reason));
    } else if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index -= 1) {
        pending.push({ value: value[index], path: join(path, index) });
      }
    } else if (typeof value === 'object' && value !== null) {
      const entries: Array<[string, unknown]> = Object.entries(value);
      for (let index = entries.length - 1; index >= 0; index -= 1) {
        const entry = entries[index];
        if (entry) {
          const [name, child] = entry;
          pending.push({ value: child, path: join(path, keySegment(name)), key: unstorableReason(name) });
        }
      }
    }
  }
  return issues.slice(0, limit);
}

/**
 * Every unstorable string literal written inline in the document: argument values of fields and
 * directives (`input.givenName`, addressed from the argument name) and variable defaults (`$name`).
 */
export function findUnstorableLiterals(document: DocumentNode, limit = MAX_INPUT_GUARD_ISSUES): InputIssue[] {
  const issues: InputIssue[] = [];
  const walk = (root: ValueNode, rootPath: string): void => {
    const pending: Array<{ node: ValueNode; path: string }> = [{ node: root, path: rootPath }];
    for (let next = pending.pop(); next !== undefined && issues.length < limit; next = pending.pop()) {
      const { node, path } = next;
      switch (node.kind) {
        case Kind.STRING: {
          const reason = unstorableReason(node.value);
          if (reason) issues.push(issue(path, reason));
          break;
        }
        case Kind.LIST:
          for (let index = node.values.length - 1; index >= 0; index -= 1) {
            const value = node.values[index];
            if (value) pending.push({ node: value, path: join(path, index) });
          }
          break;
        case Kind.OBJECT:
          for (let index = node.fields.length - 1; index >= 0; index -= 1) {
            const field = node.fields[index];
            if (field) pending.push({ node: field.value, path: join(path, field.name.value) });
          }
          break;
        case Kind.VARIABLE:
        case Kind.INT:
        case Kind.FLOAT:
        case Kind.BOOLEAN:
        case Kind.NULL:
        case Kind.ENUM:
          break;
      }
    }
  };
  visit(document, {
    Argument(node) {
      walk(node.value, node.name.value);
      return false;
    },
    VariableDefinition(node) {
      if (node.defaultValue) walk(node.defaultValue, `$${node.variable.name.value}`);
      return false;
    },
  });
  return issues.slice(0, limit);
}

/**
 * The error a guarded request is answered with: BAD_USER_INPUT with every issue, in the same shape as
 * the domain's own input errors (`details.issues`), so the subgraph's and the gateway's error formatting show it as
 * the domain error it is. HTTP 200 like every other domain error: the gateway reads a non-2xx subgraph
 * answer as an unavailable service and would hide the code.
 */
export function unstorableInputError(issues: readonly InputIssue[]): GraphQLError {
  const cause = invalidInput(issues);
  return new GraphQLError(cause.message, {
    originalError: cause,
    extensions: { code: cause.code, http: { status: 200 } },
  });
}

/** The Apollo Server plugin: checks variables and inline literals once the operation is resolved. */
export function inputGuardPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    requestDidStart() {
      return Promise.resolve({
        didResolveOperation({ request, document }) {
          const issues = [...findUnstorableVariables(request.variables), ...findUnstorableLiterals(document)];
          return issues.length > 0
            ? Promise.reject(unstorableInputError(issues.slice(0, MAX_INPUT_GUARD_ISSUES)))
            : Promise.resolve();
        },
      });
    },
  };
}
