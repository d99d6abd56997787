import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { OutboxEvent } from './outbox-consumer';

const EVENT_COLUMNS = `id::text AS id, event_id AS "eventId", type, lead_id AS "leadId", actor_kind AS "actorKind",
  actor_id AS "actorId", occurred_at AS "occurredAt", payload`;

/** Longest `last_error` kept per event. */
export const LAST_ERROR_MAX_CHARS = 2000;

export interface ClaimedEvent extends OutboxEvent {
  /** Failed deliveries so far. */
  attempts: number;
  /** An earlier event of the same lead is in another relay's batch: do not deliver this one now. */
  heldBack: boolean;
}

export interface DeadOutboxEvent extends OutboxEvent {
  attempts: number;
  lastError: string | null;
  deadAt: Date;
}

@Injectable()
export class OutboxRelayRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Locks the oldest claimable events for the caller's transaction: unpublished, not dead, due
   * (`next_attempt_at` null or past), not in `excludeIds`, and with no earlier event of the same
   * lead that is pending but not claimable (waiting for its backoff, or excluded): a failing event
   * holds back its lead's later events across batches. Rows another relay holds are skipped, not
   * waited for, so parallel relays take disjoint batches.
   *
   * An event comes back with `heldBack` when an earlier pending event of its lead is outside this
   * batch although claimable, i.e. in another relay's batch right now. Such events stay locked until
   * the transaction ends but must not be delivered in it. Earlier events of a lead inside the batch
   * come first in the result.
   */
  claim(tx: EntityManager, limit: number, excludeIds: readonly string[]): Promise<ClaimedEvent[]> {
    return tx.query(
      `WITH claimed AS MATERIALIZED (
         SELECT e.id, e.lead_id AS claimed_lead
           FROM outbox_event e
          WHERE e.published_at IS NULL AND e.dead_at IS NULL
            AND (e.next_attempt_at IS NULL OR e.next_attempt_at <= now())
            AND NOT (e.id = ANY($2::bigint[]))
            AND (e.lead_id IS NULL OR NOT EXISTS (
                  SELECT 1 FROM outbox_event p
                   WHERE p.lead_id = e.lead_id AND p.id < e.id
                     AND p.published_at IS NULL AND p.dead_at IS NULL
                     AND (p.next_attempt_at > now() OR p.id = ANY($2::bigint[]))))
          ORDER BY e.id
          LIMIT $1
            FOR UPDATE OF e SKIP LOCKED)
       SELECT ${EVENT_COLUMNS}, attempts,
              (c.claimed_lead IS NOT NULL AND EXISTS (
                 SELECT 1 FROM outbox_event p
                  WHERE p.lead_id = c.claimed_lead AND p.id < c.id
                    AND p.published_at IS NULL AND p.dead_at IS NULL
                    AND p.id NOT IN (SELECT id FROM claimed))) AS "heldBack"
         FROM claimed c JOIN outbox_event USING (id)
        ORDER BY outbox_event.id -- the bigint, not the text alias "id" of the select list`,
      [limit, [...excludeIds]],
    );
  }

  /**
   * Records a failed delivery of one event, in the relay's transaction (after its savepoint was
   * rolled back): attempts + 1 and the error; then either a backoff of `baseDelaySeconds` ×
   * 2^(attempts before) capped at `maxDelaySeconds`, or, once `maxAttempts` failures are reached,
   * the dead letter (`dead_at`), which takes the event out of the relay's way.
   */
  async recordFailure(
    tx: EntityManager,
    id: string,
    error: string,
    opts: { maxAttempts: number; baseDelaySeconds: number; maxDelaySeconds: number },
  ): Promise<{ attempts: number; dead: boolean; nextAttemptAt: Date | null }> {
    // Wrapped in a SELECT: TypeORM reports UPDATE results differently for pg and PGlite.
    const rows: { attempts: number; dead: boolean; nextAttemptAt: Date | null }[] = await tx.query(
      `WITH failed AS (
         UPDATE outbox_event
            SET attempts = attempts + 1,
                last_error = left($2, ${LAST_ERROR_MAX_CHARS}),
                dead_at = CASE WHEN attempts + 1 >= $3 THEN now() END,
                next_attempt_at = CASE WHEN attempts + 1 >= $3 THEN NULL
                  ELSE now() + make_interval(secs => least($5::float8, $4::float8 * power(2, least(attempts, 40))))
                END
          WHERE id = $1::bigint
          RETURNING attempts, dead_at IS NOT NULL AS dead, next_attempt_at AS "nextAttemptAt")
       SELECT * FROM failed`,
      [id, error, opts.maxAttempts, opts.baseDelaySeconds, opts.maxDelaySeconds],
    );
    return rows[0];
  }

  /**
   * Puts dead letters back in the queue: clears `dead_at`, `attempts` and `next_attempt_at` (the
   * last error stays for reference) of the given ids, or of every dead event. Returns the ids.
   */
  async requeueDead(ids?: readonly string[]): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      `WITH requeued AS (
         UPDATE outbox_event SET dead_at = NULL, attempts = 0, next_attempt_at = NULL
          WHERE dead_at IS NOT NULL AND published_at IS NULL
            AND ($1::bigint[] IS NULL OR id = ANY($1::bigint[]))
          RETURNING id)
       SELECT id::text AS id FROM requeued ORDER BY requeued.id`,
      [ids ? [...ids] : null],
    );
    return rows.map((r) => r.id);
  }

  /** Dead letters, oldest first, with their attempts and last error (for operators). */
  listDead(limit = 100): Promise<DeadOutboxEvent[]> {
    return this.db.query(
      `SELECT ${EVENT_COLUMNS}, attempts, last_error AS "lastError", dead_at AS "deadAt"
         FROM outbox_event
        WHERE dead_at IS NOT NULL AND published_at IS NULL
        ORDER BY outbox_event.id
        LIMIT $1`,
      [limit],
    );
  }

  async markPublished(tx: EntityManager, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await tx.query(`UPDATE outbox_event SET published_at = now() WHERE id = ANY($1::bigint[])`, [[...ids]]);
  }

  /** Deletes published events older than `days`, a slice at a time so no lock is held for long. */
  async prunePublished(days: number, slice = 5000): Promise<number> {
    let total = 0;
    for (;;) {
      // Wrapped in a SELECT: TypeORM reports DELETE results differently for pg and PGlite.
      const rows: { n: number }[] = await this.db.query(
        `WITH gone AS (
           DELETE FROM outbox_event
            WHERE id IN (SELECT id FROM outbox_event
                          WHERE published_at < now() - make_interval(days => $1::int)
                          ORDER BY id LIMIT $2)
            RETURNING id)
         SELECT count(*)::int AS n FROM gone`,
        [days, slice],
      );
      const n = Number(rows[0].n);
      total += n;
      if (n < slice) return total;
    }
  }

  /** Events still to deliver: unpublished and not dead (dead letters are not counted). */
  async countUnpublished(): Promise<number> {
    const rows: { n: string | number }[] = await this.db.query(
      `SELECT count(*)::int AS n FROM outbox_event WHERE published_at IS NULL AND dead_at IS NULL`,
    );
    return Number(rows[0].n);
  }
}
