import { Inject, Injectable, Module, type MiddlewareConsumer, type NestMiddleware, type NestModule, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { NextFunction, Request, Response } from 'express';
import { Queue } from 'bullmq';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@zs/config';
import { Role } from '@zs/common';
import { AuthService, IdentityModule } from '@zs/identity';
import { QueueName, bullmqConnection, outboxConsumerQueue } from '@zs/queue';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';
const COOKIE = 'zs_queues';

function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/**
 * Bull Board at /admin/queues, for ADMINs only: the token comes as `Authorization: Bearer …`, or once
 * as `?token=…` (kept in an HttpOnly cookie for the dashboard's own requests). Anyone else gets 401/403
 * without a byte of the dashboard. Shows every platform queue and each outbox consumer's queue.
 */
@Injectable()
export class QueueDashboard implements NestMiddleware, OnModuleDestroy {
  private readonly adapter = new ExpressAdapter();
  private readonly queues: Queue[] = [];
  private ready: Promise<void> | undefined;

  constructor(
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
  ) {
    this.adapter.setBasePath(QUEUE_DASHBOARD_PATH);
  }

  /** Opened on first use, so an api that nobody asks for the dashboard keeps no extra Redis connections. */
  private setup(): Promise<void> {
    this.ready ??= (async () => {
      const consumers: { name: string }[] = await this.db.query(`SELECT name FROM outbox_consumer ORDER BY name`).catch(() => []);
      const names = [...Object.values(QueueName), ...consumers.map((c) => outboxConsumerQueue(c.name))];
      for (const name of names) {
        this.queues.push(new Queue(name, { connection: bullmqConnection(this.config), prefix: this.config.redisPrefix }));
      }
      createBullBoard({
        queues: this.queues.map((q) => new BullMQAdapter(q, { readOnlyMode: false })),
        // @bull-board/express pins its own copy of @bull-board/api (a patch version apart): same shape.
        serverAdapter: this.adapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
      });
    })();
    return this.ready;
  }

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    const query = typeof req.query.token === 'string' ? req.query.token : undefined;
    const token = req.headers.authorization?.replace(/^Bearer\s+/i, '') ?? query ?? cookie(req, COOKIE);
    const { actor } = token ? await this.auth.authenticate({ authorization: `Bearer ${token}` }) : { actor: null };
    if (!actor) {
      res.status(401).json({ errors: [{ message: 'Authentication required', extensions: { code: 'UNAUTHENTICATED' } }] });
      return;
    }
    if (actor.kind !== 'user' || actor.role !== Role.ADMIN) {
      res.status(403).json({ errors: [{ message: 'Not allowed', extensions: { code: 'FORBIDDEN' } }] });
      return;
    }
    if (query) res.cookie(COOKIE, query, { httpOnly: true, sameSite: 'strict', path: QUEUE_DASHBOARD_PATH });
    await this.setup();
    (this.adapter.getRouter() as (req: Request, res: Response, next: NextFunction) => void)(req, res, next);
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.allSettled(this.queues.map((q) => q.close()));
  }
}

@Module({ imports: [IdentityModule], providers: [QueueDashboard] })
export class QueueDashboardModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(QueueDashboard).forRoutes(QUEUE_DASHBOARD_PATH, `${QUEUE_DASHBOARD_PATH}/*path`);
  }
}
