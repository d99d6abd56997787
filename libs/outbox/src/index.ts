export * from './domain-event';
export * from './outbox-event.entity';
export * from './outbox.module';
export * from './outbox.repository';
export * from './outbox.service';
