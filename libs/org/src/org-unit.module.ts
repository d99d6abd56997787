import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CodeItemModule } from '@zs/codes';
import { OrgUnitEntity } from './org-unit.entity';
import { OrgUnitLoader } from './org-unit.loader';
import { OrgUnitRepository } from './org-unit.repository';
import { OrgUnitResolver } from './org-unit.resolver';
import { OrgUnitService } from './org-unit.service';

@Module({
  imports: [TypeOrmModule.forFeature([OrgUnitEntity]), CodeItemModule],
  providers: [OrgUnitRepository, OrgUnitService, OrgUnitLoader, OrgUnitResolver],
  exports: [OrgUnitService, OrgUnitLoader, OrgUnitRepository],
})
export class OrgUnitModule {}
