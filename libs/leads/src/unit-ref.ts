import type { EntityManager } from 'typeorm';
import { CONTROL_CHARS, ValidationException, isUuid } from '@zs/common';
import type { OrgUnitEntity, OrgUnitRepository } from '@zs/org';

/** A unit named by id or by code (`610115-Z1`) in a mutation: exactly one of the two. */
export interface UnitRef {
  id?: string | null;
  code?: string | null;
}

/**
 * The active unit a mutation names, or BAD_USER_INPUT on the argument that names it: neither or both
 * given, or no such active unit.
 */
export async function activeUnit(
  units: OrgUnitRepository,
  tx: EntityManager,
  ref: UnitRef,
  paths: { id: string; code: string },
): Promise<{ unit: OrgUnitEntity; path: string }> {
  const hasId = ref.id !== null && ref.id !== undefined;
  const hasCode = ref.code !== null && ref.code !== undefined;
  if (hasId === hasCode) {
    throw new ValidationException([
      { path: paths.id, message: `give exactly one of ${paths.id} and ${paths.code}` },
      { path: paths.code, message: `give exactly one of ${paths.id} and ${paths.code}` },
    ]);
  }
  const path = hasId ? paths.id : paths.code;
  const unit = hasId
    ? isUuid(ref.id!)
      ? await units.findById(ref.id!, tx)
      : null
    : ref.code!.length <= 64 && !CONTROL_CHARS.test(ref.code!)
      ? await units.findByCode(ref.code!, tx)
      : null;
  if (!unit || !unit.active) throw ValidationException.field(path, 'no such active unit');
  return { unit, path };
}
