import { Logger as NestLogger } from '@nestjs/common';
import type { Logger, QueryRunner } from 'typeorm';

export type SqlLogLevel = 'query' | 'error';

/** The statement's first words: enough to tell which query failed without its text growing the log. */
function statementOf(query: string): string {
  const flat = query.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

/**
 * TypeORM's own loggers print to the console past the platform's JSON logger, parameters included
 * (argon2 hashes, contacts). This one writes through Nest's logger, so every line is the platform's
 * JSON, and never logs parameters: only the statement and, for failures, the PostgreSQL error code.
 */
export class TypeOrmJsonLogger implements Logger {
  private readonly logger = new NestLogger('TypeORM');

  constructor(private readonly levels: readonly SqlLogLevel[]) {}

  logQuery(query: string, _parameters?: unknown, _runner?: QueryRunner): void {
    if (this.levels.includes('query')) this.logger.debug({ msg: 'query', sql: statementOf(query) });
  }

  logQueryError(error: string | Error, query: string, _parameters?: unknown, _runner?: QueryRunner): void {
    if (!this.levels.includes('error')) return;
    // The driver's message may quote a parameter's value: only the SQLSTATE and names are logged.
    const e = (typeof error === 'string' ? {} : error) as { code?: string; constraint?: string; table?: string; column?: string };
    this.logger.error({
      msg: 'query failed',
      pgCode: e.code,
      constraint: e.constraint,
      table: e.table,
      column: e.column,
      sql: statementOf(query),
    });
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn({ msg: 'slow query', ms: time, sql: statementOf(query) });
  }

  logSchemaBuild(message: string): void {
    this.logger.debug({ msg: message });
  }

  logMigration(message: string): void {
    this.logger.log({ msg: message });
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    const msg = typeof message === 'string' ? message : JSON.stringify(message);
    if (level === 'warn') this.logger.warn({ msg });
    else this.logger.log({ msg });
  }
}
