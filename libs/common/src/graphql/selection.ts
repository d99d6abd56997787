import { type FieldNode, type GraphQLResolveInfo, Kind, type SelectionSetNode } from 'graphql';

/**
 * The fields a query selects at `path` below the resolving field, by name, with fragments merged:
 * lets a list resolver load up front what its items' fields will ask for.
 */
export function selectionAt(info: GraphQLResolveInfo, path: readonly string[]): Map<string, FieldNode[]> {
  let fields = childFields(info, info.fieldNodes);
  for (const name of path) fields = childFields(info, fields.get(name) ?? []);
  return fields;
}

function childFields(info: GraphQLResolveInfo, nodes: readonly FieldNode[]): Map<string, FieldNode[]> {
  const out = new Map<string, FieldNode[]>();
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode | undefined): void => {
    for (const s of set?.selections ?? []) {
      if (s.kind === Kind.FIELD) out.set(s.name.value, [...(out.get(s.name.value) ?? []), s]);
      else if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet);
      else if (!seen.has(s.name.value)) {
        seen.add(s.name.value);
        walk(info.fragments[s.name.value]?.selectionSet);
      }
    }
  };
  for (const n of nodes) walk(n.selectionSet);
  return out;
}
