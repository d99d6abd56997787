import { Injectable } from '@nestjs/common';
import {
  type Actor,
  FieldErrors,
  AccessDeniedException,
  EntityNotFoundException,
  Role,
  conflictOnDuplicate,
} from '@zs/common';
import type { EntityManager } from 'typeorm';
import { CodeItemRepository } from './code-item.repository';
import { CodeKind, type CodeItemEntity } from './code-item.entity';
import { DEFAULT_CODES } from './default-codes';
import type { CreateCodeItemInput, UpdateCodeItemInput } from './dto/code-item.input';

const CODE_PATTERN = /^[A-Z][A-Z0-9_]{1,39}$/;

function checkName(errors: FieldErrors, path: string, value: string | null | undefined): void {
  if (value === null || value === undefined) return;
  const len = value.trim().length;
  if (len < 1 || len > 100) errors.add(path, 'must be 1 to 100 characters');
}

@Injectable()
export class CodeItemService {
  constructor(private readonly codes: CodeItemRepository) {}

  list(kind: CodeKind, includeInactive = false): Promise<CodeItemEntity[]> {
    return this.codes.list(kind, includeInactive);
  }

  /**
   * Checks that codes chosen for a new or edited record exist and are active; reports each bad one
   * under its own input path.
   */
  async validateActive(
    errors: FieldErrors,
    kind: CodeKind,
    entries: { path: string; code: string }[],
  ): Promise<void> {
    if (entries.length === 0) return;
    const found = await this.codes.findMany(kind, [...new Set(entries.map((e) => e.code))]);
    const active = new Set(found.filter((c) => c.active).map((c) => c.code));
    for (const e of entries) {
      if (!active.has(e.code)) errors.add(e.path, `is not an active ${kind} code`);
    }
  }

  async create(actor: Actor, input: CreateCodeItemInput): Promise<CodeItemEntity> {
    this.requireAdmin(actor);
    const errors = new FieldErrors();
    if (!CODE_PATTERN.test(input.code)) {
      errors.add('input.code', 'must be 2-40 upper-case letters, digits or underscores, starting with a letter');
    }
    checkName(errors, 'input.nameZh', input.nameZh);
    checkName(errors, 'input.nameEn', input.nameEn);
    errors.throwIfAny();
    return conflictOnDuplicate(
      () =>
        this.codes.insert({
          kind: input.kind,
          code: input.code,
          nameZh: input.nameZh.trim(),
          nameEn: input.nameEn.trim(),
          active: true,
          sortOrder: 1000,
        }),
      { code_item_pkey: `Code ${input.kind}/${input.code} already exists` },
    );
  }

  async update(actor: Actor, input: UpdateCodeItemInput): Promise<CodeItemEntity> {
    this.requireAdmin(actor);
    const errors = new FieldErrors();
    checkName(errors, 'input.nameZh', input.nameZh);
    checkName(errors, 'input.nameEn', input.nameEn);
    if (input.active === null) errors.add('input.active', 'cannot be null');
    errors.throwIfAny();
    const existing = await this.codes.findOne(input.kind, input.code);
    if (!existing) throw new EntityNotFoundException('Code');
    const patch: Partial<CodeItemEntity> = {};
    if (input.nameZh) patch.nameZh = input.nameZh.trim();
    if (input.nameEn) patch.nameEn = input.nameEn.trim();
    if (typeof input.active === 'boolean') patch.active = input.active;
    if (Object.keys(patch).length > 0) await this.codes.update(input.kind, input.code, patch);
    return { ...existing, ...patch };
  }

  seedDefaults(manager?: EntityManager): Promise<number> {
    return this.codes.insertMissing(DEFAULT_CODES, manager);
  }

  private requireAdmin(actor: Actor): void {
    // Code tables are city-wide: only the city's administrators change them.
    if (actor.kind !== 'user' || actor.role !== Role.ADMIN || actor.unitTier !== 'CITY') {
      throw new AccessDeniedException('Only city administrators manage code tables');
    }
  }
}
