import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { type Actor, type Connection, CurrentActor } from '@zs/common';
import { UserConnection, UserModel } from './user.model';
import { CreateUserInput, UpdateUserInput } from './dto/user.input';
import { UserService } from './user.service';

/**
 * User administration: ADMINs for the users of their unit's subtree, MANAGERs for those of their own
 * unit (granting at most MANAGER). A user out of reach is NOT_FOUND, like one that does not exist.
 */
@Resolver(() => UserModel)
export class UserAdminResolver {
  constructor(private readonly service: UserService) {}

  @Query(() => UserConnection, {
    description: 'The users you administer (ADMIN: your subtree; MANAGER: your unit), by username; unitId narrows to one unit',
  })
  users(
    @CurrentActor() actor: Actor,
    @Args('unitId', { type: () => ID, nullable: true }) unitId: string | null,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<Connection<UserModel>> {
    return this.service.page(actor, { unitId, first, after });
  }

  @Mutation(() => UserModel, { description: 'Creates a user in a unit you administer, with a role at most your own' })
  createUser(@CurrentActor() actor: Actor, @Args('input') input: CreateUserInput): Promise<UserModel> {
    return this.service.createAs(actor, input);
  }

  @Mutation(() => UserModel, { description: "Changes a user's role, unit or display name; not your own role or unit" })
  updateUser(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdateUserInput,
  ): Promise<UserModel> {
    return this.service.update(actor, id, input);
  }

  @Mutation(() => UserModel, { description: 'Deactivates a user and revokes every token of theirs' })
  deactivateUser(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string): Promise<UserModel> {
    return this.service.deactivate(actor, id);
  }

  @Mutation(() => UserModel, {
    description: "Sets a user's password and revokes every token of theirs; for your own password use changePassword",
  })
  resetUserPassword(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Args('newPassword') newPassword: string,
  ): Promise<UserModel> {
    return this.service.resetPassword(actor, id, newPassword);
  }
}
