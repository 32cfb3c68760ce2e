/**
 * Bot flags for the graph as it is now, cached for a minute: bots change slowly, and finding them reads
 * every chat relationship once. Concurrent callers share one computation.
 */
import type { AudienceQueries, GraphQueries } from '../graph/graph-store.port.js';

/** What finding bots reads: who is present where, and how many channels there are. */
export type BotGraph = Pick<AudienceQueries, 'accountPresence'> & Pick<GraphQueries, 'counts'>;
import type { BotFlag } from './bot-flags.js';
import { BOT_NAME_MIN_CHANNELS, flagBots, knownBotLogins } from './bot-flags.js';

export interface BotDetectorOptions {
  /** Logins to flag on top of the maintained list (BOT_LOGINS_EXTRA). */
  extraLogins?: readonly string[];
  /** How long flags are reused, in milliseconds. */
  ttlMs?: number;
  now?: () => number;
}

export class BotDetector {
  private readonly known;
  private cached: { at: number; flags: Promise<ReadonlyMap<string, BotFlag>> } | undefined;

  constructor(
    private readonly graph: BotGraph,
    private readonly options: BotDetectorOptions = {},
  ) {
    this.known = knownBotLogins(options.extraLogins);
  }

  /** Flagged accounts by login. */
  flags(): Promise<ReadonlyMap<string, BotFlag>> {
    const now = (this.options.now ?? Date.now)();
    if (this.cached !== undefined && now - this.cached.at < (this.options.ttlMs ?? 60_000))
      return this.cached.flags;
    const flags = this.compute();
    this.cached = { at: now, flags };
    // A failed computation is not kept: the next caller tries again.
    flags.catch(() => {
      if (this.cached?.flags === flags) this.cached = undefined;
    });
    return flags;
  }

  /** Flagged logins, sorted. */
  async logins(): Promise<string[]> {
    return [...(await this.flags()).keys()].sort();
  }

  private async compute(): Promise<ReadonlyMap<string, BotFlag>> {
    const counts = await this.graph.counts();
    const accounts = await this.graph.accountPresence({
      minChannels: BOT_NAME_MIN_CHANNELS,
      logins: [...this.known.keys()],
    });
    return flagBots(accounts, counts.byLabel.Stream, this.known);
  }
}

const shared = new WeakMap<BotGraph, BotDetector>();

/** The detector of a graph with the built-in list only, for callers that were given none. */
export function botDetectorFor(graph: BotGraph): BotDetector {
  let detector = shared.get(graph);
  if (detector === undefined) {
    detector = new BotDetector(graph);
    shared.set(graph, detector);
  }
  return detector;
}
