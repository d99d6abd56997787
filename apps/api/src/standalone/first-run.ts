import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OrgTier, OrgUnitService } from '@zs/org';
import { UserService } from '@zs/identity';

export const FIRST_ADMIN_USERNAME = 'admin';

export async function runMigrations(app: INestApplicationContext): Promise<string[]> {
  const ran = await app.get(DataSource).runMigrations({ transaction: 'each' });
  return ran.map((m) => m.name);
}

/** Loads 西安市 and its districts when the organisation is empty; a deployment with its own tree is left alone. */
export async function seedIfEmpty(app: INestApplicationContext): Promise<{ seeded: boolean; inserted: number }> {
  const [{ n }]: { n: number }[] = await app.get(DataSource).query(`SELECT count(*)::int AS n FROM org_unit`);
  if (Number(n) > 0) return { seeded: false, inserted: 0 };
  const { inserted } = await app.get(OrgUnitService).seedXian();
  return { seeded: true, inserted };
}

export type FirstAdmin =
  | { created: false }
  | { created: true; username: string; unitCode: string; password: string; generated: boolean };

/**
 * Creates the first administrator (user `admin` at the city unit, 610100 for 西安市) when there is no
 * active admin. The password is ADMIN_PASSWORD, or generated; the caller prints it once.
 */
export async function ensureFirstAdmin(app: INestApplicationContext, adminPassword?: string): Promise<FirstAdmin> {
  const users = app.get(UserService);
  if ((await users.countAdmins()) > 0) return { created: false };
  const [city] = await app.get(OrgUnitService).list(OrgTier.CITY);
  if (!city) throw new Error('No CITY unit exists, so there is nowhere to put the first admin');
  const generated = !adminPassword;
  const password = adminPassword || randomBytes(12).toString('base64url');
  await users.create({
    username: FIRST_ADMIN_USERNAME,
    password,
    unitCode: city.code,
    role: 'ADMIN',
    displayName: '系统管理员 Administrator',
  });
  return { created: true, username: FIRST_ADMIN_USERNAME, unitCode: city.code, password, generated };
}
