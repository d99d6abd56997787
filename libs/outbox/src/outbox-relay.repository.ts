import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { DomainEventType } from './domain-event';
import type { OutboxEvent } from './outbox-consumer';

const EVENT_COLUMNS = `e.id::text AS id, e.event_id AS "eventId", e.type, e.lead_id AS "leadId", e.actor_kind AS "actorKind",
  e.actor_id AS "actorId", e.occurred_at AS "occurredAt", e.payload`;

/** Longest `last_error` kept per delivery. */
export const LAST_ERROR_MAX_CHARS = 2000;

/** Dispatchers take this transaction-scoped advisory lock, so events are fanned out in id order. */
const DISPATCH_LOCK = 7_644_700;

export interface ClaimedEvent extends OutboxEvent {
  /** Failed deliveries to this consumer so far. */
  attempts: number;
  /** An earlier delivery of the same lead is in another batch of this consumer: do not deliver now. */
  heldBack: boolean;
}

export interface DeadDelivery extends OutboxEvent {
  consumer: string;
  attempts: number;
  lastError: string | null;
  deadAt: Date;
}

export interface ConsumerLag {
  consumer: string;
  /** Deliveries neither done nor dead. */
  pending: number;
  dead: number;
  /** Age of the oldest pending delivery's event, 0 when none. */
  oldestPendingSeconds: number;
}

