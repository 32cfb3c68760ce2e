/**
 * The best `limit` of many candidates, kept while scanning them: a bounded list in order, instead of sorting
 * every candidate (a channel's million chatters, a graph's six million nodes) to show ten or fifty.
 */

/**
 * Put `entry` where it belongs in `best` (ordered by `before`: negative when the first ranks higher), unless
 * it ranks after all `limit` kept; `best` never grows past `limit`. Ties keep the entry offered first.
 */
export function keepBest<T>(best: T[], entry: T, limit: number, before: (a: T, b: T) => number): void {
  if (best.length >= limit && (limit <= 0 || before(entry, best[limit - 1] as T) >= 0)) return;
  let at = best.length;
  while (at > 0 && before(entry, best[at - 1] as T) < 0) at -= 1;
  best.splice(at, 0, entry);
  if (best.length > limit) best.pop();
}
