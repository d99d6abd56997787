import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { type Actor, type Connection, CurrentActor } from '@zs/common';
import { ApiClientConnection, ApiClientModel, CreateApiKeyPayloadModel } from './api-client.model';
import { CreateApiKeyInput } from './dto/api-client.input';
import { ApiClientService } from './api-client.service';

/** API key administration, for ADMINs and the units of their subtree. */
@Resolver(() => ApiClientModel)
export class ApiKeyAdminResolver {
  constructor(private readonly clients: ApiClientService) {}

  @Query(() => ApiClientConnection, { description: 'API keys of units in your subtree (ADMIN), by name' })
  apiKeys(
    @CurrentActor() actor: Actor,
    @Args('unitId', { type: () => ID, nullable: true }) unitId: string | null,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Args('includeRevoked', { type: () => Boolean, nullable: true, defaultValue: false }) includeRevoked: boolean,
  ): Promise<Connection<ApiClientModel>> {
    return this.clients.page(actor, { unitId, first, after, includeRevoked });
  }

  @Mutation(() => CreateApiKeyPayloadModel, { description: 'Creates a key for a unit of your subtree; the key is shown only here' })
  async createApiKey(@CurrentActor() actor: Actor, @Args('input') input: CreateApiKeyInput): Promise<CreateApiKeyPayloadModel> {
    const { client, key } = await this.clients.createAs(actor, input);
    return { key, apiKey: client };
  }

  @Mutation(() => ApiClientModel, { description: 'Revokes a key at once (its next request is UNAUTHENTICATED); its name can be reused' })
  revokeApiKey(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string): Promise<ApiClientModel> {
    return this.clients.revokeAs(actor, id);
  }
}