@Injectable()
export class OutboxRelayRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Records the consumers this process runs; every later dispatched event gets a delivery for each. */
  async registerConsumers(names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    await this.db.query(
      `INSERT INTO outbox_consumer (name) SELECT unnest($1::varchar[])
       ON CONFLICT (name) DO UPDATE SET last_seen_at = now()`,
      [[...names]],
    );
  }

  async listConsumers(): Promise<string[]> {
    const rows: { name: string }[] = await this.db.query(`SELECT name FROM outbox_consumer ORDER BY name`);
    return rows.map((r) => r.name);
  }

  /**
   * Fans up to `limit` undispatched events, oldest first, out into one delivery per registered
   * consumer and marks them dispatched (an event with no consumer at all is published at once).
   * Dispatchers run one at a time (advisory lock; the transaction is a few statements), so a
   * consumer never sees a lead's later event before its earlier one was dispatched.
   * Returns how many events were dispatched and the consumers that got deliveries.
   */
  dispatch(limit: number): Promise<{ dispatched: number; consumers: string[] }> {
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock($1)`, [DISPATCH_LOCK]);
      const rows: { dispatched: number; consumers: string[] | null }[] = await tx.query(
        `WITH picked AS MATERIALIZED (
           SELECT id, lead_id FROM outbox_event WHERE dispatched_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE),
         fanned AS (
           INSERT INTO outbox_delivery (event_id, consumer, lead_id)
           SELECT p.id, c.name, p.lead_id FROM picked p CROSS JOIN outbox_consumer c
           ON CONFLICT DO NOTHING
           RETURNING consumer),
         marked AS (
           UPDATE outbox_event e
              SET dispatched_at = now(),
                  published_at = CASE WHEN EXISTS (SELECT 1 FROM outbox_consumer) THEN NULL ELSE now() END
             FROM picked p WHERE e.id = p.id
           RETURNING e.id)
         SELECT (SELECT count(*)::int FROM marked) AS dispatched,
                (SELECT json_agg(DISTINCT consumer) FROM fanned) AS consumers`,
        [limit],
      );
      return { dispatched: Number(rows[0].dispatched), consumers: rows[0].consumers ?? [] };
    });
  }

  /**
   * Locks the oldest claimable deliveries of `consumer` for the caller's transaction: not done, not
   * dead, due (`next_attempt_at` null or past), not in `excludeIds`, and with no earlier delivery of
   * the same lead to this consumer that is pending but not claimable (waiting for its backoff, or
   * excluded): a failing event holds back its lead's later events for this consumer only. Rows
   * another batch of the same consumer holds are skipped, not waited for.
   *
   * A row comes back with `heldBack` when an earlier pending delivery of its lead is outside this
   * batch although claimable, i.e. in another batch of this consumer right now; such rows must not
   * be delivered in this transaction. Earlier events of a lead inside the batch come first.
   */
  claim(tx: EntityManager, consumer: string, limit: number, excludeIds: readonly string[]): Promise<ClaimedEvent[]> {
    return tx.query(
      `WITH claimed AS MATERIALIZED (
         SELECT d.event_id, d.lead_id AS claimed_lead
           FROM outbox_delivery d
          WHERE d.consumer = $3 AND d.done_at IS NULL AND d.dead_at IS NULL
            AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= now())
            AND NOT (d.event_id = ANY($2::bigint[]))
            AND (d.lead_id IS NULL OR NOT EXISTS (
                  SELECT 1 FROM outbox_delivery p
                   WHERE p.consumer = $3 AND p.lead_id = d.lead_id AND p.event_id < d.event_id
                     AND p.done_at IS NULL AND p.dead_at IS NULL
                     AND (p.next_attempt_at > now() OR p.event_id = ANY($2::bigint[]))))
          ORDER BY d.event_id
          LIMIT $1
            FOR UPDATE OF d SKIP LOCKED)
       SELECT ${EVENT_COLUMNS}, d.attempts,
              (c.claimed_lead IS NOT NULL AND EXISTS (
                 SELECT 1 FROM outbox_delivery p
                  WHERE p.consumer = $3 AND p.lead_id = c.claimed_lead AND p.event_id < c.event_id
                    AND p.done_at IS NULL AND p.dead_at IS NULL
                    AND p.event_id NOT IN (SELECT event_id FROM claimed))) AS "heldBack"
         FROM claimed c
         JOIN outbox_delivery d ON d.event_id = c.event_id AND d.consumer = $3
         JOIN outbox_event e ON e.id = c.event_id
        ORDER BY c.event_id`,
      [limit, [...excludeIds], consumer],
    );
  }

  /**
   * Records a failed delivery in the consumer's transaction (after its savepoint was rolled back):
   * attempts + 1 and the error; then either a backoff of `baseDelaySeconds` × 2^(attempts before)
   * capped at `maxDelaySeconds`, or, once `maxAttempts` failures are reached, the dead letter.
   */
  async recordFailure(
    tx: EntityManager,
    consumer: string,
    id: string,
    error: string,
    opts: { maxAttempts: number; baseDelaySeconds: number; maxDelaySeconds: number },
  ): Promise<{ attempts: number; dead: boolean; nextAttemptAt: Date | null }> {
    // Wrapped in a SELECT: TypeORM reports UPDATE results differently for pg and PGlite.
    const rows: { attempts: number; dead: boolean; nextAttemptAt: Date | null }[] = await tx.query(
      `WITH failed AS (
         UPDATE outbox_delivery
            SET attempts = attempts + 1,
                last_error = left($3, ${LAST_ERROR_MAX_CHARS}),
                dead_at = CASE WHEN attempts + 1 >= $4 THEN now() END,
                next_attempt_at = CASE WHEN attempts + 1 >= $4 THEN NULL
                  ELSE now() + make_interval(secs => least($6::float8, $5::float8 * power(2, least(attempts, 40))))
                END
          WHERE event_id = $2::bigint AND consumer = $1
          RETURNING attempts, dead_at IS NOT NULL AS dead, next_attempt_at AS "nextAttemptAt")
       SELECT * FROM failed`,
      [consumer, id, error, opts.maxAttempts, opts.baseDelaySeconds, opts.maxDelaySeconds],
    );
    return rows[0];
  }

  /**
   * Marks the consumer's deliveries done and publishes those of the events that no consumer has
   * pending any more. The event rows are locked first, in id order: two consumers finishing the
   * same event at once then decide one after the other, so the last one to finish publishes it.
   * Returns the events published, with their types (for metrics).
   */
  async markDone(tx: EntityManager, consumer: string, ids: readonly string[]): Promise<{ id: string; type: DomainEventType }[]> {
    if (ids.length === 0) return [];
    await tx.query(
      `UPDATE outbox_delivery SET done_at = now() WHERE consumer = $1 AND event_id = ANY($2::bigint[])`,
      [consumer, [...ids]],
    );
    await tx.query(`SELECT id FROM outbox_event WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE`, [[...ids]]);
    return tx.query(
      `WITH published AS (
         UPDATE outbox_event e SET published_at = now()
          WHERE e.id = ANY($1::bigint[]) AND e.published_at IS NULL
            AND NOT EXISTS (SELECT 1 FROM outbox_delivery d WHERE d.event_id = e.id AND d.done_at IS NULL)
          RETURNING e.id, e.type)
       SELECT id::text AS id, type FROM published`,
      [[...ids]],
    );
  }

  /**
   * Retires a consumer that no longer exists in the code: unregisters it and closes its open
   * deliveries (pending and dead) as done, so its events can be published and pruned. A worker
   * that still runs it registers it again. Returns the deliveries closed.
   */
  retireConsumer(consumer: string): Promise<number> {
    return this.db.transaction(async (tx) => {
      await tx.query(`DELETE FROM outbox_consumer WHERE name = $1`, [consumer]);
      const open: { id: string }[] = await tx.query(
        `SELECT event_id::text AS id FROM outbox_delivery WHERE consumer = $1 AND done_at IS NULL ORDER BY event_id`,
        [consumer],
      );
      await this.markDone(tx, consumer, open.map((r) => r.id));
      return open.length;
    });
  }

  /**
   * Puts dead deliveries back: clears `dead_at`, `attempts` and `next_attempt_at` (the last error
   * stays for reference) of the given outbox ids, or of every dead delivery, of one consumer or all.
   */
  async requeueDead(opts: { ids?: readonly string[]; consumer?: string } = {}): Promise<{ consumer: string; id: string }[]> {
    const rows: { consumer: string; id: string }[] = await this.db.query(
      `WITH requeued AS (
         UPDATE outbox_delivery SET dead_at = NULL, attempts = 0, next_attempt_at = NULL
          WHERE dead_at IS NOT NULL AND done_at IS NULL
            AND ($1::bigint[] IS NULL OR event_id = ANY($1::bigint[]))
            AND ($2::varchar IS NULL OR consumer = $2)
          RETURNING consumer, event_id)
       SELECT consumer, event_id::text AS id FROM requeued ORDER BY requeued.event_id, requeued.consumer`,
      [opts.ids ? [...opts.ids] : null, opts.consumer ?? null],
    );
    return rows;
  }

  /** Dead deliveries, oldest event first, with their consumer, attempts and last error (for operators). */
  listDead(opts: { consumer?: string; limit?: number } = {}): Promise<DeadDelivery[]> {
    return this.db.query(
      `SELECT ${EVENT_COLUMNS}, d.consumer, d.attempts, d.last_error AS "lastError", d.dead_at AS "deadAt"
         FROM outbox_delivery d JOIN outbox_event e ON e.id = d.event_id
        WHERE d.dead_at IS NOT NULL AND d.done_at IS NULL AND ($2::varchar IS NULL OR d.consumer = $2)
        ORDER BY d.event_id, d.consumer
        LIMIT $1`,
      [opts.limit ?? 100, opts.consumer ?? null],
    );
  }

  /**
   * Deletes published events (every consumer done) older than `days`, with their deliveries, a slice
   * at a time so no lock is held for long. Events a consumer has pending or dead stay.
   */
  async prunePublished(days: number, slice = 5000): Promise<number> {
    let total = 0;
    for (;;) {
      // Wrapped in a SELECT: TypeORM reports DELETE results differently for pg and PGlite.
      const rows: { n: number }[] = await this.db.query(
        `WITH gone AS (
           DELETE FROM outbox_event
            WHERE id IN (SELECT id FROM outbox_event
                          WHERE published_at < now() - make_interval(days => $1::int)
                          ORDER BY published_at LIMIT $2)
            RETURNING id)
         SELECT count(*)::int AS n FROM gone`,
        [days, slice],
      );
      const n = Number(rows[0].n);
      total += n;
      if (n < slice) return total;
    }
  }

  /** Deliveries still to make (dead letters not counted), of one consumer or all. */
  async countPending(consumer?: string): Promise<number> {
    const rows: { n: number }[] = await this.db.query(
      `SELECT count(*)::int AS n FROM outbox_delivery
        WHERE done_at IS NULL AND dead_at IS NULL AND ($1::varchar IS NULL OR consumer = $1)`,
      [consumer ?? null],
    );
    return Number(rows[0].n);
  }

  /** Age in seconds of the oldest event not yet fanned out (0 when none): the relay's own lag. */
  async undispatchedAgeSeconds(): Promise<number> {
    const rows: { age: number | null }[] = await this.db.query(
      `SELECT extract(epoch FROM now() - min(occurred_at))::float8 AS age
         FROM (SELECT occurred_at FROM outbox_event WHERE dispatched_at IS NULL ORDER BY id LIMIT 1) o`,
    );
    return Math.max(0, Number(rows[0]?.age ?? 0));
  }

  /**
   * Per registered consumer: pending and dead counts and the age of its oldest pending delivery.
   * Counts are bounded by the backlog (partial indexes), not by the table.
   */
  lag(): Promise<ConsumerLag[]> {
    return this.db.query(
      `SELECT c.name AS consumer,
              (SELECT count(*)::int FROM outbox_delivery d
                WHERE d.consumer = c.name AND d.done_at IS NULL AND d.dead_at IS NULL) AS pending,
              (SELECT count(*)::int FROM outbox_delivery d
                WHERE d.consumer = c.name AND d.dead_at IS NOT NULL AND d.done_at IS NULL) AS dead,
              coalesce((SELECT extract(epoch FROM now() - e.occurred_at)::float8
                          FROM outbox_delivery d JOIN outbox_event e ON e.id = d.event_id
                         WHERE d.consumer = c.name AND d.done_at IS NULL AND d.dead_at IS NULL
                         ORDER BY d.event_id LIMIT 1), 0) AS "oldestPendingSeconds"
         FROM outbox_consumer c ORDER BY c.name`,
    );
  }
}
