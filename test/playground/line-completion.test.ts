import { describe, expect, it } from 'vitest';
import { buildRegistry } from '../../src/commands/registry.js';
import type { NameKind } from '../../src/graph/graph-store.port.js';
import { completeLine } from '../../src/playground/line-completion.js';

const definitions = new Map([...buildRegistry()].map(([n, c]) => [n, c.definition]));
const NAMES: Record<NameKind, string[]> = {
  streamer: ['lck', 'lck_korea', 'ninja'],
  game: ['Just Chatting', 'League of Legends'],
  language: ['en', 'ko'],
  team: ['T1'],
};
const suggest = (kind: NameKind, typed: string) =>
  Promise.resolve(NAMES[kind].filter((n) => n.toLowerCase().includes(typed.toLowerCase())));
const complete = (line: string) => completeLine(line, definitions, suggest);

describe('completing a typed slash command', () => {
  it('suggests command names, then subcommands', async () => {
    expect((await complete('/st')).items.map((i) => i.label)).toEqual(['/streamer', '/streamers', '/stats']);
    expect((await complete('')).items).toHaveLength(definitions.size);
    const subs = await complete('/top s');
    expect(subs.from).toBe(5);
    expect(subs.items.map((i) => i.insert)).toEqual(['streamers-by-views ', 'streamers-by-followers ']);
    expect((await complete('/monitor ')).items.map((i) => i.label)).toEqual(['add', 'remove', 'list']);
  });

  it('suggests option values from the graph where the option autocompletes', async () => {
    const streamer = await complete('/streamer lc');
    expect(streamer).toEqual({
      from: 10,
      usage: '/streamer <name>',
      items: [
        { label: 'lck', insert: 'lck' },
        { label: 'lck_korea', insert: 'lck_korea' },
      ],
    });
    // The first of two options: values with spaces are quoted, and a space follows.
    const language = await complete('/streamers k');
    expect(language.items).toEqual([{ label: 'ko', insert: 'ko ' }]);
    // The last string option takes the rest of the line, spaces and all.
    const game = await complete('/streamers en league of');
    expect(game.from).toBe('/streamers en '.length);
    expect(game.items).toEqual([{ label: 'League of Legends', insert: 'League of Legends' }]);
    const named = await complete('/streamers game:just');
    expect(named.from).toBe('/streamers game:'.length);
    expect(named.items.map((i) => i.label)).toEqual(['Just Chatting']);
  });

  it('offers nothing for options without suggestions or unknown commands', async () => {
    expect((await complete('/top games 1')).items).toEqual([]);
    expect((await complete('/nope x')).items).toEqual([]);
    expect((await complete('/top games 1')).usage).toBe('/top games [limit]');
  });
});
