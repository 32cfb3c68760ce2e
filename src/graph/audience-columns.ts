/**
 * `AudienceColumns` from `AudienceRecord`s and back: what a backend that reads records (Bolt) answers
 * `channelAudienceColumns` with, and what the record-based insight functions rank through.
 */
import { lowerBound } from '../util/lower-bound.js';
import type { AudienceColumns, AudienceRecord } from './graph-store.port.js';
import { compareNames } from './graph-order.js';
import { CHATS_HERE, MODERATOR_HERE, VIP_HERE } from './graph-store.port.js';

export function emptyAudienceColumns(n: number): AudienceColumns {
  return {
    logins: new Array<string>(n).fill(''),
    here: new Uint8Array(n),
    messages: new Float64Array(n).fill(NaN),
    firstSeen: new Float64Array(n).fill(NaN),
    lastSeen: new Float64Array(n).fill(NaN),
    daysSeen: new Int32Array(n).fill(-1),
    subscriber: new Int8Array(n).fill(-1),
    vipElsewhere: new Int32Array(n),
    moderatorElsewhere: new Int32Array(n),
    chatsElsewhere: new Int32Array(n),
  };
}

/** Records in login order (as channelAudience gives them; sorted here when they are not). */
export function audienceColumnsOf(given: readonly AudienceRecord[]): AudienceColumns {
  const inOrder = given.every((r, i) => i === 0 || (given[i - 1] as AudienceRecord).login <= r.login);
  const records = inOrder ? given : [...given].sort((a, b) => compareNames(a.login, b.login));
  const c = emptyAudienceColumns(records.length);
  records.forEach((r, i) => {
    c.logins[i] = r.login;
    c.here[i] =
      (r.chatsHere ? CHATS_HERE : 0) | (r.vipHere ? VIP_HERE : 0) | (r.moderatorHere ? MODERATOR_HERE : 0);
    c.messages[i] = r.messages ?? NaN;
    c.firstSeen[i] = r.firstSeen ?? NaN;
    c.lastSeen[i] = r.lastSeen ?? NaN;
    c.daysSeen[i] = r.daysSeen ?? -1;
    c.subscriber[i] = r.subscriber === null ? -1 : r.subscriber ? 1 : 0;
    c.vipElsewhere[i] = r.vipElsewhere;
    c.moderatorElsewhere[i] = r.moderatorElsewhere;
    c.chatsElsewhere[i] = r.chatsElsewhere;
  });
  return c;
}

/** One member as a record (for the few members a reply shows). */
export function audienceRecordAt(c: AudienceColumns, i: number): AudienceRecord {
  const here = c.here[i] as number;
  const m = c.messages[i] as number;
  const f = c.firstSeen[i] as number;
  const l = c.lastSeen[i] as number;
  const d = c.daysSeen[i] as number;
  const sub = c.subscriber[i] as number;
  return {
    login: c.logins[i] as string,
    chatsHere: (here & CHATS_HERE) !== 0,
    vipHere: (here & VIP_HERE) !== 0,
    moderatorHere: (here & MODERATOR_HERE) !== 0,
    messages: Number.isNaN(m) ? null : m,
    firstSeen: Number.isNaN(f) ? null : f,
    lastSeen: Number.isNaN(l) ? null : l,
    daysSeen: d < 0 ? null : d,
    subscriber: sub < 0 ? null : sub === 1,
    vipElsewhere: c.vipElsewhere[i] as number,
    moderatorElsewhere: c.moderatorElsewhere[i] as number,
    chatsElsewhere: c.chatsElsewhere[i] as number,
  };
}

/**
 * Which members are among `logins` (a few flagged bots, the broadcaster): 1 at their index. Found by
 * binary search in the login-ordered column instead of a set lookup per member, which reads every member's
 * string.
 */
export function memberMask(c: AudienceColumns, logins: Iterable<string>): Uint8Array {
  const mask = new Uint8Array(c.logins.length);
  for (const login of logins) {
    const at = lowerBound(0, c.logins.length, (i) => (c.logins[i] as string) < login);
    if (c.logins[at] === login) mask[at] = 1;
  }
  return mask;
}

/** A member known by login only so far: what a backend fills in as it reads the member's relationships. */
export function emptyAudienceRecord(login: string): AudienceRecord {
  return {
    login,
    chatsHere: false,
    vipHere: false,
    moderatorHere: false,
    messages: null,
    firstSeen: null,
    lastSeen: null,
    daysSeen: null,
    subscriber: null,
    vipElsewhere: 0,
    moderatorElsewhere: 0,
    chatsElsewhere: 0,
  };
}
