/**
 * `/alerts set|off|list|recent`: through the dispatcher (as `ask` and the playground run it) and through the
 * Discord adapter against the local REST server, where `set` and `off` are restricted like `/monitor add`.
 */
import { PermissionFlagsBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/commands/command-line.js';
import type { CommandPorts } from '../../src/commands/command.js';
import { dispatch } from '../../src/commands/dispatcher.js';
import { buildRegistry, DEFAULT_COMMANDS } from '../../src/commands/registry.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import { botHarness } from '../support/discord-harness.js';
import { ALICE, slashPayload } from '../support/discord-interactions.js';
import { runCli } from '../support/cli-harness.js';
import { FakeDiscord } from '../support/fake-discord.js';
import { useTempDirs } from '../support/temp-dir.js';

const registry = buildRegistry();
const definitions = new Map([...registry].map(([name, c]) => [name, c.definition]));
const run = (line: string, ports: CommandPorts) =>
  dispatch(parseCommandLine(line, definitions), registry, ports);
const NOW = new Date(Date.UTC(2026, 11, 4, 15, 0, 0));

describe('/alerts through the dispatcher', () => {
  it('sets, lists, keeps an unchanged rule, turns off, and lists recent alerts newest first', async () => {
    const graph = EmbeddedGraphStore.inMemory();
    const ports: CommandPorts = { graph, now: () => NOW, caller: 'discord:1 (alice)' };
    const set = await run(
      '/alerts set channel:https://www.twitch.tv/Alpha discord_channel:<#1300000000000000042>',
      ports,
    );
    expect(set.outcome).toBe('ok');
    expect(set.reply.title).toBe('Alerts for #alpha go to <#1300000000000000042>');
    expect(set.reply.description).toContain(
      'normal (15 first-time chatters in the window, 60% new accounts)',
    );
    await run('/alerts set channel:beta discord_channel:1300000000000000043 sensitivity:high', ports);
    const again = await run('/alerts set channel:alpha discord_channel:1300000000000000042', ports);
    expect(again.reply.title).toBe('Alerts for #alpha were already set so');
    const list = await run('/alerts list', ports);
    expect(list.reply.table?.rows).toEqual([
      ['alpha', '<#1300000000000000042>', 'normal', '2026-12-04 15:00 UTC', 'discord:1 (alice)'],
      ['beta', '<#1300000000000000043>', 'high', '2026-12-04 15:00 UTC', 'discord:1 (alice)'],
    ]);
    const bad = await run('/alerts set channel:alpha discord_channel:general', ports);
    expect(bad.outcome).not.toBe('ok');
    expect(bad.reply.description).toContain('discord_channel must be a channel mention');
    expect((await run('/alerts off channel:beta', ports)).reply.title).toBe('Alerts for #beta are off');
    expect((await run('/alerts off channel:beta', ports)).reply.title).toBe('#beta had no alerts');
    expect((await graph.alertRules()).map((r) => r.channel)).toEqual(['alpha']);

    expect((await run('/alerts recent', ports)).reply.status).toBe('empty');
    const at = NOW.getTime();
    for (const [id, kind, minutes, accounts] of [
      ['w1', 'bot-wave', 1, 40],
      ['r1', 'raid', 2, 10],
    ] as const) {
      await graph.saveAlert({
        id,
        channel: 'alpha',
        kind,
        version: 1,
        openedAt: at,
        updatedAt: at + minutes * 60_000,
        title: `${kind} title`,
        accounts,
        discordChannel: null,
        discordMessageId: null,
      });
    }
    const recent = await run('/alerts recent 1', ports);
    expect(recent.reply.table?.rows).toEqual([['2026-12-04 15:02 UTC', 'alpha', 'raid', '10', 'raid title']]);
    expect((await run('/alerts recent', ports)).reply.table?.rows.map((r) => r[2])).toEqual([
      'raid',
      'bot-wave',
    ]);
  });
});

describe('/alerts through Discord', () => {
  let fake: FakeDiscord;
  const graph = EmbeddedGraphStore.inMemory();
  beforeAll(async () => {
    fake = await FakeDiscord.start();
  });
  afterAll(async () => {
    await graph.close();
    await fake.close();
  });

  it('refuses set to a member without Manage Server, lets a manager set it, and lets anyone list', async () => {
    const h = botHarness(fake, graph, { commands: DEFAULT_COMMANDS, env: { DISCORD_COOLDOWN_SECONDS: '0' } });
    const definition = registry.get('alerts')?.definition;
    const options = { channel: 'alpha', discord_channel: '1300000000000000042' };
    const member = await h.send(
      slashPayload(definition, { command: 'alerts', subcommand: 'set', options }, {}),
    );
    const refused = member.at(-1)?.body as { data?: { flags?: number; embeds?: { title?: string }[] } };
    expect(refused.data?.embeds?.[0]?.title).toBe('/alerts set is restricted');
    expect(refused.data?.flags).toBe(64);
    expect(await graph.alertRules()).toEqual([]);
    const manager = await h.send(
      slashPayload(
        definition,
        { command: 'alerts', subcommand: 'set', options },
        { permissions: PermissionFlagsBits.ManageGuild },
      ),
    );
    const done = manager.at(-1)?.body as { data?: { embeds?: { title?: string }[] } };
    expect(done.data?.embeds?.[0]?.title).toBe('Alerts for #alpha go to <#1300000000000000042>');
    expect(await graph.alertRules()).toEqual([
      expect.objectContaining({ channel: 'alpha', requestedBy: `discord:${ALICE.id} (alice)` }),
    ]);
    const list = await h.send(
      slashPayload(definition, { command: 'alerts', subcommand: 'list', options: {} }, {}),
    );
    const listed = list.at(-1)?.body as { data?: { embeds?: { title?: string }[] } };
    expect(listed.data?.embeds?.[0]?.title).toBe('Live alerts: 1 channel');
    await h.bot.close();
  });
});

describe('ask "/alerts recent"', () => {
  const tempDir = useTempDirs();

  it('reads the alerts a running writer stores, read-only beside it, each time afresh', async () => {
    const dataDir = tempDir();
    const writer = await EmbeddedGraphStore.open({ dataDir, command: 'test writer' });
    try {
      const record = {
        id: 'bot-wave:alpha:1',
        channel: 'alpha',
        kind: 'bot-wave' as const,
        version: 1,
        openedAt: NOW.getTime(),
        updatedAt: NOW.getTime(),
        title: 'Bot wave in #alpha: 15 first-time chatters, 15 new accounts',
        accounts: 15,
        discordChannel: null,
        discordMessageId: null,
      };
      await writer.saveAlert(record);
      const first = await runCli(['ask', '/alerts recent'], { TWITCHGRAPH_DATA_DIR: dataDir });
      expect(first.code).toBe(0);
      expect(first.out).toContain('Bot wave in #alpha: 15 first-time chatters');
      await writer.saveAlert({
        ...record,
        version: 2,
        accounts: 40,
        title: 'Bot wave in #alpha: 40 first-time chatters, 40 new accounts',
      });
      const second = await runCli(['ask', '/alerts recent'], { TWITCHGRAPH_DATA_DIR: dataDir });
      expect(second.out).toContain('40 first-time chatters');
      expect(second.out).not.toContain('15 first-time chatters');
      const refused = await runCli(['ask', '/alerts set alpha 1300000000000000042'], {
        TWITCHGRAPH_DATA_DIR: dataDir,
      });
      expect(refused.code).not.toBe(0);
      expect(await writer.alertRules()).toEqual([]);
    } finally {
      await writer.close();
    }
  });
});
