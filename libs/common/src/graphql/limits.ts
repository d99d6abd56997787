import {
  GraphQLError,
  Kind,
  getNamedType,
  isCompositeType,
  isObjectType,
  isInterfaceType,
  type ASTVisitor,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValueNode,
} from 'graphql';

function limitError(limit: string, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit, ...extra, http: { status: 400 } },
  });
}

function fragmentsOf(doc: DocumentNode): Map<string, FragmentDefinitionNode> {
  const map = new Map<string, FragmentDefinitionNode>();
  for (const def of doc.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) map.set(def.name.value, def);
  return map;
}

/** Deepest field nesting of a selection set, following fragments (a fragment cycle is cut). */
export function selectionDepth(
  set: SelectionSetNode | undefined,
  fragments: Map<string, FragmentDefinitionNode>,
  seen: Set<string> = new Set(),
): number {
  if (!set) return 0;
  let max = 0;
  for (const sel of set.selections) {
    let d = 0;
    if (sel.kind === Kind.FIELD) {
      d = sel.name.value.startsWith('__') ? 0 : 1 + selectionDepth(sel.selectionSet, fragments, seen);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      d = selectionDepth(sel.selectionSet, fragments, seen);
    } else {
      const frag = fragments.get(sel.name.value);
      if (frag && !seen.has(frag.name.value)) {
        d = selectionDepth(frag.selectionSet, fragments, new Set([...seen, frag.name.value]));
      }
    }
    max = Math.max(max, d);
  }
  return max;
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

/** Refuses documents with more than `maxAliases` aliased fields (alias-based amplification). */
export function aliasLimitRule(maxAliases: number) {
  return (context: ValidationContext): ASTVisitor => {
    let aliases = 0;
    return {
      Field(node) {
        if (node.alias) aliases++;
      },
      Document: {
        leave() {
          if (aliases > maxAliases) {
            context.reportError(
              limitError('aliases', `${aliases} aliases exceed the limit of ${maxAliases}`, { aliases, maxAliases }),
            );
          }
        },
      },
    };
  };
}

const DEFAULT_PAGE = 20;

function intArg(value: ValueNode | undefined, variables: Record<string, unknown>): number | undefined {
  if (!value) return undefined;
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) {
    const v = variables[value.name.value];
    return typeof v === 'number' ? v : undefined;
  }
  return undefined;
}

/**
 * Estimated cost: every field costs 1, and a field that returns a page (`first`/`last`, or a
 * *Connection type) multiplies the cost of what is selected under it by the page size.
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

  const visit = (set: SelectionSetNode | undefined, parent: GraphQLCompositeType, seen: Set<string>): number => {
    if (!set) return 0;
    let cost = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value.startsWith('__')) continue;
        const fieldDef =
          isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[sel.name.value] : undefined;
        const named = fieldDef ? getNamedType(fieldDef.type) : undefined;
        const first = sel.arguments?.find((a) => a.name.value === 'first' || a.name.value === 'last');
        let multiplier = intArg(first?.value, variables) ?? (named?.name.endsWith('Connection') ? DEFAULT_PAGE : 1);
        multiplier = Math.max(1, Math.min(multiplier, 10000));
        const child = named && isCompositeType(named) ? visit(sel.selectionSet, named, seen) : 0;
        cost += 1 + multiplier * child;
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const cond = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : parent;
        cost += visit(sel.selectionSet, cond && isCompositeType(cond) ? cond : parent, seen);
      } else {
        const frag = fragments.get(sel.name.value);
        if (!frag || seen.has(frag.name.value)) continue;
        const cond = schema.getType(frag.typeCondition.name.value);
        cost += visit(frag.selectionSet, cond && isCompositeType(cond) ? cond : parent, new Set([...seen, frag.name.value]));
      }
    }
    return cost;
  };
  return visit(operation.selectionSet, root, new Set());
}

export function costLimitError(cost: number, maxCost: number): GraphQLError {
  return limitError('cost', `Query cost ${cost} exceeds the limit of ${maxCost}`, { cost, maxCost });
}
