import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedTarget } from './webhook-target';

export interface SendResult {
  /** HTTP status, or null when no response came (connection refused, timeout, TLS …). */
  statusCode: number | null;
  /** Why the attempt failed; null for a 2xx. */
  error: string | null;
}

/**
 * One POST to a checked target. Connects to the address the SSRF guard checked (not a second
 * look-up, so DNS cannot change in between), never follows redirects, gives up after `timeoutMs`
 * for the whole exchange, and reads at most `maxResponseBytes` of the answer (the rest is dropped
 * with the connection): only the status decides.
 */
export function sendWebhook(
  target: ResolvedTarget,
  headers: Record<string, string>,
  body: string,
  opts: { timeoutMs: number; maxResponseBytes: number },
): Promise<SendResult> {
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const { url } = target;
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (r: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = client.request(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: pinned,
        agent: false,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        let read = 0;
        let snippet = '';
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (snippet.length < 200) snippet += chunk.toString('utf8').slice(0, 200 - snippet.length);
          if (read > opts.maxResponseBytes) {
            // Enough: the status is known, the rest is the receiver's business.
            res.destroy();
            done();
          }
        });
        const done = () => {
          const ok = status >= 200 && status < 300;
          finish({ statusCode: status, error: ok ? null : `HTTP ${status}${snippet ? `: ${snippet.replace(/\s+/g, ' ').trim()}` : ''}` });
        };
        res.on('end', done);
        res.on('error', done);
        res.on('close', done);
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`no complete answer within ${opts.timeoutMs} ms`));
    }, opts.timeoutMs);
    req.on('error', (err) => finish({ statusCode: null, error: err.message || String(err) }));
    req.end(body);
  });
}
