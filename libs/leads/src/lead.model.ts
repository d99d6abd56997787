import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { DecimalScalar } from '@zs/common';
import { LeadStage } from './domain/lead-stage';
import { SharingScope, type LeadContact } from './lead.entity';

registerEnumType(LeadStage, {
  name: 'LeadStage',
  description: '线索 LEAD → 洽谈 NEGOTIATING → 签约 SIGNED → 落地 LANDED → 投产 OPERATING; 搁置 ON_HOLD, 终止 LOST',
});
registerEnumType(SharingScope, { name: 'SharingScope' });

@ObjectType('Investor')
export class InvestorModel {
  @Field()
  name!: string;

  @Field(() => String, { nullable: true, description: '统一社会信用代码; null outside the owner and assigned chains' })
  uscc!: string | null;

  @Field(() => String, { nullable: true })
  countryOrRegion!: string | null;
}

@ObjectType('Contact')
export class ContactModel implements LeadContact {
  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  title!: string | null;

  @Field(() => String, { nullable: true })
  phone!: string | null;

  @Field(() => String, { nullable: true })
  email!: string | null;
}

@ObjectType('Lead', { description: '招商项目/线索: a prospective investment' })
export class LeadModel {
  @Field(() => ID) id!: string;
  @Field({ description: 'Readable unique code, e.g. XA-2026-384027: random, so codes do not count leads' }) code!: string;
  @Field() title!: string;
  @Field(() => String, { nullable: true }) summary!: string | null;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => DecimalScalar, { nullable: true, description: '万元 CNY' }) investmentAmount!: string | null;
  @Field(() => DecimalScalar, { nullable: true, description: '亩' }) landAreaMu!: string | null;
  @Field(() => DecimalScalar, { nullable: true, description: 'm²' }) factoryAreaSqm!: string | null;
  @Field(() => Int, { nullable: true }) expectedJobs!: number | null;
  @Field(() => DecimalScalar, { nullable: true, description: '万元 per year' }) expectedAnnualOutput!: string | null;
  @Field(() => DecimalScalar, { nullable: true, description: '万元 per year' }) expectedAnnualTax!: string | null;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' }) expectedLandingDate!: string | null;
  @Field(() => LeadStage) stage!: LeadStage;
  @Field(() => LeadStage, { nullable: true, description: 'For ON_HOLD leads: the stage they resume to' })
  stageBeforeHold!: LeadStage | null;
  @Field(() => SharingScope) sharingScope!: SharingScope;
  @Field(() => Int, { description: 'Pass it back to updates; a stale version is refused with CONFLICT' })
  version!: number;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
  @Field(() => Date, { nullable: true }) signedAt!: Date | null;
  @Field(() => Date, { nullable: true }) landedAt!: Date | null;
}

@ObjectType('FieldChange')
export class FieldChangeModel {
  @Field() field!: string;
  @Field(() => String, { nullable: true, description: 'JSON-encoded value before' }) oldValue!: string | null;
  @Field(() => String, { nullable: true, description: 'JSON-encoded value after' }) newValue!: string | null;
}

@ObjectType('LeadHistoryEntry')
export class LeadHistoryEntryModel {
  @Field(() => ID) id!: string;
  @Field({ description: 'CREATED, UPDATED, STAGE_CHANGED, SHARED, REFERRED, REFERRAL_ACCEPTED, …' }) action!: string;
  @Field({ description: 'user, apiClient or system' }) actorKind!: string;
  @Field() at!: Date;
  @Field(() => String, { nullable: true }) note!: string | null;
  @Field(() => [FieldChangeModel]) changes!: FieldChangeModel[];
  actorId!: string | null;
  actorUnitId!: string | null;
}
