import type { LoggerService } from '@nestjs/common';
import { currentRequestId } from './request-context';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type JsonLogLevel = keyof typeof LEVELS;

interface PgErrorFields {
  code?: unknown;
  severity?: unknown;
  constraint?: unknown;
  table?: unknown;
  column?: unknown;
  driverError?: unknown;
}

/**
 * A PostgreSQL error's message may quote the offending value (`invalid input syntax for type
 * integer: "<value>"`), and values are never logged: keep the SQLSTATE and the names only.
 */
export function databaseErrorEntry(e: Error): Record<string, unknown> | null {
  const pg = ((e as PgErrorFields).driverError ?? e) as PgErrorFields;
  if (typeof pg.code !== 'string' || !/^[0-9A-Z]{5}$/.test(pg.code) || pg.severity === undefined) return null;
  return {
    msg: `PostgreSQL error ${pg.code}`,
    pgCode: pg.code,
    constraint: pg.constraint,
    table: pg.table,
    column: pg.column,
    // The first line of a stack repeats the message.
    stack: e.stack?.split('\n').slice(1).join('\n'),
  };
}

/** One JSON object per line on stdout, carrying the request id of the request being served. */
export class JsonLogger implements LoggerService {
  constructor(
    private readonly minLevel: JsonLogLevel = 'info',
    private readonly service = 'zs',
    private readonly write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  ) {}

  private emit(level: JsonLogLevel, message: unknown, rest: unknown[]): void {
    if (LEVELS[level] < LEVELS[this.minLevel]) return;
    // Nest passes the context (class name) as the last string argument.
    const context = typeof rest.at(-1) === 'string' ? (rest.pop() as string) : undefined;
    const entry: Record<string, unknown> = {
      time: new Date().toISOString(),
      level,
      service: this.service,
      context,
      requestId: currentRequestId(),
    };
    if (message instanceof Error) {
      const db = databaseErrorEntry(message);
      if (db) Object.assign(entry, db);
      else {
        entry.msg = message.message;
        entry.stack = message.stack;
      }
    } else if (typeof message === 'object' && message !== null) {
      Object.assign(entry, message);
    } else {
      entry.msg = String(message);
    }
    const extra = rest.filter((r) => r !== undefined);
    if (extra.length > 0) entry.detail = extra.map((r) => (r instanceof Error ? (databaseErrorEntry(r) ?? r.stack) : r));
    this.write(JSON.stringify(entry));
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.emit('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.emit('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.emit('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }
}
