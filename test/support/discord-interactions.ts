/**
 * Raw interaction payloads as Discord's gateway delivers them (INTERACTION_CREATE), turned into real
 * discord.js interaction objects by the library's own gateway action, with a `Client` whose REST base URL
 * is a local fake Discord (`fake-discord.ts`).
 */
import type { APIApplicationCommandInteractionDataOption, APIInteraction, Interaction } from 'discord.js';
import { ApplicationCommandOptionType, Client, Events, PermissionFlagsBits } from 'discord.js';
import type { CommandDefinition, Invocation, OptionDefinition } from '../../src/commands/command.js';
import { nextSnowflake } from './fake-discord.js';

export const APP_ID = '1200000000000000001';
export const CHANNEL_ID = '1200000000000000002';
export const GUILD_ID = '1200000000000000003';

export interface FakeUser {
  id: string;
  username: string;
}

export const ALICE: FakeUser = { id: '1200000000000000011', username: 'alice' };
export const BOB: FakeUser = { id: '1200000000000000012', username: 'bob' };

export function testClient(apiUrl: string): Client {
  const client = new Client({ intents: [], rest: { api: apiUrl, retries: 0, timeout: 10_000 } });
  client.rest.setToken('test-bot-token');
  return client;
}

/** Deliver a raw payload the way the gateway handler does; resolves with the interaction it built. */
export function deliver(client: Client, raw: APIInteraction): Interaction {
  let built: Interaction | undefined;
  const grab = (interaction: Interaction) => {
    if (interaction.id === raw.id) built = interaction;
  };
  client.on(Events.InteractionCreate, grab);
  // `client.actions` is discord.js's internal gateway-to-structure layer (not in its typings).
  (
    client as unknown as { actions: { InteractionCreate: { handle(data: unknown): void } } }
  ).actions.InteractionCreate.handle(raw);
  client.off(Events.InteractionCreate, grab);
  if (built === undefined) throw new Error(`discord.js built no interaction from payload type ${raw.type}`);
  return built;
}

export interface Caller {
  user?: FakeUser;
  /** Member permissions in the guild (default: none). */
  permissions?: bigint;
  roles?: string[];
  /** false for a direct message. */
  inGuild?: boolean;
  token?: string;
}

const OPTION_TYPES = {
  string: ApplicationCommandOptionType.String,
  integer: ApplicationCommandOptionType.Integer,
  boolean: ApplicationCommandOptionType.Boolean,
} as const;

function base(caller: Caller, id: string) {
  const user = caller.user ?? ALICE;
  const rawUser = {
    id: user.id,
    username: user.username,
    discriminator: '0',
    global_name: user.username,
    avatar: null,
  };
  const common = {
    id,
    application_id: APP_ID,
    token: caller.token ?? `token-${id}`,
    version: 1 as const,
    locale: 'en-US' as const,
    app_permissions: String(
      PermissionFlagsBits.SendMessages | PermissionFlagsBits.EmbedLinks | PermissionFlagsBits.AttachFiles,
    ),
    entitlements: [],
    channel_id: CHANNEL_ID,
    attachment_size_limit: 10 * 1024 * 1024,
  };
  if (caller.inGuild === false) {
    return {
      ...common,
      user: rawUser,
      channel: { id: CHANNEL_ID, type: 1, recipients: [rawUser] },
      context: 1,
      authorizing_integration_owners: { '1': user.id },
    };
  }
  return {
    ...common,
    guild_id: GUILD_ID,
    guild_locale: 'en-US',
    guild: { id: GUILD_ID, locale: 'en-US', features: [] },
    channel: { id: CHANNEL_ID, type: 0, name: 'general', guild_id: GUILD_ID },
    context: 0,
    authorizing_integration_owners: { '0': GUILD_ID },
    member: {
      user: rawUser,
      roles: caller.roles ?? [],
      permissions: String(caller.permissions ?? 0n),
      joined_at: '2024-01-01T00:00:00.000Z',
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
      nick: null,
      avatar: null,
      premium_since: null,
    },
  };
}

function typedOptions(
  definitions: readonly OptionDefinition[],
  values: Invocation['options'],
  focused?: string,
): APIApplicationCommandInteractionDataOption[] {
  return Object.entries(values).map(([name, value]) => {
    const definition = definitions.find((o) => o.name === name);
    const type = OPTION_TYPES[definition?.type ?? 'string'];
    const typed =
      type === ApplicationCommandOptionType.Integer && focused !== name
        ? Number(value)
        : type === ApplicationCommandOptionType.Boolean
          ? value === true || value === 'true'
          : String(value);
    return {
      type,
      name,
      value: typed,
      ...(focused === name ? { focused: true } : {}),
    } as APIApplicationCommandInteractionDataOption;
  });
}

function commandData(definition: CommandDefinition | undefined, invocation: Invocation, focused?: string) {
  const sub = definition?.subcommands?.find((s) => s.name === invocation.subcommand);
  const options = typedOptions(sub?.options ?? definition?.options ?? [], invocation.options, focused);
  return {
    id: nextSnowflake(),
    name: invocation.command,
    type: 1,
    guild_id: GUILD_ID,
    options:
      invocation.subcommand === undefined
        ? options
        : [{ type: ApplicationCommandOptionType.Subcommand, name: invocation.subcommand, options }],
  };
}

/** A slash command as Discord sends it: option values typed per the command's definition. */
export function slashPayload(
  definition: CommandDefinition | undefined,
  invocation: Invocation,
  caller: Caller = {},
): APIInteraction {
  const id = nextSnowflake();
  return {
    ...base(caller, id),
    type: 2,
    data: commandData(definition, invocation),
  } as unknown as APIInteraction;
}

/** An autocomplete request while the user types `value` into option `focused`. */
export function autocompletePayload(
  definition: CommandDefinition | undefined,
  invocation: Invocation,
  focused: string,
  caller: Caller = {},
): APIInteraction {
  const id = nextSnowflake();
  return {
    ...base(caller, id),
    type: 4,
    data: commandData(definition, invocation, focused),
  } as unknown as APIInteraction;
}

/** A click on a button with `customId` under a message the bot sent. */
export function buttonPayload(customId: string, caller: Caller = {}): APIInteraction {
  const id = nextSnowflake();
  const message = {
    id: nextSnowflake(),
    type: 20,
    channel_id: CHANNEL_ID,
    content: '',
    embeds: [],
    components: [],
    attachments: [],
    author: {
      id: APP_ID,
      username: 'twitchgraph',
      discriminator: '0000',
      avatar: null,
      bot: true,
      global_name: null,
    },
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    pinned: false,
    flags: 0,
    application_id: APP_ID,
  };
  return {
    ...base(caller, id),
    type: 3,
    message,
    data: { custom_id: customId, component_type: 2 },
  } as unknown as APIInteraction;
}
