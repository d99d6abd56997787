import { Field, InputType } from '@nestjs/graphql';
import { CodeKind } from '../code-item.entity';

@InputType()
export class CreateCodeItemInput {
  @Field(() => CodeKind)
  kind!: CodeKind;

  @Field({ description: 'Upper-case letters, digits and underscores, e.g. SEMICONDUCTOR_EQUIPMENT' })
  code!: string;

  @Field()
  nameZh!: string;

  @Field()
  nameEn!: string;
}

@InputType()
export class UpdateCodeItemInput {
  @Field(() => CodeKind)
  kind!: CodeKind;

  @Field()
  code!: string;

  @Field(() => String, { nullable: true })
  nameZh?: string | null;

  @Field(() => String, { nullable: true })
  nameEn?: string | null;

  @Field(() => Boolean, { nullable: true })
  active?: boolean | null;
}
