/**
 * Suggestions for misspelt keys and values (`intervall` → `interval`).
 */

/**
 * The candidate closest to `word`, or `undefined` when none is close enough to be a likely typo.
 *
 * Close means: equal ignoring case, one a prefix of the other (`warn`/`warning`), or an edit
 * distance (with swapped neighbours counting as one edit) of at most a third of the word.
 *
 * @example
 * ```ts
 * didYouMean("intervall", ["interval", "timeout"]); // "interval"
 * didYouMean("colour", ["interval", "timeout"]);    // undefined
 * ```
 */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const c = candidate.toLowerCase();
    let d = editDistance(w, c);
    if (d > 0 && Math.min(w.length, c.length) >= 3 && (c.startsWith(w) || w.startsWith(c))) d = 1;
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const up = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(
        (up[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (up[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row.push(d);
    }
    rows.push(row);
  }
  return (rows[a.length] as number[])[b.length] as number;
}
