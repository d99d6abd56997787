import { Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { DecimalScalar } from '@zs/common';

export enum LeadStatsGroupBy {
  DISTRICT = 'DISTRICT',
  ZONE = 'ZONE',
}

registerEnumType(LeadStatsGroupBy, { name: 'LeadStatsGroupBy' });

/** Whom a landing counts for: the owner unit (default) or the zone the lead landed in. */
export enum LeadStatsAttribution {
  OWNER = 'OWNER',
  LANDING_ZONE = 'LANDING_ZONE',
}

registerEnumType(LeadStatsAttribution, {
  name: 'LeadStatsAttribution',
  description: 'OWNER: every figure by owner unit; LANDING_ZONE: landings (count and investment) by the zone the lead landed in',
});

@ObjectType('LeadStatsRow', { description: '签约落地: one unit’s figures for one year (Asia/Shanghai calendar year)' })
export class LeadStatsRowModel {
  @Field(() => Int) year!: number;
  @Field(() => Int, { description: 'Leads created in the year' }) newLeads!: number;
  @Field(() => Int, { description: 'Leads signed in the year' }) signed!: number;
  @Field(() => Int, { description: 'Leads landed in the year' }) landed!: number;
  @Field(() => DecimalScalar, { description: 'Investment (万元) of the leads signed in the year' }) signedInvestment!: string;
  @Field(() => DecimalScalar, { description: 'Investment (万元) of the leads landed in the year' }) landedInvestment!: string;
  @Field(() => Int, { description: 'Expected jobs of the leads signed in the year' }) expectedJobs!: number;
  @Field(() => Int, {
    description: '签约未落地 now (not year-bound): visible leads signed more than SIGNED_NOT_LANDED_MONTHS months ago, not landed',
  })
  signedNotLanded!: number;
  unitId!: string;
}
