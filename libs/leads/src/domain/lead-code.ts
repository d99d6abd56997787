import { randomInt } from 'node:crypto';

/** Random draws in the 6-digit space before a code takes 8 digits (a year that full is far off). */
export const SHORT_CODE_ATTEMPTS = 12;
export const MAX_CODE_ATTEMPTS = 20;

/**
 * Lead codes are shown to partners and other units, so they must not count leads: a sequence lets
 * anyone subtract two of their own codes and learn how many leads others created in between, hidden
 * ones included. The number is drawn at random (CSPRNG) and kept unique by the `lead_code_key` index;
 * attempt `n` of one insert picks the width (6 digits, then 8 once the year's space is crowded).
 */
export function randomLeadCode(year: number, attempt = 0, draw: (max: number) => number = randomInt): string {
  const digits = attempt < SHORT_CODE_ATTEMPTS ? 6 : 8;
  return `XA-${year}-${String(draw(10 ** digits)).padStart(digits, '0')}`;
}
