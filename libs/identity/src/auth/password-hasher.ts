import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import argon2 from 'argon2';
import { APP_CONFIG, type AppConfig } from '@zs/config';
import { RateLimitedException } from '@zs/common';

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane.
const OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/**
 * argon2id hashing. Verifications, which anonymous callers can trigger, are capped in flight
 * (LOGIN_MAX_CONCURRENT_HASHES per process): past the cap an attempt is refused at once with RATE_LIMITED instead of queueing behind a flood, so memory
 * and latency stay bounded whatever arrives.
 */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  private dummy: Promise<string> | undefined;
  private inFlight = 0;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Hashes the dummy at start-up, so the first unknown username is not slower than the rest. */
  async onModuleInit(): Promise<void> {
    this.dummy ??= argon2.hash('dummy-password-for-timing', OPTIONS);
    await this.dummy;
  }

  /** Hashing is done for authenticated callers (admins, operators, changePassword) and is not gated. */
  hash(password: string): Promise<string> {
    return argon2.hash(password, OPTIONS);
  }

  verify(hash: string, password: string): Promise<boolean> {
    return this.gated(async () => {
      try {
        return await argon2.verify(hash, password);
      } catch {
        return false;
      }
    });
  }

  /** Burns the same time as a real check, so an unknown username is not faster than a wrong password. */
  async verifyAgainstDummy(password: string): Promise<false> {
    this.dummy ??= argon2.hash('dummy-password-for-timing', OPTIONS);
    const dummy = await this.dummy;
    await this.verify(dummy, password);
    return false;
  }

  private async gated<T>(work: () => Promise<T>): Promise<T> {
    if (this.inFlight >= this.config.login.maxConcurrentHashes) {
      throw new RateLimitedException('The server is busy checking passwords; try again in a moment', 1);
    }
    this.inFlight++;
    try {
      return await work();
    } finally {
      this.inFlight--;
    }
  }
}
