import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { OutboxRelayService } from '@zs/outbox';
import { cli, createTestDatabase, testRedisPrefix, type TestDatabase } from './support/harness';
import { type Handled, type OutboxContext, appendEvents, deliveries, outboxRows, recordingConsumer, startOutboxContext } from './support/outbox-context';

/** `npm run cli -- outbox:dead` and `outbox:replay`, in-process through the CLI's own code path. */
describe('outbox dead-letter CLI', () => {
  let db: TestDatabase;
  let ctx: OutboxContext;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await ctx?.close();
    await db.drop();
  });

  it('lists dead letters per consumer and replays one or all', async () => {
    const sink: Handled[] = [];
    const poison = new Set<string>();
    ctx = await startOutboxContext({
      databaseUrl: db.url,
      redisPrefix: testRedisPrefix(),
      consumers: [
        recordingConsumer('A', sink, async (event) => {
          if (poison.has(event.id)) throw new Error(`index unavailable for ${event.id}`);
        }),
      ],
      env: { OUTBOX_MAX_ATTEMPTS: '1' },
    });
    const service = ctx.app.get(OutboxRelayService);
    await appendEvents(ctx.app, [randomUUID(), randomUUID(), randomUUID()]);
    const [a, b, c] = (await outboxRows(ctx.app)).map((r) => r.id);
    poison.add(a);
    poison.add(b);
    expect(await service.relayPending()).toMatchObject({ failed: 2, dead: 2 });

    expect((await cli(ctx.config, 'outbox:dead', '--consumer', 'log')).out).toBe('No dead letters');
    const listed = await cli(ctx.config, 'outbox:dead');
    expect(listed.code).toBe(0);
    expect(listed.out).toContain('2 dead letter(s):');
    expect(listed.out).toMatch(new RegExp(`recording\\t#${a}\\tlead\\.updated`));
    expect(listed.out).toMatch(new RegExp(`recording\\t#${b}\\t`));
    expect(listed.out).not.toContain(`#${c}\t`);
    expect(listed.out).toContain(`after 1 attempt(s): index unavailable for ${a}`);

    expect((await cli(ctx.config, 'outbox:replay', '--id', 'abc')).code).toBe(2);
    expect((await cli(ctx.config, 'outbox:replay', '--id', '999999')).out).toBe('No dead letter with id 999999');

    poison.clear();
    const one = await cli(ctx.config, 'outbox:replay', '--id', a);
    expect(one.code).toBe(0);
    expect(one.out).toContain(`recording\t#${a}`);
    expect(one.out).not.toContain(`#${b}`);
    expect(await service.relayPending()).toMatchObject({ delivered: 1, failed: 0 });
    expect((await cli(ctx.config, 'outbox:dead')).out).toContain('1 dead letter(s):');

    const all = await cli(ctx.config, 'outbox:replay');
    expect(all.out).toContain(`recording\t#${b}`);
    expect(await service.relayPending()).toMatchObject({ delivered: 1, failed: 0 });
    expect((await cli(ctx.config, 'outbox:dead')).out).toBe('No dead letters');
    expect((await deliveries(ctx.app, 'recording')).every((d) => d.done)).toBe(true);
    expect((await outboxRows(ctx.app)).every((r) => r.published)).toBe(true);
    expect((await cli(ctx.config, 'outbox:replay')).out).toBe('No dead letters');
  });

  it('retires a consumer that no longer exists: its open deliveries close and the events are published', async () => {
    await appendEvents(ctx.app, [randomUUID()]);
    await ctx.app.get(OutboxRelayService).dispatchPending();
    await ctx.app.get(OutboxRelayService).deliverPending('log');
    const last = (await outboxRows(ctx.app)).at(-1)!;
    expect(last.published).toBe(false);
    expect((await cli(ctx.config, 'outbox:retire')).code).toBe(2);
    const retired = await cli(ctx.config, 'outbox:retire', '--consumer', 'recording');
    expect(retired.out).toBe('Retired outbox consumer recording; closed 1 open delivery');
    expect((await outboxRows(ctx.app)).at(-1)).toMatchObject({ id: last.id, published: true });
    expect(await ctx.app.get(DataSource).query(`SELECT name FROM outbox_consumer ORDER BY name`)).toEqual([{ name: 'log' }]);
  });
});
