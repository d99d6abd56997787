/**
 * The one definition of a username's identity. Dependency-free on purpose: the migration that
 * backfills `app_user.username_canonical` runs this very function, so stored and looked-up forms
 * can never drift apart (PostgreSQL's locale-dependent `lower()` is used nowhere).
 */

export const USERNAME_MIN = 3;
export const USERNAME_MAX = 64;

/** Inputs longer than this cannot be a username whatever normalisation does; they are never processed further. */
export const USERNAME_INPUT_MAX = 256;

// Checked on the NFKC form: ASCII letters, digits, '.', '_' and '-', starting with a letter or digit.
// Scripts with look-alike letters (Cyrillic 'а', Turkish 'İ' …) are refused rather than folded.
const USERNAME_RULE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * NFKC, then one full case fold (upper-then-lower maps ß→ss, ς→σ, K→k the same way for
 * every process and locale), then NFKC again because folding can denormalise. The throttle key and
 * the stored column both come from here.
 */
export function canonicalUsername(raw: string): string {
  return raw.trim().normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
}

/** The display form: trimmed and NFKC, case kept. */
export function displayUsername(raw: string): string {
  return raw.trim().normalize('NFKC');
}

export const USERNAME_RULE_TEXT = `must be ${USERNAME_MIN}-${USERNAME_MAX} letters, digits, . _ or -, starting with a letter or digit`;

/** Why `raw` is not an acceptable username (the one rule text), or null when it is. */
export function usernameProblem(raw: string): string | null {
  if (raw.length > USERNAME_INPUT_MAX) return USERNAME_RULE_TEXT;
  const shown = displayUsername(raw);
  if (shown.length < USERNAME_MIN || shown.length > USERNAME_MAX || !USERNAME_RULE.test(shown)) return USERNAME_RULE_TEXT;
  // The fold of an accepted name stays ASCII; checked so a future rule change cannot break the invariant.
  if (!USERNAME_RULE.test(canonicalUsername(shown))) return USERNAME_RULE_TEXT;
  return null;
}
