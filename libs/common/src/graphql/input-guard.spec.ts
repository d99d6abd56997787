import { buildSchema, parse, specifiedRules, validate, type OperationDefinitionNode } from 'graphql';
import { DomainException } from '../errors/domain.exception';
import { DateTimeScalar, badStringReason, inputStringRule, variableProblems } from './input-guard';

const schema = buildSchema(`
  scalar DateTime
  enum T { A B }
  input Sub { x: Int }
  input I { code: String! tier: T sub: [Sub!] note: String at: DateTime }
  type Query { q(i: I, t: T!, s: String, ids: [ID!]): Int }
`);
Object.assign(schema.getType('DateTime')!, {
  parseValue: DateTimeScalar.parseValue,
  parseLiteral: DateTimeScalar.parseLiteral,
});

function problems(doc: string, variables: Record<string, unknown>) {
  const op = parse(doc).definitions[0] as OperationDefinitionNode;
  return variableProblems(schema, op, variables);
}

describe('badStringReason', () => {
  it('refuses NUL and unpaired surrogates, accepts paired ones and Chinese text', () => {
    expect(badStringReason('a\u0000b')).toMatch(/NUL/);
    expect(badStringReason('x\ud800')).toMatch(/surrogate/);
    expect(badStringReason('\udc00x')).toMatch(/surrogate/);
    expect(badStringReason('\ud800\ud800\udc00')).toMatch(/surrogate/);
    expect(badStringReason('航空 😀 ok')).toBeNull();
  });
});

describe('variableProblems', () => {
  const doc = 'query($i: I, $t: T!, $s: String, $ids: [ID!]) { q(i: $i, t: $t, s: $s, ids: $ids) }';

  it('names the variable, the nested field, or the missing field, with structured paths', () => {
    expect(problems(doc, { t: 'Q' })).toEqual([{ path: 'variables.t', message: expect.stringMatching(/Q/) }]);
    expect(problems(doc, { t: 'A', i: { code: 'c', sub: [{ x: 'no' }] } })).toEqual([
      { path: 'variables.i.sub.0.x', message: expect.any(String) },
    ]);
    expect(problems(doc, { t: 'A', i: { tier: 'A' } })).toEqual([{ path: 'variables.i.code', message: 'is required' }]);
    expect(problems(doc, {})).toEqual([{ path: 'variables.t', message: 'is required' }]);
    expect(problems(doc, { t: 'A' })).toEqual([]);
  });

  it('reports every bad string of every variable at once', () => {
    expect(problems(doc, { t: 'A', s: 'a\u0000', ids: ['ok', '\ud83d'], i: { code: 'x', note: 'n\u0000' } })).toEqual([
      { path: 'variables.i.note', message: expect.stringMatching(/NUL/) },
      { path: 'variables.s', message: expect.stringMatching(/NUL/) },
      { path: 'variables.ids.1', message: expect.stringMatching(/surrogate/) },
    ]);
  });

  it('refuses DateTime values that are not ISO strings within years 0001-9999', () => {
    for (const at of ['abc', -8.64e15, '2026-02-30T00:00:00Z', '10000-01-01', '0000-01-01T00:00:00Z']) {
      const got = problems(doc, { t: 'A', i: { code: 'x', at } });
      expect(got).toHaveLength(1);
      expect(got[0].path).toBe('variables.i.at');
    }
    expect(problems(doc, { t: 'A', i: { code: 'x', at: '2026-01-31T08:00:00+08:00' } })).toEqual([]);
  });
});

describe('inputStringRule', () => {
  // graphql-js's lexer already refuses lone surrogates inside literals (a parse error); NUL escapes pass it.
  it('reports literal strings with NUL as BAD_USER_INPUT with the argument path', () => {
    const errors = validate(schema, parse('{ q(t: A, s: "a\\u0000", i: { code: "ok", sub: [{ x: 1 }], note: "\\u0000" }) }'), [
      ...specifiedRules,
      inputStringRule,
    ]);
    const fields = errors.map((e) => (e.originalError as DomainException).fields);
    expect(fields).toEqual([[{ path: 's', message: expect.stringMatching(/NUL/) }], [{ path: 'i.note', message: expect.stringMatching(/NUL/) }]]);
  });
});
