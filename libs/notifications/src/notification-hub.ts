import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '@zs/config';
import { REDIS_CLIENT, createRedis, redisKey } from '@zs/queue';

/** What travels over Redis pub/sub: ids only; each api instance reloads for its own subscribers. */
export type HubMessage = { type: 'added'; userId: string; notificationId: string } | { type: 'count'; userId: string };

type Listener = (m: HubMessage) => void;

/**
 * Live delivery across api instances: whoever inserts notifications (the worker) or marks them read
 * publishes on one Redis channel; every api instance relays the messages to the subscriptions of its
 * own sockets. Pub/sub is fire-and-forget: a message missed while Redis is away is still in the
 * inbox, and the count is read from PostgreSQL on every change.
 */
@Injectable()
export class NotificationHub implements OnApplicationShutdown {
  private readonly logger = new Logger(NotificationHub.name);
  private readonly channel: string;
  private subscriber: Redis | undefined;
  private subscribing: Promise<void> | undefined;
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {
    this.channel = redisKey(config, 'notifications', 'live');
  }

  /** Best effort: the inbox row is committed already; a lost message only delays the live view. */
  async publish(messages: HubMessage[]): Promise<void> {
    if (messages.length === 0) return;
    try {
      const pipeline = this.redis.pipeline();
      for (const m of messages) pipeline.publish(this.channel, JSON.stringify(m));
      await pipeline.exec();
    } catch (err) {
      this.logger.warn({ msg: 'live notification not published (Redis unavailable?)', error: err instanceof Error ? err.message : String(err) });
    }
  }

  /** Listens for one user's messages on this instance; returns the function that stops listening. */
  async listen(userId: string, listener: Listener): Promise<() => void> {
    await this.ensureSubscribed();
    let set = this.listeners.get(userId);
    if (!set) this.listeners.set(userId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(userId);
    };
  }

  /** Local subscriptions (for tests and metrics). */
  get listenerCount(): number {
    let n = 0;
    for (const s of this.listeners.values()) n += s.size;
    return n;
  }

  private ensureSubscribed(): Promise<void> {
    this.subscribing ??= (async () => {
      // A connection in subscriber mode can do nothing else: one of its own, opened on first use.
      const sub = createRedis(this.config);
      this.subscriber = sub;
      sub.on('error', () => undefined); // ioredis reconnects and re-subscribes by itself
      sub.on('message', (channel: string, raw: string) => {
        if (channel !== this.channel) return;
        let m: HubMessage;
        try {
          m = JSON.parse(raw) as HubMessage;
        } catch {
          return;
        }
        for (const l of this.listeners.get(m.userId) ?? []) l(m);
      });
      await sub.subscribe(this.channel);
    })().catch((err: unknown) => {
      this.subscribing = undefined;
      throw err;
    });
    return this.subscribing;
  }

  async onApplicationShutdown(): Promise<void> {
    const sub = this.subscriber;
    this.subscriber = undefined;
    this.listeners.clear();
    if (sub) await sub.quit().catch(() => sub.disconnect());
  }
}
