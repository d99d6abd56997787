import { Module, type DynamicModule, type ModuleMetadata, type Provider, type Type } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OpsModule } from '@zs/ops';
import { OUTBOX_CONSUMERS, type OutboxConsumer } from './outbox-consumer';
import { OutboxEventEntity } from './outbox-event.entity';
import { OutboxLogConsumer } from './outbox-log.consumer';
import { OutboxRelayProcessor } from './outbox-relay.processor';
import { OutboxRelayService } from './outbox-relay.service';
import { OutboxModule } from './outbox.module';

export interface OutboxWorkerOptions {
  /** Consumers besides the built-in log/metrics consumer; each runs on its own queue and progress. */
  consumers?: Type<OutboxConsumer>[];
  /** Modules those consumers need. */
  imports?: ModuleMetadata['imports'];
  /**
   * Start the BullMQ workers and repeatable jobs (default). Off leaves only OutboxRelayService,
   * for tools and tests that drive the relay themselves.
   */
  processors?: boolean;
}

/**
 * The outbox relay and its BullMQ processors. apps/worker composes it, and so does the zero-setup
 * starter (api and worker in one process). Needs the host's ConfigModule, DatabaseModule,
 * QueueModule and MetricsModule.
 */
@Module({})
export class OutboxWorkerModule {
  static forRoot(options: OutboxWorkerOptions = {}): DynamicModule {
    const consumers: Type<OutboxConsumer>[] = [OutboxLogConsumer, ...(options.consumers ?? [])];
    const collect: Provider = {
      provide: OUTBOX_CONSUMERS,
      inject: consumers,
      useFactory: (...instances: OutboxConsumer[]) => instances,
    };
    return {
      module: OutboxWorkerModule,
      imports: [
        TypeOrmModule.forFeature([OutboxEventEntity]),
        OutboxModule,
        // The processors add the relay's readiness check to /ready.
        ...(options.processors === false ? [] : [OpsModule]),
        ...(options.imports ?? []),
      ],
      providers: [
        ...consumers,
        collect,
        OutboxRelayService,
        ...(options.processors === false ? [] : [OutboxRelayProcessor]),
      ],
      exports: [OutboxRelayService, OutboxModule, OUTBOX_CONSUMERS],
    };
  }
}

/** The consumers and modules of several features, for one OutboxWorkerModule.forRoot. */
export function outboxParts(
  ...parts: { consumers?: readonly Type<OutboxConsumer>[]; imports?: ModuleMetadata['imports'] }[]
): OutboxWorkerOptions {
  return {
    consumers: parts.flatMap((p) => [...(p.consumers ?? [])]),
    imports: parts.flatMap((p) => [...(p.imports ?? [])]),
  };
}
