import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '@zs/common';
import { SqlParams, leadAccess, newestFirstPage } from '@zs/leads';
import type { LeadAudienceFacts } from '@zs/leads';
import type { DomainEventType } from '@zs/outbox';
import {
  type FanoutChunk,
  NotificationChannel,
  type NotificationEntity,
  type NotificationKind,
  type RecipientRow,
} from './notification.entity';

type Queryable = Pick<EntityManager, 'query'>;

/** What stage 1 and stage 2 need to know about a lead, reloaded at delivery time. */
export interface LeadFacts extends LeadAudienceFacts {
  id: string;
  code: string;
  title: string;
  industryCode: string;
  stage: string;
  ownerUnitName: string;
}

/** A chunk as the json rows its insert statements unnest. */
function chunkRow(c: FanoutChunk, userIds: string[]) {
  return {
    event_id: c.eventId,
    seq: c.seq,
    kind: c.kind,
    lead_id: c.leadId,
    actor_kind: c.actorKind,
    actor_id: c.actorId,
    actor_unit_id: c.actorUnitId,
    title: c.title,
    body: c.body,
    user_ids: userIds,
  };
}

/** Who may be told: the union of these sets (each user once), before the visibility rule filters them. */
export interface CandidateSpec {
  /** Users of exactly these units. */
  unitIds?: string[];
  /** Users of every unit whose path starts with one of these (a subtree). */
  subtreePaths?: string[];
  /** Users of the zones whose leading industries include this code. */
  zonesWithIndustry?: string;
  /** Users who listed this industry among their industries of interest. */
  interestedInIndustry?: string;
  /** Users who follow this lead. */
  followersOf?: string;
}

/** An outbox event as claimPlanRequests loads it (the shape consumers receive). */
export interface OutboxEventRow {
  id: string;
  eventId: string;
  type: DomainEventType;
  leadId: string | null;
  actorKind: string;
  actorId: string | null;
  occurredAt: Date;
  payload: Record<string, unknown>;
}

export interface RecipientWithPrefs extends RecipientRow {
  mutedKinds: string[];
  instant: boolean | null;
}

export interface PreferenceRow {
  mutedKinds: string[];
  industryCodes: string[];
  instant: boolean | null;
  digest: boolean | null;
  email: string | null;
}

export interface NotificationRow extends NotificationEntity {
  sortKey?: string;
}

const NOTIFICATION_COLUMNS = `n.id, n.event_id AS "eventId", n.user_id AS "userId", n.channel, n.kind, n.lead_id AS "leadId",
  n.actor_kind AS "actorKind", n.actor_id AS "actorId", n.actor_unit_id AS "actorUnitId", n.title, n.body,
  n.created_at AS "createdAt", n.read_at AS "readAt"`;

const RECIPIENT_COLUMNS = `u.id, u.username, u.role::text AS role, u.unit_id AS "unitId", ou.path AS "unitPath", ou.tier::text AS "unitTier"`;

/** A user with what the candidate sets test: unit, its leading industries, the user's interests. */
interface DirectoryUser extends RecipientRow {
  unitIndustries: string[];
  interests: string[];
}

/**
 * Every active user, matched against candidate sets in memory (CandidateSpec, the same sets the SQL of
 * candidateGroups tests), for planning many events with one load.
 */
export class UserDirectory {
  constructor(
    private readonly users: DirectoryUser[],
    private readonly follows: Map<string, Set<string>>,
  ) {}

  private inSet(spec: CandidateSpec, u: DirectoryUser): boolean {
    return (
      (spec.unitIds?.includes(u.unitId) ?? false) ||
      (spec.subtreePaths ?? []).some((p) => u.unitPath.startsWith(p)) ||
      (!!spec.zonesWithIndustry && u.unitTier === 'ZONE' && u.unitIndustries.includes(spec.zonesWithIndustry)) ||
      (!!spec.interestedInIndustry && u.interests.includes(spec.interestedInIndustry)) ||
      (!!spec.followersOf && (this.follows.get(spec.followersOf)?.has(u.id) ?? false))
    );
  }

