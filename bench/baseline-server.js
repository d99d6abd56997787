'use strict';
/**
 * Child process of bench/run.js: the bare baseline. A plain Node http handler (no Nest, no
 * Express, no GraphQL) that, for every POST, reads and parses the JSON body, runs the very SQL
 * statements the api sent for one `leads(first: 100)` request (recorded text and parameters) in
 * the api's order: wave after wave, each wave's statements concurrently over a pool of the api's size and answers with their rows as JSON.
 */
const http = require('node:http');
const { Pool } = require('pg');

let statements = [];
let waves = [];
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.BENCH_POOL_SIZE || 10) });

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    try {
      JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      // The api's order and concurrency: each wave after the previous one answered, its statements at once.
      const results = [];
      for (const wave of waves) results.push(...(await Promise.all(wave.map((s) => pool.query(s.text, s.values)))));
      const body = JSON.stringify({ data: results.map((r) => r.rows) });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    } catch (err) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: String(err && err.message) }));
    }
  });
});

process.on('message', (m) => {
  if (m.type === 'init') {
    statements = m.statements;
    waves = [];
    for (const s of statements) (waves[s.wave ?? 0] ??= []).push(s);
    waves = waves.filter(Boolean);
    server.listen(0, '127.0.0.1', () => process.send({ type: 'ready', port: server.address().port }));
  } else if (m.type === 'stop') {
    server.close();
    pool.end().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  }
});
process.on('disconnect', () => process.exit(0));
