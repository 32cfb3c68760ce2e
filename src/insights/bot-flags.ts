/**
 * Which accounts are bots, and why. Signals (see the README, "Bots, VIP candidates and audience overlap"):
 * - the login is on the maintained list of well-known bots (`known-bots.json`, extended by BOT_LOGINS_EXTRA);
 * - it is present in an unusually large share of all channels (people chat in one or two; lurker and
 *   viewer-list bots sit in most of them);
 * - it moderates many channels and is VIP in none (moderation bots are added as moderators everywhere);
 * - its name looks like a bot's, and it moderates somewhere or shows up in several channels (the name
 *   alone flags too many people called "…bot").
 * Every flag lists the signals that fired, so a moderator can judge it.
 */
import knownBots from './known-bots.json' with { type: 'json' };

/** What the graph knows about one account's presence across channels. */
export interface AccountActivity {
  login: string;
  /** Distinct channels where the account chats / moderates / is VIP. */
  chatterIn: number;
  moderatorIn: number;
  vipIn: number;
  /** Distinct channels where it has any of the three. */
  channels: number;
}

export type BotSignal =
  | { kind: 'known-bot'; list: 'chat bots' | 'viewer-list bots' | 'configured' }
  | { kind: 'many-channels'; channels: number; share: number }
  | { kind: 'moderates-many-never-vip'; channels: number }
  | { kind: 'bot-like-name' };

export interface BotFlag {
  login: string;
  signals: BotSignal[];
  /** The signals in words: "known bot (chat bots) · in 51 of 57 channels (89%)". */
  reason: string;
}

export interface BotRules {
  /** Present in at least this share of all channels… */
  manyChannelsShare: number;
  /** …and in at least this many. */
  manyChannelsMin: number;
  /** Moderator in at least this share of channels (and this many), VIP in none. */
  moderatorShare: number;
  moderatorMin: number;
}

export const DEFAULT_BOT_RULES: BotRules = {
  manyChannelsShare: 0.25,
  manyChannelsMin: 5,
  moderatorShare: 0.15,
  moderatorMin: 5,
};

/**
 * Accounts a store must report for `flagBots` to see every possible bot: present in at least this many
 * channels, or moderating anywhere, or on the known list.
 */
export const BOT_NAME_MIN_CHANNELS = 3;

const BOT_LIKE_NAME = /(^bot_|_bot$|_bot_|bot$|bot\d{1,4}$)/;

export function knownBotLogins(
  extra: readonly string[] = [],
): Map<string, 'chat bots' | 'viewer-list bots' | 'configured'> {
  const known = new Map<string, 'chat bots' | 'viewer-list bots' | 'configured'>();
  for (const login of knownBots.chatBots) known.set(login, 'chat bots');
  for (const login of knownBots.viewerListBots) known.set(login, 'viewer-list bots');
  for (const login of extra) known.set(login.toLowerCase(), 'configured');
  return known;
}

export function describeSignal(signal: BotSignal, totalChannels: number): string {
  switch (signal.kind) {
    case 'known-bot':
      return signal.list === 'configured'
        ? 'listed as a bot in BOT_LOGINS_EXTRA'
        : `known bot (${signal.list})`;
    case 'many-channels':
      return `in ${signal.channels} of ${totalChannels} channels (${Math.round(signal.share * 100)}%)`;
    case 'moderates-many-never-vip':
      return `moderator in ${signal.channels} channels, VIP in none`;
    case 'bot-like-name':
      return 'bot-like name';
  }
}

/**
 * Flag bots among `accounts`. `totalChannels` is the number of streams in the graph.
 * Accounts that are not flagged are left out of the result.
 */
export function flagBots(
  accounts: Iterable<AccountActivity>,
  totalChannels: number,
  known: ReadonlyMap<string, 'chat bots' | 'viewer-list bots' | 'configured'> = knownBotLogins(),
  rules: BotRules = DEFAULT_BOT_RULES,
): Map<string, BotFlag> {
  const flags = new Map<string, BotFlag>();
  const manyChannels = Math.max(rules.manyChannelsMin, Math.ceil(rules.manyChannelsShare * totalChannels));
  const manyModerated = Math.max(rules.moderatorMin, Math.ceil(rules.moderatorShare * totalChannels));
  for (const account of accounts) {
    const signals: BotSignal[] = [];
    const list = known.get(account.login);
    if (list !== undefined) signals.push({ kind: 'known-bot', list });
    if (account.channels >= manyChannels) {
      signals.push({
        kind: 'many-channels',
        channels: account.channels,
        share: totalChannels === 0 ? 0 : account.channels / totalChannels,
      });
    }
    if (account.moderatorIn >= manyModerated && account.vipIn === 0) {
      signals.push({ kind: 'moderates-many-never-vip', channels: account.moderatorIn });
    }
    // A bot-like name is supporting evidence; it flags on its own only with moderation or wide presence.
    const lookalike =
      BOT_LIKE_NAME.test(account.login) &&
      (account.moderatorIn > 0 || account.channels >= BOT_NAME_MIN_CHANNELS);
    if (lookalike) signals.push({ kind: 'bot-like-name' });
    if (signals.length === 0) continue;
    flags.set(account.login, {
      login: account.login,
      signals,
      reason: signals.map((s) => describeSignal(s, totalChannels)).join(' · '),
    });
  }
  return flags;
}
