import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '@zs/config';
import { RateLimitedException } from '@zs/common';
import { REDIS_CLIENT, redisKey } from '@zs/queue';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Counts failed logins per username in Redis (so every api process shares the count): after a few
 * failures each attempt is slowed, after more it is refused until the window passes.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  private key(username: string): string {
    return redisKey(this.config, 'login-failures', username.trim().toLowerCase());
  }

  /** Throws RATE_LIMITED when the username is locked; otherwise waits as long as its record demands. */
  async beforeAttempt(username: string): Promise<void> {
    const key = this.key(username);
    const failures = Number((await this.redis.get(key)) ?? 0);
    const { slowAfter, maxFailures } = this.config.login;
    if (failures >= maxFailures) {
      const ttl = await this.redis.ttl(key);
      throw new RateLimitedException('Too many failed logins; try again later', Math.max(ttl, 1));
    }
    if (failures >= slowAfter) await sleep(Math.min(3000, 250 * (failures - slowAfter + 1)));
  }

  async recordFailure(username: string): Promise<void> {
    const key = this.key(username);
    await this.redis.multi().incr(key).expire(key, this.config.login.windowSeconds, 'NX').exec();
  }

  async recordSuccess(username: string): Promise<void> {
    await this.redis.del(this.key(username));
  }
}
