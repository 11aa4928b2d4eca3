/**
 * Edit distance between two words: insertions, deletions, substitutions and swaps of two neighbours each count one
 * (so `--sevrity` is one from `--severity`, `--stauts` one from `--status`).
 */
export function editDistance(a: string, b: string): number {
  // Rows of the optimal-string-alignment table: two back, the previous one, the current one.
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, (before[j - 2] as number) + 1);
      current.push(best);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length] as number;
}

/**
 * The candidate a mistyped word most likely meant, or undefined when none is close: a candidate the word begins
 * (`--sev` for `--severity`, three letters at least) when only one does, else the nearest within a third of the word's length (at least 1).
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const bare = word.replace(/^-+/, '');
  const prefixed = candidates.filter((candidate) => bare.length >= 3 && candidate.startsWith(word));
  if (prefixed.length === 1) return prefixed[0];
  const limit = Math.max(1, Math.floor(bare.length / 3));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
