/**
 * Suggestions for options marked `autocomplete` (streamer, game, language, team), shared by the Discord
 * bot and the playground. Discord gives an autocomplete request 3 seconds and shows at most 25 choices,
 * and a person types a request per keystroke, so names are read from the graph once per `ttlMs` and
 * matched in memory.
 */
import type { GraphStore, NameKind } from '../graph/graph-store.port.js';

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
    private readonly graph: Pick<GraphStore, 'listNames'>,
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
