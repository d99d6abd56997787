import { Inject, Injectable } from '@nestjs/common';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { type Actor } from '@zs/common';
import { APP_CONFIG, type AppConfig } from '@zs/config';
import { OrgUnitRepository } from '@zs/org';
import { LeadOrderField, LeadService, LeadStatsGroupBy, type LeadFilter, OrderDirection, type VisibleLead } from '@zs/leads';
import { TargetsService, checkYear } from '@zs/targets';
import { EXPORT_COLUMNS } from './lead-columns';
import { ExportAuditRepository } from './export-audit.repository';

const PAGE = 100;

function csvCell(v: string | number | Date | null): string {
  if (v === null) return '';
  const s = v instanceof Date ? v.toISOString() : String(v);
  return /[",\r\n]/.test(s) || /^[=+\-@]/.test(s) ? `"${(/^[=+\-@]/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"` : s;
}

/**
 * Exports read leads only through LeadService.page: the visibility rule and the field redaction
 * (USCC and contacts null outside the owner and assigned chains) are the `leads` query's own.
 */
@Injectable()
export class LeadExportService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly leads: LeadService,
    private readonly units: OrgUnitRepository,
    private readonly audit: ExportAuditRepository,
    private readonly targets: TargetsService,
  ) {}

  /** Visible leads in pages of 100 (keyset), at most EXPORT_MAX_ROWS; reports whether more existed. */
  private async *visibleLeads(actor: Actor, filter: LeadFilter): AsyncGenerator<{ lead: VisibleLead; unit: (id: string) => string }, boolean> {
    let after: string | null = null;
    let count = 0;
    const codes = new Map<string, string>();
    for (;;) {
      const page = await this.leads.page(actor, filter, { field: LeadOrderField.CREATED_AT, direction: OrderDirection.DESC }, PAGE, after, false);
      const missing = [...new Set(page.edges.map((e) => e.node.ownerUnitId).filter((id) => !codes.has(id)))];
      for (const u of await this.units.findByIds(missing)) codes.set(u.id, u.code);
      for (const e of page.edges) {
        if (count >= this.config.exportMaxRows) return true;
        count++;
        yield { lead: e.node, unit: (id) => codes.get(id) ?? '' };
      }
      if (!page.pageInfo.hasNextPage) return false;
      after = page.pageInfo.endCursor;
    }
  }

  async leadsXlsx(actor: Actor, filter: LeadFilter, out: Writable): Promise<number> {
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
    const sheet = wb.addWorksheet('线索');
    sheet.columns = EXPORT_COLUMNS.map((c) => ({ header: c.header, key: c.header, width: 18 }));
    let rows = 0;
    const it = this.visibleLeads(actor, filter);
    for (let r = await it.next(); !r.done; r = await it.next()) {
      sheet.addRow(EXPORT_COLUMNS.map((c) => c.export!(r.value.lead, r.value.unit))).commit();
      rows++;
    }
    sheet.commit();
    await wb.commit();
    await this.audit.record(actor, 'leads.xlsx', filter, rows);
    return rows;
  }

  async leadsCsv(actor: Actor, filter: LeadFilter, out: Writable): Promise<number> {
    // UTF-8 with BOM: what Chinese Excel opens without garbling.
    out.write(`\uFEFF${EXPORT_COLUMNS.map((c) => csvCell(c.header)).join(',')}\r\n`);
    let rows = 0;
    const it = this.visibleLeads(actor, filter);
    for (let r = await it.next(); !r.done; r = await it.next()) {
      const line = EXPORT_COLUMNS.map((c) => csvCell(c.export!(r.value.lead, r.value.unit))).join(',');
      if (!out.write(`${line}\r\n`)) await new Promise((resolve) => out.once('drain', resolve));
      rows++;
    }
    out.end();
    await this.audit.record(actor, 'leads.csv', filter, rows);
    return rows;
  }

  /** 签约落地 table per district and its zones: targets beside the actuals (targetProgress). */
  async statsXlsx(actor: Actor, year: number, out: Writable): Promise<number> {
    checkYear(year);
    const rows = await this.targets.progress(actor, year, LeadStatsGroupBy.DISTRICT);
    const zoneOnly = rows.length === 0 ? await this.targets.progress(actor, year, LeadStatsGroupBy.ZONE) : [];
    const ids = [...rows.flatMap((r) => [r.unitId, ...(r.zones ?? []).map((z) => z.unitId)]), ...zoneOnly.map((z) => z.unitId)];
    const names = new Map((await this.units.findByIds(ids)).map((u) => [u.id, u]));
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet(`${year} 签约落地`);
    sheet.addRow(['单位代码', '单位', '层级', '签约目标（个）', '签约（个）', '完成率%', '签约投资目标（万元）', '签约投资（万元）', '完成率%',
      '落地目标（个）', '落地（个）', '完成率%', '落地投资目标（万元）', '落地投资（万元）', '完成率%', '签约未落地（个）']);
    const line = (r: (typeof rows)[number], tier: string) => {
      const u = names.get(r.unitId);
      sheet.addRow([u?.code ?? '', u?.name ?? '', tier,
        r.target?.signedCount ?? null, r.actual.signed, r.percent.signedCount,
        r.target ? Number(r.target.signedInvestment) : null, Number(r.actual.signedInvestment), r.percent.signedInvestment,
        r.target?.landedCount ?? null, r.actual.landed, r.percent.landedCount,
        r.target ? Number(r.target.landedInvestment) : null, Number(r.actual.landedInvestment), r.percent.landedInvestment,
        r.signedNotLanded]);
    };
    let n = 0;
    for (const d of rows) {
      line(d, '区县');
      n++;
      for (const z of d.zones ?? []) {
        line(z, '园区');
        n++;
      }
    }
    for (const z of zoneOnly) {
      line(z, '园区');
      n++;
    }
    sheet.getRow(1).font = { bold: true };
    await wb.xlsx.write(out);
    out.end();
    await this.audit.record(actor, 'stats.xlsx', { year }, n);
    return n;
  }
}
