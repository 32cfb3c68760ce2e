/**
 * The one place where Twitch's IRC wire shape becomes a chat event: a PRIVMSG with its IRCv3 tags (as on the
 * wire, still escaped), its prefix and its parameters → a version-1 `ChatEvent`. Nothing else in the code base
 * reads IRC tags.
 *
 * Tags used (https://dev.twitch.tv/docs/chat/irc/#privmsg-tags):
 * - `room-id` → channel id; the first parameter (`#login`) → channel login;
 * - the prefix `nick!nick@nick.tmi.twitch.tv` → user login; `user-id`, `display-name` → user id and name;
 * - roles: `badges` (`broadcaster/1,moderator/1,vip/1,subscriber/12,founder/0,…`), `badge-info`
 *   (`subscriber/14`: exact months), `mod` (`1`/`0`), `subscriber` (`1`/`0`), and `vip`, which Twitch sends
 *   only for VIPs — its presence is the signal, not its value;
 * - `id` → message id (used to drop duplicates), `tmi-sent-ts` → sent time (epoch ms);
 * - `first-msg` (`1` on a chatter's first message ever in the channel) → `firstMessage`, for the live alerts.
 *
 * A raid notice (https://dev.twitch.tv/docs/chat/irc/#usernotice-tags, `msg-id=raid`) becomes an event
 * with `raid.viewers` from `msg-param-viewerCount`, the raiding broadcaster (`msg-param-login`, `user-id`,
 * `msg-param-displayName`) as its user, and the raided channel from `room-id` and the first parameter.
 *
 * The message text (the trailing parameter) is never read: twitchgraph does not store or publish what people
 * write, only that they wrote in a channel.
 */
import { z } from 'zod';
import type { ChatEvent } from '../../domain/chat-event.js';
import { CHAT_EVENT_VERSION } from '../../domain/chat-event.js';
import { isTwitchLogin } from '../../domain/login.js';

/**
 * A PRIVMSG as an IRC parser hands it over. Tag values are as on the wire (escaped); a tag without a value may
 * come as `true` (tmi.js's parser does that for `key=`).
 */
export interface RawPrivmsg {
  tags: Readonly<Record<string, string | true | undefined>>;
  /** `nick!user@host`, without the leading colon; null when the line had none. */
  prefix: string | null;
  params: readonly string[];
}

export type PrivmsgMapping = { ok: true; event: ChatEvent } | { ok: false; reason: string };

const ESCAPES: Readonly<Record<string, string>> = { ':': ';', s: ' ', '\\': '\\', r: '\r', n: '\n' };

/**
 * IRCv3 tag value unescaping (https://ircv3.net/specs/extensions/message-tags#escaping-values): `\:` → `;`,
 * `\s` → space, `\\` → `\`, `\r` → CR, `\n` → LF; a backslash before any other character is dropped, and so is
 * a trailing lone backslash. (tmi.js's own unescape turns `\r` and `\n` into nothing.)
 */
export function unescapeTagValue(value: string): string {
  if (!value.includes('\\')) return value;
  let out = '';
  for (let i = 0; i < value.length; i += 1) {
    const c = value[i] as string;
    if (c !== '\\') {
      out += c;
      continue;
    }
    i += 1;
    if (i >= value.length) break;
    const next = value[i] as string;
    out += ESCAPES[next] ?? next;
  }
  return out;
}

/** The badge names of a `badges` or `badge-info` value (`moderator/1,subscriber/12` → moderator, subscriber). */
export function badgeNames(value: string): Set<string> {
  const names = new Set<string>();
  if (value === '') return names;
  for (const badge of unescapeTagValue(value).split(',')) {
    const slash = badge.indexOf('/');
    const name = slash === -1 ? badge : badge.slice(0, slash);
    if (name !== '') names.add(name);
  }
  return names;
}

const present = z.union([z.string(), z.literal(true)]).transform((v) => (v === true ? '' : v));
const numericId = (tag: string) =>
  present.pipe(z.string().regex(/^\d{1,20}$/, { error: `${tag} is not a numeric Twitch id` }));

/** The tags a chat event needs. Unknown tags are ignored (Twitch adds tags over time). */
const privmsgTagsSchema = z.looseObject({
  'room-id': numericId('room-id'),
  'user-id': numericId('user-id').optional(),
  id: present.optional(),
  'tmi-sent-ts': present.optional(),
  'display-name': present.optional(),
  badges: present.optional(),
  'badge-info': present.optional(),
  mod: present.optional(),
  subscriber: present.optional(),
  vip: present.optional(),
  'first-msg': present.optional(),
});

