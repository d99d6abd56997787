import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { type UserActor, ValidationException } from '@zs/common';
import { UserRepository, canonicalUsername } from '@zs/identity';
import { OrgUnitRepository } from '@zs/org';
import { IMPORT_MAX_BYTES, ImportMode, LeadImportService } from './lead-import.service';

/**
 * `npm run cli -- leads:import FILE --unit CODE --as USERNAME [--mode ALL_OR_NOTHING|VALID_ROWS]`: the
 * HTTP import run as the named (active) user of that unit, with the user's rights.
 */
export async function importLeadsFromCli(
  app: INestApplicationContext,
  file: string,
  unitCode: string,
  username: string,
  mode: string,
): Promise<string> {
  if (!(Object.values(ImportMode) as string[]).includes(mode)) throw ValidationException.field('mode', 'must be ALL_OR_NOTHING or VALID_ROWS');
  const user = await app.get(UserRepository).findWithUnitByCanonical(canonicalUsername(username));
  if (!user || !user.active || !user.unitActive) throw ValidationException.field('as', 'no such active user');
  const unit = await app.get(OrgUnitRepository).findById(user.unitId);
  if (unit?.code !== unitCode) throw ValidationException.field('unit', 'is not the unit of the user given with --as');
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw ValidationException.field('file', 'cannot be read');
  }
  if (size > IMPORT_MAX_BYTES) throw ValidationException.field('file', 'is larger than 20 MB');
  const actor: UserActor = {
    kind: 'user',
    id: user.id,
    username: user.username,
    role: user.role,
    unitId: user.unitId,
    unitPath: user.unitPath,
    unitTier: user.unitTier,
  };
  const { table: _table, ...report } = await app
    .get(LeadImportService)
    .run(actor, { buffer: readFileSync(file), originalname: path.basename(file) }, mode as ImportMode);
  const lines = [
    `${report.rows} row(s): ${report.imported} imported, ${report.alreadyImported.length} already imported, ${report.errors.length} problem(s)` +
      (report.rolledBack ? ' — nothing written (ALL_OR_NOTHING)' : ''),
    ...report.errors.map((e) => `  row ${e.row}${e.column ? ` ${e.column}` : ''}: ${e.message}`),
  ];
  if (report.errors.length > 0) throw new ImportFailed(lines.join('\n'));
  return lines.join('\n');
}

/** An import that reported bad rows: the CLI prints the report and exits 1. */
export class ImportFailed extends Error {}
