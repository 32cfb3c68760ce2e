/**
 * The one place Discord interactions are answered:
 *
 *   slash command → permission check → cooldown → defer (slow, or still running after `deferAfterMs`)
 *                 → shared `dispatch` → Reply → message (pages with buttons when long)
 *   autocomplete  → names from the graph (cached), prefix matches first, at most 25
 *   page button   → the same person's pages, while they last
 *
 * Discord gives an interaction 3 seconds for its first response (Receiving and Responding → Interaction
 * response); after a deferral the answer is an edit of the original response, within 15 minutes. Any
 * failure answers the user with a short ephemeral message and is logged with the interaction id; nothing
 * a user sends (unknown commands, stale options, expired buttons, huge strings) escapes `handle`.
 */
import type { CommandGraph, OptionDefinition } from '../commands/command.js';
import { isRestricted } from '../commands/command.js';
import { dispatch } from '../commands/dispatcher.js';
import { NameSuggester } from '../commands/name-suggester.js';
import type { AnyCommand } from '../commands/registry.js';
import { drawPicturesOnDemand } from '../render/picture-drawer.js';
import type { PictureDrawer, Reply } from '../reply/reply.js';
import { errorReply } from '../reply/reply.js';
import type { BotDetector } from '../insights/bot-detector.js';
import type { Logger } from '../logging.js';
import { Cooldowns } from './cooldowns.js';
import type {
  AutocompleteInteraction,
  ButtonInteraction,
  CommandInteraction,
  MessageBody,
  PipelineInteraction,
} from './interaction.js';
import { PageSessions, pagerRow, parsePageButton } from './page-sessions.js';
import { PermissionGate } from './permissions.js';
import type { ReplyPage, TableImageRenderer } from './reply-message.js';
import { pageReply } from './reply-message.js';
import { defaultTableImageRenderer } from './table-image-hook.js';

export interface InteractionPipelineOptions {
  registry: ReadonlyMap<string, AnyCommand>;
  graph: CommandGraph;
  logger: Logger;
  permissions?: PermissionGate;
  /** Between two commands of one user (default 3 s; 0 turns it off). */
  cooldownMs?: number;
  /** How long page buttons keep working after their last use (default 5 minutes). */
  pagesTtlMs?: number;
  /**
   * A command not marked `slow` is deferred when it has run this long. Discord's 3 seconds start when it
   * sends the interaction, so this leaves room for the network both ways (default 1.5 s).
   */
  deferAfterMs?: number;
  suggester?: NameSuggester;
  tableImage?: TableImageRenderer;
  /** Draws a reply's pictures before it is laid out (default: `src/render/`, loaded on first use). */
  drawPictures?: PictureDrawer;
  /** Bot flags for commands (built-in list only when absent). */
  bots?: BotDetector;
  now?: () => number;
}

function messageBody(page: ReplyPage, sessionId: string | undefined): MessageBody {
  return {
    embeds: page.embeds,
    files: page.files.map((f) => ({ data: f.data, name: f.name, description: f.description })),
    components:
      sessionId === undefined || page.count < 2 ? [] : [pagerRow(sessionId, page.index, page.count)],
  };
}

/** First response, or the edit/follow-up after a deferral, for one slash command. */
class Responder {
  private deferring: Promise<unknown> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly interaction: CommandInteraction) {}

  defer(): Promise<unknown> {
    this.deferring ??= this.interaction.defer();
    return this.deferring;
  }

  deferAfter(ms: number, onError: (error: unknown) => void): void {
    this.timer = setTimeout(() => {
      this.defer().catch(onError);
    }, ms);
  }

  cancel(): void {
    clearTimeout(this.timer);
  }

  async send(body: MessageBody, ephemeral: boolean): Promise<void> {
    this.cancel();
    if (this.deferring === undefined) {
      await this.interaction.reply(body, ephemeral);
      return;
    }
    await this.deferring;
    if (ephemeral) {
      // The deferral was public; an ephemeral answer is a follow-up, and the "thinking…" message goes.
      await this.interaction.followUp(body, true);
      await this.interaction.deleteReply();
      return;
    }
    await this.interaction.editReply(body);
  }
}

