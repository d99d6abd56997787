import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { ApiScope, Tier } from '@zs/common';
import type { WebhookBody, WebhookDeliveryStatus } from './webhook.entity';

/** Whose webhooks a caller manages: one API client's own, or those of the clients under an ADMIN's unit. */
export type WebhookReach = { apiClientId: string } | { unitPathPrefix: string };

export interface WebhookRow {
  id: string;
  apiClientId: string;
  url: string;
  events: string[];
  active: boolean;
  createdAt: Date;
  sortKey?: string;
}

/** An active webhook with its API client as a visibility actor. */
export interface Subscriber {
  webhookId: string;
  clientId: string;
  clientName: string;
  scopes: ApiScope[];
  rateLimitPerMinute: number;
  unitId: string;
  unitPath: string;
  unitTier: Tier;
}

export interface DeliveryRow {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  leadId: string | null;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  sortKey?: string;
}

/** A delivery claimed for an attempt, with what the attempt needs. */
export interface ClaimedDelivery extends Subscriber {
  id: string;
  eventId: string;
  eventType: string;
  leadId: string | null;
  attempts: number;
  payload: WebhookBody;
  url: string;
  secret: string;
  /** Webhook active, client not revoked, its unit active. */
  deliverable: boolean;
}

const WEBHOOK_COLUMNS = `w.id, w.api_client_id AS "apiClientId", w.url, w.events, w.active, w.created_at AS "createdAt"`;
const DELIVERY_COLUMNS = `d.id, d.webhook_id AS "webhookId", d.event_id AS "eventId", d.event_type AS "eventType",
  d.lead_id AS "leadId", d.status, d.attempts,
  CASE WHEN d.status IN ('PENDING', 'FAILED') THEN d.next_attempt_at END AS "nextAttemptAt",
  d.last_status_code AS "lastStatusCode", d.last_error AS "lastError", d.delivered_at AS "deliveredAt",
  d.created_at AS "createdAt", d.updated_at AS "updatedAt"`;

/** Parameters appended as $n in order. */
class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

function reachSql(reach: WebhookReach, p: Params, w = 'w'): string {
  if ('apiClientId' in reach) return `${w}.api_client_id = ${p.add(reach.apiClientId)}::uuid`;
  return `EXISTS (SELECT 1 FROM api_client rc JOIN org_unit ro ON ro.id = rc.unit_id
    WHERE rc.id = ${w}.api_client_id AND ro.path LIKE ${p.add(`${reach.unitPathPrefix}%`)}::text)`;
}

