export * from './matchmaking.module';
export * from './matchmaking-event.entity';
export * from './matchmaking.model';
export * from './matchmaking.service';
export * from './needs-offers/event-need-offer.entity';
export * from './needs-offers/event-need-offer.model';
