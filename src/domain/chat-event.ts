/**
 * Chat events: the messages on the `chatters` topic. One schema (versioned), one codec.
 *
 * Two shapes are accepted on the wire:
 * - version 1 of this project's event (`{"v":1,"type":"chat",...}`), produced by the listener and replay;
 * - the seed's minimal message `{"user_id": "...", "chatter_login": "..."}` (user_id is the channel's
 *   broadcaster id), read as a chat event without roles, message id or time.
 */
import { z } from 'zod';
import { isJsonObject, plainChatEvent, plainSeedMessage } from './chat-event-fast-path.js';
import { loginSchema, twitchIdSchema } from './login.js';

export const CHAT_EVENT_VERSION = 1;

const rolesSchema = z.object({
  broadcaster: z.boolean(),
  moderator: z.boolean(),
  vip: z.boolean(),
  subscriber: z.boolean(),
});

export const chatEventSchema = z.object({
  v: z.literal(CHAT_EVENT_VERSION),
  type: z.literal('chat'),
  channel: z.object({ id: twitchIdSchema, login: loginSchema.nullable() }),
  user: z.object({
    id: twitchIdSchema.nullable(),
    login: loginSchema,
    displayName: z.string().max(100).nullable(),
  }),
  roles: rolesSchema,
  messageId: z.string().max(100).nullable(),
  /** Epoch milliseconds (Twitch's `tmi-sent-ts`); null when the producer did not know. */
  sentAt: z.number().int().nonnegative().nullable(),
  /**
   * Twitch's `first-msg=1`: the chatter's first message ever in this channel. Optional, so events of
   * producers that predate it (and the seed's messages) stay valid; the live alerts read it
   * (docs/ARCHITECTURE.md, "Live alerts").
   */
  firstMessage: z.boolean().optional(),
  /**
   * Set on a raid notice (`USERNOTICE` with `msg-id=raid`) instead of a chat line: `user` is the raiding
   * broadcaster and `viewers` Twitch's `msg-param-viewerCount`. Not chat activity: the worker writes no row
   * for it, the alert detector reads it.
   */
  raid: z.object({ viewers: z.number().int().nonnegative() }).optional(),
});

export type ChatEvent = z.infer<typeof chatEventSchema>;
export type ChatRoles = z.infer<typeof rolesSchema>;

export const NO_ROLES: ChatRoles = Object.freeze({
  broadcaster: false,
  moderator: false,
  vip: false,
  subscriber: false,
});

/** The seed's producer message. `user_id` is the channel (broadcaster) id, not the chatter's. */
export const seedChatterMessageSchema = z.object({ user_id: twitchIdSchema, chatter_login: loginSchema });

export function chatEventFromSeed(message: z.infer<typeof seedChatterMessageSchema>): ChatEvent {
  return {
    v: CHAT_EVENT_VERSION,
    type: 'chat',
    channel: { id: message.user_id, login: null },
    user: { id: null, login: message.chatter_login, displayName: null },
    roles: NO_ROLES,
    messageId: null,
    sentAt: null,
  };
}

/** Why a message is not a chat event; travels with dead letters so they can be sorted without reading text. */
export const DECODE_FAILURE = {
  empty: 'EMPTY',
  tooLarge: 'TOO_LARGE',
  notJson: 'NOT_JSON',
  invalid: 'INVALID_EVENT',
} as const;
export type DecodeFailureCode = (typeof DECODE_FAILURE)[keyof typeof DECODE_FAILURE];

export type DecodeResult =
  { ok: true; event: ChatEvent } | { ok: false; code: DecodeFailureCode; reason: string };

/** Larger messages are rejected before parsing: no chat event comes near this. */
export const MAX_EVENT_BYTES = 64 * 1024;

export function encodeChatEvent(event: ChatEvent): string {
  return JSON.stringify(chatEventSchema.parse(event));
}

/**
 * Events this process encoded, by the Buffer they were encoded to. The in-process bus hands a publisher's
 * Buffer to the worker as it is, so the worker can skip decoding it (`JSON.parse` was half of its time):
 * the event was validated when it was encoded, and decoding its bytes would give the same event back.
 * Bytes from Kafka are new Buffers and are decoded as usual. Weak: an entry lives as long as its Buffer.
 */
const encodedEvents = new WeakMap<Uint8Array, ChatEvent>();

/**
 * `encodeChatEvent` as the bytes to publish, remembered for an in-process consumer (see above). The Buffer
 * must not be changed afterwards; the event a consumer gets back must be treated as read-only.
 */
export function encodeChatEventBytes(event: ChatEvent): Buffer {
  const valid = chatEventSchema.parse(event);
  const bytes = Buffer.from(JSON.stringify(valid));
  // JSON has no -0: the bytes decode to 0, so that is what is remembered.
  encodedEvents.set(bytes, Object.is(valid.sentAt, -0) ? { ...valid, sentAt: 0 } : valid);
  return bytes;
}

/**
 * The bus key of an event: the channel login, or the channel id while the login is unknown (seed
 * messages). Kafka keeps one key's messages in one partition, so one channel's events stay in order.
 */
export function chatEventKey(event: ChatEvent): string {
  return event.channel.login ?? event.channel.id;
}

export function decodeChatEvent(raw: Uint8Array | string | null): DecodeResult {
  if (raw === null) return { ok: false, code: DECODE_FAILURE.empty, reason: 'empty message (null value)' };
  const size = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.byteLength;
  if (size > MAX_EVENT_BYTES)
    return {
      ok: false,
      code: DECODE_FAILURE.tooLarge,
      reason: `message too large: ${size} bytes > ${MAX_EVENT_BYTES}`,
    };
  const remembered = typeof raw === 'string' ? undefined : encodedEvents.get(raw);
  if (remembered !== undefined) return { ok: true, event: remembered };
  const text =
    typeof raw === 'string'
      ? raw
      : Buffer.isBuffer(raw)
        ? raw.toString('utf8')
        : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      code: DECODE_FAILURE.notJson,
      reason: `not JSON: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  return chatEventFromJson(json, true);
}

/**
 * A parsed message → a chat event. `fastPath: false` (tests only) leaves every decision to the zod schemas,
 * the reference the fast path is checked against.
 */
export function chatEventFromJson(json: unknown, fastPath: boolean): DecodeResult {
  const object = isJsonObject(json) ? json : undefined;
  if (object !== undefined && 'v' in object) {
    const plain = fastPath ? plainChatEvent(object) : undefined;
    if (plain !== undefined) return { ok: true, event: plain };
    const parsed = chatEventSchema.safeParse(json);
    return parsed.success
      ? { ok: true, event: parsed.data }
      : { ok: false, code: DECODE_FAILURE.invalid, reason: describeIssues(parsed.error) };
  }
  const plainSeed = fastPath && object !== undefined ? plainSeedMessage(object) : undefined;
  if (plainSeed !== undefined) return { ok: true, event: chatEventFromSeed(plainSeed) };
  const seed = seedChatterMessageSchema.safeParse(json);
  return seed.success
    ? { ok: true, event: chatEventFromSeed(seed.data) }
    : { ok: false, code: DECODE_FAILURE.invalid, reason: describeIssues(seed.error) };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(message)'}: ${issue.message}`)
    .join('; ');
}
