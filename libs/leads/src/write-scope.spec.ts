import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Actor, ApiScope, AccessDeniedException, Role } from '@zs/common';
import { requireLeadsWrite } from './write-scope';

const base = { id: 'x', unitId: 'u', unitPath: '/c/u/', unitTier: 'DISTRICT' as const };
const client = (scopes: ApiScope[]): Actor => ({ ...base, kind: 'apiClient', scopes, name: 'p', rateLimitPerMinute: 60 });

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const path = join(dir, f);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('requireLeadsWrite', () => {
  it('refuses API keys without leads:write and lets writers and users through', () => {
    expect(() => requireLeadsWrite(client([ApiScope.LeadsRead]))).toThrow(AccessDeniedException);
    expect(() => requireLeadsWrite(client([]))).toThrow(AccessDeniedException);
    expect(() => requireLeadsWrite(client([ApiScope.LeadsWrite]))).not.toThrow();
    expect(() => requireLeadsWrite({ ...base, kind: 'user', role: Role.VIEWER, username: 'v' })).not.toThrow();
  });

  it('is the only write-scope check of the write paths (the read rule in lead-visibility.ts and its token form in lead-audience.ts aside)', () => {
    const copies = sources(__dirname).filter(
      (f) => !/write-scope\.ts$|lead-visibility\.ts$|lead-audience\.ts$/.test(f) && readFileSync(f, 'utf8').includes('ApiScope.LeadsWrite'),
    );
    expect(copies).toEqual([]);
  });
});
