import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '@zs/config';
import { RateLimitedException } from '@zs/common';
import { REDIS_CLIENT, redisKey } from '@zs/queue';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Longest delay imposed on one slowed attempt. */
export const MAX_LOGIN_DELAY_MS = 3000;

/**
 * Counts failed logins per username in Redis (so every api process shares the count): after
 * `slowAfter` failures each attempt is slowed, after `maxFailures` it is refused until the window
 * (counted from the first failure) passes.
 *
 * Every attempt is counted as a failure *before* the password is checked and the count is cleared
 * on success. Checking first and counting after would let a burst of parallel guesses all read the
 * same low count and slip past the lock.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  key(username: string): string {
    return redisKey(this.config, 'login-failures', username.trim().toLowerCase());
  }

  /** Throws RATE_LIMITED when the username is locked; otherwise waits as long as its record demands. */
  async beforeAttempt(username: string): Promise<void> {
    const key = this.key(username);
    const { slowAfter, maxFailures, windowSeconds } = this.config.login;
    const result = await this.redis.multi().incr(key).expire(key, windowSeconds, 'NX').ttl(key).exec();
    if (!result || result.some(([err]) => err)) throw new Error('Redis transaction for the login throttle failed');
    // Failures recorded before this attempt.
    const failures = Number(result[0][1]) - 1;
    if (failures >= maxFailures) {
      const ttl = Number(result[2][1]);
      throw new RateLimitedException('Too many failed logins; try again later', Math.max(ttl, 1));
    }
    if (failures >= slowAfter) await sleep(Math.min(MAX_LOGIN_DELAY_MS, 250 * (failures - slowAfter + 1)));
  }

  /** A correct password clears the record (the attempt itself was counted in `beforeAttempt`). */
  async recordSuccess(username: string): Promise<void> {
    await this.redis.del(this.key(username));
  }
}
