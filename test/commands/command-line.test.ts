import { describe, expect, it } from 'vitest';
import { CommandLineError, parseCommandLine, tokenize } from '../../src/commands/command-line.js';
import { buildRegistry } from '../../src/commands/registry.js';

const definitions = new Map([...buildRegistry()].map(([name, c]) => [name, c.definition]));
const parse = (line: string) => parseCommandLine(line, definitions);

describe('slash commands typed as text', () => {
  it('splits on spaces and keeps quoted text together', () => {
    expect(tokenize(`/streamers en "Just Chatting"`)).toEqual(['/streamers', 'en', 'Just Chatting']);
    expect(tokenize(`a 'b c' "d \\" e" ""`)).toEqual(['a', 'b c', 'd " e', '']);
    expect(() => tokenize('/streamer "open')).toThrow(CommandLineError);
  });

  it('reads subcommands, positional and named options', () => {
    expect(parse('/top games 10')).toEqual({ command: 'top', subcommand: 'games', options: { limit: '10' } });
    expect(parse('top VIPS limit:3')).toEqual({
      command: 'top',
      subcommand: 'vips',
      options: { limit: '3' },
    });
    expect(parse('/stats')).toEqual({ command: 'stats', options: {} });
    expect(parse('/streamer lck_korea')).toEqual({ command: 'streamer', options: { name: 'lck_korea' } });
  });

  it('gives the last text option the rest of the line', () => {
    expect(parse('/streamers en Just Chatting')).toEqual({
      command: 'streamers',
      options: { language: 'en', game: 'Just Chatting' },
    });
    expect(parse('/streamers game:"Grand Theft Auto V"')).toEqual({
      command: 'streamers',
      options: { game: 'Grand Theft Auto V' },
    });
    expect(parse('/streamers game:Halo: Infinite')).toEqual({
      command: 'streamers',
      options: { game: 'Halo:', language: 'Infinite' },
    });
  });

  it('explains what is wrong', () => {
    expect(() => parse('/nope')).toThrow(/unknown command \/nope; commands: \/top/);
    expect(() => parse('/top')).toThrow(/needs a subcommand: games, teams/);
    expect(() => parse('/top cats')).toThrow(/no subcommand "cats"/);
    expect(() => parse('/top games 10 20')).toThrow(/unexpected "20"/);
    expect(() => parse('/top games size:3')).toThrow(/no option "size"; options: limit/);
    expect(() => parse('')).toThrow(/no command given/);
  });
});
