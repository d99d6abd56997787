import { type Actor, ApiScope, Role, pathIds, roleAtLeast } from '@zs/common';
import type { SqlParams } from './sql';

/**
 * The one definition of who may see and change a lead, as SQL over `lead l` alone (no join needed).
 * Every read of leads (lists, counts, stats, look-ups, search, exports and notifications) composes these predicates, so no path can forget one.
 *
 * Each predicate is built on first use and adds only the parameters it uses: Postgres refuses a
 * statement with a parameter it cannot type, so a count that only needs `visible` must not carry
 * the parameters of `edit`.
 */
export interface LeadAccess {
  /** The caller may see the lead at all. */
  visible(): string;
  /** The caller belongs to the owner or an assigned chain: contacts, USCC, activities, conflicts. */
  detail(): string;
  /** The caller may edit the lead. */
  edit(): string;
  /** The caller may take owner-only decisions (referring). */
  ownerChainEdit(): string;
  /** MANAGER+ of the owner unit or its ancestors: backwards moves, reopening, narrowing the scope. */
  ownerChainManager(): string;
}

const FALSE = 'false';

/** Prefix of the caller's district subtree, or null when the caller is not inside a district. */
export function districtPrefix(actor: Actor): string | null {
  const ids = pathIds(actor.unitPath);
  if (ids.length < 2) return null; // the city itself: sees everything below through ancestry anyway
  if (ids.length === 2 && actor.unitTier !== 'DISTRICT') return null; // a city-level zone
  return `/${ids[0]}/${ids[1]}/`;
}

function once(make: () => string): () => string {
  let value: string | undefined;
  return () => (value ??= make());
}

export function leadAccess(actor: Actor, p: SqlParams, l = 'l'): LeadAccess {
  const unit = once(() => `${p.add(actor.unitId)}::uuid`);

  if (actor.kind === 'apiClient') {
    const read = actor.scopes.includes(ApiScope.LeadsRead);
    const write = actor.scopes.includes(ApiScope.LeadsWrite);
    const ownUnit = once(() => (write ? `${l}.owner_unit_id = ${unit()}` : FALSE));
    return {
      visible: once(() => {
        const parts = [read ? `${l}.sharing_scope = 'PUBLIC'` : FALSE, ownUnit()].filter((s) => s !== FALSE);
        return parts.length ? `(${parts.join(' OR ')})` : FALSE;
      }),
      detail: () => FALSE,
      edit: ownUnit,
      ownerChainEdit: ownUnit,
      ownerChainManager: () => FALSE,
    };
  }

  const path = once(() => `${p.add(actor.unitPath)}::text`);
  // By owner id against the caller's subtree (a hashed set of a few unit ids), not by the owner's
  // path: no join with org_unit per lead, so a count can be an index-only scan of lead_visibility.
  const subtreeOf = (prefix: string) => `(SELECT su.id FROM org_unit su WHERE su.path LIKE ${prefix} || '%')`;
  const ownerChain = once(() => `${l}.owner_unit_id IN ${subtreeOf(path())}`);
  // Uncorrelated sets (hashed once per statement, only if an earlier branch did not already decide):
  // the planner costs them right and keeps counts on the index-only scan.
  const assignedChain = once(
    () => `${l}.id IN (SELECT la.lead_id FROM lead_assignment la WHERE la.unit_id IN ${subtreeOf(path())})`,
  );
  const pendingReferral = once(
    () => `${l}.id IN (SELECT lr.lead_id FROM lead_referral lr
      WHERE lr.status = 'PENDING' AND lr.to_unit_id IN ${subtreeOf(path())})`,
  );
  const district = districtPrefix(actor);
  const detail = once(() => `(${ownerChain()} OR ${assignedChain()})`);

  const visible = once(() => {
    const parts = [ownerChain(), `${l}.sharing_scope IN ('CITY', 'PUBLIC')`];
    if (district) parts.push(`(${l}.sharing_scope = 'DISTRICT' AND ${l}.owner_unit_id IN ${subtreeOf(`${p.add(district)}::text`)})`);
    parts.push(assignedChain(), pendingReferral());
    return `(${parts.join(' OR ')})`;
  });

  if (roleAtLeast(actor.role, Role.MANAGER)) {
    return { visible, detail, edit: detail, ownerChainEdit: ownerChain, ownerChainManager: ownerChain };
  }
  if (roleAtLeast(actor.role, Role.OFFICER)) {
    const ownUnitOwns = once(() => `${l}.owner_unit_id = ${unit()}`);
    return {
      visible,
      detail,
      edit: once(
        () =>
          `(${ownUnitOwns()} OR EXISTS (SELECT 1 FROM lead_assignment lx WHERE lx.lead_id = ${l}.id AND lx.unit_id = ${unit()}))`,
      ),
      ownerChainEdit: ownUnitOwns,
      ownerChainManager: () => FALSE,
    };
  }
  return { visible, detail, edit: () => FALSE, ownerChainEdit: () => FALSE, ownerChainManager: () => FALSE };
}

/** History fields whose values only the owner and assigned chains may read. */
const SENSITIVE_HISTORY_FIELDS = new Set(['investor.uscc', 'contacts']);

/**
 * A history change as a caller of the given `detail` may read it: values JSON-encoded, sensitive
 * values withheld outside the owner and assigned chains (the field name itself stays, so the
 * caller still sees that something changed).
 */
export function readableChange(
  change: { field: string; oldValue: unknown; newValue: unknown },
  detail: boolean,
): { field: string; oldValue: string | null; newValue: string | null } {
  const encode = (v: unknown) =>
    (!detail && SENSITIVE_HISTORY_FIELDS.has(change.field)) || v === null || v === undefined ? null : JSON.stringify(v);
  return { field: change.field, oldValue: encode(change.oldValue), newValue: encode(change.newValue) };
}

/**
 * `cl`, another member of a conflict case of lead `l`, as a reader of `l`
 * may learn of it there: owned by another unit, matching `l`'s own investor (USCC or normalised
 * name, not only through a third lead of the cluster) and visible to the caller. A case is the
 * cluster; what a lead's reader learns of it is the pairs it could have learnt of before cases.
 */
export function conflictPeer(actor: Actor, p: SqlParams, l = 'l', cl = 'cl'): string {
  const other = leadAccess(actor, p, cl);
  return `(${cl}.owner_unit_id <> ${l}.owner_unit_id
    AND (${cl}.investor_name_norm = ${l}.investor_name_norm OR (${l}.investor_uscc IS NOT NULL AND ${cl}.investor_uscc = ${l}.investor_uscc))
    AND ${other.visible()})`;
}

/**
 * The conflict case `c` (of which `l` is a member) as a reader of `l` may know it: only from the
 * owner and assigned chains of `l` (`detail`), and only when the caller may see a peer of `l` in it
 * (conflictPeer). Otherwise nothing on `l` distinguishes it: no notice, no hasConflict match, no
 * history entry. The coordinating unit is an ancestor of every member's owner, so it always qualifies.
 */
export function knownConflict(actor: Actor, p: SqlParams, detail: string, c = 'c', l = 'l'): string {
  if (detail === FALSE) return FALSE;
  return `(${detail} AND EXISTS (SELECT 1 FROM lead_conflict_member kcm JOIN lead cl ON cl.id = kcm.lead_id
    WHERE kcm.conflict_id = ${c}.id AND kcm.lead_id <> ${l}.id AND ${conflictPeer(actor, p, l)}))`;
}
