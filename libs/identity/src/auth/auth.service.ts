import { Injectable } from '@nestjs/common';
import { type Actor, DomainException, FieldErrors, AccessDeniedException, UnauthenticatedException } from '@zs/common';
import { UserRepository } from '../users/user.repository';
import { checkPassword } from '../users/user.service';
import { USERNAME_INPUT_MAX, canonicalUsername, usernameProblem } from '../users/username';
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

const API_KEY_SHAPE = /^zsk_[A-Za-z0-9_-]{43}$/;
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

  /**
   * Every answer but success is the same UNAUTHENTICATED message; unknown users and wrong passwords
   * both cost one argon2id verification. A name the username rule cannot accept is answered without
   * one (the rule is public, so that says nothing about accounts) but still counts against the limits.
   */
  async login(username: string, password: string, address?: string): Promise<LoginResult> {
    // Nothing longer can be a username; cut before normalising so a huge input costs nothing more.
    const name = username.slice(0, USERNAME_INPUT_MAX + 1);
    const attempt = { username: name, address };
    await this.throttle.beforeAttempt(attempt);
    const user = usernameProblem(name) ? null : await this.users.findWithUnitByCanonical(canonicalUsername(name));
    const ok =
      user && user.active && user.unitActive
        ? await this.hasher.verify(user.passwordHash, password)
        : usernameProblem(name)
          ? false
          : await this.hasher.verifyAgainstDummy(password);
    // The failure was already counted by beforeAttempt; the same message for every reason.
    if (!ok || !user) throw new UnauthenticatedException(INVALID_LOGIN);
    await this.throttle.recordSuccess(attempt);
    const { token, expiresAt } = this.jwt.sign(user.id, Date.now(), user.tokenVersion);
    return { accessToken: token, expiresAt, userId: user.id };
  }

  /** Revokes every token of the calling user (this one included). API clients have no tokens to revoke. */
  async logout(actor: Actor): Promise<void> {
    if (actor.kind !== 'user') throw new AccessDeniedException('Only users log out; API keys are revoked by an operator');
    if (!(await this.users.bumpTokenVersion(actor.id))) throw new UnauthenticatedException(INVALID_TOKEN);
  }

  /**
   * Changes the caller's password after checking the current one. A wrong current password counts as a
   * failed login for the caller's username (same throttle, same lock); success revokes every token of
   * the user, this one included.
   */
  async changePassword(actor: Actor, currentPassword: string, newPassword: string, address?: string): Promise<void> {
    if (actor.kind !== 'user') throw new AccessDeniedException('Only users have a password');
    const errors = new FieldErrors();
    checkPassword(errors, 'newPassword', newPassword);
    errors.throwIfAny();
    const attempt = { username: actor.username, address };
    await this.throttle.beforeAttempt(attempt);
    const user = await this.users.findWithUnitById(actor.id);
    const ok =
      user && user.active && user.unitActive
        ? await this.hasher.verify(user.passwordHash, currentPassword)
        : await this.hasher.verifyAgainstDummy(currentPassword);
    if (!ok || !user) throw new UnauthenticatedException(WRONG_CURRENT_PASSWORD);
    await this.throttle.recordSuccess(attempt);
    const passwordHash = await this.hasher.hash(newPassword);
    if (!(await this.users.replacePassword(user.id, passwordHash))) throw new UnauthenticatedException(INVALID_TOKEN);
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
      // UNAUTHENTICATED, RATE_LIMITED and SERVICE_UNAVAILABLE (Redis down) are reported; other
      // infrastructure errors propagate.
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
    // Keys have one shape; anything else is refused without a database query.
    const client = API_KEY_SHAPE.test(key.trim()) ? await this.apiClients.findByKey(key.trim()) : null;
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
