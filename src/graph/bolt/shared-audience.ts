/**
 * The weighted edges of the shared-audience graph (`sharedAudienceGraph`), counted in process from the
 * CHATTER relationships of accounts that chat in more than one channel (cypher.ts `MULTI_CHANNEL_CHATTERS`).
 * The server-side self-join over every chatter built 871k channel pairs row by row and took 14-18 s at
 * 1M relationships on Neo4j (issue 19, docs/BENCHMARKS.md); streaming those accounts' relationships as
 * lists of internal ids and counting pairs here is linear in what is read.
 */
import { compareNames } from '../graph-order.js';
import { recordError } from './records.js';

/** Largest channels² counted in a dense table (64 MiB of counts). */
const DENSE_MAX_PAIRS = 1 << 24;

export class SharedAudienceCounter {
  /** Internal id of each channel node → its rank in code-unit order of channel ids. */
  private readonly rankOf = new Map<number, number>();
  private readonly ids: string[];
  /** Channels of each account, by the account's internal id. */
  private readonly channelsOf = new Map<number, number[]>();

  /** `channels`: every channel node's internal id and stream id. */
  constructor(channels: readonly { key: bigint; id: string }[]) {
    const sorted = [...channels].sort((x, y) => compareNames(x.id, y.id));
    this.ids = sorted.map((c) => c.id);
    sorted.forEach((c, rank) => this.rankOf.set(Number(c.key), rank));
  }

  /** One `MULTI_CHANNEL_CHATTERS` record: `{ chatters: [id, …], channels: [id, …] }`, one entry per relationship. */
  add(record: object): void {
    const chatters = 'chatters' in record ? record.chatters : undefined;
    const channels = 'channels' in record ? record.channels : undefined;
    if (!Array.isArray(chatters) || !Array.isArray(channels) || chatters.length !== channels.length)
      throw recordError('shared audience chatters', 'expected two lists of ids of equal length');
    for (let i = 0; i < chatters.length; i += 1) {
      const chatter: unknown = chatters[i];
      const channel: unknown = channels[i];
      if (typeof chatter !== 'bigint' || typeof channel !== 'bigint')
        throw recordError('shared audience chatters', 'id(u)/id(s) is not an Integer');
      const rank = this.rankOf.get(Number(channel));
      if (rank === undefined)
        throw recordError('shared audience chatters', 'a channel outside the channel list');
      const key = Number(chatter);
      const list = this.channelsOf.get(key);
      if (list === undefined) this.channelsOf.set(key, [rank]);
      else list.push(rank);
    }
  }

  /** Pairs (a before b in code-unit order) with the number of accounts chatting in both, ordered by (a, b). */
  pairs(): { a: string; b: string; shared: number }[] {
    const n = this.ids.length;
    // A pair's key is rank(a) * n + rank(b); with a few thousand channels a dense table of counts is a few
    // MiB and much faster than hashing every pair of every multi-channel account.
    const dense = n * n <= DENSE_MAX_PAIRS ? new Uint32Array(n * n) : null;
    const sparse = new Map<number, number>();
    for (const list of this.channelsOf.values()) {
      // A relationship of one type between two nodes is unique, but count each account once regardless.
      const ranks = [...new Set(list)].sort((x, y) => x - y);
      for (let i = 0; i < ranks.length; i += 1)
        for (let j = i + 1; j < ranks.length; j += 1) {
          const key = (ranks[i] as number) * n + (ranks[j] as number);
          if (dense !== null) dense[key] = (dense[key] as number) + 1;
          else sparse.set(key, (sparse.get(key) ?? 0) + 1);
        }
    }
    const pair = (key: number, shared: number) => ({
      a: this.ids[Math.floor(key / n)] as string,
      b: this.ids[key % n] as string,
      shared,
    });
    // Key order is (a, b) order, since ranks follow the channel ids' code-unit order.
    if (dense !== null) {
      const pairs: { a: string; b: string; shared: number }[] = [];
      dense.forEach((shared, key) => {
        if (shared > 0) pairs.push(pair(key, shared));
      });
      return pairs;
    }
    return [...sparse.keys()].sort((x, y) => x - y).map((key) => pair(key, sparse.get(key) as number));
  }
}
