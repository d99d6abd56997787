import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConflictMatch, ConflictResolution, ConflictStatus } from './conflict.entity';

registerEnumType(ConflictMatch, { name: 'ConflictMatch', description: 'Same USCC, or same normalised company name' });
registerEnumType(ConflictStatus, { name: 'ConflictStatus' });
registerEnumType(ConflictResolution, { name: 'ConflictResolution' });

@ObjectType('LeadConflict', {
  description: 'Units chasing the same investor: one case per investor cluster, raised to the nearest common ancestor of all its owners',
})
export class LeadConflictModel {
  @Field(() => ID) id!: string;
  @Field(() => ConflictMatch) match!: ConflictMatch;
  @Field(() => ConflictStatus) status!: ConflictStatus;
  @Field(() => ConflictResolution, { nullable: true }) resolution!: ConflictResolution | null;
  @Field(() => String, { nullable: true }) note!: string | null;
  @Field() detectedAt!: Date;
  @Field(() => Date, { nullable: true }) resolvedAt!: Date | null;
  coordinatingUnitId!: string;
}

@ObjectType('LeadConflictNotice', {
  description: "What a lead's owner learns: another unit is engaged with the same investor, and who coordinates",
})
export class LeadConflictNoticeModel {
  @Field(() => ID, {
    description: 'The id of the case this lead joined (kept when that case merged into another); resolveConflict takes it too',
  })
  id!: string;
  @Field(() => ConflictMatch) match!: ConflictMatch;
  @Field(() => ConflictStatus) status!: ConflictStatus;
  coordinatingUnitId!: string;
  /** The peers the reader may see (conflictPeer), first joined first; never empty. */
  otherLeadIds!: string[];
}
