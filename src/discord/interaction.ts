/**
 * What the interaction pipeline needs from an interaction, whichever way it arrived: over the gateway
 * (discord.js objects, `gateway-interaction.ts`) or as a signed HTTP request to the Interactions Endpoint
 * URL (`http/http-interaction.ts`). The pipeline decides what to answer; an adapter decides how the
 * answer travels (a REST callback, the HTTP response itself, a webhook edit).
 */
import type { APIActionRowComponent, APIButtonComponent, APIEmbed } from 'discord.js';
import { ApplicationCommandOptionType } from 'discord.js';
import type { Invocation } from '../commands/command.js';

/** One attachment of a message. */
export interface BodyFile {
  name: string;
  data: Buffer;
  description: string;
}

/** Message content as the pipeline produces it; mentions are never allowed to ping anyone. */
export interface MessageBody {
  embeds: APIEmbed[];
  files: BodyFile[];
  components: APIActionRowComponent<APIButtonComponent>[];
}

export interface Choice {
  name: string;
  value: string;
}

export interface InteractionUser {
  id: string;
  username: string;
}

export interface InteractionMember {
  /** The member's permissions in the channel, as Discord computed them (Administrator included). */
  permissions: bigint;
  roles: readonly string[];
}

export interface GuildRole {
  id: string;
  name: string;
}

interface Common {
  id: string;
  user: InteractionUser;
  /** null in a direct message. */
  guildId: string | null;
  member: InteractionMember | null;
  /** The server's roles, for an admin role given by name; `fetched` is true when a request was made. */
  guildRoles(): Promise<{ roles: readonly GuildRole[]; fetched: boolean }>;
}

/** Ways to answer a command or a button with a message. */
export interface MessageResponses {
  readonly deferred: boolean;
  readonly replied: boolean;
  reply(body: MessageBody, ephemeral: boolean): Promise<void>;
  /** "thinking…": the answer follows as an edit of the original response. */
  defer(): Promise<void>;
  editReply(body: MessageBody): Promise<void>;
  followUp(body: MessageBody, ephemeral: boolean): Promise<void>;
  deleteReply(): Promise<void>;
}

export interface CommandInteraction extends Common, MessageResponses {
  kind: 'command';
  invocation: Invocation;
}

export interface AutocompleteInteraction extends Common {
  kind: 'autocomplete';
  command: string;
  subcommand: string | null;
  focused: { name: string; value: string };
  readonly responded: boolean;
  respond(choices: readonly Choice[]): Promise<void>;
}

export interface ButtonInteraction extends Common, MessageResponses {
  kind: 'button';
  customId: string;
  /** Replace the message the button is on. */
  update(body: MessageBody): Promise<void>;
  /** Acknowledge without changing the message. */
  deferUpdate(): Promise<void>;
}

/** Anything else that can be answered with a message (modals, select menus: not used by twitchgraph). */
export interface OtherInteraction extends Common, MessageResponses {
  kind: 'other';
  type: number;
}

export type PipelineInteraction =
  CommandInteraction | AutocompleteInteraction | ButtonInteraction | OtherInteraction;

/** A command option as both the gateway and the HTTP payload carry it. */
export interface RawOption {
  name: string;
  type: number;
  value?: string | number | boolean | undefined;
  options?: readonly RawOption[] | undefined;
  focused?: boolean | undefined;
}

/** The subcommand (group lifted out) and the options under it. */
export function optionsBelowSubcommand(options: readonly RawOption[]): {
  subcommand: string | undefined;
  options: readonly RawOption[];
} {
  const first = options[0];
  if (first?.type === ApplicationCommandOptionType.SubcommandGroup) {
    const inner = first.options?.[0];
    return { subcommand: inner?.name, options: inner?.options ?? [] };
  }
  if (first?.type === ApplicationCommandOptionType.Subcommand)
    return { subcommand: first.name, options: first.options ?? [] };
  return { subcommand: undefined, options };
}

/** The options a user gave, as the shared dispatcher takes them (subcommand lifted out). */
export function invocationFrom(command: string, raw: readonly RawOption[]): Invocation {
  const { subcommand, options: data } = optionsBelowSubcommand(raw);
  const options: Invocation['options'] = {};
  for (const option of data) {
    const value = option.value;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      options[option.name] = value;
  }
  return { command, ...(subcommand === undefined ? {} : { subcommand }), options };
}
