'use strict';
/**
 * Inserts realistic leads straight into a migrated, seeded database (no api), then VACUUM ANALYZEs.
 *
 *   npm run build && node bench/generate-leads.js --count 100000 --database-url postgres://…/db [--seed 1]
 *
 * Reusable: `const { generateLeads } = require('./generate-leads'); await generateLeads(client, { count })`.
 * Rows go in by multi-row `INSERT … SELECT … FROM unnest($1::…[], …)` in batches, one transaction,
 * so 100,000 leads with their history, activities, assignments and referrals take well under a minute.
 *
 * What the data looks like (deterministic for a given --seed):
 * - owners: the seeded org's real spread — zones own most leads, districts fewer, the city a few;
 * - titles and summaries in Chinese from the industry-chain vocabulary of the default code table;
 * - investors: Chinese and English company names with legal-form suffixes (the normalised name is
 *   computed by the api's own normaliser), 60 % with a valid GB 32100 USCC, ~3 % shared by two leads;
 * - every stage (signed/landed dates and landing zones consistent with it) and every sharing scope;
 * - ~15 % assigned by the city or district to another unit, ~6 % referred (accepted → assignment
 *   via REFERRAL, pending, declined);
 * - created dates spread over the last five years, denser recently; 1–3 history rows and 0–4
 *   activities per lead.
 * The org units and default codes must exist (`npm run cli -- seed:xian`, or the api's seeding).
 */
const path = require('node:path');

const DIST = path.join(__dirname, '..', 'dist');

function loadDist(rel) {
  try {
    return require(path.join(DIST, rel));
  } catch (e) {
    throw new Error(`cannot load dist/${rel} (${e.message}): run \`npm run build\` first`);
  }
}

/** mulberry32: small, fast, deterministic. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks from [value, weight][] pairs. */
function weighted(rand, pairs) {
  const total = pairs.reduce((s, [, w]) => s + w, 0);
  let x = rand() * total;
  for (const [v, w] of pairs) {
    x -= w;
    if (x < 0) return v;
  }
  return pairs[pairs.length - 1][0];
}

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** A valid GB 32100-2015 code: 9 (enterprise) 1 (company), division, 9-character org code, check char. */
function uscc(rand, division) {
  let org = '';
  for (let i = 0; i < 9; i++) org += USCC_CHARS[Math.floor(rand() * (i < 8 ? 10 : 31))];
  const first17 = `91${division}${org}`;
  let sum = 0;
  let w = 1;
  for (let i = 0; i < 17; i++) {
    sum += USCC_CHARS.indexOf(first17[i]) * w;
    w = (w * 3) % 31;
  }
  return first17 + USCC_CHARS[(31 - (sum % 31)) % 31];
}

