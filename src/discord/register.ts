/**
 * `twitchgraph register`: put the slash commands to one server (instant; for testing) or globally.
 *
 * Discord rate-limits command creation (200 a day per server) and a bulk overwrite re-creates changed
 * commands, so this fetches what Discord has, compares normalized JSON, and sends the bulk overwrite
 * (`PUT /applications/{app}/commands`, or `/guilds/{guild}/commands`) only when something differs.
 */
import type { APIApplicationCommand } from 'discord.js';
import { DiscordAPIError, REST, Routes } from 'discord.js';
import type { Config } from '../config.js';
import { restOptions } from './bot.js';
import type { SlashCommandJson } from './command-json.js';

/** A REST client with the bot's token, at `DISCORD_API_URL` when set (tests point it at a local server). */
export function registerClient(config: Config, token: string): REST {
  return new REST(restOptions(config)).setToken(token);
}

/** Discord's refusal in one line (`403 Missing Access (code 50001)`); undefined for any other error. */
export function discordRefusal(error: unknown): string | undefined {
  return error instanceof DiscordAPIError
    ? `Discord answered ${error.status} ${error.message} (code ${error.code})`
    : undefined;
}

export interface RegisterTarget {
  appId: string;
  /** A server id for a server's commands; absent for global commands. */
  guildId?: string;
}

export interface RegisterReport {
  scope: string;
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: string[];
  /** Whether the bulk overwrite was sent. */
  sent: boolean;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Option fields a bot sets; everything else Discord returns (ids, versions, localized texts) is ignored. */
const OPTION_DEFAULTS: Record<string, Json> = {
  type: null,
  name: null,
  description: null,
  required: false,
  choices: null,
  options: null,
  min_value: null,
  max_value: null,
  min_length: null,
  max_length: null,
  autocomplete: false,
  channel_types: null,
  name_localizations: null,
  description_localizations: null,
};

const COMMAND_DEFAULTS: Record<string, Json> = {
  type: 1,
  name: null,
  description: null,
  options: null,
  default_member_permissions: null,
  nsfw: false,
  name_localizations: null,
  description_localizations: null,
};

const CHOICE_DEFAULTS: Record<string, Json> = { name: null, value: null, name_localizations: null };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Keep the fields of `defaults`, dropping those absent or at their default (Discord omits `false` and `[]`). */
function pick(value: unknown, defaults: Record<string, Json>): Record<string, Json> {
  const source = isRecord(value) ? value : {};
  const out: Record<string, Json> = {};
  for (const [key, fallback] of Object.entries(defaults)) {
    const v = source[key];
    const empty =
      v === undefined ||
      v === null ||
      (Array.isArray(v) && v.length === 0) ||
      (isRecord(v) && !Array.isArray(v) && Object.keys(v).length === 0);
    if (empty || v === fallback) continue;
    if (key === 'options' && Array.isArray(v)) out[key] = v.map((o) => pick(o, OPTION_DEFAULTS));
    else if (key === 'choices' && Array.isArray(v)) out[key] = v.map((c) => pick(c, CHOICE_DEFAULTS));
    else out[key] = JSON.parse(JSON.stringify(v)) as Json;
  }
  return out;
}

/**
 * A command as comparable JSON: only fields a bot sets, defaults filled in, `contexts` and
 * `integration_types` compared only when this side sets them (Discord fills its own defaults in).
 */
export function normalizeCommand(command: unknown, compareContexts = false): string {
  const defaults = compareContexts
    ? { ...COMMAND_DEFAULTS, contexts: null, integration_types: null }
    : COMMAND_DEFAULTS;
  return canonical(pick(command, defaults));
}

function canonical(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k] as Json)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Compare wanted commands with those Discord has; names are unique per type and scope. */
export function diffCommands(
  wanted: readonly SlashCommandJson[],
  existing: readonly unknown[],
): Omit<RegisterReport, 'scope' | 'sent'> {
  const nameOf = (c: unknown) =>
    typeof c === 'object' && c !== null && 'name' in c && typeof c.name === 'string' ? c.name : '';
  const have = new Map(existing.map((c) => [nameOf(c), c]));
  const added: string[] = [];
  const changed: string[] = [];
  const unchanged: string[] = [];
  for (const command of wanted) {
    const current = have.get(command.name);
    const contexts = command.contexts != null || command.integration_types != null;
    if (current === undefined) added.push(command.name);
    else if (normalizeCommand(current, contexts) !== normalizeCommand(command, contexts))
      changed.push(command.name);
    else unchanged.push(command.name);
  }
  const names = new Set(wanted.map((c) => c.name));
  const removed = [...have.keys()].filter((name) => !names.has(name));
  return { added, changed, removed, unchanged };
}

export interface RegisterOptions {
  /** Compare and report without sending anything. */
  dryRun?: boolean;
}

export async function registerCommands(
  rest: REST,
  target: RegisterTarget,
  commands: readonly SlashCommandJson[],
  options: RegisterOptions = {},
): Promise<RegisterReport> {
  const route =
    target.guildId === undefined
      ? Routes.applicationCommands(target.appId)
      : Routes.applicationGuildCommands(target.appId, target.guildId);
  const existing = (await rest.get(route)) as APIApplicationCommand[];
  const diff = diffCommands(commands, existing);
  const scope = target.guildId === undefined ? 'global' : `server ${target.guildId}`;
  const different = diff.added.length + diff.changed.length + diff.removed.length > 0;
  if (different && options.dryRun !== true) await rest.put(route, { body: commands });
  return { scope, ...diff, sent: different && options.dryRun !== true };
}

/** One paragraph for the terminal. */
export function registerReportText(report: RegisterReport, dryRun = false): string {
  const list = (names: readonly string[]) => names.map((n) => `/${n}`).join(' ');
  const lines = [`Slash commands (${report.scope}):`];
  if (report.added.length > 0) lines.push(`  added:     ${list(report.added)}`);
  if (report.changed.length > 0) lines.push(`  changed:   ${list(report.changed)}`);
  if (report.removed.length > 0) lines.push(`  removed:   ${list(report.removed)}`);
  if (report.unchanged.length > 0) lines.push(`  unchanged: ${list(report.unchanged)}`);
  const total = report.added.length + report.changed.length + report.unchanged.length;
  if (report.sent) lines.push(`Sent ${total} commands to Discord.`);
  else if (dryRun && report.added.length + report.changed.length + report.removed.length > 0)
    lines.push('Dry run: nothing sent.');
  else lines.push('Discord already has these commands: nothing sent.');
  return `${lines.join('\n')}\n`;
}
