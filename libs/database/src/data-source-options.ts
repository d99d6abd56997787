import path from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '@zs/config';
import { MIGRATIONS } from './migrations';
import { serialPgliteDriver } from './pglite-serial-driver';
import { type SqlLogLevel, TypeOrmJsonLogger } from './typeorm-json-logger';

/** Where the embedded PGlite keeps its files (and, beside them, the lock of the process using them). */
export function embeddedDataDir(config: AppConfig): string {
  return path.resolve(config.dataDir, 'pglite');
}

/**
 * One place decides how the platform reaches PostgreSQL: a real server when DATABASE_URL is set,
 * otherwise the embedded PGlite (real Postgres compiled to WASM) under DATA_DIR for zero-setup use.
 */
export function dataSourceOptions(config: AppConfig, extra: Partial<DataSourceOptions> = {}): DataSourceOptions {
  const levels: SqlLogLevel[] = config.logLevel === 'debug' ? ['query', 'error'] : config.nodeEnv === 'test' ? [] : ['error'];
  const common = {
    type: 'postgres' as const,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    // Failed statements surface as typed errors; tests provoke many on purpose, so keep them quiet there.
    logging: levels.length > 0,
    logger: new TypeOrmJsonLogger(levels),
  };
  if (config.databaseUrl) {
    return {
      ...common,
      url: config.databaseUrl,
      poolSize: 10,
      applicationName: 'zs',
      // Short OLTP statements: the planner's cost of a count over 100k leads crosses jit_above_cost,
      // and compiling it took 0.6 s of a 20 ms query (docs/benchmarks.md). Sent as a start-up option.
      extra: { options: '-c jit=off' },
      ...extra,
    } as DataSourceOptions;
  }
  if (config.nodeEnv === 'production') {
    throw new Error('DATABASE_URL is required in production');
  }
  // typeorm-pglite is loaded lazily (inside serialPgliteDriver) so production never touches the WASM build;
  // the serial pool gives each transaction the one embedded session to itself.
  const dataDir = embeddedDataDir(config);
  // Migrations use core gen_random_uuid(); PGlite ships no uuid-ossp for TypeORM to install.
  return { ...common, driver: serialPgliteDriver(dataDir), installExtensions: false, ...extra } as DataSourceOptions;
}
