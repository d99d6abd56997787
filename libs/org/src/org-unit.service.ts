import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import {
  type Actor,
  StateConflictException,
  FieldErrors,
  AccessDeniedException,
  EntityNotFoundException,
  Role,
  conflictOnDuplicate,
  isUuid,
} from '@zs/common';
import { CodeItemService, CodeKind } from '@zs/codes';
import { OrgTier, OrgUnitEntity } from './org-unit.entity';
import { OrgUnitRepository } from './org-unit.repository';
import type { CreateOrgUnitInput, UpdateOrgUnitInput } from './dto/org-unit.input';
import { XIAN_SEED } from './xian-seed';

const UNIT_CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{1,31}$/;

/** Which tiers may hang under which: a district under the city, a zone under a district or the city. */
const ALLOWED_PARENT: Record<OrgTier, OrgTier[]> = {
  [OrgTier.CITY]: [],
  [OrgTier.DISTRICT]: [OrgTier.CITY],
  [OrgTier.ZONE]: [OrgTier.DISTRICT, OrgTier.CITY],
};

const MAX_LEADING_INDUSTRIES: Record<OrgTier, number> = {
  [OrgTier.CITY]: 10,
  [OrgTier.DISTRICT]: 10,
  [OrgTier.ZONE]: 2,
};

const CONSTRAINT_MESSAGES = {
  org_unit_code_key: 'A unit with this code already exists',
  org_unit_single_city: 'There is already a CITY unit',
};

/** Who does it: a real admin through GraphQL, or the operator through the CLI. */
export type OrgActor = Actor | 'system';

