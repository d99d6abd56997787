import { Injectable } from '@nestjs/common';
import ExcelJS from 'exceljs';
import { CodeItemService, CodeKind } from '@zs/codes';
import { LeadStage } from '@zs/leads';
import { IMPORT_COLUMNS } from './lead-columns';

/** GET /templates/leads.xlsx: Chinese headers, a comment per column, dropdowns from the active code tables. */
@Injectable()
export class LeadTemplateService {
  constructor(private readonly codes: CodeItemService) {}

  async build(): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('线索');
    const lists = wb.addWorksheet('代码表', { state: 'veryHidden' });
    const kinds: [string, string[]][] = [
      ['产业', (await this.codes.list(CodeKind.INDUSTRY)).map((c) => c.code)],
      ['资金来源', (await this.codes.list(CodeKind.CAPITAL_SOURCE)).map((c) => c.code)],
      ['招商方式', (await this.codes.list(CodeKind.ATTRACTION_MODE)).map((c) => c.code)],
      ['阶段', Object.values(LeadStage)],
    ];
    // Each list in its own column of the hidden sheet; the dropdowns refer to its range.
    const ranges = new Map<string, string>();
    kinds.forEach(([header, values], i) => {
      const col = String.fromCharCode(65 + i);
      lists.getCell(`${col}1`).value = header;
      values.forEach((v, j) => (lists.getCell(`${col}${j + 2}`).value = v));
      ranges.set(header, `代码表!$${col}$2:$${col}$${Math.max(2, values.length + 1)}`);
    });
    IMPORT_COLUMNS.forEach((c, i) => {
      const cell = sheet.getRow(1).getCell(i + 1);
      cell.value = c.header;
      cell.note = c.note;
      cell.font = { bold: true };
      sheet.getColumn(i + 1).width = 18;
      const range = ranges.get(c.header);
      if (range) {
        for (let r = 2; r <= 1001; r++) {
          sheet.getCell(r, i + 1).dataValidation = { type: 'list', allowBlank: true, formulae: [range] };
        }
      }
    });
    return Buffer.from(await wb.xlsx.writeBuffer());
  }
}
