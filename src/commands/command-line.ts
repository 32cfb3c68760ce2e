/**
 * Slash commands typed as text (`ask` CLI, playground): `/top games 10`, `/streamers en "Just Chatting"`,
 * `/top vips limit:20`. Options are given in order or as `name:value`; a trailing text option takes the
 * rest of the line, so quotes are optional for the last value.
 */
import { TwitchgraphError } from '../util/twitchgraph-error.js';
import type { CommandDefinition, Invocation, OptionDefinition } from './command.js';
import { closestNames } from './name-suggester.js';

export class CommandLineError extends TwitchgraphError<'COMMAND_LINE_INVALID'> {
  readonly code = 'COMMAND_LINE_INVALID';
  readonly canRetry = false;
  constructor(
    message: string,
    /** The command the error is about, when known (for usage). */
    readonly command?: string,
  ) {
    super(message);
    this.name = 'CommandLineError';
  }
}

export function tokenize(line: string): string[] {
  const tokens: string[] = [];
  let current = '';
  let quote: '"' | "'" | null = null;
  let inToken = false;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i] as string;
    if (quote !== null) {
      if (ch === '\\' && line[i + 1] === quote) {
        current += quote;
        i += 1;
      } else if (ch === quote) quote = null;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inToken = true;
    } else if (/\s/.test(ch)) {
      if (inToken) tokens.push(current);
      current = '';
      inToken = false;
    } else {
      current += ch;
      inToken = true;
    }
  }
  if (quote !== null) throw new CommandLineError(`unclosed ${quote} quote`);
  if (inToken) tokens.push(current);
  return tokens;
}

const NAMED = /^([a-z][a-z0-9_-]*):(.*)$/s;

export function parseCommandLine(
  line: string,
  definitions: ReadonlyMap<string, CommandDefinition>,
): Invocation {
  const tokens = tokenize(line.trim());
  const head = tokens.shift();
  if (head === undefined || head === '/' || head === '') throw new CommandLineError('no command given');
  const name = head.replace(/^\//, '').toLowerCase();
  const definition = definitions.get(name);
  if (definition === undefined) {
    const close = closestNames(name, [...definitions.keys()]);
    throw new CommandLineError(
      `unknown command /${name}; ` +
        (close.length === 0 ? '' : `did you mean ${close.map((n) => `/${n}`).join(', ')}? `) +
        `commands: ${[...definitions.keys()].map((n) => `/${n}`).join(' ')}`,
    );
  }
  const invocation: Invocation = { command: name, options: {} };
  let options: readonly OptionDefinition[] = definition.options ?? [];
  if (definition.subcommands !== undefined) {
    const sub = tokens.shift()?.toLowerCase();
    const choices = definition.subcommands.map((s) => s.name).join(', ');
    if (sub === undefined) throw new CommandLineError(`/${name} needs a subcommand: ${choices}`, name);
    const subDefinition = definition.subcommands.find((s) => s.name === sub);
    if (subDefinition === undefined)
      throw new CommandLineError(`/${name} has no subcommand "${sub}"; choose one of: ${choices}`, name);
    invocation.subcommand = sub;
    options = subDefinition.options;
  }
  const positional: string[] = [];
  for (const token of tokens) {
    const named = NAMED.exec(token);
    const option = named === null ? undefined : options.find((o) => o.name === named[1]);
    if (named !== null && option !== undefined) invocation.options[option.name] = named[2] as string;
    else if (named !== null && options.length > 0 && !options.some((o) => o.type === 'string')) {
      throw new CommandLineError(
        `/${name} has no option "${named[1]}"; options: ${options.map((o) => o.name).join(', ')}`,
        name,
      );
    } else positional.push(token);
  }
  const free = options.filter((o) => !(o.name in invocation.options));
  for (const [i, option] of free.entries()) {
    if (positional.length === 0) break;
    const last = i === free.length - 1;
    invocation.options[option.name] =
      last && option.type === 'string' ? positional.splice(0).join(' ') : (positional.shift() as string);
  }
  if (positional.length > 0) {
    throw new CommandLineError(`/${name}: unexpected "${positional.join(' ')}"`, name);
  }
  return invocation;
}
