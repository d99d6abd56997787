import type { EntityManager } from 'typeorm';
import { type Actor, FieldErrors, AccessDeniedException, Role, type UserActor, isUuid, roleAtLeast } from '@zs/common';
import { type OrgUnitEntity, OrgUnitRepository } from '@zs/org';

/** Who administers identities: a signed-in user through GraphQL, or the operator through the CLI. */
export type IdentityActor = Actor | 'system';

/** ADMINs and MANAGERs administer users; everybody else is refused before any input is looked at. */
export function requireUserAdmin(actor: IdentityActor): asserts actor is UserActor | 'system' {
  if (actor === 'system') return;
  if (actor.kind !== 'user' || !roleAtLeast(actor.role, Role.MANAGER)) {
    throw new AccessDeniedException('Only administrators and managers manage users');
  }
}

/** API keys are managed by ADMINs only. */
export function requireKeyAdmin(actor: IdentityActor): asserts actor is UserActor | 'system' {
  if (actor === 'system') return;
  if (actor.kind !== 'user' || actor.role !== Role.ADMIN) throw new AccessDeniedException('Only administrators manage API keys');
}

/**
 * The units an actor may put users or keys in: an ADMIN their unit's subtree, a MANAGER their own
 * unit. Mirrors `managedUsersPredicate` (user.repository.ts), which applies the same rule in SQL.
 */
export function unitInReach(actor: IdentityActor, unit: Pick<OrgUnitEntity, 'id' | 'path'>): boolean {
  if (actor === 'system') return true;
  if (actor.kind !== 'user') return false;
  if (actor.role === Role.ADMIN) return unit.path.startsWith(actor.unitPath);
  if (actor.role === Role.MANAGER) return unit.id === actor.unitId;
  return false;
}

/** A MANAGER grants at most MANAGER, an ADMIN any role; never above one's own. */
export function requireMayGrant(actor: IdentityActor, role: Role): void {
  if (actor === 'system' || actor.kind !== 'user') return;
  if (!roleAtLeast(actor.role, role)) throw new AccessDeniedException(`You cannot grant the role ${role}`);
}

/** Nobody changes their own role, unit, password (use changePassword) or active flag here; nobody touches a higher role. */
export function requireMayManage(actor: IdentityActor, target: { id: string; role: Role }): void {
  if (actor === 'system' || actor.kind !== 'user') return;
  if (target.id === actor.id) throw new AccessDeniedException('You cannot change your own account this way');
  if (!roleAtLeast(actor.role, target.role)) throw new AccessDeniedException('The user has a higher role than yours');
}

export interface UnitRef {
  unitId?: string | null;
  unitCode?: string | null;
}

/**
 * The unit an input names by `unitId` or `unitCode`, locked FOR SHARE (so it cannot be deactivated
 * until the transaction ends). A unit outside the actor's reach is reported exactly like a missing
 * one. Problems go to `errors` under `paths`; null then. `undefined` when neither was given.
 */
export async function resolveUnit(
  units: OrgUnitRepository,
  actor: IdentityActor,
  ref: UnitRef,
  paths: { unitId: string; unitCode: string },
  errors: FieldErrors,
  tx: EntityManager,
): Promise<OrgUnitEntity | null | undefined> {
  const id = ref.unitId ?? undefined;
  const code = ref.unitCode?.trim() || undefined;
  if (id === undefined && code === undefined) return undefined;
  if (id !== undefined && code !== undefined) {
    errors.add(paths.unitCode, 'give unitId or unitCode, not both');
    return null;
  }
  const path = id !== undefined ? paths.unitId : paths.unitCode;
  const found =
    id !== undefined ? (isUuid(id) ? await units.findById(id, tx) : null) : code!.length <= 64 ? await units.findByCode(code!, tx) : null;
  const unit = found && unitInReach(actor, found) ? await units.lock(found.id, tx, 'share') : null;
  if (!unit) {
    errors.add(path, id !== undefined ? 'no such unit' : `no unit with code ${code}`);
    return null;
  }
  if (!unit.active) {
    errors.add(path, 'the unit is inactive');
    return null;
  }
  return unit;
}
