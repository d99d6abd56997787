import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type Actor, Role, type Tier, pathIds } from '@zs/common';
import { DomainEventType, type OutboxEvent } from '@zs/outbox';
import { audienceIntersects, callerAudienceTokens, leadAudienceTokens } from '@zs/leads';
import { type FanoutChunk, NotificationKind, type RecipientRow } from './notification.entity';
import { type CandidateSpec, type LeadFacts, NotificationRepository, type UserDirectory } from './notification.repository';
import { type Text, texts } from './notification-text';

/** Recipients per stage-2 job: a chunk is one insert statement and one job. */
export const FANOUT_CHUNK_SIZE = 200;

const SCOPE_RANK: Record<string, number> = { PRIVATE: 0, DISTRICT: 1, CITY: 2, PUBLIC: 3 };
/** Stages the owner chain hears about (docs/notifications.md "Who hears what"). */
const CHAIN_STAGES = new Set(['SIGNED', 'LANDED', 'OPERATING', 'LOST']);

/** A user row as the Actor the visibility rule takes. */
export function actorOfRecipient(r: RecipientRow): Actor {
  return { kind: 'user', id: r.id, username: r.username, role: r.role as Role, unitId: r.unitId, unitPath: r.unitPath, unitTier: r.unitTier as Tier };
}

/** The visibility rule in its data form (lead-audience.ts): may this user see the lead now? */
export function maySee(lead: LeadFacts, r: RecipientRow, leadTokens = leadAudienceTokens(lead)): boolean {
  return audienceIntersects(leadTokens, callerAudienceTokens(actorOfRecipient(r)));
}

/** What planBatch loads once for all its events. */
interface Prefetched {
  lead: LeadFacts | null;
  actorUnit: { id: string; name: string } | null;
  directory: UserDirectory;
}

interface Group {
  kind: NotificationKind;
  lead: LeadFacts;
  text: Text;
  candidates: CandidateSpec;
  /** Further leads the recipient must be able to see (a conflict's other lead). */
  alsoVisible?: LeadFacts[];
  /** The recipient must also be able to see at least one of these leads. */
  anyVisible?: LeadFacts[];
}

/**
 * Stage 1: who hears of an event, and what they read. Reloads the current state through the
 * delivery's manager, takes the candidates each rule names, keeps those who may see the lead now
 * (never the actor), and splits them into chunks for stage 2.
 */
@Injectable()
export class NotificationPlanner {
  constructor(private readonly repo: NotificationRepository) {}

  /**
   * Plans many events at once with a fixed number of statements: their leads, the actors' units, and
   * every active user (with interests) and the follows of these leads, matched in memory. Events that
   * need more (referrals, assignments, conflicts) load that themselves.
   */
  async planBatch(events: OutboxEvent[], m: EntityManager): Promise<Map<string, FanoutChunk[]>> {
    const leadIds = [...new Set(events.map((e) => e.leadId).filter((id): id is string => id !== null))];
    const [facts, units, directory] = await Promise.all([
      this.repo.leadFactsMany(m, leadIds),
      this.repo.actorUnits(m, events),
      this.repo.directory(m, leadIds),
    ]);
    const out = new Map<string, FanoutChunk[]>();
    for (const e of events) {
      out.set(e.eventId, await this.plan(e, m, { lead: e.leadId ? (facts.get(e.leadId) ?? null) : null, actorUnit: units.get(`${e.actorKind}:${e.actorId}`) ?? null, directory }));
    }
    return out;
  }

  async plan(event: OutboxEvent, m: EntityManager, pre?: Prefetched): Promise<FanoutChunk[]> {
    if (!event.leadId) return [];
    const lead = pre ? pre.lead : await this.repo.leadFacts(m, event.leadId);
    if (!lead) return [];
    const actorUnit = pre ? pre.actorUnit : await this.repo.actorUnit(m, event.actorKind, event.actorId);
    const actorName = actorUnit?.name ?? '系统';
    const groups = await this.groups(event, lead, actorName, m);

    const told = new Set<string>();
    if (event.actorKind === 'user' && event.actorId) told.add(event.actorId); // never the actor
    const chunks: FanoutChunk[] = [];
    // Each user is told once, by the first group that keeps them.
    const specs = groups.map((g) => g.candidates);
    const candidates = pre ? pre.directory.match(specs) : await this.repo.candidateGroups(m, specs);
    for (const [gi, g] of groups.entries()) {
      const tokens = leadAudienceTokens(g.lead);
      const others = (g.alsoVisible ?? []).map((l) => leadAudienceTokens(l));
      const anyOf = (g.anyVisible ?? []).map((l) => leadAudienceTokens(l));
      const users = candidates.filter(
        (r) =>
          r.groups.includes(gi) &&
          !told.has(r.id) &&
          maySee(g.lead, r, tokens) &&
          others.every((t) => maySee(g.lead, r, t)) &&
          (anyOf.length === 0 || anyOf.some((t) => maySee(g.lead, r, t))),
      );
      for (const u of users) told.add(u.id);
      for (let i = 0; i < users.length; i += FANOUT_CHUNK_SIZE) {
        chunks.push({
          eventId: event.eventId,
          seq: chunks.length,
          kind: g.kind,
          leadId: g.lead.id,
          actorKind: event.actorKind,
          actorId: event.actorId,
          actorUnitId: actorUnit?.id ?? null,
          title: g.text.title,
          body: g.text.body,
          userIds: users.slice(i, i + FANOUT_CHUNK_SIZE).map((u) => u.id),
        });
      }
    }
    return chunks;
  }

