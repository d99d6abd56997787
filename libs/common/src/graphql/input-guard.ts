import {
  type ASTVisitor,
  GraphQLError,
  GraphQLScalarType,
  type GraphQLInputType,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  type ValidationContext,
  type ValueNode,
  coerceInputValue,
  getNullableType,
  isInputObjectType,
  isListType,
  isNonNullType,
  typeFromAST,
} from 'graphql';
import { type FieldError, ValidationException } from '../errors/domain.exception';

/**
 * Why a string may not enter the platform, or null when it may: PostgreSQL text cannot hold U+0000,
 * and an unpaired UTF-16 surrogate breaks jsonb and is silently replaced by U+FFFD in plain columns.
 */
export function badStringReason(s: string): string | null {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) return 'must not contain the NUL character (U+0000)';
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return 'must not contain an unpaired UTF-16 surrogate';
    }
    if (c >= 0xdc00 && c <= 0xdfff) return 'must not contain an unpaired UTF-16 surrogate';
  }
  return null;
}

// PostgreSQL timestamptz holds years 4713 BC … 294276 AD; the API accepts the calendar years people mean.
// Date.UTC maps years 0–99 to 19xx, so the bounds are parsed from ISO strings.
const MIN_TIME = Date.parse('0001-01-01T00:00:00Z');
const MAX_TIME = Date.parse('9999-12-31T23:59:59.999Z');
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

function parseDateTime(value: unknown): Date {
  if (typeof value !== 'string' || !ISO_DATE_TIME.test(value)) {
    throw new TypeError('must be an ISO 8601 date-time string such as 2026-01-31T08:00:00Z');
  }
  const [y, m, day] = value.slice(0, 10).split('-').map(Number);
  // JavaScript rolls 2026-02-30 over into March; the caller meant a day that does not exist.
  if (m < 1 || m > 12 || day < 1 || day > new Date(Date.UTC(2000, m, 0)).getUTCDate() || (m === 2 && day === 29 && !isLeap(y))) {
    throw new TypeError('is not a valid date-time');
  }
  const d = new Date(value);
  const t = d.getTime();
  if (Number.isNaN(t)) throw new TypeError('is not a valid date-time');
  if (t < MIN_TIME || t > MAX_TIME) throw new TypeError('must be between the years 0001 and 9999');
  return d;
}

/**
 * The platform's DateTime: an ISO 8601 string within years 0001–9999. Nest's default scalar turns
 * "abc" into an Invalid Date and lets it reach SQL.
 */
export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'A date-time string at UTC, such as 2019-12-03T09:54:33Z, compliant with the date-time format.',
  serialize: (value) => (value instanceof Date ? value.toISOString() : null),
  parseValue: parseDateTime,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new TypeError('must be an ISO 8601 date-time string');
    return parseDateTime(ast.value);
  },
});

function join(path: string, key: string | number): string {
  return path ? `${path}.${key}` : String(key);
}

/** Every string inside a literal argument value that may not enter the platform. */
function literalProblems(node: ValueNode, path: string, out: FieldError[]): void {
  switch (node.kind) {
    case Kind.STRING: {
      const reason = badStringReason(node.value);
      if (reason) out.push({ path, message: reason });
      return;
    }
    case Kind.LIST:
      node.values.forEach((v, i) => literalProblems(v, join(path, i), out));
      return;
    case Kind.OBJECT:
      for (const f of node.fields) literalProblems(f.value, join(path, f.name.value), out);
      return;
    case Kind.VARIABLE:
    case Kind.INT:
    case Kind.FLOAT:
    case Kind.BOOLEAN:
    case Kind.NULL:
    case Kind.ENUM:
      return;
    default: {
      const unreachable: never = node;
      return unreachable;
    }
  }
}

/**
 * Validation rule: strings written into the document itself (literal arguments) are checked before
 * anything runs. Reported as BAD_USER_INPUT with the argument's path (e.g. `input.title`).
 */
export function inputStringRule(context: ValidationContext): ASTVisitor {
  return {
    Argument(node) {
      const fields: FieldError[] = [];
      literalProblems(node.value, node.name.value, fields);
      if (fields.length) {
        context.reportError(
          new GraphQLError(fields.map((f) => `${f.path}: ${f.message}`).join('; '), {
            nodes: node,
            originalError: new ValidationException(fields),
          }),
        );
      }
    },
  };
}

/** Walks a raw variable value along its input type, reporting strings that may not enter the platform. */
function variableStringProblems(value: unknown, type: GraphQLInputType, path: string, out: FieldError[]): void {
  if (value === null || value === undefined) return;
  const t = getNullableType(type) as GraphQLInputType;
  if (isListType(t)) {
    const item = t.ofType as GraphQLInputType;
    if (Array.isArray(value)) value.forEach((v, i) => variableStringProblems(v, item, join(path, i), out));
    else variableStringProblems(value, item, path, out);
    return;
  }
  if (isInputObjectType(t)) {
    if (typeof value !== 'object') return;
    const defs = t.getFields();
    const given = value as Record<string, unknown>;
    for (const [key, def] of Object.entries(defs)) {
      if (!(key in given)) {
        if (isNonNullType(def.type) && def.defaultValue === undefined) out.push({ path: join(path, key), message: 'is required' });
      } else variableStringProblems(given[key], def.type, join(path, key), out);
    }
    return;
  }
  if (typeof value === 'string') {
    const reason = badStringReason(value);
    if (reason) out.push({ path, message: reason });
  }
}

/**
 * Coerces every variable of the operation against the schema before execution and collects each
 * problem with its structured path (`variables.input.title`), so no caller depends on the wording of
 * graphql-js messages and every bad value of a request is reported at once.
 */
export function variableProblems(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): FieldError[] {
  const out: FieldError[] = [];
  for (const def of operation.variableDefinitions ?? []) {
    const name = def.variable.name.value;
    const type = typeFromAST(schema, def.type) as GraphQLInputType | undefined;
    if (!type) continue; // unknown types are validation errors already
    const root = `variables.${name}`;
    if (!(name in variables)) {
      if (isNonNullType(type) && !def.defaultValue) out.push({ path: root, message: 'is required' });
      continue;
    }
    const value = variables[name];
    variableStringProblems(value, type, root, out);
    coerceInputValue(value, type, (path, _invalid, error) => {
      const at = path.reduce<string>((p, k) => join(p, k), root);
      // graphql-js prefixes our scalar's own message with its type; keep ours when there is one.
      const message = error.originalError?.message ?? error.message;
      // Already reported by the walk above, at this path or below it.
      if (!out.some((f) => f.path === at || f.path.startsWith(`${at}.`))) out.push({ path: at, message });
    });
  }
  return out;
}
