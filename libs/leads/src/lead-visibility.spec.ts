import { ApiScope, Role, type Actor } from '@zs/common';
import { districtPrefix, leadAccess } from './lead-visibility';
import { SqlParams } from './sql';

const user = (unitPath: string, unitTier: 'CITY' | 'DISTRICT' | 'ZONE', role = Role.OFFICER): Actor => ({
  kind: 'user',
  id: 'u',
  username: 'u',
  role,
  unitId: unitPath.split('/').filter(Boolean).at(-1)!,
  unitPath,
  unitTier,
});

describe('lead visibility predicates', () => {
  it('finds the district subtree a caller belongs to', () => {
    expect(districtPrefix(user('/c/', 'CITY'))).toBeNull();
    expect(districtPrefix(user('/c/d/', 'DISTRICT'))).toBe('/c/d/');
    expect(districtPrefix(user('/c/d/z/', 'ZONE'))).toBe('/c/d/');
    // A city-level development zone is in no district.
    expect(districtPrefix(user('/c/gx/', 'ZONE'))).toBeNull();
  });

  it('gives API clients public leads only, and their own unit with write scope; never details', () => {
    const base = { kind: 'apiClient' as const, id: 'k', name: 'k', rateLimitPerMinute: 10, unitId: 'd', unitPath: '/c/d/', unitTier: 'DISTRICT' as const };
    const p = new SqlParams();
    const read = leadAccess({ ...base, scopes: [ApiScope.LeadsRead] }, p);
    expect(read.visible()).toBe(`(l.sharing_scope = 'PUBLIC')`);
    expect(read.detail()).toBe('false');
    expect(read.edit()).toBe('false');
    const none = leadAccess({ ...base, scopes: [] }, new SqlParams());
    expect(none.visible()).toBe('false');
    const wp = new SqlParams();
    const write = leadAccess({ ...base, scopes: [ApiScope.LeadsRead, ApiScope.LeadsWrite] }, wp);
    expect(write.visible()).toContain('l.owner_unit_id = $1::uuid');
    expect(wp.values).toEqual(['d']);
  });

  it('binds every value as a parameter and uses every parameter it adds', () => {
    for (const role of Object.values(Role)) {
      const p = new SqlParams();
      const a = leadAccess(user('/c/d/z/', 'ZONE', role), p);
      const sql = Object.values(a).map((f: () => string) => f()).join(' ');
      expect(sql).not.toContain('/c/d/');
      p.values.forEach((_, i) => expect(sql).toContain(`$${i + 1}`));
    }
  });

  it('lets viewers read but never edit', () => {
    const a = leadAccess(user('/c/d/', 'DISTRICT', Role.VIEWER), new SqlParams());
    expect(a.edit()).toBe('false');
    expect(a.ownerChainManager()).toBe('false');
    expect(a.detail()).not.toBe('false');
  });
});
