import type { INestApplication } from '@nestjs/common';
import { SMTPServer } from 'smtp-server';
import { NOTIFICATION_DIGEST_SCHEDULER, NotificationProcessor, addDays, dayIn } from '@zs/notifications';
import { QueueFactory, QueueName } from '@zs/queue';
import { seedXian, startTestApp, type TestApp } from './support/harness';
import { type Actor, createActors } from './support/actors';
import { ok } from './support/gql';
import { LeadWorld } from './support/lead-world';
import { OrgTree } from './support/org-tree';
import { waitFor } from './support/outbox-context';
import { freePort } from './support/private-redis-server';
import { withPg } from './support/pg';
import { notificationsSettled, startWorker } from './notify-support';

interface Mail {
  to: string[];
  data: string;
}

/** A local SMTP sink (smtp-server) that keeps every message it is given. */
async function smtpSink(): Promise<{ port: number; mails: Mail[]; close(): Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), data: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const TZ = 'Asia/Shanghai';

describe('daily digest (in-app and e-mail) and reminders', () => {
  let t: TestApp;
  let worker: INestApplication;
  let sink: Awaited<ReturnType<typeof smtpSink>>;
  let actors: Map<string, Actor>;
  let world: LeadWorld;
  const user = (n: string) => actors.get(n)!;

  beforeAll(async () => {
    sink = await smtpSink();
    t = await startTestApp();
    await seedXian(t.app);
    worker = await startWorker(t, { SMTP_URL: `smtp://127.0.0.1:${sink.port}`, REMINDER_LANDING_DAYS: '30', REMINDER_STALE_DAYS: '30' });
    actors = await createActors(t, [
      { name: 'dg-owner', unit: '610115-Z1', role: 'OFFICER' },
      { name: 'dg-viewer', unit: '610115-Z2', role: 'VIEWER' }, // digest by role default; FOOD is a leading industry of 610115-Z2
      { name: 'dg-mailed', unit: '610111-Z1', role: 'OFFICER' },
      { name: 'dg-quiet', unit: '610111-Z1', role: 'OFFICER' },
      { name: 'dg-d15', unit: '610115', role: 'MANAGER' },
    ]);
    ok(
      await t.gql(`mutation { updateNotificationPreferences(input: { digest: true, email: "mailed@example.gov.cn" }) { digest } }`, {}, user('dg-mailed').auth),
    );
    world = new LeadWorld(t, await OrgTree.load(t));
  }, 120_000);
  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await sink?.close();
  });

  const rows = (kind: string) =>
    withPg(t.db.url, async (c) =>
      (
        await c.query<{ username: string; channel: string; title: string; body: string }>(
          `SELECT u.username, n.channel, n.title, n.body FROM notification n JOIN app_user u ON u.id = n.user_id WHERE n.kind = $1 ORDER BY u.username, n.channel`,
          [kind],
        )
      ).rows,
    );

  it('keeps the digest schedule (cron 0 8 * * * in Asia/Shanghai)', async () => {
    const schedulers = await worker.get(QueueFactory).queue(QueueName.NotificationSchedules).getJobSchedulers();
    const digest = schedulers.find((s) => s.key === NOTIFICATION_DIGEST_SCHEDULER);
    expect(digest).toMatchObject({ pattern: '0 8 * * *', tz: TZ });
  });

  it('sends each digest user one digest of the day: in-app, by e-mail when asked, and again nothing', async () => {
    const food = await world.create(user('dg-owner'), 21, 'CITY', 'food', { industryCode: 'FOOD', title: '摘要食品项目' });
    await world.create(user('dg-owner'), 22, 'PRIVATE', 'private', { industryCode: 'FOOD', title: '摘要私有项目' });
    await notificationsSettled(t.db.url);
    // The digest of tomorrow covers today (the previous calendar day in the digest time zone).
    const day = addDays(dayIn(new Date(), TZ), 1);
    const processor = worker.get(NotificationProcessor);
    await processor.digestAll(day);
    await waitFor('the digests', async () => (await rows('DIGEST')).length >= 3, 15_000);
    await waitFor('the e-mail', () => sink.mails.length === 1, 15_000);
    const digests = await rows('DIGEST');
    expect(digests.map((r) => `${r.username}/${r.channel}`)).toEqual(['dg-mailed/EMAIL', 'dg-mailed/IN_APP', 'dg-viewer/IN_APP']);
    const viewer = digests.find((r) => r.username === 'dg-viewer')!;
    expect(viewer.body).toContain(food.code); // a new visible lead in the unit's industries
    expect(viewer.body).not.toContain('摘要私有项目'); // never a lead the user may not see
    expect(viewer.title).toContain('每日摘要');
    expect(sink.mails[0].to).toEqual(['mailed@example.gov.cn']);

    // A second run of the same day (a retry, another worker) adds nothing and sends nothing.
    await processor.digestAll(day);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await rows('DIGEST')).toHaveLength(3);
    expect(sink.mails).toHaveLength(1);
  });

  it('reminds the owner chain of a landing date coming up and the owner unit of a quiet lead, once each', async () => {
    const today = dayIn(new Date(), TZ);
    const soon = await world.create(user('dg-owner'), 23, 'PRIVATE', 'soon', { industryCode: 'FOOD', expectedLandingDate: addDays(today, 10) });
    const quiet = await world.create(user('dg-owner'), 24, 'PRIVATE', 'quiet', { industryCode: 'FOOD', expectedLandingDate: addDays(today, 300) });
    await withPg(t.db.url, (c) => c.query(`UPDATE lead SET updated_at = now() - interval '40 days' WHERE id = $1`, [quiet.id]));
    const processor = worker.get(NotificationProcessor);
    const first = await processor.reminders(today);
    const landing = await rows('REMINDER_LANDING');
    expect(landing.filter((r) => r.title.includes(soon.code)).map((r) => r.username)).toEqual(['dg-d15', 'dg-owner']);
    const stale = await rows('REMINDER_STALE');
    expect(stale.filter((r) => r.title.includes(quiet.code)).map((r) => r.username)).toEqual(['dg-owner']);
    expect(first.landing).toBeGreaterThanOrEqual(2);
    expect(await processor.reminders(today)).toEqual({ landing: 0, stale: 0 });
  });
});
