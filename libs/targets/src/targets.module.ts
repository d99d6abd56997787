import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrgUnitModule } from '@zs/org';
import { OutboxModule } from '@zs/outbox';
import { LeadsModule } from '@zs/leads';
import { UnitTargetEntity, UnitTargetHistoryEntity } from './unit-target.entity';
import { UnitTargetRepository } from './unit-target.repository';
import { TargetsService } from './targets.service';
import { LeadWatchResolver, TargetProgressResolver, UnitTargetResolver, UnitTargetRevisionResolver } from './targets.resolver';

@Module({
  imports: [TypeOrmModule.forFeature([UnitTargetEntity, UnitTargetHistoryEntity]), OrgUnitModule, OutboxModule, LeadsModule],
  providers: [UnitTargetRepository, TargetsService, UnitTargetResolver, UnitTargetRevisionResolver, TargetProgressResolver, LeadWatchResolver],
  exports: [TargetsService],
})
export class TargetsModule {}
