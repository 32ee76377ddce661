/** Spelling help for unknown names: the nearest known name, if any is near enough to be meant. */

/** Edit distance (insert, delete, substitute) between two strings. */
export function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/**
 * The known name most likely meant by `word`: the closest within edit distance 2 (case-insensitive),
 * else one that starts with `word` or that `word` starts with (3+ letters). Ties go to list order.
 */
export function didYouMean(word: string, known: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = 3;
  for (const name of known) {
    // The distance is at least the difference in length: most names need no table at all.
    if (Math.abs(name.length - w.length) >= bestDistance) continue;
    const d = levenshtein(w, name.toLowerCase());
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  if (best !== undefined) return best;
  if (w.length < 3) return undefined;
  const prefixed = known.filter((n) => {
    const k = n.toLowerCase();
    return k.length >= 3 && (k.startsWith(w) || w.startsWith(k));
  });
  return prefixed.sort((x, y) => x.length - y.length)[0];
}

/** `unknown WHAT; did you mean \`X\`?`, or with the known names listed when they are few. */
export function unknownNameMessage(what: string, word: string, known: readonly string[]): string {
  const guess = didYouMean(word, known);
  if (guess !== undefined) return `${what}; did you mean \`${guess}\`?`;
  if (known.length > 0 && known.length <= 8) return `${what}; expected one of ${known.join(', ')}`;
  return what;
}
