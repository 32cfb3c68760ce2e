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
 * Folds events into rows as they come. Rows come out in the order their channel × chatter first appears in
 * the batch. The channel login is the last one the batch carried (null when only seed messages named the
 * channel); role flags are OR-ed: a badge seen once is a role held. A broadcaster's messages in their own
 * channel make no row (`isOwnChannel`), and neither does a raid notice.
 */
export class BatchAggregator {
  /** channel id → login → row; nested maps spare a key string per event. */
  private readonly byChannel = new Map<string, Map<string, Accumulated>>();
  private readonly order: Accumulated[] = [];

  add(event: ChatEvent, at: number): void {
    // A raid notice is not chat: the raider did not write in this channel (it is for the live alerts).
    if (isOwnChannel(event) || event.raid !== undefined) return;
    const day = Math.floor(at / DAY_MS);
    let chatters = this.byChannel.get(event.channel.id);
    if (chatters === undefined) {
      chatters = new Map();
      this.byChannel.set(event.channel.id, chatters);
    }
    const acc = chatters.get(event.user.login);
    if (acc === undefined) {
      const created: Accumulated = {
        row: {
          channelId: event.channel.id,
          channelLogin: event.channel.login,
          login: event.user.login,
          messages: 1,
          firstSeen: at,
          lastSeen: at,
          days: [],
          moderator: event.roles.moderator,
          vip: event.roles.vip,
          subscriber: event.roles.subscriber,
        },
        firstDay: day,
        otherDays: undefined,
      };
      chatters.set(event.user.login, created);
      this.order.push(created);
      return;
    }
    const { row } = acc;
    row.messages += 1;
    if (at < row.firstSeen) row.firstSeen = at;
    if (at > row.lastSeen) row.lastSeen = at;
    // Most rows see one day per batch: a Set only once a second day shows up.
    if (day !== acc.firstDay) (acc.otherDays ??= new Set()).add(day);
    if (event.channel.login !== null) row.channelLogin = event.channel.login;
    row.moderator ||= event.roles.moderator;
    row.vip ||= event.roles.vip;
    row.subscriber ||= event.roles.subscriber;
  }

  /** The rows; call once, when the batch is complete. */
  result(): ChatActivity[] {
    return this.order.map(({ row, firstDay, otherDays }) => {
      row.days = otherDays === undefined ? [firstDay] : [firstDay, ...otherDays].sort((a, b) => a - b);
      return row;
    });
  }
}

/**
 * The broadcaster chatting in their own channel. The graph model has the streamer as the same node as the
 * user, so that would be a CHATTER self-loop; the seed's chatter lists never name the broadcaster either.
 * The stores drop such rows too (when the login is the stream's); this also catches the badge and the id.
 */
export function isOwnChannel(event: ChatEvent): boolean {
  return (
    event.roles.broadcaster ||
    (event.user.id !== null && event.user.id === event.channel.id) ||
    event.user.login === event.channel.login
  );
}

interface Accumulated {
  row: ChatActivity;
  firstDay: number;
  otherDays: Set<number> | undefined;
}

export function aggregateBatch(events: Iterable<TimedEvent>): ChatActivity[] {
  const aggregator = new BatchAggregator();
  for (const { event, at } of events) aggregator.add(event, at);
  return aggregator.result();
}
