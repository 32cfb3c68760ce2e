import { describe, expect, it } from 'vitest';
import { isRestricted } from '../../src/commands/command.js';
import { parseCommandLine } from '../../src/commands/command-line.js';
import { dispatch } from '../../src/commands/dispatcher.js';
import { monitorCommand } from '../../src/commands/monitor.command.js';
import { buildRegistry } from '../../src/commands/registry.js';
import { channelLoginFromInput } from '../../src/domain/login.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';

const registry = buildRegistry();
const definitions = new Map([...registry].map(([name, c]) => [name, c.definition]));

describe('channel logins typed by people', () => {
  it.each([
    ['lck_korea', 'lck_korea'],
    ['LCK_Korea', 'lck_korea'],
    ['#lck_korea', 'lck_korea'],
    ['@lck_korea', 'lck_korea'],
    ['  twitch.tv/lck_korea ', 'lck_korea'],
    ['https://www.twitch.tv/LCK_Korea/videos?filter=all', 'lck_korea'],
    ['http://m.twitch.tv/lck_korea', 'lck_korea'],
  ])('%j → %s', (input, login) => {
    expect(channelLoginFromInput(input)).toEqual({ ok: true, login });
  });

  it.each([
    ['abc', 'shorter than 4'],
    ['a'.repeat(26), 'longer than 25'],
    ['lck-korea', 'letters a–z, digits and underscores'],
    ['https://twitch.tv/', 'required'],
    ['#', 'required'],
    ['https://example.com/lck_korea', 'letters a–z'],
  ])('%j is refused (%s)', (input, why) => {
    const result = channelLoginFromInput(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toContain(why);
  });
});

describe('/monitor', () => {
  const graph = EmbeddedGraphStore.inMemory();
  const run = (line: string, caller = 'test:alice') =>
    dispatch(parseCommandLine(line, definitions), registry, { graph, caller });

  it('adds, lists and removes channels, saying the listener picks them up', async () => {
    const added = await run('/monitor add https://www.twitch.tv/Some_Channel');
    expect(added.outcome).toBe('ok');
    expect(added.reply.title).toBe('Now monitoring #some_channel');
    expect(added.reply.description).toContain('within seconds');
    expect(await graph.monitoredChannels()).toEqual([
      expect.objectContaining({ login: 'some_channel', requestedBy: 'test:alice' }),
    ]);

    const again = await run('/monitor add #some_channel');
    expect(again.reply.title).toBe('#some_channel is already monitored');

    const list = await run('/monitor list');
    expect(list.reply.table?.rows.map((r) => [r[0], r[2]])).toEqual([['some_channel', 'test:alice']]);

    const removed = await run('/monitor remove some_channel');
    expect(removed.reply.title).toBe('Stopped monitoring #some_channel');
    expect(await graph.monitoredChannels()).toEqual([]);
    expect((await run('/monitor remove some_channel')).reply.title).toBe('#some_channel was not monitored');
    expect((await run('/monitor list')).reply.status).toBe('empty');
  });

  it('answers a bad login with what is wrong and how to write it', async () => {
    const result = await run('/monitor add no');
    expect(result.outcome).toBe('bad-arguments');
    expect(result.reply.ephemeral).toBe(true);
    expect(result.reply.description).toContain('shorter than 4 characters');
    expect(result.reply.description).toContain('twitch.tv/<login>');
    expect(await graph.monitoredChannels()).toEqual([]);
  });

  it('marks add and remove as restricted, list as open to everyone', () => {
    const d = monitorCommand.definition;
    expect(isRestricted(d, 'add')).toBe(true);
    expect(isRestricted(d, 'remove')).toBe(true);
    expect(isRestricted(d, 'list')).toBe(false);
  });
});
