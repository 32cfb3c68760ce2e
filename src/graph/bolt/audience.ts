/**
 * A channel's audience from cypher.ts `CHANNEL_CHATTERS` (parallel lists, one record per slice of chatters
 * instead of one per chatter: 110k at 1M relationships) and `CHANNEL_BADGES` (a row per VIP or moderator
 * badge), joined by login. Chatter values are checked one by one here rather than by a zod schema per
 * chatter, which cost about as much as decoding them.
 */
import { compareNames } from '../graph-order.js';
import { emptyAudienceRecord } from '../audience-columns.js';
import type { AudienceRecord } from '../graph-store.port.js';
import { columnsOf, textValue, wholeNumber } from './records.js';

/** Bits of the `flags` list: which nullable values are present (their list holds 0 otherwise), and `subscriber`. */
export const CHATTER_FLAGS = {
  messages: 1,
  firstSeen: 2,
  lastSeen: 4,
  daysSeen: 8,
  subscriber: 16,
  subscribed: 32,
} as const;

const COLUMNS = [
  'logins',
  'flags',
  'messages',
  'firstSeen',
  'lastSeen',
  'daysSeen',
  'vips',
  'moderators',
  'chats',
] as const;

const WHAT = 'channel audience';
const safe = (value: unknown) => wholeNumber(value, WHAT);

/** One member while reading: relationships to the channel, and all of their relationships by type. */
interface Member {
  record: AudienceRecord;
  chatsHere: number;
  vipsHere: number;
  moderatorsHere: number;
  vips: number;
  moderators: number;
  chats: number;
}

export class AudienceBuilder {
  private readonly members = new Map<string, Member>();

  private member(login: string, counts: { vips: number; moderators: number; chats: number }): Member {
    let m = this.members.get(login);
    if (m === undefined) {
      m = {
        record: emptyAudienceRecord(login),
        chatsHere: 0,
        vipsHere: 0,
        moderatorsHere: 0,
        ...counts,
      };
      this.members.set(login, m);
    }
    return m;
  }

  /** One `CHANNEL_CHATTERS` record. */
  addChatters(record: object): void {
    const { length, lists } = columnsOf(record, COLUMNS, WHAT);
    const { logins, flags, messages, firstSeen, lastSeen, daysSeen, vips, moderators, chats } = lists;
    const F = CHATTER_FLAGS;
    for (let i = 0; i < length; i += 1) {
      const login = textValue(logins[i], WHAT);
      const f = safe(flags[i]);
      const m = this.member(login, {
        vips: safe(vips[i]),
        moderators: safe(moderators[i]),
        chats: safe(chats[i]),
      });
      m.chatsHere += 1;
      // A relationship of one type between two nodes is unique (MERGE); were there two, the first counts.
      if (m.chatsHere > 1) continue;
      const present = (bit: number, list: unknown[]) => ((f & bit) === 0 ? null : safe(list[i]));
      const r = m.record;
      r.chatsHere = true;
      r.messages = present(F.messages, messages);
      r.firstSeen = present(F.firstSeen, firstSeen);
      r.lastSeen = present(F.lastSeen, lastSeen);
      r.daysSeen = present(F.daysSeen, daysSeen);
      r.subscriber = (f & F.subscriber) === 0 ? null : (f & F.subscribed) !== 0;
    }
  }

  /** One `CHANNEL_BADGES` row (validated by records.ts `channelBadgeSchema`). */
  addBadge(row: { login: string; vip: boolean; vips: number; moderators: number; chats: number }): void {
    const m = this.member(row.login, row);
    if (row.vip) m.vipsHere += 1;
    else m.moderatorsHere += 1;
  }

  /** Members by login in code-unit order. */
  build(): AudienceRecord[] {
    const records: AudienceRecord[] = [];
    for (const m of this.members.values()) {
      const r = m.record;
      r.vipHere = m.vipsHere > 0;
      r.moderatorHere = m.moderatorsHere > 0;
      r.vipElsewhere = m.vips - m.vipsHere;
      r.moderatorElsewhere = m.moderators - m.moderatorsHere;
      r.chatsElsewhere = m.chats - m.chatsHere;
      records.push(r);
    }
    return records.sort((a, b) => compareNames(a.login, b.login));
  }
}
