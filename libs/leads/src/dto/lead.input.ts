import { Field, ID, InputType, Int, registerEnumType } from '@nestjs/graphql';
import { DecimalScalar } from '@zs/common';
import { LeadStage } from '../domain/lead-stage';
import { SharingScope } from '../lead.entity';

@InputType()
export class InvestorInput {
  @Field({ description: 'Company name, 1..200 characters' })
  name!: string;

  @Field(() => String, { nullable: true, description: '18-character 统一社会信用代码 (GB 32100-2015)' })
  uscc?: string | null;

  @Field(() => String, { nullable: true })
  countryOrRegion?: string | null;
}

@InputType()
export class ContactInput {
  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  title?: string | null;

  @Field(() => String, { nullable: true })
  phone?: string | null;

  @Field(() => String, { nullable: true })
  email?: string | null;
}

/** Fields shared by create and update; all optional here, create re-declares the required ones. */
@InputType({ isAbstract: true })
abstract class LeadFieldsInput {
  @Field(() => String, { nullable: true }) summary?: string | null;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => String, { nullable: true }) capitalSourceCode?: string | null;
  @Field(() => [String], { nullable: true }) attractionModeCodes?: string[] | null;
  @Field(() => DecimalScalar, { nullable: true, description: '万元, ≥ 0, at most 2 decimals' })
  investmentAmount?: string | null;
  @Field(() => DecimalScalar, { nullable: true }) landAreaMu?: string | null;
  @Field(() => DecimalScalar, { nullable: true }) factoryAreaSqm?: string | null;
  @Field(() => Int, { nullable: true }) expectedJobs?: number | null;
  @Field(() => DecimalScalar, { nullable: true }) expectedAnnualOutput?: string | null;
  @Field(() => DecimalScalar, { nullable: true }) expectedAnnualTax?: string | null;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' }) expectedLandingDate?: string | null;
  @Field(() => [ContactInput], { nullable: true }) contacts?: ContactInput[] | null;
}

@InputType()
export class CreateLeadInput extends LeadFieldsInput {
  @Field({ description: '2..200 characters' }) title!: string;
  @Field() industryCode!: string;
  @Field(() => InvestorInput) investor!: InvestorInput;
  @Field(() => SharingScope, { nullable: true, defaultValue: SharingScope.PRIVATE }) sharingScope?: SharingScope | null;
}

@InputType()
export class UpdateLeadInput extends LeadFieldsInput {
  @Field(() => String, { nullable: true }) title?: string | null;
  @Field(() => String, { nullable: true }) industryCode?: string | null;
  @Field(() => InvestorInput, { nullable: true }) investor?: InvestorInput | null;
}

export enum LeadOrderField {
  CREATED_AT = 'CREATED_AT',
  UPDATED_AT = 'UPDATED_AT',
  INVESTMENT_AMOUNT = 'INVESTMENT_AMOUNT',
  EXPECTED_LANDING_DATE = 'EXPECTED_LANDING_DATE',
}

export enum OrderDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}

registerEnumType(LeadOrderField, { name: 'LeadOrderField' });
registerEnumType(OrderDirection, { name: 'OrderDirection' });

@InputType()
export class LeadOrder {
  @Field(() => LeadOrderField) field!: LeadOrderField;
  @Field(() => OrderDirection, { defaultValue: OrderDirection.DESC }) direction!: OrderDirection;
}

@InputType()
export class LeadFilter {
  @Field(() => [LeadStage], { nullable: true }) stages?: LeadStage[] | null;
  @Field(() => [String], { nullable: true }) industryCodes?: string[] | null;
  @Field(() => [String], { nullable: true }) capitalSourceCodes?: string[] | null;
  @Field(() => [String], { nullable: true, description: 'Leads with any of these modes' })
  attractionModeCodes?: string[] | null;
  @Field(() => [ID], { nullable: true }) ownerUnitIds?: string[] | null;
  @Field(() => Boolean, { nullable: true, description: 'Also leads owned by units below ownerUnitIds' })
  includeDescendants?: boolean | null;
  @Field(() => [SharingScope], { nullable: true }) sharingScopes?: SharingScope[] | null;
  @Field(() => DecimalScalar, { nullable: true }) investmentMin?: string | null;
  @Field(() => DecimalScalar, { nullable: true }) investmentMax?: string | null;
  @Field(() => Date, { nullable: true }) createdFrom?: Date | null;
  @Field(() => Date, { nullable: true }) createdTo?: Date | null;
  @Field(() => Date, { nullable: true }) signedFrom?: Date | null;
  @Field(() => Date, { nullable: true }) signedTo?: Date | null;
  @Field(() => Date, { nullable: true }) landedFrom?: Date | null;
  @Field(() => Date, { nullable: true }) landedTo?: Date | null;
  @Field(() => Boolean, {
    nullable: true,
    description: '签约未落地: SIGNED more than SIGNED_NOT_LANDED_MONTHS months ago and not landed (true), or not (false)',
  })
  signedNotLanded?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Leads with (or without) an open investor conflict' })
  hasConflict?: boolean | null;
  @Field(() => String, { nullable: true, description: 'Matches only leads whose USCC the caller may see' })
  investorUscc?: string | null;
}
