// EXPLAIN (ANALYZE, BUFFERS) of the stats and page SQL the built repositories emit, for docs/benchmarks.md.
// usage: DATABASE_URL=… node bench/explain.js <label> [stats|page|all]
require('reflect-metadata');
const path = require('path');
const { Client } = require('pg');
const dist = path.join(__dirname, '..', 'dist');
const { LeadStatsRepository } = require(path.join(dist, 'libs/leads/src/stats/lead-stats.repository'));
const { LeadRepository } = require(path.join(dist, 'libs/leads/src/lead.repository'));
(async () => {
  const c = new Client({ connectionString: process.env.DATABASE_URL, options: '-c jit=off' }); // as the api's pool
  await c.connect();
  const units = Object.fromEntries((await c.query('select code, id, path, tier from org_unit')).rows.map((r) => [r.code, r]));
  const actor = (code, role) => ({ kind: 'user', id: '00000000-0000-4000-8000-000000000001', unitId: units[code].id, unitPath: units[code].path, unitTier: units[code].tier, role });
  const actors = { city: actor('610100', 'OFFICER'), zone: actor('610115-Z1', 'OFFICER') };
  const captured = [];
  const fake = { query: async (sql, params) => { captured.push({ sql, params }); return sql.includes('count(*)::int') ? [{ n: 0 }] : []; }, manager: null };
  const stats = new LeadStatsRepository(fake);
  const leads = new LeadRepository(fake);
  const what = process.argv[3] || 'all';
  for (const [name, a] of Object.entries(actors)) {
    for (const g of ['DISTRICT', 'ZONE']) {
      if (what !== 'all' && what !== 'stats') continue;
      captured.length = 0;
      await stats.yearly(a, 2026, g);
      const { sql, params } = captured[0];
      const r = await c.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
      console.log(`\n### ${process.argv[2]} leadStats(${g}) ${name}\n` + r.rows.map((x) => x['QUERY PLAN']).join('\n'));
    }
    if (what !== 'all' && what !== 'page') continue;
    for (const [fname, filter] of [['plain', {}], ['filtered', { stages: ['NEGOTIATING'], industryCodes: ['NEV', 'IC'], investmentMin: '1000' }]]) {
      captured.length = 0;
      await leads.page(a, { filter, orderField: 'CREATED_AT', direction: 'DESC', limit: 20, after: null, withTotal: true });
      for (const { sql, params } of captured) {
        const r = await c.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
        const kind = sql.includes('count(*)') ? 'count' : 'page';
        console.log(`\n### ${process.argv[2]} leads ${fname} ${kind} ${name}\n` + r.rows.map((x) => x['QUERY PLAN']).join('\n'));
      }
    }
  }
  await c.end();
})();
