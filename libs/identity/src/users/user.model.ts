import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionType, Role } from '@zs/common';

registerEnumType(Role, { name: 'Role', description: 'ADMIN > MANAGER > OFFICER > VIEWER' });

@ObjectType('User')
export class UserModel {
  @Field(() => ID)
  id!: string;

  @Field()
  username!: string;

  @Field()
  displayName!: string;

  @Field(() => Role)
  role!: Role;

  @Field()
  active!: boolean;

  @Field()
  createdAt!: Date;

  unitId!: string;
}

export const UserConnection = ConnectionType(UserModel, 'User');
