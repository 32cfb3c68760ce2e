/**
 * Posts live alerts to Discord channels over REST (docs/ARCHITECTURE.md, "Live alerts"): the first
 * version of an alert is a new message (`POST /channels/{id}/messages`), every later version edits it
 * (`PATCH /channels/{id}/messages/{message}`), with the alert's picture attached each time.
 *
 * The post carries a `nonce` made from the alert id with `enforce_nonce: true`: Discord then answers a
 * second post with the same nonce (a replica that crashed between posting and recording, and the one that
 * took over) with the message it already created, instead of a duplicate
 * (https://discord.com/docs/resources/message#create-message). Mentions are switched off: an alert never
 * pings anyone by its text.
 */
import { createHash } from 'node:crypto';
import { DiscordAPIError, HTTPError, RateLimitError, REST, Routes } from 'discord.js';
import { z } from 'zod';
import type { Config } from '../config.js';
import type { AlertEvent, AlertPoster } from '../domain/alert-event.js';
import { renderAlertImage } from '../render/alert-image.js';
import { TwitchgraphError } from '../util/twitchgraph-error.js';
import { restOptions } from './bot.js';

export class AlertPostError extends TwitchgraphError<'ALERT_POST_FAILED'> {
  readonly code = 'ALERT_POST_FAILED';
  constructor(
    message: string,
    readonly canRetry: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AlertPostError';
  }
}

const messageSchema = z.object({ id: z.string().regex(/^\d{1,20}$/) });

const PICTURE = 'alert.png';

/** Discord's nonce is at most 25 characters: a hash of the alert id, the same on every replica. */
export function alertNonce(alertId: string): string {
  return createHash('sha256').update(alertId).digest('base64url').slice(0, 25);
}

const COLORS = { raid: 0x9146ff, 'bot-wave': 0xe91916 } as const;

function ageOf(createdAt: string | null, at: number): string | null {
  if (createdAt === null) return null;
  const days = Math.floor((at - Date.parse(createdAt)) / 86_400_000);
  return Number.isFinite(days) ? (days <= 0 ? 'made today' : `${days} d old`) : null;
}

/** The message body for one version of an alert (exported for tests). */
export function alertMessage(alert: AlertEvent): Record<string, unknown> {
  const lines = alert.accounts.map((a) => {
    const parts = [a.isNew ? 'new' : 'known'];
    const age = ageOf(a.createdAt, alert.updatedAt);
    if (age !== null) parts.push(age);
    if (a.seenInCount > 0)
      parts.push(
        `seen in ${a.seenIn.join(', ')}${a.seenInCount > a.seenIn.length ? ` +${a.seenInCount - a.seenIn.length}` : ''}`,
      );
    return `\`${a.login}\` — ${parts.join(', ')}`;
  });
  const more = alert.accountCount - alert.accounts.length;
  if (more > 0) lines.push(`…and ${more} more`);
  return {
    content: '',
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title: alert.title.slice(0, 256),
        url: `https://www.twitch.tv/${alert.channel.login}`,
        color: COLORS[alert.kind],
        description: [...alert.facts, '', ...lines].join('\n').slice(0, 4000),
        timestamp: new Date(alert.updatedAt).toISOString(),
        footer: { text: `twitchgraph alert ${alert.id} · update ${alert.version}`.slice(0, 2048) },
        image: { url: `attachment://${PICTURE}` },
      },
    ],
    attachments: [{ id: 0, filename: PICTURE }],
  };
}

export class DiscordAlertPoster implements AlertPoster {
  constructor(private readonly rest: REST) {}

  async post(alert: AlertEvent, discordChannel: string, messageId: string | null): Promise<string> {
    const picture = await renderAlertImage(alert);
    const body = alertMessage(alert);
    const files = [{ name: PICTURE, data: picture.png, contentType: 'image/png' }];
    try {
      const answer =
        messageId === null
          ? await this.rest.post(Routes.channelMessages(discordChannel), {
              body: { ...body, nonce: alertNonce(alert.id), enforce_nonce: true },
              files,
            })
          : await this.rest.patch(Routes.channelMessage(discordChannel, messageId), { body, files });
      const parsed = messageSchema.safeParse(answer);
      if (!parsed.success) throw new AlertPostError('Discord answered without a message id', false);
      return parsed.data.id;
    } catch (error) {
      if (error instanceof AlertPostError) throw error;
      throw classify(error, discordChannel);
    }
  }
}

/** Discord's and the network's failures, once: rate limits, 5xx and network errors may pass; 4xx will not. */
function classify(error: unknown, channel: string): AlertPostError {
  if (error instanceof DiscordAPIError) {
    const retry = error.status === 429 || error.status >= 500;
    return new AlertPostError(`Discord refused the alert for channel ${channel}: ${error.message}`, retry, {
      cause: error,
    });
  }
  if (error instanceof RateLimitError)
    return new AlertPostError('Discord rate limit on alert posts', true, { cause: error });
  if (error instanceof HTTPError)
    return new AlertPostError(`Discord HTTP ${error.status} on an alert post`, error.status >= 500, {
      cause: error,
    });
  return new AlertPostError(
    `Posting the alert failed: ${error instanceof Error ? error.message : String(error)}`,
    true,
    {
      cause: error,
    },
  );
}

/** A poster on Discord's REST API with the bot's token (`DISCORD_TOKEN`, `DISCORD_API_URL`); null without a token. */
export function alertPosterFor(config: Config): DiscordAlertPoster | null {
  const token = config.discord.token;
  if (token === undefined) return null;
  return new DiscordAlertPoster(new REST(restOptions(config)).setToken(token));
}
