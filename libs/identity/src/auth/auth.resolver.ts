import { Args, Mutation, Parent, Query, ResolveField, Resolver, Context } from '@nestjs/graphql';
import { type Actor, CurrentActor, type GqlContext, Public } from '@zs/common';
import { OrgUnitLoader, OrgUnitModel, type OrgUnitEntity } from '@zs/org';
import { UserModel } from '../users/user.model';
import { UserRepository } from '../users/user.repository';
import { ApiClientModel } from '../api-clients/api-client.model';
import { ApiClientService } from '../api-clients/api-client.service';
import { AuthService } from './auth.service';
import { CallerUnion, LoginPayloadModel } from './auth.model';

@Resolver()
export class AuthResolver {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UserRepository,
    private readonly apiClients: ApiClientService,
  ) {}

  @Public()
  @Mutation(() => LoginPayloadModel, { description: 'Exchange username and password for an access token' })
  async login(
    @Args('username') username: string,
    @Args('password') password: string,
    @Context() ctx: GqlContext,
  ): Promise<LoginPayloadModel> {
    const result = await this.auth.login(username, password, ctx.req.ip);
    const user = await this.users.findById(result.userId);
    return { accessToken: result.accessToken, expiresAt: result.expiresAt, user: user! };
  }

  @Mutation(() => Boolean, {
    description: 'Revokes every access token of the calling user (on every device); API clients get FORBIDDEN',
  })
  async logout(@CurrentActor() actor: Actor): Promise<boolean> {
    await this.auth.logout(actor);
    return true;
  }

  @Mutation(() => Boolean, {
    description:
      'Changes the calling user\'s password and revokes every access token of the user (log in again). ' +
      'A wrong current password is UNAUTHENTICATED and counts as a failed login',
  })
  async changePassword(
    @CurrentActor() actor: Actor,
    @Args('currentPassword') currentPassword: string,
    @Args('newPassword') newPassword: string,
    @Context() ctx: GqlContext,
  ): Promise<boolean> {
    await this.auth.changePassword(actor, currentPassword, newPassword, ctx.req.ip);
    return true;
  }

  @Query(() => CallerUnion, { description: 'The caller: a user with role and unit, or an API client with scopes' })
  async me(@CurrentActor() actor: Actor): Promise<typeof CallerUnion> {
    switch (actor.kind) {
      case 'user':
        return (await this.users.findById(actor.id))!;
      case 'apiClient':
        return (await this.apiClients.findById(actor.id))!;
      default: {
        const unreachable: never = actor;
        return unreachable;
      }
    }
  }
}

/** `unit` on users and API clients, batched per request. */
@Resolver(() => UserModel)
export class UserUnitResolver {
  constructor(private readonly units: OrgUnitLoader) {}

  @ResolveField(() => OrgUnitModel)
  async unit(@Parent() user: UserModel, @Context() ctx: GqlContext): Promise<OrgUnitEntity> {
    return (await this.units.byId(ctx).load(user.unitId))!;
  }
}

@Resolver(() => ApiClientModel)
export class ApiClientUnitResolver {
  constructor(private readonly units: OrgUnitLoader) {}

  @ResolveField(() => OrgUnitModel)
  async unit(@Parent() client: ApiClientModel, @Context() ctx: GqlContext): Promise<OrgUnitEntity> {
    return (await this.units.byId(ctx).load(client.unitId))!;
  }
}
