/**
 * Bot flags for the graph as it is now. Finding them reads every chat relationship once, so they are kept.
 * On a store that keeps derived results (the embedded store) they are kept with the graph's version and on
 * disk beside the snapshot, so a graph that did not change never computes them twice, not even in the next
 * process (docs/ARCHITECTURE.md, "Derived results"); after a write, flags under a minute old still stand,
 * since live chat changes the graph every second and bots change slowly. Elsewhere (Bolt, changed by other
 * writers) they are simply reused for a minute. Concurrent callers share one computation.
 */
import { z } from 'zod';
import type { AudienceQueries, DerivedResults, GraphQueries } from '../graph/graph-store.port.js';
import type { BotFlag } from './bot-flags.js';
import { BOT_NAME_MIN_CHANNELS, flagBots, knownBotLogins } from './bot-flags.js';

/** What finding bots reads: who is present where, and how many channels there are. */
export type BotGraph = Pick<AudienceQueries, 'accountPresence'> &
  Pick<GraphQueries, 'counts'> &
  Partial<DerivedResults>;

/** Where the flags are kept among a store's derived results. */
export const BOT_FLAGS_RESULT = 'bot-flags';

/** Kept flags as read back (from disk too): the configured extra logins they were made with, and the flags. */
const keptFlagsSchema = z.object({
  extra: z.array(z.string()),
  flags: z.array(
    z.object({
      login: z.string(),
      signals: z.array(
        z.discriminatedUnion('kind', [
          z.object({
            kind: z.literal('known-bot'),
            list: z.enum(['chat bots', 'viewer-list bots', 'configured']),
          }),
          z.object({ kind: z.literal('many-channels'), channels: z.number(), share: z.number() }),
          z.object({ kind: z.literal('moderates-many-never-vip'), channels: z.number() }),
          z.object({ kind: z.literal('bot-like-name') }),
        ]),
      ),
      reason: z.string(),
    }),
  ),
});

export interface BotDetectorOptions {
  /** Logins to flag on top of the maintained list (BOT_LOGINS_EXTRA). */
  extraLogins?: readonly string[];
  /** How long flags are reused, in milliseconds. */
  ttlMs?: number;
  now?: () => number;
}

export class BotDetector {
  private readonly known;
  /** The configured extra logins, normalised: kept flags made with others are not these flags. */
  private readonly extra: string[];
  /** The last flags read from or kept in the store (by the kept value, so they are parsed once), or computed. */
  private last: { value: unknown; flags: ReadonlyMap<string, BotFlag>; at: number } | undefined;
  private computing: Promise<ReadonlyMap<string, BotFlag>> | undefined;

  constructor(
    private readonly graph: BotGraph,
    private readonly options: BotDetectorOptions = {},
  ) {
    this.known = knownBotLogins(options.extraLogins);
    this.extra = [...new Set((options.extraLogins ?? []).map((login) => login.toLowerCase()))].sort();
  }

  /** Flagged accounts by login. */
  async flags(): Promise<ReadonlyMap<string, BotFlag>> {
    const now = (this.options.now ?? Date.now)();
    const slot = await this.graph.derived?.(BOT_FLAGS_RESULT);
    if (slot !== undefined) {
      if (slot.value !== undefined && slot.value === this.last?.value) return this.last.flags;
      const kept = keptFlagsSchema.safeParse(slot.value);
      if (kept.success && kept.data.extra.join('\n') === this.extra.join('\n')) {
        const flags = new Map(kept.data.flags.map((flag) => [flag.login, flag] as const));
        this.last = { value: slot.value, flags, at: now };
        return flags;
      }
    }
    // Under a minute old: they stand (on a store that keeps them, they were made before the last write, and
    // are not kept for a graph they were not made on).
    if (this.last !== undefined && now - this.last.at < (this.options.ttlMs ?? 60_000))
      return this.last.flags;
    // Callers asking while the flags are computed wait for that computation; a failed one is not kept.
    if (this.computing !== undefined) return this.computing;
    const flags = this.compute();
    this.computing = flags;
    try {
      const found = await flags;
      const value = { extra: this.extra, flags: [...found.values()] };
      slot?.keep(value);
      this.last = { value, flags: found, at: now };
      return found;
    } finally {
      if (this.computing === flags) this.computing = undefined;
    }
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
