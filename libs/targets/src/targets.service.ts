import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  type Actor,
  AccessDeniedException,
  type Connection,
  FieldErrors,
  Role,
  ValidationException,
  isUuid,
  roleAtLeast,
} from '@zs/common';
import { APP_CONFIG, type AppConfig } from '@zs/config';
import { OrgTier, OrgUnitRepository } from '@zs/org';
import { DomainEventType, OutboxService } from '@zs/outbox';
import { LeadService, LeadStatsAttribution, LeadStatsGroupBy, LeadStatsRepository, type LeadStatsRowModel, type VisibleLead } from '@zs/leads';
import { UnitTargetRepository } from './unit-target.repository';
import type { TargetValues } from './unit-target.entity';
import type { TargetProgressRowModel, UnitTargetModel, UnitTargetRevisionModel } from './unit-target.model';
import { signedNotLandedCutoff, signedNotLandedFilter } from './signed-not-landed';

const DECIMAL_2 = /^\d{1,14}(\.\d{1,2})?$/;

export interface SetTargetsArgs {
  unitId: string;
  year: number;
  signedCount: number;
  signedInvestment: string;
  landedCount: number;
  landedInvestment: string;
}

function pct(actual: number, target: number | null): number | null {
  if (target === null || target === 0) return null;
  return Math.round((actual / target) * 1000) / 10;
}

export function checkYear(year: number, path = 'year'): void {
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw ValidationException.field(path, 'must be between 2000 and 2100');
}

/**
 * Yearly targets and their progress. The actuals are LeadStatsRepository.yearly — the figures of
 * `leadStats`, visibility included — so "signed this year" has one definition.
 */
@Injectable()
export class TargetsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly targets: UnitTargetRepository,
    private readonly stats: LeadStatsRepository,
    private readonly units: OrgUnitRepository,
    private readonly outbox: OutboxService,
    private readonly leadService: LeadService,
  ) {}

  /** MANAGER+ of the unit sets its own targets; MANAGER+ of its parent (the tier above) sets its children's. */
  async set(actor: Actor, a: SetTargetsArgs): Promise<UnitTargetModel> {
    if (actor.kind !== 'user') throw new AccessDeniedException('Targets are set by managers of the unit or the tier above');
    const errors = new FieldErrors();
    if (!Number.isInteger(a.year) || a.year < 2000 || a.year > 2100) errors.add('year', 'must be between 2000 and 2100');
    for (const k of ['signedCount', 'landedCount'] as const) {
      if (!Number.isInteger(a[k]) || a[k] < 0 || a[k] > 1_000_000) errors.add(k, 'must be a whole number from 0 to 1000000');
    }
    for (const k of ['signedInvestment', 'landedInvestment'] as const) {
      if (!DECIMAL_2.test(a[k])) errors.add(k, 'must be ≥ 0 with at most 2 decimals');
    }
    const unit = isUuid(a.unitId) ? await this.units.findById(a.unitId) : null;
    if (!unit || !unit.active) errors.add('unitId', 'no such active unit');
    errors.throwIfAny();
    const own = unit!.id === actor.unitId;
    const child = unit!.parentId === actor.unitId;
    if (!roleAtLeast(actor.role, Role.MANAGER) || (!own && !child)) {
      throw new AccessDeniedException('Targets are set by managers of the unit or the tier above');
    }
    const values: TargetValues = {
      signedCount: a.signedCount,
      signedInvestment: a.signedInvestment,
      landedCount: a.landedCount,
      landedInvestment: a.landedInvestment,
    };
    return this.db.transaction(async (tx) => {
      const saved = await this.targets.set(tx, unit!.id, a.year, values, actor);
      await this.outbox.record(tx, actor, DomainEventType.UnitTargetsSet, null, { unitId: unit!.id, year: a.year, ...values });
      return saved;
    });
  }

  history(target: UnitTargetModel): Promise<UnitTargetRevisionModel[]> {
    return this.targets.history(target.unitId, target.year);
  }

  async progress(
    actor: Actor,
    year: number,
    groupBy: LeadStatsGroupBy,
    attribution: LeadStatsAttribution = LeadStatsAttribution.OWNER,
  ): Promise<TargetProgressRowModel[]> {
    checkYear(year);
    const cutoff = signedNotLandedCutoff(this.config.signedNotLandedMonths);
    const [rows, watch] = await Promise.all([
      this.stats.yearly(actor, year, groupBy, attribution),
      this.targets.signedNotLandedCounts(actor, cutoff, groupBy),
    ]);
    const result = await this.rows(rows, year, watch);
    if (groupBy !== LeadStatsGroupBy.DISTRICT) return result;
    // Each district's roll-up: its zones with their own targets and actuals.
    const [zoneRows, zoneWatch] = await Promise.all([
      this.stats.yearly(actor, year, LeadStatsGroupBy.ZONE, attribution),
      this.targets.signedNotLandedCounts(actor, cutoff, LeadStatsGroupBy.ZONE),
    ]);
    const zones = await this.rows(zoneRows, year, zoneWatch);
    const units = await this.units.findByIds(zones.map((z) => z.unitId));
    const parentOf = new Map(units.filter((u) => u.tier === OrgTier.ZONE).map((u) => [u.id, u.parentId]));
    for (const d of result) d.zones = zones.filter((z) => parentOf.get(z.unitId) === d.unitId);
    return result;
  }

  /** 签约未落地: visible leads signed more than SIGNED_NOT_LANDED_MONTHS ago and not landed (the `leads` list). */
  signedNotLanded(actor: Actor, first: number | null | undefined, after: string | null | undefined): Promise<Connection<VisibleLead>> {
    const filter = signedNotLandedFilter(signedNotLandedCutoff(this.config.signedNotLandedMonths));
    return this.leadService.page(actor, filter, null, first, after);
  }

  cutoff(): Date {
    return signedNotLandedCutoff(this.config.signedNotLandedMonths);
  }

  private async rows(stats: LeadStatsRowModel[], year: number, watch: Map<string, number>): Promise<TargetProgressRowModel[]> {
    const targets = new Map((await this.targets.forUnits(stats.map((s) => s.unitId), year)).map((t) => [t.unitId, t]));
    return stats.map((s) => {
      const t = targets.get(s.unitId) ?? null;
      return {
        unitId: s.unitId,
        year,
        target: t,
        actual: { signed: s.signed, signedInvestment: s.signedInvestment, landed: s.landed, landedInvestment: s.landedInvestment },
        percent: {
          signedCount: pct(s.signed, t ? t.signedCount : null),
          signedInvestment: pct(Number(s.signedInvestment), t ? Number(t.signedInvestment) : null),
          landedCount: pct(s.landed, t ? t.landedCount : null),
          landedInvestment: pct(Number(s.landedInvestment), t ? Number(t.landedInvestment) : null),
        },
        signedNotLanded: watch.get(s.unitId) ?? 0,
        zones: null,
      };
    });
  }
}
