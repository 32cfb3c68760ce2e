/**
 * Every command in the registry as Discord slash-command JSON: built through discord.js's builders (which
 * validate at `toJSON()`), then checked again here against Discord's documented limits.
 */
import { describe, expect, it } from 'vitest';
import type { APIApplicationCommandOption } from 'discord.js';
import { ApplicationCommandOptionType } from 'discord.js';
import { z } from 'zod';
import type { CommandDefinition } from '../../src/commands/command.js';
import { defineCommand } from '../../src/commands/command.js';
import { buildRegistry, DEFAULT_COMMANDS } from '../../src/commands/registry.js';
import { reply } from '../../src/reply/reply.js';
import { slashCommandJson, slashCommandsJson } from '../../src/discord/command-json.js';

// Application Commands → Application Command Naming; descriptions 1–100; 25 options; 25 choices.
const NAME = /^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function checkOptions(
  options: readonly APIApplicationCommandOption[],
  where: string,
  problems: string[],
): number {
  let chars = 0;
  if (options.length > 25) problems.push(`${where}: ${options.length} options`);
  let optionalSeen = false;
  for (const option of options) {
    const at = `${where} ${option.name}`;
    chars += option.name.length + option.description.length;
    if (!NAME.test(option.name) || option.name !== option.name.toLowerCase())
      problems.push(`${at}: bad name`);
    if (option.description.length < 1 || option.description.length > 100)
      problems.push(`${at}: description length`);
    if (option.type === ApplicationCommandOptionType.Subcommand) {
      chars += checkOptions(option.options ?? [], at, problems);
      continue;
    }
    const required = 'required' in option && option.required === true;
    if (required && optionalSeen) problems.push(`${at}: required after optional`);
    if (!required) optionalSeen = true;
    if ('choices' in option && option.choices !== undefined) {
      if (option.choices.length > 25) problems.push(`${at}: ${option.choices.length} choices`);
      if ('autocomplete' in option && option.autocomplete === true)
        problems.push(`${at}: choices and autocomplete`);
      for (const c of option.choices) chars += c.name.length + String(c.value).length;
    }
    if (
      option.type === ApplicationCommandOptionType.String &&
      option.max_length !== undefined &&
      option.max_length > 6000
    )
      problems.push(`${at}: max_length over 6000`);
  }
  return chars;
}

function problemsOf(json: ReturnType<typeof slashCommandJson>): string[] {
  const problems: string[] = [];
  if (!NAME.test(json.name) || json.name !== json.name.toLowerCase()) problems.push(`${json.name}: bad name`);
  if (json.description.length < 1 || json.description.length > 100)
    problems.push(`${json.name}: description length`);
  const options = json.options ?? [];
  const subs = options.filter((o) => o.type === ApplicationCommandOptionType.Subcommand);
  if (subs.length > 0 && subs.length !== options.length)
    problems.push(`${json.name}: subcommands mixed with options`);
  // The combined length of names, descriptions and choice values may not exceed 4,000 characters.
  const chars = json.name.length + json.description.length + checkOptions(options, json.name, problems);
  if (chars > 4000) problems.push(`${json.name}: ${chars} characters in total`);
  return problems;
}

describe('slash-command JSON', () => {
  const registry = buildRegistry();
  const all = slashCommandsJson(registry);

  it('has one valid command for every command in the registry', () => {
    expect(all.map((c) => c.name)).toEqual([...registry.keys()]);
    expect(all.length).toBeLessThanOrEqual(100);
    for (const json of all) expect(problemsOf(json), json.name).toEqual([]);
  });

  it('keeps subcommands, typed options, limits and autocomplete', () => {
    const top = all.find((c) => c.name === 'top');
    expect(top?.options?.map((o) => [o.type, o.name])).toEqual(
      ['games', 'teams', 'vips', 'moderators', 'streamers-by-views', 'streamers-by-followers'].map((n) => [
        1,
        n,
      ]),
    );
    expect(top?.options?.[0]).toMatchObject({
      options: [{ type: 4, name: 'limit', min_value: 1, max_value: 50, required: false }],
    });
    expect(all.find((c) => c.name === 'streamer')?.options).toEqual([
      expect.objectContaining({ type: 3, name: 'name', required: true, max_length: 100, autocomplete: true }),
    ]);
    expect(
      all.find((c) => c.name === 'streamers')?.options?.map((o) => 'autocomplete' in o && o.autocomplete),
    ).toEqual([true, true]);
    const monitor = all.find((c) => c.name === 'monitor');
    expect(monitor?.options?.map((o) => o.name)).toEqual(['add', 'remove', 'list']);
    // Restriction is the bot's check, not Discord's default_member_permissions (see command-json.ts).
    expect(monitor?.default_member_permissions).toBeUndefined();
  });

  it('handles commands that join the registry later: required options first, choices kept', () => {
    const later: CommandDefinition[] = [
      {
        name: 'later-candidates',
        description: 'Chatters who might deserve a VIP badge in a channel',
        restricted: true,
        slow: true,
        options: [
          { name: 'limit', description: 'How many', type: 'integer', minValue: 1, maxValue: 50 },
          {
            name: 'channel',
            description: 'Channel',
            type: 'string',
            required: true,
            autocomplete: 'streamer',
          },
          { name: 'bots', description: 'Include known bots', type: 'boolean' },
        ],
      },
      {
        name: 'later-overlap',
        description: 'Chatters two channels share',
        options: [
          { name: 'first', description: 'Channel', type: 'string', required: true, autocomplete: 'streamer' },
          {
            name: 'second',
            description: 'Channel',
            type: 'string',
            required: true,
            autocomplete: 'streamer',
          },
          {
            name: 'by',
            description: 'Measure',
            type: 'string',
            choices: [
              { name: 'Jaccard', value: 'jaccard' },
              { name: 'count', value: 'count' },
            ],
          },
        ],
      },
    ];
    const commands = later.map((definition) =>
      defineCommand({ definition, args: z.object({}), run: () => Promise.resolve(reply({ title: 'x' })) }),
    );
    const json = slashCommandsJson(buildRegistry([...DEFAULT_COMMANDS, ...commands]));
    for (const c of json) expect(problemsOf(c), c.name).toEqual([]);
    // Required options go first, whatever order the definition lists them in.
    expect(json.find((c) => c.name === 'later-candidates')?.options?.map((o) => o.name)).toEqual([
      'channel',
      'limit',
      'bots',
    ]);
    expect(json.find((c) => c.name === 'later-overlap')?.options?.[2]).toMatchObject({
      choices: [
        { name: 'Jaccard', value: 'jaccard' },
        { name: 'count', value: 'count' },
      ],
    });
  });

  it('refuses a definition Discord would refuse, at build time', () => {
    expect(() => slashCommandJson({ name: 'Top', description: 'upper case name' })).toThrow();
    expect(() => slashCommandJson({ name: 'long', description: 'd'.repeat(101) })).toThrow();
    expect(() =>
      slashCommandJson({
        name: 'many',
        description: 'too many options',
        options: Array.from({ length: 26 }, (_, i) => ({
          name: `o${i}`,
          description: 'x',
          type: 'string' as const,
        })),
      }),
    ).toThrow();
    expect(() =>
      slashCommandJson({
        name: 'choices',
        description: 'too many choices',
        options: [
          {
            name: 'pick',
            description: 'x',
            type: 'string',
            choices: Array.from({ length: 26 }, (_, i) => ({ name: `c${i}`, value: `c${i}` })),
          },
        ],
      }),
    ).toThrow();
  });
});
