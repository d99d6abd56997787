import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@zs/config';
import { RateLimitedException } from '@zs/common';
import { redisKey } from '@zs/queue';
import { canonicalUsername } from '../users/username';
import { addressBucket } from './client-address';
import { RedisAvailability } from './redis-availability';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Longest delay imposed on one slowed attempt. */
export const MAX_LOGIN_DELAY_MS = 3000;

// One round trip, atomic: the address, then the global minute, then the username are counted, and
// the first limit exceeded refuses the attempt without counting it against the later ones (a
// refused attempt checked no password). Returns {refusedBy (0 none, 1 address, 2 global, 3 user),
// ttl of the refusing key, failures of the username before this attempt}.
const CONSUME = `
local function bump(key, ttl)
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('EXPIRE', key, ttl) end
  return n
end
if bump(KEYS[1], ARGV[1]) > tonumber(ARGV[2]) then return {1, redis.call('TTL', KEYS[1]), 0} end
if bump(KEYS[2], 120) > tonumber(ARGV[3]) then return {2, tonumber(ARGV[5]), 0} end
local before = bump(KEYS[3], ARGV[1]) - 1
if before >= tonumber(ARGV[4]) then return {3, redis.call('TTL', KEYS[3]), before} end
return {0, 0, before}
`;

// A success takes its attempt back from the address and the global count, and clears the username.
const SUCCEED = `
if redis.call('DECR', KEYS[1]) < 0 then redis.call('DEL', KEYS[1]) end
if redis.call('DECR', KEYS[2]) < 0 then redis.call('DEL', KEYS[2]) end
redis.call('DEL', KEYS[3])
return 1
`;

export interface LoginAttempt {
  username: string;
  /** The client's IP address (Express `req.ip`). */
  address: string | undefined;
}

/**
 * Counts failed logins in Redis (shared by every api process) per username, per client address and
 * across all clients: after `slowAfter` failures of a username each attempt is slowed, after
 * `maxFailures` it is refused until the window (counted from the first failure) passes; an address
 * over `maxFailuresPerAddress` or a minute over `maxFailuresGlobalPerMinute` refuses every attempt.
 *
 * Every attempt is counted as a failure *before* the password is checked and taken back on success;
 * checking first and counting after would let a burst of parallel guesses all read the same low count.
 * Keys hold hashes, never the username or address as sent, so their size is bounded.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly redis: RedisAvailability,
  ) {}

  /** The Redis key of a username's failure count (every spelling of one username shares it). */
  userKey(username: string): string {
    return redisKey(this.config, 'login-failures', digest(canonicalUsername(username)));
  }

  addressKey(address: string | undefined): string {
    return redisKey(this.config, 'login-address', digest(addressBucket(address)));
  }

  private globalKey(now: number): string {
    return redisKey(this.config, 'login-global', String(Math.floor(now / 60000)));
  }

  /** Throws RATE_LIMITED when a limit is reached; otherwise waits as long as the username's record demands. */
  async beforeAttempt(attempt: LoginAttempt, now = Date.now()): Promise<void> {
    const { slowAfter, maxFailures, windowSeconds, maxFailuresPerAddress, maxFailuresGlobalPerMinute } = this.config.login;
    const secondsLeftInMinute = 60 - Math.floor((now % 60000) / 1000);
    const result = (await this.redis.run((r) =>
      r.eval(
        CONSUME,
        3,
        this.addressKey(attempt.address),
        this.globalKey(now),
        this.userKey(attempt.username),
        windowSeconds,
        maxFailuresPerAddress,
        maxFailuresGlobalPerMinute,
        maxFailures,
        secondsLeftInMinute,
      ),
    )) as [number, number, number];
    const [refusedBy, ttl, failures] = result.map(Number);
    if (refusedBy !== 0) throw new RateLimitedException('Too many failed logins; try again later', Math.max(ttl, 1));
    if (failures >= slowAfter) await sleep(Math.min(MAX_LOGIN_DELAY_MS, 250 * (failures - slowAfter + 1)));
  }

  /** A correct password clears the username's record and takes the attempt back from the address and global counts. */
  async recordSuccess(attempt: LoginAttempt, now = Date.now()): Promise<void> {
    await this.redis.run((r) =>
      r.eval(SUCCEED, 3, this.addressKey(attempt.address), this.globalKey(now), this.userKey(attempt.username)),
    );
  }

  /** Clears a username's lock (an operator reset its password); best effort, Redis may be down. */
  async clear(username: string): Promise<void> {
    await this.redis.run((r) => r.del(this.userKey(username))).catch(() => undefined);
  }
}

function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, 32);
}
