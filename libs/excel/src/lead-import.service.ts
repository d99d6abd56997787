import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import ExcelJS from 'exceljs';
import * as iconv from 'iconv-lite';
import { parseString } from 'fast-csv';
import { type Actor, AccessDeniedException, ValidationException } from '@zs/common';
import { type BatchLead, type CreateLeadInput, LeadBatchCreateService, SharingScope } from '@zs/leads';
import { IMPORT_COLUMNS, headerOf } from './lead-columns';

export enum ImportMode {
  ALL_OR_NOTHING = 'ALL_OR_NOTHING',
  VALID_ROWS = 'VALID_ROWS',
}

export const IMPORT_MAX_ROWS = 10_000;
export const IMPORT_MAX_BYTES = 20 * 1024 * 1024;
const REQUIRED = ['项目名称', '产业', '投资方名称'];
/** Rows per multi-row statement (and per transaction in VALID_ROWS mode). */
export const IMPORT_CHUNK_ROWS = 1000;

export interface RowError {
  /** Spreadsheet row number (the header is row 1). */
  row: number;
  column: string | null;
  message: string;
}

export interface ImportReport {
  mode: ImportMode;
  rows: number;
  imported: number;
  alreadyImported: number[];
  errors: RowError[];
  /** True when nothing was written (ALL_OR_NOTHING with a bad row). */
  rolledBack: boolean;
}

/** The file as read: its headers and each row's values (for the bad-rows workbook). */
export interface ImportTable {
  headers: string[];
  rows: { row: number; values: Record<string, Cell> }[];
}

type Cell = string | null;

class Rollback extends Error {}

interface PlannedRow {
  row: number;
  ref: string | null;
  lead: BatchLead;
}

function cellText(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('text' in v) return String(v.text);
    return null;
  }
  const s = String(v).trim();
  return s.length ? s : null;
}

/** CSV bytes as text: UTF-8 (BOM or not) when they are valid UTF-8, else GB18030 (what Chinese Excel writes). */
export function decodeCsv(buf: Buffer): string {
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return buf.subarray(3).toString('utf8');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return iconv.decode(buf, 'gb18030');
  }
}

/**
 * Imports leads from the template (.xlsx or .csv) through LeadBatchCreateService: every row gets the
 * validation, conflict detection, history and domain event of `createLead`, written in chunks of
 * multi-row statements. ALL_OR_NOTHING checks every row first and writes nothing if one is bad (one
 * transaction); VALID_ROWS reports the bad rows and writes the good ones, one transaction per chunk.
 */
