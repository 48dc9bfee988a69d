/**
 * "Did you mean ...?" for config keys: optimal-string-alignment distance (Levenshtein plus
 * adjacent swaps), with case and `-`/`_` ignored, since people paste vLLM CLI flags
 * (`max-model-len`) where the key is `max_model_len`.
 */

const normalize = (s: string) => s.toLowerCase().replace(/-/g, '_');

export function editDistance(a: string, b: string): number {
  const x = normalize(a);
  const y = normalize(b);
  const d: number[][] = Array.from({ length: x.length + 1 }, (_, i) => [
    i,
    ...Array<number>(y.length).fill(0),
  ]);
  for (let j = 0; j <= y.length; j++) d[0]![j] = j;
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[x.length]![y.length]!;
}

/** The closest candidate, if it is close enough to be a likely typo (at most a third of the word, min 2). */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  let best: { key: string; dist: number } | undefined;
  for (const c of candidates) {
    const dist = editDistance(word, c);
    if (!best || dist < best.dist) best = { key: c, dist };
  }
  if (!best) return undefined;
  return best.dist <= Math.max(2, Math.floor(word.length / 3)) ? best.key : undefined;
}
