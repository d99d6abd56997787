import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { OutboxEvent } from './outbox-consumer';

const EVENT_COLUMNS = `id::text AS id, event_id AS "eventId", type, lead_id AS "leadId", actor_kind AS "actorKind",
  actor_id AS "actorId", occurred_at AS "occurredAt", payload`;

@Injectable()
export class OutboxRelayRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Locks the oldest unpublished events for the caller's transaction. Rows another relay holds are
   * skipped, not waited for, so parallel relays take disjoint batches.
   */
  claim(tx: EntityManager, limit: number, excludeIds: readonly string[]): Promise<OutboxEvent[]> {
    return tx.query(
      `SELECT ${EVENT_COLUMNS}
         FROM outbox_event
        WHERE published_at IS NULL AND NOT (id = ANY($2::bigint[]))
        ORDER BY outbox_event.id -- the bigint, not the text alias "id" of the select list
        LIMIT $1
          FOR UPDATE SKIP LOCKED`,
      [limit, [...excludeIds]],
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

  async countUnpublished(): Promise<number> {
    const rows: { n: string | number }[] = await this.db.query(
      `SELECT count(*)::int AS n FROM outbox_event WHERE published_at IS NULL`,
    );
    return Number(rows[0].n);
  }
}
