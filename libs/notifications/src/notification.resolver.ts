import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import {
  type Actor,
  AccessDeniedException,
  ConnectionType,
  CurrentActor,
  type Connection,
  type GqlContext,
  keysetConnection,
  keysetCursor,
  pageSize,
  requestLoader,
} from '@zs/common';
import DataLoader from 'dataloader';
import { UserModel, type UserEntity } from '@zs/identity';
import { LeadLoader, LeadModel, type VisibleLead } from '@zs/leads';
import { OrgUnitLoader, OrgUnitModel, type OrgUnitEntity } from '@zs/org';
import { NotificationPreferencesInput } from './dto/notification-preferences.input';
import { NotificationModel, NotificationPreferencesModel } from './notification.model';
import type { NotificationRow } from './notification.repository';
import { type Preferences, NotificationService } from './notification.service';
import { NotificationHub, type HubMessage } from './notification-hub';

const NotificationConnection = ConnectionType(NotificationModel, 'Notification');

/**
 * Hub messages of one user as an async iterator, mapped (one at a time, in order) by `map`; `null`
 * results are skipped. Ends when the client unsubscribes or the socket closes.
 */
function live<T>(hub: NotificationHub, userId: string, accept: (m: HubMessage) => boolean, map: (m: HubMessage) => Promise<T | null>): AsyncIterableIterator<T> {
  const queue: HubMessage[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  let stop: (() => void) | undefined;
  const started = hub.listen(userId, (m) => {
    if (!accept(m)) return;
    queue.push(m);
    wake?.();
  });
  const finish = async () => {
    done = true;
    wake?.();
    (stop ?? (await started))();
  };
  const it: AsyncIterableIterator<T> = {
    async next(): Promise<IteratorResult<T>> {
      stop ??= await started;
      while (!done) {
        const m = queue.shift();
        if (m) {
          const value = await map(m);
          if (value !== null) return { value, done: false };
          continue;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
      return { value: undefined, done: true };
    },
    async return(): Promise<IteratorResult<T>> {
      await finish();
      return { value: undefined, done: true };
    },
    async throw(err: unknown): Promise<IteratorResult<T>> {
      await finish();
      throw err;
    },
    [Symbol.asyncIterator]() {
      return it;
    },
  };
  return it;
}

function userOf(actor: Actor): Extract<Actor, { kind: 'user' }> {
  if (actor.kind !== 'user') throw new AccessDeniedException('Notifications are for users; partners subscribe with webhooks');
  return actor;
}

@Resolver(() => NotificationModel)
export class NotificationResolver {
  constructor(
    private readonly service: NotificationService,
    private readonly hub: NotificationHub,
    private readonly leads: LeadLoader,
    private readonly units: OrgUnitLoader,
  ) {}

  @Query(() => NotificationConnection, { description: 'Your in-app notifications, newest first' })
  async notifications(
    @CurrentActor() actor: Actor,
    @Args('unreadOnly', { type: () => Boolean, nullable: true, defaultValue: false }) unreadOnly?: boolean | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first?: number | null,
    @Args('after', { type: () => String, nullable: true }) after?: string | null,
  ): Promise<Connection<NotificationRow>> {
    const limit = pageSize(first);
    const cursor = keysetCursor(after);
    return keysetConnection(await this.service.page(actor, unreadOnly ?? false, limit, cursor), limit, cursor);
  }

  @Query(() => Int, { description: 'How many of your in-app notifications are unread' })
  unreadNotificationCount(@CurrentActor() actor: Actor): Promise<number> {
    return this.service.unreadCount(actor);
  }

  @Mutation(() => [NotificationModel], { description: 'Marks your notifications read (at most 100 ids); an id that is not yours is NOT_FOUND' })
  async markNotificationsRead(
    @CurrentActor() actor: Actor,
    @Args('ids', { type: () => [ID] }) ids: string[],
  ): Promise<NotificationRow[]> {
    const marked = await this.service.markRead(actor, ids);
    const rows = await Promise.all(marked.map((id) => this.service.findOwn(actor, id)));
    return rows.filter((r): r is NotificationRow => r !== null);
  }

  @Mutation(() => Int, { description: 'Marks every notification of yours read; returns how many were unread' })
  markAllNotificationsRead(@CurrentActor() actor: Actor): Promise<number> {
    return this.service.markAllRead(actor);
  }

  @Subscription(() => NotificationModel, {
    description: 'Your notifications as they arrive (graphql-ws on /graphql; credentials in the connection params)',
  })
  notificationAdded(@CurrentActor() actor: Actor, @Context() ctx: GqlContext): AsyncIterableIterator<{ notificationAdded: NotificationRow }> {
    const u = userOf(actor);
    return live(
      this.hub,
      u.id,
      (m) => m.type === 'added',
      async (m) => {
        if (m.type !== 'added') return null;
        // Per-event state: loaders and visibility are fresh for every notification, never per socket.
        ctx.loaders.clear();
        const row = await this.service.findOwn(u, m.notificationId);
        return row ? { notificationAdded: row } : null;
      },
    );
  }

  @Subscription(() => Int, {
    name: 'unreadNotificationCount',
    description: 'Your unread count: now, then whenever it changes',
  })
  unreadNotificationCountLive(@CurrentActor() actor: Actor): AsyncIterableIterator<{ unreadNotificationCount: number }> {
    const u = userOf(actor);
    let last: number | null = null;
    let first = true;
    const it = live(
      this.hub,
      u.id,
      (m) => m.type === 'count',
      async () => {
        const n = await this.service.unreadCount(u);
        if (n === last) return null;
        last = n;
        return { unreadNotificationCount: n };
      },
    );
    // The current value first, so a client needs no separate query.
    const next = it.next.bind(it);
    it.next = async () => {
      if (first) {
        first = false;
        last = await this.service.unreadCount(u);
        return { value: { unreadNotificationCount: last }, done: false };
      }
      return next();
    };
    return it;
  }

  @ResolveField(() => LeadModel, { nullable: true, description: 'Null once you may no longer see the lead' })
  lead(@Parent() n: NotificationRow, @Context() ctx: GqlContext): Promise<VisibleLead | null> | null {
    return n.leadId ? this.leads.visible(ctx, ctx.actor!).load(n.leadId) : null;
  }

  @ResolveField(() => UserModel, { nullable: true, description: 'The user who acted; null for the system and API clients' })
  actor(@Parent() n: NotificationRow, @Context() ctx: GqlContext): Promise<UserEntity | null> | null {
    return this.leads.person(ctx, n.actorKind ?? 'system', n.actorId);
  }

  @ResolveField(() => OrgUnitModel, { nullable: true, description: 'The unit the actor acted for' })
  actorUnit(@Parent() n: NotificationRow, @Context() ctx: GqlContext): Promise<OrgUnitEntity | null> | null {
    return n.actorUnitId ? this.units.byId(ctx).load(n.actorUnitId) : null;
  }
}

@Resolver(() => LeadModel)
export class LeadFollowResolver {
  constructor(
    private readonly service: NotificationService,
    private readonly leads: LeadLoader,
  ) {}

  @Mutation(() => LeadModel, { description: 'Be notified of every change of the lead' })
  async followLead(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string, @Context() ctx: GqlContext): Promise<VisibleLead> {
    await this.service.follow(actor, id, true);
    return (await this.leads.visible(ctx, actor).load(id))!;
  }

  @Mutation(() => LeadModel, { description: 'Stop following the lead' })
  async unfollowLead(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string, @Context() ctx: GqlContext): Promise<VisibleLead> {
    await this.service.follow(actor, id, false);
    return (await this.leads.visible(ctx, actor).load(id))!;
  }

  @ResolveField(() => Boolean, { description: 'Whether you follow the lead (always false for API clients)' })
  followedByMe(@Parent() lead: VisibleLead, @Context() ctx: GqlContext): Promise<boolean> {
    const actor = ctx.actor!;
    return requestLoader(
      ctx,
      'lead.followedByMe',
      () =>
        new DataLoader<string, boolean>(async (ids) => {
          const followed = new Set(await this.service.followedAmong(actor, ids));
          return ids.map((id) => followed.has(id));
        }),
    ).load(lead.id);
  }
}

@Resolver(() => NotificationPreferencesModel)
export class NotificationPreferencesResolver {
  constructor(private readonly service: NotificationService) {}

  @Query(() => NotificationPreferencesModel, { description: 'Your notification preferences (role defaults where unset)' })
  notificationPreferences(@CurrentActor() actor: Actor): Promise<Preferences> {
    return this.service.preferences(actor);
  }

  @Mutation(() => NotificationPreferencesModel)
  updateNotificationPreferences(
    @CurrentActor() actor: Actor,
    @Args('input', { type: () => NotificationPreferencesInput }) input: NotificationPreferencesInput,
  ): Promise<Preferences> {
    return this.service.updatePreferences(actor, input);
  }
}
