import { GraphQLError, buildSchema, parse, specifiedRules, validate, type OperationDefinitionNode } from 'graphql';
import {
  DEFAULT_LIST,
  DEFAULT_PAGE,
  aliasLimitRule,
  depthLimitRule,
  estimateCost,
  tagTokenLimit,
} from './limits';

const schema = buildSchema(`
  type Query {
    items(first: Int, after: String): ItemConnection!
    item(id: ID!): Item
    tags: [String!]!
    list: [Item!]!
  }
  type Mutation { touch(id: ID!): Item }
  type ItemConnection { edges: [ItemEdge!]! pageInfo: PageInfo! totalCount: Int! }
  type ItemEdge { cursor: String! node: Item! }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type Item {
    id: ID!
    name: String!
    children(first: Int, last: Int): ItemConnection!
    related: [Item!]!
    parent: Item
  }
`);

function cost(query: string, variables: Record<string, unknown> = {}): number {
  const doc = parse(query);
  const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
  return estimateCost(schema, doc, op, variables);
}

describe('estimateCost', () => {
  it('charges one per field', () => {
    expect(cost(`{ item(id: "1") { id name parent { id } } }`)).toBe(1 + 1 + 1 + (1 + 1));
  });

  it('multiplies what is under a connection by `first`', () => {
    // items: 1 + 50 × (edges: 1 + node: 1 + (id + name)) = 1 + 50 × 4
    expect(cost(`{ items(first: 50) { edges { node { id name } } } }`)).toBe(1 + 50 * 4);
  });

  it('uses DEFAULT_PAGE for a connection without first/last, and `last` like `first`', () => {
    expect(cost(`{ items { totalCount } }`)).toBe(1 + DEFAULT_PAGE * 1);
    expect(cost(`{ item(id: "1") { children(last: 7) { totalCount } } }`)).toBe(1 + (1 + 7 * 1));
  });

  it('multiplies nested connections (the amplification the limit exists for)', () => {
    const q = `{ items(first: 100) { edges { node { children(first: 100) { edges { node { children(first: 100) { totalCount } } } } } } } }`;
    // inner: children = 1 + 100 × 1 = 101; node = 1 + 101; edges = 1 + 102; middle children = 1 + 100 × 103 ...
    const inner = 1 + 100 * 1;
    const middle = 1 + 100 * (1 + (1 + inner));
    const outer = 1 + 100 * (1 + (1 + middle));
    expect(cost(q)).toBe(outer);
    expect(cost(q)).toBeGreaterThan(25000 * 4);
  });

  it('reads page sizes from variables, and from variable defaults when the request leaves them out', () => {
    const q = `query Q($n: Int = 40) { items(first: $n) { totalCount } }`;
    expect(cost(q, { n: 5 })).toBe(1 + 5);
    expect(cost(q, {})).toBe(1 + 40);
  });

  it('caps an absurd page size at 10000 and a zero or negative one at 1', () => {
    expect(cost(`{ items(first: 99999999) { totalCount } }`)).toBe(1 + 10000);
    expect(cost(`{ items(first: 0) { totalCount } }`)).toBe(1 + 1);
  });

  it('assumes DEFAULT_LIST items for a plain list of objects, but not for scalar lists or edges', () => {
    expect(cost(`{ list { id } }`)).toBe(1 + DEFAULT_LIST * 1);
    expect(cost(`{ tags }`)).toBe(1);
    expect(cost(`{ list { related { id } } }`)).toBe(1 + DEFAULT_LIST * (1 + DEFAULT_LIST));
  });

  it('expands fragments at every spread and skips introspection fields', () => {
    const q = `{ items(first: 10) { edges { node { ...F } } } __typename }
               fragment F on Item { id name ... on Item { parent { id } } }`;
    // node: 1 + (1 + 1 + (1 + 1)) = 5; edges: 1 + 5; items: 1 + 10 × 6
    expect(cost(q)).toBe(1 + 10 * 6);
  });

  it('measures an exponentially self-spreading document in linear time', () => {
    // F0 spreads F1 twice, F1 spreads F2 twice … 2^40 expansions if nothing were memoised.
    const frags = Array.from({ length: 40 }, (_, i) => `fragment F${i} on Item { ...F${i + 1} ...F${i + 1} }`).join('\n');
    const q = `{ item(id: "1") { ...F0 } } ${frags} fragment F40 on Item { id }`;
    const started = Date.now();
    const c = cost(q);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(c).toBeGreaterThan(2 ** 39);
    // The depth and alias rules walk the same document just as fast.
    const errors = validate(schema, parse(q), [depthLimitRule(1), aliasLimitRule(0)]);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(errors.map((e) => e.extensions?.limit)).toEqual(['depth']);
  });

  it('prices mutations against the mutation type', () => {
    expect(cost(`mutation { touch(id: "1") { related { id } } }`)).toBe(1 + (1 + DEFAULT_LIST * 1));
  });
});

