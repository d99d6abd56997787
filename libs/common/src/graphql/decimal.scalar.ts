import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

const DECIMAL = /^-?\d{1,18}(\.\d{1,6})?$/;

function parse(value: unknown): string {
  const s = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof s !== 'string' || !DECIMAL.test(s.trim())) {
    throw new GraphQLError('Decimal must be a string such as "1250.50"', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return s.trim();
}

/** Exact decimal serialised as a string, so 万元 amounts never pass through binary floating point. */
export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  description: 'Exact decimal number serialised as a string, e.g. "12500.00"',
  serialize: (value) => (value === null || value === undefined ? null : String(value)),
  parseValue: parse,
  parseLiteral: (ast) => {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return parse(ast.value);
    throw new GraphQLError('Decimal must be a string', { extensions: { code: 'BAD_USER_INPUT' } });
  },
});
