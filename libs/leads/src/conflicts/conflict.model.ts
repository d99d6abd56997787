import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConflictMatch, ConflictResolution, ConflictStatus } from './conflict.entity';

registerEnumType(ConflictMatch, { name: 'ConflictMatch', description: 'Same USCC, or same normalised company name' });
registerEnumType(ConflictStatus, { name: 'ConflictStatus' });
registerEnumType(ConflictResolution, { name: 'ConflictResolution' });

@ObjectType('LeadConflict', { description: 'Two units chasing the same investor, raised to their nearest common ancestor' })
export class LeadConflictModel {
  @Field(() => ID) id!: string;
  @Field(() => ConflictMatch) match!: ConflictMatch;
  @Field(() => ConflictStatus) status!: ConflictStatus;
  @Field(() => ConflictResolution, { nullable: true }) resolution!: ConflictResolution | null;
  @Field(() => String, { nullable: true }) note!: string | null;
  @Field() detectedAt!: Date;
  @Field(() => Date, { nullable: true }) resolvedAt!: Date | null;
  leadAId!: string;
  leadBId!: string;
  coordinatingUnitId!: string;
}

@ObjectType('LeadConflictNotice', {
  description: "What a lead's owner learns: another unit is engaged with the same investor, and who coordinates",
})
export class LeadConflictNoticeModel {
  @Field(() => ID) id!: string;
  @Field(() => ConflictMatch) match!: ConflictMatch;
  @Field(() => ConflictStatus) status!: ConflictStatus;
  coordinatingUnitId!: string;
  otherLeadId!: string;
}
