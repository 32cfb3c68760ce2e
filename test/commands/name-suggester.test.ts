import { describe, expect, it } from 'vitest';
import { NameSuggester } from '../../src/commands/name-suggester.js';
import type { NameKind } from '../../src/graph/graph-store.port.js';

function fakeGraph(names: string[]) {
  const graph = {
    reads: 0,
    names,
    listNames(_kind: NameKind) {
      graph.reads += 1;
      return Promise.resolve([...graph.names]);
    },
  };
  return graph;
}

describe('name suggestions', () => {
  it('puts names starting with the text first, then names containing it, case-insensitively, 25 at most', async () => {
    const graph = fakeGraph([
      'Apex',
      'LAPlace',
      'lapis',
      'Polar',
      'solaris',
      ...Array.from({ length: 40 }, (_, i) => `la${i}`),
    ]);
    const suggester = new NameSuggester(graph);
    const got = await suggester.suggest('streamer', 'LA');
    expect(got).toHaveLength(25);
    expect(got.slice(0, 3)).toEqual(['LAPlace', 'lapis', 'la0']);
    expect(await suggester.suggest('streamer', 'lar')).toEqual(['Polar', 'solaris']);
    expect(await suggester.suggest('streamer', 'x'.repeat(6000))).toEqual([]);
  });

  it('reads the graph once per TTL, answering from the old list while a new one loads', async () => {
    let now = 0;
    const graph = fakeGraph(['alpha']);
    const suggester = new NameSuggester(graph, { ttlMs: 1_000, now: () => now });
    await Promise.all([suggester.suggest('game', 'a'), suggester.suggest('game', 'al')]);
    expect(graph.reads).toBe(1);
    graph.names = ['alpha', 'albatross'];
    now = 1_500;
    expect(await suggester.suggest('game', 'al')).toEqual(['alpha']);
    expect(graph.reads).toBe(2);
    // The refresh lands in the background; the next keystroke sees the new names.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(await suggester.suggest('game', 'al')).toEqual(['alpha', 'albatross']);
    expect(graph.reads).toBe(2);
  });

  it('leaves out names too long to send back as a choice value', async () => {
    const suggester = new NameSuggester(fakeGraph(['ok', 'o'.repeat(101)]));
    expect(await suggester.suggest('team', 'o')).toEqual(['ok']);
  });
});
