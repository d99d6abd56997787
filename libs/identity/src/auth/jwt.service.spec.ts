import { createHmac } from 'node:crypto';
import { loadConfig } from '@zs/config';
import { JwtService } from './jwt.service';

const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'unit-secret-unit-secret-unit-secret-01', JWT_TTL: '1h' });
const jwt = new JwtService(config);
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const sig = (input: string, secret = config.jwtSecret) => createHmac('sha256', secret).update(input).digest('base64url');

describe('JwtService', () => {
  const now = Date.UTC(2026, 0, 1, 12);
  const { token, expiresAt } = jwt.sign('user-1', now);
  const [h, p] = token.split('.');

  it('signs HS256 tokens that expire after JWT_TTL', () => {
    expect(JSON.parse(Buffer.from(h, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(expiresAt.getTime()).toBe(now + 3600 * 1000);
    expect(jwt.verify(token, now)).toEqual({ sub: 'user-1', iat: now / 1000, exp: now / 1000 + 3600, ver: 0 });
    expect(jwt.verify(token, now + 3599 * 1000)).not.toBeNull();
    expect(jwt.verify(token, now + 3600 * 1000)).toBeNull();
  });

  it('refuses another secret, alg none, a tampered payload and malformed tokens', () => {
    expect(jwt.verify(`${h}.${p}.${sig(`${h}.${p}`, 'x'.repeat(40))}`, now)).toBeNull();
    const none = b64({ alg: 'none', typ: 'JWT' });
    expect(jwt.verify(`${none}.${p}.`, now)).toBeNull();
    expect(jwt.verify(`${none}.${p}.${sig(`${none}.${p}`)}`, now)).toBeNull();
    const tampered = b64({ sub: 'user-2', iat: now / 1000, exp: now / 1000 + 3600 });
    expect(jwt.verify(`${h}.${tampered}.${token.split('.')[2]}`, now)).toBeNull();
    for (const bad of ['', 'a', 'a.b', 'a.b.c.d', `${h}.${p}`, `${h}..${sig(`${h}.`)}`]) expect(jwt.verify(bad, now)).toBeNull();
  });

  it('carries the token version as `ver`; a token without it (issued before versions existed) is version 0', () => {
    const versioned = jwt.sign('user-1', now, 7).token;
    expect(JSON.parse(Buffer.from(versioned.split('.')[1], 'base64url').toString())).toEqual({ sub: 'user-1', iat: now / 1000, exp: now / 1000 + 3600, ver: 7 });
    expect(jwt.verify(versioned, now)?.ver).toBe(7);
    const legacy = b64({ sub: 'user-1', iat: now / 1000, exp: now / 1000 + 3600 });
    expect(jwt.verify(`${h}.${legacy}.${sig(`${h}.${legacy}`)}`, now)).toEqual({ sub: 'user-1', iat: now / 1000, exp: now / 1000 + 3600, ver: 0 });
  });

  it('refuses correctly signed tokens whose claims are missing or of the wrong type', () => {
    for (const claims of [
      { iat: 1, exp: 9e9 },
      { sub: 1, iat: 1, exp: 9e9 },
      { sub: 'u', iat: 1, exp: '9e9' },
      { sub: 'u', exp: 9e9 },
      { sub: 'u', iat: 1, exp: 9e9, ver: '1' },
      { sub: 'u', iat: 1, exp: 9e9, ver: -1 },
      { sub: 'u', iat: 1, exp: 9e9, ver: 1.5 },
      { sub: 'u', iat: 1, exp: 9e9, ver: null },
    ]) {
      const payload = b64(claims);
      expect(jwt.verify(`${h}.${payload}.${sig(`${h}.${payload}`)}`, now)).toBeNull();
    }
    const notJson = Buffer.from('not json').toString('base64url');
    expect(jwt.verify(`${h}.${notJson}.${sig(`${h}.${notJson}`)}`, now)).toBeNull();
  });
});
