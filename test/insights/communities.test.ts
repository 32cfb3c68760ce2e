import { describe, expect, it } from 'vitest';
import type { SharedAudienceGraph } from '../../src/graph/graph-store.port.js';
import { detectCommunities, STRONGEST_LINKS_ABOVE, strongestLinks } from '../../src/insights/communities.js';
import { seededRandom } from '../../src/util/seeded-random.js';

const channel = (id: string, audience = 10) => ({
  channel: { id, login: `c${id}`, displayName: `C${id}` },
  audience,
});

/**
 * `groups` planted communities of `size` channels: pairs inside a group share `inside` chatters, a ring of
 * single links between consecutive groups shares `between`.
 */
function planted(groups: number, size: number, inside: number, between: number): SharedAudienceGraph {
  const ids: string[] = [];
  for (let g = 0; g < groups; g += 1) for (let i = 0; i < size; i += 1) ids.push(`${g}-${i}`);
  const pairs: SharedAudienceGraph['pairs'] = [];
  const add = (a: string, b: string, shared: number) =>
    pairs.push(a < b ? { a, b, shared } : { a: b, b: a, shared });
  for (let g = 0; g < groups; g += 1) {
    for (let i = 0; i < size; i += 1)
      for (let j = i + 1; j < size; j += 1) add(`${g}-${i}`, `${g}-${j}`, inside);
    add(`${g}-0`, `${(g + 1) % groups}-1`, between);
  }
  ids.sort();
  pairs.sort((x, y) => (x.a < y.a ? -1 : x.a > y.a ? 1 : x.b < y.b ? -1 : x.b > y.b ? 1 : 0));
  return { channels: ids.map((id) => channel(id)), pairs };
}

/** Newman's modularity computed directly from its definition, for comparison. */
function modularityOf(graph: SharedAudienceGraph, of: (id: string) => number | undefined): number {
  const m = graph.pairs.reduce((s, p) => s + p.shared, 0);
  const degree = new Map<number, number>();
  let inside = 0;
  for (const p of graph.pairs) {
    const ca = of(p.a) as number;
    const cb = of(p.b) as number;
    if (ca === cb) inside += p.shared;
    degree.set(ca, (degree.get(ca) ?? 0) + p.shared);
    degree.set(cb, (degree.get(cb) ?? 0) + p.shared);
  }
  let expected = 0;
  for (const d of degree.values()) expected += (d / (2 * m)) ** 2;
  return inside / m - expected;
}

