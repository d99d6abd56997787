import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, type AppConfig } from '@zs/config';
import { DatabaseModule } from '@zs/database';
import { QueueModule, RedisModule } from '@zs/queue';
import { MetricsModule, OpsModule } from '@zs/ops';
import { OutboxWorkerModule } from '@zs/outbox';
import { NotificationsConsumer, NotificationsWorkerModule } from '@zs/notifications';

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
        OutboxWorkerModule.forRoot({ consumers: [NotificationsConsumer], imports: [NotificationsWorkerModule] }),
      ],
    };
  }
}
