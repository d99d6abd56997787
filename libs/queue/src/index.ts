export * from './queues';
export * from './redis';
export * from './redis.module';
export * from './queue.module';
