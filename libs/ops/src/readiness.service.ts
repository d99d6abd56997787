import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '@zs/config';
import { REDIS_CLIENT } from '@zs/queue';

export interface CheckResult {
  ok: boolean;
  ms: number;
  error?: string;
}

export interface ReadinessReport {
  ready: boolean;
  /** Names of the dependencies that failed, e.g. ["redis"]. */
  failed: string[];
  /** Optional dependencies that failed: the process still does its work, worse (e.g. search from PostgreSQL). */
  degraded: string[];
  checks: Record<string, CheckResult>;
}

const CHECK_TIMEOUT_MS = 2000;

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Can this process do its work right now: PostgreSQL, Redis and its own registered checks must pass;
 * optional ones (Meilisearch when configured, search serving from its fallback) only degrade it.
 */
@Injectable()
export class ReadinessService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private readonly extra = new Map<string, () => Promise<void>>();
  private readonly optional = new Map<string, () => Promise<void>>();

  /** Adds a check of this process's own work (e.g. the outbox relay); it fails by throwing. */
  register(name: string, run: () => Promise<void>): void {
    this.extra.set(name, run);
  }

  /** Adds a check whose failure degrades rather than fails readiness (search falling back to PostgreSQL). */
  registerOptional(name: string, run: () => Promise<void>): void {
    this.optional.set(name, run);
  }

  async check(): Promise<ReadinessReport> {
    const checks: Array<[string, () => Promise<void>]> = [
      ['postgres', () => this.postgres()],
      ['redis', () => this.redisPing()],
      ...this.extra.entries(),
      ...this.optional.entries(),
    ];
    // Meilisearch down means search answers from PostgreSQL: degraded, not unavailable.
    const optional = new Set(this.optional.keys());
    if (this.config.meiliUrl) {
      checks.push(['meilisearch', () => this.meilisearch(this.config.meiliUrl!)]);
      optional.add('meilisearch');
    }

    const results = await Promise.all(
      checks.map(async ([name, run]): Promise<[string, CheckResult]> => {
        const started = performance.now();
        try {
          await withTimeout(run(), CHECK_TIMEOUT_MS, name);
          return [name, { ok: true, ms: Math.round(performance.now() - started) }];
        } catch (err) {
          const error = err instanceof Error ? err.message : String(err);
          return [name, { ok: false, ms: Math.round(performance.now() - started), error }];
        }
      }),
    );
    const failed = results.filter(([name, r]) => !r.ok && !optional.has(name)).map(([name]) => name);
    const degraded = results.filter(([name, r]) => !r.ok && optional.has(name)).map(([name]) => name);
    return { ready: failed.length === 0, failed, degraded, checks: Object.fromEntries(results) };
  }

  private async postgres(): Promise<void> {
    await this.db.query('SELECT 1');
  }

  private async redisPing(): Promise<void> {
    const pong = await this.redis.ping();
    if (pong !== 'PONG') throw new Error(`unexpected PING reply ${pong}`);
  }

  private async meilisearch(baseUrl: string): Promise<void> {
    const res = await fetch(new URL('health', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`), {
      signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`GET /health answered ${res.status}`);
    const body = (await res.json().catch(() => ({}))) as { status?: string };
    if (body.status !== 'available') throw new Error(`status is ${body.status ?? 'unknown'}`);
  }
}
