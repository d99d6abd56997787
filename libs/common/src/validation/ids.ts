const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids that are not UUIDs cannot exist; callers answer "not found" without asking Postgres to cast. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Control characters other than tab and newline never belong in user text. */
export const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
