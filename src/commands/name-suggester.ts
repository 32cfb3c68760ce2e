/**
 * Suggestions for options marked `autocomplete` (streamer, game, language, team), shared by the Discord
 * bot and the playground. Discord gives an autocomplete request 3 seconds and shows at most 25 choices,
 * and a person types a request per keystroke, so names are read from the graph once per `ttlMs` and
 * matched in memory.
 */
import type { GraphQueries, NameKind } from '../graph/graph-store.port.js';

/** Discord shows at most 25 autocomplete choices (Application Commands → Autocomplete). */
export const MAX_SUGGESTIONS = 25;
/** A choice's name and value are 1–100 characters; longer names could not be sent back as a value. */
export const MAX_SUGGESTION_LENGTH = 100;

interface NameList {
  names: string[];
  lowered: string[];
  loadedAt: number;
}

export interface NameSuggesterOptions {
  /** How long a list read from the graph is used before it is read again (default 30 s). */
  ttlMs?: number;
  now?: () => number;
}

export class NameSuggester {
  private readonly lists = new Map<NameKind, NameList>();
  private readonly loading = new Map<NameKind, Promise<NameList>>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly graph: Pick<GraphQueries, 'listNames'>,
    options: NameSuggesterOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * Names of `kind` matching what was typed, case-insensitively: names starting with it first, then names
   * containing it, each in the graph's name order; everything (in order) when nothing was typed.
   */
  async suggest(kind: NameKind, typed: string, limit = MAX_SUGGESTIONS): Promise<string[]> {
    const list = await this.list(kind);
    // Discord caps string options at 6,000 characters; no name is longer than a choice value may be.
    const query = typed
      .slice(0, MAX_SUGGESTION_LENGTH + 1)
      .trim()
      .toLowerCase();
    const prefix: string[] = [];
    const inside: string[] = [];
    for (let i = 0; i < list.names.length && prefix.length < limit; i += 1) {
      const lowered = list.lowered[i] as string;
      if (query === '' || lowered.startsWith(query)) prefix.push(list.names[i] as string);
      else if (inside.length < limit && lowered.includes(query)) inside.push(list.names[i] as string);
    }
    return [...prefix, ...inside].slice(0, limit);
  }

  /** The names of `kind` closest to a name that matched none (see `closestNames`). */
  async closest(kind: NameKind, typed: string, limit = 3): Promise<string[]> {
    return closestNames(typed, (await this.list(kind)).names, limit);
  }

  /** Forget cached lists (after an import, or in tests). */
  invalidate(): void {
    this.lists.clear();
  }

  private async list(kind: NameKind): Promise<NameList> {
    const cached = this.lists.get(kind);
    if (cached !== undefined && this.now() - cached.loadedAt < this.ttlMs) return cached;
    // A stale list answers at once while a fresh one loads: a keystroke never waits on the graph twice.
    const refresh = this.load(kind);
    if (cached !== undefined) {
      refresh.catch(() => undefined);
      return cached;
    }
    return refresh;
  }

  private load(kind: NameKind): Promise<NameList> {
    const pending = this.loading.get(kind);
    if (pending !== undefined) return pending;
    const started = this.now();
    const promise = this.graph
      .listNames(kind)
      .then((all) => {
        const names = all.filter((n) => n.length > 0 && n.length <= MAX_SUGGESTION_LENGTH);
        const list = { names, lowered: names.map((n) => n.toLowerCase()), loadedAt: started };
        this.lists.set(kind, list);
        return list;
      })
      .finally(() => this.loading.delete(kind));
    this.loading.set(kind, promise);
    return promise;
  }
}

/** Optimal string alignment distance (Levenshtein plus swapping two neighbours), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const x = [...a.toLowerCase()];
  const y = [...b.toLowerCase()];
  const rows: number[][] = Array.from({ length: x.length + 1 }, (_, i) =>
    Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => rows[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= x.length; i += 1)
    for (let j = 1; j <= y.length; j += 1) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      (rows[i] as number[])[j] = best;
    }
  return at(x.length, y.length);
}

/**
 * "Did you mean": the names within a few typing mistakes of `typed` (at most a third of its length, and at
 * least one), closest first, then by name; names that start with what was typed count as one mistake.
 */
export function closestNames(typed: string, names: readonly string[], limit = 3): string[] {
  const query = typed.trim().toLowerCase();
  if (query === '') return [];
  const allowed = Math.max(1, Math.floor(query.length / 3));
  const scored: { name: string; distance: number }[] = [];
  for (const name of names) {
    const lowered = name.toLowerCase();
    // Names far longer or shorter cannot be close; skip the quadratic distance for them.
    if (Math.abs(lowered.length - query.length) > allowed && !lowered.startsWith(query)) continue;
    const distance = lowered.startsWith(query) ? 1 : editDistance(query, lowered);
    if (distance <= allowed) scored.push({ name, distance });
  }
  return scored
    .sort((a, b) => a.distance - b.distance || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, limit)
    .map((s) => s.name);
}

/** One sentence for a reply, or undefined when nothing is close. */
export function didYouMean(candidates: readonly string[], prefix = ''): string | undefined {
  return candidates.length === 0
    ? undefined
    : `Did you mean ${candidates.map((c) => prefix + c).join(', ')}?`;
}
