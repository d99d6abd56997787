import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Meilisearch's index-keeping REST API over real HTTP (127.0.0.1): indexes, settings, documents,
 * swap, tasks (each succeeds at once). It does not search — no Meilisearch server can be installed
 * on the build machines, and a fake ranking would prove nothing; `npm run test:meili` runs the
 * search cases against a real server. `failDocuments` makes document writes answer 500.
 */
export interface MeiliStandIn {
  url: string;
  indexes: Map<string, Map<string, Record<string, any>>>;
  /** Last settings applied per index. */
  settings: Map<string, Record<string, any>>;
  requests: { method: string; path: string }[];
  failDocuments: boolean;
  close(): Promise<void>;
}

export async function startMeiliStandIn(): Promise<MeiliStandIn> {
  let task = 0;
  const state: Omit<MeiliStandIn, 'url' | 'close'> = { indexes: new Map(), settings: new Map(), requests: [], failDocuments: false };
  const srv: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const path = url.pathname.replace(/^\//, '');
      const method = req.method ?? 'GET';
      state.requests.push({ method, path });
      const body = raw ? JSON.parse(raw) : undefined;
      const send = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      const enqueued = (type: string, indexUid: string | null) =>
        send(202, { taskUid: ++task, indexUid, status: 'enqueued', type, enqueuedAt: new Date().toISOString() });
      const notFound = (uid: string) => send(404, { message: `Index \`${uid}\` not found.`, code: 'index_not_found', type: 'invalid_request', link: '' });
      let m: RegExpMatchArray | null;
      if (path === 'health') return send(200, { status: 'available' });
      if ((m = path.match(/^tasks\/(\d+)$/))) return send(200, { uid: Number(m[1]), status: 'succeeded', error: null });
      if (path === 'indexes' && method === 'POST') {
        if (!state.indexes.has(body.uid)) state.indexes.set(body.uid, new Map());
        return enqueued('indexCreation', body.uid);
      }
      if (path === 'swap-indexes') {
        for (const s of body as { indexes: [string, string] }[]) {
          const [a, b] = s.indexes;
          const da = state.indexes.get(a);
          const db = state.indexes.get(b);
          if (!da || !db) return send(400, { message: 'missing index', code: 'index_not_found', type: 'invalid_request', link: '' });
          state.indexes.set(a, db);
          state.indexes.set(b, da);
        }
        return enqueued('indexSwap', null);
      }
      if ((m = path.match(/^indexes\/([^/]+)(\/.*)?$/))) {
        const uid = m[1];
        const rest = m[2] ?? '';
        // Like Meilisearch, the first document write creates a missing index (without settings).
        if (rest === '/documents' && method === 'POST' && !state.indexes.has(uid)) state.indexes.set(uid, new Map());
        const docs = state.indexes.get(uid);
        if (rest === '' && method === 'DELETE') {
          state.indexes.delete(uid);
          return enqueued('indexDeletion', uid);
        }
        if (!docs) return notFound(uid);
        if (rest === '') return send(200, { uid, primaryKey: 'id', createdAt: '', updatedAt: '' });
        if (rest === '/settings') {
          state.settings.set(uid, body);
          return enqueued('settingsUpdate', uid);
        }
        if (rest === '/stats') return send(200, { numberOfDocuments: docs.size });
        if (rest === '/documents' && method === 'POST') {
          if (state.failDocuments) return send(500, { message: 'disk full', code: 'internal', type: 'internal', link: '' });
          for (const d of body as Record<string, any>[]) docs.set(d.id, d);
          return enqueued('documentAdditionOrUpdate', uid);
        }
        if (rest === '/documents/delete-batch') {
          if (state.failDocuments) return send(500, { message: 'disk full', code: 'internal', type: 'internal', link: '' });
          for (const id of body as string[]) docs.delete(id);
          return enqueued('documentDeletion', uid);
        }
        if (rest === '/documents' && method === 'GET') {
          const offset = Number(url.searchParams.get('offset') ?? 0);
          const limit = Number(url.searchParams.get('limit') ?? 20);
          const fields = url.searchParams.get('fields')?.split(',');
          const all = [...docs.values()].sort((x, y) => String(x.id).localeCompare(String(y.id)));
          const results = all
            .slice(offset, offset + limit)
            .map((d) => (fields ? Object.fromEntries(fields.map((f) => [f, d[f]])) : d));
          return send(200, { results, offset, limit, total: all.length });
        }
      }
      send(501, { message: `stand-in has no route for ${method} ${path}`, code: 'not_implemented', type: 'internal', link: '' });
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  return Object.assign(state, {
    url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        srv.closeAllConnections();
        srv.close(() => r());
      }),
  });
}