const privmsgSchema = z.object({
  tags: privmsgTagsSchema,
  prefix: z
    .string({ error: 'the line has no prefix (no sender)' })
    .transform((prefix) => {
      const bang = prefix.indexOf('!');
      return bang === -1 ? prefix : prefix.slice(0, bang);
    })
    .refine(isTwitchLogin, { error: 'the sender is not a Twitch login' }),
  params: z
    .array(z.string())
    .min(1, { error: 'no channel parameter' })
    .transform((params) => (params[0] as string).replace(/^#/, '').toLowerCase())
    .refine(isTwitchLogin, { error: 'the channel is not a Twitch login' }),
});

const MESSAGE_ID = /^[\w-]{1,100}$/;
const SENT_TS = /^\d{1,15}$/;

function displayNameOf(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const name = unescapeTagValue(raw).trim();
  // A display name Twitch would never send (empty, or longer than the event allows) is left out rather than
  // losing the chat event over a cosmetic field.
  return name === '' || name.length > 100 ? null : name;
}

/** The first schema problem, named by the tag it concerns (or the command when it concerns none). */
function refusal(error: z.ZodError, command: string): PrivmsgMapping {
  const issue = error.issues[0];
  const where = issue === undefined ? '' : issue.path.filter((p) => p !== 'tags').join('.');
  return { ok: false, reason: `${where === '' ? command : where}: ${issue?.message ?? 'invalid'}` };
}

/** A PRIVMSG → a chat event, or the reason it is not one (the reason never quotes the message text). */
export function chatEventFromPrivmsg(message: RawPrivmsg): PrivmsgMapping {
  const parsed = privmsgSchema.safeParse(message);
  if (!parsed.success) {
    return refusal(parsed.error, 'PRIVMSG');
  }
  const { tags, prefix: login, params: channelLogin } = parsed.data;
  const badges = badgeNames(tags.badges ?? '');
  const badgeInfo = badgeNames(tags['badge-info'] ?? '');
  const userId = tags['user-id'] ?? null;
  const messageId = tags.id !== undefined && MESSAGE_ID.test(tags.id) ? tags.id : null;
  const sentTs = tags['tmi-sent-ts'];
  return {
    ok: true,
    event: {
      v: CHAT_EVENT_VERSION,
      type: 'chat',
      channel: { id: tags['room-id'], login: channelLogin },
      user: { id: userId, login, displayName: displayNameOf(tags['display-name']) },
      roles: {
        broadcaster: badges.has('broadcaster') || (userId !== null && userId === tags['room-id']),
        moderator: tags.mod === '1' || badges.has('moderator'),
        // Twitch sends `vip` only for VIPs, with a value that has varied: presence is what counts.
        vip: tags.vip !== undefined || badges.has('vip'),
        // Founders are subscribers with a different badge; `badge-info` keeps the months even when the
        // badge shown is another one.
        subscriber:
          tags.subscriber === '1' ||
          badges.has('subscriber') ||
          badges.has('founder') ||
          badgeInfo.has('subscriber') ||
          badgeInfo.has('founder'),
      },
      messageId,
      sentAt: sentTs !== undefined && SENT_TS.test(sentTs) ? Number(sentTs) : null,
      ...(tags['first-msg'] === '1' ? { firstMessage: true } : {}),
    },
  };
}

const raidTagsSchema = z.looseObject({
  'msg-id': z.literal('raid', { error: 'not a raid notice' }),
  'room-id': numericId('room-id'),
  'user-id': numericId('user-id').optional(),
  'msg-param-login': present.pipe(
    z
      .string()
      .transform((v) => v.toLowerCase())
      .refine(isTwitchLogin, { error: 'not a Twitch login' }),
  ),
  'msg-param-displayName': present.optional(),
  'msg-param-viewerCount': present.pipe(
    z
      .string()
      .regex(/^\d{1,10}$/, { error: 'not a viewer count' })
      .transform(Number),
  ),
  id: present.optional(),
  'tmi-sent-ts': present.optional(),
});

const raidSchema = z.object({ tags: raidTagsSchema, params: privmsgSchema.shape.params });

/**
 * A `USERNOTICE` with `msg-id=raid` → a raid event (see the file comment), or the reason it is not one. The
 * raider's message, if any, is not read.
 */
export function raidEventFromUsernotice(message: RawPrivmsg): PrivmsgMapping {
  const parsed = raidSchema.safeParse(message);
  if (!parsed.success) {
    return refusal(parsed.error, 'USERNOTICE');
  }
  const { tags, params: channelLogin } = parsed.data;
  const messageId = tags.id !== undefined && MESSAGE_ID.test(tags.id) ? tags.id : null;
  const sentTs = tags['tmi-sent-ts'];
  return {
    ok: true,
    event: {
      v: CHAT_EVENT_VERSION,
      type: 'chat',
      channel: { id: tags['room-id'], login: channelLogin },
      user: {
        id: tags['user-id'] ?? null,
        login: tags['msg-param-login'],
        displayName: displayNameOf(tags['msg-param-displayName']),
      },
      roles: { broadcaster: false, moderator: false, vip: false, subscriber: false },
      messageId,
      sentAt: sentTs !== undefined && SENT_TS.test(sentTs) ? Number(sentTs) : null,
      raid: { viewers: tags['msg-param-viewerCount'] },
    },
  };
}
