import { StateConflictException } from './domain.exception';

const UNIQUE_VIOLATION = '23505';

function pgCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

function pgConstraint(err: unknown): string | undefined {
  const e = err as { constraint?: unknown; driverError?: { constraint?: unknown } } | null;
  const c = e?.driverError?.constraint ?? e?.constraint;
  return typeof c === 'string' ? c : undefined;
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  return pgCode(err) === UNIQUE_VIOLATION && (constraint === undefined || pgConstraint(err) === constraint);
}

/**
 * Runs an insert/update and turns a unique-index violation into CONFLICT: the index decides,
 * so two concurrent writers cannot both pass a check-then-insert.
 */
export async function conflictOnDuplicate<T>(
  work: () => Promise<T>,
  messages: Record<string, string>,
  fallback = 'Already exists',
): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isUniqueViolation(err)) {
      const constraint = pgConstraint(err);
      throw new StateConflictException((constraint && messages[constraint]) || fallback, { constraint });
    }
    throw err;
  }
}
