import { Field, ID, InputType } from '@nestjs/graphql';
import { Role } from '@zs/common';

@InputType()
export class CreateUserInput {
  @Field({ description: '3-64 letters a-z, digits, . _ or -, starting with a letter or digit; unique ignoring case' })
  username!: string;

  @Field({ description: '10 to 200 characters' })
  password!: string;

  @Field(() => String, { nullable: true, description: 'Defaults to the username' })
  displayName?: string | null;

  @Field(() => Role, { description: 'At most your own role; MANAGERs grant at most MANAGER' })
  role!: Role;

  @Field(() => ID, { nullable: true, description: 'The unit, by id (or give unitCode)' })
  unitId?: string | null;

  @Field(() => String, { nullable: true, description: 'The unit, by code (or give unitId)' })
  unitCode?: string | null;
}

@InputType()
export class UpdateUserInput {
  @Field(() => Role, { nullable: true })
  role?: Role | null;

  @Field(() => String, { nullable: true })
  displayName?: string | null;

  @Field(() => ID, { nullable: true, description: 'Move the user to this unit (by id)' })
  unitId?: string | null;

  @Field(() => String, { nullable: true, description: 'Move the user to this unit (by code)' })
  unitCode?: string | null;
}
