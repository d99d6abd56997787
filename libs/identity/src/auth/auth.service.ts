import { Injectable } from '@nestjs/common';
import { type Actor, DomainException, UnauthenticatedException } from '@zs/common';
import { UserRepository } from '../users/user.repository';
import { ApiClientService } from '../api-clients/api-client.service';
import { ApiRateLimiter } from './api-rate-limiter';
import { JwtService } from './jwt.service';
import { LoginThrottle } from './login-throttle';
import { PasswordHasher } from './password-hasher';

export interface LoginResult {
  accessToken: string;
  expiresAt: Date;
  userId: string;
}

export interface Credentials {
  authorization?: string;
  apiKey?: string;
}

const INVALID_LOGIN = 'Invalid username or password';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UserRepository,
    private readonly apiClients: ApiClientService,
    private readonly hasher: PasswordHasher,
    private readonly jwt: JwtService,
    private readonly throttle: LoginThrottle,
    private readonly rateLimiter: ApiRateLimiter,
  ) {}

  async login(username: string, password: string): Promise<LoginResult> {
    await this.throttle.beforeAttempt(username);
    const user = await this.users.findWithUnitByUsername(username);
    const ok =
      user && user.active && user.unitActive
        ? await this.hasher.verify(user.passwordHash, password)
        : await this.hasher.verifyAgainstDummy(password);
    // The failure was already counted by beforeAttempt; the same message for every reason.
    if (!ok || !user) throw new UnauthenticatedException(INVALID_LOGIN);
    await this.throttle.recordSuccess(username);
    const { token, expiresAt } = this.jwt.sign(user.id);
    return { accessToken: token, expiresAt, userId: user.id };
  }

  /**
   * Resolves the caller from request headers. No credentials: null (anonymous). Credentials that do
   * not check out: an error, never a silent downgrade to anonymous.
   */
  async authenticate(creds: Credentials): Promise<{ actor: Actor | null; error: DomainException | null }> {
    try {
      if (creds.authorization) return { actor: await this.fromBearer(creds.authorization), error: null };
      if (creds.apiKey) return { actor: await this.fromApiKey(creds.apiKey), error: null };
      return { actor: null, error: null };
    } catch (err) {
      // UNAUTHENTICATED and RATE_LIMITED are reported; infrastructure errors propagate.
      if (err instanceof DomainException) return { actor: null, error: err };
      throw err;
    }
  }

  private async fromBearer(header: string): Promise<Actor> {
    const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (!match) throw new UnauthenticatedException('Malformed Authorization header');
    const claims = this.jwt.verify(match[1]);
    if (!claims) throw new UnauthenticatedException('Invalid or expired token');
    const user = await this.users.findWithUnitById(claims.sub);
    if (!user || !user.active || !user.unitActive) throw new UnauthenticatedException('Invalid or expired token');
    return {
      kind: 'user',
      id: user.id,
      username: user.username,
      role: user.role,
      unitId: user.unitId,
      unitPath: user.unitPath,
      unitTier: user.unitTier,
    };
  }

  private async fromApiKey(key: string): Promise<Actor> {
    const client = key.length <= 200 ? await this.apiClients.findByKey(key.trim()) : null;
    if (!client) throw new UnauthenticatedException('Invalid or revoked API key');
    await this.rateLimiter.consume(client.id, client.rateLimitPerMinute);
    return {
      kind: 'apiClient',
      id: client.id,
      name: client.name,
      scopes: client.scopes,
      rateLimitPerMinute: client.rateLimitPerMinute,
      unitId: client.unitId,
      unitPath: client.unitPath,
      unitTier: client.unitTier,
    };
  }
}
