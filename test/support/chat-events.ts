/** Chat events and graph read-backs shared by the pipeline's unit and integration tests. */
import type { ChatEvent } from '../../src/domain/chat-event.js';
import { CHAT_EVENT_VERSION, NO_ROLES, encodeChatEvent } from '../../src/domain/chat-event.js';
import type { GraphStore } from '../../src/graph/graph-store.port.js';
import type { OutgoingMessage } from '../../src/ingest/bus/event-bus.port.js';

export const T0 = Date.UTC(2026, 0, 10, 12, 0, 0);

export function chatEvent(
  channelId: string,
  login: string,
  extra: Partial<Omit<ChatEvent, 'roles'>> & { roles?: Partial<ChatEvent['roles']> } = {},
): ChatEvent {
  const { roles, ...rest } = extra;
  return {
    v: CHAT_EVENT_VERSION,
    type: 'chat',
    channel: { id: channelId, login: null },
    user: { id: null, login, displayName: null },
    roles: { ...NO_ROLES, ...roles },
    messageId: null,
    sentAt: T0,
    ...rest,
  };
}

export function eventMessage(event: ChatEvent): OutgoingMessage {
  return { key: event.channel.login ?? event.channel.id, value: Buffer.from(encodeChatEvent(event)) };
}

/** The seed producer's message: `{"user_id": <channel id>, "chatter_login": <login>}`. */
export function seedMessage(channelId: string, login: string): OutgoingMessage {
  return { key: channelId, value: Buffer.from(JSON.stringify({ user_id: channelId, chatter_login: login })) };
}

/** Every CHATTER edge of the given channels, `channelId login` → messages (null for CSV edges). */
export async function chatterEdges(
  store: GraphStore,
  channelIds: Iterable<string>,
): Promise<Map<string, number | null>> {
  const edges = new Map<string, number | null>();
  for (const id of channelIds) {
    const hood = await store.neighbourhood(id, { chatterLimit: 1_000_000 });
    if (hood === null) continue;
    for (const c of hood.chatters) edges.set(`${id} ${c.login}`, c.messages);
  }
  return edges;
}

/** Sum of CHATTER `messages` over the given channels. */
export async function totalMessages(store: GraphStore, channelIds: Iterable<string>): Promise<number> {
  let total = 0;
  for (const messages of (await chatterEdges(store, channelIds)).values()) total += messages ?? 0;
  return total;
}

/** Whether a promise has settled after the event loop has had a few turns (no clock involved). */
export async function hasSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < 5; i += 1) await new Promise((r) => setImmediate(r));
  return settled;
}
