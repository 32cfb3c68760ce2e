/**
 * A hand-written check of the common chat-event shapes, in front of the zod schemas of chat-event.ts: zod
 * builds a parse context, issue lists and a copy of every nested object per event, about a third of the
 * worker's decoding time at 100k events/s. This path accepts only values the schemas accept unchanged —
 * ids already digits only, logins already in Twitch's lower-case form (so `trim` and `toLowerCase` would
 * not change them) — and builds the same output. For anything else (errors, padded or upper-case
 * logins, odd shapes) it answers `undefined` and zod decides, with its messages.
 * test/domain/chat-event-fast-path.test.ts checks it against zod alone on valid and invalid samples.
 */
import type { ChatEvent } from './chat-event.js';

/** Already what `twitchIdSchema` outputs: trimming changes nothing, the regex holds. */
const PLAIN_ID = /^\d{1,20}$/;
/** Already what `loginSchema` outputs: no space to trim, lower case, 1–25 ≤ 64 characters, no comma. */
const PLAIN_LOGIN = /^[a-z0-9_]{1,25}$/;

type Json = Record<string, unknown>;

/** A JSON object (not null, not an array): what `z.object` takes. */
export function isJsonObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isPlainId = (value: unknown): value is string => typeof value === 'string' && PLAIN_ID.test(value);
const isPlainLogin = (value: unknown): value is string =>
  typeof value === 'string' && PLAIN_LOGIN.test(value);
const isShortTextOrNull = (value: unknown): value is string | null =>
  value === null || (typeof value === 'string' && value.length <= 100);

/** A version-1 event in its plain form, or undefined to let `chatEventSchema` decide. */
export function plainChatEvent(json: Json): ChatEvent | undefined {
  if (json.v !== 1 || json.type !== 'chat') return undefined;
  // Raid notices are rare: zod decides them.
  if (json.raid !== undefined) return undefined;
  const { channel, user, roles, messageId, sentAt, firstMessage } = json;
  if (!(firstMessage === undefined || typeof firstMessage === 'boolean')) return undefined;
  if (!isJsonObject(channel) || !isJsonObject(user) || !isJsonObject(roles)) return undefined;
  const channelId = channel.id;
  const channelLogin = channel.login;
  const userId = user.id;
  const login = user.login;
  const displayName = user.displayName;
  const { broadcaster, moderator, vip, subscriber } = roles;
  if (
    !isPlainId(channelId) ||
    !(channelLogin === null || isPlainLogin(channelLogin)) ||
    !(userId === null || isPlainId(userId)) ||
    !isPlainLogin(login) ||
    !isShortTextOrNull(displayName) ||
    typeof broadcaster !== 'boolean' ||
    typeof moderator !== 'boolean' ||
    typeof vip !== 'boolean' ||
    typeof subscriber !== 'boolean' ||
    !isShortTextOrNull(messageId) ||
    !(sentAt === null || (typeof sentAt === 'number' && Number.isSafeInteger(sentAt) && sentAt >= 0))
  )
    return undefined;
  return {
    v: 1,
    type: 'chat',
    channel: { id: channelId, login: channelLogin },
    user: { id: userId, login, displayName },
    roles: { broadcaster, moderator, vip, subscriber },
    messageId,
    sentAt,
    ...(firstMessage === undefined ? {} : { firstMessage }),
  };
}

/** The seed's `{user_id, chatter_login}` in its plain form, or undefined to let its schema decide. */
export function plainSeedMessage(json: Json): { user_id: string; chatter_login: string } | undefined {
  const { user_id: channelId, chatter_login: login } = json;
  return isPlainId(channelId) && isPlainLogin(login)
    ? { user_id: channelId, chatter_login: login }
    : undefined;
}
