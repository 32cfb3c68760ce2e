/** "Did you mean" for command names and streamer names, in the replies every front end shows. */
import { describe, expect, it } from 'vitest';
import { CommandLineError, parseCommandLine } from '../../src/commands/command-line.js';
import { dispatch } from '../../src/commands/dispatcher.js';
import { closestNames, editDistance } from '../../src/commands/name-suggester.js';
import { buildRegistry } from '../../src/commands/registry.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import { streamer } from '../contract/graph-store.contract.js';

const registry = buildRegistry();
const definitions = new Map([...registry].map(([name, c]) => [name, c.definition]));

describe('closest names', () => {
  it('counts insertions, deletions, substitutions and swapped neighbours as one mistake each', () => {
    expect(editDistance('lck_koera', 'lck_korea')).toBe(1);
    expect(editDistance('strmer', 'streamer')).toBe(2);
    expect(editDistance('abc', 'abc')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('Kitten', 'sitting')).toBe(3);
  });

  it('suggests names within a third of the length in mistakes, closest first', () => {
    const names = ['lck', 'lck_korea', 'lol_woolf', 'lolpacifictw', 'zzz'];
    expect(closestNames('lck_koera', names)).toEqual(['lck_korea']);
    expect(closestNames('LCK_KOREA', names)).toEqual(['lck_korea']);
    expect(closestNames('lol_wolf', names)).toEqual(['lol_woolf']);
    expect(closestNames('qqqqqqq', names)).toEqual([]);
    expect(closestNames('', names)).toEqual([]);
  });
});

describe('did you mean, in replies', () => {
  it('suggests the command for a mistyped one', () => {
    expect(() => parseCommandLine('/strmer lck_korea', definitions)).toThrow(CommandLineError);
    expect(() => parseCommandLine('/strmer lck_korea', definitions)).toThrow(
      /^unknown command \/strmer; did you mean \/streamer\? commands: /,
    );
    expect(() => parseCommandLine('/xyzzy', definitions)).toThrow(/^unknown command \/xyzzy; commands: /);
  });

  it('suggests streamers for a mistyped name, and marks the reply as not found', async () => {
    const graph = EmbeddedGraphStore.inMemory();
    await graph.upsertStreamers([streamer('1', 'lck_korea'), streamer('2', 'lck'), streamer('3', 'boxbox')]);
    for (const line of ['/streamer lck_koera', '/overlap lck_koera', '/vip-candidates lck_koera']) {
      const { reply } = await dispatch(parseCommandLine(line, definitions), registry, {
        graph,
        pictures: false,
      });
      expect(reply.status, line).toBe('error');
      expect(reply.notFound, line).toBe(true);
      expect(reply.description, line).toBe('No streamer called "lck_koera". Did you mean lck_korea?');
    }
    const { reply } = await dispatch(parseCommandLine('/streamer nobody_at_all', definitions), registry, {
      graph,
    });
    expect(reply.description).toBe('No streamer called "nobody_at_all".');
  });
});
