import { Field, ObjectType, registerEnumType } from '@nestjs/graphql';

/** Enums whose values have display labels. */
export enum LabeledEnum {
  LEAD_STAGE = 'LEAD_STAGE',
  ROLE = 'ROLE',
  SCOPE = 'SCOPE',
}
registerEnumType(LabeledEnum, { name: 'LabeledEnum', description: 'Enums with display labels (enumLabels)' });

@ObjectType({ description: 'Display labels of one enum value' })
export class EnumLabelModel {
  @Field({ description: 'The value as the API sends it, e.g. NEGOTIATING or leads:read' }) value!: string;
  @Field() en!: string;
  @Field() zh!: string;
  @Field({ description: 'The label in the language Accept-Language prefers' }) label!: string;
}
