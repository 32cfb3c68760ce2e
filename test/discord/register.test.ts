/** `twitchgraph register` against a local Discord that holds the existing commands. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REST } from 'discord.js';
import { buildRegistry } from '../../src/commands/registry.js';
import { slashCommandsJson } from '../../src/discord/command-json.js';
import { diffCommands, registerCommands } from '../../src/discord/register.js';
import { runCli } from '../support/cli-harness.js';
import { APP_ID, GUILD_ID } from '../support/discord-interactions.js';
import { FakeDiscord } from '../support/fake-discord.js';
import { useTempDirs } from '../support/temp-dir.js';

describe('registering slash commands', () => {
  const tempDir = useTempDirs();
  let fake: FakeDiscord;
  let rest: REST;
  const wanted = slashCommandsJson(buildRegistry());
  const guildRoute = `/applications/${APP_ID}/guilds/${GUILD_ID}/commands`;

  beforeAll(async () => {
    fake = await FakeDiscord.start();
    rest = new REST({ api: fake.url, retries: 0 }).setToken('test-bot-token');
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    fake.commands.clear();
  });

  it('puts every command to a server that has none, then sends nothing while nothing changed', async () => {
    const first = await registerCommands(rest, { appId: APP_ID, guildId: GUILD_ID }, wanted);
    expect(first).toMatchObject({ sent: true, added: wanted.map((c) => c.name), changed: [], removed: [] });
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET ${guildRoute}`,
      `PUT ${guildRoute}`,
    ]);
    expect((fake.requests[1]?.body as unknown[]).length).toBe(wanted.length);
    expect(fake.requests[1]?.authorization).toBe('Bot test-bot-token');

    fake.reset();
    // Discord echoes commands with ids, versions and defaults added, `required: false` left out.
    const second = await registerCommands(rest, { appId: APP_ID, guildId: GUILD_ID }, wanted);
    expect(second).toMatchObject({
      sent: false,
      added: [],
      changed: [],
      removed: [],
      unchanged: wanted.map((c) => c.name),
    });
    expect(fake.requests.map((r) => r.method)).toEqual(['GET']);
  });

  it('sends the whole set when one command changed, and names what changed and what went', async () => {
    await registerCommands(rest, { appId: APP_ID }, wanted);
    const edited = wanted
      .filter((c) => c.name !== 'stats')
      .map((c) => (c.name === 'top' ? { ...c, description: 'Top lists, reworded' } : c));
    fake.reset();
    const report = await registerCommands(rest, { appId: APP_ID }, edited);
    expect(report).toMatchObject({
      scope: 'global',
      sent: true,
      changed: ['top'],
      removed: ['stats'],
      added: [],
    });
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /applications/${APP_ID}/commands`,
      `PUT /applications/${APP_ID}/commands`,
    ]);
  });

  it('sees a changed option deep inside a subcommand', () => {
    const existing = JSON.parse(JSON.stringify(wanted)) as typeof wanted;
    const top = existing.find((c) => c.name === 'top') as {
      options: { options: { max_value?: number }[] }[];
    };
    (top.options[0]?.options[0] as { max_value?: number }).max_value = 25;
    expect(diffCommands(wanted, existing).changed).toEqual(['top']);
  });

  it('runs as `twitchgraph register --guild ID`, reporting what changed', async () => {
    const env = { DISCORD_TOKEN: 'test-bot-token', DISCORD_APP_ID: APP_ID, DISCORD_API_URL: fake.url };
    const first = await runCli(['register', '--guild', GUILD_ID], env);
    expect(first.code).toBe(0);
    expect(first.out).toContain(`Slash commands (server ${GUILD_ID}):`);
    expect(first.out).toContain('added:     /top /streamer');
    expect(first.out).toContain(`Sent ${wanted.length} commands to Discord.`);
    const again = await runCli(['register', '--guild', GUILD_ID], env);
    expect(again.out).toContain('Discord already has these commands: nothing sent.');
    const dry = await runCli(['register', '--global', '--dry-run'], env);
    expect(dry.out).toContain('Dry run: nothing sent.');
    expect(fake.find('PUT', /./)).toHaveLength(1);

    const missing = await runCli(['register'], {});
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('set DISCORD_TOKEN and DISCORD_APP_ID');
  });

  it('reports Discord refusing the token', async () => {
    const result = await runCli(['register', '--guild', GUILD_ID], {
      DISCORD_TOKEN: 'bad',
      DISCORD_APP_ID: '1200000000000000999',
      DISCORD_API_URL: `${fake.url}/nowhere`,
    });
    expect(result.code).toBe(1);
    expect(result.err).toContain('Discord answered 404');
  });

  it('`twitchgraph bot` says what to set when there is no token, and points to the playground', async () => {
    const result = await runCli(['bot'], {});
    expect(result.code).toBe(2);
    expect(result.err).toContain('set DISCORD_TOKEN');
    expect(result.err).toContain('twitchgraph serve');
  });

  it('`twitchgraph bot` exits with a message when Discord cannot be reached', async () => {
    const result = await runCli(['bot'], {
      DISCORD_TOKEN: 'test-bot-token',
      DISCORD_API_URL: fake.url,
      TWITCHGRAPH_DATA_DIR: tempDir(),
    });
    expect(result.code).toBe(1);
    expect(result.err).toContain('twitchgraph bot: could not connect to Discord');
    // discord.js asks where the gateway is before connecting.
    expect(fake.find('GET', /^\/gateway\/bot$/)).toHaveLength(1);
  });
});