  /** The rule groups of an event, most specific first (a user in two groups hears it once, from the first). */
  private async groups(event: OutboxEvent, lead: LeadFacts, actorName: string, m: EntityManager): Promise<Group[]> {
    const p = event.payload;
    const followers = (kind: NotificationKind, text: Text): Group => ({ kind, lead, text, candidates: { followersOf: lead.id } });
    const generic = () => followers(kindOf(event.type), texts.followed(lead, actorName));
    switch (event.type) {
      case DomainEventType.LeadCreated:
      case DomainEventType.LeadShared: {
        const created = event.type === DomainEventType.LeadCreated;
        const from = created ? 'PRIVATE' : String(p.from);
        const to = String(p.to ?? p.sharingScope ?? lead.sharingScope);
        const text = texts.shared(lead, actorName, to, created);
        const out: Group[] = [];
        if (SCOPE_RANK[to] > SCOPE_RANK[from]) out.push({ kind: NotificationKind.LEAD_SHARED, lead, text, candidates: this.sharedAudience(lead, to) });
        out.push(followers(created ? NotificationKind.LEAD_UPDATED : NotificationKind.LEAD_SHARED, text));
        return out;
      }
      case DomainEventType.LeadStageChanged: {
        const text = texts.stage(lead, actorName, p.from, p.to);
        const out: Group[] = [];
        if (CHAIN_STAGES.has(String(p.to))) {
          out.push({ kind: NotificationKind.LEAD_STAGE_CHANGED, lead, text, candidates: { unitIds: pathIds(lead.ownerPath) } });
        }
        out.push(followers(NotificationKind.LEAD_STAGE_CHANGED, text));
        return out;
      }
      case DomainEventType.LeadReferred: {
        const to = await this.repo.unit(m, String(p.toUnitId));
        if (!to) return [generic()];
        return [
          { kind: NotificationKind.LEAD_REFERRED, lead, text: texts.referred(lead, actorName, to.name), candidates: { unitIds: [to.id] } },
          generic(),
        ];
      }
      case DomainEventType.ReferralAnswered: {
        const r = await this.repo.referral(m, String(p.referralId));
        if (!r) return [generic()];
        const accepted = p.accepted === true;
        return [
          { kind: NotificationKind.REFERRAL_ANSWERED, lead, text: texts.answered(lead, actorName, accepted), candidates: { unitIds: [r.fromUnitId] } },
          generic(),
        ];
      }
      case DomainEventType.LeadAssigned: {
        const to = await this.repo.unit(m, String(p.unitId));
        if (!to) return [generic()];
        return [
          { kind: NotificationKind.LEAD_ASSIGNED, lead, text: texts.assigned(lead, actorName, to.name), candidates: { unitIds: [to.id] } },
          generic(),
        ];
      }
      case DomainEventType.ConflictDetected:
      case DomainEventType.ConflictResolved:
        return this.conflictGroups(event, lead, actorName, m);
      case DomainEventType.LeadUpdated:
      case DomainEventType.LeadActivityAdded:
      case DomainEventType.ReferralWithdrawn:
      case DomainEventType.LeadAddedToEvent:
      case DomainEventType.LeadRemovedFromEvent:
        return [generic()];
      // A signing at an event also moves the stage (its own lead.stage_changed tells the chain);
      // events and targets are no lead's news.
      case DomainEventType.LeadSignedAtEvent:
      case DomainEventType.MatchmakingEventCreated:
      case DomainEventType.MatchmakingEventUpdated:
      case DomainEventType.UnitTargetsSet:
        return [];
      default: {
        const unreachable: never = event.type;
        throw new Error(`unhandled event type ${String(unreachable)}`);
      }
    }
  }

  /**
   * DISTRICT: the owner's district subtree. CITY and PUBLIC: the city unit, the zones whose leading
   * industries include the lead's, and users interested in that industry. (PUBLIC also reaches
   * partner webhooks, which libs/webhooks serves.)
   */
  private sharedAudience(lead: LeadFacts, scope: string): CandidateSpec {
    const ids = pathIds(lead.ownerPath);
    if (scope === 'DISTRICT') return { subtreePaths: [`/${ids.slice(0, 2).join('/')}/`] };
    return { unitIds: [ids[0]], zonesWithIndustry: lead.industryCode, interestedInIndustry: lead.industryCode };
  }

