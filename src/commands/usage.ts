/** One-line usage of a command, in the slash syntax every front end accepts. */
import type { CommandDefinition, OptionDefinition } from './command.js';

function optionUsage(option: OptionDefinition): string {
  return option.required === true ? `<${option.name}>` : `[${option.name}]`;
}

export function usageLines(definition: CommandDefinition): string[] {
  if (definition.subcommands !== undefined) {
    return definition.subcommands.map((sub) =>
      [`/${definition.name}`, sub.name, ...sub.options.map(optionUsage)].join(' '),
    );
  }
  return [[`/${definition.name}`, ...(definition.options ?? []).map(optionUsage)].join(' ')];
}
