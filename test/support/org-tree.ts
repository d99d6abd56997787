import type { TestApp } from './harness';
import { withDb } from './pg';

export type TierName = 'CITY' | 'DISTRICT' | 'ZONE';

export interface Unit {
  id: string;
  code: string;
  name: string;
  tier: TierName;
  parentCode: string | null;
}

/** The seeded organisation as the test sees it: codes, ids and parent links, read from the database. */
export class OrgTree {
  private readonly byCode = new Map<string, Unit>();
  private readonly byId = new Map<string, Unit>();

  constructor(units: Unit[]) {
    for (const u of units) {
      this.byCode.set(u.code, u);
      this.byId.set(u.id, u);
    }
  }

  static async load(t: TestApp): Promise<OrgTree> {
    const rows = await withDb(t, async (c) =>
      (
        await c.query<{ id: string; code: string; name: string; tier: TierName; parent_code: string | null }>(
          `SELECT u.id, u.code, u.name, u.tier, p.code AS parent_code FROM org_unit u LEFT JOIN org_unit p ON p.id = u.parent_id`,
        )
      ).rows,
    );
    return new OrgTree(rows.map((r) => ({ id: r.id, code: r.code, name: r.name, tier: r.tier, parentCode: r.parent_code })));
  }

  unit(code: string): Unit {
    const u = this.byCode.get(code);
    if (!u) throw new Error(`unknown unit ${code}`);
    return u;
  }

  id(code: string): string {
    return this.unit(code).id;
  }

  codeOfId(id: string): string {
    const u = this.byId.get(id);
    if (!u) throw new Error(`unknown unit id ${id}`);
    return u.code;
  }

  all(): Unit[] {
    return [...this.byCode.values()];
  }

  /** `code` itself, then its parent, up to the city. */
  selfAndAncestors(code: string): string[] {
    const out: string[] = [];
    for (let c: string | null = code; c !== null; c = this.unit(c).parentCode) out.push(c);
    return out;
  }

  /** True when `a` is `b` or one of b's ancestors. */
  isSelfOrAncestor(a: string, b: string): boolean {
    return this.selfAndAncestors(b).includes(a);
  }

  isStrictAncestor(a: string, b: string): boolean {
    return a !== b && this.isSelfOrAncestor(a, b);
  }

  /**
   * The district whose subtree `DISTRICT` sharing opens a lead to: the owner itself when it is a
   * district, its parent district when it is a zone of one, none for the city or a city-level zone.
   */
  districtOf(code: string): string | null {
    const u = this.unit(code);
    if (u.tier === 'DISTRICT') return u.code;
    if (u.tier === 'ZONE' && u.parentCode && this.unit(u.parentCode).tier === 'DISTRICT') return u.parentCode;
    return null;
  }
}
