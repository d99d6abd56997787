import { DomainException } from '../errors/domain.exception';
import { MAX_PAGE_SIZE, type PageInfo, decodeCursor, encodeCursor, pageSize, toConnection } from './pagination';

function fieldsOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainException);
    return { code: (e as DomainException).code, fields: (e as DomainException).fields };
  }
  throw new Error('expected a throw');
}

describe('pageSize', () => {
  it('defaults to 20 and accepts 1..MAX_PAGE_SIZE', () => {
    expect(pageSize(undefined)).toBe(20);
    expect(pageSize(null)).toBe(20);
    expect(pageSize(1)).toBe(1);
    expect(pageSize(MAX_PAGE_SIZE)).toBe(MAX_PAGE_SIZE);
  });

  it('refuses 0, negatives, fractions and more than MAX_PAGE_SIZE as BAD_USER_INPUT on the argument', () => {
    for (const n of [0, -1, 2.5, MAX_PAGE_SIZE + 1]) {
      expect(fieldsOf(() => pageSize(n))).toEqual({
        code: 'BAD_USER_INPUT',
        fields: [{ path: 'first', message: `must be between 1 and ${MAX_PAGE_SIZE}` }],
      });
    }
    expect(fieldsOf(() => pageSize(0, 'leads.first'))).toMatchObject({ fields: [{ path: 'leads.first' }] });
  });
});

describe('cursors', () => {
  it('round-trip values, opaque and URL-safe', () => {
    const c = encodeCursor(['2026-01-01T00:00:00.000Z', 'a1b2', 3]);
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(c)).toEqual(['2026-01-01T00:00:00.000Z', 'a1b2', 3]);
  });

  it('report a tampered cursor as BAD_USER_INPUT on `after`', () => {
    const bad = { code: 'BAD_USER_INPUT', fields: [{ path: 'after', message: 'is not a valid cursor' }] };
    expect(fieldsOf(() => decodeCursor('!!!'))).toEqual(bad);
    expect(fieldsOf(() => decodeCursor(Buffer.from('{"a":1}').toString('base64url')))).toEqual(bad);
    expect(fieldsOf(() => decodeCursor(Buffer.from('not json').toString('base64url')))).toEqual(bad);
    expect(fieldsOf(() => decodeCursor('', 'before'))).toEqual({ ...bad, fields: [{ path: 'before', message: 'is not a valid cursor' }] });
  });
});

describe('toConnection', () => {
  const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];

  it('uses the extra row only to signal a next page', () => {
    const conn = toConnection(rows, 2, 10, (r) => [r.id], false);
    expect(conn.edges.map((e) => e.node.id)).toEqual(['a', 'b']);
    expect(conn.totalCount).toBe(10);
    expect(plainPageInfo(conn.pageInfo)).toEqual({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: encodeCursor(['a']),
      endCursor: encodeCursor(['b']),
    });
    expect(decodeCursor(conn.edges[1].cursor)).toEqual(['b']);
  });

  it('handles the last page and an empty page', () => {
    const last = toConnection(rows, 3, 3, (r) => [r.id], true);
    expect(last.pageInfo.hasNextPage).toBe(false);
    expect(last.pageInfo.hasPreviousPage).toBe(true);
    expect(last.edges).toHaveLength(3);
    const empty = toConnection([], 5, 0, (r: { id: string }) => [r.id], false);
    expect(empty.edges).toEqual([]);
    expect(empty.totalCount).toBe(0);
    expect(plainPageInfo(empty.pageInfo)).toEqual({ hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null });
  });

  it('encodes a cursor only when it is read, and the same one each time', () => {
    let encoded = 0;
    const conn = toConnection(rows, 3, 3, (r) => (encoded++, [r.id]), false);
    expect(encoded).toBe(0);
    expect(conn.edges[2].cursor).toBe(encodeCursor(['c']));
    expect(conn.pageInfo.endCursor).toBe(conn.edges[2].cursor);
    expect(encoded).toBe(1);
  });
});

// The page info reads its cursors from getters: compare what a query would read.
function plainPageInfo(p: PageInfo): PageInfo {
  return { hasNextPage: p.hasNextPage, hasPreviousPage: p.hasPreviousPage, startCursor: p.startCursor, endCursor: p.endCursor };
}