@Injectable()
export class LeadImportService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly batch: LeadBatchCreateService,
  ) {}

  /** Rows per chunk; tests set a small one to cross chunk boundaries with a few rows. */
  chunkRows = IMPORT_CHUNK_ROWS;

  async run(actor: Actor, file: { buffer: Buffer; originalname: string }, mode: ImportMode): Promise<ImportReport & { table: ImportTable }> {
    if (actor.kind === 'user' && actor.role === 'VIEWER') throw new AccessDeniedException('Viewers cannot create leads');
    const table = await this.read(file);
    const report: ImportReport = { mode, rows: table.rows.length, imported: 0, alreadyImported: [], errors: [], rolledBack: false };
    if (mode === ImportMode.VALID_ROWS) {
      const good = await this.plan(actor, this.db.manager, table, report);
      await this.batch.countLookups(actor, good.length);
      // One transaction per chunk: a crash loses at most the chunk in flight, never half a row.
      for (let i = 0; i < good.length; i += this.chunkRows) {
        await this.db.transaction((tx) => this.writeChunk(tx, actor, good.slice(i, i + this.chunkRows), report));
      }
    } else {
      try {
        await this.db.transaction(async (tx) => {
          await this.lockUnit(tx, actor);
          const good = await this.plan(actor, tx, table, report);
          // Every row is checked before the first is written: a bad row means nothing is written.
          if (report.errors.length > 0) throw new Rollback();
          await this.batch.countLookups(actor, good.length);
          for (let i = 0; i < good.length; i += this.chunkRows) await this.writeChunk(tx, actor, good.slice(i, i + this.chunkRows), report, false);
        });
      } catch (e) {
        if (!(e instanceof Rollback)) throw e;
        report.rolledBack = true;
        report.imported = 0;
      }
    }
    report.alreadyImported.sort((a, b) => a - b);
    report.errors.sort((a, b) => a.row - b.row);
    return { ...report, table };
  }

  /**
   * Every row through createLead's validation (LeadBatchCreateService.check), in file order: bad rows
   * and rows already imported go to the report, the rest are returned. A reference twice in the file:
   * the first good row takes it, later rows are already imported (as if imported one by one).
   */
  private async plan(actor: Actor, q: EntityManager, table: ImportTable, report: ImportReport): Promise<PlannedRow[]> {
    const known = await this.knownRefs(q, actor, table.rows.map((r) => r.values['外部编号']));
    const candidates: { row: number; ref: string | null; input: CreateLeadInput }[] = [];
    for (const { row, values } of table.rows) {
      const ref = values['外部编号'];
      if (ref && ref.length > 100) {
        report.errors.push({ row, column: '外部编号', message: 'must be at most 100 characters' });
        continue;
      }
      if (ref && known.has(ref)) {
        report.alreadyImported.push(row);
        continue;
      }
      const input = this.toInput(values, row, report.errors);
      if (input) candidates.push({ row, ref, input });
    }
    const checks = await this.batch.check(actor, candidates.map((c) => c.input));
    const taken = new Set<string>();
    const good: PlannedRow[] = [];
    candidates.forEach((c, i) => {
      const check = checks[i];
      if (!check.ok) {
        for (const f of check.errors) report.errors.push({ row: c.row, column: headerOf(f.path), message: f.message });
      } else if (c.ref && taken.has(c.ref)) {
        report.alreadyImported.push(c.row);
      } else {
        if (c.ref) taken.add(c.ref);
        good.push({ row: c.row, ref: c.ref, lead: check.lead });
      }
    });
    return good;
  }

  /** One chunk in `tx`: leads, history, events, conflicts and references, one statement per table. */
  private async writeChunk(tx: EntityManager, actor: Actor, rows: PlannedRow[], report: ImportReport, lock = true): Promise<void> {
    if (lock) {
      await this.lockUnit(tx, actor);
      // Another import of the unit may have committed these references since plan() read them.
      const known = await this.knownRefs(tx, actor, rows.map((r) => r.ref));
      const fresh = rows.filter((r) => !r.ref || !known.has(r.ref));
      for (const r of rows) if (r.ref && known.has(r.ref)) report.alreadyImported.push(r.row);
      rows = fresh;
    }
    const ids = await this.batch.write(tx, actor, rows.map((r) => r.lead));
    const refs = rows.flatMap((r, i) => (r.ref ? [{ ref: r.ref, id: ids[i] }] : []));
    if (refs.length) {
      await tx.query(
        `INSERT INTO lead_import_ref (owner_unit_id, external_ref, lead_id) SELECT $1, r, l FROM unnest($2::text[], $3::uuid[]) AS t(r, l)`,
        [actor.unitId, refs.map((r) => r.ref), refs.map((r) => r.id)],
      );
    }
    report.imported += rows.length;
  }

  /** Imports of one unit take turns (until commit), so two uploads of one file cannot both create its rows. */
  private async lockUnit(tx: EntityManager, actor: Actor): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))::text`, [`lead-import:${actor.unitId}`]);
  }

  private async knownRefs(q: EntityManager, actor: Actor, refs: (string | null)[]): Promise<Set<string>> {
    const list = refs.filter((r): r is string => !!r && r.length <= 100);
    if (list.length === 0) return new Set();
    const rows: { ref: string }[] = await q.query(
      `SELECT external_ref AS ref FROM lead_import_ref WHERE owner_unit_id = $1 AND external_ref = ANY($2::text[])`,
      [actor.unitId, list],
    );
    return new Set(rows.map((r) => r.ref));
  }

  /** The bad rows as the caller sent them, with an 错误 column: fix them and import this file again. */
  async badRowsXlsx(report: ImportReport, table: ImportTable): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('错误行');
    const headers = table.headers.filter((h) => h);
    sheet.addRow(['行号', ...headers, '错误']);
    const byRow = new Map<number, RowError[]>();
    for (const e of report.errors) byRow.set(e.row, [...(byRow.get(e.row) ?? []), e]);
    for (const r of table.rows) {
      const errors = byRow.get(r.row);
      if (!errors) continue;
      sheet.addRow([r.row, ...headers.map((h) => r.values[h] ?? null), errors.map((e) => (e.column ? `${e.column}：${e.message}` : e.message)).join('；')]);
    }
    sheet.getRow(1).font = { bold: true };
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  private toInput(v: Record<string, Cell>, row: number, errors: RowError[]): CreateLeadInput | null {
    const bad = (column: string, message: string) => {
      errors.push({ row, column, message });
      return null;
    };
    let expectedJobs: number | null = null;
    if (v['预计就业']) {
      if (!/^\d{1,9}$/.test(v['预计就业'])) return bad('预计就业', 'must be a whole number');
      expectedJobs = Number(v['预计就业']);
    }
    const scope = v['共享范围'];
    if (scope && !(Object.values(SharingScope) as string[]).includes(scope)) return bad('共享范围', 'must be PRIVATE, DISTRICT, CITY or PUBLIC');
    const contactName = v['联系人'];
    return {
      title: v['项目名称'] ?? '',
      industryCode: v['产业'] ?? '',
      capitalSourceCode: v['资金来源'],
      attractionModeCodes: v['招商方式'] ? v['招商方式'].split(/[,，、]/).map((s) => s.trim()).filter(Boolean) : null,
      investor: { name: v['投资方名称'] ?? '', uscc: v['统一社会信用代码'], countryOrRegion: v['国别地区'] },
      investmentAmount: v['投资额（万元）'],
      expectedJobs,
      expectedLandingDate: v['预计落地日期'],
      summary: v['项目简介'],
      contacts: contactName ? [{ name: contactName, phone: v['联系电话'] }] : null,
      sharingScope: (scope as SharingScope | null) ?? SharingScope.PRIVATE,
    };
  }

  /** The file as header → value rows; anything that is not the template is refused before a row is written. */
  private async read(file: { buffer: Buffer; originalname: string }): Promise<ImportTable> {
    if (file.buffer.length > IMPORT_MAX_BYTES) throw ValidationException.field('file', 'is larger than 20 MB');
    const isZip = file.buffer.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    let matrix: Cell[][];
    if (isZip) {
      const wb = new ExcelJS.Workbook();
      try {
        await wb.xlsx.load(file.buffer as unknown as ArrayBuffer);
      } catch {
        throw ValidationException.field('file', 'is not a readable .xlsx spreadsheet');
      }
      const sheet = wb.worksheets[0];
      if (!sheet) throw ValidationException.field('file', 'has no worksheet');
      if (sheet.rowCount > IMPORT_MAX_ROWS + 1) throw ValidationException.field('file', `has more than ${IMPORT_MAX_ROWS} rows`);
      matrix = [];
      // exceljs computes columnCount by walking every row: read it once, not once per cell.
      const columns = Math.min(sheet.columnCount, 100);
      sheet.eachRow({ includeEmpty: true }, (r, n) => {
        const cells: Cell[] = [];
        for (let c = 1; c <= columns; c++) cells.push(cellText(r.getCell(c).value));
        matrix[n - 1] = cells;
      });
      matrix = Array.from(matrix, (r) => r ?? []);
    } else if (/\.csv$/i.test(file.originalname) || !file.buffer.includes(0)) {
      const text = decodeCsv(file.buffer);
      matrix = await new Promise<Cell[][]>((resolve, reject) => {
        const out: Cell[][] = [];
        parseString(text, { ignoreEmpty: true, maxRows: IMPORT_MAX_ROWS + 2 })
          .on('error', reject)
          .on('data', (r: string[]) => out.push(r.map((s) => (s.trim().length ? s.trim() : null))))
          .on('end', () => resolve(out));
      }).catch(() => {
        throw ValidationException.field('file', 'is not a readable CSV file');
      });
      if (matrix.length > IMPORT_MAX_ROWS + 1) throw ValidationException.field('file', `has more than ${IMPORT_MAX_ROWS} rows`);
    } else {
      throw ValidationException.field('file', 'must be an .xlsx or .csv file');
    }
    const headers = (matrix[0] ?? []).map((h) => (h ?? '').replace(/^\uFEFF/, '').trim());
    const known = new Set(IMPORT_COLUMNS.map((c) => c.header).concat(['项目编号', '阶段', '所属单位', '签约时间', '落地时间']));
    const unknown = headers.filter((h) => h && !known.has(h));
    const missing = REQUIRED.filter((h) => !headers.includes(h));
    if (unknown.length || missing.length) {
      throw ValidationException.field(
        'file',
        `does not have the template's headers (missing: ${missing.join('、') || '–'}; unknown: ${unknown.join('、') || '–'})`,
      );
    }
    const rows = matrix.slice(1).flatMap((cells, i) => {
      if (cells.every((c) => c === null)) return [];
      const values: Record<string, Cell> = {};
      headers.forEach((h, j) => {
        if (h) values[h] = cells[j] ?? null;
      });
      return [{ row: i + 2, values }];
    });
    return { headers, rows };
  }
}
