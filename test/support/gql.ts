import type { GqlResponse, TestApp } from './harness';

export type Auth = { token?: string; apiKey?: string };

export interface GqlError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; fields?: { path: string; message: string }[]; [k: string]: unknown };
}

/** Fails with the server's own words when a request that should succeed did not. */
export function ok<T = any>(res: GqlResponse<any>, what = 'request'): T {
  if (res.body.errors?.length || !res.body.data) {
    throw new Error(`${what} failed (HTTP ${res.status}): ${JSON.stringify(res.body.errors ?? res.body)}`);
  }
  return res.body.data as T;
}

export function errorsOf(res: GqlResponse<any>): GqlError[] {
  return (res.body.errors ?? []) as GqlError[];
}

/** The `extensions.code` of the single error of a request, or 'OK' when there was none. */
export function outcomeOf(res: GqlResponse<any>): string {
  const errs = errorsOf(res);
  if (errs.length === 0) return 'OK';
  return errs.map((e) => e.extensions?.code ?? 'NO_CODE').join(',');
}

export function gqlString(s: string): string {
  return JSON.stringify(s);
}

/** Runs `fn` over `items` with at most `limit` in flight, keeping the order of results. */
export async function pMap<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export type Gql = TestApp['gql'];
