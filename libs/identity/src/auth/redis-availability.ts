import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { DomainException, ServiceUnavailableException } from '@zs/common';
import { REDIS_CLIENT } from '@zs/queue';

/** How long a login or API-key request waits for Redis before it is told SERVICE_UNAVAILABLE. */
export const REDIS_DEADLINE_MS = 1000;

// States in which ioredis only queues commands until a reconnect that may never come.
const DOWN = new Set(['reconnecting', 'close', 'end']);

/**
 * Runs the Redis work of logins and API keys (throttle, rate limits). While Redis is away they fail
 * fast with SERVICE_UNAVAILABLE: a throttle that cannot count must not let guesses through, and a
 * request must not hang on ioredis's offline queue. JWT requests never come here.
 */
@Injectable()
export class RedisAvailability {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  async run<T>(work: (redis: Redis) => Promise<T>, deadlineMs = REDIS_DEADLINE_MS): Promise<T> {
    if (DOWN.has(this.redis.status)) throw new ServiceUnavailableException();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ServiceUnavailableException()), deadlineMs);
    });
    try {
      // race() subscribes to both, so a command that fails after the deadline is not an unhandled rejection.
      return await Promise.race([work(this.redis), deadline]);
    } catch (err) {
      if (err instanceof DomainException) throw err;
      throw new ServiceUnavailableException();
    } finally {
      clearTimeout(timer);
    }
  }
}
