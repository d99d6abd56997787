/**
 * An independent GB 32100-2015 统一社会信用代码 generator for test data (written from the standard,
 * not shared with the implementation): 31 code characters without I, O, Z, S, V; weight of
 * position i is 3^i mod 31; check character = (31 - Σ mod 31) mod 31.
 */
const CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = Array.from({ length: 17 }, (_, i) => {
  let w = 1;
  for (let k = 0; k < i; k++) w = (w * 3) % 31;
  return w;
});

export function checkChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CHARS.indexOf(first17[i]);
    if (v < 0) throw new Error(`bad USCC character ${first17[i]}`);
    sum += v * WEIGHTS[i];
  }
  return CHARS[(31 - (sum % 31)) % 31];
}

/** True when `s` is an 18-character code with a valid division code and check character. */
export function isValidUscc(s: string): boolean {
  if (s.length !== 18) return false;
  for (const c of s) if (!CHARS.includes(c)) return false;
  if (!/^\d{6}$/.test(s.slice(2, 8))) return false;
  return checkChar(s.slice(0, 17)) === s[17];
}

/** A valid, deterministic USCC for test number `n` (a company registered in `division`). */
export function makeUscc(n: number, division = '610115'): string {
  const org = String(n).padStart(8, '0') + CHARS[n % 31];
  const first17 = `91${division}${org}`;
  return first17 + checkChar(first17);
}

/** A USCC whose check character is wrong. */
export function breakCheck(uscc: string): string {
  const good = uscc[17];
  const bad = CHARS[(CHARS.indexOf(good) + 1) % 31];
  return uscc.slice(0, 17) + bad;
}

export const USCC_CHARS = CHARS;
