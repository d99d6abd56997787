import { Field, ObjectType, createUnionType } from '@nestjs/graphql';
import { UserModel } from '../users/user.model';
import { ApiClientModel } from '../api-clients/api-client.model';

@ObjectType('LoginPayload')
export class LoginPayloadModel {
  @Field()
  accessToken!: string;

  @Field()
  expiresAt!: Date;

  @Field(() => UserModel)
  user!: UserModel;
}

export const CallerUnion = createUnionType({
  name: 'Caller',
  description: 'Whoever sends the request: a signed-in user or a partner API client',
  types: () => [UserModel, ApiClientModel] as const,
  resolveType: (value: { username?: string }) => (value.username !== undefined ? UserModel : ApiClientModel),
});
