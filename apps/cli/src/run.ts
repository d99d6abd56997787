import { Client } from 'pg';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { type AppConfig, ConfigValidationError, loadConfig } from '@zs/config';
import { DataDirLockedError, dataDirHolder, embeddedDataDir } from '@zs/database';
import { CliModule } from './cli.module';
import { type Args, COMMANDS, UsageError, describeError } from './commands';

/** `--name value`, `--name=value` and bare `--flag`. */
export function parseOptions(argv: string[]): Args {
  const out: Args = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--') || arg.length === 2) throw new UsageError(`Unexpected argument: ${arg}`);
    const eq = arg.indexOf('=');
    if (eq > 0) {
      out[arg.slice(2, eq)] = arg.slice(eq + 1);
    } else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) {
      out[arg.slice(2)] = argv[++i];
    } else {
      out[arg.slice(2)] = true;
    }
  }
  return out;
}

export function help(): string {
  return ['Usage: npm run cli -- <command> [options]', '', ...Object.values(COMMANDS).map((c) => `  ${c.usage}`)].join('\n');
}

/**
 * One quick connection before Nest starts: an operator at a prompt should hear "cannot connect"
 * within seconds, not after the data source's half minute of start-up retries.
 */
async function checkDatabaseReachable(url: string): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    const u = new URL(url);
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`Cannot connect to PostgreSQL at ${u.hostname}:${u.port || 5432}${u.pathname}: ${reason}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const consoleIo: CliIo = { out: (t) => console.log(t), err: (t) => console.error(t) };

export interface CliOptions {
  /** Defaults to the environment (`loadConfig()`); tests pass their own. */
  config?: AppConfig;
  io?: CliIo;
  /**
   * Run the command inside this already started application instead of opening the database a
   * second time: how tests run the commands on the embedded database, which one process holds.
   */
  context?: INestApplicationContext;
}

/**
 * Runs one CLI command and returns the process exit code: 0 done, 1 the command failed (every
 * problem printed), 2 usage error or unknown command.
 */
export async function runCli(argv: string[], opts: CliOptions = {}): Promise<number> {
  const io = opts.io ?? consoleIo;
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help') {
    io.out(help());
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.err(`Unknown command: ${name}\n\n${help()}`);
    return 2;
  }
  let app: INestApplicationContext | undefined;
  try {
    const bare = command.positional && rest[0] !== undefined && !rest[0].startsWith('--');
    const values = parseOptions(bare ? [`--${command.positional}`, ...rest] : rest);
    if (opts.context) {
      io.out(await command.run(opts.context, values));
      return 0;
    }
    const config = opts.config ?? loadConfig();
    if (config.databaseUrl) await checkDatabaseReachable(config.databaseUrl);
    else {
      // The embedded database in use by `npm start`: one clear line instead of Nest's start-up error.
      const pgliteDir = embeddedDataDir(config);
      const holder = dataDirHolder(pgliteDir);
      if (holder !== null) throw new DataDirLockedError(pgliteDir, holder > 0 ? holder : null);
    }
    // abortOnError: false, so a failing start (database down) is reported instead of aborting the process.
    app = await NestFactory.createApplicationContext(CliModule.forRoot(config), {
      logger: ['error', 'warn'],
      abortOnError: false,
    });
    io.out(await command.run(app, values));
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`${err.message}\nUsage: npm run cli -- ${command.usage}`);
      return 2;
    }
    io.err(err instanceof ConfigValidationError ? err.message : describeError(err));
    return 1;
  } finally {
    await app?.close();
  }
}
