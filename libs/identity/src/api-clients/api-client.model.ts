import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { ConnectionType } from '@zs/common';

@ObjectType('ApiClient', { description: 'A partner developer key acting for a unit' })
export class ApiClientModel {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => [String], { description: 'e.g. leads:read, leads:write' })
  scopes!: string[];

  @Field(() => Int)
  rateLimitPerMinute!: number;

  @Field({ description: 'The first characters of the key, to tell keys apart; the key itself is never stored' })
  keyPrefix!: string;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'Set once the key is revoked; a revoked key authenticates nobody' })
  revokedAt!: Date | null;

  unitId!: string;
}

export const ApiClientConnection = ConnectionType(ApiClientModel, 'ApiClient');

@ObjectType('CreateApiKeyPayload')
export class CreateApiKeyPayloadModel {
  @Field({ description: 'The key, shown this once: only its hash is stored' })
  key!: string;

  @Field(() => ApiClientModel)
  apiKey!: ApiClientModel;
}
