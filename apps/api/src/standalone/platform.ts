import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { type AppConfig, loadConfig } from '@zs/config';
import { DataDirLockedError, dataDirHolder, embeddedDataDir } from '@zs/database';
import { QueueModule } from '@zs/queue';
import { OutboxWorkerModule, outboxParts } from '@zs/outbox';
import { WEBHOOK_OUTBOX } from '@zs/webhooks';
import { searchWorkerParts } from '@zs/search';
import { NOTIFICATION_OUTBOX } from '@zs/notifications';
import { createApiApp } from '../bootstrap';
import { type FirstAdmin, ensureFirstAdmin, runMigrations, seedIfEmpty } from './first-run';
import { NO_REDIS_MESSAGE, type PrivateRedis, findRedisServer, startPrivateRedis } from './private-redis';

/** A problem the operator can fix; printed without a stack trace. */
export class StartupError extends Error {}

export interface RunningPlatform {
  app: NestExpressApplication;
  config: AppConfig;
  baseUrl: string;
  database: string;
  redis: string;
  migrations: string[];
  seeded: { seeded: boolean; inserted: number };
  admin: FirstAdmin;
  /** Closes the app (finishing jobs in progress), then the private Redis. Idempotent. */
  stop(): Promise<void>;
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  /** Interface to listen on; default all interfaces like `start:api`. */
  host?: string;
}

/**
 * Without JWT_SECRET the config falls back to a well-known development secret: anyone who can reach
 * the port could forge tokens. The zero-setup start instead keeps a random secret of its own in
 * DATA_DIR (so tokens survive restarts).
 */
export function localJwtSecret(dataDir: string): string {
  const file = path.resolve(dataDir, 'jwt-secret');
  if (existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim();
    if (secret.length >= 32) return secret;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}

function describeDatabase(config: AppConfig): string {
  if (!config.databaseUrl) return `embedded PostgreSQL (PGlite), data in ${path.resolve(config.dataDir, 'pglite')}`;
  const u = new URL(config.databaseUrl);
  if (u.password) u.password = '***';
  return `PostgreSQL at ${u.toString()}`;
}

/**
 * The zero-setup start: real servers when DATABASE_URL / REDIS_URL are set, otherwise embedded
 * PostgreSQL (PGlite) and a private redis-server, both keeping their data under DATA_DIR. Then
 * migrate, seed 西安市 when empty, create the first admin, and run api and worker in this one process
 * (PGlite allows a single process only).
 */
export async function startPlatform(options: StartOptions = {}): Promise<RunningPlatform> {
  const env = options.env ?? process.env;
  let config = loadConfig(env);
  if (!config.databaseUrl && config.nodeEnv === 'production') {
    throw new StartupError('DATABASE_URL is required in production (the embedded database is for development)');
  }
  if (!config.databaseUrl) {
    // Before anything starts (the private Redis would take over the running platform's one).
    const pgliteDir = embeddedDataDir(config);
    const holder = dataDirHolder(pgliteDir);
    if (holder !== null) throw new StartupError(new DataDirLockedError(pgliteDir, holder > 0 ? holder : null).message);
  }
  if (!env.JWT_SECRET?.trim()) config = { ...config, jwtSecret: localJwtSecret(config.dataDir) };

  let privateRedis: PrivateRedis | undefined;
  if (!config.redisUrl) {
    const binary = findRedisServer(env);
    if (!binary) throw new StartupError(NO_REDIS_MESSAGE);
    privateRedis = await startPrivateRedis(binary, path.resolve(config.dataDir, 'redis'));
    config = { ...config, redisUrl: privateRedis.url };
  }
  const redis = privateRedis
    ? `private redis-server on ${privateRedis.url}, data in ${privateRedis.dir}`
    : `Redis at ${config.redisUrl!.replace(/\/\/([^@/]*)@/, '//***@')}`;

  let app: NestExpressApplication | undefined;
  try {
    app = await createApiApp(config, {
      // Every outbox consumer: notifications, partner webhooks; with MEILI_URL the search-index consumer and its reconcile job.
      imports: [QueueModule, OutboxWorkerModule.forRoot(outboxParts(NOTIFICATION_OUTBOX, WEBHOOK_OUTBOX, searchWorkerParts(config)))],
      shutdownHooks: false,
    });
    const migrations = await runMigrations(app);
    const seeded = await seedIfEmpty(app);
    const admin = await ensureFirstAdmin(app, env.ADMIN_PASSWORD?.trim() || undefined);
    await app.listen(config.port, options.host ?? '0.0.0.0').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        throw new StartupError(`Port ${config.port} is already in use: stop what runs there or set PORT, e.g. PORT=3100 npm start`);
      }
      throw err;
    });
    const { port } = app.getHttpServer().address() as AddressInfo;
    const running = app;
    let stopping: Promise<void> | undefined;
    return {
      app,
      config,
      baseUrl: `http://localhost:${port}`,
      database: describeDatabase(config),
      redis,
      migrations,
      seeded,
      admin,
      stop() {
        stopping ??= (async () => {
          try {
            await running.close();
          } finally {
            await privateRedis?.stop();
          }
        })();
        return stopping;
      },
    };
  } catch (err) {
    await app?.close().catch(() => undefined);
    await privateRedis?.stop();
    throw err;
  }
}

/** What the operator reads after `npm start`. */
export function startupBanner(p: RunningPlatform): string {
  const gql = `${p.baseUrl}/graphql`;
  const password = p.admin.created ? p.admin.password : '<your password>';
  const mutation = `mutation { login(username: "admin", password: ${JSON.stringify(password)}) { accessToken expiresAt } }`;
  const curlBody = JSON.stringify({ query: mutation }).replace(/'/g, `'\\''`);
  const lines = [
    '',
    '招商项目信息平台 is up.',
    '',
    `  GraphQL API   ${gql}`,
    p.config.graphqlIde
      ? `  GraphQL IDE   ${p.baseUrl}/ide   (or open ${gql} in a browser)`
      : '  GraphQL IDE   off (set GRAPHQL_IDE=true to serve it)',
    `  Health        ${p.baseUrl}/health   ${p.baseUrl}/ready   ${p.baseUrl}/metrics`,
    `  Database      ${p.database}`,
    `  Redis         ${p.redis}`,
    '',
  ];
  if (p.seeded.seeded) lines.push(`Loaded 西安市 and its districts, counties and sample zones (${p.seeded.inserted} units).`);
  if (p.admin.created) {
    lines.push(
      `Created the first administrator: username admin at unit ${p.admin.unitCode}.`,
      p.admin.generated
        ? `  Password: ${p.admin.password}   (generated and shown only this once; set ADMIN_PASSWORD to choose one)`
        : '  Password: the value of ADMIN_PASSWORD',
    );
  } else {
    lines.push('Sign in as admin with the password shown at the first start (or ADMIN_PASSWORD), or any user you created.');
  }
  lines.push(
    '',
    'Log in (paste into the IDE):',
    `  ${mutation}`,
    'or from a shell:',
    `  curl -s ${gql} -H 'content-type: application/json' -d '${curlBody}'`,
    'then send the token as the header  Authorization: Bearer <accessToken>',
    '',
    'Stop with Ctrl-C; data stays in ' + path.resolve(p.config.dataDir) + (p.config.databaseUrl ? ' (Redis only)' : ''),
    '',
  );
  return lines.join('\n');
}
