import { Field, Int, ObjectType } from '@nestjs/graphql';
import type { Type } from '@nestjs/common';
import { ValidationException } from '../errors/domain.exception';
import { isUuid } from '../validation/ids';

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field()
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** Builds the `XxxConnection` and `XxxEdge` GraphQL types for a node type. */
export function ConnectionType<T>(node: Type<T>, name = node.name): Type<Connection<T>> {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field()
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionClass {
    @Field(() => [EdgeType])
    edges!: EdgeType[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int)
    totalCount!: number;
  }
  return ConnectionClass as Type<Connection<T>>;
}

export const MAX_PAGE_SIZE = 100;

export function encodeCursor(values: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

/** Cursors are opaque to callers; a tampered one is their input error, not ours. */
export function decodeCursor(cursor: string, path = 'after'): unknown[] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed)) return parsed;
  } catch {
    // fall through
  }
  throw ValidationException.field(path, 'is not a valid cursor');
}

export function pageSize(first: number | null | undefined, path = 'first'): number {
  if (first === null || first === undefined) return 20;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw ValidationException.field(path, `must be between 1 and ${MAX_PAGE_SIZE}`);
  }
  return first;
}

/** Turns `limit + 1` fetched rows into a connection; the extra row only signals another page. */
export function toConnection<T>(
  rows: T[],
  limit: number,
  totalCount: number,
  cursorOf: (row: T) => readonly unknown[],
  hasPrevious: boolean,
): Connection<T> {
  const hasNextPage = rows.length > limit;
  const page = hasNextPage ? rows.slice(0, limit) : rows;
  const edges = page.map((node) => new LazyEdge(node, cursorOf));
  return {
    edges,
    totalCount,
    pageInfo: new LazyPageInfo(hasNextPage, hasPrevious, edges),
  };
}

// Cursors are encoded when a query reads them: most pages are asked for nodes only.
class LazyEdge<T> implements Edge<T> {
  private encoded: string | undefined;

  constructor(
    readonly node: T,
    private readonly cursorOf: (row: T) => readonly unknown[],
  ) {}

  get cursor(): string {
    return (this.encoded ??= encodeCursor(this.cursorOf(this.node)));
  }
}

class LazyPageInfo implements PageInfo {
  constructor(
    readonly hasNextPage: boolean,
    readonly hasPreviousPage: boolean,
    private readonly edges: readonly Edge<unknown>[],
  ) {}

  get startCursor(): string | null {
    return this.edges[0]?.cursor ?? null;
  }

  get endCursor(): string | null {
    return this.edges.at(-1)?.cursor ?? null;
  }
}

/** The SQL type a keyset cursor's sort key is compared as. */
export type SortKeyType = 'timestamptz' | 'numeric' | 'date' | 'text';

// The text forms PostgreSQL itself gives these types (`expr::text`), which is what our cursors carry.
const SORT_KEY_FORMAT: Record<SortKeyType, RegExp> = {
  timestamptz: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2}){0,2}$/,
  numeric: /^-?\d{1,20}(\.\d{1,20})?$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  // Names and usernames: compared as text, so any string of sane length is a valid position.
  text: /^[^\u0000]{0,200}$/u,
};

function validSortKey(key: string, type: SortKeyType): boolean {
  if (!SORT_KEY_FORMAT[type].test(key)) return false;
  if (type === 'numeric' || type === 'text') return true;
  const [y, m, d] = key.slice(0, 10).split('-').map(Number);
  const day = new Date(Date.UTC(2000, m - 1, d));
  // Every date field in range (PostgreSQL would refuse month 13 or day 32 with an error of its own).
  return y >= 1 && m >= 1 && m <= 12 && day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
}

/**
 * Decodes a `[sortKey, id]` keyset cursor of our own making, or reports it under `after`. The sort key
 * is checked against its SQL type here, so a tampered cursor never reaches the database as a cast error.
 */
export function keysetCursor(after: string | null | undefined, type: SortKeyType = 'timestamptz'): [string, string] | null {
  if (!after) return null;
  const v = decodeCursor(after);
  if (v.length !== 2 || typeof v[0] !== 'string' || typeof v[1] !== 'string' || !isUuid(v[1]) || !validSortKey(v[0], type)) {
    throw ValidationException.field('after', 'is not a valid cursor');
  }
  return [v[0], v[1]];
}

/** A connection over rows fetched with `limit + 1` and carrying their text `sortKey`. */
export function keysetConnection<T extends { id: string }>(
  result: { rows: T[]; total: number },
  limit: number,
  after: [string, string] | null,
): Connection<T> {
  return toConnection(result.rows, limit, result.total, (r) => [(r as T & { sortKey: string }).sortKey, r.id], after !== null);
}
