/**
 * Custom fields' `regex` rule, run by RE2 (re2js, RE2's JavaScript port): matching takes time linear in
 * the value's length whatever the pattern, so no pattern an organization writes can stall a write
 * (JavaScript's backtracking engine takes exponential time on patterns like `(a+)+$`). The price:
 * RE2's syntax, without backreferences or lookaround; patterns that use them are refused as invalid.
 */
import { RE2JS } from 're2js';

/** Longest pattern accepted (characters). */
export const MAX_PATTERN_LENGTH = 500;

export interface Pattern {
  /** Whether the whole value matches (like HTML's `pattern` attribute: the pattern is anchored). */
  matches(value: string): boolean;
}

/** Compiled patterns, by source: each write checks its values against the same few. */
const compiled = new Map<string, Pattern>();
const CACHE_SIZE = 500;

/** The compiled pattern, or why it cannot be one (RE2's syntax error). */
export function compilePattern(source: string): Pattern | { error: string } {
  const cached = compiled.get(source);
  if (cached) return cached;
  if (source.length > MAX_PATTERN_LENGTH)
    return { error: `must be at most ${MAX_PATTERN_LENGTH} characters` };
  let expression: RE2JS;
  try {
    expression = RE2JS.compile(source);
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'invalid';
    return { error: `is not a valid regular expression (RE2 syntax: ${reason})` };
  }
  const pattern: Pattern = { matches: (value) => expression.matches(value) };
  if (compiled.size >= CACHE_SIZE) {
    const oldest = compiled.keys().next();
    if (!oldest.done) compiled.delete(oldest.value);
  }
  compiled.set(source, pattern);
  return pattern;
}

export function isPattern(value: Pattern | { error: string }): value is Pattern {
  return 'matches' in value;
}
