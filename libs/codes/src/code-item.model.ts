import { Field, ObjectType, registerEnumType } from '@nestjs/graphql';
import { CodeKind } from './code-item.entity';

registerEnumType(CodeKind, { name: 'CodeKind', description: 'Code tables an administrator maintains' });

@ObjectType('CodeItem')
export class CodeItemModel {
  @Field(() => CodeKind)
  kind!: CodeKind;

  @Field()
  code!: string;

  @Field()
  nameZh!: string;

  @Field()
  nameEn!: string;

  @Field({ description: 'Inactive codes stay readable on old records but cannot be chosen for new ones' })
  active!: boolean;
}
