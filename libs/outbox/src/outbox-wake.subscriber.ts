import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { JOB_ID, JobName, type JobPayloads, QueueFactory, QueueName, wakeJobOptions } from '@zs/queue';

/** Set on a transaction's QueryRunner by OutboxRepository.append. */
export const OUTBOX_APPENDED = 'zsOutboxAppended';

/** Longest a wake-up may wait for Redis before it is given up (the sweep delivers anyway). */
const WAKE_TIMEOUT_MS = 2000;

export function markOutboxAppended(runner: QueryRunner | undefined): void {
  if (runner) runner.data[OUTBOX_APPENDED] = true;
}

/**
 * Wake on commit: after a transaction that appended outbox events commits, enqueue one deduplicated
 * relay wake-up, so consumers see the change within milliseconds instead of at the next sweep.
 * Works with every driver (pg and PGlite) because it hooks TypeORM's transaction events, not the
 * database. Never delays or fails the commit: the enqueue runs detached, at most one is in flight
 * (commits during it coalesce into one more), and while Redis is unreachable wake-ups are skipped:
 * the events are in PostgreSQL and the sweep relays them once Redis is back.
 */
@Injectable()
export class OutboxWakeSubscriber implements EntitySubscriberInterface {
  private readonly logger = new Logger(OutboxWakeSubscriber.name);
  private inFlight = false;
  private again = false;
  private lastWarned = 0;

  constructor(
    @InjectDataSource() db: DataSource,
    private readonly queues: QueueFactory,
  ) {
    db.subscribers.push(this);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    if (!event.queryRunner.data[OUTBOX_APPENDED]) return;
    delete event.queryRunner.data[OUTBOX_APPENDED];
    this.wake();
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    delete event.queryRunner.data[OUTBOX_APPENDED];
  }

  /** Enqueues a relay wake-up unless one is being enqueued right now (then one more after it). */
  wake(): void {
    if (this.inFlight) {
      this.again = true;
      return;
    }
    this.inFlight = true;
    void this.enqueue().finally(() => {
      this.inFlight = false;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  private async enqueue(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const queue = this.queues.queue(QueueName.Outbox);
      const add = (async () => {
        const client = await queue.getBackend().client;
        // Not connected: do not pile commands into the offline queue; the sweep covers this event.
        if (client.status !== 'ready') throw new Error(`Redis connection is ${client.status}`);
        await queue.add(
          JobName.OutboxRelay,
          { reason: 'commit' } satisfies JobPayloads[JobName.OutboxRelay],
          wakeJobOptions(JOB_ID.outboxWake),
        );
      })();
      await Promise.race([
        add,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${WAKE_TIMEOUT_MS} ms`)), WAKE_TIMEOUT_MS);
        }),
      ]);
    } catch (err) {
      const now = Date.now();
      if (now - this.lastWarned > 60_000) {
        this.lastWarned = now;
        this.logger.warn({
          msg: 'outbox wake-up not enqueued; the sweep will relay the events',
          error: err instanceof Error ? err.message : String(err),
        });
      }
    } finally {
      clearTimeout(timer);
    }
  }
}
