'use strict';
/**
 * The writer of bench/notifications.js, in its own process (forked by it), so that its commits do not
 * share an event loop with the pipeline being measured. It records events the way domain code does —
 * OutboxService.record in the caller's transaction, one INSERT per event, and the relay woken once the
 * transaction commits (OutboxWakeSubscriber) — in a Nest context with the api's database, Redis and
 * outbox modules (no relay, no consumers).
 *
 * Messages from the parent: { cmd: 'share', leads: [{ id, scope }], perTx, pauseMs, bulk } → records one
 * `lead.shared` event per lead, perTx per transaction (with `bulk` in one statement per transaction,
 * OutboxService.recordMany, else one INSERT per event), pauseMs between transactions, and answers
 * { done: true, startedAt, finishedAt, commits: [[eventId, committedAtMs], …] } (the commit's return, per transaction's
 * last event when perTx = 1); { cmd: 'exit' }.
 */
const path = require('node:path');

const DIST = path.join(__dirname, '..', 'dist');
const d = (rel) => require(path.join(DIST, rel));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const { Module } = require('@nestjs/common');
  const { NestFactory } = require('@nestjs/core');
  const { DataSource } = require('typeorm');
  const { ConfigModule, loadConfig } = d('libs/config/src');
  const { DatabaseModule } = d('libs/database/src');
  const { QueueModule, RedisModule } = d('libs/queue/src');
  const { MetricsModule } = d('libs/ops/src');
  const { OutboxModule, OutboxService, DomainEventType } = d('libs/outbox/src');
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    DATABASE_URL: process.env.WRITER_DATABASE_URL,
    REDIS_URL: process.env.WRITER_REDIS_URL,
    REDIS_PREFIX: process.env.WRITER_REDIS_PREFIX,
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-01',
  });
  class WriterModule {}
  Module({ imports: [ConfigModule.forRoot(config), DatabaseModule, RedisModule, QueueModule, MetricsModule, OutboxModule] })(WriterModule);
  const app = await NestFactory.createApplicationContext(WriterModule, { logger: false });
  const db = app.get(DataSource);
  const outbox = app.get(OutboxService);

  process.on('message', async (msg) => {
    if (msg.cmd === 'exit') {
      await app.close();
      process.exit(0);
    }
    if (msg.cmd !== 'share') return;
    const commits = [];
    const startedAt = Date.now();
    for (let i = 0; i < msg.leads.length; i += msg.perTx) {
      let last;
      await db.transaction(async (tx) => {
        const slice = msg.leads.slice(i, i + msg.perTx);
        if (msg.bulk) {
          await outbox.recordMany(tx, 'system', slice.map((lead) => ({ type: DomainEventType.LeadShared, leadId: lead.id, payload: { from: 'PRIVATE', to: lead.scope } })));
        } else {
          for (const lead of slice) {
            await outbox.record(tx, 'system', DomainEventType.LeadShared, lead.id, { from: 'PRIVATE', to: lead.scope });
          }
        }
        if (msg.perTx === 1) last = (await tx.query(`SELECT event_id FROM outbox_event ORDER BY id DESC LIMIT 1`))[0].event_id;
      });
      if (last) commits.push([last, Date.now()]);
      if (msg.pauseMs) await sleep(msg.pauseMs);
    }
    process.send({ done: true, startedAt, finishedAt: Date.now(), commits });
  });
  process.send({ ready: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