@Injectable()
export class OrgUnitService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly units: OrgUnitRepository,
    private readonly codes: CodeItemService,
  ) {}

  findById(id: string): Promise<OrgUnitEntity | null> {
    return this.units.findById(id);
  }

  findByCode(code: string): Promise<OrgUnitEntity | null> {
    return this.units.findByCode(code);
  }

  list(tier?: OrgTier): Promise<OrgUnitEntity[]> {
    return this.units.listByTier(tier);
  }

  async create(actor: OrgActor, input: CreateOrgUnitInput): Promise<OrgUnitEntity> {
    // Who may do it comes first: a non-admin learns nothing about the tree from validation messages.
    if (actor !== 'system') {
      this.requireAdminRole(actor);
      // Only the city's administrators may even ask for a (second) CITY.
      if (input.tier === OrgTier.CITY) this.requireInSubtree(actor, null);
    }
    return this.db.transaction(async (tx) => {
      const errors = new FieldErrors();
      const code = input.code.trim();
      const name = input.name.trim();
      if (!UNIT_CODE.test(code)) errors.add('input.code', 'must be 2-32 letters, digits, - or _');
      if (name.length < 1 || name.length > 100) errors.add('input.name', 'must be 1 to 100 characters');
      const industries = [...new Set(input.leadingIndustryCodes ?? [])];
      await this.checkIndustries(errors, input.tier, industries, 'input.leadingIndustryCodes');

      let parent: OrgUnitEntity | null = null;
      if (input.tier === OrgTier.CITY) {
        if (input.parentId) errors.add('input.parentId', 'a CITY unit has no parent');
        if (await this.units.cityExists(tx)) errors.add('input.tier', 'there is already a CITY unit; there is only one');
      } else if (!input.parentId) {
        errors.add('input.parentId', `a ${input.tier} unit needs a parent`);
      } else {
        // Shared lock: a concurrent deactivation of the parent waits, and then sees this child.
        parent = isUuid(input.parentId) ? await this.units.lock(input.parentId, tx, 'share') : null;
        if (!parent) errors.add('input.parentId', 'no such unit');
        else this.checkPlacement(errors, input.tier, parent, 'input.parentId');
      }
      errors.throwIfAny();
      if (actor !== 'system') this.requireInSubtree(actor, parent);

      const id = randomUUID();
      const unit = Object.assign(new OrgUnitEntity(), {
        id,
        code,
        name,
        tier: input.tier,
        parentId: parent?.id ?? null,
        path: `${parent?.path ?? '/'}${id}/`,
        depth: (parent?.depth ?? -1) + 1,
        leadingIndustryCodes: industries,
        active: true,
      });
      // The unique indexes decide (code, single CITY): two concurrent creators cannot both pass.
      await conflictOnDuplicate(() => this.units.insert(unit, tx), CONSTRAINT_MESSAGES);
      return (await this.units.findById(id, tx)) ?? unit;
    });
  }

  async update(actor: OrgActor, id: string, input: UpdateOrgUnitInput): Promise<OrgUnitEntity> {
    if (actor !== 'system') this.requireAdminRole(actor);
    return this.db.transaction(async (tx) => {
      const unit = isUuid(id) ? await this.units.lock(id, tx) : null;
      if (!unit) throw new EntityNotFoundException('Org unit');
      if (actor !== 'system') this.requireInSubtree(actor, unit);

      const errors = new FieldErrors();
      const patch: Partial<Pick<OrgUnitEntity, 'name' | 'leadingIndustryCodes' | 'active'>> = {};
      if (input.name !== undefined && input.name !== null) {
        const name = input.name.trim();
        if (name.length < 1 || name.length > 100) errors.add('input.name', 'must be 1 to 100 characters');
        patch.name = name;
      }
      if (input.leadingIndustryCodes !== undefined && input.leadingIndustryCodes !== null) {
        const industries = [...new Set(input.leadingIndustryCodes)];
        await this.checkIndustries(errors, unit.tier, industries, 'input.leadingIndustryCodes');
        patch.leadingIndustryCodes = industries;
      }

      let parent: OrgUnitEntity | null = null;
      if (input.parentId && input.parentId !== unit.parentId) {
        parent = isUuid(input.parentId) ? await this.units.lock(input.parentId, tx) : null;
        if (!parent) {
          errors.add('input.parentId', 'no such unit');
        } else if (parent.path.startsWith(unit.path)) {
          errors.add('input.parentId', 'a unit cannot move under itself or its own descendant (cycle)');
        } else {
          this.checkPlacement(errors, unit.tier, parent, 'input.parentId');
        }
      }

      if (input.active === true && !unit.active) {
        const effectiveParent = parent ?? (unit.parentId ? await this.units.findById(unit.parentId, tx) : null);
        if (effectiveParent && !effectiveParent.active) {
          errors.add('input.active', 'the parent unit is inactive; activate it first');
        }
        patch.active = true;
      }
      errors.throwIfAny();
      if (parent && actor !== 'system') this.requireInSubtree(actor, parent);

      if (input.active === false && unit.active) {
        if ((await this.units.countActiveChildren(id, tx)) > 0) {
          throw new StateConflictException('The unit still has active child units', { reason: 'ACTIVE_CHILDREN' });
        }
        if ((await this.units.countActiveUsers(id, tx)) > 0) {
          throw new StateConflictException('The unit still has active users', { reason: 'ACTIVE_USERS' });
        }
        patch.active = false;
      }

      if (parent) await this.units.moveSubtree(unit.id, parent.id, unit.path, `${parent.path}${unit.id}/`, tx);
      if (Object.keys(patch).length > 0) await this.units.update(id, patch, tx);
      return (await this.units.findById(id, tx))!;
    });
  }

  /** Loads 西安市 with its 13 county-level units and sample zones; running it again changes nothing. */
  async seedXian(manager?: EntityManager): Promise<{ inserted: number }> {
    const run = async (tx: EntityManager) => {
      // Two seeders at once (two starters on one database) would otherwise race on the CITY row.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('zs:seed-xian'))`);
      await this.codes.seedDefaults(tx);
      let inserted = 0;
      for (const seed of XIAN_SEED) {
        const parent = seed.parentCode ? await this.units.findByCode(seed.parentCode, tx) : null;
        const id = randomUUID();
        const unit = Object.assign(new OrgUnitEntity(), {
          id,
          code: seed.code,
          name: seed.name,
          tier: seed.tier,
          parentId: parent?.id ?? null,
          path: `${parent?.path ?? '/'}${id}/`,
          depth: (parent?.depth ?? -1) + 1,
          leadingIndustryCodes: seed.leadingIndustryCodes,
        });
        if (await this.units.insertIfAbsent(unit, tx)) inserted++;
      }
      return { inserted };
    };
    return manager ? run(manager) : this.db.transaction(run);
  }

  private checkPlacement(errors: FieldErrors, tier: OrgTier, parent: OrgUnitEntity, path: string): void {
    if (!ALLOWED_PARENT[tier].includes(parent.tier)) {
      errors.add(path, `a ${tier} cannot be placed under a ${parent.tier}`);
    } else if (!parent.active) {
      errors.add(path, 'the parent unit is inactive');
    }
  }

  private async checkIndustries(errors: FieldErrors, tier: OrgTier, codes: string[], path: string): Promise<void> {
    const max = MAX_LEADING_INDUSTRIES[tier];
    if (codes.length > max) errors.add(path, `a ${tier} has at most ${max} leading industries`);
    await this.codes.validateActive(
      errors,
      CodeKind.INDUSTRY,
      codes.map((code, i) => ({ path: `${path}.${i}`, code })),
    );
  }

  private requireAdminRole(actor: Actor): void {
    if (actor.kind !== 'user' || actor.role !== Role.ADMIN) {
      throw new AccessDeniedException('Only administrators manage the organisation');
    }
  }

  /** Admins manage their own unit's subtree; the city admin the whole tree. */
  private requireInSubtree(actor: Actor, target: OrgUnitEntity | null): void {
    const inSubtree = target ? target.path.startsWith(actor.unitPath) : actor.unitTier === 'CITY';
    if (!inSubtree) throw new AccessDeniedException('The unit is outside your part of the organisation');
  }
}
