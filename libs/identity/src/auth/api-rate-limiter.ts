import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '@zs/config';
import { RateLimitedException } from '@zs/common';
import { REDIS_CLIENT, redisKey } from '@zs/queue';

/** Fixed one-minute windows per API key, shared by every api process through Redis. */
@Injectable()
export class ApiRateLimiter {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  async consume(clientId: string, limitPerMinute: number, now = Date.now()): Promise<void> {
    const minute = Math.floor(now / 60000);
    const key = redisKey(this.config, 'api-rate', clientId, String(minute));
    const result = await this.redis.multi().incr(key).expire(key, 120).exec();
    const count = Number(result?.[0]?.[1] ?? 0);
    if (count > limitPerMinute) {
      throw new RateLimitedException('API key rate limit exceeded', 60 - Math.floor((now % 60000) / 1000));
    }
  }
}
