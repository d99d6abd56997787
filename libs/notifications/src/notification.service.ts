import { Injectable } from '@nestjs/common';
import { type Actor, AccessDeniedException, EntityNotFoundException, FieldErrors, Role, ValidationException, isUuid } from '@zs/common';
import { CodeItemService, CodeKind } from '@zs/codes';
import { LeadRepository } from '@zs/leads';
import type { NotificationPreferencesInput } from './dto/notification-preferences.input';
import type { NotificationKind } from './notification.entity';
import { NotificationHub } from './notification-hub';
import { NotificationRepository, type NotificationRow, type PreferenceRow } from './notification.repository';

export interface Preferences {
  mutedKinds: NotificationKind[];
  industryCodes: string[];
  instant: boolean;
  digest: boolean;
  email: string | null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Ids one markNotificationsRead may name. */
export const MAX_MARK_IDS = 100;

function user(actor: Actor): Extract<Actor, { kind: 'user' }> {
  if (actor.kind !== 'user') throw new AccessDeniedException('Notifications are for users; partners subscribe with webhooks');
  return actor;
}

/** The inbox, follows and preferences of the calling user. */
@Injectable()
export class NotificationService {
  constructor(
    private readonly repo: NotificationRepository,
    private readonly leads: LeadRepository,
    private readonly codes: CodeItemService,
    private readonly hub: NotificationHub,
  ) {}

  page(actor: Actor, unreadOnly: boolean, limit: number, after: [string, string] | null): Promise<{ rows: NotificationRow[]; total: number }> {
    return this.repo.page(user(actor).id, unreadOnly, limit, after);
  }

  unreadCount(actor: Actor): Promise<number> {
    return this.repo.unreadCount(user(actor).id);
  }

  /** Marks the caller's own notifications read; an id that is not theirs is NOT_FOUND (and nothing changes). */
  async markRead(actor: Actor, ids: string[]): Promise<string[]> {
    const u = user(actor);
    if (ids.length > MAX_MARK_IDS) throw ValidationException.field('ids', `at most ${MAX_MARK_IDS} ids`);
    const errors = new FieldErrors();
    ids.forEach((id, i) => {
      if (!isUuid(id)) errors.add(`ids.${i}`, 'is not a valid id');
    });
    errors.throwIfAny();
    const unique = [...new Set(ids)];
    const own = await this.repo.ownIds(u.id, unique);
    if (own.length !== unique.length) throw new EntityNotFoundException('Notification');
    const changed = await this.repo.markRead(u.id, unique);
    if (changed.length) await this.hub.publish([{ type: 'count', userId: u.id }]);
    return unique;
  }

  async markAllRead(actor: Actor): Promise<number> {
    const u = user(actor);
    const n = await this.repo.markAllRead(u.id);
    if (n) await this.hub.publish([{ type: 'count', userId: u.id }]);
    return n;
  }

  findOwn(actor: Actor, id: string): Promise<NotificationRow | null> {
    return this.repo.findOwn(user(actor).id, id);
  }

  /** Following needs sight of the lead: an invisible lead is NOT_FOUND, exactly like a missing one. */
  async follow(actor: Actor, leadId: string, follow: boolean): Promise<string> {
    const u = user(actor);
    if (!isUuid(leadId) || !(await this.leads.findVisible(u, leadId))) throw new EntityNotFoundException('Lead');
    if (follow) await this.repo.follow(u.id, leadId);
    else await this.repo.unfollow(u.id, leadId);
    return leadId;
  }

  followedAmong(actor: Actor, leadIds: readonly string[]): Promise<string[]> {
    if (actor.kind !== 'user') return Promise.resolve([]);
    return this.repo.followedAmong(actor.id, leadIds);
  }

  async preferences(actor: Actor): Promise<Preferences> {
    const u = user(actor);
    return withDefaults(u.role, await this.repo.preferences(u.id));
  }

  async updatePreferences(actor: Actor, input: NotificationPreferencesInput): Promise<Preferences> {
    const u = user(actor);
    const current = (await this.repo.preferences(u.id)) ?? { mutedKinds: [], industryCodes: [], instant: null, digest: null, email: null };
    const errors = new FieldErrors();
    const next: PreferenceRow = { ...current };
    if (input.mutedKinds !== undefined) next.mutedKinds = [...new Set(input.mutedKinds ?? [])];
    if (input.industryCodes !== undefined) {
      const codes = [...new Set((input.industryCodes ?? []).map((c) => c.trim()))];
      if (codes.length > 20) errors.add('input.industryCodes', 'at most 20 industry codes');
      else await this.codes.validateActive(errors, CodeKind.INDUSTRY, codes.map((code, i) => ({ path: `input.industryCodes.${i}`, code })));
      next.industryCodes = codes;
    }
    if (input.instant !== undefined) next.instant = input.instant;
    if (input.digest !== undefined) next.digest = input.digest;
    if (input.email !== undefined) {
      const email = input.email?.trim() || null;
      if (email && (email.length > 254 || !EMAIL.test(email))) errors.add('input.email', 'is not a valid e-mail address');
      next.email = email;
    }
    errors.throwIfAny();
    await this.repo.savePreferences(u.id, next);
    return withDefaults(u.role, next);
  }
}

export function withDefaults(role: Role, p: PreferenceRow | null): Preferences {
  return {
    mutedKinds: (p?.mutedKinds ?? []) as NotificationKind[],
    industryCodes: p?.industryCodes ?? [],
    instant: p?.instant ?? role !== Role.VIEWER,
    digest: p?.digest ?? role === Role.VIEWER,
    email: p?.email ?? null,
  };
}
