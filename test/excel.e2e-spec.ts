import ExcelJS from 'exceljs';
import * as iconv from 'iconv-lite';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cli, seedXian, startTestApp, userToken, type TestApp } from './support/harness';
import { IMPORT_COLUMNS, EXPORT_COLUMNS } from '@zs/excel';

async function sheetOf(buf: ArrayBuffer): Promise<ExcelJS.Worksheet> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf);
  return wb.worksheets[0];
}
function rowsOf(sheet: ExcelJS.Worksheet): unknown[][] {
  const out: unknown[][] = [];
  sheet.eachRow((r) => out.push((r.values as unknown[]).slice(1)));
  return out;
}

describe('Excel: template, import, exports', () => {
  let t: TestApp;
  let z1o: string;
  let z2o: string;
  let d1m: string;
  let d2m: string;
  let cityAdmin: string;
  let viewer: string;

  beforeAll(async () => {
    t = await startTestApp();
    await seedXian(t.app);
    [z1o, z2o, d1m, d2m, cityAdmin, viewer] = await Promise.all([
      userToken(t, 'xl-z1o', '610115-Z1', 'OFFICER'),
      userToken(t, 'xl-z2o', '610115-Z2', 'OFFICER'),
      userToken(t, 'xl-d1m', '610115', 'MANAGER'),
      userToken(t, 'xl-d2m', '610116', 'MANAGER'),
      userToken(t, 'xl-admin', '610100', 'ADMIN'),
      userToken(t, 'xl-v', '610115-Z1', 'VIEWER'),
    ]);
  });
  afterAll(() => t?.close());

  const get = (path: string, token?: string) =>
    fetch(`${t.baseUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const upload = (token: string, name: string, body: Buffer, mode?: string, format?: string) => {
    const form = new FormData();
    if (mode) form.append('mode', mode);
    if (format) form.append('format', format);
    form.append('file', new Blob([new Uint8Array(body)]), name);
    return fetch(`${t.baseUrl}/imports/leads`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  };
  async function xlsx(rows: (string | number | null)[][], headers = IMPORT_COLUMNS.map((c) => c.header)): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    const s = wb.addWorksheet('线索');
    s.addRow(headers);
    for (const r of rows) s.addRow(r);
    return Buffer.from(await wb.xlsx.writeBuffer());
  }
  const row = (o: Record<string, string | number | null>) => IMPORT_COLUMNS.map((c) => o[c.header] ?? null);
  const count = async () => (await t.sql(`SELECT count(*)::int AS n FROM lead`))[0].n as number;

  it('serves the template with Chinese headers, a comment per column and code dropdowns', async () => {
    expect((await get('/templates/leads.xlsx')).status).toBe(401);
    const res = await get('/templates/leads.xlsx', z1o);
    expect(res.status).toBe(200);
    const sheet = await sheetOf(await res.arrayBuffer());
    expect(rowsOf(sheet)[0]).toEqual(IMPORT_COLUMNS.map((c) => c.header));
    expect(sheet.getCell(1, 1).note).toBeTruthy();
    const industryCol = IMPORT_COLUMNS.findIndex((c) => c.header === '产业') + 1;
    expect(sheet.getCell(2, industryCol).dataValidation).toMatchObject({ type: 'list' });
  });

  describe('import', () => {
    it('imports a valid file, and importing it again creates nothing new', async () => {
      const file = await xlsx([
        row({ 外部编号: 'TZ-001', 项目名称: '导入项目一', 产业: 'NEV', 投资方名称: '导入一有限公司', '投资额（万元）': 1200, 联系人: '王五' }),
        row({ 外部编号: 'TZ-002', 项目名称: '导入项目二', 产业: 'IC', 投资方名称: '导入二有限公司', 共享范围: 'DISTRICT' }),
      ]);
      const before = await count();
      const res = await upload(z1o, 'leads.xlsx', file);
      const body: any = await res.json();
      expect(res.status).toBe(200);
      expect(body).toMatchObject({ rows: 2, imported: 2, errors: [], alreadyImported: [] });
      expect(await count()).toBe(before + 2);
      const [lead] = await t.sql(`SELECT id, investment_amount::text AS amount, contacts FROM lead WHERE title = '导入项目一'`);
      expect(lead.amount).toBe('1200.00');
      const events = await t.sql(`SELECT type FROM outbox_event WHERE lead_id = $1`, [lead.id]);
      expect(events.map((e) => e.type)).toEqual(['lead.created']);
      const again = await (await upload(z1o, 'leads.xlsx', file)).json();
      expect(again).toMatchObject({ imported: 0, alreadyImported: [2, 3], errors: [] });
      expect(await count()).toBe(before + 2);
    });

    it('reports each bad row with its header; ALL_OR_NOTHING writes nothing, VALID_ROWS the good rows', async () => {
      const file = await xlsx([
        row({ 项目名称: '好的项目', 产业: 'NEV', 投资方名称: '好的有限公司' }),
        row({ 项目名称: 'x', 产业: 'NOPE', 投资方名称: '坏的有限公司', '投资额（万元）': '-5' }),
        row({ 项目名称: '另一个坏项目', 产业: 'NEV', 投资方名称: '坏二有限公司', 预计就业: 'many' }),
      ]);
      const before = await count();
      const res = await upload(z1o, 'bad.xlsx', file, 'ALL_OR_NOTHING');
      expect(res.status).toBe(422);
      const body: any = await res.json();
      expect(body.rolledBack).toBe(true);
      expect(body.imported).toBe(0);
      expect(body.errors.map((e: any) => `${e.row}:${e.column}`).sort()).toEqual(
        ['3:项目名称', '3:产业', '3:投资额（万元）', '4:预计就业'].sort(),
      );
      expect(await count()).toBe(before);

      const bad = await upload(z1o, 'bad.xlsx', file, 'ALL_OR_NOTHING', 'xlsx');
      expect(bad.status).toBe(422);
      const badRows = rowsOf(await sheetOf(await bad.arrayBuffer()));
      expect(badRows[0][0]).toBe('行号');
      expect(badRows[0].at(-1)).toBe('错误');
      expect(badRows.slice(1).map((r) => r[0])).toEqual([3, 4]);
      expect(String(badRows[2].at(-1))).toContain('预计就业');
      expect(await count()).toBe(before);

      const partial: any = await (await upload(z1o, "bad.xlsx", file, "VALID_ROWS")).json();
      expect(partial).toMatchObject({ imported: 1, rolledBack: false });
      expect(partial.errors).toHaveLength(4);
      expect(await count()).toBe(before + 1);
    });

    it('reads a GB18030 CSV (what Chinese Excel writes) and a UTF-8 CSV with BOM', async () => {
      const headers = '项目名称,产业,投资方名称,投资额（万元）\r\n';
      const gb = iconv.encode(`${headers}国标编码项目,NEV,国标有限公司,300\r\n`, 'gb18030');
      const res = await (await upload(z1o, 'gb.csv', gb)).json();
      expect(res).toMatchObject({ imported: 1, errors: [] });
      expect(await t.sql(`SELECT 1 FROM lead WHERE title = '国标编码项目' AND investor_name = '国标有限公司'`)).toHaveLength(1);
      const bom = Buffer.from(`\uFEFF${headers}带BOM项目,IC,带BOM有限公司,\r\n`, 'utf8');
      expect(await (await upload(z1o, 'bom.csv', bom)).json()).toMatchObject({ imported: 1, errors: [] });
    });

    it('imports from the command line as a named user of the unit (npm run cli -- leads:import FILE …)', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'zs-import-'));
      const file = path.join(dir, 'leads.csv');
      writeFileSync(file, '项目名称,产业,投资方名称,外部编号\r\n命令行导入项目,NEV,命令行有限公司,CLI-1\r\n');
      const ok = await cli(t, 'leads:import', file, '--unit', '610115-Z1', '--as', 'xl-z1o', '--mode', 'VALID_ROWS');
      expect(ok.err).toBe('');
      expect(ok.code).toBe(0);
      expect(ok.out).toContain('1 row(s): 1 imported');
      const again = await cli(t, 'leads:import', file, '--unit', '610115-Z1', '--as', 'xl-z1o');
      expect(again.out).toContain('1 already imported');
      const wrongUnit = await cli(t, 'leads:import', file, '--unit', '610115-Z2', '--as', 'xl-z1o');
      expect(wrongUnit.code).toBe(1);
      expect(wrongUnit.err).toContain('--unit');
      const bad = path.join(dir, 'bad.csv');
      writeFileSync(bad, '项目名称,产业,投资方名称\r\nx,NOPE,坏有限公司\r\n');
      const failed = await cli(t, 'leads:import', bad, '--unit', '610115-Z1', '--as', 'xl-z1o');
      expect(failed.code).toBe(1);
      expect(failed.err).toContain('row 2 产业');
      expect(await t.sql(`SELECT 1 FROM lead WHERE investor_name = '坏有限公司'`)).toHaveLength(0);
    });

    it('refuses malformed files, wrong headers, viewers and a bad mode with clear errors, writing nothing', async () => {
      const before = await count();
      const notXlsx = await upload(z1o, 'x.xlsx', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 7)]));
      expect(notXlsx.status).toBe(400);
      expect(((await notXlsx.json()) as any).errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ path: 'file' }] });
      const binary = await upload(z1o, 'x.bin', Buffer.from([0, 1, 2, 3, 0, 0]));
      expect(binary.status).toBe(400);
      const headers = await upload(z1o, 'h.xlsx', await xlsx([['a', 'b']], ['名称', '行业']));
      expect(headers.status).toBe(400);
      expect(((await headers.json()) as any).errors[0].message).toMatch(/headers/);
      const big = await upload(z1o, 'big.csv', Buffer.alloc(21 * 1024 * 1024, 0x41));
      expect(big.status).toBe(413);
      const mode = await upload(z1o, 'a.csv', Buffer.from('项目名称,产业,投资方名称\r\n'), 'SOMETIMES');
      expect(mode.status).toBe(400);
      const v = await upload(viewer, 'a.csv', Buffer.from('项目名称,产业,投资方名称\r\n某项目,NEV,某公司\r\n'));
      expect(v.status).toBe(403);
      expect(await count()).toBe(before);
    });
  });

  describe('exports', () => {
    beforeAll(async () => {
      const create = (token: string, title: string, scope: string) =>
        t.gql(
          `mutation($input: CreateLeadInput!) { createLead(input: $input) { id } }`,
          {
            input: {
              title,
              industryCode: 'NEV',
              sharingScope: scope,
              investor: { name: `${title}公司`, uscc: '91440300192317458F' },
              contacts: [{ name: '联系人甲', phone: '13800000000' }],
            },
          },
          { token },
        );
      await create(z1o, '一区私有项目', 'PRIVATE');
      await create(z2o, '二区区县共享项目', 'DISTRICT');
      await create(z2o, '二区私有项目', 'PRIVATE');
    });

    const exported = async (token: string) => {
      const res = await get('/exports/leads.xlsx', token);
      expect(res.status).toBe(200);
      const sheet = await sheetOf(await res.arrayBuffer());
      const [headers, ...rows] = rowsOf(sheet);
      expect(headers).toEqual(EXPORT_COLUMNS.map((c) => c.header));
      const at = (h: string) => (headers as string[]).indexOf(h);
      return rows.map((r) => ({ title: r[at('项目名称')], uscc: r[at('统一社会信用代码')] ?? null, contact: r[at('联系人')] ?? null }));
    };
    const visibleTitles = async (token: string) => {
      const res = await t.gql(`{ leads(first: 100) { edges { node { title investor { uscc } contacts { name } } } } }`, {}, { token });
      return res.body.data!.leads.edges.map((e: any) => ({
        title: e.node.title,
        uscc: e.node.investor.uscc,
        contact: e.node.contacts?.[0]?.name ?? null,
      }));
    };

    it('holds only the leads and fields the caller may see, for every tier, as the leads query does', async () => {
      for (const token of [z1o, z2o, d1m, d2m, cityAdmin]) {
        const rows = await exported(token);
        const sort = (a: any[]) => [...a].sort((x, y) => String(x.title).localeCompare(String(y.title)));
        expect(sort(rows)).toEqual(sort(await visibleTitles(token)));
      }
      const z1 = await exported(z1o);
      expect(z1.find((r) => r.title === '一区私有项目')).toMatchObject({ uscc: '91440300192317458F', contact: '联系人甲' });
      expect(z1.find((r) => r.title === '二区区县共享项目')).toEqual({ title: '二区区县共享项目', uscc: null, contact: null });
      expect(z1.find((r) => r.title === '二区私有项目')).toBeUndefined();
      expect((await exported(d2m)).map((r) => r.title)).toEqual([]);
    });

    it('filters like leads, writes CSV with a BOM, and audits every export for city admins', async () => {
      const filter = encodeURIComponent(JSON.stringify({ sharingScopes: ['DISTRICT'] }));
      const csv = await get(`/exports/leads.csv?filter=${filter}`, z1o);
      expect(csv.status).toBe(200);
      const bytes = Buffer.from(await csv.arrayBuffer());
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const lines = bytes.subarray(3).toString('utf8').trim().split('\r\n');
      expect(lines[0]).toBe(EXPORT_COLUMNS.map((c) => c.header).join(','));
      expect(lines.length).toBeGreaterThan(1);
      expect(lines.slice(1).every((l) => l.includes('DISTRICT'))).toBe(true);
      const bad = await get(`/exports/leads.xlsx?filter=${encodeURIComponent('{"stages":["NOPE"]}')}`, z1o);
      expect(bad.status).toBe(400);
      await new Promise((r) => setTimeout(r, 200)); // the CSV's audit row follows its last byte
      const audit = await t.gql(`{ exportAudit(first: 100) { totalCount edges { node { kind rows filter actorKind } } } }`, {}, { token: cityAdmin });
      expect(audit.body.errors).toBeUndefined();
      expect(audit.body.data!.exportAudit.edges[0].node).toMatchObject({ kind: 'leads.csv', filter: '{"sharingScopes": ["DISTRICT"]}' });
      expect(audit.body.data!.exportAudit.totalCount).toBeGreaterThanOrEqual(6);
      const refused = await t.gql(`{ exportAudit { totalCount } }`, {}, { token: d1m });
      expect(refused.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    });

    it('exports the 签约落地 table per district and zone', async () => {
      const res = await get(`/exports/stats.xlsx?year=${new Date().getFullYear()}`, d1m);
      expect(res.status).toBe(200);
      const rows = rowsOf(await sheetOf(await res.arrayBuffer()));
      expect(rows[0][0]).toBe('单位代码');
      expect(rows.slice(1).map((r) => r[0])).toEqual(['610115', '610115-Z1', '610115-Z2']);
      expect((await get('/exports/stats.xlsx?year=19', d1m)).status).toBe(400);
    });
  });
});

describe('Excel export cap', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ EXPORT_MAX_ROWS: '2' });
    await seedXian(t.app);
  });
  afterAll(() => t?.close());

  it('stops at EXPORT_MAX_ROWS and records the rows written', async () => {
    const token = await userToken(t, 'cap-z1o', '610115-Z1', 'OFFICER');
    for (const n of [1, 2, 3]) {
      await t.gql(`mutation($i: CreateLeadInput!) { createLead(input: $i) { id } }`, { i: { title: `上限项目${n}`, industryCode: 'NEV', investor: { name: `上限${n}公司` } } }, { token });
    }
    const res = await fetch(`${t.baseUrl}/exports/leads.xlsx`, { headers: { authorization: `Bearer ${token}` } });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    expect(wb.worksheets[0].actualRowCount).toBe(3); // header + 2
    // The audit row is written once the last row is out: the client may finish reading a moment before.
    let audit: any[] = [];
    for (let i = 0; i < 50 && audit.length === 0; i++) {
      audit = await t.sql(`SELECT rows FROM export_audit`);
      if (audit.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(audit).toEqual([{ rows: 2 }]);
  });
});
