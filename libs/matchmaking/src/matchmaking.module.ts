import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CodeItemModule } from '@zs/codes';
import { OrgUnitModule } from '@zs/org';
import { OutboxModule } from '@zs/outbox';
import { LeadsModule } from '@zs/leads';
import { MatchmakingEventEntity, MatchmakingEventLeadEntity } from './matchmaking-event.entity';
import { MatchmakingRepository } from './matchmaking.repository';
import { MatchmakingService } from './matchmaking.service';
import { LeadSignedAtEventResolver, MatchmakingResolver } from './matchmaking.resolver';
import { EventNeedOfferEntity } from './needs-offers/event-need-offer.entity';
import { EventNeedOfferRepository } from './needs-offers/event-need-offer.repository';
import { EventNeedOfferService } from './needs-offers/event-need-offer.service';
import { EventNeedOfferResolver, EventNeedsOffersFieldResolver } from './needs-offers/event-need-offer.resolver';

@Module({
  imports: [
    TypeOrmModule.forFeature([MatchmakingEventEntity, MatchmakingEventLeadEntity, EventNeedOfferEntity]),
    CodeItemModule,
    OrgUnitModule,
    OutboxModule,
    LeadsModule,
  ],
  providers: [
    MatchmakingRepository,
    MatchmakingService,
    MatchmakingResolver,
    LeadSignedAtEventResolver,
    EventNeedOfferRepository,
    EventNeedOfferService,
    EventNeedOfferResolver,
    EventNeedsOffersFieldResolver,
  ],
  exports: [MatchmakingService],
})
export class MatchmakingModule {}
