import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QueueModule } from '@zs/queue';
import { OutboxEventEntity } from './outbox-event.entity';
import { OutboxRelayRepository } from './outbox-relay.repository';
import { OutboxRepository } from './outbox.repository';
import { OutboxService } from './outbox.service';
import { OutboxWakeSubscriber } from './outbox-wake.subscriber';

/**
 * Recording domain events (OutboxService), waking the relay when they commit, and the outbox's
 * operator reads (dead letters, lag). QueueModule is global; importing it here gives the api the
 * queue factory the wake-up needs.
 */
@Module({
  imports: [TypeOrmModule.forFeature([OutboxEventEntity]), QueueModule],
  providers: [OutboxRepository, OutboxService, OutboxWakeSubscriber, OutboxRelayRepository],
  exports: [OutboxService, OutboxRepository, OutboxRelayRepository],
})
export class OutboxModule {}
