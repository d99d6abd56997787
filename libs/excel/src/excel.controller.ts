import { Controller, Get, Post, Query, Req, Res, UploadedFile, UseFilters, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Request, Response } from 'express';
import { ValidationException } from '@zs/common';
import { FileEndpointErrorFilter, HttpActorResolver } from './http-actor';
import { LeadExportService } from './lead-export.service';
import { IMPORT_MAX_BYTES, ImportMode, LeadImportService } from './lead-import.service';
import { LeadTemplateService } from './lead-template.service';
import { parseLeadFilter } from './export-filter';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function attachment(res: Response, type: string, name: string): void {
  res.setHeader('content-type', type);
  res.setHeader('content-disposition', `attachment; filename="${name}"`);
  res.setHeader('cache-control', 'no-store');
}

/** Excel and CSV files of the platform: template, lead import, lead and statistics exports. */
@Controller()
@UseFilters(FileEndpointErrorFilter)
export class ExcelController {
  constructor(
    private readonly actors: HttpActorResolver,
    private readonly exports: LeadExportService,
    private readonly imports: LeadImportService,
    private readonly template: LeadTemplateService,
  ) {}

  @Get('templates/leads.xlsx')
  async leadTemplate(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.actors.of(req);
    const buf = await this.template.build();
    attachment(res, XLSX, 'leads-template.xlsx');
    res.end(buf);
  }

  @Get('exports/leads.xlsx')
  async leadsXlsx(@Req() req: Request, @Res() res: Response, @Query('filter') filter?: string): Promise<void> {
    const actor = await this.actors.of(req);
    const f = parseLeadFilter(filter);
    attachment(res, XLSX, 'leads.xlsx');
    await this.exports.leadsXlsx(actor, f, res);
  }

  @Get('exports/leads.csv')
  async leadsCsv(@Req() req: Request, @Res() res: Response, @Query('filter') filter?: string): Promise<void> {
    const actor = await this.actors.of(req);
    const f = parseLeadFilter(filter);
    attachment(res, 'text/csv; charset=utf-8', 'leads.csv');
    await this.exports.leadsCsv(actor, f, res);
  }

  @Get('exports/stats.xlsx')
  async statsXlsx(@Req() req: Request, @Res() res: Response, @Query('year') year?: string): Promise<void> {
    const actor = await this.actors.of(req);
    if (!year || !/^\d{4}$/.test(year)) throw ValidationException.field('year', 'must be between 2000 and 2100');
    attachment(res, XLSX, `stats-${year}.xlsx`);
    await this.exports.statsXlsx(actor, Number(year), res);
  }

  @Post('imports/leads')
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: IMPORT_MAX_BYTES, files: 1 } }))
  async importLeads(
    @Req() req: Request,
    @Res() res: Response,
    @UploadedFile() file: { buffer: Buffer; originalname: string } | undefined,
  ): Promise<void> {
    const actor = await this.actors.of(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const raw = (body.mode ?? req.query.mode ?? ImportMode.ALL_OR_NOTHING) as string;
    if (!(Object.values(ImportMode) as string[]).includes(raw)) throw ValidationException.field('mode', 'must be ALL_OR_NOTHING or VALID_ROWS');
    if (!file) throw ValidationException.field('file', 'is required (multipart field "file")');
    const format = (body.format ?? req.query.format ?? 'json') as string;
    if (format !== 'json' && format !== 'xlsx') throw ValidationException.field('format', 'must be json or xlsx');
    const { table, ...report } = await this.imports.run(actor, file, raw as ImportMode);
    res.status(report.rolledBack ? 422 : 200);
    if (format === 'xlsx') {
      // The same answer as a workbook of the bad rows (the counts in headers).
      res.setHeader('x-import-imported', String(report.imported));
      res.setHeader('x-import-errors', String(report.errors.length));
      attachment(res, XLSX, 'import-errors.xlsx');
      res.end(await this.imports.badRowsXlsx(report, table));
      return;
    }
    res.json(report);
  }
}
