/**
 * Money as deals carry it: an exact decimal amount (a canonical string: at most 15 integer digits and
 * 4 decimals, what the Decimal scalar and numeric(19,4) hold) in an ISO 4217 currency. Arithmetic is
 * done on integers of ten-thousandths, never in binary floating point.
 */
import type { InputIssues } from '@platform/domain';

/** The currency of a pipeline created without one (and so of its deals). */
export const DEFAULT_CURRENCY = 'USD';

const SCALE = 10_000n;
const DECIMAL = /^(-?)(\d{1,15})(?:\.(\d{1,4}))?$/;

/** The ISO 4217 codes the runtime knows (current currencies; no funds or metals). */
const CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/** A currency code as stored (trimmed, upper case); the problem is added to `issues` when it is none. */
export function checkCurrency(issues: InputIssues, path: string, value: string): string {
  const code = value.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code) || !CURRENCIES.has(code))
    issues.add(path, 'must be an ISO 4217 currency code, e.g. EUR');
  return code;
}

/** Ten-thousandths of a decimal string; null when it is not one. */
function toUnits(amount: string): bigint | null {
  const match = DECIMAL.exec(amount);
  if (!match) return null;
  const [, sign = '', integer = '0', fraction = ''] = match;
  const units = BigInt(integer) * SCALE + BigInt(fraction.padEnd(4, '0'));
  return sign === '-' ? -units : units;
}

/** The canonical decimal string of ten-thousandths: no trailing decimal zeros, no "-0". */
function fromUnits(units: bigint): string {
  const negative = units < 0n;
  const magnitude = negative ? -units : units;
  const integer = (magnitude / SCALE).toString();
  const fraction = (magnitude % SCALE).toString().padStart(4, '0').replace(/0+$/, '');
  const text = fraction ? `${integer}.${fraction}` : integer;
  return negative && text !== '0' ? `-${text}` : text;
}

/** Adds the problem of a deal amount: it must not be negative (the scalar already checked its form). */
export function checkAmount(issues: InputIssues, path: string, amount: string): string {
  const units = toUnits(amount);
  if (units === null)
    issues.add(path, 'must be a decimal number with at most 15 integer digits and 4 decimals');
  else if (units < 0n) issues.add(path, 'must be 0 or more');
  return units === null ? amount : fromUnits(units);
}

/**
 * `amount` × `probability` %, rounded half up to 4 decimals (what PostgreSQL's round() does for the
 * non-negative amounts deals have), so a board's weighted sum is the sum of its deals' weighted amounts.
 */
export function weightedAmount(amount: string, probability: number): string {
  const units = toUnits(amount);
  if (units === null || !Number.isInteger(probability)) throw new TypeError('weightedAmount: not a decimal');
  const product = units * BigInt(probability);
  const rounded = (product + (product >= 0n ? 50n : -50n)) / 100n;
  return fromUnits(rounded);
}

/** Whether two decimal strings are the same number ("1.50" and "1.5"). */
export function sameAmount(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  return toUnits(a) === toUnits(b);
}
