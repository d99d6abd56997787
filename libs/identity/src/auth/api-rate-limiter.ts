import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@zs/config';
import { RateLimitedException } from '@zs/common';
import { redisKey } from '@zs/queue';
import { RedisAvailability } from './redis-availability';

/** Fixed one-minute windows per API key, shared by every api process through Redis. */
@Injectable()
export class ApiRateLimiter {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly redis: RedisAvailability,
  ) {}

  async consume(clientId: string, limitPerMinute: number, now = Date.now()): Promise<void> {
    const minute = Math.floor(now / 60000);
    const key = redisKey(this.config, 'api-rate', clientId, String(minute));
    const result = await this.redis.run((r) => r.multi().incr(key).expire(key, 120).exec());
    if (!result || result.some(([err]) => err)) throw new Error('Redis transaction for the API rate limit failed');
    const count = Number(result[0][1]);
    if (count > limitPerMinute) {
      throw new RateLimitedException('API key rate limit exceeded', 60 - Math.floor((now % 60000) / 1000));
    }
  }
}