const STAGES = [
  ['LEAD', 38],
  ['NEGOTIATING', 24],
  ['SIGNED', 11],
  ['LANDED', 8],
  ['OPERATING', 5],
  ['ON_HOLD', 6],
  ['LOST', 8],
];
const SCOPES = [
  ['PRIVATE', 35],
  ['DISTRICT', 25],
  ['CITY', 30],
  ['PUBLIC', 10],
];
const CN_PLACES = ['陕西', '西安', '深圳', '上海', '北京', '杭州', '苏州', '成都', '武汉', '宁波', '青岛', '合肥', '长沙', '厦门'];
const CN_WORDS = ['华创', '秦川', '长安', '恒信', '中科', '瑞丰', '博远', '天合', '新源', '鼎盛', '汇智', '星河', '正泰', '联达', '润升', '宏图', '晶科', '远航', '凯盛', '智联'];
const CN_SUFFIX = ['有限公司', '股份有限公司', '集团有限公司', '科技有限公司', '（中国）有限公司', '控股集团', '有限责任公司'];
const EN_WORDS = ['Siemens', 'Bosch', 'Horizon', 'Apex', 'Nordic', 'Pacific', 'Vertex', 'Summit', 'Atlas', 'Helix', 'Orion', 'Zenith', 'Quantum', 'Sterling'];
const EN_MID = ['Energy', 'Medical', 'Semiconductor', 'Materials', 'Logistics', 'Automotive', 'Systems', 'Foods', 'Photonics', 'Robotics'];
const EN_SUFFIX = [' Co., Ltd.', ' GmbH', ' Inc.', ' Corporation', ' Limited', ' AG', ' LLC', ' Group', ' plc'];
const COUNTRIES = ['德国', '美国', '日本', '韩国', '新加坡', '英国', '法国', '中国香港', '瑞士'];
const PROJECT_KINDS = ['生产基地', '研发中心', '总部', '产业园', '扩产项目', '智能制造基地', '区域结算中心', '中试基地', '配套项目'];
const SUMMARY_TAIL = [
  '拟新建生产线，达产后年产值可观，需配套工业用地。',
  '投资方已完成实地考察，正在比选落地区域。',
  '项目依托本地产业链配套，计划分两期建设。',
  '由商会推荐，投资方关注政策支持与人才供给。',
  '校友企业回乡投资，拟设立区域总部。',
  '产业链上下游协同项目，需要标准化厂房。',
];
const ACTIVITY_KINDS = ['VISIT', 'CALL', 'MEETING', 'NOTE', 'EVENT'];
const ACTIVITY_TEXT = ['赴企业实地考察', '电话沟通投资意向', '召开项目对接会', '整理项目需求清单', '参加产业招商推介会', '协调用地与厂房需求'];
const YEAR_MS = 365.25 * 24 * 3600 * 1000;

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`unexpected argument ${argv[i]}`);
    out[m[1]] = m[2] !== undefined ? m[2] : argv[++i];
  }
  return out;
}

/**
 * Generates `count` leads into the database `client` (a connected pg Client) points at.
 * Returns { leads, assignments, referrals, history, activities, ms }.
 */
