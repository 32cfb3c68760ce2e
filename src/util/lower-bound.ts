/**
 * Binary search over sorted data: the first index in `from`..`to` at which `before(index)` is false, for a
 * `before` that is true up to some index and false from there on (`to` when it is true everywhere).
 */
export function lowerBound(from: number, to: number, before: (index: number) => boolean): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
