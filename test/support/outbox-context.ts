import { Injectable, Module, type INestApplicationContext, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { ConfigModule, loadConfig, type AppConfig } from '@zs/config';
import { DatabaseModule } from '@zs/database';
import { QueueModule, RedisModule } from '@zs/queue';
import { MetricsModule } from '@zs/ops';
import {
  DomainEventType,
  OutboxModule,
  OutboxService,
  OutboxWorkerModule,
  type OutboxConsumer,
  type OutboxDelivery,
  type OutboxEvent,
} from '@zs/outbox';
import { testRedisUrl } from '@zs/testing';

@Module({})
class OutboxTestModule {}

export interface OutboxContext {
  app: INestApplicationContext;
  config: AppConfig;
  close(): Promise<void>;
}

/** A worker-like application context (no HTTP) on the given database and Redis prefix. */
export async function startOutboxContext(opts: {
  databaseUrl: string;
  redisPrefix: string;
  consumers: Type<OutboxConsumer>[];
  processors?: boolean;
  env?: Record<string, string>;
}): Promise<OutboxContext> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    DATABASE_URL: opts.databaseUrl,
    REDIS_URL: testRedisUrl(),
    REDIS_PREFIX: opts.redisPrefix,
    ...opts.env,
  });
  const app = await NestFactory.createApplicationContext(
    {
      module: OutboxTestModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        RedisModule,
        QueueModule,
        MetricsModule,
        OutboxModule,
        OutboxWorkerModule.forRoot({ consumers: opts.consumers, processors: opts.processors ?? false }),
      ],
    },
    { logger: false },
  );
  return { app, config, close: () => app.close() };
}

export interface Handled {
  app: string;
  id: string;
  eventId: string;
  leadId: string | null;
}

/** A consumer class that records every delivery into `sink`, optionally slowly. */
export function recordingConsumer(
  app: string,
  sink: Handled[],
  behaviour: (event: OutboxEvent, delivery: OutboxDelivery) => Promise<void> = async () => undefined,
  name = 'recording',
): Type<OutboxConsumer> {
  @Injectable()
  class RecordingConsumer implements OutboxConsumer {
    readonly name = name;
    async handle(event: OutboxEvent, delivery: OutboxDelivery): Promise<void> {
      sink.push({ app, id: event.id, eventId: event.eventId, leadId: event.leadId });
      await behaviour(event, delivery);
    }
  }
  return RecordingConsumer;
}

/** Appends events the way domain code does: inside a transaction of the caller. */
export async function appendEvents(
  app: INestApplicationContext,
  leads: (string | null)[],
  opts: { rollback?: boolean } = {},
): Promise<void> {
  const outbox = app.get(OutboxService);
  await app
    .get(DataSource)
    .transaction(async (tx) => {
      for (const [i, leadId] of leads.entries()) {
        await outbox.record(tx, 'system', DomainEventType.LeadUpdated, leadId, { seq: i });
      }
      if (opts.rollback) throw new Error('rolled back on purpose');
    })
    .catch((err: Error) => {
      if (!opts.rollback) throw err;
    });
}

export async function outboxRows(app: INestApplicationContext): Promise<{ id: string; eventId: string; published: boolean }[]> {
  return app
    .get(DataSource)
    .query(`SELECT id::text AS id, event_id AS "eventId", published_at IS NOT NULL AS published FROM outbox_event ORDER BY outbox_event.id`);
}

/** The delivery rows of one consumer, by outbox id. */
export async function deliveries(
  app: INestApplicationContext,
  consumer: string,
): Promise<{ id: string; attempts: number; done: boolean; dead: boolean; lastError: string | null }[]> {
  return app.get(DataSource).query(
    `SELECT event_id::text AS id, attempts, done_at IS NOT NULL AS done, dead_at IS NOT NULL AS dead, last_error AS "lastError"
       FROM outbox_delivery WHERE consumer = $1 ORDER BY event_id`,
    [consumer],
  );
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}
