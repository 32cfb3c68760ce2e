import { describe, expect, it } from 'vitest';
import type { ChatterPresence, StreamerRecord } from '../../src/domain/graph-records.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';

const streamer = (i: number): StreamerRecord => ({
  id: String(100_000 + i),
  login: `channel${i}`,
  displayName: `Channel${i}`,
  game: null,
  language: null,
  url: `https://www.twitch.tv/channel${i}`,
  followers: i,
  totalViewCount: i,
  createdAt: null,
  description: '',
});

/** Every pair of channels two or more of whose chatters are the same, counted the slow, obvious way. */
function expectedPairs(rows: readonly ChatterPresence[]): Map<string, number> {
  const byLogin = new Map<string, Set<string>>();
  for (const r of rows) byLogin.set(r.login, (byLogin.get(r.login) ?? new Set()).add(r.streamerId));
  const pairs = new Map<string, number>();
  for (const channels of byLogin.values()) {
    const list = [...channels].sort();
    for (let i = 0; i < list.length; i += 1)
      for (let j = i + 1; j < list.length; j += 1) {
        const key = `${list[i]}|${list[j]}`;
        pairs.set(key, (pairs.get(key) ?? 0) + 1);
      }
  }
  return pairs;
}

// Pairs are counted in a dense triangle up to 8,192 channels and in a map beyond: both must agree with a
// plain count (the map is what a store with more channels than that uses).
describe.each([
  { channels: 300, label: 'dense triangle' },
  { channels: 8_300, label: 'map of pairs' },
])('shared-audience pairs with $channels channels ($label)', ({ channels }) => {
  it('counts every pair of channels by their shared chatters', async () => {
    const store = EmbeddedGraphStore.inMemory();
    await store.upsertStreamers(Array.from({ length: channels }, (_, i) => streamer(i)));
    const rows: ChatterPresence[] = [];
    let seed = 7;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    for (let u = 0; u < 400; u += 1) {
      const count = 1 + Math.floor(next() * 4);
      // Spread over the whole id range, so pairs far apart in the channel order are counted too.
      for (let k = 0; k < count; k += 1)
        rows.push({ streamerId: String(100_000 + Math.floor(next() * channels)), login: `viewer${u}` });
    }
    await store.addChatters(rows);
    const graph = await store.sharedAudienceGraph();
    const got = new Map(graph.pairs.map((p) => [`${p.a}|${p.b}`, p.shared]));
    expect(got).toEqual(expectedPairs(rows));
    expect(got.size).toBeGreaterThan(100);
  });
});
