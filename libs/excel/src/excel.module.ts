import { Module } from '@nestjs/common';
import { CodeItemModule } from '@zs/codes';
import { IdentityModule } from '@zs/identity';
import { OrgUnitModule } from '@zs/org';
import { LeadsModule } from '@zs/leads';
import { TargetsModule } from '@zs/targets';
import { ExcelController } from './excel.controller';
import { HttpActorResolver } from './http-actor';
import { LeadExportService } from './lead-export.service';
import { LeadImportService } from './lead-import.service';
import { LeadTemplateService } from './lead-template.service';
import { ExportAuditRepository } from './export-audit.repository';
import { ExportAuditResolver } from './export-audit.resolver';

@Module({
  imports: [IdentityModule, OrgUnitModule, CodeItemModule, LeadsModule, TargetsModule],
  controllers: [ExcelController],
  providers: [HttpActorResolver, LeadExportService, LeadImportService, LeadTemplateService, ExportAuditRepository, ExportAuditResolver],
})
export class ExcelModule {}
