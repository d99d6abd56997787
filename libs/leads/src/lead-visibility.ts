import { type Actor, ApiScope, Role, pathIds, roleAtLeast } from '@zs/common';
import type { SqlParams } from './sql';

/**
 * The one definition of who may see and change a lead, as SQL over `lead l JOIN org_unit ou ON
 * ou.id = l.owner_unit_id`. Every read of leads (lists, counts, stats, look-ups, later search,
 * exports and notifications) composes these predicates, so no path can forget one.
 */
export interface LeadAccess {
  /** The caller may see the lead at all. */
  visible: string;
  /** The caller belongs to the owner or an assigned chain: contacts, USCC, activities, conflicts. */
  detail: string;
  /** The caller may edit the lead. */
  edit: string;
  /** The caller may take owner-only decisions (backwards moves, narrowing, referring). */
  ownerChainEdit: string;
  /** MANAGER+ of the owner unit or its ancestors: backwards moves and reopening. */
  ownerChainManager: string;
}

const FALSE = 'false';

/** Prefix of the caller's district subtree, or null when the caller is not inside a district. */
export function districtPrefix(actor: Actor): string | null {
  const ids = pathIds(actor.unitPath);
  if (ids.length < 2) return null; // the city itself: sees everything below through ancestry anyway
  if (ids.length === 2 && actor.unitTier !== 'DISTRICT') return null; // a city-level zone
  return `/${ids[0]}/${ids[1]}/`;
}

export function leadAccess(actor: Actor, p: SqlParams, l = 'l', ou = 'ou'): LeadAccess {
  if (actor.kind === 'apiClient') {
    const read = actor.scopes.includes(ApiScope.LeadsRead);
    const write = actor.scopes.includes(ApiScope.LeadsWrite);
    const ownUnit = write ? `${l}.owner_unit_id = ${p.add(actor.unitId)}::uuid` : FALSE;
    const parts = [read ? `${l}.sharing_scope = 'PUBLIC'` : FALSE, ownUnit].filter((s) => s !== FALSE);
    return {
      visible: parts.length ? `(${parts.join(' OR ')})` : FALSE,
      detail: FALSE,
      edit: ownUnit,
      ownerChainEdit: ownUnit,
      ownerChainManager: FALSE,
    };
  }

  const path = `${p.add(actor.unitPath)}::text`;
  const ownerChain = `${ou}.path LIKE ${path} || '%'`;
  const assignedChain = `EXISTS (SELECT 1 FROM lead_assignment la JOIN org_unit lau ON lau.id = la.unit_id
      WHERE la.lead_id = ${l}.id AND lau.path LIKE ${path} || '%')`;
  const pendingReferral = `EXISTS (SELECT 1 FROM lead_referral lr JOIN org_unit lru ON lru.id = lr.to_unit_id
      WHERE lr.lead_id = ${l}.id AND lr.status = 'PENDING' AND lru.path LIKE ${path} || '%')`;
  const district = districtPrefix(actor);
  const districtShare = district
    ? `(${l}.sharing_scope = 'DISTRICT' AND ${ou}.path LIKE ${p.add(district)}::text || '%')`
    : FALSE;

  const visible = [
    ownerChain,
    `${l}.sharing_scope IN ('CITY', 'PUBLIC')`,
    districtShare,
    assignedChain,
    pendingReferral,
  ].filter((s) => s !== FALSE);
  const detail = `(${ownerChain} OR ${assignedChain})`;

  let edit = FALSE;
  let ownerChainEdit = FALSE;
  let ownerChainManager = FALSE;
  if (roleAtLeast(actor.role, Role.MANAGER)) {
    edit = detail;
    ownerChainEdit = ownerChain;
    ownerChainManager = ownerChain;
  } else if (roleAtLeast(actor.role, Role.OFFICER)) {
    // Every parameter added must be used, or Postgres cannot type it: add the unit only here.
    const unit = p.add(actor.unitId);
    const ownUnitOwns = `${l}.owner_unit_id = ${unit}::uuid`;
    const ownUnitAssigned = `EXISTS (SELECT 1 FROM lead_assignment lx WHERE lx.lead_id = ${l}.id AND lx.unit_id = ${unit}::uuid)`;
    edit = `(${ownUnitOwns} OR ${ownUnitAssigned})`;
    ownerChainEdit = ownUnitOwns;
  }
  return { visible: `(${visible.join(' OR ')})`, detail, edit, ownerChainEdit, ownerChainManager };
}