/** Wrapped in a SELECT so every driver (pg, PGlite) returns plain rows for writes. */
@Injectable()
export class WebhookRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Locks the API client (not revoked; under `unitPathPrefix` when given) until the transaction ends,
   * so concurrent creations for one client count each other; null when missing or out of reach.
   */
  async lockClient(clientId: string, unitPathPrefix: string | null, tx: EntityManager): Promise<{ id: string } | null> {
    const rows: { id: string }[] = await tx.query(
      `SELECT c.id FROM api_client c JOIN org_unit o ON o.id = c.unit_id
        WHERE c.id = $1 AND c.revoked_at IS NULL AND o.path LIKE $2 FOR UPDATE OF c`,
      [clientId, `${unitPathPrefix ?? ''}%`],
    );
    return rows[0] ?? null;
  }

  async countForClient(clientId: string, tx: EntityManager): Promise<number> {
    const [row] = (await tx.query(`SELECT count(*)::int AS n FROM webhook WHERE api_client_id = $1`, [clientId])) as { n: number }[];
    return row.n;
  }

  async insert(
    row: { apiClientId: string; url: string; events: string[]; secret: string },
    tx: EntityManager,
  ): Promise<WebhookRow> {
    const rows: WebhookRow[] = await tx.query(
      `WITH w AS (INSERT INTO webhook (api_client_id, url, events, secret) VALUES ($1, $2, $3::text[], $4) RETURNING *)
       SELECT ${WEBHOOK_COLUMNS} FROM w`,
      [row.apiClientId, row.url, row.events, row.secret],
    );
    return rows[0];
  }

  async findInReach(id: string, reach: WebhookReach): Promise<WebhookRow | null> {
    const p = new Params();
    const rows: WebhookRow[] = await this.db.query(
      `SELECT ${WEBHOOK_COLUMNS} FROM webhook w WHERE w.id = ${p.add(id)}::uuid AND ${reachSql(reach, p)}`,
      p.values,
    );
    return rows[0] ?? null;
  }

  /** One page by creation time; `limit + 1` rows. */
  async pageInReach(opts: {
    reach: WebhookReach;
    apiClientId?: string;
    after: [string, string] | null;
    limit: number;
  }): Promise<{ rows: WebhookRow[]; total: number }> {
    const p = new Params();
    const where = [reachSql(opts.reach, p)];
    if (opts.apiClientId) where.push(`w.api_client_id = ${p.add(opts.apiClientId)}::uuid`);
    const filter = where.join(' AND ');
    const countParams = [...p.values];
    let keyset = '';
    if (opts.after) keyset = ` AND (w.created_at, w.id) > (${p.add(opts.after[0])}::timestamptz, ${p.add(opts.after[1])}::uuid)`;
    const rows: WebhookRow[] = await this.db.query(
      `SELECT ${WEBHOOK_COLUMNS}, w.created_at::text AS "sortKey" FROM webhook w
        WHERE ${filter}${keyset} ORDER BY w.created_at, w.id LIMIT ${p.add(opts.limit + 1)}`,
      p.values,
    );
    const [count] = (await this.db.query(`SELECT count(*)::int AS n FROM webhook w WHERE ${filter}`, countParams)) as { n: number }[];
    return { rows, total: count.n };
  }

  /** Deletes the webhook and its deliveries; the deleted row, or null when missing or out of reach. */
  async deleteInReach(id: string, reach: WebhookReach): Promise<WebhookRow | null> {
    const p = new Params();
    const rows: WebhookRow[] = await this.db.query(
      `WITH w AS (DELETE FROM webhook w WHERE w.id = ${p.add(id)}::uuid AND ${reachSql(reach, p)} RETURNING *)
       SELECT ${WEBHOOK_COLUMNS} FROM w`,
      p.values,
    );
    return rows[0] ?? null;
  }

  /**
   * Active webhooks subscribed to any of the types whose client is not revoked, with the client as
   * actor and the types (of those asked for) each one is subscribed to.
   */
  subscribers(eventTypes: readonly string[], manager: EntityManager): Promise<(Subscriber & { events: string[] })[]> {
    if (eventTypes.length === 0) return Promise.resolve([]);
    return manager.query(
      `SELECT w.id AS "webhookId", c.id AS "clientId", c.name AS "clientName", c.scopes,
              c.rate_limit_per_minute AS "rateLimitPerMinute", c.unit_id AS "unitId", o.path AS "unitPath", o.tier AS "unitTier",
              ARRAY(SELECT t FROM unnest(w.events) AS t WHERE t = ANY($1::text[])) AS events
         FROM webhook w JOIN api_client c ON c.id = w.api_client_id JOIN org_unit o ON o.id = c.unit_id
        WHERE w.active AND w.events && $1::text[] AND c.revoked_at IS NULL AND o.active
        ORDER BY w.id`,
      [[...eventTypes]],
    );
  }

  /** Inserts the deliveries not there yet; returns the new ones (a replayed event inserts nothing). */
  async insertDeliveries(
    manager: EntityManager,
    rows: { webhookId: string; eventId: string; eventType: string; leadId: string | null; payload: WebhookBody }[],
    dueAt: Date,
  ): Promise<{ id: string }[]> {
    if (rows.length === 0) return [];
    return manager.query(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb)
           AS x("webhookId" uuid, "eventId" uuid, "eventType" text, "leadId" uuid, payload jsonb)),
       ins AS (
         INSERT INTO webhook_delivery (webhook_id, event_id, event_type, lead_id, payload, next_attempt_at)
         SELECT "webhookId", "eventId", "eventType", "leadId", payload, $2::timestamptz FROM input
         ON CONFLICT ON CONSTRAINT webhook_delivery_once DO NOTHING
         RETURNING id)
       SELECT id FROM ins`,
      [JSON.stringify(rows), dueAt],
    );
  }

  /**
   * Claims a due delivery for one attempt (a job may fire a moment early by Redis's clock): moves next_attempt_at to `lease` (the claim's token and,
   * if this process dies, when the sweep may try again). Null when it is not due, done, or gone.
   */
  async claim(id: string, lease: Date): Promise<ClaimedDelivery | null> {
    const rows: ClaimedDelivery[] = await this.db.query(
      `WITH d AS (
         UPDATE webhook_delivery SET next_attempt_at = $2, updated_at = now()
          WHERE id = $1 AND status IN ('PENDING', 'FAILED') AND next_attempt_at <= now() + interval '1 second'
          RETURNING *)
       SELECT d.id, d.event_id AS "eventId", d.event_type AS "eventType", d.lead_id AS "leadId", d.attempts, d.payload,
              w.id AS "webhookId", w.url, w.secret, c.id AS "clientId", c.name AS "clientName", c.scopes,
              c.rate_limit_per_minute AS "rateLimitPerMinute", c.unit_id AS "unitId", o.path AS "unitPath", o.tier AS "unitTier",
              (w.active AND c.revoked_at IS NULL AND o.active) AS deliverable
         FROM d JOIN webhook w ON w.id = d.webhook_id JOIN api_client c ON c.id = w.api_client_id JOIN org_unit o ON o.id = c.unit_id`,
      [id, lease],
    );
    return rows[0] ?? null;
  }

  /** Records an attempt's outcome, if the claim still holds (a redelivery in between wins). */
  async finish(
    id: string,
    lease: Date,
    outcome: {
      status: WebhookDeliveryStatus;
      attempted: boolean;
      nextAttemptAt: Date;
      statusCode: number | null;
      error: string | null;
    },
  ): Promise<boolean> {
    const rows: { id: string }[] = await this.db.query(
      `WITH d AS (
         UPDATE webhook_delivery
            SET status = $3::webhook_delivery_status, attempts = attempts + CASE WHEN $4::boolean THEN 1 ELSE 0 END, next_attempt_at = $5::timestamptz,
                last_status_code = CASE WHEN $4::boolean THEN $6::int ELSE last_status_code END, last_error = $7::text,
                delivered_at = CASE WHEN $3::webhook_delivery_status = 'DELIVERED' THEN now() ELSE delivered_at END, updated_at = now()
          WHERE id = $1::uuid AND next_attempt_at = $2::timestamptz AND status IN ('PENDING', 'FAILED')
          RETURNING id)
       SELECT id FROM d`,
      [id, lease, outcome.status, outcome.attempted, outcome.nextAttemptAt, outcome.statusCode, outcome.error],
    );
    return rows.length > 0;
  }

  /** Deliveries due for an attempt (the sweep's look-up), oldest first. */
  due(limit: number): Promise<{ id: string; nextAttemptAt: Date }[]> {
    return this.db.query(
      `SELECT id, next_attempt_at AS "nextAttemptAt" FROM webhook_delivery
        WHERE status IN ('PENDING', 'FAILED') AND next_attempt_at <= now() ORDER BY next_attempt_at LIMIT $1`,
      [limit],
    );
  }

  /** One page of a webhook's deliveries, newest first; `limit + 1` rows. */
  async deliveriesPage(opts: {
    webhookId: string;
    status: WebhookDeliveryStatus | null;
    after: [string, string] | null;
    limit: number;
  }): Promise<{ rows: DeliveryRow[]; total: number }> {
    const p = new Params();
    const where = [`d.webhook_id = ${p.add(opts.webhookId)}::uuid`];
    if (opts.status) where.push(`d.status = ${p.add(opts.status)}::webhook_delivery_status`);
    const filter = where.join(' AND ');
    const countParams = [...p.values];
    let keyset = '';
    if (opts.after) keyset = ` AND (d.created_at, d.id) < (${p.add(opts.after[0])}::timestamptz, ${p.add(opts.after[1])}::uuid)`;
    const rows: DeliveryRow[] = await this.db.query(
      `SELECT ${DELIVERY_COLUMNS}, d.created_at::text AS "sortKey" FROM webhook_delivery d
        WHERE ${filter}${keyset} ORDER BY d.created_at DESC, d.id DESC LIMIT ${p.add(opts.limit + 1)}`,
      p.values,
    );
    const [count] = (await this.db.query(`SELECT count(*)::int AS n FROM webhook_delivery d WHERE ${filter}`, countParams)) as {
      n: number;
    }[];
    return { rows, total: count.n };
  }

  /**
   * Makes the delivery due now with a fresh set of attempts, if its webhook is in reach; the
   * delivery as it is now, or null when missing or out of reach.
   */
  async redeliverInReach(id: string, reach: WebhookReach, dueAt: Date): Promise<DeliveryRow | null> {
    const p = new Params();
    const rows: DeliveryRow[] = await this.db.query(
      `WITH d AS (
         UPDATE webhook_delivery d
            SET status = 'PENDING', attempts = 0, next_attempt_at = ${p.add(dueAt)}, updated_at = now()
           FROM webhook w
          WHERE w.id = d.webhook_id AND d.id = ${p.add(id)}::uuid AND ${reachSql(reach, p)}
          RETURNING d.*)
       SELECT ${DELIVERY_COLUMNS} FROM d`,
      p.values,
    );
    return rows[0] ?? null;
  }
}
