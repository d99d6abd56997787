import { createHmac, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@zs/config';

export interface AccessClaims {
  sub: string;
  iat: number;
  exp: number;
  /** The user's token_version when the token was issued; tokens issued before it existed count as 0. */
  ver: number;
}

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

/** HS256 access tokens; small enough to own instead of adding a dependency. */
@Injectable()
export class JwtService {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  sign(userId: string, now = Date.now(), tokenVersion = 0): { token: string; expiresAt: Date } {
    const iat = Math.floor(now / 1000);
    const exp = iat + this.config.jwtTtlSeconds;
    const payload = Buffer.from(JSON.stringify({ sub: userId, iat, exp, ver: tokenVersion })).toString('base64url');
    const signature = this.mac(`${HEADER}.${payload}`);
    return { token: `${HEADER}.${payload}.${signature}`, expiresAt: new Date(exp * 1000) };
  }

  /** The claims of a well-formed, correctly signed, unexpired token; otherwise null. */
  verify(token: string, now = Date.now()): AccessClaims | null {
    const parts = token.split('.');
    if (parts.length !== 3) return null;
    const [header, payload, signature] = parts;
    if (header !== HEADER) return null;
    const expected = Buffer.from(this.mac(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<AccessClaims>;
      if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number' || typeof claims.iat !== 'number') return null;
      const ver = claims.ver === undefined ? 0 : claims.ver;
      if (typeof ver !== 'number' || !Number.isSafeInteger(ver) || ver < 0) return null;
      if (claims.exp * 1000 <= now) return null;
      return { sub: claims.sub, iat: claims.iat, exp: claims.exp, ver };
    } catch {
      return null;
    }
  }

  private mac(input: string): string {
    return createHmac('sha256', this.config.jwtSecret).update(input).digest('base64url');
  }
}
