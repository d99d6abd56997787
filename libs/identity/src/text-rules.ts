import { CONTROL_CHARS } from '@zs/common';

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why a free-text identity field (display name, API key name) is not acceptable, or null. NUL and
 * other control characters break PostgreSQL text and logs; lone surrogates are silently turned into
 * U+FFFD by the driver. Length is counted after trimming.
 */
export function textProblem(value: string, min: number, max: number): string | null {
  if (CONTROL_CHARS.test(value) || /[\r\n\t]/.test(value)) return 'must not contain control characters';
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode text';
  const length = value.trim().length;
  if (length < min || length > max) return `must be ${min} to ${max} characters`;
  return null;
}