async function generateLeads(client, { count, seed = 1, batchSize = 5000, years = 5, now = new Date(), log = () => {} } = {}) {
  const { normaliseInvestorName } = loadDist('libs/leads/src/domain/investor-name');
  const rand = rng(seed);
  const started = Date.now();

  const units = (await client.query(`SELECT id, code, tier, parent_id AS "parentId", path FROM org_unit WHERE active ORDER BY code`)).rows;
  if (!units.some((u) => u.tier === 'CITY')) throw new Error('no org units: seed the org first (npm run cli -- seed:xian)');
  const codes = (await client.query(`SELECT kind, code, name_zh AS "nameZh" FROM code_item WHERE active`)).rows;
  const byKind = (k) => codes.filter((c) => c.kind === k);
  const industries = byKind('INDUSTRY');
  const capital = byKind('CAPITAL_SOURCE').map((c) => c.code);
  const modes = byKind('ATTRACTION_MODE').map((c) => c.code);
  const lost = byKind('LOST_REASON').map((c) => c.code);
  if (!industries.length) throw new Error('no industry codes: seed the code tables first');
  const leading = new Map(
    (await client.query(`SELECT id, leading_industry_codes AS c FROM org_unit`)).rows.map((r) => [r.id, r.c]),
  );

  const byId = new Map(units.map((u) => [u.id, u]));
  const city = units.find((u) => u.tier === 'CITY');
  const districtOf = (u) => (u.tier === 'DISTRICT' ? u : u.parentId && byId.get(u.parentId)?.tier === 'DISTRICT' ? byId.get(u.parentId) : null);
  const zones = units.filter((u) => u.tier === 'ZONE');
  // Zones chase most investors, districts fewer, the city a few; a little per-unit skew on top.
  const ownerWeights = units.map((u) => [u, (u.tier === 'ZONE' ? 6 : u.tier === 'DISTRICT' ? 3 : 2) * (0.5 + rand())]);
  const users = new Map();
  for (const r of (await client.query(`SELECT id, unit_id AS "unitId" FROM app_user WHERE active`)).rows) {
    if (!users.has(r.unitId)) users.set(r.unitId, r.id);
  }
  const actorOf = (u) => users.get(u.id) ?? users.get(city.id) ?? '00000000-0000-4000-8000-000000000000';

  const investors = [];
  const newInvestor = (division) => {
    const foreign = rand() < 0.18;
    let name;
    let country = '中国';
    if (foreign) {
      name = `${EN_WORDS[Math.floor(rand() * EN_WORDS.length)]} ${EN_MID[Math.floor(rand() * EN_MID.length)]}${EN_SUFFIX[Math.floor(rand() * EN_SUFFIX.length)]}`;
      if (rand() < 0.5) name += ` ${investors.length}`; // many distinct foreign investors, not 1,260
      country = COUNTRIES[Math.floor(rand() * COUNTRIES.length)];
    } else {
      name = `${CN_PLACES[Math.floor(rand() * CN_PLACES.length)]}${CN_WORDS[Math.floor(rand() * CN_WORDS.length)]}${CN_WORDS[Math.floor(rand() * CN_WORDS.length)]}${investors.length}${CN_SUFFIX[Math.floor(rand() * CN_SUFFIX.length)]}`;
    }
    const inv = { name, norm: normaliseInvestorName(name), uscc: !foreign && rand() < 0.6 ? uscc(rand, division) : null, country };
    investors.push(inv);
    return inv;
  };

  await client.query('BEGIN');
  const totals = { leads: 0, assignments: 0, referrals: 0, history: 0, activities: 0 };
  try {
    for (let done = 0; done < count; done += batchSize) {
      const n = Math.min(batchSize, count - done);
      const L = { id: [], title: [], summary: [], industry: [], capital: [], modes: [], invName: [], invNorm: [], invUscc: [], country: [],
        amount: [], land: [], jobs: [], output: [], tax: [], landingDate: [], stage: [], before: [], lostReason: [], scope: [], owner: [],
        landing: [], contacts: [], byId: [], created: [], updated: [], signed: [], landed: [] };
      const A = { lead: [], unit: [], via: [], by: [], at: [] };
      const R = { lead: [], from: [], to: [], status: [], by: [], at: [], respondedAt: [] };
      const H = { lead: [], action: [], actor: [], at: [], changes: [] };
      const V = { lead: [], kind: [], at: [], summary: [], by: [] };
      const ids = (await client.query(`SELECT gen_random_uuid()::text AS id FROM generate_series(1, $1::int)`, [n])).rows.map((r) => r.id);

      for (let k = 0; k < n; k++) {
        const id = ids[k];
        const owner = weighted(rand, ownerWeights);
        const district = districtOf(owner);
        const lead = leading.get(owner.id) ?? [];
        const industry = lead.length && rand() < 0.6 ? industries.find((c) => c.code === lead[Math.floor(rand() * lead.length)]) ?? industries[0] : industries[Math.floor(rand() * industries.length)];
        // Denser towards now: the square root skews the age towards recent years.
        const created = new Date(now.getTime() - Math.pow(rand(), 1.6) * years * YEAR_MS);
        const stage = weighted(rand, STAGES);
        const before = stage === 'ON_HOLD' ? weighted(rand, STAGES.slice(0, 3)) : null;
        const reached = (s) => [stage, before].some((x) => x && ['LEAD', 'NEGOTIATING', 'SIGNED', 'LANDED', 'OPERATING'].indexOf(x) >= ['LEAD', 'NEGOTIATING', 'SIGNED', 'LANDED', 'OPERATING'].indexOf(s));
        const span = now.getTime() - created.getTime();
        const signed = reached('SIGNED') ? new Date(created.getTime() + span * (0.2 + 0.4 * rand())) : null;
        const landed = reached('LANDED') && signed ? new Date(signed.getTime() + (now.getTime() - signed.getTime()) * (0.3 + 0.6 * rand())) : null;
        const inv = investors.length > 50 && rand() < 0.03 ? investors[Math.floor(rand() * investors.length)] : newInvestor(district ? district.code.slice(0, 6) : '610100');
        const amount = Math.round(Math.exp(Math.log(500) + rand() * Math.log(400)) * 100) / 100; // 500 万 … 200 亿, log-uniform
        const kind = PROJECT_KINDS[Math.floor(rand() * PROJECT_KINDS.length)];
        const shortName = inv.name.replace(/(（中国）)?(股份|集团|科技|有限责任)?(有限公司|控股集团)$/, '').replace(/ (Co\., Ltd\.|GmbH|Inc\.|Corporation|Limited|AG|LLC|Group|plc)$/, '');

        // Assigned units: the city or district hands some leads on; some arrive through referrals.
        const assigned = [];
        const other = () => {
          const pool = rand() < 0.7 ? zones : units;
          const u = pool[Math.floor(rand() * pool.length)];
          return u.id === owner.id || assigned.includes(u) ? null : u;
        };
        const at = (f) => new Date(created.getTime() + span * f);
        if (rand() < 0.15) {
          const u = other();
          if (u) {
            assigned.push(u);
            A.lead.push(id); A.unit.push(u.id); A.via.push('ASSIGNMENT'); A.by.push(actorOf(district ?? city)); A.at.push(at(0.1 * rand()));
            if (rand() < 0.2) {
              const u2 = other();
              if (u2) { assigned.push(u2); A.lead.push(id); A.unit.push(u2.id); A.via.push('ASSIGNMENT'); A.by.push(actorOf(city)); A.at.push(at(0.15)); }
            }
          }
        }
        if (rand() < 0.06) {
          const u = other();
          if (u) {
            const status = weighted(rand, [['ACCEPTED', 55], ['PENDING', 30], ['DECLINED', 10], ['WITHDRAWN', 5]]);
            const t = at(0.2 * rand());
            R.lead.push(id); R.from.push(owner.id); R.to.push(u.id); R.status.push(status); R.by.push(actorOf(owner)); R.at.push(t);
            R.respondedAt.push(status === 'PENDING' ? null : new Date(t.getTime() + 3 * 24 * 3600 * 1000));
            if (status === 'ACCEPTED') {
              assigned.push(u);
              A.lead.push(id); A.unit.push(u.id); A.via.push('REFERRAL'); A.by.push(actorOf(u)); A.at.push(new Date(t.getTime() + 3 * 24 * 3600 * 1000));
            }
          }
        }
        const landingZone = landed ? [owner, ...assigned].find((u) => u.tier === 'ZONE') : null;
        const finalStage = landed && !landingZone ? 'SIGNED' : stage; // LANDED needs a zone among owner and assigned
        const finalLanded = landingZone ? landed : null;

        L.id.push(id);
        L.title.push(`${shortName}${industry.nameZh}${kind}`.slice(0, 200));
        L.summary.push(`${inv.name}拟在${owner.tier === 'CITY' ? '西安' : '本区'}投资${industry.nameZh}${kind}，${SUMMARY_TAIL[Math.floor(rand() * SUMMARY_TAIL.length)]}`);
        L.industry.push(industry.code);
        L.capital.push(inv.country !== '中国' ? 'FOREIGN' : capital[Math.floor(rand() * capital.length)] ?? null);
        L.modes.push(`{${modes.filter(() => rand() < 0.25).join(',') || modes[0]}}`);
        L.invName.push(inv.name);
        L.invNorm.push(inv.norm);
        L.invUscc.push(inv.uscc);
        L.country.push(inv.country);
        L.amount.push(rand() < 0.9 ? amount.toFixed(2) : null);
        L.land.push(rand() < 0.6 ? (Math.round(rand() * 50000) / 100).toFixed(2) : null);
        L.jobs.push(rand() < 0.8 ? Math.floor(20 + rand() * 2000) : null);
        L.output.push(rand() < 0.5 ? (amount * (0.5 + rand() * 2)).toFixed(2) : null);
        L.tax.push(rand() < 0.4 ? (amount * 0.05 * rand()).toFixed(2) : null);
        L.landingDate.push(rand() < 0.5 ? new Date(created.getTime() + rand() * 2 * YEAR_MS).toISOString().slice(0, 10) : null);
        L.stage.push(finalStage);
        L.before.push(finalStage === 'ON_HOLD' ? before : null);
        L.lostReason.push(finalStage === 'LOST' ? lost[Math.floor(rand() * lost.length)] ?? null : null);
        L.scope.push(weighted(rand, SCOPES));
        L.owner.push(owner.id);
        L.landing.push(landingZone ? landingZone.id : null);
        L.contacts.push(JSON.stringify([{ name: `联系人${done + k}`, phone: `139${String(Math.floor(rand() * 1e8)).padStart(8, '0')}` }]));
        L.byId.push(actorOf(owner));
        L.created.push(created);
        L.updated.push(new Date(created.getTime() + span * rand()));
        L.signed.push(signed && ['SIGNED', 'LANDED', 'OPERATING', 'ON_HOLD', 'LOST'].includes(finalStage) ? signed : null);
        L.landed.push(finalLanded);

        H.lead.push(id); H.action.push('CREATED'); H.actor.push(actorOf(owner)); H.at.push(created);
        H.changes.push(JSON.stringify([{ field: 'title', oldValue: null, newValue: L.title[k] }]));
        if (finalStage !== 'LEAD') {
          H.lead.push(id); H.action.push('STAGE_CHANGED'); H.actor.push(actorOf(owner)); H.at.push(signed ?? at(0.5));
          H.changes.push(JSON.stringify([{ field: 'stage', oldValue: 'LEAD', newValue: finalStage }]));
        }
        const acts = Math.floor(rand() * 5);
        for (let a = 0; a < acts; a++) {
          V.lead.push(id); V.kind.push(ACTIVITY_KINDS[Math.floor(rand() * ACTIVITY_KINDS.length)]); V.at.push(at(rand()));
          V.summary.push(ACTIVITY_TEXT[Math.floor(rand() * ACTIVITY_TEXT.length)]); V.by.push(actorOf(owner));
        }
      }

      // Codes from the same sequence createLead uses, numbered in creation order within the batch.
      await client.query(
        `INSERT INTO lead (id, code, title, summary, industry_code, capital_source_code, attraction_mode_codes, investor_name,
           investor_name_norm, investor_uscc, investor_country, investment_amount, land_area_mu, expected_jobs,
           expected_annual_output, expected_annual_tax, expected_landing_date, stage, stage_before_hold, lost_reason_code,
           sharing_scope, owner_unit_id, landing_unit_id, contacts, created_by_kind, created_by_id, created_at, updated_at,
           signed_at, landed_at)
         SELECT t.id, 'XA-' || extract(year FROM t.created AT TIME ZONE 'Asia/Shanghai') || '-' || lpad(nextval('lead_code_seq')::text, 6, '0'),
           t.title, t.summary, t.industry, t.capital, t.modes::text[], t.inv_name, t.inv_norm, t.inv_uscc, t.country, t.amount,
           t.land, t.jobs, t.output, t.tax, t.landing_date, t.stage, t.before, t.lost, t.scope, t.owner, t.landing, t.contacts,
           'user', t.by_id, t.created, GREATEST(t.updated, t.created, t.signed, t.landed), t.signed, t.landed
         FROM (SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
           $9::text[], $10::text[], $11::numeric[], $12::numeric[], $13::int[], $14::numeric[], $15::numeric[], $16::date[],
           $17::lead_stage[], $18::lead_stage[], $19::text[], $20::sharing_scope[], $21::uuid[], $22::uuid[], $23::jsonb[],
           $24::uuid[], $25::timestamptz[], $26::timestamptz[], $27::timestamptz[], $28::timestamptz[])
           AS u(id, title, summary, industry, capital, modes, inv_name, inv_norm, inv_uscc, country, amount, land, jobs, output,
             tax, landing_date, stage, before, lost, scope, owner, landing, contacts, by_id, created, updated, signed, landed)
           ORDER BY created) t`,
        [L.id, L.title, L.summary, L.industry, L.capital, L.modes, L.invName, L.invNorm, L.invUscc, L.country, L.amount, L.land,
          L.jobs, L.output, L.tax, L.landingDate, L.stage, L.before, L.lostReason, L.scope, L.owner, L.landing, L.contacts,
          L.byId, L.created, L.updated, L.signed, L.landed],
      );
      if (A.lead.length) {
        await client.query(
          `INSERT INTO lead_assignment (lead_id, unit_id, via, assigned_by_id, assigned_at)
           SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::lead_assignment_via[], $4::uuid[], $5::timestamptz[])
           ON CONFLICT DO NOTHING`,
          [A.lead, A.unit, A.via, A.by, A.at],
        );
      }
      if (R.lead.length) {
        await client.query(
          `INSERT INTO lead_referral (lead_id, from_unit_id, to_unit_id, status, created_by_id, created_at, responded_by_id, responded_at)
           SELECT lead, f, t, s, b, a, CASE WHEN r IS NOT NULL THEN b END, r
             FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::referral_status[], $5::uuid[], $6::timestamptz[], $7::timestamptz[])
               AS u(lead, f, t, s, b, a, r)`,
          [R.lead, R.from, R.to, R.status, R.by, R.at, R.respondedAt],
        );
      }
      await client.query(
        `INSERT INTO lead_history (lead_id, action, actor_kind, actor_id, at, changes)
         SELECT l, a, 'user', u, t, c FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::timestamptz[], $5::jsonb[]) AS x(l, a, u, t, c)`,
        [H.lead, H.action, H.actor, H.at, H.changes],
      );
      if (V.lead.length) {
        await client.query(
          `INSERT INTO lead_activity (lead_id, kind, occurred_at, summary, created_by_kind, created_by_id, created_at)
           SELECT l, k, t, s, 'user', b, t FROM unnest($1::uuid[], $2::lead_activity_kind[], $3::timestamptz[], $4::text[], $5::uuid[]) AS x(l, k, t, s, b)`,
          [V.lead, V.kind, V.at, V.summary, V.by],
        );
      }
      totals.leads += n;
      totals.assignments += A.lead.length;
      totals.referrals += R.lead.length;
      totals.history += H.lead.length;
      totals.activities += V.lead.length;
      log(`${totals.leads}/${count} leads`);
    }
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  }
  // VACUUM as autovacuum would after a bulk load: it sets the visibility map the index-only scans rely on.
  for (const t of ['org_unit', 'lead', 'lead_assignment', 'lead_referral', 'lead_history', 'lead_activity']) await client.query(`VACUUM ANALYZE ${t}`);
  return { ...totals, ms: Date.now() - started };
}

module.exports = { generateLeads, uscc, rng };

if (require.main === module) {
  const { Client } = require('pg');
  const args = parseArgs(process.argv.slice(2));
  const url = args['database-url'] || process.env.DATABASE_URL;
  const count = Number(args.count || 1000);
  if (!url || !Number.isInteger(count) || count < 1) {
    console.error('usage: node bench/generate-leads.js --count 100000 --database-url postgres://… [--seed 1] [--batch 5000]');
    process.exit(64);
  }
  const client = new Client({ connectionString: url });
  client
    .connect()
    .then(() => generateLeads(client, { count, seed: Number(args.seed || 1), batchSize: Number(args.batch || 5000), log: (m) => console.error(m) }))
    .then((r) => console.log(JSON.stringify(r)))
    .then(
      () => client.end().then(() => process.exit(0)),
      (e) => {
        console.error(e.message);
        client.end().finally(() => process.exit(1));
      },
    );
}
