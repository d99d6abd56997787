export type NodeEnv = 'development' | 'production' | 'test';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface AppConfig {
  nodeEnv: NodeEnv;
  port: number;
  logLevel: LogLevel;
  /** Unset means "zero-setup": the starter provides an embedded PostgreSQL. */
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  redisPrefix: string;
  meiliUrl: string | undefined;
  meiliMasterKey: string | undefined;
  meili: MeiliSettings;
  jwtSecret: string;
  jwtTtlSeconds: number;
  graphqlIde: boolean;
  /** Browser origins allowed to call the API cross-origin (CORS); empty: none, `['*']`: any. */
  corsOrigins: string[];
  dataDir: string;
  limits: GraphqlLimits;
  login: LoginLimits;
  leads: LeadLimits;
  /** Port of the worker process's /health, /ready and /metrics (start:worker only). */
  workerPort: number;
  outbox: OutboxSettings;
  webhooks: WebhookSettings;
  notifications: NotificationSettings;
  /** Leads signed longer ago than this and not landed are flagged (签约未落地, SIGNED_NOT_LANDED_MONTHS). */
  signedNotLandedMonths: number;
  /** Rows one lead export may hold (EXPORT_MAX_ROWS). */
  exportMaxRows: number;
}

export interface WebhookSettings {
  /**
   * Hosts (names or IP literals, lower case) an admin allows even though they resolve to loopback,
   * private, link-local or unique-local addresses (WEBHOOK_ALLOWED_HOSTS). Empty: none.
   */
  allowedHosts: string[];
  /** Whole-attempt timeout of one POST. */
  timeoutMs: number;
  /** Response bytes read per attempt; the rest is discarded. */
  maxResponseBytes: number;
  /** Attempts of one delivery before it is DEAD. */
  maxAttempts: number;
  /** Backoff before the first retry; doubles per attempt (with ±20% jitter), capped at retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
}

export interface MeiliSettings {
  /** Name (uid) of the leads index; reindex builds `<index>_reindex_<time>` and swaps it in. */
  index: string;
  /** Per HTTP request to Meilisearch; a search that takes longer is answered by PostgreSQL. */
  timeoutMs: number;
  /** How long indexing waits for a Meilisearch task before it counts as failed. */
  taskTimeoutMs: number;
  /** How often the repeatable reconcile job compares database and index. */
  reconcileIntervalMs: number;
}

export interface NotificationSettings {
  /** Cron of the daily digest (DIGEST_CRON), in `digestTimeZone`. */
  digestCron: string;
  /** IANA time zone of the digest and reminder schedules and of their calendar days (DIGEST_TZ). */
  digestTimeZone: string;
  /** Cron of the daily reminders (REMINDER_CRON), in `digestTimeZone`. */
  reminderCron: string;
  /** smtp:// or smtps:// URL: digests are also sent by e-mail when set (SMTP_URL). */
  smtpUrl: string | undefined;
  /** Sender of digest e-mails (MAIL_FROM). */
  mailFrom: string;
  /** Expected landing within this many days → reminder to the owner chain (REMINDER_LANDING_DAYS). */
  reminderLandingDays: number;
  /** An open lead without activity for this many days → reminder to the owner unit (REMINDER_STALE_DAYS). */
  reminderStaleDays: number;
  /** How often a live subscription's credentials are checked again; a revoked token's socket closes (WS_AUTH_RECHECK). */
  wsAuthRecheckMs: number;
}

export interface OutboxSettings {
  /** How often the repeatable sweep job relays unpublished events. */
  sweepIntervalMs: number;
  /** Events claimed per relay transaction. */
  batchSize: number;
  /** Published events older than this are deleted by the daily prune job. */
  retentionDays: number;
  /** Failed deliveries of one event after which it is parked as a dead letter. */
  maxAttempts: number;
}

export interface LoginLimits {
  /** Failures after which each further attempt is delayed. */
  slowAfter: number;
  /** Failures after which attempts are refused until the window passes. */
  maxFailures: number;
  windowSeconds: number;
  /** Failed logins from one client address (IPv6: its /64) in the window before it gets RATE_LIMITED. */
  maxFailuresPerAddress: number;
  /** Failed logins across all clients per minute before every attempt gets RATE_LIMITED. */
  maxFailuresGlobalPerMinute: number;
  /** Password hashes (argon2id) computed at once by one process; more attempts fail fast. */
  maxConcurrentHashes: number;
}

