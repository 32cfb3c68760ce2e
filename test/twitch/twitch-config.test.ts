/** The listener's and collector's settings: defaults, and the TWITCH_IRC_URL forms tmi.js would silently ignore. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { chatIdentity } from '../../src/ingest/twitch/live-listener.js';
import { ircEndpoint } from '../../src/ingest/twitch/tmi-connection.js';

const load = (env: Record<string, string>) => loadConfig({ env, dotenv: false, cwd: '/srv' });

describe('Twitch settings', () => {
  it("defaults to Twitch's endpoint and limits, and an anonymous login", () => {
    const config = load({});
    expect(config.twitch).toMatchObject({
      joinLimit: 20,
      joinWindowMs: 10_000,
      monitorPollMs: 5_000,
      bufferEvents: 50_000,
    });
    expect(ircEndpoint(config.twitch.ircUrl)).toEqual({
      server: 'irc-ws.chat.twitch.tv',
      port: 443,
      secure: true,
    });
    expect(chatIdentity(config).username).toMatch(/^justinfan\d+$/);
    expect(chatIdentity(config).token).toBeUndefined();
  });

  it('logs in as TWITCH_USERNAME (lower-cased) with TWITCH_OAUTH_TOKEN', () => {
    const config = load({ TWITCH_USERNAME: 'GraphBot', TWITCH_OAUTH_TOKEN: 'oauth:abc' });
    expect(chatIdentity(config)).toEqual({ username: 'graphbot', token: 'oauth:abc' });
  });

  it('takes a local ws:// server with its port', () => {
    expect(ircEndpoint(load({ TWITCH_IRC_URL: 'ws://127.0.0.1:6001' }).twitch.ircUrl)).toEqual({
      server: '127.0.0.1',
      port: 6001,
      secure: false,
    });
  });

  it('refuses a TLS port other than 443 and a path, which tmi.js would ignore', () => {
    expect(() => load({ TWITCH_IRC_URL: 'wss://chat.example:8443' })).toThrow(
      /wss:\/\/ works on port 443 only/,
    );
    expect(() => load({ TWITCH_IRC_URL: 'ws://127.0.0.1:6001/irc' })).toThrow(/scheme, host and port only/);
    expect(() => load({ TWITCH_JOIN_LIMIT: '0' })).toThrow(ConfigError);
  });

  it('wants the client id with a broadcaster token', () => {
    expect(() => load({ TWITCH_BROADCASTER_TOKEN: 'x' })).toThrow(/set TWITCH_CLIENT_ID too/);
  });
});
