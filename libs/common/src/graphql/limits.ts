import {
  GraphQLError,
  Kind,
  Lexer,
  Source,
  TokenKind,
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  type ASTVisitor,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValueNode,
} from 'graphql';

/**
 * Abuse limits every GraphQL request passes before any resolver runs (numbers: `GraphqlLimits` in
 * libs/config). Each refusal carries `extensions.limit` naming the limit, so clients can tell them apart:
 *
 * | limit     | where it is enforced                          | code                      | HTTP |
 * | --------- | --------------------------------------------- | ------------------------- | ---- |
 * | `body`    | JSON body parser (bytes)                      | `BAD_REQUEST`             | 413  |
 * | `tokens`  | GraphQL parser (`parseOptions.maxTokens`)      | `GRAPHQL_PARSE_FAILED`    | 400  |
 * | `depth`   | validation rule                               | `GRAPHQL_VALIDATION_FAILED` | 400 |
 * | `aliases` | validation rule (fragments expanded)          | `GRAPHQL_VALIDATION_FAILED` | 400 |
 * | `cost`    | `didResolveOperation` plugin, before execution | `GRAPHQL_VALIDATION_FAILED` | 400 |
 */
export type LimitName = 'body' | 'tokens' | 'depth' | 'aliases' | 'cost';

function limitError(limit: LimitName, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit, ...extra, http: { status: 400 } },
  });
}

function fragmentsOf(doc: DocumentNode): Map<string, FragmentDefinitionNode> {
  const map = new Map<string, FragmentDefinitionNode>();
  for (const def of doc.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) map.set(def.name.value, def);
  return map;
}

/**
 * Folds a value over a selection set, expanding fragment spreads. Each fragment is computed once
 * (memoised by name): a document whose fragments spread each other twice over would otherwise take
 * exponential time to measure. A fragment cycle (invalid anyway) contributes nothing.
 */
function fragmentMemo<T>(fragments: Map<string, FragmentDefinitionNode>, empty: T, compute: (frag: FragmentDefinitionNode) => T) {
  const memo = new Map<string, T>();
  const inProgress = new Set<string>();
  return (name: string): T => {
    const known = memo.get(name);
    if (known !== undefined) return known;
    const frag = fragments.get(name);
    if (!frag || inProgress.has(name)) return empty;
    inProgress.add(name);
    const value = compute(frag);
    inProgress.delete(name);
    memo.set(name, value);
    return value;
  };
}

/**
 * Deepest field nesting of a selection set, following fragments. `__typename` does not count, nor
 * does introspection's `ofType` (a chain of type wrappers with no fan-out, nested nine deep by the
 * standard introspection query every IDE sends); the other introspection fields (`__schema`,
 * `types`, `fields` …) do, so introspection cannot nest without bound.
 */
export function selectionDepth(
  set: SelectionSetNode | undefined,
  fragments: Map<string, FragmentDefinitionNode>,
): number {
  const fragmentDepth = fragmentMemo(fragments, 0, (frag) => depthOf(frag.selectionSet));
  function depthOf(s: SelectionSetNode | undefined): number {
    if (!s) return 0;
    let max = 0;
    for (const sel of s.selections) {
      let d: number;
      if (sel.kind === Kind.FIELD) {
        const name = sel.name.value;
        d = name === '__typename' ? 0 : (name === 'ofType' ? 0 : 1) + depthOf(sel.selectionSet);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        d = depthOf(sel.selectionSet);
      } else {
        d = fragmentDepth(sel.name.value);
      }
      max = Math.max(max, d);
    }
    return max;
  }
  return depthOf(set);
}

/** Aliased fields of a selection set, counting a fragment once per place it is spread. */
export function aliasCount(set: SelectionSetNode | undefined, fragments: Map<string, FragmentDefinitionNode>): number {
  const fragmentAliases = fragmentMemo(fragments, 0, (frag) => countOf(frag.selectionSet));
  function countOf(s: SelectionSetNode | undefined): number {
    if (!s) return 0;
    let n = 0;
    for (const sel of s.selections) {
      if (sel.kind === Kind.FIELD) n += (sel.alias ? 1 : 0) + countOf(sel.selectionSet);
      else if (sel.kind === Kind.INLINE_FRAGMENT) n += countOf(sel.selectionSet);
      else n += fragmentAliases(sel.name.value);
    }
    return n;
  }
  return countOf(set);
}

/** Refuses operations nested deeper than `maxDepth` fields. */
export function depthLimitRule(maxDepth: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = fragmentsOf(context.getDocument());
    return {
      OperationDefinition(node: OperationDefinitionNode) {
        const depth = selectionDepth(node.selectionSet, fragments);
        if (depth > maxDepth) {
          context.reportError(
            limitError('depth', `Query depth ${depth} exceeds the limit of ${maxDepth}`, { depth, maxDepth }),
          );
        }
      },
    };
  };
}

