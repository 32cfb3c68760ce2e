/**
 * Command definitions → Discord slash-command JSON, through discord.js's `SlashCommandBuilder`, whose
 * `toJSON()` checks Discord's rules (names `^[-_\p{L}\p{N}]{1,32}$` in lower case, descriptions 1–100
 * characters, at most 25 options, subcommands and choices) so a bad definition fails here rather than as
 * a 400 from Discord at registration.
 *
 * Restriction is not expressed with `default_member_permissions`: that hides a command from everyone
 * without the permission, including members of the configured admin role, and it cannot single out one
 * subcommand (`/monitor list` is open). The bot checks restriction itself (see `permissions.ts`).
 */
import type {
  RESTPostAPIChatInputApplicationCommandsJSONBody,
  SlashCommandBooleanOption,
  SlashCommandIntegerOption,
  SlashCommandStringOption,
} from 'discord.js';
import { SlashCommandBuilder } from 'discord.js';
import type { CommandDefinition, OptionDefinition } from '../commands/command.js';
import type { AnyCommand } from '../commands/registry.js';

export type SlashCommandJson = RESTPostAPIChatInputApplicationCommandsJSONBody;

/** What SlashCommandBuilder and SlashCommandSubcommandBuilder have in common for adding options. */
interface OptionHost {
  addStringOption(build: (option: SlashCommandStringOption) => SlashCommandStringOption): unknown;
  addIntegerOption(build: (option: SlashCommandIntegerOption) => SlashCommandIntegerOption): unknown;
  addBooleanOption(build: (option: SlashCommandBooleanOption) => SlashCommandBooleanOption): unknown;
}

function addOption(host: OptionHost, option: OptionDefinition): void {
  const required = option.required === true;
  switch (option.type) {
    case 'string':
      host.addStringOption((o) => {
        o.setName(option.name).setDescription(option.description).setRequired(required);
        if (option.maxLength !== undefined) o.setMaxLength(option.maxLength);
        if (option.choices !== undefined) o.addChoices(...option.choices);
        else if (option.autocomplete !== undefined) o.setAutocomplete(true);
        return o;
      });
      return;
    case 'integer':
      host.addIntegerOption((o) => {
        o.setName(option.name).setDescription(option.description).setRequired(required);
        if (option.minValue !== undefined) o.setMinValue(option.minValue);
        if (option.maxValue !== undefined) o.setMaxValue(option.maxValue);
        return o;
      });
      return;
    case 'boolean':
      host.addBooleanOption((o) =>
        o.setName(option.name).setDescription(option.description).setRequired(required),
      );
      return;
  }
}

/** Discord wants required options before optional ones (else 400 "Required options must be placed before non-required options"). */
function requiredFirst(options: readonly OptionDefinition[]): OptionDefinition[] {
  return [...options].sort((a, b) => Number(b.required === true) - Number(a.required === true));
}

/** One command as Discord's JSON; throws (from the builder's validation) if Discord would refuse it. */
export function slashCommandJson(definition: CommandDefinition): SlashCommandJson {
  const builder = new SlashCommandBuilder().setName(definition.name).setDescription(definition.description);
  if (definition.subcommands !== undefined && definition.subcommands.length > 0) {
    for (const sub of definition.subcommands) {
      builder.addSubcommand((s) => {
        s.setName(sub.name).setDescription(sub.description);
        for (const option of requiredFirst(sub.options)) addOption(s, option);
        return s;
      });
    }
  } else {
    for (const option of requiredFirst(definition.options ?? [])) addOption(builder, option);
  }
  return builder.toJSON();
}

/** Every command of a registry, in registry order. */
export function slashCommandsJson(registry: ReadonlyMap<string, AnyCommand>): SlashCommandJson[] {
  return [...registry.values()].map((command) => slashCommandJson(command.definition));
}
