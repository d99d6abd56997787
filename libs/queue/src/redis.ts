import { Redis } from 'ioredis';
import type { AppConfig } from '@zs/config';

export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

export function redisUrlOf(config: AppConfig): string {
  return config.redisUrl ?? 'redis://127.0.0.1:6379';
}

/**
 * BullMQ needs `maxRetriesPerRequest: null` on worker connections; for plain commands we keep a
 * bounded retry so a dead Redis surfaces as an error instead of a hung request.
 * The offline queue stays on: with `lazyConnect` the first command is the one that opens the
 * connection, and without the queue it would fail with "Stream isn't writeable". Commands queued
 * while Redis is away still fail after `maxRetriesPerRequest` reconnection attempts.
 */
export function createRedis(config: AppConfig, forBullmq = false): Redis {
  return new Redis(redisUrlOf(config), {
    maxRetriesPerRequest: forBullmq ? null : 2,
    enableOfflineQueue: true,
    // Connect on first use: CLI commands that never touch Redis must not need it.
    lazyConnect: true,
    connectionName: 'zs',
  });
}

/** Every Redis key of the platform starts with REDIS_PREFIX, so installations can share a server. */
export function redisKey(config: AppConfig, ...parts: string[]): string {
  return [config.redisPrefix, ...parts].join(':');
}

/**
 * BullMQ loses jobs and schedules when Redis evicts keys: warn at worker start unless
 * `maxmemory-policy` is `noeviction`. Managed Redis may refuse CONFIG; that is reported, not fatal.
 */
export async function warnUnlessNoEviction(
  redis: Redis,
  logger: { warn(message: unknown): void },
): Promise<string | undefined> {
  try {
    const reply = (await redis.call('CONFIG', 'GET', 'maxmemory-policy')) as string[];
    const policy = reply[1];
    if (policy !== 'noeviction') {
      logger.warn({
        msg: 'Redis maxmemory-policy should be noeviction: under memory pressure Redis will delete queue keys',
        maxmemoryPolicy: policy ?? 'unknown',
      });
    }
    return policy;
  } catch (err) {
    logger.warn({
      msg: 'could not read Redis maxmemory-policy; make sure it is noeviction',
      error: err instanceof Error ? err.message : String(err),
    });
    return undefined;
  }
}