describe('detectCommunities', () => {
  it('recovers planted communities, with the modularity of the planted partition', () => {
    const graph = planted(4, 6, 5, 1);
    const result = detectCommunities(graph);
    expect(result.communities).toHaveLength(4);
    for (const community of result.communities) {
      const groups = new Set(community.channels.map((c) => c.channel.id.split('-')[0]));
      expect(groups.size).toBe(1);
      expect(community.channels).toHaveLength(6);
    }
    const plantedModularity = modularityOf(graph, (id) => Number(id.split('-')[0]));
    expect(result.modularity).toBeCloseTo(plantedModularity, 12);
    // 4 groups of 15 inside pairs × 5, ring of 4 × 1: Q = 300/304 − 4 × (152/608)².
    expect(result.modularity).toBeCloseTo(300 / 304 - 4 * (152 / 608) ** 2, 12);
    expect(result.communities.reduce((s, c) => s + c.modularity, 0)).toBeCloseTo(result.modularity, 12);
  });

  it('gives the same answer for the same input, and for the input listed in another order', () => {
    const graph = planted(5, 4, 3, 2);
    const shuffled: SharedAudienceGraph = {
      channels: [...graph.channels].reverse(),
      pairs: [...graph.pairs].reverse(),
    };
    const a = detectCommunities(graph);
    const b = detectCommunities({ channels: [...graph.channels], pairs: [...graph.pairs] });
    expect(b).toEqual(a);
    const ids = (r: ReturnType<typeof detectCommunities>) =>
      r.communities.map((c) => c.channels.map((m) => m.channel.id).sort());
    expect(ids(detectCommunities(shuffled)).sort()).toEqual(ids(a).sort());
  });

  it('numbers communities by audience and leaves channels without shared chatters out', () => {
    const graph: SharedAudienceGraph = {
      channels: [
        channel('a', 5),
        channel('b', 5),
        channel('c', 100),
        channel('d', 90),
        channel('lonely', 500),
      ],
      pairs: [
        { a: 'a', b: 'b', shared: 4 },
        { a: 'c', b: 'd', shared: 50 },
        { a: 'b', b: 'c', shared: 1 },
      ],
    };
    const result = detectCommunities(graph);
    expect(result.communities.map((c) => c.channels.map((m) => m.channel.id))).toEqual([
      ['c', 'd'],
      ['a', 'b'],
    ]);
    expect(result.communityOf.get('a')).toBe(2);
    expect(result.unconnected.map((c) => c.channel.id)).toEqual(['lonely']);
    expect(result.modularity).toBeCloseTo(
      modularityOf(graph, (id) => result.communityOf.get(id)),
      12,
    );
  });

  it('finds no communities in a graph without shared chatters', () => {
    const result = detectCommunities({ channels: [channel('a'), channel('b')], pairs: [] });
    expect(result.communities).toEqual([]);
    expect(result.unconnected).toHaveLength(2);
  });

  it('stays close to the planted partition on a noisy random graph', () => {
    const random = seededRandom(7);
    const ids = Array.from({ length: 60 }, (_, i) => `n${String(i).padStart(2, '0')}`);
    const group = (id: string) => Math.floor(Number(id.slice(1)) / 20);
    const pairs: SharedAudienceGraph['pairs'] = [];
    for (let i = 0; i < ids.length; i += 1)
      for (let j = i + 1; j < ids.length; j += 1) {
        const a = ids[i] as string;
        const b = ids[j] as string;
        const p = group(a) === group(b) ? 0.5 : 0.03;
        if (random() < p) pairs.push({ a, b, shared: 1 + Math.floor(random() * 3) });
      }
    const graph = { channels: ids.map((id) => channel(id)), pairs };
    const result = detectCommunities(graph);
    expect(result.communities).toHaveLength(3);
    for (const c of result.communities)
      expect(new Set(c.channels.map((m) => group(m.channel.id))).size).toBe(1);
    expect(result.modularity).toBeGreaterThanOrEqual(modularityOf(graph, group) - 1e-12);
  });
});

describe('strongest links on a big channel graph', () => {
  // 460 channels, every pair linked (105,570 pairs, above STRONGEST_LINKS_ABOVE): a pair's weight is 1,
  // except each channel's links to the next three channels (weight 100 + i) and one tie at the cut.
  const n = 460;
  const id = (i: number) => `c${String(i).padStart(3, '0')}`;
  const pairs: { a: string; b: string; shared: number }[] = [];
  for (let i = 0; i < n; i += 1)
    for (let j = i + 1; j < n; j += 1) pairs.push({ a: id(i), b: id(j), shared: j - i <= 3 ? 100 + i : 1 });

  it('keeps every pair among either end’s strongest, with ties at the cut, whatever the input order', () => {
    expect(pairs.length).toBeGreaterThan(STRONGEST_LINKS_ABOVE);
    const kept = strongestLinks(pairs, 3);
    // The three strong links of each channel survive; weight-1 links do not (3 strong links reach the cut).
    expect(kept.every((p) => p.shared >= 100)).toBe(true);
    expect(kept.length).toBe(pairs.filter((p) => p.shared >= 100).length);
    const reversed = strongestLinks([...pairs].reverse(), 3);
    expect(new Set(reversed.map((p) => `${p.a}-${p.b}`))).toEqual(new Set(kept.map((p) => `${p.a}-${p.b}`)));
    // With a wider cut the weight-1 links tie at it and all stay: nothing depends on which tie came first.
    expect(strongestLinks(pairs, 10)).toHaveLength(pairs.length);
  });

  it('leaves a graph below the limit as it is, and says how many links Louvain ran on', () => {
    const small = pairs.slice(0, 1_000);
    expect(strongestLinks(small, 3)).toBe(small);
    const channels = [...new Set(pairs.flatMap((p) => [p.a, p.b]))].map((c) => ({
      channel: { id: c, login: c, displayName: c },
      audience: 10,
    }));
    const varied = pairs.map((p, k) => ({ ...p, shared: 1 + ((k * 7) % 97) }));
    const result = detectCommunities({ channels, pairs: varied });
    expect(result.links.of).toBe(pairs.length);
    expect(result.links.kept).toBeLessThan(pairs.length);
    expect(result.communityOf.size).toBe(n);
  });
});
