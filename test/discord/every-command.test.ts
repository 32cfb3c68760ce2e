/**
 * Every command and subcommand in the registry, on the demo dataset, through the real bot pipeline: each
 * response and each page (turned with the buttons) must be accepted by the local Discord, which refuses
 * anything over Discord's limits with 400 Invalid Form Body.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermissionFlagsBits } from 'discord.js';
import type { CommandDefinition, Invocation, OptionDefinition } from '../../src/commands/command.js';
import { buildRegistry } from '../../src/commands/registry.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import type { GraphStore } from '../../src/graph/graph-store.port.js';
import { importSeedDirectory } from '../../src/ingest/csv/seed-importer.js';
import { demoDatasetDir } from '../support/demo-dataset.js';
import type { Harness } from '../support/discord-harness.js';
import { botHarness } from '../support/discord-harness.js';
import { buttonPayload, slashPayload } from '../support/discord-interactions.js';
import { FakeDiscord } from '../support/fake-discord.js';
import type { RecordedRequest } from '../support/fake-discord.js';

const registry = buildRegistry();

/** Invocations to try: for each (sub)command, required options filled from the graph, then the extremes. */
async function invocationsFor(definition: CommandDefinition, graph: GraphStore): Promise<Invocation[]> {
  const value = async (option: OptionDefinition, extreme: boolean): Promise<string | number | boolean> => {
    if (option.type === 'integer') return extreme ? (option.maxValue ?? 1000) : (option.minValue ?? 1);
    if (option.type === 'boolean') return extreme;
    if (option.choices !== undefined) return option.choices[0]?.value ?? '';
    if (option.autocomplete !== undefined) {
      const names = await graph.listNames(option.autocomplete);
      return (extreme ? names.at(-1) : names[0]) ?? 'x';
    }
    return extreme ? 'z'.repeat(option.maxLength ?? 100) : 'some_channel';
  };
  const forOptions = async (options: readonly OptionDefinition[], subcommand?: string) => {
    const base = { command: definition.name, ...(subcommand === undefined ? {} : { subcommand }) };
    const required: Invocation['options'] = {};
    const full: Invocation['options'] = {};
    for (const option of options) {
      if (option.required === true) required[option.name] = await value(option, false);
      full[option.name] = await value(option, true);
    }
    return [
      { ...base, options: required },
      { ...base, options: full },
    ];
  };
  if (definition.subcommands !== undefined) {
    const all = await Promise.all(definition.subcommands.map((s) => forOptions(s.options, s.name)));
    return all.flat();
  }
  return forOptions(definition.options ?? []);
}

describe('every command on the demo dataset, as Discord messages', () => {
  let fake: FakeDiscord;
  let graph: GraphStore;
  let h: Harness;
  const asAdmin = { permissions: PermissionFlagsBits.ManageGuild };

  beforeAll(async () => {
    fake = await FakeDiscord.start();
    graph = EmbeddedGraphStore.inMemory();
    await importSeedDirectory(demoDatasetDir(), graph);
    h = botHarness(fake, graph, { env: { DISCORD_COOLDOWN_SECONDS: '0' } });
  });
  afterAll(async () => {
    await h.bot.close();
    await graph.close();
    await fake.close();
  });

  /** Run one invocation and turn every page; returns every request it caused. */
  async function runAndTurnPages(definition: CommandDefinition | undefined, invocation: Invocation) {
    const requests = await h.send(slashPayload(definition, invocation, asAdmin));
    const answer = requests.at(-1) as RecordedRequest;
    const data = (answer.body as { data?: unknown }).data ?? answer.body;
    const row = (data as { components?: { components: { custom_id: string }[] }[] }).components?.[0];
    let next = row?.components[2]?.custom_id;
    let pages = 1;
    while (next !== undefined) {
      const [turned] = await h.send(buttonPayload(next, asAdmin));
      requests.push(turned as RecordedRequest);
      pages += 1;
      const buttons =
        (
          turned?.body as {
            data?: { components?: { components: { custom_id: string; disabled?: boolean }[] }[] };
          }
        ).data?.components?.[0]?.components ?? [];
      next = buttons[2]?.disabled === true ? undefined : buttons[2]?.custom_id;
    }
    return { requests, pages };
  }

  it('answers each with messages Discord accepts, turning every page', async () => {
    const lines: string[] = [];
    for (const command of registry.values()) {
      const extra: Invocation[] =
        command.definition.name === 'streamers'
          ? [
              { command: 'streamers', options: { language: 'en' } },
              { command: 'streamers', options: { game: 'League of Legends' } },
              { command: 'streamers', options: { language: 'xx' } },
            ]
          : [];
      for (const invocation of [...(await invocationsFor(command.definition, graph)), ...extra]) {
        const { requests, pages } = await runAndTurnPages(command.definition, invocation);
        const label = `/${invocation.command} ${invocation.subcommand ?? ''} ${JSON.stringify(invocation.options)}`;
        for (const r of requests) {
          expect(r.problems, label).toEqual([]);
          expect(r.status, label).toBeLessThan(300);
        }
        lines.push(`${label} → ${pages} page(s)`);
      }
    }
    // Every command and subcommand was tried.
    for (const [name, command] of registry) {
      for (const sub of command.definition.subcommands?.map((s) => s.name) ?? [''])
        expect(lines.some((l) => l.startsWith(`/${name} ${sub}`))).toBe(true);
    }
  });

  it('answers /streamer for every streamer in the demo data', async () => {
    const definition = registry.get('streamer')?.definition;
    for (const name of await graph.listNames('streamer')) {
      const requests = await h.send(slashPayload(definition, { command: 'streamer', options: { name } }));
      const [r] = requests;
      expect(r?.problems, name).toEqual([]);
      expect(r?.status, name).toBe(204);
      const flags = ((r?.body as { data?: { flags?: number } }).data?.flags ?? 0) & 64;
      expect(flags, `${name} answered as an error`).toBe(0);
    }
  });
});
