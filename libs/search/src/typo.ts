/**
 * Typo tolerance for Latin words on the PostgreSQL engine, with Meilisearch's thresholds: words of
 * 5+ characters may have one typo, 9+ two (insertion, deletion, substitution, or swapping two
 * neighbours). Used only when a search finds nothing, against the leads' Latin vocabulary.
 */
export function maxTypos(length: number): number {
  return length >= 9 ? 2 : length >= 5 ? 1 : 0;
}

/** Optimal-string-alignment distance of a and b, or max + 1 as soon as it must exceed max. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      cur.push(d);
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length];
}

export interface Correction {
  /** The replacement token: a word of the vocabulary or a prefix of one (tokens match as prefixes). */
  token: string;
  distance: number;
}

/**
 * The closest vocabulary word (or word prefix, since Latin tokens are prefixes) within the token's
 * typo budget; ties prefer a whole word, then the shorter word, then the prefix closest in length to
 * the token, then the alphabetically first. Null when
 * nothing is close enough, or when the token already is a prefix of a word (not a typo).
 */
export function correct(token: string, vocabulary: readonly string[]): Correction | null {
  const budget = maxTypos(token.length);
  if (budget === 0 || !/^[a-z]/.test(token)) return null;
  const closer = (a: string, b: string) => {
    const da = Math.abs(a.length - token.length);
    const db = Math.abs(b.length - token.length);
    return da < db || (da === db && a < b);
  };
  let best: (Correction & { whole: boolean; word: string }) | null = null;
  for (const word of vocabulary) {
    if (word.startsWith(token)) return null;
    for (let len = Math.max(1, token.length - budget); len <= Math.min(word.length, token.length + budget); len++) {
      const distance = editDistance(token, word.slice(0, len), budget);
      if (distance > budget) continue;
      const cand = { token: word.slice(0, len), distance, whole: len === word.length, word };
      if (
        !best ||
        cand.distance < best.distance ||
        (cand.distance === best.distance &&
          (Number(cand.whole) > Number(best.whole) ||
            (cand.whole === best.whole && (cand.word.length < best.word.length || (cand.word.length === best.word.length && closer(cand.token, best.token))))))
      ) {
        best = cand;
      }
    }
  }
  return best ? { token: best.token, distance: best.distance } : null;
}
