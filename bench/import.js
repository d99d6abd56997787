'use strict';
/**
 * Lead import benchmark (issue 10): one POST /imports/leads of BENCH_IMPORT_ROWS rows (default 10,000)
 * from an .xlsx made like the template, on a fresh PostgreSQL database, through the built api.
 *
 *   npm run bench:import      (builds dist, then runs this file)
 *
 * Creates zs_bench_import_<random>, migrates it, starts the api in-process (NODE_ENV=production,
 * LOG_LEVEL=warn), seeds the Xi'an org tree and one zone OFFICER, posts the file
 * (BENCH_IMPORT_MODE, default VALID_ROWS), then the same file again (every row already imported), and writes its section of docs/benchmarks.md
 * (BENCH_NO_WRITE=1 leaves it alone); drops the database.
 */
require('reflect-metadata');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Client } = require('pg');
const ExcelJS = require('exceljs');

const ROOT = path.join(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const ADMIN_URL = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379';
const ROWS = Number(process.env.BENCH_IMPORT_ROWS || 10000);
const MODES = (process.env.BENCH_IMPORT_MODES || 'VALID_ROWS,ALL_OR_NOTHING').split(',');
const PASSWORD = 'bench-password-0123456789';
const log = (...a) => console.log(`[bench:import ${new Date().toISOString().slice(11, 19)}]`, ...a);

const dbUrl = (name) => {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
};
async function admin(sql) {
  const c = new Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

async function makeFile(prefix) {
  const { IMPORT_COLUMNS } = require(path.join(DIST, 'libs/excel/src'));
  const wb = new ExcelJS.Workbook();
  const s = wb.addWorksheet('线索');
  s.addRow(IMPORT_COLUMNS.map((c) => c.header));
  const industries = ['NEV', 'IC', 'BIOMEDICINE', 'NEW_MATERIALS', 'FOOD', 'SOFTWARE'];
  for (let i = 0; i < ROWS; i++) {
    const v = {
      外部编号: `${prefix}-${i}`,
      项目名称: `基准导入项目${prefix}${i}`,
      产业: industries[i % industries.length],
      投资方名称: `基准导入${prefix}${i}有限公司`,
      '投资额（万元）': 100 + (i % 900),
      预计就业: 10 + (i % 50),
      联系人: '张三',
      联系电话: '13800000000',
    };
    s.addRow(IMPORT_COLUMNS.map((c) => v[c.header] ?? null));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function main() {
  const dbName = `zs_bench_import_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${dbName}`);
  let app = null;
  try {
    const { DataSource } = require('typeorm');
    const { MIGRATIONS } = require(path.join(DIST, 'libs/database/src/migrations'));
    const ds = new DataSource({ type: 'postgres', url: dbUrl(dbName), migrations: MIGRATIONS, logging: ['error'] });
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    await ds.destroy();
    const { loadConfig } = require(path.join(DIST, 'libs/config/src'));
    const { createApiApp } = require(path.join(DIST, 'apps/api/src/bootstrap'));
    const { OrgUnitService } = require(path.join(DIST, 'libs/org/src'));
    const { UserService } = require(path.join(DIST, 'libs/identity/src'));
    const config = loadConfig({
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: dbUrl(dbName),
      REDIS_URL,
      REDIS_PREFIX: `zs-bench-import-${randomBytes(4).toString('hex')}`,
      JWT_SECRET: randomBytes(32).toString('hex'),
      // Each imported lead is an investor look-up (createLead's probe limit, default 300 per hour).
      LEAD_INVESTOR_PROBE_LIMIT: '1000000',
    });
    app = await createApiApp(config, { shutdownHooks: false });
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${app.getHttpServer().address().port}`;
    await app.get(OrgUnitService).seedXian();
    await app.get(UserService).create({ username: 'bench-import', password: PASSWORD, unitCode: '610115-Z1', role: 'OFFICER' });
    const login = await (
      await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `mutation { login(username: "bench-import", password: "${PASSWORD}") { accessToken } }` }),
      })
    ).json();
    const token = login.data.login.accessToken;
    const { IMPORT_CHUNK_ROWS } = require(path.join(DIST, 'libs/excel/src'));
    const results = [];
    let fileKiB = 0;
    for (const mode of MODES) {
      const file = await makeFile(mode);
      fileKiB = file.length / 1024;
      const post = async () => {
        const form = new FormData();
        form.append('file', new Blob([file]), 'bench.xlsx');
        form.append('mode', mode);
        const t0 = process.hrtime.bigint();
        const res = await fetch(`${base}/imports/leads`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
        const body = await res.json();
        return { ms: Number(process.hrtime.bigint() - t0) / 1e6, status: res.status, body };
      };
      const load = os.loadavg()[0];
      const first = await post();
      log(`${mode} first import: ${first.status}, imported ${first.body.imported}, ${(first.ms / 1000).toFixed(1)} s`);
      if (first.body.imported !== ROWS) throw new Error(JSON.stringify(first.body).slice(0, 500));
      const second = await post();
      log(`${mode} second import: already imported ${second.body.alreadyImported.length}, ${(second.ms / 1000).toFixed(1)} s`);
      results.push({ mode, load, first, second });
    }
    const section = `## Lead import (issue 10)

\`npm run bench:import\` (bench/import.js) on ${os.cpus().length} × ${os.cpus()[0].model}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, PostgreSQL at ${new URL(ADMIN_URL).host}, ${new Date().toISOString().slice(0, 10)}; the machine is shared with other test runs (1-minute load average given per run).
One \`POST /imports/leads\` of an .xlsx with ${ROWS} rows (${fileKiB.toFixed(0)} KiB) by a zone OFFICER on a fresh database, then the same file again. Rows go through \`LeadBatchCreateService\` (createLead's validation with the code tables loaded once; per chunk of ${IMPORT_CHUNK_ROWS} rows one multi-row INSERT each for leads, history, outbox events and import references, one candidate query for conflicts); VALID_ROWS commits every chunk, ALL_OR_NOTHING checks every row first and writes the whole file in one transaction. \`LEAD_INVESTOR_PROBE_LIMIT\` is raised (every imported lead counts as one investor look-up).

| Mode | Load avg | First import | Time | Same file again |
|---|---|---|---|---|
${results.map((r) => `| ${r.mode} | ${r.load.toFixed(1)} | ${r.first.body.imported} imported | ${(r.first.ms / 1000).toFixed(1)} s (${(r.first.ms / ROWS).toFixed(2)} ms/row) | ${r.second.body.alreadyImported.length} already imported, ${(r.second.ms / 1000).toFixed(1)} s |`).join('\n')}
`;
    if (!process.env.BENCH_NO_WRITE) {
      const doc = path.join(ROOT, 'docs/benchmarks.md');
      const text = fs.readFileSync(doc, 'utf8');
      const re = /## Lead import \(issue 10\)[\s\S]*?(?=\n## |$)/;
      fs.writeFileSync(doc, re.test(text) ? text.replace(re, section) : `${text.trimEnd()}\n\n${section}`);
      log('wrote docs/benchmarks.md');
    }
  } finally {
    if (app) await app.close();
    await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
