/**
 * A signed HTTP interaction as a pipeline interaction. The first answer is the HTTP response itself
 * (Receiving and Responding → Interaction Response Object); everything after it goes to Discord's REST
 * API with the interaction token: edits of `@original`, follow-ups, deletion.
 *
 *   reply without pictures     → type 4 CHANNEL_MESSAGE_WITH_SOURCE in the HTTP response
 *   reply with pictures        → type 5, then PATCH @original as multipart (payload_json + files[n]):
 *                                Discord does not take multipart HTTP responses from an endpoint
 *   defer / edit               → type 5, then PATCH @original
 *   page button                → type 7 UPDATE_MESSAGE, or type 6 then PATCH @original with pictures
 *   autocomplete               → type 8 with the choices
 */
import type { REST, RawFile } from 'discord.js';
import { Routes } from 'discord.js';
import type { Invocation } from '../../commands/command.js';
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
} from '../interaction.js';
import { invocationFrom, optionsBelowSubcommand } from '../interaction.js';
import type { AnswerablePayload } from './payload.js';

export const RESPONSE = {
  pong: 1,
  channelMessage: 4,
  deferredChannelMessage: 5,
  deferredUpdate: 6,
  updateMessage: 7,
  autocompleteResult: 8,
} as const;

const EPHEMERAL = 1 << 6;

/** The body of the HTTP response to Discord. */
export interface FirstResponse {
  type: number;
  data?: Record<string, unknown>;
}

/** Message fields as Discord's REST API and interaction responses take them (snake_case). */
function wireMessage(body: MessageBody, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    embeds: body.embeds,
    components: body.components,
    // Streamer descriptions and names are other people's text: never let them ping anyone.
    allowed_mentions: { parse: [] },
    ...extra,
  };
}

function wireFiles(body: MessageBody): { attachments: unknown[]; files: RawFile[] } {
  return {
    // The listed attachments replace the message's: a page's pictures never linger on the next page.
    attachments: body.files.map((f, i) => ({ id: i, filename: f.name, description: f.description })),
    files: body.files.map((f, i) => ({
      key: `files[${i}]`,
      name: f.name,
      data: f.data,
      contentType: 'image/png',
    })),
  };
}

export interface HttpInteractionContext {
  rest: REST;
  /** Whether `rest` has a bot token (needed only to read a server's roles). */
  hasBotToken: boolean;
}

class HttpBase {
  readonly id: string;
  readonly user: InteractionUser;
  readonly guildId: string | null;
  readonly member: InteractionMember | null;
  protected readonly appId: string;
  protected readonly token: string;
  private resolveFirst!: (response: FirstResponse) => void;
  private resolveSent!: () => void;
  /** The first answer, for the HTTP response. */
  readonly first = new Promise<FirstResponse>((resolve) => (this.resolveFirst = resolve));
  /** Resolves when the HTTP response has gone out: edits of `@original` must not overtake it. */
  private readonly sent = new Promise<void>((resolve) => (this.resolveSent = resolve));
  private answered = false;

  constructor(
    payload: AnswerablePayload,
    protected readonly context: HttpInteractionContext,
  ) {
    this.id = payload.id;
    this.appId = payload.application_id;
    this.token = payload.token;
    const user = payload.member?.user ?? payload.user;
    this.user = { id: user?.id ?? '0', username: user?.username ?? 'unknown' };
    this.guildId = payload.guild_id ?? null;
    this.member =
      payload.member === undefined
        ? null
        : { permissions: BigInt(payload.member.permissions), roles: payload.member.roles };
  }

  /** Called by the server once the HTTP response is written (or the connection is gone). */
  markSent(): void {
    this.resolveSent();
  }

  get hasAnswered(): boolean {
    return this.answered;
  }

  protected answer(response: FirstResponse): void {
    if (this.answered) throw new Error('this interaction has already been answered');
    this.answered = true;
    this.resolveFirst(response);
  }

  protected async patchOriginal(body: MessageBody): Promise<void> {
    await this.sent;
    const { attachments, files } = wireFiles(body);
    await this.context.rest.patch(Routes.webhookMessage(this.appId, this.token), {
      body: wireMessage(body, { attachments }),
      files,
      auth: false,
    });
  }

  protected async postFollowUp(body: MessageBody, ephemeral: boolean): Promise<void> {
    await this.sent;
    const { attachments, files } = wireFiles(body);
    await this.context.rest.post(Routes.webhook(this.appId, this.token), {
      body: wireMessage(body, { attachments, ...(ephemeral ? { flags: EPHEMERAL } : {}) }),
      files,
      auth: false,
    });
  }

