export * from './matchmaking.module';
export * from './matchmaking-event.entity';
export * from './matchmaking.model';
export * from './matchmaking.service';
