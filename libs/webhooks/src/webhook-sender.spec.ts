import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendWebhook } from './webhook-sender';
import { resolveTarget } from './webhook-target';

/** The one HTTP attempt against a receiver on 127.0.0.1: status, timeout, response cap, no redirects. */
describe('sendWebhook', () => {
  let server: Server;
  let base: string;
  const seen: { path: string; body: string; host: string | undefined }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8'), host: req.headers.host });
        switch (req.url) {
          case '/ok':
            return res.writeHead(204).end();
          case '/slow':
            return setTimeout(() => res.writeHead(200).end(), 2000);
          case '/huge': {
            // An endless 200 answer: only the first bytes are read.
            res.writeHead(200, { 'content-type': 'text/plain' });
            const chunk = Buffer.alloc(64 * 1024, 'x');
            const pump = () => {
              while (res.write(chunk));
            };
            res.on('drain', pump);
            pump();
            return;
          }
          case '/redirect':
            return res.writeHead(302, { location: '/ok' }).end();
          default:
            return res.writeHead(500).end('boom\n  details');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const send = async (path: string, timeoutMs = 1000, maxResponseBytes = 4096) =>
    sendWebhook(await resolveTarget(`${base}${path}`, ['127.0.0.1']), { 'content-type': 'application/json' }, '{"a":1}', {
      timeoutMs,
      maxResponseBytes,
    });

  it('posts the body and takes a 2xx as delivered', async () => {
    expect(await send('/ok')).toEqual({ statusCode: 204, error: null });
    expect(seen.at(-1)).toMatchObject({ path: '/ok', body: '{"a":1}' });
  });

  it('reports a non-2xx with the start of the answer', async () => {
    expect(await send('/fail')).toEqual({ statusCode: 500, error: 'HTTP 500: boom details' });
  });

  it('does not follow redirects', async () => {
    const before = seen.length;
    expect(await send('/redirect')).toMatchObject({ statusCode: 302, error: 'HTTP 302' });
    expect(seen.slice(before).map((s) => s.path)).toEqual(['/redirect']);
  });

  it('gives up after the timeout', async () => {
    const started = Date.now();
    const r = await send('/slow', 300);
    expect(r.statusCode).toBeNull();
    expect(r.error).toContain('within 300 ms');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('reads at most the response cap and decides on the status', async () => {
    const started = Date.now();
    expect(await send('/huge', 5000, 8192)).toEqual({ statusCode: 200, error: null });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('connects to the checked address, keeping the Host header of the URL', async () => {
    const port = (server.address() as AddressInfo).port;
    const target = await resolveTarget(`http://localhost:${port}/ok`, ['localhost']);
    const r = await sendWebhook({ ...target, address: '127.0.0.1', family: 4 }, {}, '{}', { timeoutMs: 1000, maxResponseBytes: 1024 });
    expect(r).toEqual({ statusCode: 204, error: null });
    expect(seen.at(-1)!.host).toBe(`localhost:${port}`);
  });
});
