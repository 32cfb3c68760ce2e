import { describe, expect, it } from 'vitest';
import type { AccountActivity } from '../../src/insights/bot-flags.js';
import { flagBots, knownBotLogins } from '../../src/insights/bot-flags.js';

const account = (login: string, extra: Partial<AccountActivity> = {}): AccountActivity => ({
  login,
  chatterIn: 1,
  moderatorIn: 0,
  vipIn: 0,
  channels: 1,
  ...extra,
});

describe('bot flags', () => {
  it('flags an account present in 90% of channels, with the share', () => {
    const flags = flagBots(
      [account('aten', { chatterIn: 45, channels: 45 }), account('regular', { chatterIn: 2, channels: 2 })],
      50,
    );
    expect(flags.get('aten')?.reason).toBe('in 45 of 50 channels (90%)');
    expect(flags.has('regular')).toBe(false);
  });

  it('flags well-known bots by name, with the list they are on', () => {
    const flags = flagBots([account('nightbot', { moderatorIn: 1, channels: 1 })], 50);
    expect(flags.get('nightbot')?.signals).toEqual([
      { kind: 'known-bot', list: 'chat bots' },
      { kind: 'bot-like-name' },
    ]);
    expect(flags.get('nightbot')?.reason).toBe('known bot (chat bots) · bot-like name');
  });

  it('flags an account that moderates many channels and is VIP in none', () => {
    const flags = flagBots(
      [
        account('modmachine', { moderatorIn: 10, channels: 10 }),
        account('popular_mod', { moderatorIn: 10, vipIn: 1, channels: 10 }),
      ],
      60,
    );
    expect(flags.get('modmachine')?.reason).toBe('moderator in 10 channels, VIP in none');
    expect(flags.has('popular_mod')).toBe(false);
  });

  it('needs more than a bot-like name', () => {
    const flags = flagBots([account('aimbot913'), account('ticketbot', { moderatorIn: 1, channels: 1 })], 60);
    expect(flags.has('aimbot913')).toBe(false);
    expect(flags.get('ticketbot')?.reason).toBe('bot-like name');
  });

  it('does not flag by share in a graph of a few channels', () => {
    const flags = flagBots([account('everywhere', { chatterIn: 3, channels: 3 })], 3);
    expect(flags.size).toBe(0);
  });

  it('extends the known list from configuration', () => {
    const known = knownBotLogins(['MyCustomHelper']);
    const flags = flagBots([account('mycustomhelper')], 10, known);
    expect(flags.get('mycustomhelper')?.reason).toBe('listed as a bot in BOT_LOGINS_EXTRA');
  });
});
