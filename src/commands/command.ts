/**
 * What a command is: a definition (name, description, typed options with limits; what Discord and the
 * playground show) plus a zod schema for its arguments and `run(args, ports) → Reply`.
 */
import { z } from 'zod';
import { channelLoginFromInput } from '../domain/login.js';
import type {
  AlertSettings,
  AudienceQueries,
  GraphAlgorithms,
  GraphQueries,
  MonitorSettings,
  NameKind,
} from '../graph/graph-store.port.js';
import type { BotDetector } from '../insights/bot-detector.js';
import { botDetectorFor } from '../insights/bot-detector.js';
import type { Reply } from '../reply/reply.js';

export type OptionType = 'string' | 'integer' | 'boolean';

export interface OptionDefinition {
  name: string;
  description: string;
  type: OptionType;
  required?: boolean;
  minValue?: number;
  maxValue?: number;
  maxLength?: number;
  choices?: readonly { name: string; value: string }[];
  /** Suggest values from the graph while the user types. */
  autocomplete?: NameKind;
}

export interface SubcommandDefinition {
  name: string;
  description: string;
  options: readonly OptionDefinition[];
  /** Only this subcommand is restricted (e.g. `/monitor add` but not `/monitor list`). */
  restricted?: boolean;
}

export interface CommandDefinition {
  name: string;
  description: string;
  /** Options of a command without subcommands. */
  options?: readonly OptionDefinition[];
  subcommands?: readonly SubcommandDefinition[];
  /**
   * Only for members who may manage the server (or hold the configured role); front ends check it before
   * running. Applies to every subcommand; a subcommand can be restricted on its own instead.
   */
  restricted?: boolean;
  /** May take longer than Discord's 3-second window to answer; the front end should defer. */
  slow?: boolean;
}

/**
 * The roles of the graph the commands use: every read, the `/monitor` set, the `/alerts` rules and records and
 * the backend's name; never the
 * ingest writes or closing the store.
 */
export type CommandGraph = GraphQueries &
  AudienceQueries &
  GraphAlgorithms &
  MonitorSettings &
  AlertSettings & { readonly backend: string };

/** What a command may use. Front ends build one per process. */
export interface CommandPorts {
  graph: CommandGraph;
  now?: () => Date;
  /** Who is asking, recorded by commands that change bookkeeping (e.g. `discord:<user id> (<name>)`). */
  caller?: string;
  /** Bot flags (with BOT_LOGINS_EXTRA); the built-in list alone when absent. */
  bots?: BotDetector;
  /**
   * False: answer without pictures, and skip the reads only they need (a caller that shows none, such as
   * `ask` without `--out`). Commands never draw: a reply's pictures are data the front ends draw.
   */
  pictures?: boolean;
  /** The commands of the registry being dispatched, in order (set by the dispatcher; `/help` lists them). */
  commands?: readonly CommandDefinition[];
}

export function botsOf(ports: CommandPorts): BotDetector {
  return ports.bots ?? botDetectorFor(ports.graph);
}

/** A yes/no option; text front ends may type true/false, yes/no, on/off. */
export function booleanArg(fallback: boolean) {
  return z
    .union([
      z.boolean(),
      z.enum(['true', 'false', 'yes', 'no', 'on', 'off', '1', '0'], { error: 'expected true or false' }),
    ])
    .optional()
    .transform((v) =>
      v === undefined ? fallback : typeof v === 'boolean' ? v : ['true', 'yes', 'on', '1'].includes(v),
    );
}

export function excludeBotsOption(defaultOn: boolean): OptionDefinition {
  return {
    name: 'exclude_bots',
    description: `Leave out accounts flagged as bots (default ${defaultOn ? 'true' : 'false'})`,
    type: 'boolean',
  };
}

/** Raw arguments as a front end collected them: Discord gives typed values, text gives strings. */
export interface Invocation {
  command: string;
  subcommand?: string;
  options: Record<string, string | number | boolean>;
}

export interface Command<Args = unknown> {
  definition: CommandDefinition;
  /** Validates `{ subcommand?, ...options }` into the arguments `run` receives. */
  args: z.ZodType<Args>;
  run(args: Args, ports: CommandPorts): Promise<Reply>;
}

/** Keep the relation between `args` and `run` when storing commands of different types together. */
export function defineCommand<Args>(command: Command<Args>): Command<Args> {
  return command;
}

/** A Twitch channel as a moderator types it: a login or a twitch.tv link (`/monitor`, `/alerts`). */
export const twitchChannelArg = z
  .string({ error: 'channel is required' })
  .max(200, { error: 'channel is longer than 200 characters' })
  .transform((value, ctx) => {
    const parsed = channelLoginFromInput(value);
    if (parsed.ok) return parsed.login;
    ctx.addIssue({ code: 'custom', message: parsed.problem });
    return z.NEVER;
  });

/** A limit option: any whole number is accepted and clamped into range, with a note saying so. */
export interface Clamped {
  value: number;
  note?: string;
}

export function limitOption(description: string, max = 50): OptionDefinition {
  return { name: 'limit', description, type: 'integer', minValue: 1, maxValue: max };
}

export function limitArg(fallback: number, max = 50, min = 1) {
  return z.coerce
    .number({ error: 'limit must be a whole number' })
    .int({ error: 'limit must be a whole number' })
    .optional()
    .transform((value): Clamped => {
      if (value === undefined) return { value: fallback };
      if (value < min) return { value: min, note: `limit ${value} raised to ${min}` };
      if (value > max)
        return { value: max, note: `limit ${value} lowered to ${max} (the most this command shows)` };
      return { value };
    });
}

export const nameArg = (what: string, max = 100) =>
  z
    .string({ error: `${what} is required` })
    .trim()
    .min(1, { error: `${what} is required` })
    .max(max, { error: `${what} is longer than ${max} characters` });

/** Whether running `subcommand` of `definition` needs the restricted permission. */
export function isRestricted(definition: CommandDefinition, subcommand?: string): boolean {
  if (definition.restricted === true) return true;
  if (subcommand === undefined) return false;
  return definition.subcommands?.find((s) => s.name === subcommand)?.restricted === true;
}