  match(specs: CandidateSpec[]): (RecipientRow & { groups: number[] })[] {
    const out: (RecipientRow & { groups: number[] })[] = [];
    for (const u of this.users) {
      const groups = specs.flatMap((s, i) => (this.inSet(s, u) ? [i] : []));
      if (groups.length) out.push({ id: u.id, username: u.username, role: u.role, unitId: u.unitId, unitPath: u.unitPath, unitTier: u.unitTier, groups });
    }
    return out;
  }
}

/** All SQL of notifications: fan-out planning, delivery, the inbox, follows, preferences, digests, reminders. */
@Injectable()
export class NotificationRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  // --- stage 1 -----------------------------------------------------------------------------------

  async leadFacts(m: Queryable, leadId: string): Promise<LeadFacts | null> {
    return (await this.leadFactsMany(m, [leadId])).get(leadId) ?? null;
  }

  async leadFactsMany(m: Queryable, leadIds: string[]): Promise<Map<string, LeadFacts>> {
    if (leadIds.length === 0) return new Map();
    const rows: LeadFacts[] = await m.query(
      `SELECT l.id, l.code, l.title, l.industry_code AS "industryCode", l.stage::text AS stage,
              l.sharing_scope::text AS "sharingScope", l.owner_unit_id AS "ownerUnitId", ou.path AS "ownerPath",
              ou.name AS "ownerUnitName",
              ARRAY(SELECT au.path FROM lead_assignment la JOIN org_unit au ON au.id = la.unit_id WHERE la.lead_id = l.id) AS "assignedPaths",
              ARRAY(SELECT ru.path FROM lead_referral lr JOIN org_unit ru ON ru.id = lr.to_unit_id
                     WHERE lr.lead_id = l.id AND lr.status = 'PENDING') AS "pendingReferralPaths"
         FROM lead l JOIN org_unit ou ON ou.id = l.owner_unit_id WHERE l.id = ANY($1::uuid[])`,
      [leadIds],
    );
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** The acting units of many events, keyed `kind:id`. */
  async actorUnits(m: Queryable, events: { actorKind: string; actorId: string | null }[]): Promise<Map<string, { id: string; name: string }>> {
    const ids = (kind: string) => [...new Set(events.filter((e) => e.actorKind === kind && e.actorId).map((e) => e.actorId!))];
    const users = ids('user');
    const clients = ids('apiClient');
    if (users.length + clients.length === 0) return new Map();
    const rows: { key: string; id: string; name: string }[] = await m.query(
      `SELECT 'user:' || a.id AS key, ou.id, ou.name FROM app_user a JOIN org_unit ou ON ou.id = a.unit_id WHERE a.id = ANY($1::uuid[])
       UNION ALL
       SELECT 'apiClient:' || a.id, ou.id, ou.name FROM api_client a JOIN org_unit ou ON ou.id = a.unit_id WHERE a.id = ANY($2::uuid[])`,
      [users, clients],
    );
    return new Map(rows.map((r) => [r.key, { id: r.id, name: r.name }]));
  }

  /** Every active user with their unit's industries and their interests, and who follows which of `leadIds`. */
  async directory(m: Queryable, leadIds: string[]): Promise<UserDirectory> {
    const users: DirectoryUser[] = await m.query(
      `SELECT ${RECIPIENT_COLUMNS}, ou.leading_industry_codes AS "unitIndustries", COALESCE(np.industry_codes, '{}') AS interests
         FROM app_user u JOIN org_unit ou ON ou.id = u.unit_id LEFT JOIN notification_preference np ON np.user_id = u.id
        WHERE u.active AND ou.active ORDER BY u.id`,
    );
    const follows = new Map<string, Set<string>>();
    if (leadIds.length) {
      const rows: { leadId: string; userId: string }[] = await m.query(
        `SELECT lead_id AS "leadId", user_id AS "userId" FROM lead_follow WHERE lead_id = ANY($1::uuid[])`,
        [leadIds],
      );
      for (const r of rows) (follows.get(r.leadId) ?? follows.set(r.leadId, new Set()).get(r.leadId)!).add(r.userId);
    }
    return new UserDirectory(users, follows);
  }

  /** The unit the actor acts for (a user's or an API client's), with its name; null for the system. */
  async actorUnit(m: Queryable, actorKind: string, actorId: string | null): Promise<{ id: string; name: string } | null> {
    if (!actorId || (actorKind !== 'user' && actorKind !== 'apiClient')) return null;
    const table = actorKind === 'user' ? 'app_user' : 'api_client';
    const rows: { id: string; name: string }[] = await m.query(
      `SELECT ou.id, ou.name FROM ${table} a JOIN org_unit ou ON ou.id = a.unit_id WHERE a.id = $1`,
      [actorId],
    );
    return rows[0] ?? null;
  }

  async unit(m: Queryable, unitId: string): Promise<{ id: string; name: string; path: string } | null> {
    const rows: { id: string; name: string; path: string }[] = await m.query(
      `SELECT id, name, path FROM org_unit WHERE id = $1`,
      [unitId],
    );
    return rows[0] ?? null;
  }

  async referral(m: Queryable, id: string): Promise<{ fromUnitId: string; toUnitId: string; status: string } | null> {
    const rows: { fromUnitId: string; toUnitId: string; status: string }[] = await m.query(
      `SELECT from_unit_id AS "fromUnitId", to_unit_id AS "toUnitId", status::text AS status FROM lead_referral WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /**
   * A conflict case: its coordinating unit and members, each with what decides whether it is a peer
   * of another member (conflictPeer in lead-visibility.ts: another owner and the same investor).
   */
  async conflict(
    m: Queryable,
    id: string,
  ): Promise<{ coordinatingUnitId: string; members: { leadId: string; ownerUnitId: string; nameNorm: string; uscc: string | null }[] } | null> {
    const rows: { coordinatingUnitId: string; leadId: string | null; ownerUnitId: string | null; nameNorm: string | null; uscc: string | null }[] =
      await m.query(
        `SELECT c.coordinating_unit_id AS "coordinatingUnitId", l.id AS "leadId", l.owner_unit_id AS "ownerUnitId",
                l.investor_name_norm AS "nameNorm", l.investor_uscc AS uscc
           FROM lead_conflict c LEFT JOIN lead_conflict_member cm ON cm.conflict_id = c.id LEFT JOIN lead l ON l.id = cm.lead_id
          WHERE c.id = $1 ORDER BY cm.joined_at, l.id`,
        [id],
      );
    if (rows.length === 0) return null;
    const members = rows.flatMap((r) =>
      r.leadId && r.ownerUnitId ? [{ leadId: r.leadId, ownerUnitId: r.ownerUnitId, nameNorm: r.nameNorm ?? '', uscc: r.uscc }] : [],
    );
    return { coordinatingUnitId: rows[0].coordinatingUnitId, members };
  }

  /** Active users of active units in any of the candidate sets, each once. */
  async candidates(m: Queryable, spec: CandidateSpec): Promise<RecipientRow[]> {
    return (await this.candidateGroups(m, [spec])).map(({ groups: _groups, ...r }) => r);
  }

  /**
   * The candidates of several sets in one statement: each user once, with the indices of the sets
   * (in `specs` order) the user belongs to.
   */
  async candidateGroups(m: Queryable, specs: CandidateSpec[]): Promise<(RecipientRow & { groups: number[] })[]> {
    const p = new SqlParams();
    const preds = specs.map((spec) => {
      const any: string[] = [];
      if (spec.unitIds?.length) any.push(`u.unit_id = ANY(${p.add(spec.unitIds)}::uuid[])`);
      for (const path of spec.subtreePaths ?? []) any.push(`ou.path LIKE ${p.add(path)}::text || '%'`);
      if (spec.zonesWithIndustry) {
        any.push(`(ou.tier = 'ZONE' AND ${p.add(spec.zonesWithIndustry)}::text = ANY(ou.leading_industry_codes))`);
      }
      if (spec.interestedInIndustry) {
        any.push(`EXISTS (SELECT 1 FROM notification_preference np WHERE np.user_id = u.id
          AND np.industry_codes @> ARRAY[${p.add(spec.interestedInIndustry)}::text])`);
      }
      if (spec.followersOf) {
        any.push(`EXISTS (SELECT 1 FROM lead_follow f WHERE f.user_id = u.id AND f.lead_id = ${p.add(spec.followersOf)}::uuid)`);
      }
      return any.length ? `(${any.join(' OR ')})` : 'false';
    });
    if (preds.every((x) => x === 'false')) return [];
    const groups = preds.map((x, i) => `CASE WHEN ${x} THEN ${i} END`).join(', ');
    return m.query(
      `SELECT * FROM (
         SELECT ${RECIPIENT_COLUMNS}, array_remove(ARRAY[${groups}]::int[], NULL) AS groups
           FROM app_user u JOIN org_unit ou ON ou.id = u.unit_id
          WHERE u.active AND ou.active AND (${preds.join(' OR ')})) c ORDER BY c.id`,
      p.values,
    );
  }

  /**
   * Stage 1a, in the outbox delivery's transaction: the events are to be planned, one multi-row
   * statement for a whole relay batch (once per event: a redelivery adds nothing).
   */
  async requestPlans(m: Queryable, eventIds: readonly string[]): Promise<void> {
    if (eventIds.length === 0) return;
    await m.query(
      `INSERT INTO notification_fanout (event_id, seq, kind, title, body, user_ids)
       SELECT DISTINCT e, -1, 'PLAN', '', '', '{}'::uuid[] FROM unnest($1::uuid[]) AS e
       ON CONFLICT (event_id, seq) DO NOTHING`,
      [[...eventIds]],
    );
  }

  /** Claims up to `limit` plan requests (oldest first; others' claims are skipped) with their outbox events. */
  async claimPlanRequests(tx: EntityManager, limit: number): Promise<{ eventId: string; event: OutboxEventRow | null }[]> {
    const rows: ({ requestId: string } & Partial<OutboxEventRow>)[] = await tx.query(
      `WITH r AS (SELECT event_id FROM notification_fanout WHERE seq = -1 AND done_at IS NULL
                   ORDER BY created_at, event_id LIMIT $1 FOR UPDATE SKIP LOCKED)
       SELECT r.event_id AS "requestId", e.id::text AS id, e.event_id AS "eventId", e.type, e.lead_id AS "leadId",
              e.actor_kind AS "actorKind", e.actor_id AS "actorId", e.occurred_at AS "occurredAt", e.payload
         FROM r LEFT JOIN outbox_event e ON e.event_id = r.event_id ORDER BY e.id`,
      [limit],
    );
    return rows.map(({ requestId, ...e }) => ({ eventId: requestId, event: e.id ? (e as OutboxEventRow) : null }));
  }

  /** Stores the chunks of many planned events and closes their plan requests, in one statement. */
  async storePlans(tx: EntityManager, eventIds: string[], chunks: FanoutChunk[]): Promise<void> {
    const rows = chunks.map((c) => chunkRow(c, c.userIds));
    await tx.query(
      `WITH ins AS (
         INSERT INTO notification_fanout (event_id, seq, kind, lead_id, actor_kind, actor_id, actor_unit_id, title, body, user_ids)
         SELECT x.event_id, x.seq, x.kind, x.lead_id, x.actor_kind, x.actor_id, x.actor_unit_id, x.title, x.body,
                ARRAY(SELECT jsonb_array_elements_text(x.user_ids))::uuid[]
           FROM jsonb_to_recordset($2::jsonb) AS x(event_id uuid, seq int, kind text, lead_id uuid, actor_kind text, actor_id uuid,
                actor_unit_id uuid, title text, body text, user_ids jsonb)
         ON CONFLICT (event_id, seq) DO NOTHING RETURNING 1)
       UPDATE notification_fanout SET done_at = now() WHERE seq = -1 AND event_id = ANY($1::uuid[]) AND (SELECT count(*) FROM ins) >= 0`,
      [eventIds, JSON.stringify(rows)],
    );
  }

  /** Plan requests waiting longer than `olderThanSeconds` (their wake-up was lost). */
  async stalePlanRequests(olderThanSeconds: number): Promise<number> {
    const rows: { n: number }[] = await this.db.query(
      `SELECT count(*)::int AS n FROM notification_fanout WHERE seq = -1 AND done_at IS NULL AND created_at < now() - make_interval(secs => $1)`,
      [olderThanSeconds],
    );
    return rows[0].n;
  }

  // --- stage 2 -----------------------------------------------------------------------------------

  /**
   * Planned chunks with what stage 2 checks, in one statement: each chunk's lead as it is now and its
   * users as they are now (active, with preferences). Chunks not committed (yet) are absent.
   */
  async chunksForDelivery(
    keys: { eventId: string; seq: number }[],
  ): Promise<{ chunk: FanoutChunk & { done: boolean }; lead: LeadFacts | null; users: RecipientWithPrefs[] }[]> {
    const rows: (FanoutChunk & { done: boolean; lead: LeadFacts | null; users: RecipientWithPrefs[] })[] = await this.db.query(
      `SELECT f.event_id AS "eventId", f.seq, f.kind, f.lead_id AS "leadId", f.actor_kind AS "actorKind", f.actor_id AS "actorId",
              f.actor_unit_id AS "actorUnitId", f.title, f.body, f.user_ids AS "userIds", f.done_at IS NOT NULL AS done,
              (SELECT row_to_json(x) FROM (
                 SELECT l.id, l.code, l.title, l.industry_code AS "industryCode", l.stage::text AS stage,
                        l.sharing_scope::text AS "sharingScope", l.owner_unit_id AS "ownerUnitId", ou.path AS "ownerPath",
                        ou.name AS "ownerUnitName",
                        ARRAY(SELECT au.path FROM lead_assignment la JOIN org_unit au ON au.id = la.unit_id WHERE la.lead_id = l.id) AS "assignedPaths",
                        ARRAY(SELECT ru.path FROM lead_referral lr JOIN org_unit ru ON ru.id = lr.to_unit_id
                               WHERE lr.lead_id = l.id AND lr.status = 'PENDING') AS "pendingReferralPaths"
                   FROM lead l JOIN org_unit ou ON ou.id = l.owner_unit_id WHERE l.id = f.lead_id) x) AS lead,
              (SELECT COALESCE(json_agg(r), '[]'::json) FROM (
                 SELECT ${RECIPIENT_COLUMNS}, COALESCE(np.muted_kinds, '{}') AS "mutedKinds", np.instant
                   FROM app_user u JOIN org_unit ou ON ou.id = u.unit_id LEFT JOIN notification_preference np ON np.user_id = u.id
                  WHERE u.id = ANY(f.user_ids) AND u.active AND ou.active) r) AS users
         FROM notification_fanout f
         JOIN unnest($1::uuid[], $2::int[]) AS k(event_id, seq) ON k.event_id = f.event_id AND k.seq = f.seq`,
      [keys.map((k) => k.eventId), keys.map((k) => k.seq)],
    );
    return rows.map(({ lead, users, ...chunk }) => ({ chunk, lead, users }));
  }

  /**
   * Inserts the inbox rows of several chunks and marks them delivered, in one statement. Without a
   * lock: two workers delivering the same chunk at once insert each (event, user, channel) once.
   */
  async deliverChunks(deliveries: { chunk: FanoutChunk; userIds: string[] }[]): Promise<{ id: string; userId: string }[]> {
    if (deliveries.length === 0) return [];
    const rows = deliveries.map(({ chunk, userIds }) => chunkRow(chunk, userIds));
    return this.db.query(
      `WITH x AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(event_id uuid, seq int, kind text, lead_id uuid, actor_kind text,
                actor_id uuid, actor_unit_id uuid, title text, body text, user_ids jsonb)),
       ins AS (
         INSERT INTO notification (event_id, user_id, channel, kind, lead_id, actor_kind, actor_id, actor_unit_id, title, body)
         SELECT x.event_id, u.value::uuid, 'IN_APP', x.kind, x.lead_id, x.actor_kind, x.actor_id, x.actor_unit_id, x.title, x.body
           FROM x CROSS JOIN LATERAL jsonb_array_elements_text(x.user_ids) AS u(value)
         ON CONFLICT (event_id, user_id, channel) DO NOTHING
         RETURNING id, user_id),
       done AS (
         UPDATE notification_fanout f SET done_at = now() FROM x
          WHERE f.event_id = x.event_id AND f.seq = x.seq AND f.done_at IS NULL RETURNING 1)
       SELECT id, user_id AS "userId" FROM ins`,
      [JSON.stringify(rows)],
    );
  }

  /** Chunks planned more than `olderThanSeconds` ago and still not delivered. */
  pendingFanouts(olderThanSeconds: number, limit: number): Promise<{ eventId: string; seq: number; users: number }[]> {
    return this.db.query(
      `SELECT event_id AS "eventId", seq, cardinality(user_ids) AS users FROM notification_fanout
        WHERE seq >= 0 AND done_at IS NULL AND created_at < now() - make_interval(secs => $1) ORDER BY created_at LIMIT $2`,
      [olderThanSeconds, limit],
    );
  }

  /** Delivered plans are kept as long as the outbox keeps events (a replay finds its plan), then deleted. */
  async pruneFanouts(retentionDays: number): Promise<number> {
    const rows: unknown[] = await this.db.query(
      // Wrapped in a SELECT so every driver returns plain rows (TypeORM returns [rows, count] for DELETE/UPDATE).
      `WITH d AS (DELETE FROM notification_fanout WHERE done_at < now() - make_interval(days => $1) RETURNING 1) SELECT 1 FROM d`,
      [retentionDays],
    );
    return rows.length;
  }

  /** The chunk's users as they are now (still active), with their preferences. */
  recipientsNow(m: Queryable, userIds: string[]): Promise<RecipientWithPrefs[]> {
    return m.query(
      `SELECT ${RECIPIENT_COLUMNS}, COALESCE(np.muted_kinds, '{}') AS "mutedKinds", np.instant
         FROM app_user u JOIN org_unit ou ON ou.id = u.unit_id
         LEFT JOIN notification_preference np ON np.user_id = u.id
        WHERE u.id = ANY($1::uuid[]) AND u.active AND ou.active`,
      [userIds],
    );
  }

  /** Inbox rows, once per (event, user, channel): a second delivery inserts nothing. */
  async insertNotifications(
    m: Queryable,
    n: {
      eventId: string;
      kind: NotificationKind;
      leadId: string | null;
      actorKind: string | null;
      actorId: string | null;
      actorUnitId: string | null;
      title: string;
      body: string;
      channel?: NotificationChannel;
    },
    userIds: string[],
  ): Promise<{ id: string; userId: string }[]> {
    if (userIds.length === 0) return [];
    return m.query(
      `INSERT INTO notification (event_id, user_id, channel, kind, lead_id, actor_kind, actor_id, actor_unit_id, title, body)
       SELECT $1, u, $2, $3, $4, $5, $6, $7, $8, $9 FROM unnest($10::uuid[]) AS u
       ON CONFLICT (event_id, user_id, channel) DO NOTHING
       RETURNING id, user_id AS "userId"`,
      [
        n.eventId,
        n.channel ?? NotificationChannel.IN_APP,
        n.kind,
        n.leadId,
        n.actorKind,
        n.actorId,
        n.actorUnitId,
        n.title,
        n.body,
        userIds,
      ],
    );
  }

  // --- inbox -------------------------------------------------------------------------------------

  page(userId: string, unreadOnly: boolean, limit: number, after: [string, string] | null) {
    return newestFirstPage<NotificationRow>(this.db, {
      select: NOTIFICATION_COLUMNS,
      from: `FROM notification n WHERE n.user_id = $1 AND n.channel = 'IN_APP' ${unreadOnly ? 'AND n.read_at IS NULL' : ''}`,
      params: [userId],
      timeColumn: 'n.created_at',
      idColumn: 'n.id',
      limit,
      after,
    });
  }

  async unreadCount(userId: string, m: Queryable = this.db): Promise<number> {
    const rows: { n: number }[] = await m.query(
      `SELECT count(*)::int AS n FROM notification WHERE user_id = $1 AND channel = 'IN_APP' AND read_at IS NULL`,
      [userId],
    );
    return rows[0].n;
  }

  /** Ids of the user's own notifications among `ids`; others' ids are not theirs to touch. */
  async markRead(userId: string, ids: string[]): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      `WITH u AS (UPDATE notification SET read_at = now()
        WHERE user_id = $1 AND id = ANY($2::uuid[]) AND channel = 'IN_APP' AND read_at IS NULL RETURNING id) SELECT id FROM u`,
      [userId, ids],
    );
    return rows.map((r) => r.id);
  }

  async ownIds(userId: string, ids: string[]): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      `SELECT id FROM notification WHERE user_id = $1 AND id = ANY($2::uuid[]) AND channel = 'IN_APP'`,
      [userId, ids],
    );
    return rows.map((r) => r.id);
  }

  async markAllRead(userId: string): Promise<number> {
    const rows: unknown[] = await this.db.query(
      `WITH u AS (UPDATE notification SET read_at = now() WHERE user_id = $1 AND channel = 'IN_APP' AND read_at IS NULL RETURNING 1)
       SELECT 1 FROM u`,
      [userId],
    );
    return rows.length;
  }

  async findOwn(userId: string, id: string): Promise<NotificationRow | null> {
    const rows: NotificationRow[] = await this.db.query(
      `SELECT ${NOTIFICATION_COLUMNS} FROM notification n WHERE n.id = $1 AND n.user_id = $2`,
      [id, userId],
    );
    return rows[0] ?? null;
  }

  // --- follows -----------------------------------------------------------------------------------

  async follow(userId: string, leadId: string): Promise<void> {
    await this.db.query(
      `INSERT INTO lead_follow (user_id, lead_id) VALUES ($1, $2) ON CONFLICT (user_id, lead_id) DO NOTHING`,
      [userId, leadId],
    );
  }

  async unfollow(userId: string, leadId: string): Promise<void> {
    await this.db.query(`DELETE FROM lead_follow WHERE user_id = $1 AND lead_id = $2`, [userId, leadId]);
  }

  async followedAmong(userId: string, leadIds: readonly string[]): Promise<string[]> {
    const rows: { leadId: string }[] = await this.db.query(
      `SELECT lead_id AS "leadId" FROM lead_follow WHERE user_id = $1 AND lead_id = ANY($2::uuid[])`,
      [userId, [...leadIds]],
    );
    return rows.map((r) => r.leadId);
  }

  // --- preferences -------------------------------------------------------------------------------

  async preferences(userId: string): Promise<PreferenceRow | null> {
    const rows: PreferenceRow[] = await this.db.query(
      `SELECT muted_kinds AS "mutedKinds", industry_codes AS "industryCodes", instant, digest, email
         FROM notification_preference WHERE user_id = $1`,
      [userId],
    );
    return rows[0] ?? null;
  }

  async savePreferences(userId: string, p: PreferenceRow): Promise<void> {
    await this.db.query(
      `INSERT INTO notification_preference (user_id, muted_kinds, industry_codes, instant, digest, email, updated_at)
       VALUES ($1, $2::text[], $3::text[], $4, $5, $6, now())
       ON CONFLICT (user_id) DO UPDATE SET muted_kinds = EXCLUDED.muted_kinds, industry_codes = EXCLUDED.industry_codes,
         instant = EXCLUDED.instant, digest = EXCLUDED.digest, email = EXCLUDED.email, updated_at = now()`,
      [userId, p.mutedKinds, p.industryCodes, p.instant, p.digest, p.email],
    );
  }

  // --- digests and reminders ---------------------------------------------------------------------

  /** Users who get a digest: preference on, or unset and a VIEWER (the role default). */
  async digestUserIds(): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      `SELECT u.id FROM app_user u JOIN org_unit ou ON ou.id = u.unit_id
         LEFT JOIN notification_preference np ON np.user_id = u.id
        WHERE u.active AND ou.active AND COALESCE(np.digest, u.role = 'VIEWER') ORDER BY u.id`,
    );
    return rows.map((r) => r.id);
  }

  async recipient(m: Queryable, userId: string): Promise<(RecipientWithPrefs & { industryCodes: string[]; unitIndustries: string[]; email: string | null }) | null> {
    const rows: (RecipientWithPrefs & { industryCodes: string[]; unitIndustries: string[]; email: string | null })[] = await m.query(
      `SELECT ${RECIPIENT_COLUMNS}, COALESCE(np.muted_kinds, '{}') AS "mutedKinds", np.instant,
              COALESCE(np.industry_codes, '{}') AS "industryCodes", ou.leading_industry_codes AS "unitIndustries", np.email
         FROM app_user u JOIN org_unit ou ON ou.id = u.unit_id
         LEFT JOIN notification_preference np ON np.user_id = u.id
        WHERE u.id = $1 AND u.active AND ou.active`,
      [userId],
    );
    return rows[0] ?? null;
  }

  /** New leads of the window in the given industries that `actor` may see (the visibility rule in SQL). */
  newVisibleLeads(m: Queryable, actor: Actor, industries: string[], from: Date, to: Date): Promise<{ code: string; title: string }[]> {
    if (industries.length === 0) return Promise.resolve([]);
    const p = new SqlParams();
    const a = leadAccess(actor, p);
    return m.query(
      `SELECT l.code, l.title FROM lead l JOIN org_unit ou ON ou.id = l.owner_unit_id
        WHERE l.created_at >= ${p.add(from)} AND l.created_at < ${p.add(to)}
          AND l.industry_code = ANY(${p.add(industries)}::text[]) AND ${a.visible()}
        ORDER BY l.created_at DESC LIMIT 50`,
      p.values,
    );
  }

  /** Stage changes of the window on leads owned in the actor's subtree (and visible to it). */
  stageChangesInSubtree(m: Queryable, actor: Actor, from: Date, to: Date): Promise<{ code: string; title: string; stage: string }[]> {
    const p = new SqlParams();
    const a = leadAccess(actor, p);
    return m.query(
      `SELECT DISTINCT ON (l.id) l.code, l.title, l.stage::text AS stage FROM lead_history h
         JOIN lead l ON l.id = h.lead_id JOIN org_unit ou ON ou.id = l.owner_unit_id
        WHERE h.action = 'STAGE_CHANGED' AND h.at >= ${p.add(from)} AND h.at < ${p.add(to)}
          AND ou.path LIKE ${p.add(actor.unitPath)}::text || '%' AND ${a.visible()}
        ORDER BY l.id LIMIT 50`,
      p.values,
    );
  }

  pendingReferralsTo(m: Queryable, unitId: string): Promise<{ code: string; title: string }[]> {
    return m.query(
      `SELECT l.code, l.title FROM lead_referral r JOIN lead l ON l.id = r.lead_id
        WHERE r.to_unit_id = $1 AND r.status = 'PENDING' ORDER BY r.created_at LIMIT 50`,
      [unitId],
    );
  }

  /** Open leads whose expected landing date falls within the next `days` days (from `today`). */
  landingSoon(today: string, days: number): Promise<{ id: string; code: string; title: string; ownerPath: string; date: string }[]> {
    return this.db.query(
      `SELECT l.id, l.code, l.title, ou.path AS "ownerPath", to_char(l.expected_landing_date, 'YYYY-MM-DD') AS date
         FROM lead l JOIN org_unit ou ON ou.id = l.owner_unit_id
        WHERE l.stage IN ('LEAD', 'NEGOTIATING', 'SIGNED')
          AND l.expected_landing_date >= $1::date AND l.expected_landing_date <= $1::date + $2::int
        ORDER BY l.expected_landing_date, l.id`,
      [today, days],
    );
  }

  /** Open leads with no change and no activity recorded for `days` days. */
  staleLeads(days: number): Promise<{ id: string; code: string; title: string; ownerUnitId: string; lastAt: string }[]> {
    return this.db.query(
      `SELECT l.id, l.code, l.title, l.owner_unit_id AS "ownerUnitId", q.last_at::text AS "lastAt"
         FROM lead l
         CROSS JOIN LATERAL (SELECT GREATEST(l.updated_at, COALESCE((SELECT max(a.created_at) FROM lead_activity a WHERE a.lead_id = l.id), l.updated_at)) AS last_at) q
        WHERE l.stage IN ('LEAD', 'NEGOTIATING', 'SIGNED') AND q.last_at < now() - make_interval(days => $1)
        ORDER BY l.id`,
      [days],
    );
  }
}
