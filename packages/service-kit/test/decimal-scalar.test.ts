import { GraphQLError, Kind } from 'graphql';
import { canonicalDecimal, DecimalScalar } from '../src/decimal-scalar';

describe('the Decimal scalar', () => {
  it('accepts strings and numbers and answers the canonical string', () => {
    expect(DecimalScalar.parseValue('1250.50')).toBe('1250.5');
    expect(DecimalScalar.parseValue('-0.000')).toBe('0');
    expect(DecimalScalar.parseValue(12)).toBe('12');
    expect(DecimalScalar.parseValue('999999999999999.9999')).toBe('999999999999999.9999');
    expect(DecimalScalar.parseLiteral({ kind: Kind.STRING, value: '3.10' })).toBe('3.1');
    expect(DecimalScalar.parseLiteral({ kind: Kind.FLOAT, value: '3.25' })).toBe('3.25');
  });

  it('refuses what is not an exact decimal of the allowed size, with BAD_USER_INPUT', () => {
    for (const value of ['1e5', '01', '1.23456', '1234567890123456', 'abc', '', Number.NaN, true, null]) {
      let code: unknown;
      try {
        DecimalScalar.parseValue(value);
      } catch (error) {
        code = error instanceof GraphQLError ? error.extensions.code : error;
      }
      expect(code).toBe('BAD_USER_INPUT');
    }
    expect(() => DecimalScalar.parseLiteral({ kind: Kind.BOOLEAN, value: true })).toThrow(
      'Decimal must be a string or a number',
    );
  });

  it('serializes what storage gives back canonically', () => {
    expect(DecimalScalar.serialize('10.5000')).toBe('10.5');
    expect(DecimalScalar.serialize(7)).toBe('7');
    expect(canonicalDecimal('-12.340')).toBe('-12.34');
  });
});
