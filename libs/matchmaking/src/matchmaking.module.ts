import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrgUnitModule } from '@zs/org';
import { OutboxModule } from '@zs/outbox';
import { LeadsModule } from '@zs/leads';
import { MatchmakingEventEntity, MatchmakingEventLeadEntity } from './matchmaking-event.entity';
import { MatchmakingRepository } from './matchmaking.repository';
import { MatchmakingService } from './matchmaking.service';
import { LeadSignedAtEventResolver, MatchmakingResolver } from './matchmaking.resolver';

@Module({
  imports: [TypeOrmModule.forFeature([MatchmakingEventEntity, MatchmakingEventLeadEntity]), OrgUnitModule, OutboxModule, LeadsModule],
  providers: [MatchmakingRepository, MatchmakingService, MatchmakingResolver, LeadSignedAtEventResolver],
  exports: [MatchmakingService],
})
export class MatchmakingModule {}