describe('depth and alias rules', () => {
  const errorsOf = (query: string, rules = [depthLimitRule(3), aliasLimitRule(2)]) =>
    validate(schema, parse(query), [...specifiedRules, ...rules]);

  it('accepts depth at the limit and refuses one more', () => {
    expect(errorsOf(`{ item(id: "1") { parent { parent { id } } } }`).map((e) => e.message)).toEqual([
      'Query depth 4 exceeds the limit of 3',
    ]);
    expect(errorsOf(`{ item(id: "1") { parent { id } } }`)).toEqual([]);
  });

  it('does not count __typename and follows fragments', () => {
    expect(errorsOf(`{ item(id: "1") { parent { id __typename } } }`)).toEqual([]);
    const viaFragment = errorsOf(`{ item(id: "1") { ...A } } fragment A on Item { parent { parent { id } } }`);
    expect(viaFragment[0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'depth', depth: 4 });
  });

  it('counts aliases per spread of a fragment', () => {
    expect(errorsOf(`{ a: tags b: tags }`)).toEqual([]);
    expect(errorsOf(`{ a: tags b: tags c: tags }`)[0].extensions).toMatchObject({ limit: 'aliases', aliases: 3 });
    // one alias in the fragment, spread three times
    const spread = errorsOf(`{ item(id: "1") { ...A parent { ...A parent { ...A } } } } fragment A on Item { x: id }`, [
      aliasLimitRule(2),
    ]);
    expect(spread.map((e) => e.extensions?.aliases)).toEqual([3]);
  });

  it('survives a fragment cycle (reported by graphql-js itself)', () => {
    const errors = errorsOf(`{ item(id: "1") { ...A } } fragment A on Item { parent { ...B } } fragment B on Item { ...A }`);
    expect(errors.some((e) => /Cannot spread fragment/.test(e.message))).toBe(true);
  });
});

describe('tagTokenLimit', () => {
  const parseError = (doc: string, maxTokens: number): GraphQLError => {
    try {
      parse(doc, { maxTokens });
    } catch (e) {
      return new GraphQLError((e as GraphQLError).message, { source: (e as GraphQLError).source });
    }
    throw new Error('expected a parse error');
  };

  it('tags the parser token-limit error and leaves other errors alone', () => {
    const over = parseError('{ a b c d e }', 3);
    const tagged = tagTokenLimit({ message: over.message, extensions: { code: 'GRAPHQL_PARSE_FAILED' } }, over, 3);
    expect(tagged.extensions).toEqual({ code: 'GRAPHQL_PARSE_FAILED', limit: 'tokens', maxTokens: 3 });
    expect(tagged.message).toBe('Document has more than 3 tokens, the limit; parsing aborted');
    const syntax = parseError('{ a } }', 100);
    const other = { message: syntax.message, extensions: { code: 'GRAPHQL_PARSE_FAILED' } };
    expect(tagTokenLimit(other, syntax, 100)).toBe(other);
  });
});
