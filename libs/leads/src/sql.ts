/** Collects positional parameters while a statement is assembled, so values never enter SQL text. */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export interface NewestFirstPage {
  /** Columns to select (without the sort key). */
  select: string;
  /** `FROM … WHERE …` using $1..$n of `params`. */
  from: string;
  params: unknown[];
  /** Timestamp column the list is ordered by, newest first; ties broken by `idColumn`. */
  timeColumn: string;
  idColumn: string;
  limit: number;
  after: [string, string] | null;
}

type Queryable = { query(sql: string, params?: unknown[]): Promise<unknown> };

/** One keyset page (newest first) and the total count of the same filtered set. */
export async function newestFirstPage<T>(db: Queryable, q: NewestFirstPage): Promise<{ rows: T[]; total: number }> {
  const p = q.params.length;
  const pageParams: unknown[] = [...q.params, q.limit + 1];
  let keyset = '';
  if (q.after) {
    keyset = `AND (${q.timeColumn}, ${q.idColumn}) < ($${p + 2}::timestamptz, $${p + 3}::uuid)`;
    pageParams.push(q.after[0], q.after[1]);
  }
  const [rows, count] = await Promise.all([
    db.query(
      `SELECT ${q.select}, ${q.timeColumn}::text AS "sortKey" ${q.from} ${keyset}
        ORDER BY ${q.timeColumn} DESC, ${q.idColumn} DESC LIMIT $${p + 1}`,
      pageParams,
    ) as Promise<T[]>,
    db.query(`SELECT count(*)::int AS n ${q.from}`, q.params) as Promise<{ n: number }[]>,
  ]);
  return { rows, total: count[0].n };
}
