import type { INestApplication } from '@nestjs/common';
import { loadConfig } from '@zs/config';
import { type TestApp, testRedisUrl } from './support/harness';
import { createWorkerApp } from '../apps/worker/src/bootstrap';
import { withPg } from './support/pg';
import { sleep } from './support/outbox-context';

/** The real worker (outbox relay, the notifications consumer, stage 2) on the test app's database and Redis prefix. */
export async function startWorker(t: TestApp, env: Record<string, string> = {}): Promise<INestApplication> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    DATABASE_URL: t.db.url,
    REDIS_URL: t.config.redisUrl ?? testRedisUrl(),
    REDIS_PREFIX: t.config.redisPrefix,
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
    OUTBOX_SWEEP_INTERVAL: '1s',
    ...env,
  });
  const w = await createWorkerApp(config);
  await w.init();
  return w;
}

/** Every committed event handled by the notifications consumer and every planned chunk delivered. */
export async function notificationsSettled(url: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const pending = await withPg(url, async (c) => {
      const r = await c.query<{ events: number; chunks: number }>(
        `SELECT (SELECT count(*)::int FROM outbox_event e WHERE NOT EXISTS (SELECT 1 FROM outbox_delivery d
                  WHERE d.event_id = e.id AND d.consumer = 'notifications' AND (d.done_at IS NOT NULL OR d.dead_at IS NOT NULL))) AS events,
                (SELECT count(*)::int FROM notification_fanout WHERE done_at IS NULL) AS chunks`,
      );
      return r.rows[0].events + r.rows[0].chunks;
    });
    if (pending === 0) return;
    await sleep(100);
  }
  throw new Error('notifications did not settle');
}

export interface Inbox {
  userId: string;
  username: string;
  kind: string;
  leadId: string | null;
  eventId: string;
  title: string;
  body: string;
}

/** The newest outbox position: notifications of a step are those of the events after it. */
export async function outboxMark(url: string): Promise<string> {
  return withPg(url, async (c) => (await c.query<{ id: string }>(`SELECT COALESCE(max(id), 0)::text AS id FROM outbox_event`)).rows[0].id);
}

/** In-app notifications of the events committed after `mark`. */
export async function notificationRows(url: string, mark = '0'): Promise<Inbox[]> {
  return withPg(url, async (c) =>
    (
      await c.query<Inbox>(
        `SELECT n.user_id AS "userId", u.username, n.kind, n.lead_id AS "leadId", n.event_id AS "eventId", n.title, n.body
           FROM notification n JOIN app_user u ON u.id = n.user_id
          WHERE n.channel = 'IN_APP' AND n.event_id IN (SELECT event_id FROM outbox_event WHERE id > $1::bigint)
          ORDER BY n.created_at, u.username`,
        [mark],
      )
    ).rows,
  );
}
