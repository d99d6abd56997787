import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainException } from '@zs/common';
import { OrgTier, OrgUnitService } from '@zs/org';
import { ApiClientService, UserService } from '@zs/identity';
import { importLeadsFromCli } from '@zs/excel';
import { OUTBOX_COMMANDS } from './outbox-commands';
import { SEARCH_COMMANDS } from './search-commands';

export type Args = Record<string, string | boolean | undefined>;

export interface Command {
  usage: string;
  /** The option a leading bare argument stands for (`leads:import FILE` = `--file FILE`). */
  positional?: string;
  run(app: INestApplicationContext, args: Args): Promise<string>;
}

export class UsageError extends Error {}

/** The values of the named options; a usage error listing every missing one at once. */
function required<N extends string>(args: Args, ...names: N[]): Record<N, string> {
  const missing = names.filter((n) => typeof args[n] !== 'string' || (args[n] as string).length === 0);
  if (missing.length === 1) throw new UsageError(`--${missing[0]} is required`);
  if (missing.length > 1) throw new UsageError(`${missing.map((n) => `--${n}`).join(', ')} are required`);
  return Object.fromEntries(names.map((n) => [n, args[n] as string])) as Record<N, string>;
}

function optional(args: Args, name: string): string | undefined {
  const v = args[name];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

export async function migrate(app: INestApplicationContext): Promise<string[]> {
  const ran = await app.get(DataSource).runMigrations({ transaction: 'each' });
  return ran.map((m) => m.name);
}

export const COMMANDS: Record<string, Command> = {
  migrate: {
    usage: 'migrate',
    async run(app) {
      const ran = await migrate(app);
      return ran.length ? `Applied ${ran.length} migration(s): ${ran.join(', ')}` : 'Database is up to date';
    },
  },
  'seed:xian': {
    usage: 'seed:xian',
    async run(app) {
      const { inserted } = await app.get(OrgUnitService).seedXian();
      return inserted ? `Seeded ${inserted} unit(s) of 西安市` : '西安市 is already seeded; nothing changed';
    },
  },
  'org-units:create': {
    usage: 'org-units:create --code C --name N --tier CITY|DISTRICT|ZONE [--parent CODE] [--industries A,B]',
    async run(app, args) {
      const orgUnits = app.get(OrgUnitService);
      const given = required(args, 'code', 'name', 'tier');
      const tier = given.tier.toUpperCase() as OrgTier;
      if (!Object.values(OrgTier).includes(tier)) throw new UsageError('--tier must be CITY, DISTRICT or ZONE');
      const parentCode = optional(args, 'parent');
      const parent = parentCode ? await orgUnits.findByCode(parentCode) : null;
      if (parentCode && !parent) throw new UsageError(`no unit with code ${parentCode}`);
      const unit = await orgUnits.create('system', {
        code: given.code,
        name: given.name,
        tier,
        parentId: parent?.id ?? null,
        leadingIndustryCodes: optional(args, 'industries')?.split(',').map((s) => s.trim()) ?? [],
      });
      return `Created ${unit.tier} ${unit.code} ${unit.name} (${unit.id})`;
    },
  },
  'users:create': {
    usage: 'users:create --username U --password P --unit CODE --role ADMIN|MANAGER|OFFICER|VIEWER [--display-name N]',
    async run(app, args) {
      const given = required(args, 'username', 'password', 'unit', 'role');
      const user = await app.get(UserService).create({
        username: given.username,
        password: given.password,
        unitCode: given.unit,
        role: given.role,
        displayName: optional(args, 'display-name'),
      });
      return `Created user ${user.username} (${user.role})`;
    },
  },
  'users:deactivate': {
    usage: 'users:deactivate --username U',
    async run(app, args) {
      const { username } = required(args, 'username');
      const user = await app.get(UserService).setActive(username, false);
      return `Deactivated user ${user.username}; their tokens no longer work`;
    },
  },
  'users:set-password': {
    usage: 'users:set-password --username U --password P',
    async run(app, args) {
      const given = required(args, 'username', 'password');
      const user = await app.get(UserService).setPassword(given.username, given.password);
      return `Set the password of user ${user.username}; their tokens no longer work`;
    },
  },
  'api-keys:create': {
    usage: 'api-keys:create --name N --unit CODE [--scopes leads:read,leads:write] [--rate-limit PER_MINUTE]',
    async run(app, args) {
      const rate = optional(args, 'rate-limit');
      const given = required(args, 'name', 'unit');
      const { client, key } = await app.get(ApiClientService).create({
        name: given.name,
        unitCode: given.unit,
        scopes: optional(args, 'scopes')?.split(',').map((s) => s.trim()),
        rateLimitPerMinute: rate === undefined ? undefined : Number(rate),
      });
      return [
        `Created API client ${client.name} with scopes ${client.scopes.join(', ')}.`,
        `Key (shown once, store it now): ${key}`,
      ].join('\n');
    },
  },
  'api-keys:revoke': {
    usage: 'api-keys:revoke --name N',
    async run(app, args) {
      const { name } = required(args, 'name');
      await app.get(ApiClientService).revoke(name);
      return `Revoked API client ${name}`;
    },
  },
  'leads:import': {
    usage: 'leads:import FILE --unit CODE --as USERNAME [--mode ALL_OR_NOTHING|VALID_ROWS]',
    positional: 'file',
    async run(app, args) {
      const given = required(args, 'file', 'unit', 'as');
      return importLeadsFromCli(app, given.file, given.unit, given.as, optional(args, 'mode') ?? 'ALL_OR_NOTHING');
    },
  },
  ...OUTBOX_COMMANDS,
  ...SEARCH_COMMANDS,
};

export function describeError(err: unknown): string {
  if (err instanceof DomainException) {
    // With field errors the message only repeats them: print one line per problem instead.
    if (err.fields.length === 0) return `${err.code}: ${err.message}`;
    return [`${err.code}: invalid input`, ...err.fields.map((f) => `  --${f.path}: ${f.message}`)].join('\n');
  }
  return err instanceof Error ? err.message : String(err);
}
