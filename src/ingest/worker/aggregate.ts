/**
 * A batch of chat events → one `ChatActivity` row per channel × chatter, so a batch is one graph write
 * however many messages it holds (the graph model keeps counts on the CHATTER edge, not one node per line).
 */
import type { ChatEvent } from '../../domain/chat-event.js';
import type { ChatActivity } from '../../domain/graph-records.js';

export const DAY_MS = 86_400_000;

export interface TimedEvent {
  event: ChatEvent;
  /** When the message was sent, epoch ms: the event's `sentAt`, else the bus timestamp (seed messages). */
  at: number;
}

/** The time an event counts at: its own `sentAt` when the producer knew it, else when the bus took it. */
export function eventTime(event: ChatEvent, busTimestamp: number): number {
  return event.sentAt ?? busTimestamp;
}

/**
 * Rows come out in the order their channel × chatter first appears in the batch. The channel login is the
 * last one the batch carried (null when only seed messages named the channel); role flags are OR-ed: a badge
 * seen once is a role held.
 */
export function aggregateBatch(events: Iterable<TimedEvent>): ChatActivity[] {
  const rows = new Map<string, ChatActivity & { daySet: Set<number> }>();
  for (const { event, at } of events) {
    const key = `${event.channel.id}\u0000${event.user.login}`;
    const day = Math.floor(at / DAY_MS);
    const row = rows.get(key);
    if (row === undefined) {
      rows.set(key, {
        channelId: event.channel.id,
        channelLogin: event.channel.login,
        login: event.user.login,
        messages: 1,
        firstSeen: at,
        lastSeen: at,
        days: [],
        daySet: new Set([day]),
        moderator: event.roles.moderator,
        vip: event.roles.vip,
        subscriber: event.roles.subscriber,
      });
      continue;
    }
    row.messages += 1;
    if (at < row.firstSeen) row.firstSeen = at;
    if (at > row.lastSeen) row.lastSeen = at;
    row.daySet.add(day);
    if (event.channel.login !== null) row.channelLogin = event.channel.login;
    row.moderator ||= event.roles.moderator;
    row.vip ||= event.roles.vip;
    row.subscriber ||= event.roles.subscriber;
  }
  return [...rows.values()].map(({ daySet, ...row }) => ({
    ...row,
    days: [...daySet].sort((a, b) => a - b),
  }));
}
