import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@zs/config';
import { type Actor, RateLimitedException, ServiceUnavailableException } from '@zs/common';
import { RedisAvailability } from '@zs/identity';
import { redisKey } from '@zs/queue';

/**
 * Bounds investor look-ups per user or API client (LEAD_INVESTOR_PROBE_LIMIT per
 * LEAD_INVESTOR_PROBE_WINDOW, fixed windows in Redis shared by every api process). Every create and
 * every investor change counts, whether it raises a conflict or not: counting only the ones that
 * hit would make RATE_LIMITED itself say "that investor is someone's lead". Counted before the
 * look-up, so a parallel burst cannot all read the same low count.
 */
@Injectable()
export class InvestorProbeLimiter {
  private readonly logger = new Logger(InvestorProbeLimiter.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly redis: RedisAvailability,
  ) {}

  /** `looks` look-ups at once (a batch of new leads counts one per lead, as createLead one by one would). */
  async consume(actor: Actor, now = Date.now(), looks = 1): Promise<void> {
    const { investorProbeLimit, investorProbeWindowSeconds: window } = this.config.leads;
    const slot = Math.floor(now / 1000 / window);
    const key = redisKey(this.config, 'lead-investor-probe', actor.kind, actor.id, String(slot));
    let count: number;
    try {
      const result = await this.redis.run((r) => r.multi().incrby(key, looks).expire(key, window + 60).exec());
      if (!result || result.some(([err]) => err)) throw new ServiceUnavailableException();
      count = Number(result[0][1]);
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      // Recording leads must not stop with Redis: while it is away the limit is not enforced.
      this.logger.warn('Redis unavailable: investor look-up limit not enforced for this request');
      return;
    }
    if (count > investorProbeLimit) {
      const retryAfter = window - (Math.floor(now / 1000) % window);
      throw new RateLimitedException('Too many investor look-ups (creating leads or changing their investor); try again later', retryAfter);
    }
  }
}
