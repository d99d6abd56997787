import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, loadConfig, type AppConfig } from '@zs/config';
import { DatabaseModule } from '@zs/database';
import { QueueModule, RedisModule } from '@zs/queue';
import { MetricsModule, OpsModule } from '@zs/ops';
import { OutboxWorkerModule } from '@zs/outbox';
import { searchWorkerParts } from '@zs/search';

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
        // With MEILI_URL: the search-index outbox consumer and the reconcile job.
        OutboxWorkerModule.forRoot(searchWorkerParts(config ?? loadConfig())),
      ],
    };
  }
}
