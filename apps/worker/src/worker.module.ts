import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, loadConfig, type AppConfig } from '@zs/config';
import { DatabaseModule } from '@zs/database';
import { QueueModule, RedisModule } from '@zs/queue';
import { MetricsModule, OpsModule } from '@zs/ops';
import { OutboxWorkerModule, outboxParts } from '@zs/outbox';
import { WEBHOOK_OUTBOX } from '@zs/webhooks';
import { searchWorkerParts } from '@zs/search';
import { NOTIFICATION_OUTBOX } from '@zs/notifications';

/** The worker process: BullMQ processors, plus /health, /ready and /metrics on WORKER_PORT. */
@Module({})
export class WorkerModule {
  static forRoot(config?: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        RedisModule,
        QueueModule,
        MetricsModule,
        OpsModule,
        // Every outbox consumer: notifications, partner webhooks; with MEILI_URL the search-index consumer and its reconcile job.
        OutboxWorkerModule.forRoot(outboxParts(NOTIFICATION_OUTBOX, WEBHOOK_OUTBOX, searchWorkerParts(config ?? loadConfig()))),
      ],
    };
  }
}
