import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { seedXian, startTestApp, type TestApp } from './support/harness';
import { createActors, type Actor } from './support/actors';
import { LeadWorld } from './support/lead-world';
import { OrgTree } from './support/org-tree';
import { sleep, waitFor } from './support/outbox-context';
import { freePort } from './support/private-redis-server';
import { withPg } from './support/pg';
import { notificationRows, notificationsSettled } from './notify-support';

const ROOT = path.join(__dirname, '..');
const RECIPIENTS = 300;
const EVENTS = 40;

/** The built worker (`npm run start:worker`) as a process of its own, so it can be SIGKILLed. */
async function spawnWorker(t: TestApp): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/apps/worker/src/main.js')], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
      DATABASE_URL: t.db.url,
      REDIS_URL: t.config.redisUrl!,
      REDIS_PREFIX: t.config.redisPrefix,
      JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
      OUTBOX_SWEEP_INTERVAL: '1s',
      WORKER_PORT: String(await freePort()),
    },
    stdio: 'ignore',
  });
  return child;
}

describe('the worker SIGKILLed in the middle of a fan-out to hundreds of recipients', () => {
  let t: TestApp;
  let actors: Map<string, Actor>;
  let worker: ChildProcess | undefined;

  beforeAll(async () => {
    // The worker runs the built code: build it when a source changed.
    const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build-if-stale.js')], { cwd: ROOT, stdio: 'ignore' });
    if (build.status !== 0) throw new Error('build failed');
    t = await startTestApp();
    await seedXian(t.app);
    actors = await createActors(t, [{ name: 'crash-owner', unit: '610115-Z1', role: 'OFFICER' }]);
    // Recipients straight into the table: they never log in (no password hashing for 300 users).
    await withPg(t.db.url, (c) =>
      c.query(
        `INSERT INTO app_user (username, username_canonical, display_name, password_hash, unit_id, role)
         SELECT 'crash-' || i, 'crash-' || i, '收件人' || i, 'x', (SELECT id FROM org_unit WHERE code = '610115-Z2'), 'OFFICER'
           FROM generate_series(1, $1) AS i`,
        [RECIPIENTS],
      ),
    );
  }, 240_000);
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await t?.close();
  });

  it('every recipient has exactly one notification per event after a restart', async () => {
    const world = new LeadWorld(t, await OrgTree.load(t));
    const leads = [];
    for (let i = 0; i < EVENTS; i++) leads.push(await world.create(actors.get('crash-owner')!, 60 + i, 'DISTRICT', `crash${i}`));
    const total = EVENTS * RECIPIENTS;

    worker = await spawnWorker(t);
    const count = () => withPg(t.db.url, async (c) => (await c.query(`SELECT count(*)::int AS n FROM notification`)).rows[0].n as number);
    await waitFor('the fan-out to start', async () => (await count()) > 0, 60_000);
    const exited = new Promise((r) => worker!.once('exit', r));
    worker.kill('SIGKILL');
    await exited;
    const atKill = await count();
    expect(atKill).toBeLessThan(total); // killed in the middle, not after

    await sleep(500);
    worker = await spawnWorker(t);
    await waitFor('every notification', async () => (await count()) >= total, 120_000);
    await notificationsSettled(t.db.url);
    const rows = await notificationRows(t.db.url);
    expect(rows).toHaveLength(total);
    const keys = new Set(rows.map((r) => `${r.eventId}/${r.userId}`));
    expect(keys.size).toBe(total);
    for (const l of leads) expect(rows.filter((r) => r.leadId === l.id)).toHaveLength(RECIPIENTS);
  }, 240_000);
});
