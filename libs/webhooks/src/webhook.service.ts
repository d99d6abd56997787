import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  type Actor,
  AccessDeniedException,
  type Connection,
  EntityNotFoundException,
  FieldErrors,
  Role,
  StateConflictException,
  isUuid,
  keysetConnection,
  keysetCursor,
  pageSize,
} from '@zs/common';
import { APP_CONFIG, type AppConfig } from '@zs/config';
import { WebhookDeliveryStatus } from './webhook.entity';
import { WebhookEventType } from './webhook-event-type';
import { WebhookJobs } from './webhook-jobs';
import type { CreateWebhookPayloadModel, WebhookDeliveryModel, WebhookModel } from './webhook.model';
import { type DeliveryRow, type WebhookReach, type WebhookRow, WebhookRepository } from './webhook.repository';
import { newWebhookSecret } from './webhook-signature';
import { TargetRefusedError, resolveTarget, urlProblem } from './webhook-target';

/** Webhooks one API client may have. */
export const MAX_WEBHOOKS_PER_CLIENT = 10;

function toModel(row: WebhookRow): WebhookModel & { sortKey?: string } {
  return { ...row, events: row.events as WebhookEventType[] };
}

function toDeliveryModel(row: DeliveryRow): WebhookDeliveryModel & { sortKey?: string } {
  return { ...row, eventType: row.eventType as WebhookEventType };
}

/**
 * Managing partner webhooks: an API client manages its own; an ADMIN those of the API clients of
 * their subtree (naming the client on creation). Anybody else is refused; a webhook or delivery out
 * of reach is reported exactly like a missing one.
 */
@Injectable()
export class WebhookService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly webhooks: WebhookRepository,
    private readonly jobs: WebhookJobs,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private reachOf(actor: Actor): WebhookReach {
    if (actor.kind === 'apiClient') return { apiClientId: actor.id };
    if (actor.role === Role.ADMIN) return { unitPathPrefix: actor.unitPath };
    throw new AccessDeniedException('Only API clients and administrators manage webhooks');
  }

  async create(
    actor: Actor,
    args: { url: string; events: WebhookEventType[]; apiClientId?: string | null },
  ): Promise<CreateWebhookPayloadModel> {
    const reach = this.reachOf(actor);
    const errors = new FieldErrors();
    const url = args.url.trim();
    const problem = urlProblem(url);
    if (problem) errors.add('url', problem);
    const known = Object.values(WebhookEventType) as string[];
    const events = [...new Set(args.events)];
    if (events.length === 0) errors.add('events', 'give at least one event type');
    if (events.some((e) => !known.includes(e))) errors.add('events', 'unknown event type');
    const given = args.apiClientId ?? null;
    if (actor.kind === 'apiClient' && given !== null && given !== actor.id) errors.add('apiClientId', 'no such API client');
    if (actor.kind === 'user' && given === null) errors.add('apiClientId', 'give the API client the webhook is for');
    if (given !== null && !isUuid(given)) errors.add('apiClientId', 'no such API client');
    if (!problem) {
      try {
        await resolveTarget(url, this.config.webhooks.allowedHosts);
      } catch (err) {
        if (!(err instanceof TargetRefusedError)) throw err;
        errors.add('url', err.message);
      }
    }
    errors.throwIfAny();

    return this.db.transaction(async (tx) => {
      const clientId = actor.kind === 'apiClient' ? actor.id : given!;
      const prefix = 'unitPathPrefix' in reach ? reach.unitPathPrefix : null;
      if (!(await this.webhooks.lockClient(clientId, prefix, tx))) {
        errors.add('apiClientId', 'no such API client');
        errors.throwIfAny();
      }
      if ((await this.webhooks.countForClient(clientId, tx)) >= MAX_WEBHOOKS_PER_CLIENT) {
        throw new StateConflictException(`An API client has at most ${MAX_WEBHOOKS_PER_CLIENT} webhooks`);
      }
      const secret = newWebhookSecret();
      const row = await this.webhooks.insert({ apiClientId: clientId, url, events, secret }, tx);
      return { secret, webhook: toModel(row) };
    });
  }

  async page(
    actor: Actor,
    args: { apiClientId?: string | null; first?: number | null; after?: string | null },
  ): Promise<Connection<WebhookModel>> {
    const reach = this.reachOf(actor);
    const limit = pageSize(args.first);
    const after = keysetCursor(args.after);
    const apiClientId = args.apiClientId ?? undefined;
    if (apiClientId !== undefined && !isUuid(apiClientId)) return keysetConnection({ rows: [], total: 0 }, limit, after);
    const result = await this.webhooks.pageInReach({ reach, apiClientId, after, limit });
    return keysetConnection({ rows: result.rows.map(toModel), total: result.total }, limit, after);
  }

  /** Deletes the webhook and its deliveries; attempts already running find nothing to record. */
  async delete(actor: Actor, id: string): Promise<boolean> {
    const reach = this.reachOf(actor);
    const deleted = isUuid(id) ? await this.webhooks.deleteInReach(id, reach) : null;
    if (!deleted) throw new EntityNotFoundException('Webhook');
    return true;
  }

  async deliveries(
    actor: Actor,
    args: { webhookId: string; status?: WebhookDeliveryStatus | null; first?: number | null; after?: string | null },
  ): Promise<Connection<WebhookDeliveryModel>> {
    const reach = this.reachOf(actor);
    const limit = pageSize(args.first);
    const after = keysetCursor(args.after);
    const webhook = isUuid(args.webhookId) ? await this.webhooks.findInReach(args.webhookId, reach) : null;
    if (!webhook) throw new EntityNotFoundException('Webhook');
    const result = await this.webhooks.deliveriesPage({ webhookId: webhook.id, status: args.status ?? null, after, limit });
    return keysetConnection({ rows: result.rows.map(toDeliveryModel), total: result.total }, limit, after);
  }

  /**
   * Sends the delivery again with a fresh set of attempts (the same body and event id), whatever its
   * status; visibility and the SSRF rule are checked again at the attempt.
   */
  async redeliver(actor: Actor, deliveryId: string): Promise<WebhookDeliveryModel> {
    const reach = this.reachOf(actor);
    const dueAt = new Date();
    const row = isUuid(deliveryId) ? await this.webhooks.redeliverInReach(deliveryId, reach, dueAt) : null;
    if (!row) throw new EntityNotFoundException('Webhook delivery');
    // Not enqueued (Redis down): the row is due, and the worker's sweep enqueues it.
    await this.jobs.enqueue([{ id: row.id, dueAt }]);
    return toDeliveryModel(row);
  }
}

