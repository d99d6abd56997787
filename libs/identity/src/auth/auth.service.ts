import { Injectable } from '@nestjs/common';
import { type Actor, DomainException, FieldErrors, ForbiddenException, UnauthenticatedException } from '@zs/common';
import { UserRepository } from '../users/user.repository';
import { checkPassword } from '../users/user.service';
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
const INVALID_TOKEN = 'Invalid or expired token';
const WRONG_CURRENT_PASSWORD = 'Invalid current password';

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
    const { token, expiresAt } = this.jwt.sign(user.id, Date.now(), user.tokenVersion);
    return { accessToken: token, expiresAt, userId: user.id };
  }

  /** Revokes every token of the calling user (this one included). API clients have no tokens to revoke. */
  async logout(actor: Actor): Promise<void> {
    if (actor.kind !== 'user') throw new ForbiddenException('Only users log out; API keys are revoked by an operator');
    if (!(await this.users.bumpTokenVersion(actor.id))) throw new UnauthenticatedException(INVALID_TOKEN);
  }

  /**
   * Changes the caller's password after checking the current one. A wrong current password counts as a
   * failed login for the caller's username (same throttle, same lock); success revokes every token of
   * the user, this one included.
   */
  async changePassword(actor: Actor, currentPassword: string, newPassword: string): Promise<void> {
    if (actor.kind !== 'user') throw new ForbiddenException('Only users have a password');
    const errors = new FieldErrors();
    checkPassword(errors, 'newPassword', newPassword);
    errors.throwIfAny();
    await this.throttle.beforeAttempt(actor.username);
    const user = await this.users.findWithUnitById(actor.id);
    const ok =
      user && user.active && user.unitActive
        ? await this.hasher.verify(user.passwordHash, currentPassword)
        : await this.hasher.verifyAgainstDummy(currentPassword);
    if (!ok || !user) throw new UnauthenticatedException(WRONG_CURRENT_PASSWORD);
    await this.throttle.recordSuccess(actor.username);
    const passwordHash = await this.hasher.hash(newPassword);
    if (!(await this.users.replacePassword({ id: user.id }, passwordHash))) throw new UnauthenticatedException(INVALID_TOKEN);
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
    if (!claims) throw new UnauthenticatedException(INVALID_TOKEN);
    const user = await this.users.findWithUnitById(claims.sub);
    if (!user || !user.active || !user.unitActive || user.tokenVersion !== claims.ver) {
      throw new UnauthenticatedException(INVALID_TOKEN);
    }
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
