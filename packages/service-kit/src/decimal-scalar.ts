/**
 * `Decimal`: an exact decimal number (money, revenue, quantities), carried as a string so that no
 * binary floating point ever touches it. Input may be a string or a JSON number written with at most
 * 15 significant integer digits and 4 decimals; output is the canonical string (no exponent, no
 * leading zeros, no trailing decimal zeros). Stored as PostgreSQL numeric.
 */
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

const DECIMAL = /^-?(0|[1-9]\d{0,14})(\.\d{1,4})?$/;

/** The canonical form of a decimal string: "-0.50" → "-0.5", "12.000" → "12", "-0" → "0". */
export function canonicalDecimal(value: string): string {
  const [integer = '0', fraction = ''] = value.split('.');
  const trimmed = fraction.replace(/0+$/, '');
  const text = trimmed ? `${integer}.${trimmed}` : integer;
  return text === '-0' ? '0' : text;
}

interface DecimalLike {
  toFixed(): string;
}

const isDecimalLike = (value: unknown): value is DecimalLike =>
  typeof value === 'object' && value !== null && 'toFixed' in value && typeof value.toFixed === 'function';

function parse(value: unknown): string {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string' || !DECIMAL.test(text)) {
    throw new GraphQLError(
      'Decimal must be a number with at most 15 integer digits and 4 decimals, e.g. "1250.50"',
      { extensions: { code: 'BAD_USER_INPUT' } },
    );
  }
  return canonicalDecimal(text);
}

export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  description:
    'An exact decimal number as a string (at most 15 integer digits and 4 decimals), e.g. "1250.5".',
  serialize(value) {
    if (typeof value === 'string') return canonicalDecimal(value);
    if (typeof value === 'number' || typeof value === 'bigint') return canonicalDecimal(value.toString());
    // Prisma's Decimal (decimal.js): toFixed() without digits prints it exactly, never with an exponent.
    if (isDecimalLike(value)) return canonicalDecimal(value.toFixed());
    throw new TypeError('Decimal: not a decimal value');
  },
  parseValue: parse,
  parseLiteral(ast) {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return parse(ast.value);
    throw new GraphQLError('Decimal must be a string or a number', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  },
});
