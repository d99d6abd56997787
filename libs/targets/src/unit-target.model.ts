import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { DecimalScalar } from '@zs/common';

@ObjectType('UnitTargetRevision', { description: 'One setting of a unit’s yearly targets' })
export class UnitTargetRevisionModel {
  @Field(() => ID) id!: string;
  @Field(() => Int) signedCount!: number;
  @Field(() => DecimalScalar) signedInvestment!: string;
  @Field(() => Int) landedCount!: number;
  @Field(() => DecimalScalar) landedInvestment!: string;
  @Field(() => Date) setAt!: Date;
  setByUnitId!: string;
}

@ObjectType('UnitTarget', { description: '年度目标: signings and landings (万元) a unit means to reach in a year' })
export class UnitTargetModel {
  @Field(() => Int) year!: number;
  @Field(() => Int) signedCount!: number;
  @Field(() => DecimalScalar) signedInvestment!: string;
  @Field(() => Int) landedCount!: number;
  @Field(() => DecimalScalar) landedInvestment!: string;
  @Field(() => Int) version!: number;
  @Field(() => Date) updatedAt!: Date;
  unitId!: string;
}

@ObjectType('TargetActuals', { description: 'The figures of leadStats for the unit and year' })
export class TargetActualsModel {
  @Field(() => Int) signed!: number;
  @Field(() => DecimalScalar) signedInvestment!: string;
  @Field(() => Int) landed!: number;
  @Field(() => DecimalScalar) landedInvestment!: string;
}

@ObjectType('TargetPercentages', { description: 'Actual ÷ target × 100, one decimal; null without a (non-zero) target' })
export class TargetPercentagesModel {
  @Field(() => Float, { nullable: true }) signedCount!: number | null;
  @Field(() => Float, { nullable: true }) signedInvestment!: number | null;
  @Field(() => Float, { nullable: true }) landedCount!: number | null;
  @Field(() => Float, { nullable: true }) landedInvestment!: number | null;
}

@ObjectType('TargetProgressRow', { description: 'One unit: its target beside the actuals of leadStats' })
export class TargetProgressRowModel {
  @Field(() => Int) year!: number;
  @Field(() => UnitTargetModel, { nullable: true, description: 'Null when no target was set' }) target!: UnitTargetModel | null;
  @Field(() => TargetActualsModel) actual!: TargetActualsModel;
  @Field(() => TargetPercentagesModel) percent!: TargetPercentagesModel;
  @Field(() => Int, { description: '签约未落地: visible leads of the unit signed more than SIGNED_NOT_LANDED_MONTHS ago, not landed' })
  signedNotLanded!: number;
  @Field(() => [TargetProgressRowModel], {
    nullable: true,
    description: 'groupBy DISTRICT: the roll-up of the district’s zones (each zone’s target and actuals)',
  })
  zones!: TargetProgressRowModel[] | null;
  unitId!: string;
}