  /**
   * The coordinating unit (the event's lead and a peer named), and each owner unit about its own lead
   * only. An owner learns of a conflict only where the leads library shows it a conflict notice: it
   * must be able to see a peer of its lead in the case, a lead of another unit with the same investor
   * (knownConflict / conflictPeer in lead-visibility.ts); otherwise it is told nothing.
   * Followers are not told: conflicts are detail of the owner and assigned chains.
   */
  private async conflictGroups(event: OutboxEvent, lead: LeadFacts, actorName: string, m: EntityManager): Promise<Group[]> {
    const c = await this.repo.conflict(m, String(event.payload.conflictId));
    if (!c || c.members.length < 2) return [];
    const facts = await this.repo.leadFactsMany(m, c.members.map((x) => x.leadId));
    const member = new Map(c.members.map((x) => [x.leadId, x]));
    const peersOf = (id: string): LeadFacts[] => {
      const me = member.get(id)!;
      return c.members
        .filter(
          (o) =>
            o.leadId !== id &&
            o.ownerUnitId !== me.ownerUnitId &&
            (o.nameNorm === me.nameNorm || (me.uscc !== null && o.uscc === me.uscc)),
        )
        .flatMap((o) => facts.get(o.leadId) ?? []);
    };
    const first = facts.get(lead.id) ?? facts.get(c.members[0].leadId);
    if (!first) return [];
    const second = peersOf(first.id)[0] ?? [...facts.values()].find((f) => f.id !== first.id);
    if (!second) return [];
    const coordinator = await this.repo.unit(m, c.coordinatingUnitId);
    const resolved = event.type === DomainEventType.ConflictResolved;
    const kind = resolved ? NotificationKind.CONFLICT_RESOLVED : NotificationKind.CONFLICT_DETECTED;
    // Detected: the leads that joined (the rest already knew of the case); resolved: every member.
    const joined = Array.isArray(event.payload.leadIds) ? event.payload.leadIds.map(String) : [];
    const focus = resolved || joined.length === 0 ? [...facts.keys()] : [...new Set([first.id, ...joined, ...peersOf(first.id).map((p) => p.id)])];
    return [
      {
        kind,
        lead: first,
        alsoVisible: [second],
        text: texts.conflictForCoordinator(first, second, actorName, resolved),
        candidates: { unitIds: [c.coordinatingUnitId] },
      },
      ...focus.flatMap<Group>((id) => {
        const own = facts.get(id);
        const peers = peersOf(id);
        if (!own || peers.length === 0) return [];
        return [
          {
            kind,
            lead: own,
            anyVisible: peers,
            text: texts.conflictForOwner(own, coordinator?.name ?? '上级单位', actorName, resolved),
            candidates: { unitIds: [own.ownerUnitId] },
          },
        ];
      }),
    ];
  }
}

/** The kind followers get for an event. */
export function kindOf(type: DomainEventType): NotificationKind {
  switch (type) {
    case DomainEventType.LeadCreated:
    case DomainEventType.LeadUpdated:
      return NotificationKind.LEAD_UPDATED;
    case DomainEventType.LeadStageChanged:
      return NotificationKind.LEAD_STAGE_CHANGED;
    case DomainEventType.LeadShared:
      return NotificationKind.LEAD_SHARED;
    case DomainEventType.LeadReferred:
      return NotificationKind.LEAD_REFERRED;
    case DomainEventType.ReferralAnswered:
      return NotificationKind.REFERRAL_ANSWERED;
    case DomainEventType.ReferralWithdrawn:
      return NotificationKind.REFERRAL_WITHDRAWN;
    case DomainEventType.LeadAssigned:
      return NotificationKind.LEAD_ASSIGNED;
    case DomainEventType.LeadActivityAdded:
      return NotificationKind.LEAD_ACTIVITY_ADDED;
    case DomainEventType.ConflictDetected:
      return NotificationKind.CONFLICT_DETECTED;
    case DomainEventType.ConflictResolved:
      return NotificationKind.CONFLICT_RESOLVED;
    case DomainEventType.LeadAddedToEvent:
    case DomainEventType.LeadRemovedFromEvent:
    case DomainEventType.LeadSignedAtEvent:
    case DomainEventType.MatchmakingEventCreated:
    case DomainEventType.MatchmakingEventUpdated:
    case DomainEventType.UnitTargetsSet:
      return NotificationKind.LEAD_UPDATED;
    default: {
      const unreachable: never = type;
      throw new Error(`unhandled event type ${String(unreachable)}`);
    }
  }
}
