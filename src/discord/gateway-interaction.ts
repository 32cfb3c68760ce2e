/**
 * discord.js interactions (gateway) as pipeline interactions: every answer goes through discord.js, which
 * sends it to the REST callback and webhook endpoints.
 */
import type {
  APIRole,
  AutocompleteInteraction as DjsAutocomplete,
  ButtonInteraction as DjsButton,
  ChatInputCommandInteraction,
  Interaction,
  InteractionReplyOptions,
  RepliableInteraction,
} from 'discord.js';
import { GuildMember, MessageFlags, Routes } from 'discord.js';
import type { Invocation } from '../commands/command.js';
import type {
  AutocompleteInteraction,
  ButtonInteraction,
  Choice,
  CommandInteraction,
  GuildRole,
  InteractionMember,
  InteractionUser,
  MessageBody,
  OtherInteraction,
  PipelineInteraction,
} from './interaction.js';
import { invocationFrom } from './interaction.js';

type DjsBody = Pick<InteractionReplyOptions, 'embeds' | 'files' | 'components' | 'allowedMentions'>;

function djsBody(body: MessageBody): DjsBody {
  return {
    embeds: body.embeds,
    files: body.files.map((f) => ({ attachment: f.data, name: f.name, description: f.description })),
    components: body.components,
    // Streamer descriptions and names are other people's text: never let them ping anyone.
    allowedMentions: { parse: [] },
  };
}

const ephemeralFlag = (ephemeral: boolean) => (ephemeral ? { flags: MessageFlags.Ephemeral as const } : {});

class GatewayBase<I extends Interaction> {
  readonly id: string;
  readonly user: InteractionUser;
  readonly guildId: string | null;
  readonly member: InteractionMember | null;

  constructor(protected readonly interaction: I) {
    this.id = interaction.id;
    this.user = { id: interaction.user.id, username: interaction.user.username };
    this.guildId = interaction.guildId;
    const member = interaction.member;
    this.member =
      member === null
        ? null
        : {
            permissions: interaction.memberPermissions?.bitfield ?? 0n,
            roles: member instanceof GuildMember ? [...member.roles.cache.keys()] : member.roles,
          };
  }

  async guildRoles(): Promise<{ roles: readonly GuildRole[]; fetched: boolean }> {
    const guild = this.interaction.guild;
    // The `Guilds` intent keeps roles cached: no request needed.
    if (guild !== null && guild.roles.cache.size > 0)
      return { roles: guild.roles.cache.map((r) => ({ id: r.id, name: r.name })), fetched: false };
    const guildId = this.interaction.guildId;
    if (guildId === null) return { roles: [], fetched: false };
    const roles = (await this.interaction.client.rest.get(Routes.guildRoles(guildId))) as APIRole[];
    return { roles: roles.map((r) => ({ id: r.id, name: r.name })), fetched: true };
  }
}

class GatewayRepliable<I extends RepliableInteraction> extends GatewayBase<I> {
  get deferred(): boolean {
    return this.interaction.deferred;
  }
  get replied(): boolean {
    return this.interaction.replied;
  }
  async reply(body: MessageBody, ephemeral: boolean): Promise<void> {
    await this.interaction.reply({ ...djsBody(body), ...ephemeralFlag(ephemeral) });
  }
  async defer(): Promise<void> {
    await this.interaction.deferReply();
  }
  async editReply(body: MessageBody): Promise<void> {
    await this.interaction.editReply(djsBody(body));
  }
  async followUp(body: MessageBody, ephemeral: boolean): Promise<void> {
    await this.interaction.followUp({ ...djsBody(body), ...ephemeralFlag(ephemeral) });
  }
  async deleteReply(): Promise<void> {
    await this.interaction.deleteReply();
  }
}

class GatewayCommand extends GatewayRepliable<ChatInputCommandInteraction> implements CommandInteraction {
  readonly kind = 'command';
  readonly invocation: Invocation = invocationFrom(
    this.interaction.commandName,
    this.interaction.options.data,
  );
}

class GatewayButton extends GatewayRepliable<DjsButton> implements ButtonInteraction {
  readonly kind = 'button';
  readonly customId = this.interaction.customId;
  async update(body: MessageBody): Promise<void> {
    // A fresh `attachments` list replaces the message's files with this page's (MessagePayload pushes
    // the new files into it), so no picture of another page lingers.
    await this.interaction.update({ ...djsBody(body), attachments: [] });
  }
  async deferUpdate(): Promise<void> {
    await this.interaction.deferUpdate();
  }
}

class GatewayOther extends GatewayRepliable<RepliableInteraction> implements OtherInteraction {
  readonly kind = 'other';
  readonly type = this.interaction.type;
}

class GatewayAutocomplete extends GatewayBase<DjsAutocomplete> implements AutocompleteInteraction {
  readonly kind = 'autocomplete';
  readonly command = this.interaction.commandName;
  readonly subcommand = this.interaction.options.getSubcommand(false);
  readonly focused = (() => {
    const focused = this.interaction.options.getFocused(true);
    return { name: focused.name, value: String(focused.value) };
  })();
  get responded(): boolean {
    return this.interaction.responded;
  }
  async respond(choices: readonly Choice[]): Promise<void> {
    await this.interaction.respond(choices.map((c) => ({ name: c.name, value: c.value })));
  }
}

/** The pipeline's view of a discord.js interaction; null for kinds that cannot be answered at all. */
export function fromDiscordJs(interaction: Interaction): PipelineInteraction | null {
  if (interaction.isChatInputCommand()) return new GatewayCommand(interaction);
  if (interaction.isButton()) return new GatewayButton(interaction);
  if (interaction.isAutocomplete()) return new GatewayAutocomplete(interaction);
  if (interaction.isRepliable()) return new GatewayOther(interaction);
  return null;
}