export class InteractionPipeline {
  readonly sessions: PageSessions;
  readonly suggester: NameSuggester;
  private readonly permissions: PermissionGate;
  private readonly cooldowns: Cooldowns;
  private readonly tableImage: TableImageRenderer | undefined;
  private readonly draw: PictureDrawer;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: InteractionPipelineOptions) {
    const now = options.now ?? Date.now;
    this.permissions = options.permissions ?? new PermissionGate({ now });
    this.cooldowns = new Cooldowns(options.cooldownMs ?? 3_000, now);
    this.sessions = new PageSessions({ ttlMs: options.pagesTtlMs ?? 300_000, now });
    this.suggester = options.suggester ?? new NameSuggester(options.graph, { now });
    this.tableImage = options.tableImage ?? defaultTableImageRenderer();
    this.draw = options.drawPictures ?? drawPicturesOnDemand;
  }

  /** Answer one interaction. Never rejects: failures are answered and logged here. */
  handle(interaction: PipelineInteraction): Promise<void> {
    const task = this.route(interaction).finally(() => this.inFlight.delete(task));
    this.inFlight.add(task);
    return task;
  }

  /** Resolves when every interaction being handled has been answered (shutdown, tests). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async route(interaction: PipelineInteraction): Promise<void> {
    try {
      if (interaction.kind === 'command') await this.command(interaction);
      else if (interaction.kind === 'autocomplete') await this.autocomplete(interaction);
      else if (interaction.kind === 'button') await this.button(interaction);
      else {
        await interaction.reply(
          await this.replyBody(
            errorReply('Not handled here', 'twitchgraph does not handle this kind of interaction.'),
          ),
          true,
        );
      }
    } catch (error) {
      this.options.logger.error(
        { err: error, interactionId: interaction.id, kind: interaction.kind },
        'answering an interaction failed',
      );
      await this.answerFailure(interaction);
    }
  }

  /** Tell the user something went wrong, in whatever way the interaction still allows. */
  private async answerFailure(interaction: PipelineInteraction): Promise<void> {
    try {
      if (interaction.kind === 'autocomplete') {
        if (!interaction.responded) await interaction.respond([]);
        return;
      }
      const body = await this.replyBody(
        errorReply(
          'Something went wrong',
          'The answer could not be sent. It has been logged; please try again.',
        ),
      );
      if (interaction.deferred && !interaction.replied) {
        await interaction.followUp(body, true);
        await interaction.deleteReply().catch(() => undefined);
      } else if (interaction.replied || interaction.deferred) {
        await interaction.followUp(body, true);
      } else {
        await interaction.reply(body, true);
      }
    } catch (error) {
      // The interaction may have expired (Discord: 10062 Unknown interaction); nothing more can be said.
      this.options.logger.warn(
        { err: error, interactionId: interaction.id },
        'could not tell the user about a failure',
      );
    }
  }

  private async replyBody(reply: Reply): Promise<MessageBody> {
    return messageBody(await pageReply(await this.draw(reply), this.tableImageOption()).page(0), undefined);
  }

  private tableImageOption() {
    return this.tableImage === undefined ? {} : { tableImage: this.tableImage };
  }

  private async refuse(interaction: CommandInteraction | ButtonInteraction, reply: Reply) {
    await interaction.reply(await this.replyBody(reply), true);
  }

  private async command(interaction: CommandInteraction): Promise<void> {
    const { registry, graph, logger } = this.options;
    const started = performance.now();
    const invocation = interaction.invocation;
    const label = `/${[invocation.command, invocation.subcommand].filter((p) => p !== undefined).join(' ')}`;
    const log = (outcome: string, extra: Record<string, unknown> = {}) =>
      logger.info(
        {
          interactionId: interaction.id,
          command: label,
          user: interaction.user.id,
          guild: interaction.guildId ?? undefined,
          outcome,
          ms: Math.round(performance.now() - started),
          ...extra,
        },
        'slash command',
      );
    const definition = registry.get(invocation.command)?.definition;

    if (definition !== undefined && isRestricted(definition, invocation.subcommand)) {
      const verdict = await this.permissions.check(interaction);
      if (!verdict.allowed) {
        await this.refuse(interaction, errorReply(`${label} is restricted`, verdict.reason));
        log('refused');
        return;
      }
    }
    const wait = this.cooldowns.take(interaction.user.id);
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      await this.refuse(
        interaction,
        errorReply(
          'One moment',
          `You can run another command in ${seconds} second${seconds === 1 ? '' : 's'}.`,
        ),
      );
      log('cooldown');
      return;
    }

    const responder = new Responder(interaction);
    const deferFailed = (error: unknown) =>
      logger.warn({ err: error, interactionId: interaction.id }, 'deferring the reply failed');
    if (definition?.slow === true) await responder.defer();
    else responder.deferAfter(this.options.deferAfterMs ?? 1_500, deferFailed);

    try {
      const caller = `discord:${interaction.user.id} (${interaction.user.username})`;
      const result = await dispatch(invocation, registry, {
        graph,
        caller,
        ...(this.options.bots === undefined ? {} : { bots: this.options.bots }),
      });
      if (result.outcome === 'failed') {
        logger.error({ err: result.error, interactionId: interaction.id, command: label }, 'command failed');
      }
      const pages = pageReply(await this.draw(result.reply), this.tableImageOption());
      const first = await pages.page(0);
      const session =
        pages.count > 1 && !result.reply.ephemeral
          ? this.sessions.create(interaction.user.id, pages)
          : undefined;
      await responder.send(messageBody(first, session?.id), result.reply.ephemeral);
      log(result.outcome, { pages: pages.count, runMs: Math.round(result.elapsedMs) });
    } finally {
      // Whatever happened, a deferral must not fire after the answer (or the error) was sent.
      responder.cancel();
    }
  }

  private async autocomplete(interaction: AutocompleteInteraction): Promise<void> {
    const definition = this.options.registry.get(interaction.command)?.definition;
    const { focused, subcommand } = interaction;
    const options: readonly OptionDefinition[] =
      subcommand === null
        ? (definition?.options ?? [])
        : (definition?.subcommands?.find((s) => s.name === subcommand)?.options ?? []);
    const kind = options.find((o) => o.name === focused.name)?.autocomplete;
    // Stale clients may ask about commands or options that no longer autocomplete: answer with nothing.
    const started = performance.now();
    const names = kind === undefined ? [] : await this.suggester.suggest(kind, focused.value);
    await interaction.respond(names.map((name) => ({ name, value: name })));
    this.options.logger.debug(
      {
        interactionId: interaction.id,
        command: interaction.command,
        option: focused.name,
        choices: names.length,
        ms: Math.round(performance.now() - started),
      },
      'autocomplete',
    );
  }

  private async button(interaction: ButtonInteraction): Promise<void> {
    const parsed = parsePageButton(interaction.customId);
    if (parsed === null) {
      await this.refuse(
        interaction,
        errorReply('This button no longer works', 'Run the command again for a fresh answer.'),
      );
      return;
    }
    const session = this.sessions.get(parsed.sessionId);
    if (session === undefined) {
      const minutes = Math.round((this.options.pagesTtlMs ?? 300_000) / 60_000);
      await this.refuse(
        interaction,
        errorReply(
          'These pages have expired',
          `Page buttons work for ${minutes} minute${minutes === 1 ? '' : 's'} after their last use. Run the command again for a fresh answer.`,
        ),
      );
      return;
    }
    if (session.userId !== interaction.user.id) {
      await this.refuse(
        interaction,
        errorReply(
          'These pages belong to someone else',
          'Only the person who ran the command can turn its pages. Run it yourself to get your own copy.',
        ),
      );
      return;
    }
    if (parsed.index === null) {
      await interaction.deferUpdate();
      return;
    }
    const page = await session.pages.page(parsed.index);
    await interaction.update(messageBody(page, session.id));
  }
}