export interface LeadLimits {
  /**
   * Investor look-ups (createLead, updateLead with `investor`) one user or API client may make per
   * window before RATE_LIMITED: each can raise a conflict, so they bound anyone probing investors.
   */
  investorProbeLimit: number;
  investorProbeWindowSeconds: number;
}

export interface GraphqlLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxCost: number;
  maxBodyBytes: number;
}

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

type Env = Record<string, string | undefined>;

const DURATION = /^(\d+)\s*(s|m|h|d)?$/;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

export function parseDuration(raw: string): number | undefined {
  const m = DURATION.exec(raw.trim());
  if (!m) return undefined;
  const seconds = Number(m[1]) * UNIT_SECONDS[m[2] ?? 's'];
  return seconds > 0 ? seconds : undefined;
}

/**
 * Reads and validates every variable at once, so an operator sees all mistakes in one error
 * instead of fixing them one restart at a time.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const str = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const v = str(name);
    if (v === undefined) return fallback;
    if ((allowed as readonly string[]).includes(v)) return v as T;
    problems.push(`${name} must be one of ${allowed.join(', ')} (got "${v}")`);
    return fallback;
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const v = str(name);
    if (v === undefined) return fallback;
    // Plain decimal digits only: Number() would also take "0x50", "1e3" or "80.0".
    const n = /^-?\d+$/.test(v) ? Number(v) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name} must be an integer between ${min} and ${max} (got "${v}")`);
      return fallback;
    }
    return n;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const v = str(name);
    if (v === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(v.toLowerCase())) return true;
    if (['0', 'false', 'no', 'off'].includes(v.toLowerCase())) return false;
    problems.push(`${name} must be true or false (got "${v}")`);
    return fallback;
  };
  const url = (name: string, protocols: string[]): string | undefined => {
    const v = str(name);
    if (v === undefined) return undefined;
    try {
      const u = new URL(v);
      if (!protocols.includes(u.protocol)) {
        problems.push(`${name} must use ${protocols.join(' or ')} (got "${u.protocol}")`);
      }
    } catch {
      problems.push(`${name} is not a valid URL`);
    }
    return v;
  };

  const nodeEnv = oneOf<NodeEnv>('NODE_ENV', ['development', 'production', 'test'], 'development');
  const port = int('PORT', 3000, 0, 65535);
  const logLevel = oneOf<LogLevel>('LOG_LEVEL', ['debug', 'info', 'warn', 'error'], 'info');
  const databaseUrl = url('DATABASE_URL', ['postgres:', 'postgresql:']);
  const redisUrl = url('REDIS_URL', ['redis:', 'rediss:']);

  // Production runs against real servers; only `npm start` may fall back to embedded ones.
  if (nodeEnv === 'production') {
    if (!databaseUrl) problems.push('DATABASE_URL is required in production');
    if (!redisUrl) problems.push('REDIS_URL is required in production');
  }

  const redisPrefix = str('REDIS_PREFIX') ?? 'zs';
  // BullMQ joins prefix and queue name with ':'. Braces are allowed on purpose: with Redis Cluster the
  // prefix should be a hash tag such as `{zs}` so every key of a queue lands in one slot.
  if (!/^[A-Za-z0-9_\-:{}]{1,64}$/.test(redisPrefix)) {
    problems.push('REDIS_PREFIX must be 1-64 characters of letters, digits, _ - : { }');
  }

  const meiliUrl = url('MEILI_URL', ['http:', 'https:']);
  const meiliMasterKey = str('MEILI_MASTER_KEY');
  if (meiliUrl && nodeEnv === 'production' && !meiliMasterKey) {
    problems.push('MEILI_MASTER_KEY is required when MEILI_URL is set in production');
  }

  const meili: MeiliSettings = {
    index: str('MEILI_INDEX') ?? 'leads',
    timeoutMs: int('MEILI_TIMEOUT_MS', 1500, 50, 60000),
    taskTimeoutMs: int('MEILI_TASK_TIMEOUT_MS', 10000, 100, 3600000),
    reconcileIntervalMs: 3600 * 1000,
  };
  // Index uids: alphanumerics, - and _ (Meilisearch's rule), with room for the reindex suffix.
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(meili.index)) problems.push('MEILI_INDEX must be 1-200 characters of letters, digits, - and _');
  const reconcileRaw = str('MEILI_RECONCILE_INTERVAL');
  if (reconcileRaw !== undefined) {
    const parsed = parseDuration(reconcileRaw);
    if (parsed === undefined || parsed < 60 || parsed > 7 * 86400) {
      problems.push(`MEILI_RECONCILE_INTERVAL must be a duration such as 15m, 1h or 1d, between 1m and 7d (got "${reconcileRaw}")`);
    } else meili.reconcileIntervalMs = parsed * 1000;
  }

  let jwtSecret = str('JWT_SECRET');
  if (jwtSecret === undefined) {
    if (nodeEnv === 'production') problems.push('JWT_SECRET is required in production');
    jwtSecret = 'dev-only-insecure-secret-change-me-0000';
  } else if (jwtSecret.length < 32) {
    problems.push('JWT_SECRET must be at least 32 characters');
  }

  let jwtTtlSeconds = 8 * 3600;
  const ttlRaw = str('JWT_TTL');
  if (ttlRaw !== undefined) {
    const parsed = parseDuration(ttlRaw);
    if (parsed === undefined || parsed > 30 * 86400) {
      problems.push(`JWT_TTL must be a duration such as 3600, 30m, 8h or 1d, at most 30d (got "${ttlRaw}")`);
    } else {
      jwtTtlSeconds = parsed;
    }
  }

  const graphqlIde = bool('GRAPHQL_IDE', nodeEnv !== 'production');
  const dataDir = str('DATA_DIR') ?? '.data';
  const corsOrigins = (str('CORS_ORIGINS') ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o.length > 0);
  for (const o of corsOrigins) {
    if (o !== '*' && !/^https?:\/\/[^/\s]+$/.test(o)) {
      problems.push(`CORS_ORIGINS must be a comma-separated list of origins such as https://console.example.gov.cn, or * (got "${o}")`);
    }
  }

  const limits: GraphqlLimits = {
    maxDepth: int('GRAPHQL_MAX_DEPTH', 12, 2, 50),
    maxAliases: int('GRAPHQL_MAX_ALIASES', 30, 1, 1000),
    maxTokens: int('GRAPHQL_MAX_TOKENS', 5000, 100, 100000),
    maxCost: int('GRAPHQL_MAX_COST', 25000, 100, 10000000),
    maxBodyBytes: int('GRAPHQL_MAX_BODY_BYTES', 262144, 1024, 10485760),
  };

  const login: LoginLimits = {
    slowAfter: int('LOGIN_SLOW_AFTER', 3, 1, 100),
    maxFailures: int('LOGIN_MAX_FAILURES', 10, 1, 1000),
    windowSeconds: 900,
    maxFailuresPerAddress: int('LOGIN_MAX_FAILURES_PER_ADDRESS', 30, 1, 100000),
    maxFailuresGlobalPerMinute: int('LOGIN_MAX_FAILURES_GLOBAL', 600, 1, 1000000),
    maxConcurrentHashes: int('LOGIN_MAX_CONCURRENT_HASHES', 8, 1, 256),
  };
  const windowRaw = str('LOGIN_WINDOW');
  if (windowRaw !== undefined) {
    const parsed = parseDuration(windowRaw);
    if (parsed === undefined || parsed > 86400) {
      problems.push(`LOGIN_WINDOW must be a duration such as 900, 15m or 1h, at most 1d (got "${windowRaw}")`);
    } else {
      login.windowSeconds = parsed;
    }
  }

  const leads: LeadLimits = {
    investorProbeLimit: int('LEAD_INVESTOR_PROBE_LIMIT', 300, 1, 1000000),
    investorProbeWindowSeconds: 3600,
  };
  const probeWindowRaw = str('LEAD_INVESTOR_PROBE_WINDOW');
  if (probeWindowRaw !== undefined) {
    const parsed = parseDuration(probeWindowRaw);
    if (parsed === undefined || parsed > 86400) {
      problems.push(`LEAD_INVESTOR_PROBE_WINDOW must be a duration such as 3600, 60m or 1h, at most 1d (got "${probeWindowRaw}")`);
    } else leads.investorProbeWindowSeconds = parsed;
  }

  const workerPort = int('WORKER_PORT', 3001, 0, 65535);
  const outbox: OutboxSettings = {
    sweepIntervalMs: 5000,
    batchSize: int('OUTBOX_BATCH_SIZE', 100, 1, 10000),
    retentionDays: int('OUTBOX_RETENTION_DAYS', 7, 1, 3650),
    maxAttempts: int('OUTBOX_MAX_ATTEMPTS', 10, 1, 1000),
  };
  const sweepRaw = str('OUTBOX_SWEEP_INTERVAL');
  if (sweepRaw !== undefined) {
    const parsed = parseDuration(sweepRaw);
    if (parsed === undefined || parsed > 3600) {
      problems.push(`OUTBOX_SWEEP_INTERVAL must be a duration such as 5, 30s or 1m, at most 1h (got "${sweepRaw}")`);
    } else outbox.sweepIntervalMs = parsed * 1000;
  }

  const allowedHosts = (str('WEBHOOK_ALLOWED_HOSTS') ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h.length > 0);
  for (const h of allowedHosts) {
    if (!/^(\[[0-9a-f:.]+\]|[a-z0-9.:_-]{1,253})$/.test(h)) {
      problems.push(`WEBHOOK_ALLOWED_HOSTS must be a comma-separated list of host names or IP addresses (got "${h}")`);
    }
  }
  const webhooks: WebhookSettings = {
    allowedHosts: allowedHosts.map((h) => h.replace(/^\[(.*)\]$/, '$1')),
    timeoutMs: int('WEBHOOK_TIMEOUT_MS', 10000, 100, 60000),
    maxResponseBytes: int('WEBHOOK_MAX_RESPONSE_BYTES', 65536, 1024, 10485760),
    maxAttempts: int('WEBHOOK_MAX_ATTEMPTS', 13, 1, 100),
    retryBaseMs: int('WEBHOOK_RETRY_BASE_MS', 60000, 10, 86400000),
    retryMaxMs: int('WEBHOOK_RETRY_MAX_MS', 21600000, 10, 86400000),
  };
  if (webhooks.retryMaxMs < webhooks.retryBaseMs) problems.push('WEBHOOK_RETRY_MAX_MS must not be below WEBHOOK_RETRY_BASE_MS');
  const cron = (name: string, fallback: string): string => {
    const v = str(name) ?? fallback;
    // Five or six fields of digits, * , - / (what BullMQ's cron parser takes); names are not accepted.
    if (!/^[\d*,\-/]+( [\d*,\-/]+){4,5}$/.test(v)) problems.push(`${name} must be a cron expression such as "0 8 * * *" (got "${v}")`);
    return v;
  };
  const digestTimeZone = str('DIGEST_TZ') ?? 'Asia/Shanghai';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: digestTimeZone });
  } catch {
    problems.push(`DIGEST_TZ must be an IANA time zone such as Asia/Shanghai (got "${digestTimeZone}")`);
  }
  const notifications: NotificationSettings = {
    digestCron: cron('DIGEST_CRON', '0 8 * * *'),
    digestTimeZone,
    reminderCron: cron('REMINDER_CRON', '30 8 * * *'),
    smtpUrl: url('SMTP_URL', ['smtp:', 'smtps:']),
    mailFrom: str('MAIL_FROM') ?? '招商项目信息平台 <noreply@localhost>',
    reminderLandingDays: int('REMINDER_LANDING_DAYS', 30, 1, 3650),
    reminderStaleDays: int('REMINDER_STALE_DAYS', 30, 1, 3650),
    wsAuthRecheckMs: 10_000,
  };
  const recheckRaw = str('WS_AUTH_RECHECK');
  if (recheckRaw !== undefined) {
    const parsed = parseDuration(recheckRaw);
    if (parsed === undefined || parsed > 3600) {
      problems.push(`WS_AUTH_RECHECK must be a duration such as 10, 30s or 1m, at most 1h (got "${recheckRaw}")`);
    } else notifications.wsAuthRecheckMs = parsed * 1000;
  }

  const signedNotLandedMonths = int('SIGNED_NOT_LANDED_MONTHS', 6, 1, 120);
  const exportMaxRows = int('EXPORT_MAX_ROWS', 10000, 1, 1000000);

  if (problems.length > 0) throw new ConfigValidationError(problems);
  return {
    nodeEnv,
    port,
    logLevel,
    databaseUrl,
    redisUrl,
    redisPrefix,
    meiliUrl,
    meiliMasterKey,
    meili,
    jwtSecret,
    jwtTtlSeconds,
    graphqlIde,
    corsOrigins,
    dataDir,
    limits,
    login,
    leads,
    workerPort,
    outbox,
    webhooks,
    notifications,
    signedNotLandedMonths,
    exportMaxRows,
  };
}