/** Refuses operations with more than `maxAliases` aliased fields (alias-based amplification). */
export function aliasLimitRule(maxAliases: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = fragmentsOf(context.getDocument());
    return {
      OperationDefinition(node: OperationDefinitionNode) {
        const aliases = aliasCount(node.selectionSet, fragments);
        if (aliases > maxAliases) {
          context.reportError(
            limitError('aliases', `${aliases} aliases exceed the limit of ${maxAliases}`, { aliases, maxAliases }),
          );
        }
      },
    };
  };
}

/** Page size assumed for a connection queried without `first`/`last`. */
export const DEFAULT_PAGE = 20;
/** Length assumed for a plain list of objects (e.g. `children`), which has no page size to read. */
export const DEFAULT_LIST = 10;
const MAX_MULTIPLIER = 10000;

/**
 * Estimated cost: every field costs 1; a field that returns a page (`first`/`last`, or a
 * *Connection type) multiplies the cost of what is selected under it by the page size, and a plain
 * list of objects by DEFAULT_LIST. Introspection fields cost nothing (they are bounded by the schema
 * and by the depth limit).
 */
export function estimateCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): number {
  const fragments = fragmentsOf(document);
  const root =
    operation.operation === 'query'
      ? schema.getQueryType()
      : operation.operation === 'mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  if (!root) return 0;

  // Variables the request leaves out take their declared default: `query($n: Int = 1000)` costs 1000.
  const defaults: Record<string, unknown> = {};
  for (const def of operation.variableDefinitions ?? []) {
    if (def.defaultValue?.kind === Kind.INT) defaults[def.variable.name.value] = Number(def.defaultValue.value);
  }
  const intArg = (value: ValueNode | undefined): number | undefined => {
    if (!value) return undefined;
    if (value.kind === Kind.INT) return Number(value.value);
    if (value.kind === Kind.VARIABLE) {
      const v = variables[value.name.value] ?? defaults[value.name.value];
      return typeof v === 'number' ? v : undefined;
    }
    return undefined;
  };

  const typeOf = (name: string, fallback: GraphQLCompositeType): GraphQLCompositeType => {
    const t = schema.getType(name);
    return t && isCompositeType(t) ? t : fallback;
  };
  const fragmentCost = fragmentMemo(fragments, 0, (frag) =>
    visit(frag.selectionSet, typeOf(frag.typeCondition.name.value, root)),
  );

  function visit(set: SelectionSetNode | undefined, parent: GraphQLCompositeType): number {
    if (!set) return 0;
    let cost = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value.startsWith('__')) continue;
        const fieldDef =
          isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[sel.name.value] : undefined;
        const named = fieldDef ? getNamedType(fieldDef.type) : undefined;
        const page = sel.arguments?.find((a) => a.name.value === 'first' || a.name.value === 'last');
        let multiplier = intArg(page?.value);
        if (multiplier === undefined) {
          if (named?.name.endsWith('Connection')) multiplier = DEFAULT_PAGE;
          // Lists inside a connection (edges) are already paid for by the page size.
          else if (fieldDef && isListType(getNullableType(fieldDef.type)) && !parent.name.endsWith('Connection')) {
            multiplier = DEFAULT_LIST;
          } else multiplier = 1;
        }
        multiplier = Math.max(1, Math.min(multiplier, MAX_MULTIPLIER));
        const child = named && isCompositeType(named) ? visit(sel.selectionSet, named) : 0;
        cost += 1 + multiplier * child;
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        cost += visit(sel.selectionSet, sel.typeCondition ? typeOf(sel.typeCondition.name.value, parent) : parent);
      } else {
        cost += fragmentCost(sel.name.value);
      }
    }
    return cost;
  }
  return visit(operation.selectionSet, root);
}

export function costLimitError(cost: number, maxCost: number): GraphQLError {
  return limitError('cost', `Query cost ${cost} exceeds the limit of ${maxCost}`, { cost, maxCost });
}

/** Whether a document has more than `max` tokens (stops counting there; lexing errors end the count). */
export function exceedsTokens(body: string, max: number): boolean {
  const lexer = new Lexer(new Source(body));
  let n = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) if (++n > max) return true;
  } catch {
    // a syntax error before the limit: the parser's own message stands
  }
  return false;
}

/**
 * graphql-js enforces `maxTokens` while parsing and reports it as a plain syntax error; this tags
 * that error like the other limits (`extensions.limit: 'tokens'`). Told apart by counting the
 * document's tokens again, never by the wording of graphql-js messages.
 */
export function tagTokenLimit(formatted: GraphQLFormattedError, error: unknown, maxTokens: number): GraphQLFormattedError {
  if (formatted.extensions?.code !== 'GRAPHQL_PARSE_FAILED' || !(error instanceof GraphQLError)) return formatted;
  const body = error.source?.body;
  if (body === undefined || !exceedsTokens(body, maxTokens)) return formatted;
  return {
    ...formatted,
    message: `Document has more than ${maxTokens} tokens, the limit; parsing aborted`,
    extensions: { ...formatted.extensions, limit: 'tokens', maxTokens },
  };
}
