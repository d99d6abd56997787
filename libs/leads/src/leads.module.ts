import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CodeItemModule } from '@zs/codes';
import { OrgUnitModule } from '@zs/org';
import { IdentityModule, RedisAvailability } from '@zs/identity';
import { OutboxModule } from '@zs/outbox';
import { LeadAssignmentEntity, LeadEntity, LeadHistoryEntity } from './lead.entity';
import { LeadRepository } from './lead.repository';
import { InvestorProbeLimiter } from './investor-probe-limiter';
import { LeadService } from './lead.service';
import { LeadBatchCreateService } from './lead-batch-create.service';
import { LeadBatchRepository } from './lead-batch.repository';
import { LeadInputValidator } from './lead-input.validator';
import { LeadLoader } from './lead.loader';
import { LeadConflictNoticeResolver, LeadHistoryResolver, LeadResolver } from './lead.resolver';
import { LeadConflictEntity, LeadConflictMemberEntity } from './conflicts/conflict.entity';
import { ConflictRepository } from './conflicts/conflict.repository';
import { ConflictService } from './conflicts/conflict.service';
import { ConflictResolver } from './conflicts/conflict.resolver';
import { ReferralEntity } from './referrals/referral.entity';
import { ReferralRepository } from './referrals/referral.repository';
import { ReferralService } from './referrals/referral.service';
import { ReferralResolver } from './referrals/referral.resolver';
import { LeadActivityEntity } from './activities/lead-activity.entity';
import { LeadActivityRepository } from './activities/lead-activity.repository';
import { LeadActivityService } from './activities/lead-activity.service';
import { LeadStatsRepository } from './stats/lead-stats.repository';
import { LeadStatsResolver } from './stats/lead-stats.resolver';

@Module({
  imports: [
    TypeOrmModule.forFeature([
      LeadEntity,
      LeadAssignmentEntity,
      LeadHistoryEntity,
      LeadConflictEntity,
      LeadConflictMemberEntity,
      ReferralEntity,
      LeadActivityEntity,
    ]),
    CodeItemModule,
    OrgUnitModule,
    IdentityModule,
    OutboxModule,
  ],
  providers: [
    LeadRepository,
    RedisAvailability,
    InvestorProbeLimiter,
    LeadService,
    LeadBatchCreateService,
    LeadBatchRepository,
    LeadInputValidator,
    LeadLoader,
    LeadResolver,
    LeadHistoryResolver,
    LeadConflictNoticeResolver,
    ConflictRepository,
    ConflictService,
    ConflictResolver,
    ReferralRepository,
    ReferralService,
    ReferralResolver,
    LeadActivityRepository,
    LeadActivityService,
    LeadStatsRepository,
    LeadStatsResolver,
  ],
  exports: [LeadService, LeadBatchCreateService, LeadRepository, LeadLoader, LeadStatsRepository, ReferralService],
})
export class LeadsModule {}
