// GB 32100-2015 统一社会信用代码: 18 characters from a 31-symbol alphabet (no I, O, Z, S, V);
// the last one is a check character computed from the first 17.
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function usccCheckChar(first17: string): string | null {
  if (first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = ALPHABET.indexOf(first17[i]);
    if (v < 0) return null;
    sum += v * WEIGHTS[i];
  }
  return ALPHABET[(31 - (sum % 31)) % 31];
}

/** Why a USCC is invalid, or null when it is valid. Lower case is accepted and normalised by the caller. */
export function usccProblem(raw: string): string | null {
  const code = raw.toUpperCase();
  if (code.length !== 18) return 'must be 18 characters';
  for (const ch of code) if (!ALPHABET.includes(ch)) return `contains an invalid character "${ch}"`;
  if (!/^\d{6}$/.test(code.slice(2, 8))) return 'characters 3-8 must be an administrative division code';
  if (usccCheckChar(code.slice(0, 17)) !== code[17]) return 'check digit does not match (GB 32100-2015)';
  return null;
}