  protected async deleteOriginal(): Promise<void> {
    await this.sent;
    await this.context.rest.delete(Routes.webhookMessage(this.appId, this.token), { auth: false });
  }

  async guildRoles(): Promise<{ roles: readonly GuildRole[]; fetched: boolean }> {
    if (this.guildId === null) return { roles: [], fetched: false };
    if (!this.context.hasBotToken)
      throw new Error(
        'DISCORD_ADMIN_ROLE is a role name: reading roles needs DISCORD_TOKEN (or give the role id)',
      );
    const roles = (await this.context.rest.get(Routes.guildRoles(this.guildId))) as GuildRole[];
    return { roles: roles.map((r) => ({ id: r.id, name: r.name })), fetched: true };
  }
}

class HttpRepliable extends HttpBase {
  deferred = false;
  replied = false;

  async reply(body: MessageBody, ephemeral: boolean): Promise<void> {
    const flags = ephemeral ? { flags: EPHEMERAL } : {};
    if (body.files.length === 0) {
      this.answer({ type: RESPONSE.channelMessage, data: wireMessage(body, flags) });
      this.replied = true;
      return;
    }
    this.answer({ type: RESPONSE.deferredChannelMessage, data: flags });
    this.deferred = true;
    await this.patchOriginal(body);
    this.replied = true;
  }

  defer(): Promise<void> {
    this.answer({ type: RESPONSE.deferredChannelMessage });
    this.deferred = true;
    return Promise.resolve();
  }

  async editReply(body: MessageBody): Promise<void> {
    await this.patchOriginal(body);
    this.replied = true;
  }

  followUp(body: MessageBody, ephemeral: boolean): Promise<void> {
    return this.postFollowUp(body, ephemeral);
  }

  deleteReply(): Promise<void> {
    return this.deleteOriginal();
  }
}

class HttpCommand extends HttpRepliable implements CommandInteraction {
  readonly kind = 'command';
  readonly invocation: Invocation;
  constructor(payload: Extract<AnswerablePayload, { type: 2 }>, context: HttpInteractionContext) {
    super(payload, context);
    this.invocation = invocationFrom(payload.data.name, payload.data.options ?? []);
  }
}

class HttpButton extends HttpRepliable implements ButtonInteraction {
  readonly kind = 'button';
  readonly customId: string;
  constructor(payload: Extract<AnswerablePayload, { type: 3 }>, context: HttpInteractionContext) {
    super(payload, context);
    this.customId = payload.data.custom_id;
  }

  async update(body: MessageBody): Promise<void> {
    if (body.files.length === 0) {
      this.answer({ type: RESPONSE.updateMessage, data: wireMessage(body, { attachments: [] }) });
      this.replied = true;
      return;
    }
    this.answer({ type: RESPONSE.deferredUpdate });
    this.deferred = true;
    // After a deferred update, `@original` is the message the button is on.
    await this.patchOriginal(body);
    this.replied = true;
  }

  deferUpdate(): Promise<void> {
    this.answer({ type: RESPONSE.deferredUpdate });
    this.deferred = true;
    return Promise.resolve();
  }
}

class HttpOther extends HttpRepliable implements OtherInteraction {
  readonly kind = 'other';
  constructor(
    payload: AnswerablePayload,
    context: HttpInteractionContext,
    readonly type: number,
  ) {
    super(payload, context);
  }
}

class HttpAutocomplete extends HttpBase implements AutocompleteInteraction {
  readonly kind = 'autocomplete';
  readonly command: string;
  readonly subcommand: string | null;
  readonly focused: { name: string; value: string };
  responded = false;

  constructor(payload: Extract<AnswerablePayload, { type: 4 }>, context: HttpInteractionContext) {
    super(payload, context);
    this.command = payload.data.name;
    const { subcommand, options } = optionsBelowSubcommand(payload.data.options ?? []);
    this.subcommand = subcommand ?? null;
    const focused = options.find((o) => o.focused === true);
    this.focused = { name: focused?.name ?? '', value: String(focused?.value ?? '') };
  }

  respond(choices: readonly Choice[]): Promise<void> {
    this.answer({ type: RESPONSE.autocompleteResult, data: { choices } });
    this.responded = true;
    return Promise.resolve();
  }
}

export type HttpInteraction = PipelineInteraction & HttpBase;

export function httpInteraction(
  payload: AnswerablePayload,
  context: HttpInteractionContext,
): HttpInteraction {
  switch (payload.type) {
    case 2:
      return new HttpCommand(payload, context);
    case 3:
      return new HttpButton(payload, context);
    case 4:
      return new HttpAutocomplete(payload, context);
    default:
      return new HttpOther(payload, context, payload.type);
  }
}
